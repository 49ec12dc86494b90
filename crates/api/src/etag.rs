//! Entity tags from a resource's version: every change bumps the version, so a stale `If-Match`
//! is detected and a client can revalidate with `If-None-Match`.

use actix_web::HttpRequest;
use actix_web::http::header;

/// The strong entity tag of a version.
pub fn from_version(version: i32) -> String {
    format!("\"{version}\"")
}

/// Whether `If-None-Match` names this tag (or `*`): the client's copy is current.
pub fn is_fresh(req: &HttpRequest, etag: &str) -> bool {
    req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(',').map(str::trim).any(|tag| tag == "*" || tag == etag || tag.strip_prefix("W/") == Some(etag))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn if_none_match_recognises_the_current_tag_in_a_list() {
        let req = TestRequest::get().insert_header((header::IF_NONE_MATCH, "\"1\", W/\"3\"")).to_http_request();
        assert!(is_fresh(&req, &from_version(3)));
        assert!(!is_fresh(&req, &from_version(2)));
    }
}
