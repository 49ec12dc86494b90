//! Notices (information, §5.5): what the town publishes about a process, on which medium
//! (municipal magazine, flash-info, website, social media, display panels, a public meeting, a
//! letterbox drop), to which perimeter, on which day. A notice dated ahead is public from that
//! day, where the municipality is.

use super::{Perimeter, PerimeterDraft};
use crate::common::text::{parse_text, text_type};
use crate::error::{FieldError, Message, ValidationErrors};
use crate::ids::{MunicipalityId, NoticeId, ProcessId};
use crate::requests::Catalogue;
use crate::vocabulary::NoticeMedium;
use chrono::{DateTime, NaiveDate, Utc};

text_type!(
    /// What a notice says: 1 to 5,000 characters.
    NoticeText, 5_000, parse_text
);

/// A notice, as stored.
#[derive(Debug, Clone)]
pub struct Notice {
    pub id: NoticeId,
    pub municipality: MunicipalityId,
    pub process: ProcessId,
    pub channel: NoticeMedium,
    pub perimeter: Perimeter,
    /// The day it is (or was) published, where the municipality is.
    pub published_on: NaiveDate,
    pub text: NoticeText,
    pub created_at: DateTime<Utc>,
}

impl Notice {
    /// Whether it is out on `today` (the municipality's local day).
    pub fn is_out(&self, today: NaiveDate) -> bool {
        self.published_on <= today
    }
}

/// A notice as received.
#[derive(Debug, Clone, Default)]
pub struct NoticeDraft {
    pub channel: Option<NoticeMedium>,
    pub perimeter: Option<PerimeterDraft>,
    /// Default: today.
    pub published_on: Option<NaiveDate>,
    pub text: Option<String>,
}

impl NoticeDraft {
    /// A notice of `process`, every invalid field named at once; without a perimeter, the whole
    /// town; without a date, `today`.
    pub fn parse(
        &self,
        municipality: MunicipalityId,
        process: ProcessId,
        catalogue: &Catalogue<'_>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Notice, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if self.channel.is_none() {
            errors.push(FieldError::new(
                "channel",
                crate::error::Code::Required,
                Message::new("name where it is published", "nommez où elle est publiée"),
            ));
        }
        let perimeter = PerimeterDraft::parse(self.perimeter.as_ref(), catalogue, &mut errors);
        if let Some(date) = self.published_on {
            errors.collect(crate::time::check_date("published_on", date));
        }
        let text = match self.text.as_deref() {
            Some(text) => errors.collect(NoticeText::parse("text", text)),
            None => {
                errors.push(FieldError::new(
                    "text",
                    crate::error::Code::Required,
                    Message::new("required", "obligatoire"),
                ));
                None
            }
        };
        errors.into_result()?;
        let (Some(channel), Some(perimeter), Some(text)) = (self.channel, perimeter, text) else {
            return Err(ValidationErrors::default());
        };
        Ok(Notice {
            id: NoticeId::new(),
            municipality,
            process,
            channel,
            perimeter,
            published_on: self.published_on.unwrap_or(today),
            text,
            created_at: now,
        })
    }
}
