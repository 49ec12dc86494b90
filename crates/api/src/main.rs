//! The `implication` command: serve the API, migrate the database, print the contract, manage
//! municipalities and platform admins, rebuild the term index.

use clap::{Parser, Subcommand};
use implication_api::startup::{self, Demo};
use implication_api::{Config, openapi, prepare_database, telemetry};
use implication_app::UseCaseError;
use implication_app::identity::accounts::PlatformAdmin;
use implication_domain::identity::municipality::MunicipalityDraft;
use implication_domain::identity::{Email, Password};
use implication_storage::identity::accounts;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "implication", version, about = "A public API for citizen involvement in towns.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (configuration from the environment: see the README).
    Serve {
        /// Load the demo municipalities and their data (idempotent: keeps what the database holds).
        #[arg(long)]
        demo: bool,
        /// With --demo: delete the SQLite database file (and its -wal, -shm and -journal files)
        /// first, so that the demo starts as documented. SQLite only: refused on PostgreSQL.
        #[arg(long, requires = "demo")]
        fresh: bool,
    },
    /// Manage the database schema.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Print the OpenAPI contract (the content of openapi/openapi.json).
    Openapi,
    /// Rebuild the index of the words of every request, which suggestions of similar requests
    /// read: after upgrading from a version without it, or when the way terms are computed
    /// changes. Safe to run again, and while the API serves.
    Reindex,
    /// Anonymise the requesters of requests closed more than the retention ago (their name,
    /// email, phone and postal address, and mentions of them in the request's texts); the
    /// requests, their history and every figure stay. Each run is recorded as an erasure. For
    /// an operator to schedule (cron, a systemd timer); safe to run again, and while the API serves.
    Retention {
        /// How many years a closed request keeps its requester's data.
        #[arg(long, env = "IMPLICATION_RETENTION_YEARS")]
        years: u16,
        /// Only this municipality (its slug); else every one.
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Deliver webhooks, without serving the API: the worker that the API process otherwise runs
    /// (turn it off there with WEBHOOKS_WORKER=false). On PostgreSQL several may run; on SQLite,
    /// one. Stops on SIGINT or SIGTERM after the attempts in flight.
    Worker,
    /// Manage municipalities.
    Municipality {
        #[command(subcommand)]
        action: MunicipalityAction,
    },
    /// Manage platform admins (who create municipalities and their first admins).
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
}

