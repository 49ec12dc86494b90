//! What every part of the handling of a request may need to know of it: its id and language.
//! A leaf module: the middleware (`observe`) sets it, error responses (`problem`) read it.

use actix_web::http::header::{self, HeaderMap, HeaderName};
use implication_domain::Language;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The header that makes a `POST` safe to retry (see `idempotency`).
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// What an error response needs to know of the request it answers.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub path: String,
    pub language: Language,
}

tokio::task_local! {
    // Set for the whole handling of a request, so that `ApiError::error_response` (which is given
    // no request) can still put the request id and path in the problem document.
    pub(crate) static CONTEXT: RequestContext;
}

/// The context of the request being handled, if any.
pub fn current_context() -> Option<RequestContext> {
    CONTEXT.try_with(Clone::clone).ok()
}

/// The caller's `X-Request-Id` when it is a sane token (so that it can be logged safely),
/// otherwise a new UUIDv7.
pub fn request_id(headers: &HeaderMap) -> String {
    headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=128).contains(&v.len())
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
        })
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned)
}

/// The preferred supported language of `Accept-Language` (French when none is supported).
pub fn language(headers: &HeaderMap) -> Language {
    let Some(value) = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
        return Language::default();
    };
    let mut best: Option<(f32, Language)> = None;
    for item in value.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let quality =
            parts.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
        if let Some(language) = Language::from_tag(tag)
            && quality > 0.0
            && best.is_none_or(|(q, _)| quality > q)
        {
            best = Some((quality, language));
        }
    }
    best.map_or(Language::default(), |(_, language)| language)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn headers(name: HeaderName, value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            map.insert(name, value);
        }
        map
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(language(&HeaderMap::new()), Language::Fr);
        assert_eq!(language(&headers(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9")), Language::En);
        assert_eq!(language(&headers(header::ACCEPT_LANGUAGE, "de, fr;q=0.5, en;q=0.8")), Language::En);
        assert_eq!(language(&headers(header::ACCEPT_LANGUAGE, "de")), Language::Fr);
        assert_eq!(language(&headers(header::ACCEPT_LANGUAGE, "en;q=0, fr;q=0.1")), Language::Fr);
    }

    #[test]
    fn a_request_id_is_kept_only_when_it_is_safe_to_log() {
        assert_eq!(request_id(&headers(REQUEST_ID, "abc-123")), "abc-123");
        assert_ne!(request_id(&headers(REQUEST_ID, "abc 123\"")), "abc 123\"");
        assert_eq!(request_id(&HeaderMap::new()).len(), 36);
    }
}
