//! The root: where to find the documentation and the contract.

use actix_web::{HttpResponse, get};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct IndexView {
    #[schema(example = "Implication")]
    pub name: String,
    #[schema(example = "0.1.0")]
    pub version: String,
    /// The interactive documentation.
    #[schema(example = "/docs/")]
    pub documentation: String,
    /// The OpenAPI contract.
    #[schema(example = "/openapi.json")]
    pub openapi: String,
}

/// About this API
///
/// Its name, version, and where its documentation and contract are.
#[utoipa::path(
    operation_id = "get_index",
    tag = "operations",
    security(),
    responses((status = 200, description = "About this API.", body = IndexView))
)]
#[get("/")]
pub async fn get_index() -> HttpResponse {
    HttpResponse::Ok().json(IndexView {
        name: "Implication".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        documentation: "/docs/".to_owned(),
        openapi: "/openapi.json".to_owned(),
    })
}
