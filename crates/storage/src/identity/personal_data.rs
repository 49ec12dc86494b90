//! Personal data: the records that hold a person's data (read for their export), and their
//! erasure — every record anonymised in place, in one transaction, with the erasure's own record.
//!
//! Which records are the person's, and what an anonymised field reads, is the domain's
//! (`implication_domain::identity::personal_data`); here, the queries that narrow on the
//! personal columns before the domain decides, and the updates.

use crate::entities::{
    account, convention, convention_signature, convention_version, erasure, membership, minutes_reaction, narrative,
    organisation, participant, participation, project, promise, refresh_token, request, request_answer, request_event,
    survey_ballot,
};
use crate::error::StorageError;
use crate::{Database, Page};
use chrono::{DateTime, Utc};
use implication_domain::identity::personal_data::{ERASED, Erasure, Person, Requester, fit};
use implication_domain::requests::{AnswerText, Description, InternalNote, Offer, ProposedSolution, Reason, Title};
use implication_domain::requests::{fold_for_search, similarity};
use implication_domain::vocabulary::{Channel, RequestStatus};
use implication_domain::{AccountId, MunicipalityId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func, LikeExpr, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Where a person's data is looked for: one town (an admin, a requester), or everywhere (the
/// person themselves, whose account spans towns).
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    Town(MunicipalityId),
    Everywhere,
}

impl Scope {
    fn on<C: ColumnTrait>(self, column: C) -> Condition {
        match self {
            Scope::Town(m) => Condition::all().add(column.eq(m.as_uuid())),
            Scope::Everywhere => Condition::all(),
        }
    }
}

/// Columns no export shows: derived (search text), secret (hashes), or the vote a ballot
/// carries (ballots are secret: an export says that one voted, never how).
const NOT_EXPORTED: &[&str] =
    &["search_text", "tracking_hash", "password_hash", "token_hash", "code_hash", "option_number"];

/// Who reads an export: the person themselves (their account, a tracking code) reads what is
/// theirs, not the staff's working notes nor the history's staff-only entries; an admin reads all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Person,
    Staff,
}

/// What the database holds about a person, by kind of record: each a list of rows, column by column.
pub type Holdings = BTreeMap<&'static str, Vec<Value>>;

fn rows<T: serde::Serialize>(items: &[T]) -> Vec<Value> {
    items
        .iter()
        .filter_map(|item| serde_json::to_value(item).ok())
        .map(|mut v| {
            if let Value::Object(map) = &mut v {
                for column in NOT_EXPORTED {
                    map.remove(*column);
                }
            }
            v
        })
        .collect()
}

fn lower(column: impl sea_orm::IntoSimpleExpr) -> SimpleExpr {
    Func::lower(column.into_simple_expr()).into()
}

/// A stored phone with its separators taken out, for a `LIKE` on its last digits.
fn digits_of(column: impl sea_orm::IntoSimpleExpr) -> SimpleExpr {
    let mut expr: SimpleExpr = column.into_simple_expr();
    for separator in [" ", ".", "-"] {
        expr = Func::cust("replace").arg(expr).arg(separator).arg("").into();
    }
    expr
}

/// The condition a personal column narrows on: equal to the name or email without case, or a
/// phone ending with the person's last digits (the domain then decides).
fn named(person: &Person, column: impl sea_orm::IntoSimpleExpr + Clone) -> Option<SimpleExpr> {
    person.name().map(|n| match ascii_token(n) {
        // `lower` folds ASCII letters only (SQLite; PostgreSQL under the C locale): narrow on the
        // longest ASCII word, and let the domain compare the whole name.
        Some(token) => lower(column).like(contains(token)),
        None => lower(column).eq(n),
    })
}

/// The longest word of a folded name made of ASCII letters and digits only, if one has three.
fn ascii_token(name: &str) -> Option<&str> {
    name.split(' ').filter(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_alphanumeric())).max_by_key(|w| w.len())
}

/// A `LIKE` pattern matching `needle` anywhere, its own `%`, `_` and `\` taken literally.
fn contains(needle: &str) -> LikeExpr {
    let escaped: String =
        needle.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

fn emailed(person: &Person, column: impl sea_orm::IntoSimpleExpr) -> Option<SimpleExpr> {
    person.email().map(|e| lower(column).eq(e))
}

fn phoned(person: &Person, column: impl sea_orm::IntoSimpleExpr) -> Option<SimpleExpr> {
    person.phone_suffix().map(|s| digits_of(column).like(format!("%{s}")))
}

/// A `LIKE` on a JSON document's text for the person's name or email (lowercase), the domain
/// then reading the document.
fn mentioned(person: &Person, column: impl sea_orm::IntoSimpleExpr + Clone) -> Option<SimpleExpr> {
    let mut any: Option<SimpleExpr> = None;
    let name = person.name().map(|n| ascii_token(n).unwrap_or(n));
    for needle in [name, person.email()].into_iter().flatten() {
        let like = lower(column.clone()).like(contains(needle));
        any = Some(match any {
            Some(prev) => prev.or(like),
            None => like,
        });
    }
    any
}

fn any_of(parts: impl IntoIterator<Item = Option<SimpleExpr>>) -> Option<Condition> {
    let parts: Vec<SimpleExpr> = parts.into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.into_iter().fold(Condition::any(), |c, p| c.add(p)))
}

