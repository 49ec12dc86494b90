//! Open data: every public collection downloadable as CSV and JSON Lines, described by a
//! Frictionless Data package (a Table Schema per CSV). A dataset's columns are defined once here —
//! name, type, description, and the value of each row — so that the CSV, the JSON Lines and the
//! descriptor cannot disagree; only what the public reads goes in (never a requester's name or
//! contact, nor an internal note).

use super::conventions::ConventionFigures;
use crate::conventions::follow_up::FollowUp;
use crate::conventions::{Content, Convention};
use crate::participation::Process;
use crate::participation::meeting::Meeting;
use crate::participation::survey::{Results, Survey};
use crate::requests::PublishedRequest;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

/// A column's type, as the Table Schema specification names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    String,
    Integer,
    Number,
    Date,
    Datetime,
    Boolean,
}

impl FieldType {
    pub fn code(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
            FieldType::Boolean => "boolean",
        }
    }
}

/// A column of a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldType,
    pub description: &'static str,
    /// Whether every row has a value.
    pub required: bool,
}

const fn field(name: &'static str, kind: FieldType, description: &'static str, required: bool) -> Field {
    Field { name, kind, description, required }
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Integer(i64),
    Number(f64),
    Date(NaiveDate),
    Datetime(DateTime<Utc>),
    Boolean(bool),
    Null,
}

impl Cell {
    fn text(value: impl Into<String>) -> Self {
        Cell::Text(value.into())
    }

    fn optional(value: Option<impl Into<String>>) -> Self {
        value.map_or(Cell::Null, |v| Cell::Text(v.into()))
    }

    /// Its CSV text: ISO dates, UTC instants to the second, empty for none.
    pub fn csv_text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Integer(n) => n.to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Datetime(t) => t.to_rfc3339_opts(SecondsFormat::Secs, true),
            Cell::Boolean(b) => b.to_string(),
            Cell::Null => String::new(),
        }
    }
}

