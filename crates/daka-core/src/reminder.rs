//! The daily punch-in reminder: when it is due, and whether to send it.
//!
//! The user picks a wall-clock time in their home zone. For study day `D` the reminder rings at
//! the first instant that clock time is shown *inside* `D`: a time at or after the day start is
//! on calendar date `D`, an earlier one (a night owl's 01:30 with the day starting at 04:00) on
//! `D + 1`, because that is still `D`'s evening. Around DST:
//!
//! * a time inside a skipped hour rings at the first instant after the gap (02:30 on a
//!   02:00→03:00 night rings at 03:00), so the reminder is late, never lost;
//! * a time inside a repeated hour rings at its first occurrence, so it never rings twice.
//!
//! Whether to ring is decided once per study day by [`ReminderWatch`]: when the due instant has
//! passed, ring unless the day is already punched in or excused (leave or rest). A reminder
//! missed while the computer slept or Daka was closed rings once on return, as long as its study
//! day is still open; one set for a time already past today starts tomorrow.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::day::{ClockTime, DayStart, day_boundary, first_instant_at_or_after};
use crate::lang::Lang;

/// The punch-in reminder time, local wall clock in the home zone.
pub type ReminderTime = ClockTime;

/// The instant the reminder for study day `date` is due, in zone `tz` with day start
/// `day_start`. Always inside the study day: at or after its boundary, before the next one.
pub fn due_at(date: NaiveDate, tz: Tz, day_start: DayStart, at: ReminderTime) -> DateTime<Utc> {
    let calendar_date = if at.minutes() >= u32::from(day_start.minutes()) {
        date
    } else {
        date.succ_opt().unwrap_or(date)
    };
    let wall = calendar_date.and_time(at.time());
    let due = match tz.from_local_datetime(&wall) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => first_instant_at_or_after(wall, tz),
    };
    // A reminder at exactly the day start, when that wall time repeats, would fall on its first
    // occurrence — still the previous study day (the boundary is the second one). Keep it in `D`.
    let start = day_boundary(date, tz, day_start);
    let end = day_boundary(date.succ_opt().unwrap_or(date), tz, day_start);
    due.max(start).min(end - Duration::seconds(1))
}

/// Remembers which study day's reminder has been dealt with, so each day rings at most once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReminderWatch {
    handled: Option<NaiveDate>,
}

impl ReminderWatch {
    pub fn new() -> Self {
        Self::default()
    }

    /// A watch that already dealt with `handled` (remembered across restarts, so reopening
    /// Daka in the evening does not ring again).
    pub fn resumed(handled: Option<NaiveDate>) -> Self {
        Self { handled }
    }

    /// The last study day whose reminder was dealt with.
    pub fn handled(&self) -> Option<NaiveDate> {
        self.handled
    }

    /// Call when the reminder is turned on or its time changes: a time that has already passed
    /// in the current study day waits until the next one instead of ringing at once.
    pub fn rearm(&mut self, today: NaiveDate, due_today: DateTime<Utc>, now: DateTime<Utc>) {
        self.handled = (now >= due_today).then_some(today);
    }

    /// Whether study day `today`'s reminder is due and not yet dealt with.
    pub fn is_pending(&self, today: NaiveDate, due: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        self.handled != Some(today) && now >= due
    }

    /// Whether to ring now for study day `today` (due at `due`). `settled` is true when the day
    /// is punched in or excused; such a day is dealt with silently.
    pub fn poll(
        &mut self,
        today: NaiveDate,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
        settled: bool,
    ) -> bool {
        if !self.is_pending(today, due, now) {
            return false;
        }
        self.handled = Some(today);
        !settled
    }
}

/// What the notification says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderText {
    pub title: String,
    pub body: String,
}