fn account_uuid(person: &Person) -> Option<Uuid> {
    person.account.map(|a| a.as_uuid())
}

/// The records of each kind that are the person's, as read in one connection or transaction.
#[derive(Default)]
struct Found {
    requests: Vec<request::Model>,
    narratives: Vec<narrative::Model>,
    participants: Vec<participant::Model>,
    ballots: Vec<survey_ballot::Model>,
    body_members: Vec<crate::entities::body_member::Model>,
    minutes_reactions: Vec<minutes_reaction::Model>,
    organisations: Vec<organisation::Model>,
    signatures: Vec<convention_signature::Model>,
    convention_versions: Vec<convention_version::Model>,
    conventions: Vec<convention::Model>,
    projects: Vec<project::Model>,
    promises: Vec<promise::Model>,
}

async fn find<C: ConnectionTrait>(c: &C, scope: Scope, person: &Person) -> Result<Found, StorageError> {
    use crate::entities::body_member;
    let mut found = Found::default();
    let account = account_uuid(person);

    let requests = any_of([
        account.map(|a| request::Column::SubmittedById.eq(a)),
        emailed(person, request::Column::RequesterEmail),
        named(person, request::Column::RequesterName),
        phoned(person, request::Column::RequesterPhone),
    ]);
    if let Some(any) = requests {
        let candidates = request::Entity::find()
            .filter(scope.on(request::Column::MunicipalityId))
            .filter(any)
            .order_by_asc(request::Column::Id)
            .all(c)
            .await?;
        found.requests = candidates
            .into_iter()
            .filter(|r| {
                person.requested(
                    r.submitted_by_id.map(AccountId::from_uuid),
                    Channel::from_code(&r.channel).unwrap_or(Channel::Letter),
                    r.requester_name.as_deref(),
                    r.requester_email.as_deref(),
                    r.requester_phone.as_deref(),
                )
            })
            .collect();
    }

    if let Some(any) = any_of([
        account.map(|a| narrative::Column::AuthorAccountId.eq(a)),
        named(person, narrative::Column::AuthorName),
    ]) {
        found.narratives = narrative::Entity::find()
            .filter(scope.on(narrative::Column::MunicipalityId))
            .filter(any)
            .order_by_asc(narrative::Column::Id)
            .all(c)
            .await?
            .into_iter()
            .filter(|n| (account.is_some() && n.author_account_id == account) || person.is_named(&n.author_name))
            .collect();
    }

    if let Some(any) =
        any_of([account.map(|a| participant::Column::AccountId.eq(a)), named(person, participant::Column::Name)])
    {
        found.participants = participant::Entity::find()
            .filter(scope.on(participant::Column::MunicipalityId))
            .filter(any)
            .order_by_asc(participant::Column::Id)
            .all(c)
            .await?
            .into_iter()
            .filter(|p| (account.is_some() && p.account_id == account) || person.is_named(&p.name))
            .collect();
    }

    // A ballot's key is what keeps an account from voting twice: it is forgotten only with the
    // account itself (which then votes no more).
    if let (Some(a), Scope::Everywhere) = (account, scope) {
        found.ballots = survey_ballot::Entity::find()
            .filter(scope.on(survey_ballot::Column::MunicipalityId))
            .filter(survey_ballot::Column::VoterKey.eq(format!("account:{a}")))
            .order_by_asc(survey_ballot::Column::Id)
            .all(c)
            .await?;
    }

    if let Some(any) = any_of([
        named(person, body_member::Column::Name),
        emailed(person, body_member::Column::Email),
        phoned(person, body_member::Column::Phone),
    ]) {
        found.body_members = body_member::Entity::find()
            .filter(scope.on(body_member::Column::MunicipalityId))
            .filter(any)
            .order_by_asc(body_member::Column::Id)
            .all(c)
            .await?
            .into_iter()
            .filter(|m| {
                person.is_named(&m.name)
                    || m.email.as_deref().is_some_and(|e| person.has_email(e))
                    || m.phone.as_deref().is_some_and(|p| person.has_phone(p))
            })
            .collect();
    }

    if let Some(any) =
        any_of([named(person, minutes_reaction::Column::Name), emailed(person, minutes_reaction::Column::Email)])
    {
        found.minutes_reactions = minutes_reaction::Entity::find()
            .filter(scope.on(minutes_reaction::Column::MunicipalityId))
            .filter(any)
            .order_by_asc(minutes_reaction::Column::Id)
            .all(c)
            .await?
            .into_iter()
            .filter(|r| {
                r.name.as_deref().is_some_and(|n| person.is_named(n))
                    || r.email.as_deref().is_some_and(|e| person.has_email(e))
            })
            .collect();
    }

    if let Some(any) = any_of([named(person, organisation::Column::RepresentativeName)]) {
        found.organisations = organisation::Entity::find()
            .filter(scope.on(organisation::Column::MunicipalityId))
            .filter(any)
            .order_by_asc(organisation::Column::Id)
            .all(c)
            .await?
            .into_iter()
            .filter(|o| o.representative_name.as_deref().is_some_and(|n| person.is_named(n)))
            .collect();
    }

    if let Some(any) = any_of([named(person, convention_signature::Column::Signatory)]) {
        found.signatures = convention_signature::Entity::find()
            .filter(scope.on(convention_signature::Column::MunicipalityId))
            .filter(any)
            .all(c)
            .await?
            .into_iter()
            .filter(|s| person.is_named(&s.signatory))
            .collect();
    }

    let json_names = |text: &str| serde_json::from_str::<Value>(text).is_ok_and(|v| person.is_in_json(&v));
    if let Some(any) = any_of([mentioned(person, convention_version::Column::Content)]) {
        found.convention_versions = convention_version::Entity::find()
            .filter(scope.on(convention_version::Column::MunicipalityId))
            .filter(any)
            .all(c)
            .await?
            .into_iter()
            .filter(|v| json_names(&v.content))
            .collect();
    }
    if let Some(any) = any_of([mentioned(person, convention::Column::FollowUp)]) {
        found.conventions = convention::Entity::find()
            .filter(scope.on(convention::Column::MunicipalityId))
            .filter(any)
            .all(c)
            .await?
            .into_iter()
            .filter(|v| v.follow_up.as_deref().is_some_and(json_names))
            .collect();
    }
    if let Some(any) = any_of([mentioned(person, project::Column::Carriers)]) {
        found.projects = project::Entity::find()
            .filter(scope.on(project::Column::MunicipalityId))
            .filter(any)
            .all(c)
            .await?
            .into_iter()
            .filter(|p| json_names(&p.carriers))
            .collect();
    }
    if let Some(any) = any_of([named(person, promise::Column::MadeBy)]) {
        found.promises = promise::Entity::find()
            .filter(scope.on(promise::Column::MunicipalityId))
            .filter(any)
            .all(c)
            .await?
            .into_iter()
            .filter(|p| person.is_named(&p.made_by))
            .collect();
    }
    Ok(found)
}

