//! The town's directory of organisations (§5.5.1, the association directory): the associations,
//! farms, informal groups, schools and businesses that are party to its conventions, reused from
//! one convention to the next — each with its usual representative — and listed publicly only
//! when they agreed (`public`).

use super::convention::{PartyName, Representative, RepresentativeDraft};
use super::{Code, missing};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::ids::{MunicipalityId, OrganisationId};
use crate::vocabulary::PartyKind;
use chrono::{DateTime, Utc};

/// An organisation of the directory, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrganisationId,
    pub municipality: MunicipalityId,
    pub name: String,
    pub kind: PartyKind,
    /// Who usually represents it (staff only).
    pub representative: Option<Representative>,
    /// It agreed to be listed in the public directory.
    pub public: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An organisation as received (creation, or the fields a change gives).
#[derive(Debug, Clone, Default)]
pub struct OrganisationDraft {
    pub name: Option<String>,
    pub kind: Option<PartyKind>,
    pub representative: Option<RepresentativeDraft>,
    pub public: Option<bool>,
}

fn representative(draft: &RepresentativeDraft, errors: &mut ValidationErrors) -> Option<Representative> {
    let name = match draft.name.as_deref() {
        Some(n) => errors.collect(PartyName::parse("representative.name", n)),
        None => {
            errors.push(missing("representative.name", "name the representative", "nommez le représentant"));
            None
        }
    };
    let capacity = match draft.capacity.as_deref() {
        Some(c) => errors.collect(PartyName::parse("representative.capacity", c)),
        None => {
            errors.push(missing("representative.capacity", "say in which capacity", "dites en quelle qualité"));
            None
        }
    };
    Some(Representative { name: name?.as_str().to_owned(), capacity: capacity?.as_str().to_owned() })
}

fn kind_listed(kind: PartyKind, errors: &mut ValidationErrors) {
    if matches!(kind, PartyKind::Municipality | PartyKind::Individual) {
        errors.push(FieldError::new(
            "kind",
            Code::NotApplicable,
            Message::new(
                "the directory lists organisations: associations, farms, informal groups, schools, businesses",
                "l'annuaire recense des organisations : associations, exploitations, collectifs, écoles, entreprises",
            ),
        ));
    }
}

impl OrganisationDraft {
    /// A new organisation, every invalid field named at once; not public unless it agreed.
    pub fn parse(&self, municipality: MunicipalityId, now: DateTime<Utc>) -> Result<Organisation, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = match self.name.as_deref() {
            Some(name) => errors.collect(PartyName::parse("name", name)),
            None => {
                errors.push(missing("name", "name the organisation", "nommez l'organisation"));
                None
            }
        };
        match self.kind {
            Some(kind) => kind_listed(kind, &mut errors),
            None => errors.push(missing(
                "kind",
                "name its kind: association, farm, informal_group, school, business",
                "nommez son type : association, exploitation agricole, collectif, école, entreprise",
            )),
        }
        let representative = self.representative.as_ref().and_then(|r| representative(r, &mut errors));
        errors.into_result()?;
        let (Some(name), Some(kind)) = (name, self.kind) else { return Err(ValidationErrors::default()) };
        Ok(Organisation {
            id: OrganisationId::new(),
            municipality,
            name: name.as_str().to_owned(),
            kind,
            representative,
            public: self.public.unwrap_or(false),
            version: 1,
            created_at: now,
            updated_at: now,
        })
    }

    /// `organisation` changed as the draft says (what it leaves out stays; its kind does not
    /// change: it names what the organisation is).
    pub fn apply(&self, organisation: &Organisation, now: DateTime<Utc>) -> Result<Organisation, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = self.name.as_deref().and_then(|n| errors.collect(PartyName::parse("name", n)));
        if self.kind.is_some_and(|k| k != organisation.kind) {
            errors.push(FieldError::new(
                "kind",
                Code::NotApplicable,
                Message::new("an organisation keeps its kind", "une organisation garde son type"),
            ));
        }
        let representative = self.representative.as_ref().and_then(|r| representative(r, &mut errors));
        errors.into_result()?;
        Ok(Organisation {
            name: name.map_or_else(|| organisation.name.clone(), |n| n.as_str().to_owned()),
            representative: representative.or_else(|| organisation.representative.clone()),
            public: self.public.unwrap_or(organisation.public),
            updated_at: now,
            ..organisation.clone()
        })
    }
}

/// A party drawn from `organisation`: what the draft leaves out comes from the directory (its
/// The error naming `field`, an organisation the town's directory does not have.
pub fn unknown(field: impl Into<String>) -> FieldError {
    FieldError::new(
        field,
        Code::UnknownOrganisation,
        Message::new(
            "no such organisation in the town's directory",
            "aucune organisation de cet identifiant dans l'annuaire de la commune",
        ),
    )
}

/// name, kind and usual representative); a kind that is not the organisation's is named.
pub fn fill_party(
    draft: &mut super::convention::PartyDraft,
    organisation: &Organisation,
    field: &str,
    errors: &mut ValidationErrors,
) {
    if draft.kind.is_some_and(|k| k != organisation.kind) {
        errors.push(FieldError::new(
            format!("{field}.kind"),
            Code::NotApplicable,
            Message::new(
                format!("the organisation is a {}", organisation.kind.code()),
                format!("l'organisation est de type {}", organisation.kind.code()),
            ),
        ));
    }
    draft.kind = Some(organisation.kind);
    draft.name.get_or_insert_with(|| organisation.name.clone());
    if draft.representative.is_none()
        && let Some(r) = &organisation.representative
    {
        draft.representative =
            Some(RepresentativeDraft { name: Some(r.name.clone()), capacity: Some(r.capacity.clone()) });
    }
}
