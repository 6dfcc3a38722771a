//! The focus timer (DESIGN.md §5): pomodoro, countdown and stopwatch, as a pure state machine
//! that the app's tokio loop drives. It reads no clock, no randomness and no file: every call
//! takes a [`Now`], the emergency-exit code is expanded from a caller-supplied seed, and the
//! state is persisted by the caller through [`Timer::to_json`].
//!
//! Decisions and invariants:
//!
//! * **Time is monotonic.** `Now::mono` is a boot-time clock that counts suspend
//!   (`CLOCK_BOOTTIME` on Linux; on Windows `QueryUnbiasedInterruptTime` does *not* count
//!   suspend — use `QueryInterruptTime`; on macOS `mach_continuous_time`). The timer keeps one
//!   number, the running (unpaused) time since the start, and grows it by the difference of
//!   `mono` between calls. The wall clock is used only to label the record (`started_wall`,
//!   `ended_wall`) and in the reboot fallback below, so a wall-clock jump of any size, in
//!   either direction, never changes the remaining time. A `mono` that goes backwards during
//!   one run of the app counts as no time.
//! * **The schedule is a function of the configuration** (see [`config`]): a pomodoro is
//!   `work, break, …, work` and ends with its last work phase; the break after round `r` is
//!   long when `r` is a multiple of `long_every`. Where the session stands is a pure function of
//!   the running time, so a suspend, a late tick or an app restart need no special path.
//! * **Every end is reported once, in order.** [`Timer::tick`] reports each phase end as
//!   [`TimerEvent::PhaseEnded`] (the last phase's end is the session end, reported only as
//!   [`TimerEvent::SessionEnded`]). A counter of reported phase ends makes a tick after a long
//!   suspend report every skipped phase end once, in order, then the session end once. The
//!   [`SessionRecord`] is handed out exactly once: by `tick`, or as the return value of
//!   [`Timer::stop`], [`Timer::emergency_exit`] or [`Timer::confirm_exit`]. After that every
//!   call but `view`/`tick` answers [`TimerError::Finished`], and `tick` returns nothing.
//! * **Outcomes.** Reaching the end is `Completed` (also when the end passed while Daka was
//!   closed or the machine slept: the monotonic clock kept counting). Stopping a countdown or a
//!   pomodoro before its end is `Abandoned` (the work done is still recorded in `actual_min`);
//!   stopping a stopwatch is `Completed`, and so is a stopwatch that reaches its cap. An
//!   emergency exit is `Abandoned`. Whatever the exit path, a session whose end has already
//!   come (not yet noticed by a tick) is `Completed`, ended when its time ran out. `Interrupted` is only for "cannot tell": a non-strict
//!   session found after a reboot with a wall clock that went backwards or jumped implausibly.
//! * **Minutes are whole and rounded down**, and count work phases only: 24 min 59 s of work is
//!   24 minutes (credit is never rounded up). `actual_sec` keeps the precision.
//! * **Strict mode**: pause and stop answer [`TimerError::StrictRefused`]. The ways out are an
//!   exact 32-symbol code ([`Timer::emergency_exit_challenge`], [`Timer::emergency_exit`]) or a
//!   cool-down: [`Timer::request_exit`], then [`Timer::confirm_exit`] once the session has kept
//!   running for [`EXIT_COOLDOWN`] (measured on the running time, so neither the wall clock nor
//!   a reboot shortens it). Both end the session as `Abandoned`.
//! * **Restart.** The app writes [`Timer::to_json`] every few seconds and after each event;
//!   [`Timer::resume_from`] restores it. On the same boot, `mono` continued while Daka was
//!   closed, so that time counts exactly like a suspend. After a reboot (`now.mono` is below
//!   the persisted `mono`), the time the machine was off cannot be measured:
//!   - a **strict** session resumes with its remaining time unchanged (time off does not count,
//!     so no wall-clock change, before or after the reboot, can shorten it);
//!   - any other running session counts the wall time elapsed since the last save if it lies in
//!     `0 ..= remaining + REBOOT_WALL_SLACK` (ending it as Completed if that covers the rest);
//!     otherwise (wall clock backwards, or too far ahead) it ends as `Interrupted` with the work
//!     counted before the reboot;
//!   - a paused session stays paused, unchanged.
//!
//!   A reboot is seen by `mono` going backwards, or told by the caller
//!   ([`Timer::resume_after_reboot`]): the app keeps the boot id (Linux
//!   `/proc/sys/kernel/random/boot_id`) with the saved state, so a restart after a reboot at a
//!   higher uptime than the last save does not count that difference as elapsed time.
//! * **Saves are a few seconds stale.** On the same boot that does not matter (the saved
//!   `mono` anchors the count). After a reboot, a strict session loses the time between its
//!   last save and the shutdown, i.e. it runs a few seconds longer; never shorter.

