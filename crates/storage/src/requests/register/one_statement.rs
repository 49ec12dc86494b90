//! PostgreSQL: a registration as one statement (its own transaction), so that the municipality's
//! counter row, which keeps the numbers gapless, is locked only while that statement runs and
//! commits: with the key check, the number, the request, its terms and its history as five
//! statements between BEGIN and COMMIT, the lock was held across four round trips, and a town's
//! intake was bound by it (`bench/README.md`).
//!
//! ```sql
//! WITH key AS (INSERT INTO idempotency_keys … ON CONFLICT DO NOTHING RETURNING 1),
//!      counter AS (INSERT INTO request_counters … SELECT … FROM key
//!                  ON CONFLICT (municipality_id, year) DO UPDATE SET last_sequence = … + 1
//!                  RETURNING last_sequence),
//!      request AS (INSERT INTO requests (…, sequence) SELECT …, last_sequence FROM counter RETURNING id),
//!      terms AS (INSERT INTO request_terms … SELECT … FROM request, json_array_elements_text($n::json) AS t(term)),
//!      event AS (INSERT INTO request_events … SELECT … FROM request),
//!      outbox AS (INSERT INTO outbox_events … SELECT … FROM request)
//! SELECT last_sequence FROM counter
//! ```
//!
//! A taken key inserts nothing, so nothing follows from it and no number is used: the statement
//! returns no row, and the caller replays the first answer. Foreign keys are checked at the end
//! of the statement, when the request row exists.

use super::Rows;
use crate::Database;
use crate::entities::{request_counter, request_term};
use crate::error::{StorageError, duplicate_of};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ConnectionTrait, DbBackend, EntityName, IdenStatic, Iterable, Statement, Value,
};

/// The statement's text and its bound values (`$1`, `$2`, …).
#[derive(Default)]
struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn bind(&mut self, value: Value) -> String {
        self.values.push(value);
        format!("${}", self.values.len())
    }

    /// `INSERT INTO table (its set columns) SELECT their values [FROM source]`, with `computed`
    /// (a column and an expression) instead of that column's value.
    fn insert<A: ActiveModelTrait>(
        &mut self,
        model: &A,
        computed: Option<(&str, &str)>,
        source: Option<&str>,
    ) -> String {
        let table = <A::Entity as Default>::default().table_name();
        let (mut columns, mut values) = (Vec::new(), Vec::new());
        for column in <A::Entity as sea_orm::EntityTrait>::Column::iter() {
            let name = column.as_str();
            let value = match (computed, model.get(column)) {
                (Some((computed, expression)), _) if computed == name => expression.to_owned(),
                (_, ActiveValue::Set(value) | ActiveValue::Unchanged(value)) => self.bind(value),
                (_, ActiveValue::NotSet) => continue,
            };
            columns.push(format!("\"{name}\""));
            values.push(value);
        }
        let from = source.map(|s| format!(" FROM {s}")).unwrap_or_default();
        format!("INSERT INTO \"{table}\" ({}) SELECT {}{from}", columns.join(", "), values.join(", "))
    }
}

/// Writes the registration; its number, or `None` when the idempotency key was taken.
pub(super) async fn register(db: &Database, rows: Rows) -> Result<Option<i32>, StorageError> {
    let mut sql = Sql::default();
    let key = match &rows.key {
        Some(key) => format!("{} ON CONFLICT DO NOTHING RETURNING 1", sql.insert(key, None, None)),
        None => "SELECT 1".to_owned(),
    };
    let counter = sql.insert(
        &request_counter::ActiveModel {
            municipality_id: ActiveValue::Set(rows.municipality.as_uuid()),
            year: ActiveValue::Set(rows.year),
            last_sequence: ActiveValue::Set(1),
        },
        None,
        Some("key"),
    );
    let request = sql.insert(&rows.request, Some(("sequence", "counter.last_sequence")), Some("counter"));
    let event = sql.insert(&rows.event, None, Some("request"));
    let mut text = format!(
        "WITH key AS ({key}), \
         counter AS ({counter} ON CONFLICT (municipality_id, year) \
            DO UPDATE SET last_sequence = request_counters.last_sequence + 1 RETURNING last_sequence), \
         request AS ({request} RETURNING id), \
         event AS ({event})"
    );
    if let Some(outbox) = &rows.outbox {
        let outbox = sql.insert(outbox, None, Some("request"));
        text.push_str(&format!(", outbox AS ({outbox})"));
    }
    if !rows.terms.is_empty() {
        // One parameter whatever their number: one statement text, prepared once per connection.
        let municipality = sql.bind(rows.municipality.as_uuid().into());
        let terms = serde_json::to_string(&rows.terms).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let terms = sql.bind(terms.into());
        let table = request_term::Entity.table_name();
        text.push_str(&format!(
            ", terms AS (INSERT INTO \"{table}\" (municipality_id, term, request_id) \
             SELECT {municipality}, t.term, request.id FROM request, json_array_elements_text({terms}::json) AS t(term))"
        ));
    }
    text.push_str(" SELECT last_sequence FROM counter");
    sql.text = text;
    let statement = Statement::from_sql_and_values(DbBackend::Postgres, sql.text, sql.values);
    let row =
        db.conn().query_one_raw(statement).await.map_err(|e| duplicate_of(e, &["tracking_hash", "registration"]))?;
    row.map(|row| row.try_get_by_index::<i32>(0)).transpose().map_err(StorageError::from)
}
