//! The VTIMEZONE component, generated from chrono-tz's copy of the tz database.
//!
//! Calendar apps that know the IANA name in `TZID` use their own rules; the others (and strict
//! validators) need the definition in the file. Rather than guess the zone's yearly rule, the
//! component lists the actual offset changes over the period the file covers, each as a dated
//! STANDARD or DAYLIGHT observance without RRULE — valid RFC 5545, and exact even for zones whose
//! rules changed in the period. A zone without changes (Asia/Shanghai) gets one STANDARD.
//!
//! chrono-tz has no list of transitions, so they are found by sampling the offset every six
//! hours and bisecting each change down to the second.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

use crate::text::Lines;
use crate::time::{local_stamp, rfc_instant};

/// Sampling step of the scan, in seconds. No zone changes offset twice within six hours.
const STEP_SECS: i64 = 6 * 3600;

/// The offset in force, as a VTIMEZONE observance describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    /// Seconds east of UTC.
    offset: i32,
    daylight: bool,
    name: Option<String>,
}

fn state_at(tz: Tz, t: DateTime<Utc>) -> State {
    let offset = tz.offset_from_utc_datetime(&t.naive_utc());
    State {
        offset: offset.fix().local_minus_utc(),
        daylight: !offset.dst_offset().is_zero(),
        name: offset.abbreviation().map(str::to_owned),
    }
}

fn state_at_secs(tz: Tz, secs: i64) -> Option<State> {
    DateTime::from_timestamp(secs, 0).map(|t| state_at(tz, t))
}

/// The same offset for a calendar: only the UTC offset and the DST flag matter.
fn same(a: &State, b: &State) -> bool {
    a.offset == b.offset && a.daylight == b.daylight
}

/// One change of offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Transition {
    /// The first instant of the new offset.
    pub(crate) at: DateTime<Utc>,
    from: i32,
    to: State,
}

/// Every change of offset in `(lo, hi]`, in order.
pub(crate) fn transitions(tz: Tz, lo: DateTime<Utc>, hi: DateTime<Utc>) -> Vec<Transition> {
    let mut out = Vec::new();
    let (mut left, end) = (lo.timestamp(), hi.timestamp());
    let Some(mut before) = state_at_secs(tz, left) else { return out };
    while left < end {
        let right = (left + STEP_SECS).min(end);
        let Some(after) = state_at_secs(tz, right) else { break };
        if same(&before, &after) {
            left = right;
            continue;
        }
        // Bisect: `a` has the old offset, `b` the new one, until they are a second apart.
        let (mut a, mut b) = (left, right);
        while b - a > 1 {
            let mid = a + (b - a) / 2;
            match state_at_secs(tz, mid) {
                Some(s) if same(&s, &before) => a = mid,
                _ => b = mid,
            }
        }
        let (Some(at), Some(to)) = (DateTime::from_timestamp(b, 0), state_at_secs(tz, b)) else {
            break;
        };
        out.push(Transition { at, from: before.offset, to: to.clone() });
        // Go on from the change itself, in case another follows within the same step.
        before = to;
        left = b;
    }
    out
}

/// The period a VTIMEZONE should cover for events between `first` and `last`: from local
/// 1 January of the year before to 1 January two years after (a year on either side).
pub(crate) fn covering(
    tz: Tz,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let jan1 = |year: i32, fallback: DateTime<Utc>| {
        NaiveDate::from_ymd_opt(year, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(fallback, |wall| rfc_instant(wall, tz))
    };
    let lo = jan1(first.with_timezone(&tz).year() - 1, first - Duration::days(366));
    let hi = jan1(last.with_timezone(&tz).year() + 2, last + Duration::days(366));
    (lo, hi)
}

/// `+0800`, `-0430`, or `+053328` when the offset has seconds (historic local mean time).
fn offset_text(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    let (h, m, s) = (abs / 3600, abs / 60 % 60, abs % 60);
    if s == 0 { format!("{sign}{h:02}{m:02}") } else { format!("{sign}{h:02}{m:02}{s:02}") }
}

fn write_observance(lines: &mut Lines, at: DateTime<Utc>, from: i32, to: &State) {
    let kind = if to.daylight { "DAYLIGHT" } else { "STANDARD" };
    lines.begin(kind);
    // The onset as the clock showed it just before: in the old offset (RFC 5545 §3.6.5).
    let onset = at.naive_utc() + Duration::seconds(i64::from(from));
    lines.raw("DTSTART", &local_stamp(onset));
    lines.raw("TZOFFSETFROM", &offset_text(from));
    lines.raw("TZOFFSETTO", &offset_text(to.offset));
    if let Some(name) = &to.name {
        lines.text("TZNAME", name);
    }
    lines.end(kind);
}

/// Writes the VTIMEZONE for `tz` over `lo..hi`: the observance in force at `lo`, then one per
/// change.
pub(crate) fn write_vtimezone(lines: &mut Lines, tz: Tz, lo: DateTime<Utc>, hi: DateTime<Utc>) {
    lines.begin("VTIMEZONE");
    lines.text("TZID", tz.name());
    let initial = state_at(tz, lo);
    write_observance(lines, lo, initial.offset, &initial);
    for t in transitions(tz, lo, hi) {
        write_observance(lines, t.at, t.from, &t.to);
    }
    lines.end("VTIMEZONE");
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use chrono_tz::{America, Asia, Australia};

    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn new_york_2027_changes_at_two_in_the_morning() {
        let found = transitions(
            America::New_York,
            utc("2027-01-01T00:00:00Z"),
            utc("2028-01-01T00:00:00Z"),
        );
        let at: Vec<_> = found.iter().map(|t| t.at).collect();
        assert_eq!(at, [utc("2027-03-14T07:00:00Z"), utc("2027-11-07T06:00:00Z")]);
        assert_eq!(
            (found[0].from, found[0].to.offset, found[0].to.daylight),
            (-5 * 3600, -4 * 3600, true)
        );
        assert_eq!(found[0].to.name.as_deref(), Some("EDT"));
        assert_eq!(
            (found[1].from, found[1].to.offset, found[1].to.daylight),
            (-4 * 3600, -5 * 3600, false)
        );
    }

    #[test]
    fn shanghai_has_no_changes_and_lord_howe_moves_half_an_hour() {
        assert!(
            transitions(Asia::Shanghai, utc("2020-01-01T00:00:00Z"), utc("2030-01-01T00:00:00Z"))
                .is_empty()
        );
        let lh = transitions(
            Australia::Lord_Howe,
            utc("2026-01-01T00:00:00Z"),
            utc("2027-01-01T00:00:00Z"),
        );
        assert_eq!(lh.len(), 2);
        assert_eq!((lh[0].from, lh[0].to.offset), (11 * 3600, 37_800));
    }

    #[test]
    fn offsets_are_written_with_sign_and_seconds_only_when_needed() {
        assert_eq!(offset_text(8 * 3600), "+0800");
        assert_eq!(offset_text(-(4 * 3600 + 30 * 60)), "-0430");
        assert_eq!(offset_text(0), "+0000");
        assert_eq!(offset_text(5 * 3600 + 33 * 60 + 28), "+053328");
    }
}
