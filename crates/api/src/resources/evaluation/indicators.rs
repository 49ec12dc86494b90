//! The indicators of a municipality for a period, with the previous period's beside each figure.

use crate::auth::Visitor;
use crate::problem::ApiError;
use crate::responses::{BadRequest, InternalError, NotFound, ServiceUnavailable, Unauthorized};
use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use implication_domain::evaluation::requests::{self as figures, NeighbourhoodTally, RequestIndicators, Tally};
use implication_domain::evaluation::{Compared, Period, lines};
use implication_domain::participation::meeting::local_today;
use implication_domain::{Message, time};
use implication_storage::Database;
use implication_storage::evaluation::{self as store, RequestScope};
use implication_storage::identity::neighbourhoods;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The period asked: `year`, or `from` and `to`; by default, the current year.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorParams {
    /// A calendar year (2000 to 2100); not with `from` and `to`.
    #[param(minimum = 2000, maximum = 2100, example = 2026)]
    pub year: Option<i64>,
    /// The period's first day, with `to` (ten years at most).
    pub from: Option<NaiveDate>,
    /// The period's last day, with `from`.
    pub to: Option<NaiveDate>,
    /// Only this neighbourhood's requests (its code).
    #[param(example = "cite-5", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub neighbourhood: Option<String>,
}

/// A span of days, both ends included.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodView {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl From<Period> for PeriodView {
    fn from(p: Period) -> Self {
        Self { from: p.from, to: p.to }
    }
}

/// A count in the period asked and in the previous one.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparedCount {
    pub current: u64,
    pub previous: u64,
}

impl From<Compared<u64>> for ComparedCount {
    fn from(c: Compared<u64>) -> Self {
        Self { current: c.current, previous: c.previous }
    }
}

/// A ratio in the period asked and in the previous one, to one decimal; `null` where it cannot be
/// computed (nothing to divide by).
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparedRatio {
    pub current: Option<f64>,
    pub previous: Option<f64>,
}

impl From<Compared<Option<f64>>> for ComparedRatio {
    fn from(c: Compared<Option<f64>>) -> Self {
        Self { current: c.current, previous: c.previous }
    }
}

/// How many requests had this value (a channel, a kind, a status, a theme code).
#[derive(Debug, Serialize, ToSchema)]
pub struct TallyView {
    pub code: String,
    pub current: u64,
    pub previous: u64,
}

impl From<&Tally> for TallyView {
    fn from(t: &Tally) -> Self {
        Self { code: t.code.clone(), current: t.count.current, previous: t.count.previous }
    }
}

/// A neighbourhood's requests, and per 1,000 of its inhabitants where its population is known.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeighbourhoodTallyView {
    pub code: String,
    pub name: String,
    pub population: Option<u32>,
    pub current: u64,
    pub previous: u64,
    pub per_thousand: ComparedRatio,
}

/// The requests received in the period (by the day they were received); a request merged into
/// another counts once, as the other.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestIndicatorsView {
    pub received: ComparedCount,
    /// By channel (`website`, `phone`, `letter`…), those with requests only.
    pub by_channel: Vec<TallyView>,
    /// By kind (`complaint`, `idea`…).
    pub by_kind: Vec<TallyView>,
    /// By status today.
    pub by_status: Vec<TallyView>,
    /// By theme code: a request counts once under each of its themes.
    pub by_theme: Vec<TallyView>,
    /// Every neighbourhood of the town (requests with no neighbourhood are in no line).
    pub by_neighbourhood: Vec<NeighbourhoodTallyView>,
    /// The percentage redirected to another authority.
    pub redirected_share: ComparedRatio,
    /// The percentage declined.
    pub declined_share: ComparedRatio,
}

/// Whose requests the figures count.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorScope {
    /// The published requests (anyone's figures).
    Published,
    /// Every request (staff's).
    All,
}

