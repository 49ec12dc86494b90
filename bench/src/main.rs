//! Benchmark data: many municipalities, up to millions of requests with their history, written
//! in bulk into a migrated database (SQLite or PostgreSQL) in the same encodings the API writes
//! (values are bound through SeaQuery, as the API's own inserts are).
//!
//! `cargo run --release -p implication-bench -- --database-url sqlite://bench.db --requests 1000000`

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Utc};
use clap::Parser;
use implication_domain::identity::municipality::MunicipalityDraft;
use implication_domain::requests::{Milestones, fold_for_search, lifecycle, similarity};
use implication_domain::vocabulary::{Channel, RequestKind, RequestStatus, Resolution};
use implication_domain::{NewMunicipality, NewNeighbourhood, time};
use implication_storage::sea_orm::sea_query::{Alias, InsertStatement, OnConflict, Query, SimpleExpr};
use implication_storage::sea_orm::{ConnectionTrait, TransactionTrait};
use implication_storage::{Database, PoolOptions, identity::municipalities};
use std::collections::HashMap;
use std::io::Write;
use uuid::Uuid;

mod evaluation;

#[derive(Parser, Debug)]
#[command(about = "Fills a database with benchmark municipalities and requests")]
struct Args {
    /// `sqlite://bench.db` or `postgres://…/bench` (created and migrated if needed).
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    /// How many municipalities (the first one, `bench-town-0`, gets a third of the requests).
    #[arg(long, default_value_t = 20)]
    municipalities: usize,
    /// How many requests in all.
    #[arg(long, default_value_t = 100_000)]
    requests: usize,
    /// Requests per INSERT statement (their terms go in one statement too: keep it under SQLite's
    /// 32,766 bound values, about 10 terms a request).
    #[arg(long, default_value_t = 400)]
    batch: usize,
    /// The share of requests published, in % (the open-data export reads the published ones).
    #[arg(long, default_value_t = 60)]
    published: usize,
    /// Also the first town's processes, meetings, surveys, projects, conventions and participants,
    /// in proportion to its requests (what the indicators count besides requests).
    #[arg(long)]
    evaluation: bool,
    /// Where to write ids of published requests of `bench-town-0` (for the load script).
    #[arg(long, default_value = "target/bench-ids.txt")]
    ids_file: String,
}

/// A small deterministic generator (xorshift64*): the same data on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SUBJECTS: [&str; 12] = [
    "Poubelles non ramassées",
    "Vitesse excessive",
    "Éclairage en panne",
    "Banc cassé",
    "Nids-de-poule",
    "Des bacs à fleurs",
    "Un skate-park",
    "Vestiaires à repeindre",
    "Chemin rural défoncé",
    "Dépôt sauvage",
    "Passage piéton",
    "Jardin partagé",
];
const PLACES: [&str; 10] = [
    "rue Bayard",
    "rue Lamartine",
    "cité 5",
    "cité 12",
    "place de la République",
    "chemin des Mineurs",
    "rue Jean-Jaurès",
    "quartier Ouest",
    "près de l'école",
    "au stade",
];
const NEIGHBOURHOODS: [&str; 6] = ["Centre-ville", "Quartier Ouest", "Cité 5", "Cité 11", "Cité 12", "Secteur rural"];
const THEMES: [&str; 11] = [
    "urban-planning",
    "roads-and-traffic",
    "waste-and-cleanliness",
    "green-spaces-and-biodiversity",
    "culture",
    "youth-and-sport",
    "shops",
    "agriculture",
    "energy",
    "social",
    "school",
];
const NEIGHBOURHOOD_CODES: [&str; 6] =
    ["centre-ville", "quartier-ouest", "cite-5", "cite-11", "cite-12", "secteur-rural"];

/// The statuses a request passes through to reach its final one.
fn path_to(status: RequestStatus) -> Vec<RequestStatus> {
    use RequestStatus::*;
    match status {
        Received => vec![],
        Qualifying => vec![Qualifying],
        Qualified => vec![Qualifying, Qualified],
        Redirected | Declined | Answered | InProcess | InFiftyFifty => vec![Qualifying, Qualified, status],
        Closed => vec![Qualifying, Qualified, InProcess, Closed],
        Merged => vec![Merged],
    }
}

/// Rows waiting to be written, one INSERT per table.
struct Batch {
    requests: InsertStatement,
    events: InsertStatement,
    /// The index of the requests' words, as registration writes it.
    terms: InsertStatement,
    rows: usize,
}

