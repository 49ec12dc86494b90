//! `Idempotency-Key`: a `POST` carrying one is done once (the registration use case keeps the
//! key hashed, with a hash of the body, and replays the first answer).

use crate::problem::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use implication_domain::Message;

pub const HEADER: &str = crate::context::IDEMPOTENCY_KEY;
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
                    Err(ApiError::bad_parameter(
                        HEADER,
                        implication_domain::error::Code::InvalidKey,
                        Message::new(
                            "must be 1 to 255 visible ASCII characters",
                            "doit compter de 1 à 255 caractères ASCII visibles",
                        ),
                    ))
                }
            }
        };
        std::future::ready(Ok(IdempotencyKey(parsed)))
    }
}