/// Everything held about `person` within `scope`: their account and roles (everywhere only), what
/// they asked (with its answers and history), wrote, took part in, signed, represented, voted.
pub async fn holdings(
    db: &Database,
    scope: Scope,
    person: &Person,
    audience: Audience,
) -> Result<Holdings, StorageError> {
    let c = db.conn();
    let found = find(c, scope, person).await?;
    let mut out = Holdings::new();
    let account = account_uuid(person);
    if let (Scope::Everywhere, Some(a)) = (scope, account) {
        let accounts = account::Entity::find_by_id(a).all(c).await?;
        out.insert("account", rows(&accounts));
        let roles = membership::Entity::find().filter(membership::Column::AccountId.eq(a)).all(c).await?;
        out.insert("memberships", rows(&roles));
        let sessions = refresh_token::Entity::find()
            .filter(refresh_token::Column::AccountId.eq(a))
            .select_only()
            .column(refresh_token::Column::Id)
            .column(refresh_token::Column::MunicipalityId)
            .column(refresh_token::Column::CreatedAt)
            .column(refresh_token::Column::ExpiresAt)
            .column(refresh_token::Column::UsedAt)
            .column(refresh_token::Column::RevokedAt)
            .into_json()
            .all(c)
            .await?;
        out.insert("sessions", sessions);
    }
    add_found(c, found, audience, &mut out).await?;
    Ok(out)
}

/// What request `id` holds of its requester (its row, answers and history): what its tracking
/// code's holder may read — only this request, whatever else bears the same name.
pub async fn request_holdings(db: &Database, id: Uuid) -> Result<Holdings, StorageError> {
    let requests = request::Entity::find_by_id(id).all(db.conn()).await?;
    let mut out = Holdings::new();
    add_found(db.conn(), Found { requests, ..Found::default() }, Audience::Person, &mut out).await?;
    Ok(out)
}

