//! The rules of a punch-in form and of leave/rest/repair marks.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{EntryKind, REPAIRS_PER_MONTH, StudyMoment};
use crate::goal::{Goal, Measure};
use crate::ids::{GoalId, PhotoId, PunchInId, SubjectId};
use crate::journal::{DayMark, Journal, Mood, SubjectMinutes};
use crate::validation::{Invalid, ValidationErrors, parse_date};

/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 2_000;
/// A day has 1,440 minutes; all punch-ins of a day together cannot record more.
pub const MAX_MINUTES_PER_DAY: u32 = 24 * 60;
/// Photos per punch-in (a WeChat Moments post holds nine).
pub const MAX_PHOTOS: usize = 9;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MinutesInput {
    pub subject_id: String,
    pub minutes: Option<f64>,
}

/// The punch-in form. On edit (`id` set) the date and kind stay as first recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PunchInInput {
    pub id: Option<String>,
    /// `YYYY-MM-DD`, one of the dates the form offered (or an older day to backfill).
    pub date: String,
    /// Spend one of this month's repairs so an old backfill counts in the streak.
    pub repair: bool,
    pub minutes: Vec<MinutesInput>,
    /// Count goals ticked as done.
    pub goals_done: Vec<String>,
    pub note: String,
    pub mood: Option<Mood>,
    /// Photos picked in the form (ids from `add_photos`), in display order. On edit, the full
    /// new list: photos left out are removed.
    #[serde(default)]
    pub photos: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPunchIn {
    /// `None` for a new punch-in.
    pub id: Option<PunchInId>,
    pub date: NaiveDate,
    pub kind: EntryKind,
    pub minutes: Vec<SubjectMinutes>,
    /// Count goals to bring to their target on `date`.
    pub goals_done: Vec<GoalId>,
    pub note: String,
    pub mood: Option<Mood>,
    /// Photo ids, at most [`MAX_PHOTOS`], each once. Whether they exist is the store's check.
    pub photos: Vec<PhotoId>,
}

/// Checks a note: at most 2,000 characters, line breaks (normalized to \n) and tabs allowed, other control
/// characters not. Surrounding whitespace is trimmed.
pub fn validate_note(note: &str) -> Result<String, Invalid> {
    let note = note.trim();
    if note.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Invalid::ControlCharacters);
    }
    // Count without walking a huge string twice: stop once past the limit.
    let actual = note.chars().take(MAX_NOTE_CHARS + 1).count();
    if actual > MAX_NOTE_CHARS {
        return Err(Invalid::TooLong { max: MAX_NOTE_CHARS, actual: note.chars().count() });
    }
    Ok(note.replace("\r\n", "\n"))
}

fn minutes_value(v: Option<f64>) -> Result<u32, Invalid> {
    let range = Invalid::QuantityOutOfRange { min: 0, max: MAX_MINUTES_PER_DAY };
    match v {
        None => Ok(0),
        Some(v)
            if v.is_finite()
                && v.fract() == 0.0
                && (0.0..=f64::from(MAX_MINUTES_PER_DAY)).contains(&v) =>
        {
            // Integral and in range, checked just above.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Ok(v as u32)
        }
        Some(_) => Err(range),
    }
}

