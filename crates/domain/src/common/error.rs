//! Validation errors that name every invalid field at once, and the messages that explain them,
//! in each language the API speaks.

use crate::vocabulary::Language;
use std::borrow::Cow;
use std::fmt;

/// A sentence for people, in French (the default) and in English: what `Accept-Language` picks.
/// Written where the rule is, so that no message exists in one language only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    en: Cow<'static, str>,
    fr: Cow<'static, str>,
}

impl Message {
    pub fn new(en: impl Into<Cow<'static, str>>, fr: impl Into<Cow<'static, str>>) -> Self {
        Self { en: en.into(), fr: fr.into() }
    }

    /// The message in `language`.
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::Fr => &self.fr,
            Language::En => &self.en,
        }
    }

    /// The English message, for logs and command-line output.
    pub fn en(&self) -> &str {
        &self.en
    }
}

/// Logs and the command line speak English.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// One invalid field: its path in the input (`settings.answer_delay_days`), a stable
/// snake_case code clients can switch on, and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: Message,
}

impl FieldError {
    /// `code` comes from one of the contexts' enumerations ([`Code`], `identity::Code`,
    /// `requests::Code`): the contract lists them all, so clients can switch on them.
    pub fn new(field: impl Into<String>, code: impl ErrorCode, message: Message) -> Self {
        Self { field: field.into(), code: code.code(), message }
    }
}

/// A stable snake_case code of an invalid field. Implemented only by the enumerations that
/// [`error_codes!`](crate::error_codes) declares, so that no code exists outside them.
pub trait ErrorCode: Copy + sealed::Sealed {
    fn code(self) -> &'static str;
}

#[doc(hidden)]
pub mod sealed {
    pub trait Sealed {}
}

/// Declares a context's enumeration of field error codes: each variant with its code, and `ALL`.
#[macro_export]
macro_rules! error_codes {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
        }

        impl $crate::error::sealed::Sealed for $name {}

        impl $crate::error::ErrorCode for $name {
            fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }
        }
    };
}

error_codes!(
    /// Field error codes every context uses.
    Code {
        Required = "required",
        Empty = "empty",
        Missing = "missing",
        Invalid = "invalid",
        InvalidType = "invalid_type",
        InvalidCharacters = "invalid_characters",
        TooLong = "too_long",
        TooShort = "too_short",
        TooMany = "too_many",
        OutOfRange = "out_of_range",
        InvalidSlug = "invalid_slug",
        InvalidCode = "invalid_code",
        UnknownValue = "unknown_value",
        UnknownSort = "unknown_sort",
        NotABoolean = "not_a_boolean",
        NotADate = "not_a_date",
        InvalidCursor = "invalid_cursor",
        InvalidKey = "invalid_key",
        KeyReused = "key_reused",
        Taken = "taken",
    }
);

/// Every problem found in one input. Never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<&str> = self.0.iter().map(|e| e.field.as_str()).collect();
        write!(f, "invalid fields: {}", fields.join(", "))
    }
}

impl From<FieldError> for ValidationErrors {
    fn from(error: FieldError) -> Self {
        Self(vec![error])
    }
}

impl ValidationErrors {
    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keeps the value when it parsed, records the error otherwise; lets a constructor check
    /// every field before giving up.
    pub fn collect<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error);
                None
            }
        }
    }

    /// `Ok(())` when nothing was recorded.
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}