/// A value quoted for CSV (RFC 4180): between double quotes, doubled inside, when it holds a
/// comma, a quote or a line break.
pub fn csv_quote(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// A CSV line (ending in CRLF) of these cells.
pub fn csv_line(cells: impl IntoIterator<Item = String>) -> String {
    let mut line = cells.into_iter().map(|c| csv_quote(&c)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// The published requests: their public view, one row each.
pub const REQUEST_FIELDS: &[Field] = &[
    field("id", FieldType::String, "The request's id (UUID).", true),
    field(
        "registration_number",
        FieldType::String,
        "Its registration number (YYYY-NNNNN), by year of registration.",
        true,
    ),
    field("kind", FieldType::String, "complaint, proposal, need, idea or question (GET /v1/vocabulary).", true),
    field("title", FieldType::String, "Its title.", true),
    field("description", FieldType::String, "What it says.", true),
    field("channel", FieldType::String, "How it arrived (website, phone, letter, counter…).", true),
    field("requester_kind", FieldType::String, "Who carries it: an individual, an association… (never who).", false),
    field("themes", FieldType::String, "Its theme codes, separated by semicolons.", false),
    field("neighbourhood", FieldType::String, "Its neighbourhood code.", false),
    field("location_address", FieldType::String, "The place it is about.", false),
    field("latitude", FieldType::Number, "WGS 84 latitude of the place.", false),
    field("longitude", FieldType::Number, "WGS 84 longitude of the place.", false),
    field("received_on", FieldType::Date, "The day the town received it.", true),
    field("status", FieldType::String, "Where it stands (received, qualifying, qualified, …, closed).", true),
    field("resolution", FieldType::String, "How it was closed, if it was.", false),
    field("merged_into", FieldType::String, "The request it was merged into (a duplicate).", false),
    field("published_at", FieldType::Datetime, "When the town published it (UTC).", true),
    field("updated_at", FieldType::Datetime, "When it last changed (UTC).", true),
];

/// A published request's row, in the order of [`REQUEST_FIELDS`].
pub fn request_row(r: &PublishedRequest) -> Vec<Cell> {
    vec![
        Cell::text(r.id.to_string()),
        Cell::text(r.registration_number.to_string()),
        Cell::text(r.kind.code()),
        Cell::text(r.title.clone()),
        Cell::text(r.description.clone()),
        Cell::text(r.channel.code()),
        Cell::optional(r.requester_kind.map(|k| k.code())),
        if r.themes.is_empty() { Cell::Null } else { Cell::text(r.themes.join(";")) },
        Cell::optional(r.neighbourhood.clone()),
        Cell::optional(r.location_address.clone()),
        r.location_point.map_or(Cell::Null, |p| Cell::Number(p.latitude)),
        r.location_point.map_or(Cell::Null, |p| Cell::Number(p.longitude)),
        Cell::Date(r.received_on),
        Cell::text(r.status.code()),
        Cell::optional(r.resolution.map(|x| x.code())),
        Cell::optional(r.merged_into.map(|m| m.to_string())),
        Cell::Datetime(r.published_at),
        Cell::Datetime(r.updated_at),
    ]
}

/// The processes opened to the public.
pub const PROCESS_FIELDS: &[Field] = &[
    field("id", FieldType::String, "The process's id (UUID).", true),
    field("subject", FieldType::String, "What it is about.", true),
    field("description", FieldType::String, "Its description.", true),
    field("perimeter", FieldType::String, "whole_town, neighbourhoods or streets.", true),
    field(
        "neighbourhoods",
        FieldType::String,
        "The neighbourhood codes of its perimeter, separated by semicolons.",
        false,
    ),
    field("streets", FieldType::String, "The streets of its perimeter, separated by semicolons.", false),
    field("origin", FieldType::String, "requests (inhabitants') or town_initiative.", true),
    field(
        "level",
        FieldType::String,
        "Its participation level today: information, consultation or coproduction.",
        true,
    ),
    field("status", FieldType::String, "Where it stands (open, deciding, decided, closed, abandoned).", true),
    field("opened_at", FieldType::Datetime, "When it was opened to the public (UTC).", true),
    field("decision", FieldType::String, "What was decided, once it was.", false),
    field("decided_by", FieldType::String, "Who decided (the participants, the council, another authority…).", false),
    field("decided_on", FieldType::Date, "The day it was decided.", false),
    field("updated_at", FieldType::Datetime, "When it last changed (UTC).", true),
];

/// An opened process's row, in the order of [`PROCESS_FIELDS`]; `None` for one never opened.
pub fn process_row(p: &Process) -> Option<Vec<Cell>> {
    let joined = |items: Vec<String>| if items.is_empty() { Cell::Null } else { Cell::text(items.join(";")) };
    Some(vec![
        Cell::text(p.id.to_string()),
        Cell::text(p.subject.as_str()),
        Cell::text(p.description.as_str()),
        Cell::text(p.perimeter.kind.code()),
        joined(p.perimeter.neighbourhoods.iter().map(ToString::to_string).collect()),
        joined(p.perimeter.streets.iter().map(|s| s.as_str().to_owned()).collect()),
        Cell::text(p.origin.code()),
        Cell::text(p.level.code()),
        Cell::text(p.status.code()),
        Cell::Datetime(p.opened_at?),
        Cell::optional(p.decision.as_ref().map(|d| d.outcome.as_str().to_owned())),
        Cell::optional(p.decision.as_ref().map(|d| d.decided_by.code())),
        p.decision.as_ref().map_or(Cell::Null, |d| Cell::Date(d.decided_on)),
        Cell::Datetime(p.updated_at),
    ])
}

/// The meetings of the processes opened to the public, with their minutes once published.
pub const MEETING_FIELDS: &[Field] = &[
    field("id", FieldType::String, "The meeting's id (UUID).", true),
    field("process_id", FieldType::String, "The process it belongs to.", true),
    field("kind", FieldType::String, "public_meeting, workshop or site_visit.", true),
    field("place", FieldType::String, "Where it is held.", true),
    field("starts_at", FieldType::Datetime, "When it starts (UTC).", true),
    field("ends_at", FieldType::Datetime, "When it ends (UTC).", true),
    field("stage", FieldType::String, "Its place in the cycle: discover, scenarios, decide.", false),
    field("attendance", FieldType::Integer, "How many people came.", false),
    field("minutes_due_on", FieldType::Date, "The day its minutes are due (the town's day).", true),
    field("minutes_published_at", FieldType::Datetime, "When its minutes were first published (UTC).", false),
    field("minutes", FieldType::String, "Its minutes, once published.", false),
    field("minutes_decisions", FieldType::String, "What the meeting decided, per its minutes.", false),
];

/// A meeting's row, in the order of [`MEETING_FIELDS`].
pub fn meeting_row(m: &Meeting) -> Vec<Cell> {
    vec![
        Cell::text(m.id.to_string()),
        Cell::text(m.process.to_string()),
        Cell::text(m.kind.code()),
        Cell::text(m.place.as_str()),
        Cell::Datetime(m.starts_at),
        Cell::Datetime(m.ends_at),
        Cell::optional(m.stage.map(|s| s.code())),
        m.attendance.map_or(Cell::Null, |a| Cell::Integer(a.into())),
        Cell::Date(m.minutes_due_on),
        m.minutes.as_ref().map_or(Cell::Null, |x| Cell::Datetime(x.published_at)),
        Cell::optional(m.minutes.as_ref().map(|x| x.text.as_str().to_owned())),
        Cell::optional(m.minutes.as_ref().and_then(|x| x.decisions.as_ref()).map(|d| d.as_str().to_owned())),
    ]
}

/// The surveys of the processes opened to the public: a row per option, with its ballots once
/// the results are public (at closing, or live when the survey said so).
pub const SURVEY_FIELDS: &[Field] = &[
    field("survey_id", FieldType::String, "The survey's id (UUID).", true),
    field("process_id", FieldType::String, "The process it belongs to.", true),
    field("question", FieldType::String, "Its question.", true),
    field("opens_at", FieldType::Datetime, "When it opens (UTC).", true),
    field("closes_at", FieldType::Datetime, "When it closes (UTC).", true),
    field("eligible", FieldType::Integer, "How many could answer.", true),
    field("eligible_unit", FieldType::String, "people or households.", true),
    field("option_number", FieldType::Integer, "The option's number (1, 2, …).", true),
    field("option_title", FieldType::String, "The option.", true),
    field("ballots", FieldType::Integer, "Its ballots, once the results are public.", false),
    field("share_percent", FieldType::Number, "Its share of the responses (one decimal), once public.", false),
    field("responses", FieldType::Integer, "The survey's responses, once the results are public.", false),
];

/// A survey's rows, one per option, in the order of [`SURVEY_FIELDS`]; `results` once public.
pub fn survey_rows(s: &Survey, results: Option<&Results>) -> Vec<Vec<Cell>> {
    s.options
        .iter()
        .map(|option| {
            let counted = results.and_then(|r| r.options.iter().find(|(n, ..)| *n == option.number));
            vec![
                Cell::text(s.id.to_string()),
                Cell::text(s.process.to_string()),
                Cell::text(s.question.as_str()),
                Cell::Datetime(s.opens_at),
                Cell::Datetime(s.closes_at),
                Cell::Integer(s.eligible.into()),
                Cell::text(s.eligible_unit.code()),
                Cell::Integer(option.number.into()),
                Cell::text(option.title.as_str()),
                results.map_or(Cell::Null, |_| Cell::Integer(counted.map_or(0, |(_, n, _)| *n as i64))),
                results.map_or(Cell::Null, |_| Cell::Number(counted.map_or(0.0, |(.., share)| *share as f64 / 10.0))),
                results.map_or(Cell::Null, |r| Cell::Integer(r.responses as i64)),
            ]
        })
        .collect()
}

/// The conventions signed by every party: their period, how their commitments were kept, what
/// they cost (in cents) and how many took part — no party's name.
pub const CONVENTION_FIELDS: &[Field] = &[
    field("id", FieldType::String, "The convention's id (UUID).", true),
    field("project_id", FieldType::String, "Its fifty-fifty project.", true),
    field("title", FieldType::String, "Its title, as signed.", true),
    field("status", FieldType::String, "signed, active, completed, lapsed or terminated.", true),
    field("starts_on", FieldType::Date, "The first day of its period.", false),
    field("ends_on", FieldType::Date, "The last day of its period.", false),
    field("commitments", FieldType::Integer, "Its parties' commitments.", true),
    field("fulfilled", FieldType::Integer, "Commitments recorded fulfilled.", true),
    field("partly_fulfilled", FieldType::Integer, "Commitments recorded partly fulfilled.", true),
    field("not_fulfilled", FieldType::Integer, "Commitments recorded not fulfilled.", true),
    field("eroded", FieldType::Integer, "Upkeep commitments not (fully) kept.", true),
    field("town_committed_cents", FieldType::Integer, "What the town planned to spend, in cents of euros.", true),
    field("town_spent_cents", FieldType::Integer, "What the town spent, in cents of euros.", true),
    field("others_committed_cents", FieldType::Integer, "What the other parties planned to spend, in cents.", true),
    field("others_spent_cents", FieldType::Integer, "What the other parties spent, in cents.", true),
    field("participants_registered", FieldType::Integer, "Participants registered by name (with consent).", true),
    field("participants_at_least", FieldType::Integer, "At least this many took part (low bound).", true),
];

/// A signed convention's row, in the order of [`CONVENTION_FIELDS`], from its signed text.
pub fn convention_row(c: &Convention, signed: &Content, follow_up: &FollowUp) -> Vec<Cell> {
    let f = ConventionFigures::of(signed, follow_up);
    vec![
        Cell::text(c.id.to_string()),
        Cell::text(c.project.to_string()),
        Cell::text(signed.title.clone()),
        Cell::text(c.status.code()),
        signed.starts_on.map_or(Cell::Null, Cell::Date),
        signed.ends_on.map_or(Cell::Null, Cell::Date),
        Cell::Integer(f.commitments.into()),
        Cell::Integer(f.fulfilled.into()),
        Cell::Integer(f.partly_fulfilled.into()),
        Cell::Integer(f.not_fulfilled.into()),
        Cell::Integer(f.eroded.into()),
        Cell::Integer(f.town_planned_cents),
        Cell::Integer(f.town_actual_cents),
        Cell::Integer(f.others_planned_cents),
        Cell::Integer(f.others_actual_cents),
        Cell::Integer(f.participants_registered.into()),
        Cell::Integer(f.participants_at_least.into()),
    ]
}

/// The public indicators of the current year, one figure per row, beside the previous year's
/// (`GET …/indicators` documents each figure; its path here is its place there).
pub const INDICATOR_FIELDS: &[Field] = &[
    field("figure", FieldType::String, "The figure's path in GET …/indicators (requests.by_channel.website…).", true),
    field("period_from", FieldType::Date, "The period's first day.", true),
    field("period_to", FieldType::Date, "The period's last day.", true),
    field("current", FieldType::Number, "Its value in the period (empty where it cannot be computed).", false),
    field("previous", FieldType::Number, "Its value in the previous period.", false),
];

/// The figures of an indicators document (JSON), flattened: every object with `current` and
/// `previous` is a row named by its path, list items by their `code` (or `unit`, or `from>to`).
pub fn indicator_rows(document: &serde_json::Value, from: NaiveDate, to: NaiveDate) -> Vec<Vec<Cell>> {
    fn number(v: &serde_json::Value) -> Cell {
        v.as_f64()
            .map_or(Cell::Null, |n| if v.is_i64() || v.is_u64() { Cell::Integer(n as i64) } else { Cell::Number(n) })
    }
    fn walk(path: &str, v: &serde_json::Value, from: NaiveDate, to: NaiveDate, rows: &mut Vec<Vec<Cell>>) {
        match v {
            serde_json::Value::Object(map) => {
                if let (Some(current), Some(previous)) = (map.get("current"), map.get("previous"))
                    && !current.is_object()
                {
                    rows.push(vec![
                        Cell::text(path),
                        Cell::Date(from),
                        Cell::Date(to),
                        number(current),
                        number(previous),
                    ]);
                }
                for (key, child) in map {
                    if child.is_object() || child.is_array() {
                        let path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                        walk(&path, child, from, to, rows);
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let key = ["code", "unit"]
                        .iter()
                        .find_map(|k| item.get(*k).and_then(|c| c.as_str()).map(str::to_owned))
                        .or_else(|| {
                            let (from, to) = (item.get("from")?.as_str()?, item.get("to")?.as_str()?);
                            Some(format!("{from}>{to}"))
                        })
                        .unwrap_or_else(|| i.to_string());
                    walk(&format!("{path}.{key}"), item, from, to, rows);
                }
            }
            _ => {}
        }
    }
    let mut rows = Vec::new();
    if let serde_json::Value::Object(map) = document {
        for (key, child) in map {
            // The period and scope are the columns, not figures.
            if !matches!(key.as_str(), "period" | "previous_period" | "neighbourhood" | "scope") {
                walk(key, child, from, to, &mut rows);
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_values_are_quoted_only_when_they_must_be() {
        assert_eq!(csv_quote("Cité 5"), "Cité 5");
        assert_eq!(csv_quote("des bacs, et des fleurs"), "\"des bacs, et des fleurs\"");
        assert_eq!(csv_quote("il a dit \"non\""), "\"il a dit \"\"non\"\"\"");
        assert_eq!(csv_quote("deux\nlignes"), "\"deux\nlignes\"");
        assert_eq!(csv_line(["a".to_owned(), "b,c".to_owned(), String::new()]), "a,\"b,c\",\r\n");
    }

    #[test]
    fn the_indicators_flatten_to_one_figure_per_row_named_by_its_path() {
        let document = serde_json::json!({
            "period": { "from": "2026-01-01", "to": "2026-12-31" }, "scope": "published",
            "requests": { "received": { "current": 12, "previous": 7 },
                "by_channel": [{ "code": "website", "current": 8, "previous": 5 }],
                "late_share": { "current": 8.3, "previous": null },
                "by_neighbourhood": [{ "code": "cite-5", "name": "Cité 5", "population": 1100, "current": 3, "previous": 1,
                    "per_thousand": { "current": 2.7, "previous": 0.9 } }] },
            "processes": { "level_changes": [{ "from": "information", "to": "consultation", "current": 1, "previous": 0 }] }
        });
        let (from, to) = ("2026-01-01".parse().unwrap(), "2026-12-31".parse().unwrap());
        let rows = indicator_rows(&document, from, to);
        let named: Vec<(String, String, String)> =
            rows.iter().map(|r| (r[0].csv_text(), r[3].csv_text(), r[4].csv_text())).collect();
        let expect = |f: &str, c: &str, p: &str| (f.to_owned(), c.to_owned(), p.to_owned());
        assert!(named.contains(&expect("requests.received", "12", "7")), "{named:?}");
        assert!(named.contains(&expect("requests.by_channel.website", "8", "5")));
        assert!(named.contains(&expect("requests.late_share", "8.3", "")));
        assert!(named.contains(&expect("requests.by_neighbourhood.cite-5", "3", "1")));
        assert!(named.contains(&expect("requests.by_neighbourhood.cite-5.per_thousand", "2.7", "0.9")));
        assert!(named.contains(&expect("processes.level_changes.information>consultation", "1", "0")));
        assert_eq!(named.len(), 6, "the period and scope are no figures");
    }

    #[test]
    fn instants_are_written_to_the_second_in_utc() {
        let at: DateTime<Utc> = "2026-12-07T12:09:12.557439Z".parse().unwrap();
        assert_eq!(Cell::Datetime(at).csv_text(), "2026-12-07T12:09:12Z");
        assert_eq!(Cell::Null.csv_text(), "");
    }
}
