//! Personal data (GDPR articles 15, 17 and 20): who a person is to the records that name them,
//! how a record forgets them, and the erasure that is recorded without what it erased.
//!
//! A person is found by what identifies them: their account, and — when an admin acts on their
//! behalf, having checked who they are — the name, email or phone they give. Records are theirs
//! when a personal field equals one of these (names compared without case or extra spaces, phones
//! by their digits), or, for the documents that name people inside them (a convention's text,
//! its follow-up, a project's carriers), when one of their strings does. Erasing keeps every
//! record, its structure and its history; the personal fields become [`ERASED`] or empty, and
//! the person's name, email and phone are blotted out of the free text of those records.

use crate::error::{Code, FieldError, Message, ValidationErrors};
use crate::identity::Email;
use crate::ids::{AccountId, MunicipalityId};
use crate::vocabulary::Channel;
use chrono::{DateTime, Months, Utc};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

/// What an erased name, or an erased mention in a text, reads.
pub const ERASED: &str = "[erased]";

/// A name shorter than this is not searched for (it would match too much).
pub const MIN_NAME_LEN: usize = 3;

/// How many trailing digits two phone numbers compare on: the national number, whatever the
/// prefix ("+33 3 21 69 88 77" and "03.21.69.88.77" are one number).
const PHONE_DIGITS: usize = 9;

/// Whom an admin's search names. At least one is given.
#[derive(Clone, Default)]
pub struct PersonDraft {
    pub account_id: Option<Uuid>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl std::fmt::Debug for PersonDraft {
    // Never the data itself.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonDraft")
            .field("account_id", &self.account_id)
            .field("name", &self.name.is_some())
            .field("email", &self.email.is_some())
            .field("phone", &self.phone.is_some())
            .finish()
    }
}

/// A person, as the records that hold their data can be matched against.
#[derive(Clone, PartialEq, Eq)]
pub struct Person {
    pub account: Option<AccountId>,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    /// A name the person's own records may mention them by (an account's display name): blotted
    /// out of those records' texts, never used to find records (others may bear it).
    alias: Option<String>,
}

impl std::fmt::Debug for Person {
    // Never the data itself: a Person may reach a log through an error.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Person")
            .field("account", &self.account)
            .field("name", &self.name.is_some())
            .field("email", &self.email.is_some())
            .field("phone", &self.phone.is_some())
            .finish()
    }
}

/// Lowercase, with runs of whitespace made one space, trimmed.
fn fold(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn digits(value: &str) -> String {
    value.chars().filter(char::is_ascii_digit).collect()
}

/// The digits two phone numbers compare on (see [`PHONE_DIGITS`]).
fn phone_key(value: &str) -> Option<String> {
    let d = digits(value);
    (d.len() >= 6).then(|| d[d.len().saturating_sub(PHONE_DIGITS)..].to_owned())
}

impl PersonDraft {
    /// The person an admin's search names, each invalid field named.
    pub fn parse(&self) -> Result<Person, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if self.account_id.is_none() && self.name.is_none() && self.email.is_none() && self.phone.is_none() {
            errors.push(FieldError::new(
                "account_id",
                Code::Required,
                Message::new(
                    "name the person: their account_id, name, email or phone",
                    "désignez la personne : son account_id, son nom, son adresse ou son téléphone",
                ),
            ));
        }
        let name = self.name.as_deref().and_then(|n| {
            let parsed = errors.collect(crate::identity::municipality::parse_name("name", n, 200))?;
            if parsed.chars().count() < MIN_NAME_LEN {
                errors.push(FieldError::new(
                    "name",
                    Code::TooShort,
                    Message::new(
                        format!("must be at least {MIN_NAME_LEN} characters (a whole name)"),
                        format!("{MIN_NAME_LEN} caractères au moins (un nom entier)"),
                    ),
                ));
                return None;
            }
            Some(fold(&parsed))
        });
        let email = self.email.as_deref().and_then(|e| errors.collect(Email::parse("email", e)));
        let phone = self
            .phone
            .as_deref()
            .and_then(|p| errors.collect(crate::requests::Phone::parse("phone", p.trim())))
            .map(|p| digits(p.as_str()));
        if phone.as_ref().is_some_and(|d| d.len() < 6) {
            errors.push(FieldError::new(
                "phone",
                Code::TooShort,
                Message::new("must hold at least 6 digits", "doit compter au moins 6 chiffres"),
            ));
        }
        errors.into_result()?;
        Ok(Person {
            account: self.account_id.map(AccountId::from_uuid),
            name,
            email: email.map(|e| e.as_str().to_owned()),
            phone,
            alias: None,
        })
    }
}