pub mod config;
mod engine;
mod exit;
mod messages;

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use daka_core::day_rules::DayRules;
use serde::{Deserialize, Serialize};

pub use config::{Mode, ModeKind, Phase, TimerConfig};
pub use engine::Timer;
pub use exit::{CODE_LEN, Challenge};

/// Version of the persisted format written by [`Timer::to_json`].
pub const FORMAT_VERSION: u32 = 1;

/// How long a strict session must keep running after [`Timer::request_exit`].
pub const EXIT_COOLDOWN: Duration = Duration::from_secs(10 * 60);

/// After a reboot, a non-strict session trusts a wall-clock gap of up to its remaining time plus
/// this much.
pub const REBOOT_WALL_SLACK: Duration = Duration::from_secs(60 * 60);

/// The two clocks, read by the caller at the moment of the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Boot-time clock since an arbitrary origin; counts suspend.
    pub mono: Duration,
    pub wall: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Completed,
    Abandoned,
    Interrupted,
}

/// One finished session, as stored in history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SessionRecord {
    pub subject_id: Option<String>,
    pub mode: ModeKind,
    /// Planned work minutes (0 for a stopwatch).
    pub planned_min: u32,
    /// Work minutes done, rounded down.
    pub actual_min: u32,
    /// Work seconds done, rounded down.
    pub actual_sec: u32,
    pub outcome: Outcome,
    pub started_wall: DateTime<Utc>,
    pub ended_wall: DateTime<Utc>,
    pub strict: bool,
}

/// The study day a session belongs to: the day of its start (DESIGN.md §4).
pub fn logical_date(record: &SessionRecord, rules: &DayRules) -> NaiveDate {
    rules.logical_date(record.started_wall)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TimerEvent {
    /// A phase other than the last ended; show a notification.
    PhaseEnded { phase: Phase, round: u32, next: Phase },
    /// The session is over; store the record and show a notification.
    SessionEnded { record: SessionRecord },
}

/// Everything the UI renders. Milliseconds fit u32 (the longest session is 48 h).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TimerView {
    pub phase: Phase,
    pub round: u32,
    pub rounds: u32,
    /// In the current phase.
    pub remaining_ms: u32,
    pub elapsed_ms: u32,
    pub session_elapsed_ms: u32,
    pub session_remaining_ms: u32,
    pub work_ms: u32,
    pub paused: bool,
    pub strict: bool,
    pub finished: bool,
    /// Set while a cool-down exit is pending; 0 once it may be confirmed.
    pub exit_cooldown_remaining_ms: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimerError {
    #[error("a strict session cannot be paused or stopped")]
    StrictRefused,
    #[error("the session is already paused")]
    AlreadyPaused,
    #[error("the session is not paused")]
    NotPaused,
    #[error("the session is over")]
    Finished,
    #[error("no emergency-exit code has been issued")]
    NoChallenge,
    #[error("the code does not match")]
    WrongCode,
    #[error("no exit has been requested")]
    NoExitRequested,
    #[error("the exit cool-down is still running")]
    CooldownPending { remaining_ms: u32 },
    #[error("saved timer format {found} is not supported")]
    UnsupportedVersion { found: u32 },
    #[error("saved timer is unreadable: {detail}")]
    Corrupt { detail: String },
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
