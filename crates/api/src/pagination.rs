//! Cursor pagination, as `docs/API-CONVENTIONS.md` says: `?limit=&cursor=`, a body
//! `{ "items": […], "next_cursor": … }` and a `Link: <…>; rel="next"` header.
//!
//! A cursor is the sort key of the last item of a page, as base64url JSON: opaque to clients,
//! and stable under concurrent inserts because the next page starts strictly after that key.

use crate::problem::ApiError;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use implication_domain::Message;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 200;
const MAX_CURSOR_LEN: usize = 2_048;

/// The paging parameters every list takes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// How many items per page.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, default = 50, example = 50)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page; omit it for the first page.
    #[param(min_length = 1, max_length = 512)]
    pub cursor: Option<String>,
}

/// A parsed page request: its size, and the key the page starts after.
#[derive(Debug)]
pub struct PageRequest<K> {
    pub limit: u64,
    pub after: Option<K>,
}

impl PageParams {
    /// Checks both parameters, reporting every invalid one.
    pub fn parse<K: DeserializeOwned>(&self) -> Result<PageRequest<K>, ApiError> {
        let mut errors = Vec::new();
        let limit = match self.limit.as_deref() {
            None => Some(DEFAULT_LIMIT),
            Some(raw) => match raw.parse::<u64>() {
                Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => Some(limit),
                _ => {
                    errors.push(field_problem(
                        "limit",
                        implication_domain::error::Code::OutOfRange,
                        Message::new(
                            format!("must be a whole number from 1 to {MAX_LIMIT}"),
                            format!("doit être un nombre entier de 1 à {MAX_LIMIT}"),
                        ),
                    ));
                    None
                }
            },
        };
        let after = match self.cursor.as_deref() {
            None => None,
            Some(raw) => match decode_cursor(raw) {
                Some(key) => Some(key),
                None => {
                    errors.push(field_problem(
                        "cursor",
                        implication_domain::error::Code::InvalidCursor,
                        Message::new(
                            "is not a cursor this list gave out",
                            "n'est pas un curseur donné par cette liste",
                        ),
                    ));
                    None
                }
            },
        };
        match limit {
            Some(limit) if errors.is_empty() => Ok(PageRequest { limit, after }),
            _ => Err(ApiError::malformed(
                Message::new("invalid paging parameters", "paramètres de pagination invalides"),
                errors,
            )),
        }
    }
}

/// One invalid query parameter.
pub(crate) fn field_problem(
    field: &str,
    code: impl implication_domain::error::ErrorCode,
    message: Message,
) -> implication_domain::FieldError {
    implication_domain::FieldError::new(field, code, message)
}

pub fn encode_cursor<K: Serialize>(key: &K) -> Option<String> {
    serde_json::to_vec(key).ok().map(|json| URL_SAFE_NO_PAD.encode(json))
}

fn decode_cursor<K: DeserializeOwned>(raw: &str) -> Option<K> {
    if raw.len() > MAX_CURSOR_LEN {
        return None;
    }
    let json = URL_SAFE_NO_PAD.decode(raw).ok()?;
    // A key this API gave out holds no NUL (which PostgreSQL refuses in a text parameter).
    if json.windows(6).any(|w| w == b"\\u0000") {
        return None;
    }
    serde_json::from_slice(&json).ok()
}

/// A 200 with `body`, and the `Link` header to the next page when there is one.
pub fn page_response<T: Serialize>(req: &HttpRequest, next_cursor: Option<&str>, body: &T) -> HttpResponse {
    page_response_from(HttpResponse::Ok(), req, next_cursor, body)
}

/// The same, from a response the caller began (with its own headers).
pub fn page_response_from<T: Serialize>(
    mut response: actix_web::HttpResponseBuilder,
    req: &HttpRequest,
    next_cursor: Option<&str>,
    body: &T,
) -> HttpResponse {
    if let Some(cursor) = next_cursor {
        response.insert_header((header::LINK, format!("<{}>; rel=\"next\"", next_page_url(req, cursor))));
    }
    response.json(body)
}

/// The same path and query, with the cursor replaced.
fn next_page_url(req: &HttpRequest, cursor: &str) -> String {
    let mut query: Vec<&str> =
        req.query_string().split('&').filter(|pair| !pair.is_empty() && !pair.starts_with("cursor=")).collect();
    let cursor_pair = format!("cursor={cursor}");
    query.push(&cursor_pair);
    format!("{}?{}", req.path(), query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn params(limit: Option<&str>, cursor: Option<&str>) -> PageParams {
        PageParams { limit: limit.map(str::to_owned), cursor: cursor.map(str::to_owned) }
    }

    #[test]
    fn a_cursor_round_trips_its_key() {
        let key = ("Cité 5".to_owned(), 42_u32);
        let cursor = encode_cursor(&key).unwrap_or_default();
        let page = params(None, Some(&cursor)).parse::<(String, u32)>();
        assert!(page.is_ok_and(|p| p.after == Some(key) && p.limit == DEFAULT_LIMIT));
    }

    #[test]
    fn a_bad_limit_and_a_bad_cursor_are_both_reported() {
        let error = params(Some("0"), Some("%%%")).parse::<String>().err();
        let fields: Vec<String> = match error {
            Some(ApiError::Malformed { errors, .. }) => errors.into_iter().map(|e| e.field).collect(),
            _ => Vec::new(),
        };
        assert_eq!(fields, ["limit", "cursor"]);
    }

    #[test]
    fn limits_from_1_to_200_are_accepted() {
        assert!(params(Some("1"), None).parse::<String>().is_ok());
        assert!(params(Some("200"), None).parse::<String>().is_ok());
        assert!(params(Some("201"), None).parse::<String>().is_err());
        assert!(params(Some("-1"), None).parse::<String>().is_err());
    }

    #[test]
    fn the_next_link_keeps_the_filters_and_replaces_the_cursor() {
        let req = TestRequest::get().uri("/v1/municipalities?limit=2&cursor=old").to_http_request();
        assert_eq!(next_page_url(&req, "new"), "/v1/municipalities?limit=2&cursor=new");
    }
}