#[derive(Subcommand)]
enum AdminAction {
    /// Create a platform admin, or make an existing account one. The password comes from
    /// IMPLICATION_ADMIN_PASSWORD, or is asked for (never an argument: it would show in `ps`).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Revert the last migrations.
    Down {
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List migrations and whether each is applied.
    Status,
}

#[derive(Subcommand)]
enum MunicipalityAction {
    /// Create a municipality, with its neighbourhoods.
    Create {
        /// Its identifier in paths, e.g. loos-en-gohelle.
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// The INSEE code of the commune, e.g. 62528.
        #[arg(long)]
        insee_code: String,
        #[arg(long)]
        population: i64,
        /// Days before an unanswered request is late (default 30).
        #[arg(long)]
        answer_delay_days: Option<i64>,
        /// Days after a meeting by which its minutes are due (default 15).
        #[arg(long)]
        minutes_delay_days: Option<i64>,
        /// Its IANA time zone (default Europe/Paris).
        #[arg(long)]
        time_zone: Option<String>,
        /// A neighbourhood's name; repeat for each.
        #[arg(long = "neighbourhood")]
        neighbourhoods: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Openapi = cli.command {
        return match openapi::document_json() {
            Ok(json) => {
                print!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&format!("cannot render the contract: {e}")),
        };
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => return fail(&format!("configuration: {e}")),
    };
    if let Err(e) = telemetry::init(&config) {
        return fail(&format!("configuration: {e}"));
    }
    let runtime = match actix_web::rt::System::new().block_on(async { run(cli.command, config).await }) {
        Ok(()) => return ExitCode::SUCCESS,
        Err(e) => e,
    };
    fail(&format!("{runtime:#}"))
}

/// One line on standard error, and a failure exit code: never a panic trace.
fn fail(message: &str) -> ExitCode {
    eprintln!("implication: {message}");
    ExitCode::from(2)
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve { demo, fresh } => {
            let demo = match (demo, fresh) {
                (false, _) => Demo::None,
                (true, false) => Demo::Load,
                (true, true) => Demo::Fresh,
            };
            serve(config, demo).await
        }
        Command::Migrate { action } => migrate(config, action).await,
        Command::Municipality { action } => municipality(config, action).await,
        Command::Admin { action: AdminAction::Create { email, name } } => create_admin(config, email, name).await,
        Command::Reindex => reindex(config).await,
        Command::Worker => worker(config).await,
        Command::Retention { years, municipality } => retention(config, years, municipality.as_deref()).await,
        Command::Openapi => Ok(()),
    }
}

async fn worker(config: Config) -> anyhow::Result<()> {
    let db = prepare_database(&config).await?;
    let sender = startup::webhook_sender(&config)?;
    tracing::info!(database = %config.database_url.redacted(), "webhook worker started");
    implication_app::webhooks::worker::run(db.clone(), sender, config.webhooks.poll, async {
        let interrupted = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut terminated = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return std::mem::drop(interrupted.await),
            };
            tokio::select! {
                _ = interrupted => {}
                _ = terminated.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = interrupted.await;
    })
    .await;
    tracing::info!("webhook worker stopped");
    db.close().await;
    Ok(())
}

async fn reindex(config: Config) -> anyhow::Result<()> {
    let db = prepare_database(&config).await?;
    let count = implication_app::requests::reindex(&db).await?;
    println!("indexed the terms of {count} requests");
    db.close().await;
    Ok(())
}

async fn retention(config: Config, years: u16, municipality: Option<&str>) -> anyhow::Result<()> {
    let db = prepare_database(&config).await?;
    let erasures = implication_app::identity::personal_data::apply_retention(&db, years, municipality).await?;
    let requests: u32 = erasures.iter().map(|e| e.erased.get("requests").copied().unwrap_or(0)).sum();
    println!(
        "retention of {years} years: {requests} requests forgot their requester ({} erasures recorded)",
        erasures.len()
    );
    db.close().await;
    Ok(())
}

async fn serve(config: Config, demo: Demo) -> anyhow::Result<()> {
    let startup::Started { app, db, demo_created } = startup::start(&config, demo).await?;
    if demo != Demo::None {
        tracing::info!(created = ?demo_created, "demo data loaded");
    }
    let base = format!("http://{}:{}", config.bind_addr.ip(), app.port());
    println!("Implication is serving on {base} (database: {})", config.database_url.redacted());
    println!("  interactive documentation: {base}/docs/");
    println!("  OpenAPI contract:          {base}/openapi.json");
    if demo != Demo::None {
        println!("  demo municipalities:       {base}/v1/municipalities (loos-en-gohelle, grenay)");
    }
    println!("Stop with Ctrl-C: requests in flight are finished first.");
    app.run_until_stopped().await?;
    db.close().await;
    Ok(())
}

async fn migrate(config: Config, action: MigrateAction) -> anyhow::Result<()> {
    let db = implication_storage::Database::connect(
        config.database_url.expose(),
        implication_storage::PoolOptions::default(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("cannot connect to {}: {e}", config.database_url.redacted()))?;
    match action {
        MigrateAction::Up => db.migrate_up().await?,
        MigrateAction::Down { steps } => db.migrate_down(steps).await?,
        MigrateAction::Status => {}
    }
    for state in db.migration_states().await? {
        println!("{} {}", if state.applied { "applied" } else { "pending" }, state.name);
    }
    db.close().await;
    Ok(())
}

async fn municipality(config: Config, action: MunicipalityAction) -> anyhow::Result<()> {
    let MunicipalityAction::Create {
        slug,
        name,
        insee_code,
        population,
        answer_delay_days,
        minutes_delay_days,
        time_zone,
        neighbourhoods,
    } = action;
    let draft =
        MunicipalityDraft { slug, name, insee_code, population, answer_delay_days, minutes_delay_days, time_zone };
    let db = prepare_database(&config).await?;
    let created = match implication_app::identity::municipalities::create(&db, &draft, &neighbourhoods).await {
        Ok(created) => created,
        Err(UseCaseError::Invalid(errors)) => anyhow::bail!("{}", describe(&errors)),
        Err(other) => return Err(other.into()),
    };
    println!("created municipality {} ({}), id {}", created.slug, created.name.as_str(), created.id);
    db.close().await;
    Ok(())
}

async fn create_admin(config: Config, email: String, name: Option<String>) -> anyhow::Result<()> {
    let email = Email::parse("--email", &email).map_err(|e| anyhow::anyhow!("{} {}", e.field, e.message))?;
    let db = prepare_database(&config).await?;
    // An existing account keeps its password: ask for one only for a new account.
    let password = if accounts::find_with_password_by_email(&db, &email).await?.is_some() {
        None
    } else {
        Some(match std::env::var("IMPLICATION_ADMIN_PASSWORD").ok().filter(|p| !p.is_empty()) {
            Some(password) => password,
            None => {
                let first = rpassword::prompt_password("Password for the new platform admin: ").map_err(|e| {
                    anyhow::anyhow!("no password: set IMPLICATION_ADMIN_PASSWORD or run in a terminal ({e})")
                })?;
                let again = rpassword::prompt_password("The same password again: ")?;
                anyhow::ensure!(first == again, "the two passwords differ");
                first
            }
        })
    };
    let password = password
        .map(|p| Password::parse("password", &p).map_err(|e| anyhow::anyhow!("{} {}", e.field, e.message)))
        .transpose()?;
    match implication_app::identity::accounts::make_platform_admin(&db, &email, password.as_ref(), name).await? {
        PlatformAdmin::Promoted(_) => {
            println!("{} is now a platform admin (its password is unchanged)", email.as_str())
        }
        PlatformAdmin::Created(account) => println!("created platform admin {} (id {})", email.as_str(), account.id),
    }
    db.close().await;
    Ok(())
}

fn describe(errors: &implication_domain::ValidationErrors) -> String {
    errors.0.iter().map(|e| format!("{} {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
}
