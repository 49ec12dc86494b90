//! A partner's tool's own list: the requests submitted for its association, each in the view
//! its requester has (status, public history, answers), unpublished ones included.

use super::ListCursor;
use super::views::{RequesterRequestPage, RequesterRequestView};
use crate::auth::{InMunicipality, RequestsRead, StaffOrScope};
use crate::pagination::{PageParams, encode_cursor, page_response};
use crate::problem::ApiError;
use crate::responses::{BadRequest, Forbidden, InternalError, NotFound, ServiceUnavailable, Unauthorized};
use actix_web::{HttpRequest, HttpResponse, get, web};
use implication_domain::identity::Principal;
use implication_domain::{Message, RequestId};
use implication_storage::Database;
use implication_storage::identity::clients;
use implication_storage::requests::{self as store, After, Filter, Sort};

/// List my association's requests
///
/// For a partner's tool (`requests:read`): the requests submitted for its association — by it or
/// by another tool of the association — newest first, each in its requester's view (status,
/// public history, answers), whether published or not. Staff list every request at
/// `…/requests`: here they get 403.
#[utoipa::path(
    operation_id = "list_association_requests", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the association's requests.", body = RequesterRequestPage,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows."))),
        (status = 400, response = BadRequest), (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
        (status = 404, response = NotFound), (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/association/requests")]
pub async fn list_association_requests(
    req: HttpRequest,
    db: web::Data<Database>,
    caller: InMunicipality<StaffOrScope<RequestsRead>>,
    paging: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let municipality = &caller.municipality;
    let Principal::Client { client, .. } = &caller.principal else {
        return Err(ApiError::Forbidden(Message::new(
            "this is a partner tool's list of its association's requests: staff list every request at …/requests",
            "cette liste est celle des demandes de l'association d'un outil partenaire : le personnel les liste toutes à …/requests",
        )));
    };
    let association = clients::find(&db, municipality.id, client.as_uuid())
        .await?
        .filter(|c| c.active)
        .ok_or_else(|| ApiError::from(implication_app::UseCaseError::UnknownClient))?
        .association;
    let page = paging.parse::<ListCursor>()?;
    let sort = Sort::ReceivedOnDesc;
    let invalid_cursor = || {
        ApiError::bad_parameter(
            "cursor",
            implication_domain::error::Code::InvalidCursor,
            Message::new("is not a cursor of this list", "n'est pas un curseur de cette liste"),
        )
    };
    let after = match page.after {
        Some(cursor) if cursor.s != sort.code() => return Err(invalid_cursor()),
        Some(cursor) => Some(After { key: cursor.k, id: RequestId::from_uuid(cursor.i) }),
        None => None,
    };
    let filter = Filter { association: Some(association.clone()), published: None, ..Filter::default() };
    let found = store::list(&db, municipality.id, &filter, sort, page.limit, after.as_ref())
        .await?
        .ok_or_else(invalid_cursor)?;
    let next_cursor = found.has_more.then(|| found.items.last()).flatten().and_then(|last| {
        encode_cursor(&ListCursor { s: sort.code().to_owned(), k: sort.key_of(last), i: last.id.as_uuid() })
    });
    let mut items = Vec::with_capacity(found.items.len());
    for request in found.items.iter().filter(|r| r.is_of_association(&association)) {
        // Each with what its requester reads: a few reads per request, on a page of at most 200.
        items.push(RequesterRequestView::read(&db, municipality, request).await?);
    }
    let body = RequesterRequestPage { items, next_cursor };
    Ok(page_response(&req, body.next_cursor.as_deref(), &body))
}
