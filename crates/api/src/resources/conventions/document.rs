//! The convention as a document (`GET …/conventions/{id}/document`): a version rendered as a
//! numbered, printable convention following annex A3 — the parties, "having set out the
//! following", article 1 (each party's commitments), article 2 (the period), article 3 (the
//! works), the clauses from article 4 on, the signatures with their dates, and the text's
//! fingerprint. HTML with print styles (A4, page numbers, nothing fetched from the network) by
//! default, Markdown with `Accept: text/markdown`; French by default, English with
//! `Accept-Language: en`. The parties' own words stay as they wrote them.
//!
//! Templates (`crates/api/templates/`) are rendered by MiniJinja: every value is escaped — as HTML
//! in the HTML document, as Markdown in the Markdown one — so that no party's text can inject
//! markup.

use crate::auth::Visitor;
use crate::problem::ApiError;
use crate::responses::{InternalError, NotFound, ServiceUnavailable, Unauthorized};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{Datelike, NaiveDate};
use implication_app::Resource;
use implication_app::conventions::convention as usecases;
use implication_domain::ConventionId;
use implication_domain::Language;
use implication_domain::conventions::Version;
use implication_domain::conventions::convention::Party;
use implication_domain::conventions::signature::Signature;
use implication_domain::vocabulary::PartyKind;
use implication_storage::Database;
use implication_storage::conventions::convention as store;
use minijinja::{AutoEscape, Environment, Value};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;
use utoipa::IntoParams;
use uuid::Uuid;

static TEMPLATES: LazyLock<Environment<'static>> =
    LazyLock::new(|| {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".md") { AutoEscape::Custom("markdown") } else { AutoEscape::Html }
        });
        env.set_formatter(|out, state, value| match state.auto_escape() {
            AutoEscape::Custom("markdown") => {
                let text = value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string());
                out.write_str(&escape_markdown(&text)).map_err(minijinja::Error::from)
            }
            _ => minijinja::escape_formatter(out, state, value),
        });
        // The templates are compiled in: a syntax error fails the tests (every document rendered
        // there would answer 500), never a reader.
        for (name, source) in [
            ("convention.html", include_str!("../../../templates/convention.html")),
            ("convention.md", include_str!("../../../templates/convention.md")),
        ] {
            if let Err(error) = env.add_template(name, source) {
                tracing::error!(template = name, %error, "a document template does not compile");
            }
        }
        env
    });

/// Escapes what Markdown reads as markup (CommonMark lets any ASCII punctuation be
/// backslash-escaped), so that a party's words are read as words: inline markers anywhere, and
/// what starts a block at the start of a line — a list item (`-`, `+`, `1.`, `1)`), a thematic
/// break or a setext underline (`---`, `===`) —, whose leading spaces (an indented code block)
/// are dropped. Line breaks stay.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let line = line.trim_start();
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        for (i, c) in line.char_indices() {
            let inline =
                matches!(c, '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!' | '&');
            let block_start =
                (i == 0 && matches!(c, '-' | '+' | '=')) || (i == digits && digits > 0 && matches!(c, '.' | ')'));
            if inline || block_start {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// The words the document is made of, in one language.
#[derive(Debug, Serialize)]
struct Labels {
    kind: &'static str,
    amendment: &'static str,
    version: &'static str,
    made_between: &'static str,
    of_one_part: &'static str,
    of_other_part: &'static str,
    having_set_out: &'static str,
    agreed: &'static str,
    article: &'static str,
    due: &'static str,
    signatures: &'static str,
    made_at: &'static str,
    party: &'static str,
    signatory: &'static str,
    signed_on: &'static str,
    how: &'static str,
    fingerprint: &'static str,
    not_frozen: &'static str,
    page: &'static str,
}

const FR: Labels = Labels {
    kind: "Convention fifty-fifty",
    amendment: "Avenant",
    version: "version",
    made_between: "La présente convention est établie entre :",
    of_one_part: "d'une part",
    of_other_part: "d'autre part",
    having_set_out: "Après avoir exposé les éléments suivants :",
    agreed: "Les parties sont convenues de ce qui suit :",
    article: "Article",
    due: "échéance :",
    signatures: "Signatures",
    made_at: "Fait en autant d'exemplaires que de parties.",
    party: "Partie",
    signatory: "Signataire",
    signed_on: "Date",
    how: "Signature",
    fingerprint: "Empreinte SHA-256 du texte",
    not_frozen: "texte en rédaction, pas encore ouvert à la signature",
    page: "Page",
};

const EN: Labels = Labels {
    kind: "Fifty-fifty convention",
    amendment: "Amendment",
    version: "version",
    made_between: "This convention is made between:",
    of_one_part: "of the one part",
    of_other_part: "of the other part",
    having_set_out: "Having set out the following:",
    agreed: "The parties have agreed as follows:",
    article: "Article",
    due: "due:",
    signatures: "Signatures",
    made_at: "Made in as many copies as there are parties.",
    party: "Party",
    signatory: "Signatory",
    signed_on: "Date",
    how: "Signature",
    fingerprint: "SHA-256 fingerprint of the text",
    not_frozen: "text being drafted, not yet open for signature",
    page: "Page",
};

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn date(day: NaiveDate, language: Language) -> String {
    let month = day.month0() as usize;
    match language {
        Language::Fr => format!("{} {} {}", day.day(), MONTHS_FR[month], day.year()),
        Language::En => format!("{} {} {}", day.day(), MONTHS_EN[month], day.year()),
    }
}

/// An amount in cents, as a reader writes it: `12 500,00 €` in French, `€12,500.00` in English.
fn amount(cents: i64, language: Language) -> String {
    let (units, rest) = (cents / 100, cents % 100);
    let digits = units.to_string();
    let separator = match language {
        Language::Fr => '\u{202f}',
        Language::En => ',',
    };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(separator);
        }
        grouped.push(c);
    }
    match language {
        Language::Fr => format!("{grouped},{rest:02}\u{a0}€"),
        Language::En => format!("€{grouped}.{rest:02}"),
    }
}

