//! Recording a request's qualification document.

use super::{Codes, load_at};
use crate::UseCaseError;
use implication_domain::Message;
use implication_domain::Precondition;
use implication_domain::evaluation::workload::{self, LoadWarning};
use implication_domain::identity::{Delegation, Service};
use implication_domain::participation::meeting::local_today;
use implication_domain::requests::qualification::{MAX_PREVIOUS, Qualification, QualificationDraft, Routing};
use implication_domain::requests::similarity;
use implication_domain::requests::{Actor, Request, RequestEvent, RequestEventKind, lifecycle};
use implication_domain::{FieldError, Municipality, RequestId, ServiceId, ValidationErrors};
use implication_storage::Database;
use implication_storage::evaluation::workload::{Day, items as workload_items};
use implication_storage::identity::services;
use implication_storage::requests::qualifications::{self, Recorded};
use implication_storage::requests::{self as store, RequestWrite};

/// Routing as received: a delegation's code and services' codes.
#[derive(Debug, Clone, Default)]
pub struct RoutingCodes {
    pub delegation: Option<String>,
    pub services: Vec<String>,
}

/// A document as received: its routing by codes (the draft's own routing is ignored).
#[derive(Debug, Clone, Default)]
pub struct QualificationInput {
    pub draft: QualificationDraft,
    pub routing: RoutingCodes,
}

/// What a qualification use case gives back: the request as written (its version covers the
/// document), the document in force, and the offices to show the routing by codes.
#[derive(Debug)]
pub struct Qualified {
    pub request: Request,
    pub recorded: Option<Recorded>,
    pub offices: Offices,
    /// The services it is routed to that carry more than their load limit (routing stands).
    pub warnings: Vec<LoadWarning>,
}

/// The municipality's services and delegations, to turn routing codes into ids and back.
#[derive(Debug, Clone)]
pub struct Offices {
    services: Vec<Service>,
    delegations: Vec<Delegation>,
}

impl Offices {
    /// Both catalogues are small (an admin's lists): read whole.
    pub async fn load(db: &Database, municipality: &Municipality) -> Result<Self, UseCaseError> {
        let services = services::all_services(db, municipality.id).await?;
        let delegations = services::all_delegations(db, municipality.id).await?;
        Ok(Self { services, delegations })
    }

    /// The ids of the codes, naming each unknown one.
    pub(crate) fn resolve(&self, codes: &RoutingCodes, errors: &mut ValidationErrors) -> Routing {
        let delegation = codes.delegation.as_deref().and_then(|code| {
            let found = self.delegations.iter().find(|d| d.code.as_str() == code).map(|d| d.id);
            if found.is_none() {
                errors.push(FieldError::new(
                    "routing.delegation",
                    implication_domain::identity::Code::UnknownDelegation,
                    Message::new(
                        format!("no delegation {code:?} in this municipality"),
                        format!("aucune délégation {code:?} dans cette commune"),
                    ),
                ));
            }
            found
        });
        let mut services = Vec::new();
        for (i, code) in codes.services.iter().enumerate() {
            match self.services.iter().find(|s| s.code.as_str() == code) {
                Some(service) => services.push(service.id),
                None => errors.push(FieldError::new(
                    format!("routing.services[{i}]"),
                    implication_domain::identity::Code::UnknownService,
                    Message::new(
                        format!("no service {code:?} in this municipality"),
                        format!("aucun service {code:?} dans cette commune"),
                    ),
                )),
            }
        }
        Routing { delegation, services }
    }

    /// The service `id`, if the municipality has it.
    pub fn service(&self, id: ServiceId) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The codes of a routing.
    pub fn codes(&self, routing: &Routing) -> RoutingCodes {
        RoutingCodes {
            delegation: routing
                .delegation
                .and_then(|id| self.delegations.iter().find(|d| d.id == id))
                .map(|d| d.code.to_string()),
            services: routing
                .services
                .iter()
                .filter_map(|id| self.services.iter().find(|s| s.id == *id))
                .map(|s| s.code.to_string())
                .collect(),
        }
    }
}

