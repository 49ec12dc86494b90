//! `Idempotency-Key`: a `POST` carrying one is done once. The key is stored hashed, with a hash
//! of the body; a secret of the first answer (a tracking code) is stored masked with a pad
//! derived from the key itself, so that only a client holding the key can replay it.

use crate::problem::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use implication_domain::identity::Standing;
use implication_storage::requests::IdempotencyRecord;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const HEADER: &str = "Idempotency-Key";
pub const MAX_LEN: usize = 255;

/// The optional `Idempotency-Key` header. Like `JsonBody`, it never fails in extraction: read it
/// with [`IdempotencyKey::get`] once the caller is known.
#[derive(Debug)]
pub struct IdempotencyKey(Result<Option<String>, ApiError>);

impl IdempotencyKey {
    pub fn get(self) -> Result<Option<String>, ApiError> {
        self.0
    }
}

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = match req.headers().get(HEADER) {
            None => Ok(None),
            Some(value) => {
                let bytes = value.as_bytes();
                if (1..=MAX_LEN).contains(&bytes.len()) && bytes.iter().all(|b| (0x21..=0x7e).contains(b)) {
                    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
                } else {
                    Err(ApiError::bad_parameter(HEADER, "invalid_key", "must be 1 to 255 visible ASCII characters"))
                }
            }
        };
        std::future::ready(Ok(IdempotencyKey(parsed)))
    }
}

/// Whose key it is: the same key from two callers names two different submissions.
pub fn scope(standing: &Standing) -> String {
    match standing {
        Standing::Public => "public".to_owned(),
        Standing::Inhabitant(account) | Standing::Staff(account) => format!("account:{account}"),
        Standing::Client { client, .. } => format!("client:{client}"),
    }
}

/// What to store for a submission made with `key`.
pub fn record<T: Serialize>(
    scope: String,
    key: &str,
    operation: &'static str,
    body: &T,
    secret: Option<&str>,
) -> Result<IdempotencyRecord, ApiError> {
    let body = serde_json::to_vec(body).map_err(|e| ApiError::Internal(format!("hashing a body: {e}")))?;
    Ok(IdempotencyRecord {
        scope,
        key: hex(&Sha256::digest(key.as_bytes())),
        operation,
        body_hash: hex(&Sha256::digest(&body)),
        masked_secret: secret.map(|s| hex(&xor_pad(key, s.as_bytes()))),
    })
}

/// The secret a record keeps, given the key that masked it.
pub fn unmask(key: &str, masked: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> = (0..masked.len())
        .step_by(2)
        .map(|i| masked.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect();
    String::from_utf8(xor_pad(key, &bytes?)).ok()
}

/// XOR with SHA-256 of the key (secrets are at most 32 bytes: a tracking code is 26).
fn xor_pad(key: &str, data: &[u8]) -> Vec<u8> {
    let pad = Sha256::new().chain_update(b"implication/idempotency-mask/v1\0").chain_update(key.as_bytes()).finalize();
    data.iter().zip(pad.iter().cycle()).map(|(d, p)| d ^ p).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_secret_comes_back_only_with_its_key() {
        let record =
            record("public".to_owned(), "key-1", "create_request", &"body", Some("abcdefghijklmnopqrstuvwxyz"));
        let masked = record.ok().and_then(|r| r.masked_secret).unwrap_or_default();
        assert!(!masked.contains("abcdef"));
        assert_eq!(unmask("key-1", &masked).as_deref(), Some("abcdefghijklmnopqrstuvwxyz"));
        assert_ne!(unmask("key-2", &masked).as_deref(), Some("abcdefghijklmnopqrstuvwxyz"));
    }

    #[test]
    fn the_key_is_stored_hashed_and_bodies_are_told_apart() {
        let a = record("public".to_owned(), "key-1", "create_request", &"a", None).ok();
        let b = record("public".to_owned(), "key-1", "create_request", &"b", None).ok();
        assert!(a.as_ref().is_some_and(|r| r.key != "key-1" && r.key.len() == 64));
        assert_ne!(a.map(|r| r.body_hash), b.map(|r| r.body_hash));
    }
}