/// A long text's paragraphs (separated by blank lines).
fn paragraphs(text: Option<&str>) -> Vec<String> {
    text.map(|t| t.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

#[derive(Debug, Serialize)]
struct PartyLine {
    designation: String,
}

#[derive(Debug, Serialize)]
struct Item {
    kind: &'static str,
    description: String,
    quantity: Option<String>,
    amount: Option<String>,
    due: Option<String>,
    recurrence: Option<&'static str>,
}

#[derive(Debug, Serialize)]
struct PartyCommitments {
    name: String,
    items: Vec<Item>,
}

#[derive(Debug, Serialize)]
struct Article {
    number: usize,
    title: String,
    paragraphs: Vec<String>,
    commitments: Vec<PartyCommitments>,
}

#[derive(Debug, Serialize)]
struct SignatureRow {
    party: String,
    signatory: Option<String>,
    capacity: Option<String>,
    date: Option<String>,
    how: String,
}

#[derive(Debug, Serialize)]
struct Document {
    lang: &'static str,
    labels: &'static Labels,
    title: String,
    number: i32,
    amendment: bool,
    content_hash: Option<String>,
    hash_short: String,
    parties: Vec<PartyLine>,
    context: Vec<String>,
    articles: Vec<Article>,
    signatures: Vec<SignatureRow>,
}

/// A party's name as the reader may see it: an individual who did not consent, as "an inhabitant".
fn shown_name(party: &Party, public: bool, language: Language) -> String {
    if public && !party.is_named_publicly() {
        match language {
            Language::Fr => "Un habitant".to_owned(),
            Language::En => "An inhabitant".to_owned(),
        }
    } else {
        party.name.clone()
    }
}

fn designation(party: &Party, public: bool, language: Language) -> String {
    let name = shown_name(party, public, language);
    let represented = party.representative.as_ref().filter(|_| !public || party.representative_named_publicly());
    match (represented, language) {
        (Some(r), Language::Fr) => {
            // A municipality, an association, a farm (exploitation), a school, a business: all
            // feminine in French; a group (collectif), masculine.
            let by = if party.kind == PartyKind::InformalGroup { "représenté par" } else { "représentée par" };
            format!("{name}, {by} {}, {}", r.name, r.capacity.to_lowercase())
        }
        (Some(r), Language::En) => format!("{name}, represented by {}, {}", r.name, r.capacity),
        (None, _) => name,
    }
}

fn render(
    version: &Version,
    signatures: &[Signature],
    public: bool,
    language: Language,
    markdown: bool,
) -> Result<String, ApiError> {
    let c = &version.content;
    let labels: &'static Labels = match language {
        Language::Fr => &FR,
        Language::En => &EN,
    };
    let label = |l: implication_domain::vocabulary::Label| match language {
        Language::Fr => l.fr,
        Language::En => l.en,
    };
    // Annex A3's order: the municipality first ("d'une part"), the others after ("d'autre part").
    let mut parties: Vec<&Party> = c.parties.iter().collect();
    parties.sort_by_key(|p| p.kind != PartyKind::Municipality);
    let (first_title, second_title, third_title) = match language {
        Language::Fr => (
            "Désignation des missions respectives sous le principe du fifty-fifty",
            "Durée de la convention",
            "Identification des travaux",
        ),
        Language::En => {
            ("Each party's commitments under the fifty-fifty principle", "Term of the convention", "The works")
        }
    };
    let period = match (c.starts_on, c.ends_on, language) {
        (Some(start), Some(end), Language::Fr) => vec![format!(
            "La présente convention est établie entre les parties pour la période du {} au {}.",
            date(start, language),
            date(end, language)
        )],
        (Some(start), Some(end), Language::En) => vec![format!(
            "This convention binds the parties for the period from {} to {}.",
            date(start, language),
            date(end, language)
        )],
        _ => Vec::new(),
    };
    let mut articles = vec![
        Article {
            number: 1,
            title: first_title.to_owned(),
            paragraphs: paragraphs(c.purpose.as_deref()),
            commitments: parties
                .iter()
                .map(|p| PartyCommitments {
                    name: shown_name(p, public, language),
                    items: p
                        .commitments
                        .iter()
                        .map(|k| Item {
                            kind: label(k.kind.label()),
                            description: k.description.clone(),
                            quantity: k.quantity.clone(),
                            amount: k.amount_cents.map(|a| amount(a, language)),
                            due: k.due_on.map(|d| date(d, language)),
                            recurrence: k.recurrence.map(|r| label(r.label())),
                        })
                        .collect(),
                })
                .collect(),
        },
        Article { number: 2, title: second_title.to_owned(), paragraphs: period, commitments: Vec::new() },
        Article {
            number: 3,
            title: third_title.to_owned(),
            paragraphs: paragraphs(c.works.as_deref()),
            commitments: Vec::new(),
        },
    ];
    for (i, clause) in c.clauses.iter().enumerate() {
        articles.push(Article {
            number: 4 + i,
            title: clause.title.clone(),
            paragraphs: paragraphs(Some(&clause.text)),
            commitments: Vec::new(),
        });
    }
    let signatures = parties
        .iter()
        .map(|p| {
            let found = signatures.iter().find(|s| s.version == version.number && s.party == p.id);
            let shown = !public || p.representative_named_publicly();
            let how = match (found, language) {
                (Some(s), Language::Fr) => match &s.scan_sha256 {
                    Some(scan) => format!("original papier (empreinte du scan : {})", &scan[..16]),
                    None => "en ligne, par son propre compte".to_owned(),
                },
                (Some(s), Language::En) => match &s.scan_sha256 {
                    Some(scan) => format!("paper original (scan fingerprint: {})", &scan[..16]),
                    None => "online, with its own account".to_owned(),
                },
                (None, Language::Fr) => "non signée".to_owned(),
                (None, Language::En) => "not signed".to_owned(),
            };
            SignatureRow {
                party: shown_name(p, public, language),
                signatory: found.filter(|_| shown).map(|s| s.signatory.clone()),
                capacity: found.map(|s| s.capacity.clone()),
                date: found.map(|s| date(s.signed_on, language)),
                how,
            }
        })
        .collect();
    let document = Document {
        lang: language.code(),
        labels,
        title: c.title.clone(),
        number: version.number,
        amendment: version.number > 1,
        content_hash: version.content_hash.clone(),
        hash_short: version.content_hash.as_deref().map(|h| h[..12].to_owned()).unwrap_or_default(),
        parties: parties.iter().map(|p| PartyLine { designation: designation(p, public, language) }).collect(),
        context: paragraphs(c.context.as_deref()),
        articles,
        signatures,
    };
    let name = if markdown { "convention.md" } else { "convention.html" };
    TEMPLATES
        .get_template(name)
        .and_then(|t| t.render(Value::from_serialize(&document)))
        .map_err(|e| ApiError::Internal(format!("rendering {name}: {e}")))
}

/// Which version to render.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentParams {
    /// The version's number. Default: for staff, the current version; for anyone else, the one
    /// every party signed, or, before signature, the frozen one a party signs.
    #[param(minimum = 1, example = 1)]
    pub version: Option<i32>,
}