/// The reminder's words: gentle, about today, mentioning the streak at stake or, after a missed
/// day, "never miss twice" (the one rule that matters most for getting back on track).
pub fn reminder_text(lang: Lang, current_streak: u32, missed_yesterday: bool) -> ReminderText {
    let (title, body) = match lang {
        Lang::ZhCn => (
            "该打卡了".to_owned(),
            if missed_yesterday {
                "昨天断了一天，今天别再错过：学了多少都记一笔。".to_owned()
            } else if current_streak > 0 {
                format!("已连续打卡 {current_streak} 天，今天也记一笔吧。")
            } else {
                "今天还没有打卡，学了多少都记一笔吧。".to_owned()
            },
        ),
        Lang::En => (
            "Time to punch in".to_owned(),
            if missed_yesterday {
                "Yesterday slipped. Never miss twice: note down today's study, however little."
                    .to_owned()
            } else if current_streak > 0 {
                let days = if current_streak == 1 { "day" } else { "days" };
                format!(
                    "{current_streak} {days} in a row. Note down today's study to keep it going."
                )
            } else {
                "You haven't punched in today. Note down what you studied, however little."
                    .to_owned()
            },
        ),
    };
    ReminderText { title, body }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::logical_date;
    use chrono_tz::Tz;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn at(s: &str) -> ReminderTime {
        ReminderTime::parse(s).unwrap()
    }

    fn start(s: &str) -> DayStart {
        DayStart::parse(s).unwrap()
    }

    #[test]
    fn the_words_follow_the_language_and_the_streak() {
        assert_eq!(reminder_text(Lang::ZhCn, 12, false).body, "已连续打卡 12 天，今天也记一笔吧。");
        assert_eq!(
            reminder_text(Lang::En, 1, false).body.split('.').next(),
            Some("1 day in a row")
        );
        assert!(reminder_text(Lang::ZhCn, 0, true).body.contains("别再错过"));
        assert!(reminder_text(Lang::En, 0, false).title.contains("punch in"));
    }

    #[test]
    fn an_evening_reminder_rings_on_the_same_date() {
        let due = due_at(d("2026-11-22"), Tz::Asia__Shanghai, start("04:00"), at("21:30"));
        assert_eq!(due, utc("2026-11-22T21:30:00+08:00"));
    }

    #[test]
    fn a_time_before_the_day_start_belongs_to_the_night_after() {
        let due = due_at(d("2026-11-22"), Tz::Asia__Shanghai, start("04:00"), at("01:30"));
        assert_eq!(due, utc("2026-11-23T01:30:00+08:00"));
        assert_eq!(logical_date(due, Tz::Asia__Shanghai, start("04:00")), d("2026-11-22"));
    }

    #[test]
    fn a_time_in_the_spring_forward_gap_rings_when_the_gap_ends() {
        // New York, 2026-03-08: 02:00 → 03:00.
        let due = due_at(d("2026-03-08"), Tz::America__New_York, DayStart::MIDNIGHT, at("02:30"));
        assert_eq!(due, utc("2026-03-08T03:00:00-04:00"));
    }

    #[test]
    fn a_time_in_the_repeated_hour_rings_once_at_its_first_occurrence() {
        // New York, 2026-11-01: 01:00–02:00 happens twice.
        let due = due_at(d("2026-11-01"), Tz::America__New_York, DayStart::MIDNIGHT, at("01:30"));
        assert_eq!(due, utc("2026-11-01T01:30:00-04:00"));
    }

    #[test]
    fn lord_howe_half_hour_shift() {
        // Lord Howe, 2026-10-04: 02:00 → 02:30.
        let due =
            due_at(d("2026-10-04"), Tz::Australia__Lord_Howe, DayStart::MIDNIGHT, at("02:15"));
        assert_eq!(due, utc("2026-10-04T02:30:00+11:00"));
    }

    #[test]
    fn a_reminder_at_a_repeated_day_start_stays_in_its_own_day() {
        // London, 2026-10-25: 01:00–02:00 twice; the day starting at 01:30 begins at the second.
        let tz = Tz::Europe__London;
        let day_start = start("01:30");
        let due = due_at(d("2026-10-25"), tz, day_start, at("01:30"));
        assert_eq!(due, utc("2026-10-25T01:30:00+00:00"));
        assert_eq!(logical_date(due, tz, day_start), d("2026-10-25"));
    }

    #[test]
    fn every_due_instant_lies_in_its_study_day() {
        let zones = [
            Tz::Asia__Shanghai,
            Tz::Europe__London,
            Tz::America__Sao_Paulo,
            Tz::Australia__Lord_Howe,
            Tz::Asia__Kathmandu,
            Tz::Pacific__Apia,
            Tz::America__New_York,
        ];
        let mut checked = 0;
        for tz in zones {
            for day_start in [0, 90, 150, 240, 360] {
                let day_start = DayStart::from_minutes(day_start).unwrap();
                for minutes in (0..24 * 60).step_by(30) {
                    let at = ReminderTime::from_minutes(minutes).unwrap();
                    let mut date = d("2011-12-25");
                    while date < d("2012-01-05") {
                        let next = date.succ_opt().unwrap();
                        // Apia skipped 2011-12-30 entirely: no study day, no reminder.
                        if day_boundary(date, tz, day_start) == day_boundary(next, tz, day_start) {
                            date = next;
                            continue;
                        }
                        let due = due_at(date, tz, day_start, at);
                        assert_eq!(logical_date(due, tz, day_start), date, "{tz} {date} {at}");
                        checked += 1;
                        date = next;
                    }
                    for date in [d("2026-03-08"), d("2026-03-29"), d("2026-10-04"), d("2026-10-25")]
                    {
                        let due = due_at(date, tz, day_start, at);
                        assert_eq!(logical_date(due, tz, day_start), date, "{tz} {date} {at}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 20_000);
    }

    #[test]
    fn the_watch_rings_once_a_day_and_not_when_settled() {
        let due = utc("2026-11-22T21:00:00+08:00");
        let today = d("2026-11-22");
        let mut watch = ReminderWatch::new();
        assert!(!watch.poll(today, due, utc("2026-11-22T20:59:59+08:00"), false));
        assert!(watch.poll(today, due, utc("2026-11-22T21:00:00+08:00"), false));
        assert!(!watch.poll(today, due, utc("2026-11-22T21:00:30+08:00"), false));

        let tomorrow = d("2026-11-23");
        let due2 = utc("2026-11-23T21:00:00+08:00");
        // Punched in (or on leave) before the time: nothing, and nothing later that day either.
        assert!(!watch.poll(tomorrow, due2, utc("2026-11-23T21:00:10+08:00"), true));
        assert!(!watch.poll(tomorrow, due2, utc("2026-11-23T22:00:00+08:00"), false));
    }

    #[test]
    fn a_reminder_missed_while_asleep_rings_on_wake_within_its_day() {
        let mut watch = ReminderWatch::new();
        let today = d("2026-11-22");
        let due = utc("2026-11-22T21:00:00+08:00");
        assert!(!watch.poll(today, due, utc("2026-11-22T18:00:00+08:00"), false));
        // The laptop slept from 18:00 to 23:40.
        assert!(watch.poll(today, due, utc("2026-11-22T23:40:00+08:00"), false));
    }

    #[test]
    fn a_time_set_after_it_passed_starts_tomorrow() {
        let mut watch = ReminderWatch::new();
        let today = d("2026-11-22");
        let due = utc("2026-11-22T21:00:00+08:00");
        let now = utc("2026-11-22T22:00:00+08:00");
        watch.rearm(today, due, now);
        assert!(!watch.poll(today, due, now, false));
        let tomorrow = d("2026-11-23");
        let due2 = utc("2026-11-23T21:00:00+08:00");
        assert!(watch.poll(tomorrow, due2, due2, false));
        // Moved later the same evening: rings at the new time.
        let later = utc("2026-11-23T21:05:00+08:00");
        let due3 = utc("2026-11-23T22:00:00+08:00");
        watch.rearm(tomorrow, due3, later);
        assert!(watch.poll(tomorrow, due3, due3, false));
    }
}