/// Replaces the qualification of request `id`, read at a version `expected` admits, with `input`. Every
/// invalid field is named at once; a document never undoes what the request's status required.
/// The request is filed under the document's themes and neighbourhood, its version moves on,
/// and its history names the fields that changed. A document identical to the one in force
/// writes nothing.
pub async fn qualify(
    db: &Database,
    actor: Actor,
    municipality: &Municipality,
    id: RequestId,
    expected: Precondition,
    input: &QualificationInput,
) -> Result<Qualified, UseCaseError> {
    let current = load_at(db, municipality, id, &expected).await?;
    let offices = Offices::load(db, municipality).await?;
    let mut errors = ValidationErrors::default();
    let draft = QualificationDraft { routing: offices.resolve(&input.routing, &mut errors), ..input.draft.clone() };
    let codes = Codes::load(db, municipality).await?;
    let parsed = Qualification::parse(current.id, &draft, codes.catalogue());
    let links = &draft.previously_handled;
    // Too many links is already an error of the document: no lookup for them.
    let known =
        if links.len() <= MAX_PREVIOUS { store::existing(db, municipality.id, links).await? } else { links.clone() };
    for (i, link) in links.iter().enumerate() {
        if !known.contains(link) {
            errors.push(FieldError::new(
                format!("previously_handled[{i}]"),
                implication_domain::requests::Code::UnknownRequest,
                Message::new(
                    "no such request in this municipality",
                    "aucune demande de cet identifiant dans cette commune",
                ),
            ));
        }
    }
    let processes = &draft.previously_handled_processes;
    if processes.len() <= MAX_PREVIOUS {
        for (i, process) in processes.iter().enumerate() {
            if implication_storage::participation::find(db, municipality.id, *process).await?.is_none() {
                errors.push(FieldError::new(
                    format!("previously_handled_processes[{i}]"),
                    implication_domain::participation::Code::UnknownProcess,
                    Message::new(
                        "no such process in this municipality",
                        "aucune démarche de cet identifiant dans cette commune",
                    ),
                ));
            }
        }
    }
    let qualification = match parsed {
        Ok(q) if errors.is_empty() => q,
        Ok(_) => return Err(UseCaseError::Invalid(errors)),
        Err(mut invalid) => {
            invalid.0.extend(errors.0);
            return Err(UseCaseError::Invalid(invalid));
        }
    };

    let recorded = qualifications::find_for(db, &current).await?;
    let before = recorded.as_ref().map_or_else(|| Qualification::unrecorded(&current), |r| r.qualification.clone());
    let changed = qualification.changes(&before);
    if changed.is_empty() {
        let warnings = load_warnings(db, municipality, &offices, &before.routing.services).await?;
        return Ok(Qualified { request: current, recorded, offices, warnings });
    }
    lifecycle::check_qualification_kept(current.status, &qualification.facts())?;
    let next = current.refiled(&qualification, crate::clock::now());
    let event = RequestEvent {
        fields: changed.iter().map(|f| (*f).to_owned()).collect(),
        ..RequestEvent::new(id, RequestEventKind::Qualification, actor, next.updated_at)
    };
    let write = RequestWrite {
        expected_version: current.version,
        request: &next,
        events: vec![event],
        terms: similarity::reindexed_terms(&current, &next),
        answers: Vec::new(),
        qualification: Some(&qualification),
    };
    let request = store::write(db, write).await?;
    tracing::info!(request = %request.id, "qualification recorded");
    // The document is written: a failure to read the loads only costs the warning.
    let warnings = match load_warnings(db, municipality, &offices, &qualification.routing.services).await {
        Ok(warnings) => warnings,
        Err(err) => {
            tracing::warn!(request = %request.id, error = %err, "the services' loads could not be read");
            Vec::new()
        }
    };
    let recorded = Some(Recorded { qualification, updated_at: request.updated_at });
    Ok(Qualified { request, recorded, offices, warnings })
}

/// The services of `routed` over their load limit today, this request included (read only when
/// one of them has a limit).
pub async fn load_warnings(
    db: &Database,
    municipality: &Municipality,
    offices: &Offices,
    routed: &[ServiceId],
) -> Result<Vec<LoadWarning>, UseCaseError> {
    let limits: Vec<(ServiceId, Option<u32>)> = offices.services.iter().map(|s| (s.id, s.load_limit)).collect();
    if !routed.iter().any(|r| limits.iter().any(|(s, limit)| s == r && limit.is_some())) {
        return Ok(Vec::new());
    }
    let today = local_today(crate::clock::now(), municipality.settings.time_zone);
    let items = workload_items(db, municipality.id, Day::of(municipality, today)).await?;
    Ok(workload::load_warnings(routed, &limits, &items.by_service(today)))
}