/// Checks a punch-in against the calendar at `moment`, the live subjects and goals, and what
/// the journal already holds for that day.
pub fn validate_punch_in(
    input: &PunchInInput,
    moment: &StudyMoment,
    subjects: &[SubjectId],
    goals: &[Goal],
    journal: &Journal,
) -> Result<ValidPunchIn, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    // Which punch-in, which day, which kind.
    let existing = match input.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(raw) => match raw.parse::<PunchInId>().ok().and_then(|id| journal.punch_in(id)) {
            Some(p) => Some(Some(p)),
            None => {
                errors.push("id", Invalid::UnknownId { value: raw.to_owned() });
                None
            }
        },
    };
    let day_and_kind = match existing {
        Some(Some(p)) => Some((p.date, p.kind)),
        Some(None) => errors.check("date", parse_date(&input.date)).and_then(|date| {
            errors.check("date", entry_kind(moment, date, input.repair, journal)).map(|k| (date, k))
        }),
        None => None,
    };

    // Minutes: known subjects, each once, whole minutes, within a day.
    let known: HashSet<SubjectId> = subjects.iter().copied().collect();
    let mut seen = HashSet::new();
    let mut minutes = Vec::new();
    for (i, m) in input.minutes.iter().enumerate() {
        let subject = match m.subject_id.parse::<SubjectId>() {
            Ok(s) if known.contains(&s) && seen.insert(s) => Some(s),
            _ => {
                errors.push(
                    format!("minutes.{i}"),
                    Invalid::UnknownId { value: m.subject_id.clone() },
                );
                None
            }
        };
        let value = errors.check(format!("minutes.{i}"), minutes_value(m.minutes));
        if let (Some(subject_id), Some(minutes_value)) = (subject, value)
            && minutes_value > 0
        {
            minutes.push(SubjectMinutes { subject_id, minutes: minutes_value });
        }
    }
    if let Some((date, _)) = day_and_kind {
        let others = journal.minutes_on(date, existing.flatten().map(|p| p.id));
        let total: u32 = minutes.iter().map(|m| m.minutes).sum();
        if others + total > MAX_MINUTES_PER_DAY {
            errors.push(
                "minutes",
                Invalid::QuantityOutOfRange {
                    min: 0,
                    max: MAX_MINUTES_PER_DAY.saturating_sub(others),
                },
            );
        }
    }

    // Goals: live count goals active on that day.
    let mut goals_done = Vec::new();
    for (i, raw) in input.goals_done.iter().enumerate() {
        let goal = raw.parse::<GoalId>().ok().and_then(|id| goals.iter().find(|g| g.id == id));
        match (goal, day_and_kind) {
            (Some(g), Some((date, _))) if g.measure == Measure::Count && g.is_active_on(date) => {
                if !goals_done.contains(&g.id) {
                    goals_done.push(g.id);
                }
            }
            (_, None) => {}
            _ => errors.push(format!("goals_done.{i}"), Invalid::UnknownId { value: raw.clone() }),
        }
    }

    let mut photos = Vec::new();
    if input.photos.len() > MAX_PHOTOS {
        errors.push("photos", Invalid::TooManyPhotos { max: MAX_PHOTOS });
    }
    for (i, raw) in input.photos.iter().enumerate() {
        match raw.parse::<PhotoId>() {
            Ok(id) if !photos.contains(&id) => photos.push(id),
            _ => errors.push(format!("photos.{i}"), Invalid::UnknownId { value: raw.clone() }),
        }
    }

    let note = errors.check("note", validate_note(&input.note));
    if let Some(note) = &note
        && minutes.is_empty()
        && goals_done.is_empty()
        && photos.is_empty()
        && note.is_empty()
    {
        errors.push("minutes", Invalid::EmptyPunchIn);
    }
    match (day_and_kind, note) {
        (Some((date, kind)), Some(note)) if errors.is_empty() => Ok(ValidPunchIn {
            id: existing.flatten().map(|p| p.id),
            date,
            kind,
            minutes,
            goals_done,
            note,
            mood: input.mood,
            photos,
        }),
        _ => Err(errors),
    }
}

/// The kind of a new entry for `date`; a repair is spent only where one is needed and left.
fn entry_kind(
    moment: &StudyMoment,
    date: NaiveDate,
    repair: bool,
    journal: &Journal,
) -> Result<EntryKind, Invalid> {
    let kind = moment.entry_kind(date, repair)?;
    if kind == EntryKind::Makeup {
        if EntryKind::Backfill.counts_for_streak(date, moment.today) {
            // Recent enough to count anyway: do not spend a repair on it.
            return Ok(EntryKind::Backfill);
        }
        let (year, month) = moment.repair_month();
        if journal.repairs_used(year, month) >= REPAIRS_PER_MONTH {
            return Err(Invalid::NoRepairsLeft);
        }
    }
    Ok(kind)
}

