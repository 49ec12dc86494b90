//! Building and running the HTTP server: the one place where the application is assembled.

use crate::auth::AuthState;
use crate::auth::jwt::TokenSettings;
use crate::auth::keys::{KeySet, KeySources};
use crate::config::{Config, CorsOrigins};
use crate::extract::BodyLimit;
use crate::metrics::Metrics;
use crate::observe::observe;
use crate::openapi::{self, RouteTable};
use crate::problem::ApiError;
use crate::routes;
use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::error::UrlencodedError;
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use implication_app::webhooks::worker;
use implication_app::webhooks::{Sender, SenderSettings};
use implication_domain::Message;
use implication_domain::webhooks::target::Policy;
use implication_storage::{Database, PoolOptions};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

/// Routes served outside the contract (the contract itself and its viewer), for `405` answers.
const UNDOCUMENTED_GET_PATHS: [&str; 3] = ["/openapi.json", "/docs", "/docs/{tail:.*}"];

/// Connects to the configured database and applies pending migrations.
pub async fn prepare_database(config: &Config) -> anyhow::Result<Database> {
    let pool = PoolOptions {
        max_connections: config.database_max_connections,
        acquire_timeout: config.database_acquire_timeout,
    };
    let db = Database::connect(config.database_url.expose(), pool)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to {}: {e}", config.database_url.redacted()))?
        .with_cache_ttl(config.cache_ttl);
    db.migrate_up().await.map_err(|e| anyhow::anyhow!("migrating {} failed: {e}", config.database_url.redacted()))?;
    Ok(db)
}

/// Listens on `addr` (port 0 picks a free port); the error names the address.
pub fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr).map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))
}

/// The demo data `implication serve` loads, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Demo {
    None,
    /// `--demo`: what is missing of the demo data is added to the database as it is.
    Load,
    /// `--demo --fresh`: the SQLite database is deleted first, so the demo starts as documented.
    Fresh,
}

/// What `implication serve` has ready before it serves.
pub struct Started {
    pub app: Application,
    pub db: Database,
    /// The slugs of the demo towns this start created.
    pub demo_created: Vec<&'static str>,
}

/// `implication serve` up to serving: binds first, so that a busy address fails at once (and
/// before anything is deleted or migrated), then (for `--fresh`) deletes the SQLite database,
/// migrates, loads the demo and assembles the app. Connections that arrive meanwhile wait in
/// the listen queue.
pub async fn start(config: &Config, demo: Demo) -> anyhow::Result<Started> {
    let fresh_file = match demo {
        Demo::Fresh => fresh_target(config)?,
        Demo::None | Demo::Load => None,
    };
    let listener = bind(config.bind_addr)?;
    if let Some(file) = fresh_file {
        delete_sqlite_database(&file)?;
    }
    let db = prepare_database(config).await?;
    let demo_created = match demo {
        Demo::None => Vec::new(),
        Demo::Load | Demo::Fresh => implication_app::demo::load(&db).await?,
    };
    let app = Application::on(listener, config, db.clone()).await?;
    Ok(Started { app, db, demo_created })
}

/// The SQLite file `--fresh` deletes (`None` for an in-memory database). Refused on PostgreSQL:
/// a server database may hold anything, and dropping it is for its administrator to decide.
fn fresh_target(config: &Config) -> anyhow::Result<Option<PathBuf>> {
    let url = config.database_url.expose();
    anyhow::ensure!(
        config.database_url.is_sqlite(),
        "--fresh deletes a SQLite database file, and {} is not one: start from an empty PostgreSQL \
         database instead (dropdb and createdb), then `serve --demo`",
        config.database_url.redacted()
    );
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let in_memory = path.is_empty() || path == ":memory:" || query.split('&').any(|p| p == "mode=memory");
    if in_memory {
        return Ok(None);
    }
    // The file sqlx opens: it percent-decodes the path (`my%20db.db` is `my db.db`).
    let options =
        <implication_storage::sea_orm::sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(url)
            .map_err(|e| anyhow::anyhow!("{} is not a SQLite database URL: {e}", config.database_url.redacted()))?;
    Ok(Some(options.get_filename().to_path_buf()))
}

/// Deletes a SQLite database with its journal files; a missing file is already fresh.
fn delete_sqlite_database(file: &std::path::Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => anyhow::bail!("--fresh cannot delete {}: {e}", PathBuf::from(name).display()),
        }
    }
    Ok(())
}

/// The contract served at `/openapi.json`, byte for byte the committed file.
struct OpenApiJson(String);

/// A bound, not yet running, server.
pub struct Application {
    port: u16,
    server: Server,
    /// Stops the webhook worker running beside it, if any, when the server stops.
    worker_stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// The sender of webhook deliveries `config` describes.
pub fn webhook_sender(config: &Config) -> anyhow::Result<Sender> {
    Sender::new(SenderSettings {
        policy: Policy { allow_loopback: config.webhooks.allow_loopback },
        timeout: config.webhooks.timeout,
    })
    .map_err(|e| anyhow::anyhow!("cannot build the webhooks' HTTP client: {e}"))
}

/// Starts the webhook worker on `db` (on the current runtime); it stops when the sender returned
/// is used or dropped.
pub fn spawn_worker(config: &Config, db: Database, sender: Sender) -> tokio::sync::oneshot::Sender<()> {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let every = config.webhooks.poll;
    tokio::spawn(async move {
        worker::run(db, sender, every, async move {
            let _ = stopped.await;
        })
        .await;
    });
    stop
}

impl Application {
    /// Binds `config.bind_addr` (port 0 picks a free port) and assembles the app on `db`.
    pub async fn build(config: &Config, db: Database) -> anyhow::Result<Self> {
        Self::on(bind(config.bind_addr)?, config, db).await
    }