impl Person {
    /// A person by their account, and by its email when they proved they hold it (so that what
    /// they submitted without signing in is theirs too; an unverified address proves nothing).
    /// Their display name is blotted out of their own records, but finds no others.
    pub fn account_holder(account: AccountId, verified_email: Option<&Email>, display_name: Option<&str>) -> Self {
        Self {
            account: Some(account),
            name: None,
            email: verified_email.map(|e| e.as_str().to_owned()),
            phone: None,
            alias: display_name.map(fold).filter(|n| n.chars().count() >= MIN_NAME_LEN),
        }
    }

    /// A request's requester, as its record names them: what erasing that one request forgets.
    pub fn requester(name: Option<&str>, email: Option<&str>, phone: Option<&str>) -> Self {
        Self {
            account: None,
            name: name.map(fold).filter(|n| n.chars().count() >= MIN_NAME_LEN),
            email: email.map(|e| e.trim().to_lowercase()),
            phone: phone.map(digits).filter(|d| d.len() >= 6),
            alias: None,
        }
    }

    /// The name searched for, folded (lowercase, single spaces).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The email searched for, lowercase.
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }

    /// The last digits a stored phone number ends with when it is this person's, for a query
    /// to narrow on before [`Person::has_phone`] decides.
    pub fn phone_suffix(&self) -> Option<String> {
        self.phone.as_deref().and_then(phone_key).map(|k| k[k.len().saturating_sub(4)..].to_owned())
    }

    pub fn is_named(&self, value: &str) -> bool {
        self.name.as_deref().is_some_and(|n| fold(value) == n)
    }

    pub fn has_email(&self, value: &str) -> bool {
        self.email.as_deref().is_some_and(|e| value.trim().eq_ignore_ascii_case(e))
    }

    /// Whether `value` is the person's phone number, however written (a text that holds it is
    /// not: see [`Person::is_mentioned_in`]).
    pub fn has_phone(&self, value: &str) -> bool {
        if !value.trim().chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '+' | '(' | ')')) {
            return false;
        }
        match (self.phone.as_deref().and_then(phone_key), phone_key(value)) {
            (Some(mine), Some(theirs)) => mine == theirs,
            _ => false,
        }
    }

    /// Whether a request submitted by `account` through `channel` is the person's own: sent with
    /// their account from the website. What staff type in with theirs (a letter, a call) is the
    /// requester's, not the agent's.
    pub fn submitted(&self, account: Option<AccountId>, channel: Channel) -> bool {
        self.account.is_some() && account == self.account && channel == Channel::Website
    }

    /// Whether a request is the person's: they submitted it, or its requester is them.
    pub fn requested(
        &self,
        submitted_by: Option<AccountId>,
        channel: Channel,
        name: Option<&str>,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> bool {
        self.submitted(submitted_by, channel)
            || name.is_some_and(|v| self.is_named(v))
            || email.is_some_and(|v| self.has_email(v))
            || phone.is_some_and(|v| self.has_phone(v))
    }

    /// Whether `value` is, or is one of, the person's name, email or phone.
    pub fn is_identified_by(&self, value: &str) -> bool {
        self.is_named(value) || self.has_email(value) || self.has_phone(value)
    }

    /// Whether the person's name, email or phone appears in `text`.
    pub fn is_mentioned_in(&self, text: &str) -> bool {
        self.redact(text) != text
    }

    /// `text` with every mention of the person's name — whole, or any part of it of three
    /// letters or more — and email (without case) and phone (by its digits, however written)
    /// replaced by [`ERASED`].
    pub fn redact(&self, text: &str) -> String {
        let mut out = self.redact_exact(text);
        for needle in [self.alias.as_deref()].into_iter().flatten() {
            out = replace_folded(&out, needle);
        }
        // Then each part of a name on its own ("Mme Erasmus"): in the person's own records, a
        // word too many blotted out is better than a surname left.
        for name in [self.name.as_deref(), self.alias.as_deref()].into_iter().flatten() {
            for part in name.split(' ').filter(|p| p.chars().count() >= MIN_NAME_LEN) {
                out = replace_folded(&out, part);
            }
        }
        out
    }

    /// `text` with the person's whole name, email and phone replaced, and nothing else: for
    /// documents that name other people too (a convention's parties), where a first name alone
    /// may be someone else's.
    pub fn redact_exact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for needle in [self.name.as_deref(), self.email.as_deref()].into_iter().flatten() {
            out = replace_folded(&out, needle);
        }
        if let Some(key) = self.phone.as_deref().and_then(phone_key) {
            out = replace_phone(&out, &key);
        }
        out
    }

    /// Rewrites a JSON document (which may name others too): a string that is the person's name,
    /// email or phone becomes [`ERASED`]; one that mentions them whole is redacted
    /// ([`Person::redact_exact`]). Whether anything changed.
    pub fn redact_json(&self, value: &mut Value) -> bool {
        match value {
            Value::String(s) => {
                let next = if self.is_identified_by(s) { ERASED.to_owned() } else { self.redact_exact(s) };
                let changed = next != *s;
                *s = next;
                changed
            }
            Value::Array(items) => items.iter_mut().fold(false, |changed, v| self.redact_json(v) | changed),
            Value::Object(map) => map.values_mut().fold(false, |changed, v| self.redact_json(v) | changed),
            _ => false,
        }
    }

    /// Whether a JSON document names or mentions the person.
    pub fn is_in_json(&self, value: &Value) -> bool {
        self.redact_json(&mut value.clone())
    }
}