impl Batch {
    fn new() -> Self {
        let columns = |table: &str, columns: &[&str]| {
            Query::insert().into_table(Alias::new(table)).columns(columns.iter().map(|c| Alias::new(*c))).to_owned()
        };
        Self {
            requests: columns(
                "requests",
                &[
                    "id",
                    "municipality_id",
                    "year",
                    "sequence",
                    "kind",
                    "title",
                    "description",
                    "search_text",
                    "channel",
                    "themes",
                    "neighbourhood_code",
                    "location_address",
                    "latitude",
                    "longitude",
                    "requester_kind",
                    "requester_name",
                    "requester_email",
                    "requester_phone",
                    "requester_postal_address",
                    "consent_at",
                    "association",
                    "submitted_by_kind",
                    "submitted_by_id",
                    "received_on",
                    "status",
                    "resolution",
                    "merged_into",
                    "published_at",
                    "internal_note",
                    "qualified_on",
                    "left_intake_on",
                    "first_answer_on",
                    "first_public_answer_on",
                    "tracking_hash",
                    "version",
                    "created_at",
                    "updated_at",
                ],
            ),
            events: columns(
                "request_events",
                &[
                    "id",
                    "request_id",
                    "municipality_id",
                    "kind",
                    "actor_kind",
                    "actor_id",
                    "from_status",
                    "to_status",
                    "reason",
                    "resolution",
                    "related_request_id",
                    "answer_id",
                    "fields",
                    "at",
                ],
            ),
            terms: columns("request_terms", &["municipality_id", "term", "request_id"]),
            rows: 0,
        }
    }
}

