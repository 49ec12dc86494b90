//! The one clock the application reads.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};

/// Now, truncated to microseconds: PostgreSQL keeps microseconds, so a timestamp written and read
/// back compares equal on both databases.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Today's date in UTC (requests are dated by day).
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
