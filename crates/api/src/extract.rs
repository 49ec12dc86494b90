//! Request extractors shared by handlers: JSON bodies that fail as problem documents naming the
//! field, and `If-Match`.

use crate::problem::ApiError;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use implication_domain::Message;
use implication_domain::Precondition;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

/// Default largest body, when the app sets no `PayloadConfig`.
const DEFAULT_LIMIT: usize = 256 * 1024;

/// A JSON body: `415` unless `Content-Type: application/json`, `413` when too large, `400` when
/// not JSON, `422` when JSON of the wrong shape (naming the field: `settings.answer_delay_days`).
///
/// Extraction itself never fails: actix polls a handler's extractors together, so a body error
/// could otherwise answer before the caller is authenticated. The handler reads the body with
/// [`JsonBody::into_inner`] once the caller is known.
#[derive(Debug)]
pub struct JsonBody<T>(Result<T, ApiError>);

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
            });
        let limit = req.app_data::<BodyLimit>().map_or(DEFAULT_LIMIT, |l| l.0);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = body.await;
            if !is_json {
                return Ok(JsonBody(Err(ApiError::UnsupportedMediaType { expected: "application/json" })));
            }
            let parsed = bytes
                .map_err(|e| match e.as_response_error().status_code().as_u16() {
                    413 => ApiError::PayloadTooLarge { limit },
                    _ => ApiError::malformed(
                        Message::new(
                            format!("the body could not be read: {e}"),
                            format!("le corps n'a pas pu être lu : {e}"),
                        ),
                        Vec::new(),
                    ),
                })
                .and_then(|bytes| parse_json(&bytes));
            Ok(JsonBody(parsed))
        })
    }
}

/// An object, and only an object: serde's derive also reads a struct from an array (its fields
/// in order, so `"settings": [30, 15]`, or `[]` as every field absent), which the contract
/// refuses. The object's own fields go through as they would (their paths are kept).
#[derive(Debug)]
pub struct Object<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Only<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Only<T> {
            type Value = Object<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Object)
            }
        }
        deserializer.deserialize_any(Only(std::marker::PhantomData))
    }
}

/// `#[serde(default, deserialize_with = "object")]` for an `Option` of an object.
pub fn object<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    Option::<Object<T>>::deserialize(deserializer).map(|found| found.map(|Object(value)| value))
}

/// `#[serde(default, deserialize_with = "object_or_default")]` for an object that may be absent.
pub fn object_or_default<'de, D: serde::Deserializer<'de>, T: Deserialize<'de> + Default>(
    deserializer: D,
) -> Result<T, D::Error> {
    object(deserializer).map(Option::unwrap_or_default)
}

/// `#[serde(default, deserialize_with = "objects")]` for a list of objects.
pub fn objects<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
    Vec::<Object<T>>::deserialize(deserializer).map(|items| items.into_iter().map(|Object(value)| value).collect())
}

/// `#[serde(default, deserialize_with = "objects_or_none")]` for a list of objects that may be left
/// out (or `null`): `None`, unlike an empty list.
pub fn objects_or_none<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Vec<T>>, D::Error> {
    Option::<Vec<Object<T>>>::deserialize(deserializer)
        .map(|found| found.map(|items| items.into_iter().map(|Object(value)| value).collect()))
}

