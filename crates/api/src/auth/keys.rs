//! JWT signing keys (Ed25519, algorithm EdDSA), their `kid`s, and the JWKS document.
//!
//! The active key signs; every known key verifies, so a key can be rotated without logging
//! anyone out: configure the new one as `JWT_SIGNING_KEY_FILE` and list the old one in
//! `JWT_PREVIOUS_KEY_FILES` until its tokens have expired. With no key configured (the embedded
//! default), a key is generated on first start and kept in the database.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::SigningKey;
use implication_storage::{Database, identity::keys};
use jsonwebtoken::{DecodingKey, EncodingKey};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use utoipa::ToSchema;

/// DER prefixes of an Ed25519 key: PKCS#8 private key (then the 32-byte seed) and
/// SubjectPublicKeyInfo (then the 32-byte public key).
const PKCS8_PREFIX: [u8; 16] =
    [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
const SPKI_PREFIX: [u8; 12] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/// Where the keys come from, as configured.
#[derive(Debug, Clone, Default)]
pub struct KeySources {
    /// The active private key, PEM (from `JWT_SIGNING_KEY_FILE` or `JWT_SIGNING_KEY`).
    pub signing_pem: Option<String>,
    /// Earlier keys still accepted, PEM private or public keys (`JWT_PREVIOUS_KEY_FILES`).
    pub previous_pems: Vec<String>,
}

pub struct KeySet {
    signing_kid: String,
    signing: EncodingKey,
    verifying: HashMap<String, DecodingKey>,
    jwks: Jwks,
}

impl std::fmt::Debug for KeySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeySet").field("signing_kid", &self.signing_kid).finish_non_exhaustive()
    }
}

/// The public keys, as `/.well-known/jwks.json` publishes them (RFC 7517, RFC 8037).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({ "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
    "kid": "kL3x9Tq0Vb1eQ2wZ", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" }))]
pub struct Jwk {
    #[schema(example = "OKP")]
    pub kty: &'static str,
    #[schema(example = "Ed25519")]
    pub crv: &'static str,
    #[schema(example = "EdDSA")]
    pub alg: &'static str,
    #[serde(rename = "use")]
    #[schema(example = "sig")]
    pub use_: &'static str,
    pub kid: String,
    /// The public key, base64url.
    pub x: String,
}

/// A key that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(String);

impl KeySet {
    /// Builds the key set from configuration, or from (and into) the database by default.
    pub async fn load(sources: &KeySources, db: &Database) -> anyhow::Result<Self> {
        let mut seeds: Vec<[u8; 32]> = Vec::new();
        let mut extra_public: Vec<[u8; 32]> = Vec::new();
        match &sources.signing_pem {
            Some(pem) => seeds.push(private_seed(pem)?),
            None => {
                let stored = keys::all(db).await?;
                if stored.is_empty() {
                    let seed = random_seed()?;
                    let kid = kid_of(&SigningKey::from_bytes(&seed).verifying_key().to_bytes());
                    keys::insert(db, &kid, &private_pem(&seed)).await?;
                    tracing::info!(kid = %kid, "generated a JWT signing key and kept it in the database");
                    seeds.push(seed);
                } else {
                    for (_, pem) in stored {
                        seeds.push(private_seed(&pem)?);
                    }
                }
            }
        }
        for pem in &sources.previous_pems {
            match private_seed(pem) {
                Ok(seed) => extra_public.push(SigningKey::from_bytes(&seed).verifying_key().to_bytes()),
                Err(_) => extra_public.push(public_key(pem)?),
            }
        }
        Self::from_seeds(&seeds, &extra_public)
    }

