//! The server's checks of one incoming mutation, the same for every backend.
//!
//! A refused mutation is not an error of the batch: it becomes a `Reject` verdict, is answered
//! `rejected` with a code, and still advances the device's sequence (Replicache's error mode),
//! so one bad record can never block a device's queue.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use daka_core::hlc::Hlc;
use daka_core::punch_in::{MAX_MINUTES_PER_DAY as MAX_MINUTES, MAX_NOTE_CHARS};
use daka_core::subject::{MAX_SUBJECT_NAME_CHARS, parse_color};
use daka_core::validation::single_line;
use daka_wire::{Mutation, PunchInBody, Record, RejectCode, SubjectBody};

use crate::model::{CheckedMutation, StoredRecord, Verdict};

/// How far a version's or creation time's clock may run ahead of the server's (Actual's
/// `maxDrift`). Older is fine: that is an offline edit.
pub const MAX_CLOCK_AHEAD: Duration = Duration::minutes(5);
/// How far back a dated record may be (backfills of the last year).
pub const MAX_DAYS_BACK: i64 = 400;
/// Most subjects one punch-in may list.
pub const MAX_SUBJECTS_PER_PUNCH_IN: usize = 30;

/// Checks a mutation; never fails, refusals are verdicts.
pub fn check(mutation: &Mutation, now: DateTime<Utc>) -> CheckedMutation {
    let verdict = match verdict(mutation, now) {
        Ok(record) => Verdict::Apply(record),
        Err(code) => Verdict::Reject(code),
    };
    CheckedMutation { device_seq: mutation.device_seq, version: mutation.version, verdict }
}

