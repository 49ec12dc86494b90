//! Open data: a town's public collections as CSV and JSON Lines, streamed page by page from the
//! database (a town with a million requests exports in constant memory), and the Frictionless Data
//! package that describes them. Anyone downloads them, peer cities included, without an account.

use crate::auth::Visitor;
use crate::problem::ApiError;
use crate::resources::evaluation::indicators::{self, IndicatorParams};
use crate::responses::{InternalError, NotFound, ServiceUnavailable, Unauthorized};
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use implication_app::Resource;
use implication_domain::Municipality;
use implication_domain::evaluation::open_data::{self, Cell, Field, csv_line};
use implication_storage::Database;
use implication_storage::conventions::convention::{self as conventions, Filter as ConventionFilter};
use implication_storage::participation::meetings::{self, MeetingAfter, MeetingFilter};
use implication_storage::participation::surveys::{self, SurveyAfter};
use implication_storage::participation::{After as ProcessAfter, Filter as ProcessFilter};
use implication_storage::requests::{After, Filter, Sort, list_published};
use serde_json::{Value, json};

/// How many rows a page of the stream reads from the database.
const PAGE: u64 = 500;

/// A file of the exports: a dataset in a format, or the package descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum File {
    Descriptor,
    Data(Dataset, Format),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dataset {
    Requests,
    Processes,
    Meetings,
    Surveys,
    Conventions,
    Indicators,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    JsonLines,
}

impl Dataset {
    const ALL: [Dataset; 6] = [
        Dataset::Requests,
        Dataset::Processes,
        Dataset::Meetings,
        Dataset::Surveys,
        Dataset::Conventions,
        Dataset::Indicators,
    ];

    fn name(self) -> &'static str {
        match self {
            Dataset::Requests => "requests",
            Dataset::Processes => "processes",
            Dataset::Meetings => "meetings",
            Dataset::Surveys => "surveys",
            Dataset::Conventions => "conventions",
            Dataset::Indicators => "indicators",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Dataset::Requests => "Published requests",
            Dataset::Processes => "Participation processes opened to the public",
            Dataset::Meetings => "Meetings of the public processes, with their minutes",
            Dataset::Surveys => "Surveys of the public processes, an option per row, with their results once public",
            Dataset::Conventions => {
                "Fifty-fifty conventions signed by every party: commitments kept, costs, participants"
            }
            Dataset::Indicators => "This year's public indicators, one figure per row, beside last year's",
        }
    }

    /// The columns that name a row.
    fn primary_key(self) -> &'static [&'static str] {
        match self {
            Dataset::Surveys => &["survey_id", "option_number"],
            Dataset::Indicators => &["figure"],
            _ => &["id"],
        }
    }

    fn fields(self) -> &'static [Field] {
        match self {
            Dataset::Requests => open_data::REQUEST_FIELDS,
            Dataset::Processes => open_data::PROCESS_FIELDS,
            Dataset::Meetings => open_data::MEETING_FIELDS,
            Dataset::Surveys => open_data::SURVEY_FIELDS,
            Dataset::Conventions => open_data::CONVENTION_FIELDS,
            Dataset::Indicators => open_data::INDICATOR_FIELDS,
        }
    }
}

impl File {
    fn parse(name: &str) -> Option<Self> {
        if name == "datapackage.json" {
            return Some(File::Descriptor);
        }
        let (dataset, extension) = name.rsplit_once('.')?;
        let dataset = Dataset::ALL.into_iter().find(|d| d.name() == dataset)?;
        match extension {
            "csv" => Some(File::Data(dataset, Format::Csv)),
            "jsonl" => Some(File::Data(dataset, Format::JsonLines)),
            _ => None,
        }
    }
}

/// A JSON value of a cell.
fn json_of(cell: &Cell) -> Value {
    match cell {
        Cell::Text(t) => json!(t),
        Cell::Integer(n) => json!(n),
        Cell::Number(n) => json!(n),
        Cell::Date(_) | Cell::Datetime(_) => json!(cell.csv_text()),
        Cell::Boolean(b) => json!(b),
        Cell::Null => Value::Null,
    }
}

/// A row in a format: a CSV line, or a JSON object on a line of its own.
fn line(fields: &[Field], row: &[Cell], format: Format) -> String {
    match format {
        Format::Csv => csv_line(row.iter().map(Cell::csv_text)),
        Format::JsonLines => {
            // By hand, so that the keys keep the columns' order.
            let members: Vec<String> =
                fields.iter().zip(row).map(|(f, cell)| format!("{}:{}", json!(f.name), json_of(cell))).collect();
            format!("{{{}}}\n", members.join(","))
        }
    }
}

