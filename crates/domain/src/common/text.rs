//! Free texts: trimmed, bounded, without control characters, and never printed in debug output
//! (they may carry personal data).

use crate::error::FieldError;
use crate::error::Message;
use crate::identity::municipality::parse_name;

/// Trims, then requires 1..=max characters; line breaks and tabs are allowed, other control
/// characters are not (long texts: descriptions, reasons, answers, notes).
pub fn parse_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(
            field,
            crate::error::Code::Required,
            Message::new("must not be empty", "ne doit pas être vide"),
        ));
    }
    if trimmed.chars().count() > max {
        return Err(FieldError::new(
            field,
            crate::error::Code::TooLong,
            Message::new(format!("must be at most {max} characters"), format!("{max} caractères au plus")),
        ));
    }
    if trimmed.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(FieldError::new(
            field,
            crate::error::Code::InvalidCharacters,
            Message::new("must not contain control characters", "ne doit pas contenir de caractères de contrôle"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Schema pattern of [`parse_text`]: a visible character, no control characters but line breaks
/// and tabs.
pub const TEXT_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

macro_rules! text_type {
    ($(#[$meta:meta])* $name:ident, $max:expr, $parse:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub const MAX_LEN: usize = $max;

            pub fn parse(field: &str, value: &str) -> Result<Self, $crate::error::FieldError> {
                $parse(field, value, Self::MAX_LEN).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                // Free texts may carry personal data: never in debug output (nor logs).
                write!(f, concat!(stringify!($name), "({} chars)"), self.0.chars().count())
            }
        }
    };
}

pub(crate) use text_type;

text_type!(
    /// A person's or an organisation's name: 1 to 200 characters.
    PersonName, 200, parse_name
);
text_type!(
    /// A postal address or a place ("12 rue de la République", "chemin des Mineurs").
    Address, 300, parse_text
);