    /// The first seed signs; all of them, and the extra public keys, verify.
    fn from_seeds(seeds: &[[u8; 32]], extra_public: &[[u8; 32]]) -> anyhow::Result<Self> {
        let first = seeds.first().ok_or_else(|| KeyError("no signing key".to_owned()))?;
        let signing = EncodingKey::from_ed_der(&[PKCS8_PREFIX.as_slice(), first.as_slice()].concat());
        let signing_kid = kid_of(&SigningKey::from_bytes(first).verifying_key().to_bytes());
        let publics: Vec<[u8; 32]> = seeds
            .iter()
            .map(|s| SigningKey::from_bytes(s).verifying_key().to_bytes())
            .chain(extra_public.iter().copied())
            .collect();
        let mut verifying = HashMap::new();
        let mut jwks = Vec::new();
        for public in publics {
            let kid = kid_of(&public);
            if verifying.contains_key(&kid) {
                continue;
            }
            verifying.insert(kid.clone(), DecodingKey::from_ed_der(&public));
            jwks.push(Jwk {
                kty: "OKP",
                crv: "Ed25519",
                alg: "EdDSA",
                use_: "sig",
                kid,
                x: URL_SAFE_NO_PAD.encode(public),
            });
        }
        Ok(Self { signing_kid, signing, verifying, jwks: Jwks { keys: jwks } })
    }

    pub fn signing(&self) -> (&str, &EncodingKey) {
        (&self.signing_kid, &self.signing)
    }

    pub fn verifying(&self, kid: &str) -> Option<&DecodingKey> {
        self.verifying.get(kid)
    }

    pub fn jwks(&self) -> &Jwks {
        &self.jwks
    }
}

/// A key id derived from the public key: stable, and the same on every instance.
fn kid_of(public: &[u8; 32]) -> String {
    let digest = Sha256::digest(public);
    URL_SAFE_NO_PAD.encode(digest)[..16].to_owned()
}

fn random_seed() -> Result<[u8; 32], KeyError> {
    let mut seed = [0_u8; 32];
    getrandom::getrandom(&mut seed).map_err(|e| KeyError(format!("no randomness for a key: {e}")))?;
    Ok(seed)
}

/// The PKCS#8 PEM of an Ed25519 seed (what `openssl genpkey -algorithm ed25519` writes).
pub fn private_pem(seed: &[u8; 32]) -> String {
    let der = [PKCS8_PREFIX.as_slice(), seed.as_slice()].concat();
    format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", STANDARD.encode(der))
}

fn pem_body(pem: &str, label: &str) -> Result<Vec<u8>, KeyError> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem.find(&begin).ok_or_else(|| KeyError(format!("not a PEM {label}")))? + begin.len();
    let stop = pem[start..].find(&end).ok_or_else(|| KeyError(format!("unterminated PEM {label}")))? + start;
    let base64: String = pem[start..stop].chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD.decode(base64).map_err(|_| KeyError(format!("the PEM {label} is not base64")))
}

fn private_seed(pem: &str) -> Result<[u8; 32], KeyError> {
    let der = pem_body(pem, "PRIVATE KEY")?;
    der.strip_prefix(PKCS8_PREFIX.as_slice())
        .and_then(|seed| <[u8; 32]>::try_from(seed).ok())
        .ok_or_else(|| KeyError("the private key is not an Ed25519 PKCS#8 key".to_owned()))
}

fn public_key(pem: &str) -> Result<[u8; 32], KeyError> {
    let der = pem_body(pem, "PUBLIC KEY")?;
    der.strip_prefix(SPKI_PREFIX.as_slice())
        .and_then(|key| <[u8; 32]>::try_from(key).ok())
        .ok_or_else(|| KeyError("the public key is not an Ed25519 key".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_round_trips_through_its_pem() {
        let seed = random_seed().unwrap();
        assert_eq!(private_seed(&private_pem(&seed)).unwrap(), seed);
    }

    #[test]
    fn the_signing_key_and_previous_keys_are_all_published() {
        let (new, old) = (random_seed().unwrap(), random_seed().unwrap());
        let old_public = SigningKey::from_bytes(&old).verifying_key().to_bytes();
        let set = KeySet::from_seeds(&[new], &[old_public]).unwrap();
        assert_eq!(set.jwks().keys.len(), 2);
        assert_eq!(set.jwks().keys[0].kid, set.signing().0);
        assert!(set.verifying(&kid_of(&old_public)).is_some());
    }

    #[test]
    fn a_public_key_pem_is_read() {
        let seed = random_seed().unwrap();
        let public = SigningKey::from_bytes(&seed).verifying_key().to_bytes();
        let der = [SPKI_PREFIX.as_slice(), public.as_slice()].concat();
        let pem = format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", STANDARD.encode(der));
        assert_eq!(public_key(&pem).unwrap(), public);
        assert!(private_seed(&pem).is_err());
    }
}
