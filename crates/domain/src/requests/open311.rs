//! Open311 GeoReport v2 (open311.org): what civic reporting apps speak. A town's themes are its
//! services; a report posted by a partner's tool becomes a request like any other (channel
//! `partner_tool`); the published requests are the service requests anyone lists. This module
//! holds the translation both ways — the lifecycle's statuses to `open`/`closed`, a report's
//! fields to a [`RequestDraft`], the query's dates to a window — and the spec's errors.

use super::intake::{LocationDraft, RequestDraft, RequesterDraft};
use crate::error::ValidationErrors;
use crate::vocabulary::{RequestKind, RequestStatus, RequesterKind};
use chrono::{DateTime, Duration, Utc};

/// The spec's longest description.
pub const MAX_DESCRIPTION: usize = 4_000;
/// The most service requests one list returns (the spec's default limit).
pub const MAX_LISTED: u64 = 1_000;
/// The widest window a list covers, and the default one: the last 90 days.
pub const WINDOW_DAYS: i64 = 90;

/// An error as the spec writes it: a code (the HTTP status) and a description. An answer carries
/// one or several; its HTTP status is the first one's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Error {
    pub code: u16,
    pub description: String,
}

impl Open311Error {
    pub fn bad_request(description: impl Into<String>) -> Self {
        Self { code: 400, description: description.into() }
    }

    pub fn forbidden(description: impl Into<String>) -> Self {
        Self { code: 403, description: description.into() }
    }

    pub fn not_found(description: impl Into<String>) -> Self {
        Self { code: 404, description: description.into() }
    }
}

/// A service request's status in GeoReport: `open` while the town still works on it, `closed`
/// once it answered, closed, declined, redirected or merged it (each of which a reopening undoes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open311Status {
    Open,
    Closed,
}

impl Open311Status {
    pub fn of(status: RequestStatus) -> Self {
        use RequestStatus::*;
        match status {
            Received | Qualifying | Qualified | InProcess | InFiftyFifty => Self::Open,
            Answered | Closed | Declined | Redirected | Merged => Self::Closed,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    /// The lifecycle's statuses this one covers.
    pub fn statuses(self) -> Vec<RequestStatus> {
        RequestStatus::ALL.iter().copied().filter(|s| Self::of(*s) == self).collect()
    }

    /// `open`, `closed` or `open,closed` (the spec's comma list); the statuses they cover, none
    /// for both.
    pub fn parse_list(list: &str) -> Result<Vec<RequestStatus>, Open311Error> {
        let mut asked = Vec::new();
        for code in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            match code {
                "open" => asked.push(Self::Open),
                "closed" => asked.push(Self::Closed),
                other => {
                    return Err(Open311Error::bad_request(format!(
                        "status {other:?} is neither open nor closed (give open, closed or open,closed)"
                    )));
                }
            }
        }
        asked.dedup();
        if asked.len() == 1 { Ok(asked[0].statuses()) } else { Ok(Vec::new()) }
    }
}

/// The window of a list: from `start_date` to `end_date` (W3C dates with their offset), 90 days
/// at most; one alone gives the 90 days after (or before) it; neither, the last 90 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Window {
    pub fn parse(start: Option<&str>, end: Option<&str>, now: DateTime<Utc>) -> Result<Self, Vec<Open311Error>> {
        let span = Duration::days(WINDOW_DAYS);
        let read = |name: &str, value: Option<&str>| match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => DateTime::parse_from_rfc3339(v).map(|d| Some(d.with_timezone(&Utc))).map_err(|_| {
                Open311Error::bad_request(format!(
                    "{name} {v:?} is not a W3C date and time with its offset, like 2026-11-05T08:15:30+01:00"
                ))
            }),
        };
        let (from, to) = match (read("start_date", start), read("end_date", end)) {
            (Ok(from), Ok(to)) => (from, to),
            (from, to) => return Err([from.err(), to.err()].into_iter().flatten().collect()),
        };
        let window = match (from, to) {
            (None, None) => Self { from: now - span, to: now },
            (Some(from), None) => Self { from, to: from + span },
            (None, Some(to)) => Self { from: to - span, to },
            (Some(from), Some(to)) => Self { from, to },
        };
        if window.from > window.to {
            return Err(vec![Open311Error::bad_request("start_date is after end_date")]);
        }
        if window.to - window.from > span {
            return Err(vec![Open311Error::bad_request(format!(
                "start_date and end_date are more than {WINDOW_DAYS} days apart"
            ))]);
        }
        Ok(window)
    }
}

