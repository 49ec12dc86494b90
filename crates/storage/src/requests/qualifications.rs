//! Qualification documents: one per request, written by its request's versioned write (the
//! request's ETag covers its qualification, so that a transition is always decided on the
//! qualification in force), with the routing kept in indexed columns for "my work" lists.

use crate::Database;
use crate::entities::{request_qualification, request_routed_service};
use crate::error::StorageError;
use chrono::{DateTime, Utc};
use implication_domain::requests::Request;
use implication_domain::requests::qualification::{PrerequisiteAnswer, Qualification, Routing, Stakeholder};
use implication_domain::vocabulary::{
    Competence, FiftyFiftyPrerequisite, LivingEnvironmentAim, ParticipationLevel, StakeholderRole,
};
use implication_domain::{DelegationId, RequestId, ServiceId};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The stored form of a document. Themes and neighbourhood are the request's own columns.
/// Documents recorded before a prerequisite existed simply lack its answer: it reads unanswered,
/// so unmet (migration 000012 changes no document).
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    restated_need: Option<String>,
    requester_interest: Option<String>,
    stakeholders: Vec<StoredStakeholder>,
    competence: Option<Competence>,
    competent_authority: Option<String>,
    previously_handled: Vec<Uuid>,
    /// Absent from documents recorded before processes existed.
    #[serde(default)]
    previously_handled_processes: Vec<Uuid>,
    delegation: Option<Uuid>,
    services: Vec<Uuid>,
    recommended_level: Option<ParticipationLevel>,
    prerequisites: Vec<StoredPrerequisite>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredStakeholder {
    name: String,
    role: StakeholderRole,
    interest: Option<String>,
    conflicts_with_requester: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredPrerequisite {
    prerequisite: FiftyFiftyPrerequisite,
    holds: bool,
    justification: String,
    aims: Vec<LivingEnvironmentAim>,
    /// Absent from documents recorded before the `other` aim existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    other_aim: Option<String>,
}

/// A request's qualification as recorded, and when it last changed.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub qualification: Qualification,
    pub updated_at: DateTime<Utc>,
}

/// The qualification of `request`, if one was recorded; its themes and neighbourhood are the
/// request's.
pub async fn find_for(db: &Database, request: &Request) -> Result<Option<Recorded>, StorageError> {
    let Some(row) = request_qualification::Entity::find_by_id(request.id.as_uuid()).one(db.conn()).await? else {
        return Ok(None);
    };
    let corrupt = |e: serde_json::Error| StorageError::Corrupt(format!("qualification of {}: {e}", request.id));
    let stored: Stored = serde_json::from_str(&row.document).map_err(corrupt)?;
    let qualification = Qualification {
        restated_need: stored.restated_need,
        requester_interest: stored.requester_interest,
        stakeholders: stored
            .stakeholders
            .into_iter()
            .map(|s| Stakeholder {
                name: s.name,
                role: s.role,
                interest: s.interest,
                conflicts_with_requester: s.conflicts_with_requester,
            })
            .collect(),
        competence: stored.competence,
        competent_authority: stored.competent_authority,
        previously_handled: stored.previously_handled.into_iter().map(RequestId::from_uuid).collect(),
        previously_handled_processes: stored
            .previously_handled_processes
            .into_iter()
            .map(implication_domain::ProcessId::from_uuid)
            .collect(),
        themes: request.themes.clone(),
        neighbourhood: request.neighbourhood.clone(),
        routing: Routing {
            delegation: stored.delegation.map(DelegationId::from_uuid),
            services: stored.services.into_iter().map(ServiceId::from_uuid).collect(),
        },
        recommended_level: stored.recommended_level,
        prerequisites: stored
            .prerequisites
            .into_iter()
            .map(|p| {
                let answer = PrerequisiteAnswer {
                    holds: p.holds,
                    justification: p.justification,
                    aims: p.aims,
                    other_aim: p.other_aim,
                };
                (p.prerequisite, answer)
            })
            .collect(),
    };
    Ok(Some(Recorded { qualification, updated_at: row.updated_at }))
}

fn document(q: &Qualification) -> Result<String, StorageError> {
    let stored = Stored {
        restated_need: q.restated_need.clone(),
        requester_interest: q.requester_interest.clone(),
        stakeholders: q
            .stakeholders
            .iter()
            .map(|s| StoredStakeholder {
                name: s.name.clone(),
                role: s.role,
                interest: s.interest.clone(),
                conflicts_with_requester: s.conflicts_with_requester,
            })
            .collect(),
        competence: q.competence,
        competent_authority: q.competent_authority.clone(),
        previously_handled: q.previously_handled.iter().map(|r| r.as_uuid()).collect(),
        previously_handled_processes: q.previously_handled_processes.iter().map(|p| p.as_uuid()).collect(),
        delegation: q.routing.delegation.map(|d| d.as_uuid()),
        services: q.routing.services.iter().map(|s| s.as_uuid()).collect(),
        recommended_level: q.recommended_level,
        prerequisites: q
            .prerequisites
            .iter()
            .map(|(p, a)| StoredPrerequisite {
                prerequisite: *p,
                holds: a.holds,
                justification: a.justification.clone(),
                aims: a.aims.clone(),
                other_aim: a.other_aim.clone(),
            })
            .collect(),
    };
    serde_json::to_string(&stored).map_err(|e| StorageError::Corrupt(e.to_string()))
}

/// Makes `qualification` the document of `request` (inside its versioned write, which also
/// files the request under the document's themes and neighbourhood): the document, and the
/// routing in indexed tables for "my work" lists.
pub(super) async fn insert_or_replace(
    txn: &DatabaseTransaction,
    request: &Request,
    qualification: &Qualification,
) -> Result<(), StorageError> {
    let now = request.updated_at;
    let row = request_qualification::ActiveModel {
        request_id: Set(request.id.as_uuid()),
        municipality_id: Set(request.municipality.as_uuid()),
        document: Set(document(qualification)?),
        routed_delegation_id: Set(qualification.routing.delegation.map(|d| d.as_uuid())),
        created_at: Set(now),
        updated_at: Set(now),
    };
    use request_qualification::Column as Q;
    request_qualification::Entity::insert(row)
        .on_conflict(
            OnConflict::column(Q::RequestId)
                .update_columns([Q::Document, Q::RoutedDelegationId, Q::UpdatedAt])
                .to_owned(),
        )
        .exec(txn)
        .await?;
    request_routed_service::Entity::delete_many()
        .filter(request_routed_service::Column::RequestId.eq(request.id.as_uuid()))
        .exec(txn)
        .await?;
    let routed: Vec<request_routed_service::ActiveModel> = qualification
        .routing
        .services
        .iter()
        .map(|service| request_routed_service::ActiveModel {
            request_id: Set(request.id.as_uuid()),
            service_id: Set(service.as_uuid()),
            municipality_id: Set(request.municipality.as_uuid()),
        })
        .collect();
    if !routed.is_empty() {
        request_routed_service::Entity::insert_many(routed).exec(txn).await?;
    }
    Ok(())
}
