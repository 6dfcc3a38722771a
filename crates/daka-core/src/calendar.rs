//! The study calendar at a given moment: which day is today, whether yesterday is still open
//! (the grace window), which dates a punch-in may be for, and what kind of entry it is.
//!
//! Rules (DESIGN.md §4, research/streak-anchors.md §5.4):
//! * Yesterday can be logged with full credit until today's day start + 12 h (`late`).
//! * Between midnight and the day start the calendar date is already tomorrow's; the punch-in may
//!   then be for the study day still running (today) or for the calendar date (tomorrow).
//! * Older days may be backfilled (`backfill`); they count in the streak only when at most
//!   [`BACKFILL_STREAK_DAYS`] days old at entry, or when a monthly repair is spent (`makeup`).
//! * At a change of home zone or day start, a day's grace window closes only when both the old
//!   and the new reading say so (the later of the two is used).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::day::day_boundary;
use crate::day_rules::DayRules;
use crate::validation::Invalid;

/// How long after today's start yesterday stays open.
pub const GRACE_HOURS: i64 = 12;
/// Backfilled days at most this old (in study days, at entry) still count in the streak.
pub const BACKFILL_STREAK_DAYS: i64 = 2;
/// Repairs a user may spend per calendar month.
pub const REPAIRS_PER_MONTH: u32 = 2;
/// How far ahead leave or rest days may be planned.
pub const MAX_PLAN_AHEAD_DAYS: i64 = 366;

/// How an entry relates to the day it is for, frozen when it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// For the study day in progress (or tomorrow's, between midnight and the day start).
    Live,
    /// For yesterday, inside the grace window: full credit.
    Late,
    /// For an older day: counts in totals; in the streak only if recent enough.
    Backfill,
    /// A backfill that spent a monthly repair: counts in the streak.
    Makeup,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Live => "live",
            EntryKind::Late => "late",
            EntryKind::Backfill => "backfill",
            EntryKind::Makeup => "makeup",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "live" => EntryKind::Live,
            "late" => EntryKind::Late,
            "backfill" => EntryKind::Backfill,
            "makeup" => EntryKind::Makeup,
            _ => return None,
        })
    }

    /// Whether an entry of this kind for `date`, entered on study day `entered_on`, counts
    /// toward streaks.
    pub fn counts_for_streak(self, date: NaiveDate, entered_on: NaiveDate) -> bool {
        match self {
            EntryKind::Live | EntryKind::Late | EntryKind::Makeup => true,
            EntryKind::Backfill => (entered_on - date).num_days() <= BACKFILL_STREAK_DAYS,
        }
    }

    pub fn is_backfill(self) -> bool {
        matches!(self, EntryKind::Backfill | EntryKind::Makeup)
    }
}

/// The calendar as seen at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StudyMoment {
    pub now: DateTime<Utc>,
    /// The study day in progress.
    pub today: NaiveDate,
    /// The calendar date on the wall clock (one ahead of `today` before the day start).
    pub calendar_date: NaiveDate,
    /// Until when yesterday may still be logged with full credit.
    pub yesterday_open_until: DateTime<Utc>,
}