/// `service_request_id`: a comma list of ids, each kept once, at most [`MAX_LISTED`] (unknown
/// ones are simply not listed); blank, none.
pub fn parse_ids(list: &str) -> Result<Vec<uuid::Uuid>, Open311Error> {
    let mut ids: Vec<uuid::Uuid> = Vec::new();
    for id in list.split(',').map(str::trim).filter(|id| !id.is_empty()) {
        let id = uuid::Uuid::parse_str(id)
            .map_err(|_| Open311Error::bad_request(format!("service_request_id {id:?} is not a request's id")))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
        if ids.len() as u64 > MAX_LISTED {
            return Err(Open311Error::bad_request(format!("service_request_id names more than {MAX_LISTED} requests")));
        }
    }
    Ok(ids)
}

/// A report as posted (`POST requests`), its fields as the spec names them.
#[derive(Clone, Default)]
pub struct Report {
    pub service_code: Option<String>,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub address_string: Option<String>,
    pub address_id: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
    pub media_url: Option<String>,
}

/// The reporter's data never prints: only which of it was given.
impl std::fmt::Debug for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Report")
            .field("service_code", &self.service_code)
            .field("point", &(self.lat.is_some() && self.long.is_some()))
            .field("address_string", &self.address_string.is_some())
            .field(
                "personal_data",
                &[&self.email, &self.first_name, &self.last_name, &self.phone].iter().any(|v| v.is_some()),
            )
            .finish_non_exhaustive()
    }
}