fn verdict(mutation: &Mutation, now: DateTime<Utc>) -> Result<StoredRecord, RejectCode> {
    if mutation.version <= 0 {
        return Err(RejectCode::Invalid);
    }
    let ahead_limit = (now + MAX_CLOCK_AHEAD).timestamp_millis();
    if Hlc::physical_millis(mutation.version) > ahead_limit {
        return Err(RejectCode::ClockAhead);
    }
    let record = &mutation.record;
    let (date, body) = match record {
        Record::PunchIn { body: Some(b), .. } => (Some(punch_in(b, now)?), json(b)?),
        Record::Subject { body: Some(b), .. } => (None, json(&subject(b)?)?),
        Record::DayMark { body: Some(b), .. } => {
            in_window(b.date, now.date_naive(), 1)?;
            (Some(b.date), json(b)?)
        }
        Record::PunchIn { body: None, .. }
        | Record::Subject { body: None, .. }
        | Record::DayMark { body: None, .. } => {
            return Ok(StoredRecord {
                id: record.id(),
                kind: record.kind(),
                date: None,
                body: None,
            });
        }
    };
    Ok(StoredRecord { id: record.id(), kind: record.kind(), date, body: Some(body) })
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, RejectCode> {
    serde_json::to_string(value).map_err(|_| RejectCode::Invalid)
}

/// Checks a punch-in and answers its date.
fn punch_in(body: &PunchInBody, now: DateTime<Utc>) -> Result<NaiveDate, RejectCode> {
    let tz: chrono_tz::Tz = body.tz.parse().map_err(|_| RejectCode::Invalid)?;
    if body.created_utc > now + MAX_CLOCK_AHEAD {
        return Err(RejectCode::ClockAhead);
    }
    // The member's own today: a date is "tomorrow" only in their zone.
    in_window(body.date, now.with_timezone(&tz).date_naive(), 1)?;
    if body.minutes.len() > MAX_SUBJECTS_PER_PUNCH_IN {
        return Err(RejectCode::Invalid);
    }
    let mut total: u32 = 0;
    for (i, entry) in body.minutes.iter().enumerate() {
        if entry.minutes > MAX_MINUTES
            || body.minutes[..i].iter().any(|e| e.subject_id == entry.subject_id)
        {
            return Err(RejectCode::Invalid);
        }
        total = total.saturating_add(entry.minutes);
    }
    if total > MAX_MINUTES {
        return Err(RejectCode::Invalid);
    }
    if let Some(note) = &body.note
        && note.chars().count() > MAX_NOTE_CHARS
    {
        return Err(RejectCode::Invalid);
    }
    if body.photos.len() > daka_wire::MAX_PHOTOS
        || body.photos.iter().enumerate().any(|(i, p)| body.photos[..i].contains(p))
    {
        return Err(RejectCode::Invalid);
    }
    Ok(body.date)
}

/// Dates from `MAX_DAYS_BACK` before `today` to `days_ahead` after it.
fn in_window(date: NaiveDate, today: NaiveDate, days_ahead: i64) -> Result<(), RejectCode> {
    let earliest = today - Duration::days(MAX_DAYS_BACK);
    let latest = today + Duration::days(days_ahead);
    if date < earliest || date > latest {
        return Err(RejectCode::DateOutOfWindow);
    }
    Ok(())
}

/// Checks and normalizes a subject (trimmed name, lower-case `#rrggbb`).
fn subject(body: &SubjectBody) -> Result<SubjectBody, RejectCode> {
    let name = single_line(&body.name, MAX_SUBJECT_NAME_CHARS).map_err(|_| RejectCode::Invalid)?;
    if name.is_empty() {
        return Err(RejectCode::Invalid);
    }
    let color = parse_color(&body.color).map_err(|_| RejectCode::Invalid)?;
    Ok(SubjectBody { name, color })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use daka_wire::SubjectMinutes;
    use rstest::rstest;
    use uuid::Uuid;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap()
    }

    fn version_at(t: DateTime<Utc>) -> i64 {
        t.timestamp_millis() << 16
    }

    fn punch(date: &str, minutes: &[u32], note: Option<String>) -> Mutation {
        let body = PunchInBody {
            date: date.parse().unwrap(),
            created_utc: now(),
            tz: "Asia/Shanghai".into(),
            minutes: minutes
                .iter()
                .map(|&m| SubjectMinutes { subject_id: Uuid::now_v7(), minutes: m })
                .collect(),
            note,
            mood: None,
            photos: vec![],
        };
        Mutation {
            device_seq: 1,
            mutation_id: Uuid::now_v7(),
            version: version_at(now()),
            record: Record::PunchIn { id: Uuid::now_v7(), body: Some(body) },
        }
    }

    fn code(m: &Mutation) -> Option<RejectCode> {
        match check(m, now()).verdict {
            Verdict::Apply(_) => None,
            Verdict::Reject(code) => Some(code),
        }
    }

    #[rstest]
    #[case::today("2026-12-06", &[60, 30], None)]
    #[case::tomorrow_in_shanghai("2026-12-07", &[60], None)]
    #[case::a_year_back("2025-12-06", &[1440], None)]
    #[case::too_old("2025-10-01", &[60], Some(RejectCode::DateOutOfWindow))]
    #[case::too_far_ahead("2026-12-08", &[60], Some(RejectCode::DateOutOfWindow))]
    #[case::a_billion_minutes("2026-12-06", &[1_000_000_000], Some(RejectCode::Invalid))]
    #[case::more_than_a_day_in_all("2026-12-06", &[1000, 441], Some(RejectCode::Invalid))]
    fn punch_ins_are_checked(
        #[case] date: &str,
        #[case] minutes: &[u32],
        #[case] expected: Option<RejectCode>,
    ) {
        assert_eq!(code(&punch(date, minutes, None)), expected);
    }

    #[rstest]
    fn a_note_may_have_2000_characters_not_2001() {
        assert_eq!(code(&punch("2026-12-06", &[1], Some("字".repeat(2000)))), None);
        assert_eq!(
            code(&punch("2026-12-06", &[1], Some("字".repeat(2001)))),
            Some(RejectCode::Invalid)
        );
    }

    #[rstest]
    fn nine_distinct_photos_pass_ten_or_a_repeat_do_not() {
        let with = |photos: Vec<Uuid>| {
            let mut m = punch("2026-12-06", &[1], None);
            if let Record::PunchIn { body: Some(b), .. } = &mut m.record {
                b.photos = photos;
            }
            code(&m)
        };
        let nine: Vec<Uuid> = (0..9).map(|_| Uuid::now_v7()).collect();
        assert_eq!(with(nine.clone()), None);
        let mut ten = nine.clone();
        ten.push(Uuid::now_v7());
        assert_eq!(with(ten), Some(RejectCode::Invalid));
        assert_eq!(with(vec![nine[0], nine[0]]), Some(RejectCode::Invalid));
    }

    #[rstest]
    fn versions_from_the_future_are_refused_but_old_ones_are_fine() {
        let mut m = punch("2026-12-06", &[1], None);
        m.version = version_at(now() + Duration::minutes(6));
        assert_eq!(code(&m), Some(RejectCode::ClockAhead));
        m.version = version_at(now() - Duration::days(30));
        assert_eq!(code(&m), None);
        m.version = -5;
        assert_eq!(code(&m), Some(RejectCode::Invalid));
    }

    #[rstest]
    fn a_subject_gets_a_trimmed_name_and_a_normal_colour() {
        let m = Mutation {
            device_seq: 1,
            mutation_id: Uuid::now_v7(),
            version: version_at(now()),
            record: Record::Subject {
                id: Uuid::now_v7(),
                body: Some(SubjectBody { name: " 数学一 ".into(), color: "#ABC".into() }),
            },
        };
        let Verdict::Apply(record) = check(&m, now()).verdict else { panic!("refused") };
        assert_eq!(record.body.as_deref(), Some(r##"{"name":"数学一","color":"#aabbcc"}"##));
    }

    #[rstest]
    fn a_delete_needs_no_body() {
        let mut m = punch("2026-12-06", &[1], None);
        m.record = Record::PunchIn { id: m.record.id(), body: None };
        let Verdict::Apply(record) = check(&m, now()).verdict else { panic!("refused") };
        assert_eq!(record.body, None);
    }
}
