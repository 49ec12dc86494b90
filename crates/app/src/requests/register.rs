//! Registration: anyone submits, by any channel; the request gets its number and a tracking
//! code. With an `Idempotency-Key`, a retry (even a concurrent one) registers once and gets the
//! first answer again.

use crate::UseCaseError;
use crate::identity::secrets::sha256_hex;
use crate::requests::Codes;
use implication_domain::Message;
use implication_domain::Municipality;
use implication_domain::identity::Standing;
use implication_domain::requests::{NewRequest, Request, RequestDraft, Submitter, SubmitterRefusal, TrackingCode};
use implication_storage::Database;
use implication_storage::identity::clients;
use implication_storage::requests::{self as store, Created, IdempotencyRecord};
use sha2::{Digest, Sha256};

/// The operation idempotency records of registrations are kept under.
const OPERATION: &str = "create_request";

/// What registration gives back: the request, and its tracking code (shown only then).
#[derive(Debug)]
pub struct Registered {
    pub request: Request,
    pub tracking_code: TrackingCode,
}

/// A submission made with an `Idempotency-Key`: the key, and the body as received, so that the
/// same key with another body is told apart.
#[derive(Debug, Clone, Copy)]
pub struct Idempotent<'a> {
    pub key: &'a str,
    pub body: &'a [u8],
}

/// Who the caller submits as (a partner's tool: for its association). Checked before anything
/// else of the submission.
pub async fn submitter(
    db: &Database,
    standing: &Standing,
    municipality: &Municipality,
) -> Result<Submitter, UseCaseError> {
    let association = match standing {
        Standing::Client { client, .. } => {
            clients::find(db, municipality.id, client.as_uuid()).await?.map(|c| c.association)
        }
        _ => None,
    };
    Submitter::of(standing, association.as_deref()).map_err(|refusal| match refusal {
        SubmitterRefusal::MissingScope => UseCaseError::Forbidden(Message::new(
            "submitting requests needs the scope requests:write",
            "déposer des demandes demande la portée requests:write",
        )),
        SubmitterRefusal::UnknownClient => UseCaseError::UnknownClient,
    })
}

/// Registers `draft` from `submitter` (see [`submitter`]) in `municipality`.
pub async fn register(
    db: &Database,
    standing: &Standing,
    municipality: &Municipality,
    submitter: &Submitter,
    draft: &RequestDraft,
    idempotent: Option<Idempotent<'_>>,
) -> Result<Registered, UseCaseError> {
    // Its registration year is the town's, of the instant it is written.
    let now = crate::clock::now();
    let today = implication_domain::participation::meeting::local_today(now, municipality.settings.time_zone);
    let codes = Codes::cached(db, municipality).await?;
    let new = match NewRequest::parse(draft, codes.catalogue(), submitter, today) {
        // A code may have been added since the cache read them: refuse one only on fresh codes.
        Err(errors) if errors.0.iter().any(|e| e.field.starts_with("themes") || e.field == "neighbourhood") => {
            NewRequest::parse(draft, Codes::load(db, municipality).await?.catalogue(), submitter, today)?
        }
        parsed => parsed?,
    };
    let tracking_code = new_tracking_code()?;
    let record = idempotent.map(|i| record(standing, i, Some(tracking_code.expose())));
    let created = store::create(
        db,
        municipality.id,
        &new,
        &sha256_hex(tracking_code.expose()),
        record.as_ref(),
        (now, chrono::Datelike::year(&today)),
    )
    .await?;
    let registered = match created {
        Created::New(request) => Registered { request, tracking_code },
        Created::Replay { request, masked_secret } => {
            let code = masked_secret
                .zip(idempotent)
                .and_then(|(masked, i)| unmask(i.key, &masked))
                .and_then(|code| TrackingCode::parse(&code))
                .ok_or_else(|| UseCaseError::Internal("an idempotency record lost its tracking code".to_owned()))?;
            Registered { request, tracking_code: code }
        }
        Created::KeyReused => return Err(UseCaseError::KeyReused),
    };
    tracing::info!(
        request = %registered.request.id, registration = %registered.request.registration_number, "request registered"
    );
    Ok(registered)
}

/// A new tracking code: 128 bits from the operating system's generator.
fn new_tracking_code() -> Result<TrackingCode, UseCaseError> {
    let mut bytes = [0_u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| UseCaseError::Internal(format!("no randomness: {e}")))?;
    Ok(TrackingCode::from_random(bytes))
}

/// Whose key it is: the same key from two callers names two different submissions.
fn scope(standing: &Standing) -> String {
    match standing {
        Standing::Public => "public".to_owned(),
        Standing::Inhabitant(account) | Standing::Staff(account) => format!("account:{account}"),
        Standing::Client { client, .. } => format!("client:{client}"),
    }
}

/// What to store for a submission: the key hashed, a hash of the body, and the secret of the
/// first answer (the tracking code) masked with a pad derived from the key itself, so that only a
/// client holding the key can replay it (the database alone cannot give it back).
fn record(standing: &Standing, idempotent: Idempotent<'_>, secret: Option<&str>) -> IdempotencyRecord {
    IdempotencyRecord {
        scope: scope(standing),
        key: hex(&Sha256::digest(idempotent.key.as_bytes())),
        operation: OPERATION,
        body_hash: hex(&Sha256::digest(idempotent.body)),
        masked_secret: secret.map(|s| hex(&xor_pad(idempotent.key, s.as_bytes()))),
    }
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

    fn idempotent<'a>(key: &'a str, body: &'a [u8]) -> Idempotent<'a> {
        Idempotent { key, body }
    }

    #[test]
    fn a_masked_secret_comes_back_only_with_its_key() {
        let record = record(&Standing::Public, idempotent("key-1", b"body"), Some("abcdefghijklmnopqrstuvwxyz"));
        let masked = record.masked_secret.unwrap_or_default();
        assert!(!masked.is_empty() && !masked.contains("abcdef"));
        assert_eq!(unmask("key-1", &masked).as_deref(), Some("abcdefghijklmnopqrstuvwxyz"));
        assert_ne!(unmask("key-2", &masked).as_deref(), Some("abcdefghijklmnopqrstuvwxyz"));
    }

    #[test]
    fn the_key_is_stored_hashed_and_bodies_are_told_apart() {
        let a = record(&Standing::Public, idempotent("key-1", b"a"), None);
        let b = record(&Standing::Public, idempotent("key-1", b"b"), None);
        assert!(a.key != "key-1" && a.key.len() == 64);
        assert_ne!(a.body_hash, b.body_hash);
    }
}