/// Checks marking `date` as leave, rest or repaired.
///
/// Leave and rest must be marked before the day's grace window closes (planning ahead is fine).
/// A day already closed can only be excused by spending a repair, and only one is needed per day.
pub fn validate_day_mark(
    date: &str,
    mark: DayMark,
    moment: &StudyMoment,
    journal: &Journal,
) -> Result<NaiveDate, ValidationErrors> {
    let date = parse_date(date).map_err(|e| ValidationErrors::single("date", e))?;
    let result = match mark {
        DayMark::Leave | DayMark::Rest => moment.can_excuse(date),
        DayMark::Repair => {
            let (year, month) = moment.repair_month();
            if moment.is_open(date) {
                // Still open: plain leave or rest applies, no repair needed.
                moment.can_excuse(date)
            } else if journal.status_on(date).is_some_and(|s| s.mark == DayMark::Repair) {
                Ok(())
            } else if journal.repairs_used(year, month) >= REPAIRS_PER_MONTH {
                Err(Invalid::NoRepairsLeft)
            } else {
                Ok(())
            }
        }
    };
    result.map(|()| date).map_err(|e| ValidationErrors::single("date", e))
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use rstest::rstest;

    use super::*;
    use crate::day::DayStart;
    use crate::day_rules::{DayRule, DayRules};
    use crate::ids::DayRuleId;
    use crate::schedule::Schedule;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn moment(at: &str) -> StudyMoment {
        let rules = DayRules::new(vec![DayRule {
            id: DayRuleId::generate(),
            effective_from: utc("2026-01-01T00:00:00Z"),
            tz: chrono_tz::Asia::Shanghai,
            day_start: DayStart::DEFAULT,
        }])
        .unwrap();
        StudyMoment::at(&rules, utc(at))
    }

    struct World {
        subjects: Vec<SubjectId>,
        goals: Vec<Goal>,
        journal: Journal,
    }

    fn world() -> World {
        let goal = Goal {
            id: GoalId::generate(),
            title: "背单词".into(),
            unit: "个".into(),
            target: 20,
            measure: Measure::Count,
            subject_id: None,
            schedule: Schedule::Daily,
            active_from: "2026-11-01".parse().unwrap(),
            active_until: None,
            archived: false,
            position: 0,
        };
        World {
            subjects: vec![SubjectId::generate(), SubjectId::generate()],
            goals: vec![goal],
            journal: Journal::default(),
        }
    }

    fn input(w: &World, date: &str) -> PunchInInput {
        PunchInInput {
            id: None,
            date: date.into(),
            repair: false,
            minutes: vec![MinutesInput {
                subject_id: w.subjects[0].to_string(),
                minutes: Some(90.0),
            }],
            goals_done: vec![w.goals[0].id.to_string()],
            note: "  今天背了 20 个单词\r\n  ".into(),
            mood: Some(Mood::Good),
            photos: vec![],
        }
    }

    fn check(w: &World, i: &PunchInInput, at: &str) -> Result<ValidPunchIn, ValidationErrors> {
        validate_punch_in(i, &moment(at), &w.subjects, &w.goals, &w.journal)
    }

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.errors().iter().map(|f| f.field.as_str()).collect()
    }

    #[rstest]
    fn a_good_punch_in() {
        let w = world();
        let v = check(&w, &input(&w, "2026-11-22"), "2026-11-22T20:00:00+08:00").unwrap();
        assert_eq!(v.kind, EntryKind::Live);
        assert_eq!(v.minutes, [SubjectMinutes { subject_id: w.subjects[0], minutes: 90 }]);
        assert_eq!(v.note, "今天背了 20 个单词");
        assert_eq!(v.goals_done, [w.goals[0].id]);
    }

    #[rstest]
    #[case("2026-11-21", Ok(EntryKind::Late))]
    #[case("2026-11-20", Ok(EntryKind::Backfill))]
    #[case("2026-11-23", Err(()))]
    #[case("2026-02-30", Err(()))]
    fn dates_get_their_kind(#[case] date: &str, #[case] expected: Result<EntryKind, ()>) {
        let w = world();
        let got = check(&w, &input(&w, date), "2026-11-22T10:00:00+08:00");
        assert_eq!(got.map(|v| v.kind).map_err(|_| ()), expected);
    }

    #[rstest]
    fn repairs_are_spent_only_when_needed_and_limited_to_two_a_month() {
        let mut w = world();
        let mut i = input(&w, "2026-11-20");
        i.repair = true;
        let at = "2026-11-22T10:00:00+08:00";
        assert_eq!(
            check(&w, &i, at).unwrap().kind,
            EntryKind::Backfill,
            "2 days old counts anyway"
        );
        i.date = "2026-11-10".into();
        assert_eq!(check(&w, &i, at).unwrap().kind, EntryKind::Makeup);
        for day in ["2026-11-05", "2026-11-06"] {
            w.journal.punch_ins.push(crate::journal::PunchIn {
                id: PunchInId::generate(),
                date: day.parse().unwrap(),
                kind: EntryKind::Makeup,
                entered_on: "2026-11-21".parse().unwrap(),
                tz: "Asia/Shanghai".into(),
                utc_offset_min: 480,
                day_start_min: 240,
                created_utc: utc(at),
                minutes: vec![],
                note: "x".into(),
                mood: None,
            });
        }
        let err = check(&w, &i, at).unwrap_err();
        assert_eq!(err.errors()[0].error, Invalid::NoRepairsLeft);
    }

    #[rstest]
    fn hostile_minutes_notes_and_ids_are_refused() {
        let w = world();
        let mut i = input(&w, "2026-11-22");
        i.minutes = vec![
            MinutesInput { subject_id: w.subjects[0].to_string(), minutes: Some(-5.0) },
            MinutesInput { subject_id: w.subjects[1].to_string(), minutes: Some(1e12) },
            MinutesInput { subject_id: "nope".into(), minutes: Some(10.0) },
            MinutesInput { subject_id: w.subjects[1].to_string(), minutes: Some(10.0) },
        ];
        i.goals_done = vec!["garbage".into()];
        i.note = "长".repeat(100_000);
        let err = check(&w, &i, "2026-11-22T20:00:00+08:00").unwrap_err();
        assert_eq!(
            fields(&err),
            ["minutes.0", "minutes.1", "minutes.2", "minutes.3", "goals_done.0", "note"]
        );
        assert_eq!(err.errors()[5].error, Invalid::TooLong { max: 2000, actual: 100_000 });
    }

    #[rstest]
    fn a_day_holds_at_most_24_hours_across_punch_ins() {
        let mut w = world();
        let at = "2026-11-22T20:00:00+08:00";
        let mut first = input(&w, "2026-11-22");
        first.minutes[0].minutes = Some(1400.0);
        assert!(check(&w, &first, at).is_ok());
        w.journal.punch_ins.push(crate::journal::PunchIn {
            id: PunchInId::generate(),
            date: "2026-11-22".parse().unwrap(),
            kind: EntryKind::Live,
            entered_on: "2026-11-22".parse().unwrap(),
            tz: "Asia/Shanghai".into(),
            utc_offset_min: 480,
            day_start_min: 240,
            created_utc: utc(at),
            minutes: vec![SubjectMinutes { subject_id: w.subjects[0], minutes: 1000 }],
            note: String::new(),
            mood: None,
        });
        let err = check(&w, &first, at).unwrap_err();
        assert_eq!(err.errors()[0].error, Invalid::QuantityOutOfRange { min: 0, max: 440 });
        // Editing that punch-in does not count its own minutes twice.
        let mut edit = first.clone();
        edit.id = Some(w.journal.punch_ins[0].id.to_string());
        assert!(check(&w, &edit, at).is_ok());
    }

    #[rstest]
    fn an_empty_punch_in_is_refused() {
        let w = world();
        let i = PunchInInput {
            id: None,
            date: "2026-11-22".into(),
            repair: false,
            minutes: vec![],
            goals_done: vec![],
            note: "   ".into(),
            mood: Some(Mood::Okay),
            photos: vec![],
        };
        let err = check(&w, &i, "2026-11-22T20:00:00+08:00").unwrap_err();
        assert_eq!(err.errors()[0].error, Invalid::EmptyPunchIn);
    }

    #[rstest]
    fn notes_keep_line_breaks_but_not_other_controls() {
        assert_eq!(validate_note("a\r\nb\tc").unwrap(), "a\nb\tc");
        assert_eq!(validate_note("a\u{0}b"), Err(Invalid::ControlCharacters));
        assert!(validate_note(&"x".repeat(2000)).is_ok());
    }

    #[rstest]
    fn leave_must_come_before_the_window_closes_else_a_repair() {
        let w = world();
        let m = moment("2026-11-22T17:00:00+08:00"); // yesterday closed at 16:00
        assert!(validate_day_mark("2026-11-22", DayMark::Leave, &m, &w.journal).is_ok());
        assert!(validate_day_mark("2026-12-01", DayMark::Rest, &m, &w.journal).is_ok());
        let err = validate_day_mark("2026-11-21", DayMark::Leave, &m, &w.journal).unwrap_err();
        assert!(matches!(err.errors()[0].error, Invalid::GraceClosed { .. }));
        assert!(validate_day_mark("2026-11-21", DayMark::Repair, &m, &w.journal).is_ok());
        assert!(validate_day_mark("2028-01-01", DayMark::Leave, &m, &w.journal).is_err());
    }
}
