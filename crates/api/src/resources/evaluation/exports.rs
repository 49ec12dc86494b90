//! Open data: a town's public collections as CSV and JSON Lines, streamed page by page from the
//! database (a town with a million requests exports in constant memory), and the Frictionless Data
//! package that describes them. Anyone downloads them, peer cities included, without an account.

use crate::auth::Visitor;
use crate::problem::ApiError;
use crate::responses::{InternalError, NotFound, ServiceUnavailable, Unauthorized};
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use implication_app::Resource;
use implication_domain::evaluation::open_data::{self, Cell, Field, csv_line};
use implication_domain::{Municipality, MunicipalityId};
use implication_storage::Database;
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    JsonLines,
}

impl Dataset {
    const ALL: [Dataset; 1] = [Dataset::Requests];

    fn name(self) -> &'static str {
        match self {
            Dataset::Requests => "requests",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Dataset::Requests => "Published requests",
        }
    }

    fn fields(self) -> &'static [Field] {
        match self {
            Dataset::Requests => open_data::REQUEST_FIELDS,
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
                "schema": { "fields": fields, "primaryKey": ["id"] }
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

/// The pages of a dataset, as bytes: the CSV header first, then each page's lines.
fn stream(
    db: web::Data<Database>,
    municipality: MunicipalityId,
    dataset: Dataset,
    format: Format,
) -> impl futures_util::Stream<Item = Result<Bytes, ApiError>> {
    struct State {
        db: web::Data<Database>,
        after: Option<After>,
        started: bool,
        done: bool,
    }
    let state = State { db, after: None, started: false, done: false };
    futures_util::stream::unfold(state, move |mut state| async move {
        if state.done {
            return None;
        }
        let fields = dataset.fields();
        if !state.started {
            state.started = true;
            if format == Format::Csv {
                let header = csv_line(fields.iter().map(|f| f.name.to_owned()));
                return Some((Ok(Bytes::from(header)), state));
            }
        }
        let page = match dataset {
            Dataset::Requests => {
                list_published(
                    &state.db,
                    municipality,
                    &Filter::default(),
                    Sort::CreatedAtAsc,
                    PAGE,
                    state.after.as_ref(),
                )
                .await
            }
        };
        let page = match page {
            Ok(Some(page)) => page,
            Ok(None) => return None,
            Err(err) => {
                tracing::error!(error = %err, "an export stopped");
                state.done = true;
                return Some((Err(ApiError::from(err)), state));
            }
        };
        state.done = !page.has_more;
        state.after = page.items.last().map(|r| After { key: Sort::CreatedAtAsc.key_of_published(r), id: r.id });
        if page.items.is_empty() {
            return None;
        }
        let mut chunk = String::new();
        for request in &page.items {
            chunk.push_str(&line(fields, &open_data::request_row(request), format));
        }
        Some((Ok(Bytes::from(chunk)), state))
    })
}

/// Download open data
///
/// A town's public collections, for anyone (peer cities, researchers, the press) without an
/// account: `requests.csv` or `requests.jsonl` (the published requests, their public view only —
/// never a requester's name or contact), UTF-8, one row per line, streamed as the database reads
/// them; and `datapackage.json`, the Frictionless Data package describing each CSV file (its
/// columns, their types and meaning, in a Table Schema), next to it.
#[utoipa::path(
    operation_id = "get_export", tag = "evaluation",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("file" = String, Path, description = "`datapackage.json`, or a dataset and its format.",
            example = "requests.csv", pattern = "^(datapackage\\.json|requests\\.(csv|jsonl))$")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The file: CSV (`text/csv`), JSON Lines (`application/jsonl`) or the package descriptor.",
            content(
                (Value = "text/csv", example = "id,registration_number,kind,title,description,channel,requester_kind,themes,neighbourhood,location_address,latitude,longitude,received_on,status,resolution,merged_into,published_at,updated_at\r\n"),
                (Value = "application/jsonl"),
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
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}-{}\"", municipality.slug, path.1),
        ))
        .streaming(stream(db, municipality.id, dataset, format)))
}