/// `text` with each occurrence of `needle` (already folded: lowercase, single spaces) replaced,
/// compared character by character without case, a space standing for any run of whitespace; a
/// name is matched only as whole words.
fn replace_folded(text: &str, needle: &str) -> String {
    let needle: Vec<char> = needle.chars().collect();
    let chars: Vec<char> = text.chars().collect();
    let lower_eq = |a: char, b: char| a == b || a.to_lowercase().eq(b.to_lowercase());
    // Where a match starting at `i` ends, if one does.
    let match_at = |i: usize| -> Option<usize> {
        let mut at = i;
        for n in &needle {
            if *n == ' ' {
                let start = at;
                while at < chars.len() && chars[at].is_whitespace() {
                    at += 1;
                }
                if at == start {
                    return None;
                }
            } else if at < chars.len() && lower_eq(chars[at], *n) {
                at += 1;
            } else {
                return None;
            }
        }
        Some(at)
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let bounded = i == 0 || !chars[i - 1].is_alphanumeric();
        let end = if bounded && !needle.is_empty() { match_at(i) } else { None };
        match end {
            Some(end) if end == chars.len() || !chars[end].is_alphanumeric() => {
                out.push_str(ERASED);
                i = end;
            }
            _ => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// Separators a phone number is written with (non-breaking spaces included, as French text
/// has them).
fn is_phone_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '\u{a0}' | '\u{202f}')
}

/// `text` with each phone number whose digits end as `key` does replaced: within each run of
/// digits and separators, the longest span of whole digit groups that is the number (so that a
/// run holding two numbers, or a number and a floor, is cut where it should be).
fn replace_phone(text: &str, key: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts = (chars[i].is_ascii_digit()
            || (chars[i] == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
            && (i == 0 || !chars[i - 1].is_alphanumeric());
        if !starts {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The digit groups of the run starting here: (start, end) of each.
        let mut groups = Vec::new();
        let mut at = if chars[i] == '+' { i + 1 } else { i };
        loop {
            let start = at;
            while at < chars.len() && chars[at].is_ascii_digit() {
                at += 1;
            }
            groups.push((start, at));
            let mut next = at;
            while next < chars.len() && is_phone_separator(chars[next]) {
                next += 1;
            }
            if next > at && next < chars.len() && chars[next].is_ascii_digit() {
                at = next;
            } else {
                break;
            }
        }
        // The longest span from the first group that is the number.
        let digits_of =
            |from: usize, to: usize| -> String { chars[from..to].iter().filter(|c| c.is_ascii_digit()).collect() };
        let found = (0..groups.len()).rev().find(|&last| {
            let digits = digits_of(i, groups[last].1);
            // A phone number has at most 15 digits (E.164): a longer span holds two.
            digits.len() <= 15 && phone_key(&digits).is_some_and(|k| k == key)
        });
        match found {
            Some(last) => {
                out.push_str(ERASED);
                i = groups[last].1;
            }
            None => {
                // Not from here: copy the first group and look again after it.
                let end = groups[0].1.max(i + 1);
                out.extend(&chars[i..end]);
                i = end;
            }
        }
    }
    out
}

/// `text` cut to `max` characters: a blotted-out text may grow (`[erased]` is longer than a first
/// name) past what its field holds.
pub fn fit(text: String, max: usize) -> String {
    if text.chars().count() <= max { text } else { text.chars().take(max).collect() }
}

/// An erasure is final: the person confirms it (`"confirm": true`), so that no stray call erases.
pub fn confirmed(confirm: Option<bool>) -> Result<(), ValidationErrors> {
    if confirm == Some(true) {
        return Ok(());
    }
    Err(FieldError::new(
        "confirm",
        Code::Required,
        Message::new(
            "an erasure is final: confirm it with \"confirm\": true",
            "un effacement est définitif : confirmez-le avec \"confirm\": true",
        ),
    )
    .into())
}

/// Whether an account may erase itself: not while it administers a municipality or the
/// platform — a town would lose an admin by a click; another admin demotes it first.
pub fn may_erase_itself(platform_admin: bool, memberships: &[crate::identity::Membership]) -> bool {
    !platform_admin && !memberships.iter().any(|m| m.active && m.role == crate::vocabulary::Role::Admin)
}

/// Who asked for an erasure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requester {
    /// The person, with their account.
    Themselves,
    /// A requester, with the tracking code of what they submitted.
    TrackingCode,
    /// An admin of the municipality, on the person's behalf.
    Admin,
    /// The retention setting: requesters of requests closed long ago.
    Retention,
}

impl Requester {
    pub const ALL: [Requester; 4] = [Self::Themselves, Self::TrackingCode, Self::Admin, Self::Retention];

    pub fn code(self) -> &'static str {
        match self {
            Self::Themselves => "themselves",
            Self::TrackingCode => "tracking_code",
            Self::Admin => "admin",
            Self::Retention => "retention",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// An erasure, as it is recorded: who asked, when, and how many records of each kind forgot the
/// person — never who the person was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erasure {
    pub id: Uuid,
    /// `None` for the account itself (it belongs to no municipality).
    pub municipality: Option<MunicipalityId>,
    pub requested_by: Requester,
    /// The admin who acted, when one did.
    pub actor: Option<AccountId>,
    /// How many records of each kind were anonymised (`requests`, `ballots`, …).
    pub erased: BTreeMap<String, u32>,
    pub at: DateTime<Utc>,
}

impl Erasure {
    pub fn new(
        municipality: Option<MunicipalityId>,
        requested_by: Requester,
        actor: Option<AccountId>,
        at: DateTime<Utc>,
    ) -> Self {
        Self { id: Uuid::now_v7(), municipality, requested_by, actor, erased: BTreeMap::new(), at }
    }

    /// Counts `n` more records of `kind` (kinds with none are not listed).
    pub fn add(&mut self, kind: &str, n: usize) {
        if n > 0 {
            *self.erased.entry(kind.to_owned()).or_default() += u32::try_from(n).unwrap_or(u32::MAX);
        }
    }

    pub fn total(&self) -> u32 {
        self.erased.values().sum()
    }
}

/// The instant before which a request closed is past the retention of `years` years.
pub fn retention_cutoff(now: DateTime<Utc>, years: u16) -> DateTime<Utc> {
    now.checked_sub_months(Months::new(u32::from(years) * 12)).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn zoe() -> Person {
        PersonDraft {
            name: Some("  Zoé   Erasmus ".into()),
            email: Some("Zoe.Erasmus@Example.org".into()),
            phone: Some("+33 6 11 22 33 44".into()),
            ..Default::default()
        }
        .parse()
        .unwrap()
    }

    #[test]
    fn a_search_names_someone_and_each_invalid_field() {
        let err = PersonDraft::default().parse().unwrap_err();
        assert_eq!(err.0[0].field, "account_id");
        let err = PersonDraft {
            name: Some("Zo".into()),
            email: Some("nope".into()),
            phone: Some("12".into()),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "email", "phone"]);
    }

    #[test]
    fn names_emails_and_phones_match_however_written() {
        let p = zoe();
        assert!(p.is_named("zoé erasmus"));
        assert!(p.is_named("ZOÉ\tErasmus"));
        assert!(!p.is_named("Zoé Erasmus-Durand"));
        assert!(p.has_email(" zoe.erasmus@example.org"));
        assert!(p.has_phone("06.11.22.33.44"));
        assert!(p.has_phone("0611223344"));
        assert!(!p.has_phone("06 11 22 33 45"));
        assert!(!Person::requester(None, None, Some("12345")).has_phone("12345"), "too short to compare");
    }

    #[test]
    fn redacting_blots_out_every_mention_and_nothing_else() {
        let p = zoe();
        let text = "Signé ZOÉ  ERASMUS (zoe.erasmus@example.org, tél. 06 11 22 33 44), voisine de Zoé Erasmusson, 12 rue Bayard.";
        assert_eq!(
            p.redact(text),
            "Signé [erased] ([erased], tél. [erased]), voisine de [erased] Erasmusson, 12 rue Bayard."
        );
        assert!(p.is_mentioned_in(text));
        assert_eq!(p.redact("Mme ERASMUS a appelé"), "Mme [erased] a appelé");
        assert!(!p.is_mentioned_in("rien ici, 2026 et 03 21 69 88 77"));
        assert_eq!(p.redact("+33611223344."), "[erased].");
        assert_eq!(p.redact("06 11 22 33 44 - 2e étage"), "[erased] - 2e étage");
        assert_eq!(p.redact("0611223344 0655667788"), "[erased] 0655667788");
        assert_eq!(p.redact("0655667788 0611223344"), "0655667788 [erased]");
        assert_eq!(p.redact("tél. 06\u{a0}11\u{a0}22\u{a0}33\u{a0}44"), "tél. [erased]");
        assert_eq!(p.redact_exact("Zoé Martin et Zoé Erasmus"), "Zoé Martin et [erased]");
        assert_eq!(fit("abcdé".into(), 4), "abcd");
    }

    #[test]
    fn a_json_document_forgets_the_person_and_keeps_its_shape() {
        let p = zoe();
        let mut doc = json!({
            "parties": [{ "name": "Zoé Erasmus", "kind": "individual", "commitments": [{ "what": "arroser" }] },
                        { "name": "Commune", "representative": { "name": "zoé erasmus", "capacity": "Maire" } }],
            "note": "appeler Zoé Erasmus au 06 11 22 33 44", "amount": 12
        });
        assert!(p.is_in_json(&doc));
        assert!(p.redact_json(&mut doc));
        assert_eq!(
            doc,
            json!({
                "parties": [{ "name": "[erased]", "kind": "individual", "commitments": [{ "what": "arroser" }] },
                            { "name": "Commune", "representative": { "name": "[erased]", "capacity": "Maire" } }],
                "note": "appeler [erased] au [erased]", "amount": 12
            })
        );
        assert!(!p.redact_json(&mut doc), "a second pass changes nothing");
    }

    #[test]
    fn a_requester_without_usable_data_matches_nothing() {
        let p = Person::requester(Some("Al"), None, None);
        assert_eq!(p.redact("Al est venu"), "Al est venu");
        assert!(!p.is_named("Al"));
    }

    #[test]
    fn an_account_owns_what_it_sent_from_the_website_not_what_its_holder_typed_in() {
        let me = AccountId::new();
        let p = Person::account_holder(me, None, Some("Zoé"));
        assert_eq!(p.redact("Moi, Zoé, et Zoé Erasmus"), "Moi, [erased], et [erased] Erasmus");
        assert_eq!(p.redact("Zoé-Anne"), "[erased]-Anne");
        assert!(!p.is_named("Zoé"), "a display name finds no one else's records");
        assert!(p.requested(Some(me), Channel::Website, None, None, None));
        assert!(!p.requested(Some(me), Channel::Letter, Some("Jean Dupont"), None, None));
        assert!(!p.requested(Some(AccountId::new()), Channel::Website, None, None, None));
        assert!(zoe().requested(None, Channel::Letter, Some("zoé erasmus"), None, None));
    }

    #[test]
    fn the_debug_form_shows_no_personal_data() {
        let shown = format!("{:?}", zoe());
        assert!(!shown.contains("rasmus") && !shown.contains("example") && !shown.contains("11"));
    }

    #[test]
    fn an_erasure_is_confirmed_or_refused() {
        assert!(confirmed(Some(true)).is_ok());
        for unconfirmed in [None, Some(false)] {
            assert_eq!(confirmed(unconfirmed).unwrap_err().0[0].field, "confirm");
        }
    }

    #[test]
    fn an_admin_is_demoted_before_erasing_their_account() {
        use crate::identity::Membership;
        use crate::vocabulary::Role;
        let town = crate::Slug::parse("loos-en-gohelle").unwrap();
        let member = |role, active| Membership { municipality: town.clone(), role, active };
        assert!(may_erase_itself(false, &[member(Role::Agent, true), member(Role::Admin, false)]));
        assert!(!may_erase_itself(false, &[member(Role::Admin, true)]));
        assert!(!may_erase_itself(true, &[]));
    }

    #[test]
    fn retention_counts_whole_years_back() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap();
        assert_eq!(retention_cutoff(now, 5), Utc.with_ymd_and_hms(2021, 12, 7, 10, 0, 0).unwrap());
        assert_eq!(retention_cutoff(now, 0), now);
    }

    #[test]
    fn an_erasure_counts_only_what_it_erased() {
        let mut e = Erasure::new(None, Requester::Admin, None, Utc::now());
        e.add("requests", 2);
        e.add("ballots", 0);
        e.add("requests", 1);
        assert_eq!(e.erased.into_iter().collect::<Vec<_>>(), [("requests".to_owned(), 3)]);
        for r in Requester::ALL {
            assert_eq!(Requester::from_code(r.code()), Some(r));
        }
    }
}
