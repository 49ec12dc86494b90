//! The one clock the application reads.

use chrono::{DateTime, SubsecRound, Utc};

/// Now, truncated to microseconds: PostgreSQL keeps microseconds, so a timestamp written and read
/// back compares equal on both databases.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
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
