//! Timetable reminders: a desktop notification at a block's start ("19:00 散步 — 走一小时") and,
//! optionally, N minutes before it. Pure: the app's loop calls [`BlockReminders::tick`] every
//! 30 seconds or less, after resume, and right after any edit of the plan, the settings or the
//! day rules; it shows what `tick` returns and persists [`BlockReminders::fired`].
//!
//! Decisions and invariants:
//!
//! * **Nothing is cached.** Each tick expands study days `today − 1 ..= today + 1` (`today` from
//!   [`DayRules::logical_date`], the zone and day start from the rule in force at `now`) and
//!   reads the instants off [`expand`]. So sleep/resume, a clock or time-zone change and plan
//!   edits need no special path: the next tick simply sees the new plan and the new `now`.
//!   Instants are DST-correct because `expand` resolves wall-clock times in the home zone; no
//!   date arithmetic here goes through the logical-day function or adds 86,400 s.
//! * **Advance reminders** ring `start_utc − N minutes` on the *instant* timeline: a 03:00 block
//!   just after a 02:00→03:00 gap with 10 minutes' notice rings at 01:50, ten real minutes
//!   before. `N` is the block's `remind_before_min`, else the settings' default; `0` means no
//!   advance reminder (so a block can opt out of the default) and values above
//!   [`MAX_REMIND_BEFORE_MIN`] are clamped to it, which keeps every advance reminder inside the
//!   expanded window.
//! * **Never twice.** A reminder is identified by [`FiredKey`] `(study date, block id, moment)`.
//!   The first tick that sees it due (`at <= now`) marks it fired, whether it is shown or not,
//!   and a key in the set is never shown again. An edit that moves a block keeps its key: moved
//!   after its reminder fired, it stays silent; moved before firing, it fires at the new time.
//!   Within one study day a block exists once (a block in a repeated hour is at its first
//!   occurrence), so the key is also what makes the fall-back night ring once. Keys of study days
//!   more than [`FIRED_KEEP_DAYS`] before today are pruned; the app persists the rest.
//! * **Shown only when it has just come due.** A due key is shown only if its instant lies after
//!   the previous tick (so a clock set back, a zone change that moves blocks into the past, or
//!   an edit that moves a block to a time already gone is silent), outside quiet hours, and:
//!   - a *fresh* one, due at most [`REMINDER_GRACE_MIN`] minutes ago: an advance reminder only
//!     while its block has not started (otherwise it is dropped in favour of the start one), a
//!     start reminder only while its block is still running;
//!   - after a gap (sleep, Daka closed) with nothing fresh, only the *latest* start reminder of
//!     a block still running, once: back at 19:30 the student gets "19:00 散步" and not a burst
//!     of the afternoon's reminders. Everything else that came due in the gap is fired silently.
//!
//!   The first tick after launch has no previous tick and so considers the whole window (a
//!   launch in the middle of a block shows its start once); the fired set restored with
//!   [`BlockReminders::resumed`] is what keeps it from ringing again.
//! * **Quiet hours** are wall-clock minutes in the zone of the rule in force at the reminder's
//!   instant, from inclusive to exclusive, possibly across midnight (22:30–07:00); from == to
//!   means none. A reminder inside them is fired silently, not deferred: "23:00 睡觉" at 07:00
//!   would be noise.
//! * **Skipped blocks** produce nothing: they are not in `expand`'s output.
//! * **Turned off**, ticks still move the previous-tick mark forward, so turning reminders back
//!   on does not replay what came due meanwhile.
//! * A limit: if the clock jumps more than three days ahead and back, pruned keys are
//!   forgotten; the previous-tick rule still keeps everything due before the jump silent.

use std::collections::BTreeSet;

