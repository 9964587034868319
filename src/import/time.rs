//! Time zones for exports that print wall-clock times without an offset.
//!
//! WhatsApp, WeChat exporters and Telegram's `date` field print the local time
//! of the exporting device. We read those times in the zone the reviewer gives
//! with `--tz` (default: this machine's zone), record that zone on the source,
//! and mark each such message's offset as assumed.

use std::str::FromStr;

use chrono::{Duration, LocalResult, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::ImportError;
use crate::model::Timestamp;

/// Parse `--tz`, or find the machine's zone (UTC when it cannot be told).
pub fn resolve(tz: Option<&str>) -> Result<Tz, ImportError> {
    match tz {
        Some(name) => Tz::from_str(name).map_err(|_| ImportError::BadTimeZone(name.to_string())),
        None => Ok(iana_time_zone::get_timezone().ok().and_then(|n| Tz::from_str(&n).ok()).unwrap_or(Tz::UTC)),
    }
}

/// The instant of a local wall-clock time in `tz`. In a DST overlap the
/// earlier instant is taken; a time inside a DST gap (which a clock never
/// shows, but a hand-edited export might) is read as one hour later.
pub fn local_to_timestamp(tz: &Tz, naive: NaiveDateTime) -> Option<Timestamp> {
    let dt = match tz.from_local_datetime(&naive) {
        LocalResult::Single(dt) => dt,
        LocalResult::Ambiguous(a, _) => a,
        LocalResult::None => tz.from_local_datetime(&(naive + Duration::hours(1))).earliest()?,
    };
    Some(dt.fixed_offset())
}

/// The instant of a Unix time in seconds, shown in `tz` (used where an export
/// gives UTC epochs but the reviewer should see the exporter's local time).
pub fn epoch_to_timestamp(tz: &Tz, secs: i64, millis: u32) -> Option<Timestamp> {
    tz.timestamp_opt(secs, millis * 1_000_000).single().map(|d| d.fixed_offset())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shanghai_is_plus_eight() {
        let tz = resolve(Some("Asia/Shanghai")).unwrap();
        let n = NaiveDateTime::parse_from_str("2026-03-02 09:15:00", "%Y-%m-%d %H:%M:%S").unwrap();
        let t = local_to_timestamp(&tz, n).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-02T09:15:00+08:00");
        assert_eq!(t.timestamp(), 1772414100);
    }

    #[test]
    fn bad_zone_is_an_error() {
        assert!(matches!(resolve(Some("Mars/Olympus")), Err(ImportError::BadTimeZone(_))));
    }

    #[test]
    fn dst_gap_moves_forward() {
        let tz = resolve(Some("Europe/Berlin")).unwrap();
        let n = NaiveDateTime::parse_from_str("2026-03-29 02:30:00", "%Y-%m-%d %H:%M:%S").unwrap();
        assert_eq!(local_to_timestamp(&tz, n).unwrap().to_rfc3339(), "2026-03-29T03:30:00+02:00");
    }
}
