//! Dates and timestamps in JSON bodies, written exactly as chrono's serde writes them
//! (`2026-11-20T10:00:00Z`, `2026-12-06T19:16:11.748676Z`, `2026-11-16`) but into a stack buffer:
//! chrono goes through `fmt::Display` one character at a time, which was the largest single cost
//! of a public list (four per item; callgrind, `bench/README.md`). Years outside 0000–9999 go
//! through chrono itself.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use serde::Serializer;

/// `serialize_with` for a `DateTime<Utc>`.
pub fn timestamp<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    let mut buffer = [0_u8; 30];
    match write_timestamp(at, &mut buffer) {
        Some(text) => serializer.serialize_str(text),
        None => serde::Serialize::serialize(at, serializer),
    }
}

/// `serialize_with` for an `Option<DateTime<Utc>>`.
pub fn optional_timestamp<S: Serializer>(at: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => timestamp(at, serializer),
        None => serializer.serialize_none(),
    }
}

/// `serialize_with` for a `NaiveDate`.
pub fn date<S: Serializer>(day: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    let mut buffer = [0_u8; 10];
    match write_date(day, &mut buffer) {
        Some(text) => serializer.serialize_str(text),
        None => serde::Serialize::serialize(day, serializer),
    }
}

fn digits(buffer: &mut [u8], mut value: u32) {
    for byte in buffer.iter_mut().rev() {
        *byte = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

fn write_date<'a>(day: &NaiveDate, buffer: &'a mut [u8; 10]) -> Option<&'a str> {
    let year = u32::try_from(day.year()).ok().filter(|y| *y <= 9999)?;
    digits(&mut buffer[0..4], year);
    buffer[4] = b'-';
    digits(&mut buffer[5..7], day.month());
    buffer[7] = b'-';
    digits(&mut buffer[8..10], day.day());
    std::str::from_utf8(&buffer[..]).ok()
}

/// RFC 3339 in UTC with chrono's `SecondsFormat::AutoSi`: no fraction, or 3, 6 or 9 digits.
fn write_timestamp<'a>(at: &DateTime<Utc>, buffer: &'a mut [u8; 30]) -> Option<&'a str> {
    let mut day = [0_u8; 10];
    write_date(&at.date_naive(), &mut day)?;
    buffer[..10].copy_from_slice(&day);
    buffer[10] = b'T';
    digits(&mut buffer[11..13], at.hour());
    buffer[13] = b':';
    digits(&mut buffer[14..16], at.minute());
    buffer[16] = b':';
    // A leap second is kept in the nanoseconds (≥ 1e9): chrono's own path writes it.
    let nanos = at.nanosecond();
    if nanos >= 1_000_000_000 {
        return None;
    }
    digits(&mut buffer[17..19], at.second());
    let mut end = 19;
    let (fraction, width) = match nanos {
        0 => (0, 0),
        n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
        n if n % 1_000 == 0 => (n / 1_000, 6),
        n => (n, 9),
    };
    if width > 0 {
        buffer[end] = b'.';
        digits(&mut buffer[end + 1..end + 1 + width], fraction);
        end += 1 + width;
    }
    buffer[end] = b'Z';
    std::str::from_utf8(&buffer[..=end]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ours(at: &DateTime<Utc>) -> String {
        timestamp(at, serde_json::value::Serializer).map(|v| v.to_string()).unwrap_or_default()
    }

    fn chronos(at: &DateTime<Utc>) -> String {
        serde_json::to_value(at).map(|v| v.to_string()).unwrap_or_default()
    }

    #[test]
    fn timestamps_read_as_chrono_writes_them_whatever_their_fraction() {
        let base = Utc.with_ymd_and_hms(2026, 12, 6, 9, 5, 7).single().unwrap_or_default();
        for nanos in [0, 1, 999, 1_000, 120_000, 748_676_000, 5_000_000, 100_000_000, 999_999_999, 123_456_789] {
            let at = base + chrono::Duration::nanoseconds(nanos);
            assert_eq!(ours(&at), chronos(&at), "{nanos} ns");
        }
        for (y, m, d) in [(1, 1, 1), (999, 12, 31), (2024, 2, 29), (9999, 12, 31)] {
            let at = Utc.with_ymd_and_hms(y, m, d, 23, 59, 59).single().unwrap_or_default();
            assert_eq!(ours(&at), chronos(&at));
        }
        let far = Utc.with_ymd_and_hms(12_026, 1, 1, 0, 0, 0).single().unwrap_or_default();
        assert_eq!(ours(&far), chronos(&far), "a five-digit year goes through chrono");
    }

    #[test]
    fn dates_read_as_chrono_writes_them() {
        for (y, m, d) in [(2026, 11, 16), (1, 1, 1), (9999, 12, 31), (10_000, 1, 1)] {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
            let ours = date(&day, serde_json::value::Serializer).map(|v| v.to_string()).unwrap_or_default();
            assert_eq!(ours, serde_json::to_value(day).map(|v| v.to_string()).unwrap_or_default());
        }
    }
}