use chrono::{DateTime, Days, Duration, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::{BlockKind, DAY_MIN, MAX_REMIND_BEFORE_MIN, PlannedBlock, Timetable, expand};
use crate::day::format_hm;
use crate::day_rules::DayRules;
use crate::ids::BlockId;
use crate::lang::Lang;
use crate::reminder::ReminderText;
use crate::validation::{Invalid, ValidationErrors};

/// How late a reminder may still be shown, in minutes (a tick delayed by load, a short sleep).
pub const REMINDER_GRACE_MIN: i64 = 10;
/// Fired keys are kept for the study days this many days before today, and every later one.
pub const FIRED_KEEP_DAYS: u64 = 3;
/// How far ahead [`BlockReminders::next_due`] looks, in hours.
const LOOKAHEAD_HOURS: i64 = 48;

/// Wall-clock minutes in the home zone during which no reminder is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuietHours {
    /// First quiet minute after midnight, 0..1440.
    pub from_min: u16,
    /// First minute after the quiet hours, 0..1440; earlier than `from_min` crosses midnight.
    pub to_min: u16,
}

impl QuietHours {
    /// Whether wall-clock minute `minute` (after midnight) is quiet.
    pub fn contains(self, minute: u16) -> bool {
        let (from, to) = (self.from_min, self.to_min);
        if from <= to { from <= minute && minute < to } else { minute >= from || minute < to }
    }
}

/// The user's choices for timetable reminders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BlockReminderSettings {
    pub enabled: bool,
    /// Remind when a block starts.
    pub at_start: bool,
    /// Minutes of notice for blocks without their own `remind_before_min`; `None` (or 0) means
    /// no advance reminder unless the block asks for one.
    pub default_before_min: Option<u16>,
    pub quiet: Option<QuietHours>,
}

impl Default for BlockReminderSettings {
    /// On, at each block's start, no advance reminders, no quiet hours.
    fn default() -> Self {
        Self { enabled: true, at_start: true, default_before_min: None, quiet: None }
    }
}

impl BlockReminderSettings {
    /// Checks the quiet hours (times of day) and the default notice (at most
    /// [`MAX_REMIND_BEFORE_MIN`]).
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if let Some(q) = self.quiet {
            for (field, m) in [("quiet.from_min", q.from_min), ("quiet.to_min", q.to_min)] {
                if m >= DAY_MIN {
                    errors.push(field, Invalid::BadTime { value: m.to_string() });
                }
            }
        }
        if self.default_before_min.is_some_and(|m| m > MAX_REMIND_BEFORE_MIN) {
            errors.push(
                "default_before_min",
                Invalid::QuantityOutOfRange { min: 0, max: u32::from(MAX_REMIND_BEFORE_MIN) },
            );
        }
        errors.into_result()
    }

    /// The notice for `block` in minutes, if it gets an advance reminder.
    fn before_min(&self, block: &super::Block) -> Option<u16> {
        let n = block.remind_before_min.or(self.default_before_min)?;
        (n > 0).then_some(n.min(MAX_REMIND_BEFORE_MIN))
    }

    fn is_quiet(&self, rules: &DayRules, at: DateTime<Utc>) -> bool {
        let Some(q) = self.quiet else { return false };
        let local = at.with_timezone(&rules.rule_at(at).tz);
        let minute = local.hour() * 60 + local.minute();
        q.contains(u16::try_from(minute).unwrap_or(0))
    }
}

/// Which of a block's reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ReminderMoment {
    /// N minutes before the start.
    Before,
    /// At the start.
    Start,
}

/// What makes "never twice" hold across ticks, edits and restarts. Persist these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FiredKey {
    /// The block's study day.
    pub date: NaiveDate,
    pub block_id: BlockId,
    pub moment: ReminderMoment,
}

/// One reminder: which block on which study day, which moment, the instant it is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DueReminder {
    pub date: NaiveDate,
    pub block_id: BlockId,
    pub moment: ReminderMoment,
    pub at: DateTime<Utc>,
    pub block: PlannedBlock,
}

impl DueReminder {
    pub fn key(&self) -> FiredKey {
        FiredKey { date: self.date, block_id: self.block_id, moment: self.moment }
    }

