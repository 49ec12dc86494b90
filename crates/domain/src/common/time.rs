//! The one clock the application reads.

use crate::error::{FieldError, Message};
use chrono::{DateTime, Datelike, NaiveDate, SubsecRound, Utc};

/// The years a date given by a client may fall in: the databases store no earlier (PostgreSQL
/// refuses dates before 4713 BC, SQLite sorts signed years wrong), and a town plans no later.
pub const YEARS: (i32, i32) = (1900, 2999);

/// `date`, if its year is within [`YEARS`]; otherwise an error naming `field`.
pub fn check_date(field: &str, date: NaiveDate) -> Result<NaiveDate, FieldError> {
    if (YEARS.0..=YEARS.1).contains(&date.year()) {
        Ok(date)
    } else {
        Err(FieldError::new(
            field,
            crate::error::Code::OutOfRange,
            Message::new(
                format!("must fall in the years {} to {}", YEARS.0, YEARS.1),
                format!("doit tomber entre les années {} et {}", YEARS.0, YEARS.1),
            ),
        ))
    }
}

/// `date`, if within [`YEARS`] and come already (not after `today`, the town's day); otherwise an
/// error naming `field`.
pub fn check_past_date(field: &str, date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let date = check_date(field, date)?;
    if date > today {
        return Err(FieldError::new(
            field,
            crate::error::Code::OutOfRange,
            Message::new(
                format!("must not be after today ({today})"),
                format!("ne doit pas être postérieure à aujourd'hui ({today})"),
            ),
        ));
    }
    Ok(date)
}

/// The same, for an instant.
pub fn check_instant(field: &str, at: DateTime<Utc>) -> Result<DateTime<Utc>, FieldError> {
    check_date(field, at.date_naive()).map(|_| at)
}

/// Now, truncated to microseconds: PostgreSQL keeps microseconds, so a timestamp written and read
/// back compares equal on both databases.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Today's date in UTC: for what no town's day applies to (relative dates in the demo data);
/// requests and delays use [`crate::Municipality::today`], the town's.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn now_has_no_nanoseconds_beyond_microseconds() {
        assert_eq!(now().nanosecond() % 1_000, 0);
    }
}
