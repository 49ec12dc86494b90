//! Following a request with its tracking code, without an account.

use crate::auth::secrets::sha256_hex;
use crate::problem::ApiError;
use crate::resources::identity::municipalities::find_municipality;
use crate::resources::requests::views::RequesterRequestView;
use crate::responses::{InternalError, NotFound, ServiceUnavailable};
use actix_web::{HttpResponse, get, web};
use implication_domain::Message;
use implication_domain::requests::TrackingCode;
use implication_storage::{Database, requests as store};

/// The municipality `slug` names and its request that tracking `code` follows; 404 otherwise, in
/// the same words whether the code is malformed, unknown or another town's.
pub(crate) async fn tracked(
    db: &Database,
    slug: &str,
    code: &str,
) -> Result<(implication_domain::Municipality, implication_domain::requests::Request), ApiError> {
    let not_found = || {
        ApiError::NotFound(Message::new(
            "no request follows this tracking code here",
            "aucune demande ne suit ce code de suivi ici",
        ))
    };
    let code = TrackingCode::parse(code).ok_or_else(not_found)?;
    let municipality = find_municipality(db, slug).await?;
    let request =
        store::find_by_tracking_hash(db, municipality.id, &sha256_hex(code.expose())).await?.ok_or_else(not_found)?;
    Ok((municipality, request))
}

/// Follow a request
///
/// With the tracking code given at submission: the request, its status, its public history, the
/// town's answers, the participation processes it joined (their level, status and decision), the
/// steps still ahead and the promises made, and nothing else. Anyone holding the code may call it, without an account
/// (a token is not looked at).
#[utoipa::path(
    operation_id = "get_tracking", tag = "requests",
    params(("municipality" = String, Path, description = "The municipality's slug.", example = "loos-en-gohelle",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 1, max_length = 63),
        ("tracking_code" = String, Path, description = "The code returned at submission.",
            example = "k3v7q2mzx5d4a6w2r7t3y5u2pq", pattern = "^[a-z2-7]{26}$")),
    security(),
    responses(
        (status = 200, description = "The request as its requester follows it.", body = RequesterRequestView),
        (status = 404, response = NotFound),
        (status = 500, response = InternalError), (status = 503, response = ServiceUnavailable),
    )
)]
#[get("/v1/municipalities/{municipality}/tracking/{tracking_code}")]
pub async fn get_tracking(
    db: web::Data<Database>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (municipality, request) = tracked(&db, &path.0, &path.1).await?;
    let view = RequesterRequestView::read(&db, &municipality, &request).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(view))
}