    /// Real minutes from `at` to the block's start (0 for the start reminder).
    pub fn minutes_before(&self) -> i64 {
        (self.block.start_utc - self.at).num_minutes()
    }
}

/// Every reminder of study days `today − 1 ..= today + days_after`, in order of instant.
fn candidates(
    tt: &Timetable,
    rules: &DayRules,
    settings: &BlockReminderSettings,
    now: DateTime<Utc>,
    days_after: u64,
) -> Vec<DueReminder> {
    let rule = rules.rule_at(now);
    let today = rules.logical_date(now);
    let from = today.pred_opt().unwrap_or(today);
    let to = today.checked_add_days(Days::new(days_after)).unwrap_or(today);
    let mut out = Vec::new();
    for p in expand(tt, from, to, rule.tz, rule.day_start) {
        let (date, block_id) = (p.date, p.block.id);
        if let Some(n) = settings.before_min(&p.block)
            && let Some(at) = p.start_utc.checked_sub_signed(Duration::minutes(i64::from(n)))
        {
            let moment = ReminderMoment::Before;
            out.push(DueReminder { date, block_id, moment, at, block: p.clone() });
        }
        if settings.at_start {
            let (moment, at) = (ReminderMoment::Start, p.start_utc);
            out.push(DueReminder { date, block_id, moment, at, block: p });
        }
    }
    out.sort_by_key(|r| (r.at, r.moment));
    out
}

/// The scheduler's memory: the reminders already dealt with, and when it last ran.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockReminders {
    fired: BTreeSet<FiredKey>,
    last_tick: Option<DateTime<Utc>>,
    changed: bool,
}

impl BlockReminders {
    pub fn new() -> Self {
        Self::default()
    }

    /// A scheduler that remembers the keys persisted before a restart.
    pub fn resumed(fired: impl IntoIterator<Item = FiredKey>) -> Self {
        Self { fired: fired.into_iter().collect(), ..Self::default() }
    }

    /// Every key dealt with (shown or silently skipped), oldest study day first.
    pub fn fired(&self) -> impl Iterator<Item = &FiredKey> {
        self.fired.iter()
    }

    /// When `tick` last ran.
    pub fn last_tick(&self) -> Option<DateTime<Utc>> {
        self.last_tick
    }

    /// True once after any tick that changed the fired set: persist [`Self::fired`] then.
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// One tick at `now`: the reminders to show now (usually none or one), in order of instant.
    /// Everything due is marked fired; see the module docs for what is shown.
    pub fn tick(
        &mut self,
        tt: &Timetable,
        rules: &DayRules,
        settings: &BlockReminderSettings,
        now: DateTime<Utc>,
    ) -> Vec<DueReminder> {
        let previous = self.last_tick.replace(now);
        self.prune(rules.logical_date(now));
        if !settings.enabled {
            return Vec::new();
        }
        let grace = Duration::minutes(REMINDER_GRACE_MIN);
        let mut fresh = Vec::new();
        let mut catch_up: Option<DueReminder> = None;
        for r in candidates(tt, rules, settings, now, 1) {
            if r.at > now || !self.fired.insert(r.key()) {
                continue;
            }
            self.changed = true;
            // Fired from here on; what is left is whether to show it.
            let came_due_since = previous.is_none_or(|t| r.at > t);
            if !came_due_since || settings.is_quiet(rules, r.at) {
                continue;
            }
            let is_fresh = now - r.at <= grace;
            match r.moment {
                ReminderMoment::Before if is_fresh && now < r.block.start_utc => fresh.push(r),
                ReminderMoment::Start if now < r.block.end_utc => {
                    if is_fresh {
                        fresh.push(r);
                    } else if catch_up.as_ref().is_none_or(|c| r.at >= c.at) {
                        catch_up = Some(r);
                    }
                }
                ReminderMoment::Before | ReminderMoment::Start => {}
            }
        }
        if fresh.is_empty() { catch_up.into_iter().collect() } else { fresh }
    }