impl StudyMoment {
    pub fn at(rules: &DayRules, now: DateTime<Utc>) -> Self {
        let rule = rules.rule_at(now);
        let today = rules.logical_date(now);
        // The later of the readings of every rule in force in the last three days: a recent
        // change of zone or day start never closes yesterday earlier than before.
        let since = now - Duration::days(3);
        let open_until = rules
            .rules()
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                let next = rules.rules().get(i + 1).map(|n| n.effective_from);
                r.effective_from <= now && next.is_none_or(|n| n > since)
            })
            .map(|(_, r)| day_boundary(today, r.tz, r.day_start))
            .max()
            .unwrap_or_else(|| day_boundary(today, rule.tz, rule.day_start))
            + Duration::hours(GRACE_HOURS);
        Self {
            now,
            today,
            calendar_date: now.with_timezone(&rule.tz).date_naive(),
            yesterday_open_until: open_until,
        }
    }

    pub fn yesterday(&self) -> NaiveDate {
        self.today.pred_opt().unwrap_or(self.today)
    }

    pub fn yesterday_open(&self) -> bool {
        self.now < self.yesterday_open_until
    }

    /// A day that may still be completed: today, yesterday in its grace window, or later.
    pub fn is_open(&self, date: NaiveDate) -> bool {
        date >= self.today || (date == self.yesterday() && self.yesterday_open())
    }

    /// The latest date a punch-in may be for: today, or tomorrow between midnight and the
    /// day start (the calendar already shows tomorrow).
    pub fn latest_entry_date(&self) -> NaiveDate {
        self.calendar_date.max(self.today)
    }

    /// The dates the punch-in form offers, most likely first. Two dates mean the form must ask
    /// "for yesterday or for today?".
    pub fn entry_choices(&self) -> Vec<NaiveDate> {
        if self.calendar_date > self.today {
            vec![self.today, self.calendar_date]
        } else if self.yesterday_open() {
            vec![self.today, self.yesterday()]
        } else {
            vec![self.today]
        }
    }

    /// The kind an entry for `date` gets now; `repair` asks to spend a repair on an old day.
    pub fn entry_kind(&self, date: NaiveDate, repair: bool) -> Result<EntryKind, Invalid> {
        if date > self.latest_entry_date() {
            return Err(Invalid::DateInFuture { date });
        }
        if date >= self.today {
            return Ok(EntryKind::Live);
        }
        if date == self.yesterday() && self.yesterday_open() {
            return Ok(EntryKind::Late);
        }
        Ok(if repair { EntryKind::Makeup } else { EntryKind::Backfill })
    }

    /// Whether `date` may be marked as leave or rest without spending a repair: it must not
    /// have closed yet. Planning ahead is allowed up to a year.
    pub fn can_excuse(&self, date: NaiveDate) -> Result<(), Invalid> {
        if (date - self.today).num_days() > MAX_PLAN_AHEAD_DAYS {
            return Err(Invalid::DateInFuture { date });
        }
        if self.is_open(date) { Ok(()) } else { Err(Invalid::GraceClosed { date }) }
    }

    /// The calendar month repairs are counted in (the month of today).
    pub fn repair_month(&self) -> (i32, u32) {
        (self.today.year(), self.today.month())
    }
}