impl Report {
    /// The request this report asks to register, under the service (theme) `service` named
    /// `service_name`: a complaint — what reporting apps send — titled by the service and the
    /// place, its description followed by the link to its photo. Personal data comes with the
    /// consent of the person, which the partner's tool collected when it took them (Open311 has
    /// no field for it: a town gives an API key only to a tool that does).
    pub fn draft(&self, service: &str, service_name: &str) -> Result<RequestDraft, Vec<Open311Error>> {
        let mut errors = Vec::new();
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let point = match (text(&self.lat), text(&self.long)) {
            (None, None) => None,
            (Some(lat), Some(long)) => match (lat.parse::<f64>(), long.parse::<f64>()) {
                (Ok(lat), Ok(long)) if lat.is_finite() && long.is_finite() => Some((lat, long)),
                _ => {
                    errors.push(Open311Error::bad_request("lat and long must be decimal degrees (WGS84)"));
                    None
                }
            },
            _ => {
                errors.push(Open311Error::bad_request("lat and long go together"));
                None
            }
        };
        let address = text(&self.address_string);
        if point.is_none() && address.is_none() && errors.is_empty() {
            let location = "a location is required: lat and long, or address_string";
            let hint = if text(&self.address_id).is_some() { " (address_id is not supported here)" } else { "" };
            errors.push(Open311Error::bad_request(format!("{location}{hint}")));
        }
        let description = text(&self.description);
        if description.as_ref().is_some_and(|d| d.chars().count() > MAX_DESCRIPTION) {
            errors.push(Open311Error::bad_request(format!("description is longer than {MAX_DESCRIPTION} characters")));
        }
        let media_url = text(&self.media_url);
        if let Some(url) = &media_url
            && (!(url.starts_with("https://") || url.starts_with("http://")) || url.chars().any(char::is_whitespace))
        {
            errors.push(Open311Error::bad_request("media_url must be an http or https address"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // One line: an address may have several.
        let mut title = match &address {
            Some(address) => format!("{service_name} — {}", address.split_whitespace().collect::<Vec<_>>().join(" ")),
            None => service_name.to_owned(),
        };
        if title.chars().count() > 200 {
            title = title.chars().take(199).collect::<String>() + "…";
        }
        let mut description = description.unwrap_or_else(|| title.clone());
        if let Some(url) = media_url {
            description.push_str(&format!("\n\nPhoto : {url}"));
        }
        let name = [text(&self.first_name), text(&self.last_name)].into_iter().flatten().collect::<Vec<_>>().join(" ");
        let requester = RequesterDraft {
            kind: Some(RequesterKind::Individual),
            name: Some(name).filter(|n| !n.is_empty()),
            email: text(&self.email),
            phone: text(&self.phone),
            postal_address: None,
        };
        let personal = requester.has_personal_data();
        Ok(RequestDraft {
            kind: Some(RequestKind::Complaint),
            title: Some(title),
            description: Some(description),
            themes: vec![service.to_owned()],
            location: Some(LocationDraft { address, point }),
            requester: personal.then_some(requester),
            personal_data_consent: Some(personal),
            ..RequestDraft::default()
        })
    }
}

/// The intake's refusal of a draft, as the spec's errors: each field named as the report named it.
pub fn refusal(errors: &ValidationErrors) -> Vec<Open311Error> {
    errors
        .0
        .iter()
        .map(|e| {
            let field = match e.field.as_str() {
                "location.point" | "location.point.latitude" | "location.point.longitude" => "lat/long",
                "location.address" => "address_string",
                "requester.email" => "email",
                "requester.phone" => "phone",
                "requester.name" => "first_name/last_name",
                "title" => "address_string",
                "description" => "description",
                "themes" | "themes[0]" => "service_code",
                other => other,
            };
            Open311Error::bad_request(format!("{field}: {}", e.message.en()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).single().unwrap_or_default()
    }

    #[test]
    fn every_status_is_open_or_closed_and_the_lists_cover_them_all() {
        let (open, closed) = (Open311Status::Open.statuses(), Open311Status::Closed.statuses());
        assert_eq!(open.len() + closed.len(), RequestStatus::ALL.len());
        assert!(open.contains(&RequestStatus::InFiftyFifty) && closed.contains(&RequestStatus::Redirected));
        assert_eq!(Open311Status::parse_list("open"), Ok(open));
        assert_eq!(Open311Status::parse_list("closed, open"), Ok(Vec::new()), "both: no filter");
        assert_eq!(Open311Status::parse_list("pending").map_err(|e| e.code), Err(400));
    }

    #[test]
    fn the_window_is_the_last_ninety_days_unless_asked_and_never_wider() {
        let window = Window::parse(None, None, now()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((window.to - window.from).num_days(), 90);
        let from = Window::parse(Some("2026-11-01T00:00:00+01:00"), None, now()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(from.from, Utc.with_ymd_and_hms(2026, 10, 31, 23, 0, 0).single().unwrap_or_default());
        assert!(Window::parse(Some("2026-01-01T00:00:00Z"), Some("2026-06-01T00:00:00Z"), now()).is_err());
        assert!(Window::parse(Some("2026-06-01T00:00:00Z"), Some("2026-01-01T00:00:00Z"), now()).is_err());
        let both = Window::parse(Some("yesterday"), Some("2026-13-01"), now()).err().unwrap_or_default();
        assert_eq!(both.len(), 2, "each bad date named: {both:?}");
    }

    #[test]
    fn ids_are_kept_once_blank_is_none_and_a_thousand_at_most() {
        let id = uuid::Uuid::now_v7();
        assert_eq!(parse_ids(&format!("{id}, {id},")), Ok(vec![id]));
        assert_eq!(parse_ids(" , "), Ok(Vec::new()));
        let many: Vec<String> = (0..=MAX_LISTED).map(|_| uuid::Uuid::now_v7().to_string()).collect();
        assert_eq!(parse_ids(&many.join(",")).map_err(|e| e.code), Err(400));
    }

    #[test]
    fn a_report_becomes_a_complaint_under_its_theme_titled_by_service_and_place() {
        let report = Report {
            service_code: Some("roads-and-traffic".into()),
            lat: Some("50.4574".into()),
            long: Some("2.7934".into()),
            address_string: Some("12 rue Lamartine".into()),
            first_name: Some("Jeanne".into()),
            last_name: Some("Martin".into()),
            email: Some("jeanne@example.org".into()),
            description: Some("Un nid-de-poule devant l'école.".into()),
            media_url: Some("https://photos.example.org/1.jpg".into()),
            ..Report::default()
        };
        let draft = report.draft("roads-and-traffic", "Voirie et circulation").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(draft.kind, Some(RequestKind::Complaint));
        assert_eq!(draft.title.as_deref(), Some("Voirie et circulation — 12 rue Lamartine"));
        assert_eq!(
            draft.description.as_deref(),
            Some("Un nid-de-poule devant l'école.\n\nPhoto : https://photos.example.org/1.jpg")
        );
        assert_eq!(draft.themes, ["roads-and-traffic"]);
        let location = draft.location.unwrap_or_default();
        assert_eq!(location.point, Some((50.4574, 2.7934)));
        let requester = draft.requester.unwrap_or_default();
        assert_eq!(requester.name.as_deref(), Some("Jeanne Martin"));
        assert_eq!(draft.personal_data_consent, Some(true));
    }

    #[test]
    fn a_report_needs_a_location_and_says_each_thing_wrong() {
        let errors = Report::default().draft("culture", "Culture").err().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].description.contains("location"), "{errors:?}");
        let anonymous = Report { address_string: Some("Place de la\nmairie".into()), ..Report::default() };
        let draft = anonymous.draft("culture", "Culture").unwrap_or_else(|e| panic!("{e:?}"));
        assert!(draft.requester.is_none() && draft.personal_data_consent == Some(false));
        assert_eq!(draft.description.as_deref(), Some("Culture — Place de la mairie"), "the title stands in");
        let wrong = Report {
            lat: Some("north".into()),
            long: Some("2.79".into()),
            description: Some("x".repeat(MAX_DESCRIPTION + 1)),
            media_url: Some("javascript:alert(1)".into()),
            ..Report::default()
        };
        let errors = wrong.draft("culture", "Culture").err().unwrap_or_default();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors.iter().all(|e| e.code == 400));
        let half = Report { lat: Some("50.4".into()), ..Report::default() };
        assert_eq!(half.draft("culture", "Culture").err().unwrap_or_default().len(), 1);
    }
}