/// A municipality's indicators for a period, each figure with the previous period's beside it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "period": { "from": "2026-01-01", "to": "2026-12-31" },
    "previous_period": { "from": "2025-01-01", "to": "2025-12-31" },
    "neighbourhood": null, "scope": "published",
    "requests": {
        "received": { "current": 12, "previous": 7 },
        "by_channel": [{ "code": "website", "current": 8, "previous": 5 }, { "code": "phone", "current": 4, "previous": 2 }],
        "by_kind": [{ "code": "complaint", "current": 9, "previous": 6 }, { "code": "idea", "current": 3, "previous": 1 }],
        "by_status": [{ "code": "in_process", "current": 5, "previous": 0 }, { "code": "closed", "current": 7, "previous": 7 }],
        "by_theme": [{ "code": "roads-and-traffic", "current": 6, "previous": 4 }],
        "by_neighbourhood": [{ "code": "cite-5", "name": "Cité 5", "population": 1100, "current": 3, "previous": 1,
            "per_thousand": { "current": 2.7, "previous": 0.9 } }],
        "redirected_share": { "current": 8.3, "previous": 14.3 },
        "declined_share": { "current": 0.0, "previous": 14.3 }
    }
}))]
pub struct IndicatorsView {
    pub period: PeriodView,
    /// The span of the same length just before (the previous year, for a year).
    pub previous_period: PeriodView,
    /// The neighbourhood asked, if any.
    pub neighbourhood: Option<String>,
    pub scope: IndicatorScope,
    pub requests: RequestIndicatorsView,
}

/// Get the indicators
///
/// What the method produces in a period (`year`, or `from` and `to`; by default the current
/// year), each figure beside the previous period's — the year before, or as many days just
/// before: the requests received by channel, kind, status, theme and neighbourhood (per 1,000
/// inhabitants where the neighbourhood's population is known), and the shares redirected and
/// declined. Computed by the database for each call. Anyone reads the figures of the published
/// requests; staff's count every request. `neighbourhood` narrows them to one (400 naming it if
/// the town has none of that code).
#[utoipa::path(
    operation_id = "get_indicators", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), IndicatorParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The indicators.", body = IndicatorsView),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
        (status = 404, response = NotFound), (status = 500, response = InternalError),
        (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/indicators")]
pub async fn get_indicators(
    db: web::Data<Database>,
    visitor: Visitor,
    params: web::Query<IndicatorParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let today = local_today(time::now(), municipality.settings.time_zone);
    let malformed = |errors| ApiError::malformed(Message::new("invalid period", "période invalide"), errors);
    let period = Period::parse(params.year, params.from, params.to, today).map_err(|e| malformed(e.0))?;
    let town = neighbourhoods::all(&db, municipality.id).await?;
    let shown = lines(&town, params.neighbourhood.as_deref()).map_err(|e| malformed(vec![e]))?;
    let staff = standing.is_staff();
    let scope = RequestScope {
        current: period,
        previous: period.previous(),
        neighbourhood: params.neighbourhood.as_deref(),
        published_only: !staff,
    };
    let groups = store::request_groups(&db, municipality.id, &scope).await?;
    let populations: Vec<(String, Option<u32>)> =
        shown.iter().map(|n| (n.code.as_str().to_owned(), n.population.map(|p| p.get()))).collect();
    let counted = figures::indicators(&groups, &populations);
    let view = IndicatorsView {
        period: period.into(),
        previous_period: period.previous().into(),
        neighbourhood: params.neighbourhood.clone(),
        scope: if staff { IndicatorScope::All } else { IndicatorScope::Published },
        requests: request_view(&counted, |code| {
            shown.iter().find(|n| n.code.as_str() == code).map(|n| n.name.as_str().to_owned()).unwrap_or_default()
        }),
    };
    Ok(HttpResponse::Ok().json(view))
}

fn request_view(counted: &RequestIndicators, name_of: impl Fn(&str) -> String) -> RequestIndicatorsView {
    let tallies = |list: &[Tally]| list.iter().map(TallyView::from).collect();
    RequestIndicatorsView {
        received: counted.received.into(),
        by_channel: tallies(&counted.by_channel),
        by_kind: tallies(&counted.by_kind),
        by_status: tallies(&counted.by_status),
        by_theme: tallies(&counted.by_theme),
        by_neighbourhood: counted
            .by_neighbourhood
            .iter()
            .map(|n: &NeighbourhoodTally| NeighbourhoodTallyView {
                code: n.code.clone(),
                name: name_of(&n.code),
                population: n.population,
                current: n.count.current,
                previous: n.count.previous,
                per_thousand: n.per_thousand.into(),
            })
            .collect(),
        redirected_share: counted.redirected_share.into(),
        declined_share: counted.declined_share.into(),
    }
}