/// The package descriptor: a Table Schema per CSV file, next to it.
fn descriptor(municipality: &Municipality) -> Value {
    let resources: Vec<Value> = Dataset::ALL
        .iter()
        .map(|dataset| {
            let fields: Vec<Value> = dataset
                .fields()
                .iter()
                .map(|f| {
                    let mut field = json!({ "name": f.name, "type": f.kind.code(), "description": f.description });
                    if f.required {
                        field["constraints"] = json!({ "required": true });
                    }
                    field
                })
                .collect();
            json!({
                "name": dataset.name(), "title": dataset.title(), "path": format!("{}.csv", dataset.name()),
                "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "schema": { "fields": fields, "primaryKey": dataset.primary_key() }
            })
        })
        .collect();
    json!({
        "profile": "tabular-data-package",
        "name": format!("implication-{}", municipality.slug),
        "title": format!("{} — open data of citizen involvement", municipality.name.as_str()),
        "licenses": [{ "name": "etalab-2.0", "title": "Licence Ouverte / Open Licence 2.0",
            "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/" }],
        "resources": resources,
    })
}

/// Where a dataset's page ended.
enum Cursor {
    Request(After),
    Process(ProcessAfter),
    Meeting(MeetingAfter),
    Survey(SurveyAfter),
    Convention(chrono::DateTime<chrono::Utc>, implication_domain::ConventionId),
}

/// Rows, and where the next page starts (`None`: none).
type Rows = (Vec<Vec<Cell>>, Option<Cursor>);

/// A page of a dataset's rows, and where the next one starts (`None`: the last).
async fn page(
    db: &Database,
    municipality: &Municipality,
    dataset: Dataset,
    after: Option<Cursor>,
) -> Result<Rows, ApiError> {
    Ok(match dataset {
        Dataset::Requests => {
            let after = match after {
                Some(Cursor::Request(a)) => Some(a),
                _ => None,
            };
            // The cursor is built here from a row: never a bad key.
            let Some(found) =
                list_published(db, municipality.id, &Filter::default(), Sort::CreatedAtAsc, PAGE, after.as_ref())
                    .await?
            else {
                return Ok((Vec::new(), None));
            };
            let next = found
                .has_more
                .then(|| found.items.last())
                .flatten()
                .map(|r| Cursor::Request(After { key: Sort::CreatedAtAsc.key_of_published(r), id: r.id }));
            (found.items.iter().map(open_data::request_row).collect(), next)
        }
        Dataset::Processes => {
            let after = match after {
                Some(Cursor::Process(a)) => Some(a),
                _ => None,
            };
            let filter = ProcessFilter { public_only: true, ..ProcessFilter::default() };
            let found =
                implication_storage::participation::list(db, municipality.id, &filter, PAGE, after.as_ref()).await?;
            let next = found
                .has_more
                .then(|| found.items.last())
                .flatten()
                .map(|p| Cursor::Process(ProcessAfter { created_at: p.created_at, id: p.id }));
            (found.items.iter().filter_map(open_data::process_row).collect(), next)
        }
        Dataset::Meetings => {
            let after = match after {
                Some(Cursor::Meeting(a)) => Some(a),
                _ => None,
            };
            let filter = MeetingFilter { public_only: true, ..MeetingFilter::default() };
            let found = meetings::list(db, municipality.id, &filter, true, PAGE, after.as_ref()).await?;
            let next = found
                .has_more
                .then(|| found.items.last())
                .flatten()
                .map(|m| Cursor::Meeting(MeetingAfter { starts_at: m.starts_at, id: m.id }));
            (found.items.iter().map(open_data::meeting_row).collect(), next)
        }
        Dataset::Surveys => {
            let after = match after {
                Some(Cursor::Survey(a)) => Some(a),
                _ => None,
            };
            let found = surveys::list(db, municipality.id, None, true, PAGE, after.as_ref()).await?;
            let next = found
                .has_more
                .then(|| found.items.last())
                .flatten()
                .map(|s| Cursor::Survey(SurveyAfter { opens_at: s.opens_at, id: s.id }));
            let now = implication_domain::time::now();
            let mut rows = Vec::new();
            for survey in &found.items {
                // Surveys are few (tens a year): their counts are read one by one.
                let results = if survey.results_public(now) {
                    Some(implication_domain::participation::survey::results(
                        survey,
                        &surveys::counts(db, survey).await?,
                    ))
                } else {
                    None
                };
                rows.extend(open_data::survey_rows(survey, results.as_ref()));
            }
            (rows, next)
        }
        Dataset::Conventions => {
            let after = match after {
                Some(Cursor::Convention(at, id)) => Some((at, id)),
                _ => None,
            };
            let filter = ConventionFilter { signed_only: true, ..ConventionFilter::default() };
            let found = conventions::list(db, municipality.id, &filter, PAGE, after).await?;
            let next = found
                .has_more
                .then(|| found.items.last())
                .flatten()
                .map(|(s, _)| Cursor::Convention(s.convention.created_at, s.convention.id));
            let rows = found
                .items
                .iter()
                .map(|(stored, version)| {
                    open_data::convention_row(&stored.convention, &version.content, &stored.follow_up)
                })
                .collect();
            (rows, next)
        }
        Dataset::Indicators => {
            // One page: this year's public figures.
            let params = IndicatorParams { year: None, from: None, to: None, neighbourhood: None };
            let view = indicators::compute(db, municipality, &params, false).await?;
            let document = serde_json::to_value(&view).map_err(|e| ApiError::Internal(e.to_string()))?;
            (open_data::indicator_rows(&document, view.period.from, view.period.to), None)
        }
    })
}

