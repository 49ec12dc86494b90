//! The town's answers to a requester.

use super::AnswerText;
use crate::ids::{AccountId, AnswerId, RequestId};
use chrono::{DateTime, Utc};

/// The town's answer to a requester.
#[derive(Debug, Clone)]
pub struct Answer {
    pub id: AnswerId,
    pub request: RequestId,
    pub text: AnswerText,
    /// Also shown in the request's public view (when it is published).
    pub public: bool,
    pub author: AccountId,
    pub created_at: DateTime<Utc>,
}
