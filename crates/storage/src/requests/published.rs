//! Public reads: a published request with only the columns its public view shows, in one
//! statement, decoded by position. The requester's name and contact, the internal note and the
//! search text are never selected, and values checked when they were written are not parsed
//! again into the domain's types (a public list of 50 read 33 columns and parsed every text).

use super::{code, corrupt};
use crate::Database;
use crate::entities::request;
use crate::error::StorageError;
use implication_domain::requests::{Point, PublishedRequest, RegistrationNumber};
use implication_domain::vocabulary::{Channel, RequestKind, RequestStatus, RequesterKind, Resolution};
use implication_domain::{MunicipalityId, RequestId};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryResult, QuerySelect, QueryTrait, Select};
use uuid::Uuid;

/// The columns of the public view, in the order [`from_row`] reads them.
const COLUMNS: [request::Column; 21] = {
    use request::Column::*;
    [
        Id,
        Version,
        Year,
        Sequence,
        Kind,
        Title,
        Description,
        Channel,
        RequesterKind,
        Themes,
        NeighbourhoodCode,
        LocationAddress,
        Latitude,
        Longitude,
        ReceivedOn,
        Status,
        Resolution,
        MergedInto,
        PublishedAt,
        CreatedAt,
        UpdatedAt,
    ]
};

/// A select of the public columns (the caller adds the filter and the order).
pub(super) fn select() -> Select<request::Entity> {
    request::Entity::find().select_only().columns(COLUMNS)
}

/// The published request `id` of this municipality, if there is one.
#[tracing::instrument(skip(db))]
pub async fn find_published(
    db: &Database,
    municipality: MunicipalityId,
    id: RequestId,
) -> Result<Option<PublishedRequest>, StorageError> {
    use request::Column;
    let query = select()
        .filter(Column::Id.eq(id.as_uuid()))
        .filter(Column::MunicipalityId.eq(municipality.as_uuid()))
        .filter(Column::PublishedAt.is_not_null());
    db.conn().query_one(&query.into_query()).await?.as_ref().map(from_row).transpose()
}

/// A row of [`COLUMNS`].
pub(super) fn from_row(row: &QueryResult) -> Result<PublishedRequest, StorageError> {
    let id: Uuid = row.try_get_by_index(0)?;
    let text = |i: usize| row.try_get_by_index::<String>(i);
    let optional = |i: usize| row.try_get_by_index::<Option<String>>(i);
    let themes = text(9)?;
    let point = match (row.try_get_by_index::<Option<f64>>(12)?, row.try_get_by_index::<Option<f64>>(13)?) {
        (Some(latitude), Some(longitude)) => Some(Point { latitude, longitude }),
        _ => None,
    };
    Ok(PublishedRequest {
        id: RequestId::from_uuid(id),
        version: row.try_get_by_index(1)?,
        registration_number: RegistrationNumber { year: row.try_get_by_index(2)?, sequence: row.try_get_by_index(3)? },
        kind: code(id, "kind", &text(4)?, RequestKind::from_code)?,
        title: text(5)?,
        description: text(6)?,
        channel: code(id, "channel", &text(7)?, Channel::from_code)?,
        requester_kind: optional(8)?.map(|k| code(id, "requester_kind", &k, RequesterKind::from_code)).transpose()?,
        themes: serde_json::from_str(&themes).map_err(|e| corrupt(id, e))?,
        neighbourhood: optional(10)?,
        location_address: optional(11)?,
        location_point: point,
        received_on: row.try_get_by_index(14)?,
        status: code(id, "status", &text(15)?, RequestStatus::from_code)?,
        resolution: optional(16)?.map(|r| code(id, "resolution", &r, Resolution::from_code)).transpose()?,
        merged_into: row.try_get_by_index::<Option<Uuid>>(17)?.map(RequestId::from_uuid),
        published_at: row
            .try_get_by_index::<Option<chrono::DateTime<chrono::Utc>>>(18)?
            .ok_or_else(|| corrupt(id, "a public read of an unpublished request"))?,
        created_at: row.try_get_by_index(19)?,
        updated_at: row.try_get_by_index(20)?,
    })
}