/// Print a convention
///
/// A version of the convention as a numbered, printable document following annex A3: the parties
/// ("d'une part", "d'autre part"), "having set out the following", article 1 (each party's
/// commitments), article 2 (the period), article 3 (the works), the clauses from article 4 on, the
/// signatures with their dates, and the text's SHA-256. HTML with print styles (A4, page numbers,
/// no network) by default, Markdown with `Accept: text/markdown`; French by default, English with
/// `Accept-Language: en` (the parties' words stay as written). Staff print any version; a party
/// (its own account, or its organisation's tool) a frozen version naming it; anyone a version
/// every party signed, an individual named only with their consent.
#[utoipa::path(
    operation_id = "get_convention_document", tag = "conventions",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("convention" = Uuid, Path, description = "The convention's id."), DocumentParams),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The document.", content(
            (String = "text/html", example = "<!DOCTYPE html><html lang=\"fr\">…</html>"),
            (String = "text/markdown", example = "Convention fifty-fifty\n\n# …")),
            headers(("Content-Language" = String, description = "`fr` or `en`."))),
        (status = 400, response = crate::responses::BadRequest),
        (status = 401, response = Unauthorized), (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/conventions/{convention}/document")]
pub async fn get_convention_document(
    req: HttpRequest,
    db: web::Data<Database>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
    params: web::Query<DocumentParams>,
) -> Result<HttpResponse, ApiError> {
    let Visitor { standing, municipality } = visitor;
    let none = || ApiError::no(Resource::Convention);
    let id = Uuid::parse_str(&path.1).map(ConventionId::from_uuid).map_err(|_| none())?;
    let loaded = usecases::load(&db, &municipality, id).await?;
    let convention = &loaded.stored.convention;
    let staff = standing.is_staff();
    let number = match (params.version, staff) {
        (Some(n), _) => n,
        (None, true) => convention.current_version,
        // Others read the signed version, or, before signature, a party the frozen one it signs.
        (None, false) => convention.signed_version.unwrap_or(convention.current_version),
    };
    let version = store::version(&db, municipality.id, id, number).await?.ok_or_else(none)?;
    let signatures = store::signatures(&db, municipality.id, id).await?;
    let readers = implication_app::conventions::readers(&db, &municipality, &standing).await?;
    if !implication_domain::conventions::readers::may_read(&version, &signatures, readers) {
        return Err(none());
    }
    let language = crate::context::language(req.headers());
    let markdown = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/markdown"));
    let body = render(&version, &signatures, !staff, language, markdown)?;
    let content_type = if markdown { "text/markdown; charset=utf-8" } else { "text/html; charset=utf-8" };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CONTENT_LANGUAGE, language.code()))
        .insert_header((header::VARY, "Accept, Accept-Language"))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_templates_compile() {
        assert!(TEMPLATES.get_template("convention.html").is_ok());
        assert!(TEMPLATES.get_template("convention.md").is_ok());
    }

    #[test]
    fn markdown_punctuation_is_escaped_and_amounts_read_as_people_write_them() {
        assert_eq!(escape_markdown("<script>*x*</script> [a](b)"), "\\<script\\>\\*x\\*\\</script\\> \\[a\\](b)");
        assert_eq!(escape_markdown("- item\n---\n1. un\n  12) deux\n=="), "\\- item\n\\---\n1\\. un\n12\\) deux\n\\==");
        assert_eq!(escape_markdown("Rue 1.5 - B"), "Rue 1.5 - B", "mid-line: words");
        assert_eq!(amount(1_250_000, Language::Fr), "12\u{202f}500,00\u{a0}€");
        assert_eq!(amount(1_250_005, Language::En), "€12,500.05");
        assert_eq!(amount(99, Language::En), "€0.99");
        assert_eq!(date(NaiveDate::from_ymd_opt(2018, 6, 4).unwrap(), Language::Fr), "4 juin 2018");
    }
}