/// The configured body limit, for error messages.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// Syntax errors are 400; well-formed JSON that does not fit the schema is 422 naming the field,
/// and so is a string holding a NUL character (`\u0000`), which PostgreSQL's text refuses.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.windows(6).any(|w| w == br"\u0000") {
        let fields =
            serde_json::from_slice::<serde_json::Value>(bytes).map(|v| fields_with_nul(&v, "")).unwrap_or_default();
        if !fields.is_empty() {
            let errors = fields.into_iter().map(holds_nul);
            return Err(ApiError::Invalid(implication_domain::ValidationErrors(errors.collect())));
        }
    }
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    // Every body of this API is an object.
    match serde_path_to_error::deserialize::<_, Object<T>>(deserializer) {
        Ok(Object(parsed)) => Ok(parsed),
        Err(error) if error.inner().is_syntax() || error.inner().is_eof() => {
            let inner = error.into_inner();
            Err(ApiError::malformed(
                Message::new(
                    format!("the body is not valid JSON: {inner}"),
                    format!("le corps n'est pas du JSON valide : {inner}"),
                ),
                Vec::new(),
            ))
        }
        Err(error) => {
            let mut misfits = every_misfit::<T>(bytes);
            if misfits.is_empty() {
                // The bytes do not fit but their `Value` does (a key given twice): serde's own word.
                misfits.push(misfit(&error.path().to_string(), &strip_position(&error.inner().to_string())));
            }
            Err(ApiError::Invalid(implication_domain::ValidationErrors(misfits)))
        }
    }
}

/// serde stops at the first field that does not fit: to name every one, each misfit is
/// recorded, replaced by a value of the expected type (the first variant of an enumeration, an
/// empty string…), and the body read again, until it fits or a field cannot be mended.
fn every_misfit<T: DeserializeOwned>(bytes: &[u8]) -> Vec<implication_domain::FieldError> {
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(bytes) else { return Vec::new() };
    let mut errors: Vec<implication_domain::FieldError> = Vec::new();
    for _ in 0..32 {
        let Err(error) = serde_path_to_error::deserialize::<_, Object<T>>(&value) else { break };
        let path: Vec<serde_path_to_error::Segment> = error.path().iter().cloned().collect();
        let message = strip_position(&error.inner().to_string());
        let found = misfit(&error.path().to_string(), &message);
        if errors.iter().any(|e| e.field == found.field) {
            break;
        }
        let mended = missing_field(&message).is_none() && mend(&mut value, &path, &message);
        errors.push(found);
        if !mended {
            break;
        }
    }
    errors
}

/// The field error of serde's `message` at path `at` (a missing field is named by its own path).
fn misfit(at: &str, message: &str) -> implication_domain::FieldError {
    let field = match (missing_field(message), at) {
        (Some(missing), ".") => missing,
        (Some(missing), parent) => format!("{parent}.{missing}"),
        (None, _) => at.to_owned(),
    };
    implication_domain::FieldError::new(
        field,
        implication_domain::error::Code::InvalidType,
        Message::new(message.to_owned(), serde_message_in_french(message)),
    )
}

/// Replaces the value at `path` by one of the type serde expected; `false` when there is none.
fn mend(value: &mut serde_json::Value, path: &[serde_path_to_error::Segment], message: &str) -> bool {
    use serde_path_to_error::Segment;
    let mut at = value;
    for segment in path {
        at = match (segment, at) {
            (Segment::Map { key }, serde_json::Value::Object(fields)) => match fields.get_mut(key) {
                Some(next) => next,
                None => return false,
            },
            (Segment::Seq { index }, serde_json::Value::Array(items)) => match items.get_mut(*index) {
                Some(next) => next,
                None => return false,
            },
            _ => return false,
        };
    }
    let expected = message.rsplit("expected ").next().unwrap_or_default();
    *at = if let Some(first) = expected.strip_prefix("one of `").and_then(|rest| rest.split('`').next()) {
        serde_json::Value::String(first.to_owned())
    } else if let Some(first) = expected.strip_prefix('`').and_then(|rest| rest.split('`').next()) {
        serde_json::Value::String(first.to_owned())
    } else if expected.starts_with("a string") {
        serde_json::Value::String(String::new())
    } else if expected.starts_with("a boolean") {
        serde_json::Value::Bool(false)
    } else if expected.starts_with('u') || expected.starts_with('i') || expected.contains("integer") {
        serde_json::Value::from(0)
    } else if expected.starts_with("a sequence") {
        serde_json::Value::Array(Vec::new())
    } else {
        serde_json::Value::Null
    };
    true
}