    /// Assembles the app on `db`, to serve on a bound `listener`.
    pub async fn on(listener: TcpListener, config: &Config, db: Database) -> anyhow::Result<Self> {
        let key_sources = KeySources {
            signing_pem: config.jwt.signing_key_pem.clone(),
            previous_pems: config.jwt.previous_key_pems.clone(),
        };
        let keys = KeySet::load(&key_sources, &db).await?;
        let token_settings = TokenSettings {
            issuer: config.jwt.issuer.clone(),
            audience: config.jwt.audience.clone(),
            access_ttl: config.jwt.access_ttl,
            refresh_ttl: config.jwt.refresh_ttl,
        };
        let auth = web::Data::new(AuthState::new(
            keys,
            token_settings,
            config.trust_forwarded_for,
            config.anonymous_intake_per_hour,
        ));
        let api = openapi::document();
        let contract = web::Data::new(OpenApiJson(openapi::document_json()?));
        let route_table = web::Data::new(RouteTable::new(&api, &UNDOCUMENTED_GET_PATHS));
        let metrics = web::Data::new(Metrics::new()?);
        let sender = webhook_sender(config)?;
        let worker_stop = config.webhooks.worker.then(|| spawn_worker(config, db.clone(), sender.clone()));
        let sender = web::Data::new(sender);
        let db = web::Data::new(db);
        let cors_origins = config.cors_allowed_origins.clone();
        let max_body_bytes = config.max_body_bytes;

        let port = listener.local_addr()?.port();
        let server = HttpServer::new(move || {
            App::new()
                .into_utoipa_app()
                .configure(routes::configure)
                .into_app()
                .app_data(db.clone())
                .app_data(metrics.clone())
                .app_data(sender.clone())
                .app_data(route_table.clone())
                .app_data(contract.clone())
                .app_data(auth.clone())
                .app_data(BodyLimit(max_body_bytes))
                .app_data(web::PayloadConfig::default().limit(max_body_bytes))
                .app_data(web::FormConfig::default().limit(max_body_bytes).error_handler(form_error))
                .app_data(web::QueryConfig::default().error_handler(|err, _| {
                    ApiError::malformed(
                        Message::new(
                            format!("the query string is invalid: {err}"),
                            format!("la chaîne de requête est invalide : {err}"),
                        ),
                        Vec::new(),
                    )
                    .into()
                }))
                .service(web::resource("/openapi.json").get(get_contract))
                .service(web::resource("/docs").get(redirect_to_docs))
                // Vendored: the viewer works with no internet.
                .service(SwaggerUi::new("/docs/{_:.*}").config(utoipa_swagger_ui::Config::new(["/openapi.json"])))
                .default_service(web::to(fallback))
                .wrap(cors(&cors_origins))
                .wrap(from_fn(observe))
        })
        .workers(config.workers)
        .shutdown_timeout(config.shutdown_timeout.as_secs())
        .listen(listener)?
        .run();
        Ok(Self { port, server, worker_stop })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT or SIGTERM, then lets in-flight requests finish (up to the shutdown timeout).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(stop) = self.worker_stop {
            let _ = stop.send(());
        }
        served
    }
}

/// A form that cannot be read: the token endpoints' errors, in OAuth 2.0 terms.
fn form_error(err: UrlencodedError, _: &HttpRequest) -> actix_web::Error {
    match err {
        UrlencodedError::ContentType => {
            ApiError::UnsupportedMediaType { expected: "application/x-www-form-urlencoded" }
        }
        UrlencodedError::Overflow { limit, .. } => ApiError::PayloadTooLarge { limit },
        other => ApiError::oauth(
            "invalid_request",
            Message::new(format!("the form is invalid: {other}"), format!("le formulaire est invalide : {other}")),
        ),
    }
    .into()
}

async fn get_contract(contract: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(contract.0.clone())
}

async fn redirect_to_docs() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header((header::LOCATION, "/docs/")).finish()
}

/// No route matched: `405` with `Allow` when the path exists with other methods, `404` otherwise.
async fn fallback(req: HttpRequest, routes: web::Data<RouteTable>) -> Result<HttpResponse, ApiError> {
    Err(match routes.allowed_methods(req.path()) {
        Some(allow) => ApiError::MethodNotAllowed { allow },
        None => ApiError::nowhere(),
    })
}

fn cors(origins: &CorsOrigins) -> Cors {
    let cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("idempotency-key"),
            crate::context::REQUEST_ID,
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::LINK,
            header::RETRY_AFTER,
            header::CONTENT_LANGUAGE,
            crate::context::REQUEST_ID,
        ])
        .max_age(3600)
        // A foreign origin gets no CORS headers (the browser then refuses), not an error page.
        .block_on_origin_mismatch(false);
    match origins {
        CorsOrigins::None => cors,
        CorsOrigins::Any => cors.allow_any_origin(),
        CorsOrigins::List(list) => list.iter().fold(cors, |cors, origin| cors.allowed_origin(origin)),
    }
}
