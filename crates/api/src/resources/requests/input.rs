//! What clients send about requests, and its translation into the domain's drafts. Required
//! fields are read as options so that every missing one is reported at once (by the domain).

use crate::extract::CodeItem;
use crate::wire;
use chrono::NaiveDate;
use implication_domain::requests::{LocationDraft, RequestDraft, RequestEdit, RequesterDraft};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::extract::present;

/// [`present`], for an object (see [`crate::extract::Object`]).
fn present_object<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    crate::extract::object(deserializer).map(Some)
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PointInput {
    #[schema(minimum = -90, maximum = 90, example = 50.4573)]
    pub latitude: f64,
    #[schema(minimum = -180, maximum = 180, example = 2.7925)]
    pub longitude: f64,
}

/// Where the request is about: an address or place, a point, or both.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    #[schema(
        example = "Rue Lamartine",
        min_length = 1,
        max_length = 300,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"
    )]
    pub address: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub point: Option<PointInput>,
}

impl From<&LocationInput> for LocationDraft {
    fn from(l: &LocationInput) -> Self {
        Self { address: l.address.clone(), point: l.point.as_ref().map(|p| (p.latitude, p.longitude)) }
    }
}

/// Who carries the request. Everything but `kind` is personal data, kept only with consent and
/// never shown publicly.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequesterInput {
    #[schema(value_type = wire::RequesterKind, required = true)]
    pub kind: Option<wire::RequesterKind>,
    #[schema(
        example = "Camille Dupont",
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: Option<String>,
    #[schema(example = "camille.dupont@example.org", max_length = 254, format = "email")]
    pub email: Option<String>,
    #[schema(example = "03 21 69 88 77", pattern = "^\\+?[0-9][0-9 .-]{4,22}[0-9]$")]
    pub phone: Option<String>,
    #[schema(
        example = "12 rue Lamartine, 62750 Loos-en-Gohelle",
        min_length = 1,
        max_length = 300,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"
    )]
    pub postal_address: Option<String>,
}

impl From<&RequesterInput> for RequesterDraft {
    fn from(r: &RequesterInput) -> Self {
        Self {
            kind: r.kind.map(|k| k.0),
            name: r.name.clone(),
            email: r.email.clone(),
            phone: r.phone.clone(),
            postal_address: r.postal_address.clone(),
        }
    }
}

/// A new request. Anonymous callers and inhabitants get the `website` channel and today's date;
/// partner tools get `partner_tool`; staff give the channel and may give the day it was received.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    #[schema(value_type = wire::RequestKind, required = true)]
    pub kind: Option<wire::RequestKind>,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$",
        example = "Les voitures roulent trop vite dans la cité 5")]
    pub title: Option<String>,
    #[schema(value_type = String, required = true, min_length = 1, max_length = 5000, pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$",
        example = "Le soir, des voitures traversent la cité à toute allure.")]
    pub description: Option<String>,
    /// Staff only (required from staff); others get theirs.
    pub channel: Option<wire::Channel>,
    /// Codes of the municipality's themes (`GET …/themes`), at most 5.
    #[schema(max_items = 5, example = json!(["roads-and-traffic"]))]
    #[serde(default)]
    pub themes: Vec<CodeItem>,
    /// A neighbourhood code of the municipality.
    #[schema(example = "cite-5", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub neighbourhood: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub location: Option<LocationInput>,
    #[serde(default, deserialize_with = "crate::extract::object")]
    pub requester: Option<RequesterInput>,
    /// The solution the requester proposes, if any. Shown to staff, never publicly (it may hold
    /// personal details).
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$",
        example = "Un ralentisseur devant l'aire de jeux."
    )]
    pub proposed_solution: Option<String>,
    /// What the requester offers to do themselves, if anything (§6.4.2: a request is also what
    /// one is ready to do). Shown to staff, never publicly; a fifty-fifty's `citizen_delivery`
    /// answer starts from it.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$",
        example = "Nous pouvons peindre les marquages avec les voisins."
    )]
    pub offer: Option<String>,
    /// The requester's consent to the processing of their personal data: required (true) when
    /// a name or contact is given.
    pub personal_data_consent: Option<bool>,
    /// Staff only: the day the town received it (not in the future); defaults to today.
    #[schema(example = "2026-11-16")]
    pub received_on: Option<NaiveDate>,
}