/// serde's messages follow a few patterns; the values they quote stay as they are.
fn serde_message_in_french(message: &str) -> String {
    let translated = [
        ("unknown variant ", "valeur inconnue "),
        ("invalid type: ", "type invalide : "),
        ("invalid value: ", "valeur invalide : "),
        ("invalid length ", "longueur invalide "),
        ("unknown field ", "champ inconnu "),
        ("missing field ", "champ manquant "),
        ("duplicate field ", "champ en double "),
    ]
    .iter()
    .find_map(|(en, fr)| message.strip_prefix(en).map(|rest| format!("{fr}{rest}")));
    match translated {
        Some(text) => text
            .replace(", expected one of ", ", attendu l'une des valeurs ")
            .replace(", expected ", ", attendu ")
            .replace(" or ", " ou "),
        None => format!("valeur invalide ({message})"),
    }
}

/// The field error of a value holding a NUL character, wherever it was found.
pub(crate) fn holds_nul(field: impl Into<String>) -> implication_domain::FieldError {
    implication_domain::FieldError::new(
        field,
        implication_domain::error::Code::InvalidCharacters,
        Message::new("must not contain a NUL character", "ne doit pas contenir de caractère NUL"),
    )
}

/// The paths (`requester.name`, `themes[0]`) of the strings, and object keys, holding a NUL.
fn fields_with_nul(value: &serde_json::Value, at: &str) -> Vec<String> {
    let join = |key: &str| if at.is_empty() { key.to_owned() } else { format!("{at}.{key}") };
    match value {
        serde_json::Value::String(s) if s.contains('\0') => {
            vec![if at.is_empty() { ".".to_owned() } else { at.to_owned() }]
        }
        serde_json::Value::Array(items) => {
            items.iter().enumerate().flat_map(|(i, v)| fields_with_nul(v, &format!("{at}[{i}]"))).collect()
        }
        serde_json::Value::Object(fields) => fields
            .iter()
            .flat_map(|(k, v)| {
                let key = join(&k.replace('\0', "\u{fffd}"));
                if k.contains('\0') { vec![key] } else { fields_with_nul(v, &key) }
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// serde says "missing field `name` at line 1 column 2" with the parent's path: name the field.
fn missing_field(message: &str) -> Option<String> {
    message.strip_prefix("missing field `").and_then(|rest| rest.split('`').next()).map(str::to_owned)
}

fn strip_position(message: &str) -> String {
    message.split(" at line ").next().unwrap_or(message).to_owned()
}

/// The versions a required `If-Match` admits (RFC 9110 §13.1.1): `*` (any current version), or
/// one or more of our tags (`"3"`, `"3", "4"`); `428` when absent. A weak tag never matches (the
/// comparison is strong) and a tag that is not one of ours can match nothing: if nothing is
/// left, a `412`. Like [`JsonBody`], read it with [`IfMatch::precondition`] once the caller is
/// authenticated.
#[derive(Debug)]
pub struct IfMatch(Result<Precondition, ApiError>);

impl IfMatch {
    pub fn precondition(self) -> Result<Precondition, ApiError> {
        self.0
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let value = req.headers().get(header::IF_MATCH).map(|v| v.to_str().unwrap_or_default().trim().to_owned());
        std::future::ready(Ok(IfMatch(match value {
            None => Err(ApiError::PreconditionRequired),
            Some(value) => parse_if_match(&value).ok_or(ApiError::PreconditionFailed),
        })))
    }
}

fn parse_if_match(value: &str) -> Option<Precondition> {
    if value == "*" {
        return Some(Precondition::Any);
    }
    let versions = value
        .split(',')
        .filter_map(|tag| {
            // Strong comparison: the tag must be ours character for character (`"03"` is not `"3"`).
            let inner = tag.trim().strip_prefix('"')?.strip_suffix('"')?;
            inner.parse::<i32>().ok().filter(|version| version.to_string() == inner)
        })
        .collect();
    Precondition::one_of(versions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Idea,
        Need,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Submission {
        kind: Kind,
        channel: Option<Kind>,
        count: u16,
        themes: Vec<Kind>,
    }

    #[test]
    fn every_field_that_does_not_fit_is_named_not_only_the_first() {
        let body = br#"{"kind": "wish", "channel": "pigeon", "count": "three", "themes": ["idea", "dream"]}"#;
        let Err(ApiError::Invalid(errors)) = parse_json::<Submission>(body) else { panic!("refused") };
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["channel", "count", "kind", "themes[1]"]);
        assert_eq!(
            errors.0[2].message.get(implication_domain::Language::Fr),
            "valeur inconnue `wish`, attendu `idea` ou `need`"
        );
    }

    #[test]
    fn a_nul_in_any_string_of_a_body_is_refused_naming_each_field() {
        let body = br#"{"title": "a\u0000b", "themes": ["ok", "\u0000"], "note": "\\u0000 is text"}"#;
        let Err(ApiError::Invalid(errors)) = parse_json::<serde_json::Value>(body) else { panic!("refused") };
        let mut fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["themes[1]", "title"]);
        assert!(parse_json::<serde_json::Value>(br#"{"note": "\\u0000 is text"}"#).is_ok());
    }

    #[test]
    fn an_array_is_no_object_at_the_top_nor_in_a_field() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Settings {
            days: Option<u16>,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Body {
            #[serde(default, deserialize_with = "object")]
            settings: Option<Settings>,
        }
        assert!(parse_json::<Body>(br#"{"settings": {"days": 3}}"#).is_ok_and(|b| b.settings.is_some()));
        assert!(parse_json::<Body>(br#"{"settings": null}"#).is_ok_and(|b| b.settings.is_none()));
        let Err(ApiError::Invalid(errors)) = parse_json::<Body>(br#"{"settings": [3]}"#) else { panic!("refused") };
        assert_eq!(errors.0[0].field, "settings");
        let Err(ApiError::Invalid(errors)) = parse_json::<Body>(br#"{"settings": {"days": "x"}}"#) else { panic!() };
        assert_eq!(errors.0[0].field, "settings.days", "the object's own fields keep their path");
        assert!(matches!(parse_json::<Body>(b"[]"), Err(ApiError::Invalid(_))), "a body is an object");
    }

    #[test]
    fn a_key_given_twice_is_named_even_though_its_value_fits() {
        let body = br#"{"kind": "idea", "kind": "idea", "count": 1, "themes": []}"#;
        let Err(ApiError::Invalid(errors)) = parse_json::<Submission>(body) else { panic!("refused") };
        assert_eq!(errors.0.len(), 1, "{errors:?}");
        assert!(errors.0[0].message.en().contains("duplicate field"), "{errors:?}");
    }

    #[test]
    fn if_match_takes_a_star_a_tag_or_a_list_and_ignores_weak_and_foreign_tags() {
        assert_eq!(parse_if_match("*"), Some(Precondition::Any));
        assert_eq!(parse_if_match("\"3\""), Some(Precondition::at(3)));
        assert_eq!(parse_if_match("\"3\", W/\"4\", \"x\",\"5\""), Precondition::one_of(vec![3, 5]));
        assert_eq!(parse_if_match("W/\"3\""), None);
        assert_eq!(parse_if_match("3"), None);
        assert_eq!(parse_if_match("\"03\", \"+3\""), None);
    }
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Settings {
        answer_delay_days: u16,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        settings: Settings,
    }

    fn field_of(error: ApiError) -> Option<String> {
        match error {
            ApiError::Invalid(errors) => errors.0.first().map(|e| e.field.clone()),
            _ => None,
        }
    }

    #[test]
    fn a_syntax_error_is_malformed() {
        assert!(matches!(parse_json::<Body>(b"{\"name\": "), Err(ApiError::Malformed { .. })));
    }

    #[test]
    fn a_wrong_type_names_the_nested_field() {
        let error = parse_json::<Body>(br#"{"name": "x", "settings": {"answer_delay_days": "soon"}}"#).err();
        assert_eq!(error.and_then(field_of), Some("settings.answer_delay_days".to_owned()));
    }

    #[test]
    fn a_missing_nested_field_is_named_with_its_parent() {
        let error = parse_json::<Body>(br#"{"name": "x", "settings": {}}"#).err();
        assert_eq!(error.and_then(field_of), Some("settings.answer_delay_days".to_owned()));
    }

    #[test]
    fn a_missing_field_is_named() {
        let error = parse_json::<Body>(br#"{"settings": {"answer_delay_days": 3}}"#).err();
        assert_eq!(error.and_then(field_of), Some("name".to_owned()));
    }
}

/// Names: at least one visible character, no control characters (what `parse_name` accepts).
pub const NAME_PATTERN: &str =
    "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$";

/// A string schema with bounds, for the items of a list.
fn bounded_string(
    min: usize,
    max: usize,
    pattern: Option<&str>,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    let mut builder = utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .min_length(Some(min))
        .max_length(Some(max));
    if let Some(pattern) = pattern {
        builder = builder.pattern(Some(pattern));
    }
    builder.into()
}

/// A short text item of a list (a neighbourhood's name), with its bounds in the schema.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct NameItem(pub String);

impl utoipa::PartialSchema for NameItem {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        bounded_string(1, 120, Some(NAME_PATTERN))
    }
}
impl utoipa::ToSchema for NameItem {}

/// A code item of a list (a service's code), with its pattern in the schema.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(transparent)]
pub struct CodeItem(pub String);

impl utoipa::PartialSchema for CodeItem {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        bounded_string(1, 63, Some(implication_domain::Slug::PATTERN))
    }
}
impl utoipa::ToSchema for CodeItem {}

/// A scope item of a list, with the known scopes as an enumeration in the schema.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct ScopeItem(pub String);

impl utoipa::PartialSchema for ScopeItem {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(implication_domain::identity::Scope::ALL.iter().map(|s| s.code())))
            .into()
    }
}
impl utoipa::ToSchema for ScopeItem {}

/// A field that tells "absent" (keep) from `null` (clear): `None`, `Some(None)`, `Some(Some(v))`
/// (with `#[serde(default, deserialize_with = "crate::extract::present")]`).
pub fn present<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// An integer field that also takes `30.0`: JSON Schema counts it as an integer, so a client
/// generated from the contract may send it.
pub fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let number = serde_json::Number::deserialize(deserializer)?;
    number
        .as_i64()
        .or_else(|| number.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
        .ok_or_else(|| serde::de::Error::custom(format!("expected a whole number, got {number}")))
}

/// [`whole_number`], for a field that tells absent (keep) from `null` (clear), as [`present`].
pub fn present_whole_number<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<i64>>, D::Error> {
    optional_whole_number(deserializer).map(Some)
}

/// [`whole_number`], for an optional field.
pub fn optional_whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    Option::<serde_json::Number>::deserialize(deserializer)?
        .map(|n| whole_number(serde_json::Value::Number(n)).map_err(serde::de::Error::custom))
        .transpose()
}

#[cfg(test)]
mod number_tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Body {
        #[serde(deserialize_with = "whole_number")]
        n: i64,
        #[serde(default, deserialize_with = "optional_whole_number")]
        m: Option<i64>,
    }

    #[test]
    fn whole_numbers_may_be_written_with_a_zero_fraction() {
        let body: Body = serde_json::from_str(r#"{"n": 1998.0, "m": 3}"#).unwrap();
        assert_eq!((body.n, body.m), (1998, Some(3)));
        assert!(serde_json::from_str::<Body>(r#"{"n": 1.5}"#).is_err());
        assert!(serde_json::from_str::<Body>(r#"{"n": 1, "m": null}"#).is_ok_and(|b| b.m.is_none()));
    }
}
