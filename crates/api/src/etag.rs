//! Entity tags. A resource's tag is its version: every change bumps it, so a stale `If-Match` is
//! detected. Public reads carry weak tags of what their body shows (a view's version and
//! lateness, a page's digest), for revalidation with `If-None-Match`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use sha2::{Digest, Sha256};

/// The strong entity tag of a version.
pub fn from_version(version: i32) -> String {
    format!("\"{version}\"")
}

/// Whether `If-None-Match` names this tag (or `*`): the client's copy is current. The weak
/// comparison of RFC 9110 §8.8.3.2, as `If-None-Match` asks: `W/"3"` and `"3"` match.
pub fn is_fresh(req: &HttpRequest, etag: &str) -> bool {
    let opaque = |tag: &str| tag.strip_prefix("W/").unwrap_or(tag).to_owned();
    let etag = opaque(etag);
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').map(str::trim).any(|tag| tag == "*" || opaque(tag) == etag))
}

/// How long a shared cache (a CDN, a reverse proxy) or a browser may reuse a public read without
/// asking again; then it revalidates with `If-None-Match` and usually gets a 304.
pub const PUBLIC_CACHE_CONTROL: &str = "public, max-age=30";

/// The weak tag of a public view of a request: its version, and whether it is late (which turns
/// without a change to the request, when its answer delay runs out). `p` keeps it apart from the
/// staff view's `"3"` of the same address, which a weak comparison would otherwise match.
pub fn of_public_view(version: i32, late: bool) -> String {
    if late { format!("W/\"p{version}-late\"") } else { format!("W/\"p{version}\"") }
}

/// The weak tag of a page of a public list: a digest of what its body is made of (each item's id,
/// version and lateness, and the next cursor), computed before the body is built.
pub fn of_public_page(items: impl Iterator<Item = (uuid::Uuid, i32, bool)>, next_cursor: Option<&str>) -> String {
    let mut digest = Sha256::new();
    for (id, version, late) in items {
        digest.update(id.as_bytes());
        digest.update(version.to_be_bytes());
        digest.update([u8::from(late)]);
    }
    digest.update(next_cursor.unwrap_or_default().as_bytes());
    let hash = digest.finalize();
    let hex: String = hash.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

/// A public read: `304 Not Modified` when `If-None-Match` names `tag`, without building the body;
/// otherwise `respond` builds the 200. Both carry the tag. Without a token, they also carry a
/// shared-cache policy, and `Vary: Authorization` keeps a cache from serving them to a signed-in
/// caller, who may see more; with one, the policy stays `no-store` (see `observe`).
pub fn public_read(
    req: &HttpRequest,
    tag: String,
    respond: impl FnOnce(HttpResponseBuilder) -> HttpResponse,
) -> HttpResponse {
    let fresh = is_fresh(req, &tag);
    let mut builder = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    builder.insert_header((header::ETAG, tag));
    if !req.headers().contains_key(header::AUTHORIZATION) {
        builder
            .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE_CONTROL))
            .insert_header((header::VARY, "Authorization"));
    }
    if fresh { builder.finish() } else { respond(builder) }
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

    #[test]
    fn a_weak_tag_matches_its_strong_form_and_the_reverse() {
        let req = TestRequest::get().insert_header((header::IF_NONE_MATCH, "\"p7\"")).to_http_request();
        assert!(is_fresh(&req, &of_public_view(7, false)));
        assert!(!is_fresh(&req, &of_public_view(7, true)));
        let staff = TestRequest::get().insert_header((header::IF_NONE_MATCH, "\"7\"")).to_http_request();
        assert!(!is_fresh(&staff, &of_public_view(7, false)), "the staff view's tag is another body");
    }

    #[test]
    fn a_page_tag_changes_with_any_version_lateness_or_cursor() {
        let id = uuid::Uuid::nil();
        let base = of_public_page([(id, 1, false)].into_iter(), None);
        assert_eq!(base, of_public_page([(id, 1, false)].into_iter(), None));
        assert_ne!(base, of_public_page([(id, 2, false)].into_iter(), None));
        assert_ne!(base, of_public_page([(id, 1, true)].into_iter(), None));
        assert_ne!(base, of_public_page([(id, 1, false)].into_iter(), Some("abc")));
        assert_ne!(base, of_public_page(std::iter::empty(), None));
    }
}