/// The pages of a dataset, as bytes: the CSV header first, then each page's lines.
fn stream(
    db: web::Data<Database>,
    municipality: Municipality,
    dataset: Dataset,
    format: Format,
    first: Rows,
) -> impl futures_util::Stream<Item = Result<Bytes, ApiError>> {
    struct State {
        db: web::Data<Database>,
        municipality: Municipality,
        first: Option<Rows>,
        after: Option<Cursor>,
        done: bool,
    }
    let state = State { db, municipality, first: Some(first), after: None, done: false };
    futures_util::stream::unfold(state, move |mut state| async move {
        let fields = dataset.fields();
        // The header and the first page, read before the answer began.
        if let Some((rows, next)) = state.first.take() {
            let mut chunk = match format {
                Format::Csv => csv_line(fields.iter().map(|f| f.name.to_owned())),
                Format::JsonLines => String::new(),
            };
            for row in &rows {
                chunk.push_str(&line(fields, row, format));
            }
            state.done = next.is_none();
            state.after = next;
            return Some((Ok(Bytes::from(chunk)), state));
        }
        if state.done {
            return None;
        }
        let after = state.after.take();
        let (rows, next) = match page(&state.db, &state.municipality, dataset, after).await {
            Ok(page) => page,
            Err(err) => {
                tracing::error!(error = %err, "an export stopped");
                state.done = true;
                return Some((Err(err), state));
            }
        };
        state.done = next.is_none();
        state.after = next;
        if rows.is_empty() {
            return None;
        }
        let mut chunk = String::new();
        for row in &rows {
            chunk.push_str(&line(fields, row, format));
        }
        Some((Ok(Bytes::from(chunk)), state))
    })
}

/// Download open data
///
/// A town's public collections, for anyone (peer cities, researchers, the press) without an
/// account, each as CSV (`.csv`) or JSON Lines (`.jsonl`): `requests` (the published requests,
/// their public view only — never a requester's name or contact), `processes` (those opened to the
/// public), `meetings` (theirs, with the minutes once published), `surveys` (theirs, an option per
/// row, with its ballots once the results are public), `conventions` (those signed by every
/// party: their commitments kept, costs and participants, no party's name), `indicators` (this
/// year's public figures, one per row, beside last year's); UTF-8, one row per line,
/// streamed as the database reads
/// them; and `datapackage.json`, the Frictionless Data package describing each CSV file (its
/// columns, their types and meaning, in a Table Schema), next to it.
#[utoipa::path(
    operation_id = "get_export", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("file" = String, Path, description = "`datapackage.json`, or a dataset and its format.",
            example = "requests.csv", pattern = "^(datapackage\\.json|(requests|processes|meetings|surveys|conventions|indicators)\\.(csv|jsonl))$")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The file: CSV (`text/csv`), JSON Lines (`application/jsonl`) or the package descriptor.",
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"<town>-<file>\"` for a data file.")),
            content(
                (String = "text/csv", example = "id,registration_number,kind,title,description,channel,requester_kind,themes,neighbourhood,location_address,latitude,longitude,received_on,status,resolution,merged_into,published_at,updated_at\r\n"),
                (String = "application/jsonl"),
                (Value = "application/json")
            )),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/exports/{file}")]
pub async fn get_export(
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { municipality, .. } = visitor;
    let file = File::parse(&path.1).ok_or_else(|| ApiError::no(Resource::Export))?;
    let (dataset, format) = match file {
        File::Descriptor => return Ok(HttpResponse::Ok().json(descriptor(&municipality))),
        File::Data(dataset, format) => (dataset, format),
    };
    let content_type = match format {
        Format::Csv => "text/csv; charset=utf-8",
        Format::JsonLines => "application/jsonl; charset=utf-8",
    };
    // The first page is read before answering: a database that does not answer is a 503, not a
    // 200 cut short. (A failure later can only cut the transfer: its status is sent.)
    let first = page(&db, &municipality, dataset, None).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}-{}\"", municipality.slug, path.1),
        ))
        .streaming(stream(db, municipality.clone(), dataset, format, first)))
}