async fn add_found<C: ConnectionTrait>(
    c: &C,
    found: Found,
    audience: Audience,
    out: &mut Holdings,
) -> Result<(), StorageError> {
    let request_ids: Vec<Uuid> = found.requests.iter().map(|r| r.id).collect();
    let answers = request_answer::Entity::find()
        .filter(request_answer::Column::RequestId.is_in(request_ids.clone()))
        .order_by_asc(request_answer::Column::Id)
        .all(c)
        .await?;
    let events = request_event::Entity::find()
        .filter(request_event::Column::RequestId.is_in(request_ids))
        .order_by_asc(request_event::Column::Id)
        .all(c)
        .await?;
    let participant_ids: Vec<Uuid> = found.participants.iter().map(|p| p.id).collect();
    let participations = participation::Entity::find()
        .filter(participation::Column::ParticipantId.is_in(participant_ids))
        .order_by_asc(participation::Column::Id)
        .all(c)
        .await?;
    let (mut requests, mut events) = (rows(&found.requests), events);
    if audience == Audience::Person {
        // Staff's working notes and the staff-only entries of the history are not theirs to read.
        for r in &mut requests {
            if let Value::Object(map) = r {
                map.remove("internal_note");
            }
        }
        events.retain(|e| {
            implication_domain::vocabulary::RequestEventKind::from_code(&e.kind).is_some_and(|k| k.is_public())
        });
    }
    out.insert("requests", requests);
    out.insert("request_answers", rows(&answers));
    out.insert("request_events", rows(&events));
    out.insert("narratives", rows(&found.narratives));
    out.insert("participants", rows(&found.participants));
    out.insert("participations", rows(&participations));
    out.insert("ballots", rows(&found.ballots));
    out.insert("body_members", rows(&found.body_members));
    out.insert("minutes_reactions", rows(&found.minutes_reactions));
    out.insert("organisations_represented", rows(&found.organisations));
    out.insert("convention_signatures", rows(&found.signatures));
    out.insert("convention_versions", rows(&found.convention_versions));
    out.insert("conventions", rows(&found.conventions));
    out.insert("projects", rows(&found.projects));
    out.insert("promises", rows(&found.promises));
    Ok(())
}

/// The erasures being written, one per municipality touched (and one for the account).
struct Tally {
    template: Erasure,
    by_town: BTreeMap<Option<Uuid>, Erasure>,
}

impl Tally {
    fn add(&mut self, municipality: Option<Uuid>, kind: &str, n: usize) {
        if n == 0 {
            return;
        }
        let template = &self.template;
        self.by_town
            .entry(municipality)
            .or_insert_with(|| Erasure {
                id: Uuid::now_v7(),
                municipality: municipality.map(MunicipalityId::from_uuid),
                erased: BTreeMap::new(),
                ..template.clone()
            })
            .add(kind, n);
    }
}

/// `value` redacted, as a stored JSON document (unchanged when it is not JSON).
fn redact_document(person: &Person, text: &str) -> Option<String> {
    let mut value: Value = serde_json::from_str(text).ok()?;
    person.redact_json(&mut value).then(|| value.to_string())
}

/// Erases `person` within `scope`: every record found anonymised in place (see the module
/// comment of the domain's `personal_data`), versions bumped so that an edit read before fails
/// its `If-Match`, and the erasure recorded — one per municipality touched, and, when the person
/// erases their own account, one for it — all in one transaction. `Stale` when a record changed
/// while it was erased (the caller tries again).
pub async fn erase(
    db: &Database,
    scope: Scope,
    person: &Person,
    requested_by: Requester,
    actor: Option<AccountId>,
    now: DateTime<Utc>,
) -> Result<Vec<Erasure>, StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    let found = find(&txn, scope, person).await?;
    let mut tally = Tally { template: Erasure::new(None, requested_by, actor, now), by_town: BTreeMap::new() };
    if let (Scope::Everywhere, Some(a)) = (scope, person.account) {
        erase_account(&txn, a, now, &mut tally).await?;
    }
    write_erasure(&txn, person, found, now, &mut tally).await?;
    let mut erasures: Vec<Erasure> = tally.by_town.into_values().collect();
    if erasures.is_empty() {
        // Nothing held: the request is recorded all the same, where it was made.
        let town = match scope {
            Scope::Town(m) => Some(m),
            Scope::Everywhere => None,
        };
        erasures.push(Erasure::new(town, requested_by, actor, now));
    }
    for e in &erasures {
        record(&txn, e).await?;
    }
    txn.commit().await?;
    Ok(erasures)
}

