//! Tracking codes: how a requester without an account follows their request.

use std::fmt;

/// A tracking code: 128 random bits, written as 26 lowercase base32 characters. Only its hash is
/// stored.
#[derive(Clone, PartialEq, Eq)]
pub struct TrackingCode(String);

impl TrackingCode {
    pub const LEN: usize = 26;
    /// The same rule as [`TrackingCode::parse`], for schemas.
    pub const PATTERN: &'static str = "^[a-z2-7]{26}$";

    /// The code of 16 random bytes.
    pub fn from_random(bytes: [u8; 16]) -> Self {
        const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
        let mut code = String::with_capacity(Self::LEN);
        let (mut buffer, mut bits) = (0u32, 0u32);
        for byte in bytes {
            buffer = (buffer << 8) | u32::from(byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                code.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
            }
        }
        if bits > 0 {
            code.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
        }
        Self(code)
    }

    pub fn parse(value: &str) -> Option<Self> {
        (value.len() == Self::LEN && value.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b)))
            .then(|| Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TrackingCode(…)")
    }
}