    /// The next instant a reminder will come due (for the loop's sleep; the app still ticks at
    /// least every 30 s to notice clock changes), `None` if nothing in the next 48 hours. Call
    /// after [`Self::tick`] with the same inputs.
    pub fn next_due(
        &self,
        tt: &Timetable,
        rules: &DayRules,
        settings: &BlockReminderSettings,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        if !settings.enabled {
            return None;
        }
        let horizon = now.checked_add_signed(Duration::hours(LOOKAHEAD_HOURS))?;
        candidates(tt, rules, settings, now, 2)
            .into_iter()
            .filter(|r| r.at > now && r.at <= horizon)
            .filter(|r| !self.fired.contains(&r.key()) && !settings.is_quiet(rules, r.at))
            .map(|r| r.at)
            .min()
    }

    fn prune(&mut self, today: NaiveDate) {
        let Some(cutoff) = today.checked_sub_days(Days::new(FIRED_KEEP_DAYS)) else { return };
        let before = self.fired.len();
        self.fired.retain(|k| k.date >= cutoff);
        self.changed |= self.fired.len() != before;
    }
}

/// A block kind's name, for a notification about a block without its own words.
pub fn kind_name(lang: Lang, kind: BlockKind) -> &'static str {
    match kind {
        BlockKind::Study => lang.pick("学习", "Study"),
        BlockKind::Meal => lang.pick("吃饭", "Meal"),
        BlockKind::Exercise => lang.pick("运动", "Exercise"),
        BlockKind::Rest => lang.pick("休息", "Break"),
        BlockKind::Sleep => lang.pick("睡觉", "Sleep"),
        BlockKind::Other => lang.pick("日程", "Plan"),
    }
}

/// "10 分钟后：" / "In 10 min: ", whole hours as hours.
fn lead_in(lang: Lang, minutes: i64) -> String {
    let hours = minutes / 60;
    match lang {
        Lang::ZhCn if minutes > 0 && minutes % 60 == 0 => format!("{hours} 小时后："),
        Lang::ZhCn => format!("{minutes} 分钟后："),
        Lang::En if hours == 1 && minutes % 60 == 0 => "In 1 hour: ".to_owned(),
        Lang::En if minutes > 0 && minutes % 60 == 0 => format!("In {hours} hours: "),
        Lang::En => format!("In {minutes} min: "),
    }
}

/// The notification's words. The title is the wall-clock start and the block's name ("19:00
/// 散步", or "10 分钟后：19:00 散步" ahead of time); the body is the rest of the label after a
/// dash ("散步 — 走一小时" → "走一小时"), else the subject's name, else the kind's. The time is
/// the block's actual local start, so a block planned at 02:30 on a spring-forward night reads
/// 03:00.
pub fn block_reminder_text(
    lang: Lang,
    r: &DueReminder,
    subject_name: Option<&str>,
) -> ReminderText {
    let block = &r.block.block;
    let time = r
        .block
        .start_local
        .get(11..16)
        .map_or_else(|| format_hm(u32::from(block.start_min)), str::to_owned);
    let (head, tail) = match block.label.split_once('—') {
        Some((head, tail)) => (head.trim(), Some(tail.trim())),
        None => (block.label.trim(), None),
    };
    let kind = kind_name(lang, block.kind);
    let subject = subject_name.map(str::trim).filter(|s| !s.is_empty());
    let name = if head.is_empty() { subject.unwrap_or(kind) } else { head };
    let body = tail
        .filter(|t| !t.is_empty())
        .or(subject.filter(|s| *s != name))
        .or(Some(kind).filter(|k| *k != name))
        .unwrap_or_default();
    let title = match r.moment {
        ReminderMoment::Start => format!("{time} {name}"),
        ReminderMoment::Before => format!("{}{time} {name}", lead_in(lang, r.minutes_before())),
    };
    ReminderText { title, body: body.to_owned() }
}

#[cfg(test)]
#[path = "remind_tests.rs"]
mod tests;
