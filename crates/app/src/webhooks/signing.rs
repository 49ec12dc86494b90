//! Standard Webhooks signatures: `webhook-signature` is `v1,` and the base64 of
//! HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}"), the key being the base64 after
//! `whsec_`; during a rotation's overlap, one signature per secret, separated by spaces.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use implication_domain::webhooks::Secret;
use sha2::Sha256;

/// A new secret: 24 random bytes (192 bits), as Standard Webhooks writes them.
pub fn new_secret() -> Result<Secret, String> {
    let mut key = [0_u8; 24];
    getrandom::getrandom(&mut key).map_err(|e| e.to_string())?;
    Ok(Secret::new(format!("{}{}", Secret::PREFIX, STANDARD.encode(key))))
}

/// The `webhook-signature` header of `body` sent as `id` at `timestamp` (Unix seconds).
pub fn signature(secrets: &[&Secret], id: &str, timestamp: i64, body: &str) -> String {
    secrets.iter().filter_map(|secret| sign(secret, id, timestamp, body)).collect::<Vec<_>>().join(" ")
}

fn sign(secret: &Secret, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD.decode(secret.expose().strip_prefix(Secret::PREFIX)?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_as_the_standard_webhooks_reference_does() {
        // The specification's own example (standard-webhooks, spec/standard-webhooks.md).
        let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned());
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            signature(&[&secret], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_rotation_signs_with_both_secrets() {
        let (a, b) = (new_secret().unwrap_or_else(|e| panic!("{e}")), new_secret().unwrap_or_else(|e| panic!("{e}")));
        let both = signature(&[&a, &b], "evt_1", 1, "{}");
        assert_eq!(both.split(' ').count(), 2);
        assert!(both.split(' ').all(|s| s.starts_with("v1,")));
        assert!(a.expose().starts_with("whsec_"));
    }
}