fn value<T: Into<SimpleExpr>>(v: T) -> SimpleExpr {
    v.into()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let db = Database::connect(&args.database_url, PoolOptions::default()).await?;
    db.migrate_up().await?;
    let started = std::time::Instant::now();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let today = time::today();
    let now = time::now();

    let mut towns = Vec::new();
    for i in 0..args.municipalities {
        let slug = format!("bench-town-{i}");
        let town = match municipalities::find_by_slug(&db, &slug).await? {
            Some(town) => town,
            None => {
                let draft = MunicipalityDraft {
                    slug: slug.clone(),
                    name: format!("Bench Town {i}"),
                    insee_code: format!("{:05}", 62001 + i),
                    population: 5_000 + (i as i64) * 1_000,
                    ..MunicipalityDraft::default()
                };
                let neighbourhoods =
                    NEIGHBOURHOODS.iter().map(|n| NewNeighbourhood::parse(n, None)).collect::<Result<Vec<_>, _>>()?;
                municipalities::create(&db, &NewMunicipality::parse(&draft)?, &neighbourhoods).await?
            }
        };
        towns.push(town);
    }

    // Registration numbers continue from what the towns already hold: a rerun appends.
    let mut counters: HashMap<(Uuid, i32), i32> = HashMap::new();
    let existing = Query::select()
        .columns([Alias::new("municipality_id"), Alias::new("year"), Alias::new("last_sequence")])
        .from(Alias::new("request_counters"))
        .to_owned();
    for row in db.conn().query_all(&existing).await? {
        counters
            .insert((row.try_get("", "municipality_id")?, row.try_get("", "year")?), row.try_get("", "last_sequence")?);
    }
    let mut ids_out = std::io::BufWriter::new(std::fs::File::create(&args.ids_file)?);
    // Merges need a request to point to: the generator leaves them out.
    let statuses: Vec<RequestStatus> =
        RequestStatus::ALL.iter().copied().filter(|s| *s != RequestStatus::Merged).collect();
    let txn = db.conn().begin().await?;
    let mut batch = Batch::new();
    for n in 0..args.requests {
        // A third of the requests go to the first town, the rest spread over the others.
        let town = if n % 3 == 0 || towns.len() == 1 { &towns[0] } else { &towns[1 + rng.below(towns.len() - 1)] };
        let municipality = town.id.as_uuid();
        let received_on: NaiveDate = today.checked_sub_days(Days::new(rng.below(3 * 365) as u64)).unwrap_or(today);
        let created_at: DateTime<Utc> = received_on.and_hms_opt(8, 0, 0).unwrap_or_default().and_utc()
            + Duration::seconds(rng.below(36_000) as i64);
        let created_at = created_at.min(now);
        let year = created_at.year();
        let counter = counters.entry((municipality, year)).or_insert(0);
        *counter += 1;
        let sequence = *counter;
        let status = *rng.pick(&statuses);
        let kind = *rng.pick(RequestKind::ALL);
        let channel = *rng.pick(&Channel::ALL[..10]);
        let subject = rng.pick(&SUBJECTS);
        let place = rng.pick(&PLACES);
        let title = format!("{subject} {place}");
        let description = format!("{subject} {place} : demande n° {n}, signalée par des habitants du quartier.");
        let theme_a = *rng.pick(&THEMES);
        let theme_b = *rng.pick(&THEMES);
        let themes: Vec<&str> =
            if theme_a == theme_b || rng.below(2) == 0 { vec![theme_a] } else { vec![theme_a, theme_b] };
        let neighbourhood = *rng.pick(&NEIGHBOURHOOD_CODES);
        let published = rng.below(100) < args.published;
        let id = Uuid::now_v7();
        let resolution = (status == RequestStatus::Closed).then(|| rng.pick(Resolution::ALL).code());
        let updated_at = created_at + Duration::hours(path_to(status).len() as i64);
        let updated_at = updated_at.min(now);
        // Each step an hour after the one before, as the events below are dated.
        let path = path_to(status);
        let milestones = path.iter().enumerate().fold(Milestones::default(), |reached, (i, to)| {
            let from = if i == 0 { RequestStatus::Received } else { path[i - 1] };
            let at = (created_at + Duration::hours(1 + i as i64)).min(now);
            reached.then(Milestones::of_move(from, *to, at, town.settings.time_zone))
        });
        batch
            .requests
            .values([
                value(id),
                value(municipality),
                value(year),
                value(sequence),
                value(kind.code()),
                value(title.clone()),
                value(description.clone()),
                value(fold_for_search(&format!("{title}\n{description}"))),
                value(channel.code()),
                value(serde_json::to_string(&themes)?),
                value(neighbourhood),
                value(Option::<String>::None),
                value(Option::<f64>::None),
                value(Option::<f64>::None),
                value("individual"),
                value(Some(format!("Habitant {n}"))),
                value(Option::<String>::None),
                value(Option::<String>::None),
                value(Option::<String>::None),
                value(Some(created_at)),
                value(Option::<String>::None),
                value("public"),
                value(Option::<Uuid>::None),
                value(received_on),
                value(status.code()),
                value(resolution),
                value(Option::<Uuid>::None),
                value(published.then_some(updated_at)),
                value(Option::<String>::None),
                value(milestones.qualified_on),
                value(milestones.left_intake_on),
                value(milestones.first_answer_on),
                value(milestones.first_public_answer_on),
                value(format!("{:064x}", u128::from_le_bytes(*id.as_bytes()))),
                value(1 + path_to(status).len() as i32),
                value(created_at),
                value(updated_at),
            ])
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for term in similarity::terms(&title, &description) {
            batch.terms.values([value(municipality), value(term), value(id)]).map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        let mut from = RequestStatus::Received;
        let mut at = created_at;
        let mut event = |kind: &str, from: Option<RequestStatus>, to: RequestStatus, at: DateTime<Utc>| {
            batch
                .events
                .values([
                    value(Uuid::now_v7()),
                    value(id),
                    value(municipality),
                    value(kind.to_owned()),
                    value(if kind == "created" { "public" } else { "account" }),
                    value(Option::<Uuid>::None),
                    value(from.map(|s| s.code())),
                    value(to.code()),
                    value(Option::<String>::None),
                    value(Option::<String>::None),
                    value(Option::<Uuid>::None),
                    value(Option::<Uuid>::None),
                    value(Option::<String>::None),
                    value(at),
                ])
                .map(|_| ())
                .map_err(|e| anyhow::anyhow!("{e}"))
        };
        event("created", None, RequestStatus::Received, at)?;
        for to in path_to(status) {
            at = (at + Duration::hours(1)).min(now);
            let kind = if to == RequestStatus::Merged { "merged" } else { "transitioned" };
            debug_assert!(lifecycle::allowed_targets(from).contains(&to));
            event(kind, Some(from), to, at)?;
            from = to;
        }
        if published && town.id == towns[0].id {
            writeln!(ids_out, "{id}")?;
        }
        batch.rows += 1;
        if batch.rows == args.batch {
            flush(&txn, std::mem::replace(&mut batch, Batch::new())).await?;
        }
        if (n + 1) % 100_000 == 0 {
            eprintln!("{} requests in {:.0?}", n + 1, started.elapsed());
        }
    }
    if batch.rows > 0 {
        flush(&txn, batch).await?;
    }
    for ((municipality, year), last) in &counters {
        let upsert = Query::insert()
            .into_table(Alias::new("request_counters"))
            .columns([Alias::new("municipality_id"), Alias::new("year"), Alias::new("last_sequence")])
            .values([value(*municipality), value(*year), value(*last)])
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .on_conflict(
                OnConflict::columns([Alias::new("municipality_id"), Alias::new("year")])
                    .update_column(Alias::new("last_sequence"))
                    .to_owned(),
            )
            .to_owned();
        txn.execute(&upsert).await?;
    }
    if args.evaluation {
        let town_requests = args.requests.div_ceil(3);
        for (table, rows) in evaluation::generate(&txn, &mut rng, towns[0].id.as_uuid(), town_requests, now).await? {
            eprintln!("{table}: {rows} rows");
        }
    }
    txn.commit().await?;
    ids_out.flush()?;
    // Fresh statistics, so that the planner knows the new sizes (and, on PostgreSQL, hint bits
    // set once here rather than by the first readers).
    let maintenance = if db.backend() == implication_storage::Backend::Postgres { "VACUUM ANALYZE" } else { "ANALYZE" };
    db.conn().execute_unprepared(maintenance).await?;
    eprintln!("{} requests in {} municipalities written in {:.1?}", args.requests, towns.len(), started.elapsed());
    Ok(())
}

async fn flush(txn: &impl ConnectionTrait, batch: Batch) -> anyhow::Result<()> {
    txn.execute(&batch.requests).await?;
    txn.execute(&batch.events).await?;
    txn.execute(&batch.terms).await?;
    Ok(())
}