impl From<&RequestInput> for RequestDraft {
    fn from(input: &RequestInput) -> Self {
        Self {
            kind: input.kind.map(|k| k.0),
            title: input.title.clone(),
            description: input.description.clone(),
            channel: input.channel.map(|c| c.0),
            themes: input.themes.iter().map(|t| t.0.clone()).collect(),
            neighbourhood: input.neighbourhood.clone(),
            location: input.location.as_ref().map(LocationDraft::from),
            requester: input.requester.as_ref().map(RequesterDraft::from),
            proposed_solution: input.proposed_solution.clone(),
            offer: input.offer.clone(),
            personal_data_consent: input.personal_data_consent,
            received_on: input.received_on,
        }
    }
}

/// Corrections by staff: absent fields are kept, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestPatch {
    pub kind: Option<wire::RequestKind>,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub title: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"
    )]
    pub description: Option<String>,
    pub channel: Option<wire::Channel>,
    #[schema(max_items = 5)]
    pub themes: Option<Vec<CodeItem>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63)]
    pub neighbourhood: Option<Option<String>>,
    #[serde(default, deserialize_with = "present_object")]
    #[schema(value_type = Option<LocationInput>)]
    pub location: Option<Option<LocationInput>>,
    #[serde(default, deserialize_with = "present_object")]
    #[schema(value_type = Option<RequesterInput>)]
    pub requester: Option<Option<RequesterInput>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 2000, pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$")]
    pub proposed_solution: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 2000, pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$")]
    pub offer: Option<Option<String>>,
    /// Consent given (true) or withdrawn (false: then remove the requester's personal data too).
    pub personal_data_consent: Option<bool>,
    /// Not in the future.
    pub received_on: Option<NaiveDate>,
    /// For staff only.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 5000, pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$")]
    pub internal_note: Option<Option<String>>,
}

impl From<&RequestPatch> for RequestEdit {
    fn from(p: &RequestPatch) -> Self {
        Self {
            kind: p.kind.map(|k| k.0),
            title: p.title.clone(),
            description: p.description.clone(),
            channel: p.channel.map(|c| c.0),
            themes: p.themes.as_ref().map(|t| t.iter().map(|c| c.0.clone()).collect()),
            neighbourhood: p.neighbourhood.clone(),
            location: p.location.as_ref().map(|l| l.as_ref().map(LocationDraft::from)),
            requester: p.requester.as_ref().map(|r| r.as_ref().map(RequesterDraft::from)),
            proposed_solution: p.proposed_solution.clone(),
            offer: p.offer.clone(),
            personal_data_consent: p.personal_data_consent,
            received_on: p.received_on,
            internal_note: p.internal_note.clone(),
        }
    }
}

/// A change of status. `reason` is required for `declined`, `redirected`, `merged` and when
/// reopening; `resolution` only (and always) when closing; `into` only (and always) when merging.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionInput {
    #[schema(value_type = wire::RequestStatus, required = true)]
    pub to: Option<wire::RequestStatus>,
    /// Written for the requester: they read it when following the request.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$",
        example = "La collecte des déchets relève de la Communauté d'agglomération de Lens-Liévin."
    )]
    pub reason: Option<String>,
    pub resolution: Option<wire::Resolution>,
    /// The request this one is merged into (same municipality).
    pub into: Option<Uuid>,
}

/// The town's answer to the requester.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 5000, pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$",
        example = "Merci pour votre signalement. Un comptage des véhicules aura lieu la semaine prochaine.")]
    pub text: Option<String>,
    /// Also shown with the published request (default: false, only the requester sees it).
    #[serde(default)]
    pub public: bool,
}