impl DayRules {
    /// Study dates between `from` and `to` (inclusive) that no instant belongs to: a jump east
    /// across a zone change skipped them. They are travel days, neutral for streaks.
    pub fn skipped_dates(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        for pair in self.rules().windows(2) {
            let switch = pair[1].effective_from;
            let before = self.logical_date(switch - Duration::seconds(1));
            let after = self.logical_date(switch);
            let mut d = before.succ_opt().unwrap_or(before);
            while d < after {
                if d >= from && d <= to {
                    out.push(d);
                }
                d = d.succ_opt().unwrap_or(after);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use chrono_tz::{Asia, Europe, Pacific};
    use rstest::rstest;

    use super::*;
    use crate::day::DayStart;
    use crate::day_rules::DayRule;
    use crate::ids::DayRuleId;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn shanghai() -> DayRules {
        DayRules::new(vec![DayRule {
            id: DayRuleId::generate(),
            effective_from: utc("2026-01-01T00:00:00Z"),
            tz: Asia::Shanghai,
            day_start: DayStart::DEFAULT,
        }])
        .unwrap()
    }

    #[rstest]
    fn before_the_day_start_the_form_offers_today_and_tomorrow() {
        let m = StudyMoment::at(&shanghai(), utc("2026-11-23T01:30:00+08:00"));
        assert_eq!(m.today, d("2026-11-22"));
        assert_eq!(m.entry_choices(), [d("2026-11-22"), d("2026-11-23")]);
        assert_eq!(m.entry_kind(d("2026-11-23"), false), Ok(EntryKind::Live));
        assert!(m.entry_kind(d("2026-11-24"), false).is_err());
    }

    #[rstest]
    #[case("2026-11-23T15:59:59+08:00", true)]
    #[case("2026-11-23T16:00:00+08:00", false)]
    fn yesterday_stays_open_until_day_start_plus_twelve_hours(
        #[case] at: &str,
        #[case] open: bool,
    ) {
        let m = StudyMoment::at(&shanghai(), utc(at));
        assert_eq!(m.yesterday_open(), open);
        assert_eq!(m.is_open(d("2026-11-22")), open);
        let kind = m.entry_kind(d("2026-11-22"), false).unwrap();
        assert_eq!(kind, if open { EntryKind::Late } else { EntryKind::Backfill });
        assert_eq!(m.entry_choices().len(), if open { 2 } else { 1 });
        assert_eq!(m.can_excuse(d("2026-11-22")).is_ok(), open);
    }

    #[rstest]
    fn backfill_counts_for_the_streak_only_when_recent() {
        let today = d("2026-11-23");
        assert!(EntryKind::Backfill.counts_for_streak(d("2026-11-21"), today));
        assert!(!EntryKind::Backfill.counts_for_streak(d("2026-11-20"), today));
        assert!(EntryKind::Makeup.counts_for_streak(d("2026-10-01"), today));
        assert!(EntryKind::Late.counts_for_streak(d("2026-11-22"), today));
    }

    #[rstest]
    fn a_recent_zone_change_keeps_the_later_grace_reading() {
        // Shanghai until the boundary of 2026-11-23 (04:00 +08 = 20:00Z on the 22nd), then
        // London, whose reading of the 23rd's start is later.
        let rules = DayRules::new(vec![
            DayRule {
                id: DayRuleId::generate(),
                effective_from: utc("2026-01-01T00:00:00Z"),
                tz: Asia::Shanghai,
                day_start: DayStart::DEFAULT,
            },
            DayRule {
                id: DayRuleId::generate(),
                effective_from: utc("2026-11-22T20:00:00Z"),
                tz: Europe::London,
                day_start: DayStart::DEFAULT,
            },
        ])
        .unwrap();
        // 2026-11-23 06:00 London: today is the 23rd under London.
        let m = StudyMoment::at(&rules, utc("2026-11-23T06:00:00Z"));
        assert_eq!(m.today, d("2026-11-23"));
        // Shanghai's reading: 23rd 04:00 +08 + 12 h = 23rd 08:00Z; London's: 23rd 04:00Z + 12 h.
        assert_eq!(m.yesterday_open_until, utc("2026-11-23T16:00:00Z"));
    }

    #[rstest]
    fn a_jump_east_skips_dates_which_become_travel_days() {
        // From Pago Pago (-11) to Kiritimati (+14) at a boundary: 25 hours ahead.
        let rules = DayRules::new(vec![
            DayRule {
                id: DayRuleId::generate(),
                effective_from: utc("2026-01-01T00:00:00Z"),
                tz: Pacific::Pago_Pago,
                day_start: DayStart::DEFAULT,
            },
            DayRule {
                id: DayRuleId::generate(),
                // 2026-03-02 04:00 -11 = 15:00Z
                effective_from: utc("2026-03-02T15:00:00Z"),
                tz: Pacific::Kiritimati,
                day_start: DayStart::DEFAULT,
            },
        ])
        .unwrap();
        // Just before the switch Pago Pago reads 03-02 03:59 (study day 03-01); at the switch
        // Kiritimati reads 03-03 05:00 (study day 03-03): 03-02 never happens.
        let skipped = rules.skipped_dates(d("2026-02-01"), d("2026-04-01"));
        let before = rules.logical_date(utc("2026-03-02T14:59:59Z"));
        let after = rules.logical_date(utc("2026-03-02T15:00:00Z"));
        assert_eq!((after - before).num_days() - 1, i64::try_from(skipped.len()).unwrap());
        assert_eq!(before, d("2026-03-01"));
        assert_eq!(after, d("2026-03-03"));
        assert_eq!(skipped, [d("2026-03-02")]);
    }
}
