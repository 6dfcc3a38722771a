//! DATE-TIME values, and how a calendar app reads a local time back (RFC 5545 §3.3.5).

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// `YYYYMMDDTHHMMSS`, a local wall-clock time.
pub(crate) fn local_stamp(wall: NaiveDateTime) -> String {
    wall.format("%Y%m%dT%H%M%S").to_string()
}

/// `YYYYMMDDTHHMMSSZ`, an instant in UTC.
pub(crate) fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The tail of a DATE-TIME property with a time zone: `;TZID=Asia/Shanghai:20261123T080000`.
pub(crate) fn tzid_tail(tz: Tz, wall: NaiveDateTime) -> String {
    format!(";TZID={}:{}", tz.name(), local_stamp(wall))
}

/// The tail of a DATE-TIME property for `t`: local wall time with `TZID`, as the calendar
/// should show it.
///
/// One instant cannot be written that way: the *second* 01:30 of a fall-back night, because a
/// repeated local time always means its first occurrence (RFC 5545 §3.3.5). daka-core uses the
/// second occurrence when the study day itself begins there, so such an instant is written in
/// UTC (`:20261101T063000Z`), which every calendar places exactly.
pub(crate) fn date_time_tail(t: DateTime<Utc>, tz: Tz) -> String {
    let wall = t.with_timezone(&tz).naive_local();
    if rfc_instant(wall, tz) == t { tzid_tail(tz, wall) } else { format!(":{}", utc_stamp(t)) }
}

/// The instant a calendar app gives `wall` in zone `tz`, by RFC 5545 §3.3.5: a repeated time is
/// its first occurrence; a time inside a gap is read with the UTC offset from before the gap
/// (02:30 on a 02:00→03:00 night is 03:30 after the change). Recurrence instances are read the
/// same way (§3.3.10).
///
/// daka-core resolves a time inside a gap to the end of the gap instead (03:00), so the two
/// differ there; `recurring` turns such dates into exceptions.
pub(crate) fn rfc_instant(wall: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&wall) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => {
            // The offset in force a day earlier: before the gap (no gap lasts longer than a day).
            let before = tz.offset_from_utc_datetime(&(wall - Duration::days(1))).fix();
            (wall - Duration::seconds(i64::from(before.local_minus_utc()))).and_utc()
        }
    }
}