/// Erases the requesters of `requests` (each by its own requester's data): what a tracking
/// code's holder, or the retention, erases. One erasure record per municipality touched.
pub async fn erase_requesters(
    db: &Database,
    requests: &[Uuid],
    requested_by: Requester,
    retention_cutoff: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Vec<Erasure>, StorageError> {
    let _turn = db.sqlite_write_turn().await?;
    let txn = db.conn().begin().await?;
    let mut query = request::Entity::find().filter(request::Column::Id.is_in(requests.to_vec()));
    if let Some(cutoff) = retention_cutoff {
        // Read again in the transaction: one reopened or changed since it was chosen stays.
        query = query.filter(retained(cutoff));
    }
    let rows = query.all(&txn).await?;
    let town = rows.first().map(|r| r.municipality_id);
    let mut tally = Tally { template: Erasure::new(None, requested_by, None, now), by_town: BTreeMap::new() };
    for row in rows {
        let person = Person::requester(
            row.requester_name.as_deref(),
            row.requester_email.as_deref(),
            row.requester_phone.as_deref(),
        );
        let found = Found { requests: vec![row], ..Found::default() };
        write_erasure(&txn, &person, found, now, &mut tally).await?;
    }
    let mut erasures: Vec<Erasure> = tally.by_town.into_values().collect();
    if erasures.is_empty() && requested_by == Requester::TrackingCode {
        // Nothing left to forget: the request is recorded all the same.
        let town = town.map(MunicipalityId::from_uuid);
        erasures.push(Erasure::new(town, requested_by, None, now));
    }
    for e in &erasures {
        record(&txn, e).await?;
    }
    txn.commit().await?;
    Ok(erasures)
}

async fn record<C: ConnectionTrait>(c: &C, e: &Erasure) -> Result<(), StorageError> {
    erasure::Entity::insert(erasure::ActiveModel {
        id: Set(e.id),
        municipality_id: Set(e.municipality.map(|m| m.as_uuid())),
        requested_by: Set(e.requested_by.code().to_owned()),
        actor_id: Set(e.actor.map(|a| a.as_uuid())),
        erased: Set(serde_json::to_string(&e.erased).unwrap_or_else(|_| "{}".into())),
        at: Set(e.at),
    })
    .exec(c)
    .await?;
    Ok(())
}

/// Fails with `Stale` unless exactly one row was written (a versioned row changed meanwhile).
fn one(result: sea_orm::UpdateResult) -> Result<(), StorageError> {
    if result.rows_affected == 1 { Ok(()) } else { Err(StorageError::Stale) }
}

async fn erase_account<C: ConnectionTrait>(
    c: &C,
    account: AccountId,
    now: DateTime<Utc>,
    tally: &mut Tally,
) -> Result<(), StorageError> {
    let a = account.as_uuid();
    let updated = account::Entity::update_many()
        .col_expr(account::Column::Email, Expr::value(format!("erased-{a}@erased.invalid")))
        .col_expr(account::Column::DisplayName, Expr::value(Option::<String>::None))
        // Matches no password: nobody signs in to an erased account.
        .col_expr(account::Column::PasswordHash, Expr::value(ERASED))
        .col_expr(account::Column::Active, Expr::value(false))
        .col_expr(account::Column::EmailVerified, Expr::value(false))
        .col_expr(account::Column::Version, Expr::col(account::Column::Version).add(1))
        .col_expr(account::Column::UpdatedAt, Expr::value(now))
        .filter(account::Column::Id.eq(a))
        .exec(c)
        .await?;
    tally.add(None, "accounts", updated.rows_affected as usize);
    let tokens = refresh_token::Entity::delete_many().filter(refresh_token::Column::AccountId.eq(a)).exec(c).await?;
    tally.add(None, "sessions", tokens.rows_affected as usize);
    let roles = membership::Entity::find().filter(membership::Column::AccountId.eq(a)).all(c).await?;
    for m in roles {
        membership::Entity::update_many()
            .col_expr(membership::Column::Active, Expr::value(false))
            .col_expr(membership::Column::Version, Expr::col(membership::Column::Version).add(1))
            .col_expr(membership::Column::UpdatedAt, Expr::value(now))
            .filter(membership::Column::Id.eq(m.id))
            .exec(c)
            .await?;
        tally.add(Some(m.municipality_id), "memberships", 1);
    }
    Ok(())
}

/// Anonymises every record `found` holds of `person`, counting them in `tally`.
async fn write_erasure<C: ConnectionTrait>(
    c: &C,
    person: &Person,
    found: Found,
    now: DateTime<Utc>,
    tally: &mut Tally,
) -> Result<(), StorageError> {
    for r in found.requests {
        erase_request(c, person, r, now, tally).await?;
    }
    for n in found.narratives {
        let (m, version) = (n.municipality_id, n.version);
        let published = n.status == implication_domain::vocabulary::NarrativeStatus::Published.code();
        if n.author_name == ERASED
            && n.author_account_id.is_none()
            && !published
            && n.title == person.redact(&n.title)
            && n.text == person.redact(&n.text)
        {
            continue;
        }
        let mut row = n.clone().into_active_model();
        row.author_name = Set(ERASED.to_owned());
        row.author_account_id = Set(None);
        row.title = Set(fit(person.redact(&n.title), 200));
        row.text = Set(fit(person.redact(&n.text), 20_000));
        if published {
            // Its author is gone: so is their account from every public view.
            row.status = Set(implication_domain::vocabulary::NarrativeStatus::Withdrawn.code().to_owned());
            row.withdrawn_at = Set(Some(now));
        }
        row.version = Set(version + 1);
        row.updated_at = Set(now);
        one(narrative::Entity::update_many()
            .set(row)
            .filter(narrative::Column::Id.eq(n.id))
            .filter(narrative::Column::Version.eq(version))
            .exec(c)
            .await?)?;
        tally.add(Some(m), "narratives", 1);
    }
    for p in found.participants {
        if p.name == ERASED && p.account_id.is_none() && !p.listed_publicly {
            continue;
        }
        // The participations stay, so that every figure counts them as before.
        one(participant::Entity::update_many()
            .col_expr(participant::Column::Name, Expr::value(ERASED))
            .col_expr(participant::Column::AccountId, Expr::value(Option::<Uuid>::None))
            .col_expr(participant::Column::ListedPublicly, Expr::value(false))
            .col_expr(participant::Column::Version, Expr::value(p.version + 1))
            .col_expr(participant::Column::UpdatedAt, Expr::value(now))
            .filter(participant::Column::Id.eq(p.id))
            .filter(participant::Column::Version.eq(p.version))
            .exec(c)
            .await?)?;
        tally.add(Some(p.municipality_id), "participants", 1);
    }
    for b in found.ballots {
        // Still one ballot of one voter, who can no longer be told.
        survey_ballot::Entity::update_many()
            .col_expr(survey_ballot::Column::VoterKey, Expr::value(format!("erased:{}", Uuid::now_v7())))
            .filter(survey_ballot::Column::Id.eq(b.id))
            .exec(c)
            .await?;
        tally.add(Some(b.municipality_id), "ballots", 1);
    }
    for m in found.body_members {
        use crate::entities::body_member;
        body_member::Entity::update_many()
            .col_expr(body_member::Column::Name, Expr::value(ERASED))
            .col_expr(body_member::Column::Email, Expr::value(Option::<String>::None))
            .col_expr(body_member::Column::Phone, Expr::value(Option::<String>::None))
            .filter(body_member::Column::Id.eq(m.id))
            .exec(c)
            .await?;
        tally.add(Some(m.municipality_id), "body_members", 1);
    }
    for r in found.minutes_reactions {
        minutes_reaction::Entity::update_many()
            .col_expr(minutes_reaction::Column::Name, Expr::value(Option::<String>::None))
            .col_expr(minutes_reaction::Column::Email, Expr::value(Option::<String>::None))
            .col_expr(minutes_reaction::Column::Text, Expr::value(fit(person.redact(&r.text), 5_000)))
            .filter(minutes_reaction::Column::Id.eq(r.id))
            .exec(c)
            .await?;
        tally.add(Some(r.municipality_id), "minutes_reactions", 1);
    }
    for o in found.organisations {
        one(organisation::Entity::update_many()
            .col_expr(organisation::Column::RepresentativeName, Expr::value(ERASED))
            .col_expr(organisation::Column::Version, Expr::value(o.version + 1))
            .col_expr(organisation::Column::UpdatedAt, Expr::value(now))
            .filter(organisation::Column::Id.eq(o.id))
            .filter(organisation::Column::Version.eq(o.version))
            .exec(c)
            .await?)?;
        tally.add(Some(o.municipality_id), "organisations", 1);
    }
    for s in found.signatures {
        // The signature stays, naming the hash of what was signed; its signatory is forgotten.
        convention_signature::Entity::update_many()
            .col_expr(convention_signature::Column::Signatory, Expr::value(ERASED))
            .filter(convention_signature::Column::ConventionId.eq(s.convention_id))
            .filter(convention_signature::Column::Version.eq(s.version))
            .filter(convention_signature::Column::PartyId.eq(s.party_id))
            .exec(c)
            .await?;
        tally.add(Some(s.municipality_id), "convention_signatures", 1);
    }
    for v in found.convention_versions {
        if let Some(content) = redact_document(person, &v.content) {
            convention_version::Entity::update_many()
                .col_expr(convention_version::Column::Content, Expr::value(content))
                .filter(convention_version::Column::ConventionId.eq(v.convention_id))
                .filter(convention_version::Column::Number.eq(v.number))
                .exec(c)
                .await?;
            tally.add(Some(v.municipality_id), "convention_versions", 1);
        }
    }
    for v in found.conventions {
        if let Some(follow_up) = v.follow_up.as_deref().and_then(|f| redact_document(person, f)) {
            one(convention::Entity::update_many()
                .col_expr(convention::Column::FollowUp, Expr::value(follow_up))
                .col_expr(convention::Column::Version, Expr::value(v.version + 1))
                .col_expr(convention::Column::UpdatedAt, Expr::value(now))
                .filter(convention::Column::Id.eq(v.id))
                .filter(convention::Column::Version.eq(v.version))
                .exec(c)
                .await?)?;
            tally.add(Some(v.municipality_id), "conventions", 1);
        }
    }
    for p in found.projects {
        if let Some(carriers) = redact_document(person, &p.carriers) {
            one(project::Entity::update_many()
                .col_expr(project::Column::Carriers, Expr::value(carriers))
                .col_expr(project::Column::Version, Expr::value(p.version + 1))
                .col_expr(project::Column::UpdatedAt, Expr::value(now))
                .filter(project::Column::Id.eq(p.id))
                .filter(project::Column::Version.eq(p.version))
                .exec(c)
                .await?)?;
            tally.add(Some(p.municipality_id), "projects", 1);
        }
    }
    for p in found.promises {
        one(promise::Entity::update_many()
            .col_expr(promise::Column::MadeBy, Expr::value(ERASED))
            .col_expr(promise::Column::Text, Expr::value(fit(person.redact(&p.text), 1_000)))
            .col_expr(promise::Column::Version, Expr::value(p.version + 1))
            .col_expr(promise::Column::UpdatedAt, Expr::value(now))
            .filter(promise::Column::Id.eq(p.id))
            .filter(promise::Column::Version.eq(p.version))
            .exec(c)
            .await?)?;
        tally.add(Some(p.municipality_id), "promises", 1);
    }
    Ok(())
}

/// A request forgets its requester: their contact fields emptied, their name, email and phone
/// blotted out of its texts, its answers and its history's reasons; its search text and terms
/// follow its texts.
async fn erase_request<C: ConnectionTrait>(
    c: &C,
    person: &Person,
    r: request::Model,
    now: DateTime<Utc>,
    tally: &mut Tally,
) -> Result<(), StorageError> {
    let (id, m, version) = (r.id, r.municipality_id, r.version);
    // Whoever the erasure names, and the requester as the request names them.
    let requester =
        Person::requester(r.requester_name.as_deref(), r.requester_email.as_deref(), r.requester_phone.as_deref());
    let blot = |text: &str| requester.redact(&person.redact(text));
    let title = fit(blot(&r.title), Title::MAX_LEN);
    let description = fit(blot(&r.description), Description::MAX_LEN);
    let redact = |v: &Option<String>, max: usize| v.as_deref().map(|t| fit(blot(t), max));
    // Sent with the person's account: it no longer points to them.
    let theirs = person.account.is_some_and(|a| r.submitted_by_id == Some(a.as_uuid()));
    let named = [&r.requester_name, &r.requester_email, &r.requester_phone, &r.requester_postal_address];
    let forgotten = named.iter().all(|v| v.is_none())
        && r.title == title
        && r.description == description
        && !theirs
        && redact(&r.proposed_solution, ProposedSolution::MAX_LEN) == r.proposed_solution
        && redact(&r.offer, Offer::MAX_LEN) == r.offer
        && redact(&r.internal_note, InternalNote::MAX_LEN) == r.internal_note;
    if forgotten {
        // Erased before (by account, then by name): nothing left to forget here.
        return Ok(());
    }
    let mut row = r.clone().into_active_model();
    row.requester_name = Set(None);
    row.requester_email = Set(None);
    row.requester_phone = Set(None);
    row.requester_postal_address = Set(None);
    row.search_text = Set(fold_for_search(&format!("{title}\n{description}")));
    row.title = Set(title.clone());
    row.description = Set(description.clone());
    row.proposed_solution = Set(redact(&r.proposed_solution, ProposedSolution::MAX_LEN));
    row.offer = Set(redact(&r.offer, Offer::MAX_LEN));
    row.internal_note = Set(redact(&r.internal_note, InternalNote::MAX_LEN));
    if theirs {
        row.submitted_by_kind = Set("public".to_owned());
        row.submitted_by_id = Set(None);
    }
    row.version = Set(version + 1);
    row.updated_at = Set(now);
    one(request::Entity::update_many()
        .set(row)
        .filter(request::Column::Id.eq(id))
        .filter(request::Column::Version.eq(version))
        .exec(c)
        .await?)?;
    if r.title != title || r.description != description {
        let status = RequestStatus::from_code(&r.status);
        let terms = if status.is_some_and(similarity::is_suggestible) {
            similarity::terms(&title, &description)
        } else {
            Vec::new()
        };
        crate::requests::terms::rewrite_in(c, MunicipalityId::from_uuid(m), id, &terms).await?;
    }
    for a in request_answer::Entity::find().filter(request_answer::Column::RequestId.eq(id)).all(c).await? {
        let text = fit(blot(&a.text), AnswerText::MAX_LEN);
        if a.text != text {
            request_answer::Entity::update_many()
                .col_expr(request_answer::Column::Text, Expr::value(text))
                .filter(request_answer::Column::Id.eq(a.id))
                .exec(c)
                .await?;
        }
    }
    for e in request_event::Entity::find().filter(request_event::Column::RequestId.eq(id)).all(c).await? {
        let reason = e.reason.as_deref().map(|t| fit(blot(t), Reason::MAX_LEN));
        if reason != e.reason {
            request_event::Entity::update_many()
                .col_expr(request_event::Column::Reason, Expr::value(reason))
                .filter(request_event::Column::Id.eq(e.id))
                .exec(c)
                .await?;
        }
    }
    tally.add(Some(m), "requests", 1);
    Ok(())
}

/// Requests closed (no longer open) and unchanged since before `cutoff`, whose requester is still
/// named: what the retention forgets.
fn retained(cutoff: DateTime<Utc>) -> Condition {
    let closed: Vec<&str> = RequestStatus::ALL
        .iter()
        .filter(|s| !implication_domain::requests::lifecycle::is_open(**s))
        .map(|s| s.code())
        .collect();
    Condition::all().add(request::Column::Status.is_in(closed)).add(request::Column::UpdatedAt.lt(cutoff)).add(
        Condition::any()
            .add(request::Column::RequesterName.is_not_null())
            .add(request::Column::RequesterEmail.is_not_null())
            .add(request::Column::RequesterPhone.is_not_null())
            .add(request::Column::RequesterPostalAddress.is_not_null()),
    )
}

/// Requests of `municipality` closed (no longer open) and unchanged since before `cutoff` —
/// their last change is their closing, or something later — whose requester is still named: what
/// the retention erases, `limit` at a time.
pub async fn closed_with_requester_before(
    db: &Database,
    municipality: MunicipalityId,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Uuid>, StorageError> {
    Ok(request::Entity::find()
        .select_only()
        .column(request::Column::Id)
        .filter(request::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(retained(cutoff))
        .order_by_asc(request::Column::Id)
        .limit(limit)
        .into_tuple::<Uuid>()
        .all(db.conn())
        .await?)
}

fn to_domain(row: erasure::Model) -> Result<Erasure, StorageError> {
    Ok(Erasure {
        id: row.id,
        municipality: row.municipality_id.map(MunicipalityId::from_uuid),
        requested_by: Requester::from_code(&row.requested_by)
            .ok_or_else(|| StorageError::Corrupt(format!("erasure {}: {:?}", row.id, row.requested_by)))?,
        actor: row.actor_id.map(AccountId::from_uuid),
        erased: serde_json::from_str(&row.erased)
            .map_err(|e| StorageError::Corrupt(format!("erasure {}: {e}", row.id)))?,
        at: row.at,
    })
}

/// A town's erasures, newest first, after the one `after` names.
pub async fn erasures(
    db: &Database,
    municipality: MunicipalityId,
    limit: u64,
    after: Option<Uuid>,
) -> Result<Page<Erasure>, StorageError> {
    let mut query = erasure::Entity::find()
        .filter(erasure::Column::MunicipalityId.eq(municipality.as_uuid()))
        .order_by_desc(erasure::Column::Id)
        .limit(limit + 1);
    if let Some(after) = after {
        query = query.filter(erasure::Column::Id.lt(after));
    }
    let items = query.all(db.conn()).await?.into_iter().map(to_domain).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(items, limit))
}

pub async fn find_erasure(
    db: &Database,
    municipality: MunicipalityId,
    id: Uuid,
) -> Result<Option<Erasure>, StorageError> {
    erasure::Entity::find()
        .filter(erasure::Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(erasure::Column::Id.eq(id))
        .one(db.conn())
        .await?
        .map(to_domain)
        .transpose()
}
