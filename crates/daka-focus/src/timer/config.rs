//! What the user chose before pressing start, its validation, and the phase schedule it
//! expands to.
//!
//! The schedule is a pure function of the configuration: a list of phases with their lengths.
//! A pomodoro is `work, break, work, break, …, work`: it **ends with the last work phase** (a
//! trailing break would only make the student wait or "stop early" to get a Completed record).
//! The break after work phase `r` (1-based) is long when `r` is a multiple of `long_every`, short
//! otherwise. A countdown is one work phase; a stopwatch is one work phase as long as its cap.

use daka_core::validation::{Invalid, ValidationErrors};
use serde::{Deserialize, Serialize};

/// Inclusive bounds, in minutes.
pub const WORK_MIN: (u32, u32) = (1, 180);
pub const BREAK_MIN: (u32, u32) = (1, 60);
pub const ROUNDS: (u32, u32) = (1, 12);
pub const LONG_EVERY: (u32, u32) = (1, 12);
pub const COUNTDOWN_MIN: (u32, u32) = (1, 600);
pub const STOPWATCH_CAP_MIN: (u32, u32) = (1, 720);

const MS_PER_MIN: u64 = 60_000;

/// The kind of timer and its lengths, in whole minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mode {
    Pomodoro {
        work_min: u32,
        short_break_min: u32,
        long_break_min: u32,
        rounds: u32,
        long_every: u32,
    },
    Countdown {
        minutes: u32,
    },
    /// Counts up until stopped, or until `cap_min` (then it ends as Completed).
    Stopwatch {
        cap_min: u32,
    },
}

/// The mode without its parameters, for records and statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ModeKind {
    Pomodoro,
    Countdown,
    Stopwatch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TimerConfig {
    pub mode: Mode,
    /// The subject's id as the app stores it; the engine only carries it to the record.
    pub subject_id: Option<String>,
    /// No pause, no stop; the only way out is an emergency exit (see the module docs).
    pub strict: bool,
}

/// What a phase is for. Countdowns and stopwatches are one `Work` phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Work,
    ShortBreak,
    LongBreak,
}

/// One entry of the schedule. `round` is 1-based: a break belongs to the round it follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    pub(crate) phase: Phase,
    pub(crate) round: u32,
    pub(crate) len_ms: u64,
}

fn check_range(errors: &mut ValidationErrors, field: &str, value: u32, (min, max): (u32, u32)) {
    if !(min..=max).contains(&value) {
        errors.push(field, Invalid::QuantityOutOfRange { min, max });
    }
}

impl Mode {
    pub fn kind(&self) -> ModeKind {
        match self {
            Mode::Pomodoro { .. } => ModeKind::Pomodoro,
            Mode::Countdown { .. } => ModeKind::Countdown,
            Mode::Stopwatch { .. } => ModeKind::Stopwatch,
        }
    }

    /// The planned work in minutes: every work phase of a pomodoro, the countdown's length, and
    /// 0 for a stopwatch (it has no plan; its cap is a safety limit, not a goal).
    pub fn planned_min(&self) -> u32 {
        match *self {
            Mode::Pomodoro { work_min, rounds, .. } => work_min.saturating_mul(rounds),
            Mode::Countdown { minutes } => minutes,
            Mode::Stopwatch { .. } => 0,
        }
    }

    pub fn rounds(&self) -> u32 {
        match *self {
            Mode::Pomodoro { rounds, .. } => rounds,
            Mode::Countdown { .. } | Mode::Stopwatch { .. } => 1,
        }
    }

    /// The phases in order. Only meaningful for a validated mode.
    pub(crate) fn schedule(&self) -> Vec<Slot> {
        let min = |m: u32| u64::from(m) * MS_PER_MIN;
        match *self {
            Mode::Pomodoro { work_min, short_break_min, long_break_min, rounds, long_every } => {
                let mut slots = Vec::new();
                for round in 1..=rounds {
                    slots.push(Slot { phase: Phase::Work, round, len_ms: min(work_min) });
                    if round < rounds {
                        let long = long_every > 0 && round % long_every == 0;
                        let (phase, len) = if long {
                            (Phase::LongBreak, long_break_min)
                        } else {
                            (Phase::ShortBreak, short_break_min)
                        };
                        slots.push(Slot { phase, round, len_ms: min(len) });
                    }
                }
                slots
            }
            Mode::Countdown { minutes } => {
                vec![Slot { phase: Phase::Work, round: 1, len_ms: min(minutes) }]
            }
            Mode::Stopwatch { cap_min } => {
                vec![Slot { phase: Phase::Work, round: 1, len_ms: min(cap_min) }]
            }
        }
    }
}

impl TimerConfig {
    /// Every out-of-range value at once, under the field's name (`mode.work_min`, …).
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        match self.mode {
            Mode::Pomodoro { work_min, short_break_min, long_break_min, rounds, long_every } => {
                check_range(&mut errors, "mode.work_min", work_min, WORK_MIN);
                check_range(&mut errors, "mode.short_break_min", short_break_min, BREAK_MIN);
                check_range(&mut errors, "mode.long_break_min", long_break_min, BREAK_MIN);
                check_range(&mut errors, "mode.rounds", rounds, ROUNDS);
                check_range(&mut errors, "mode.long_every", long_every, LONG_EVERY);
            }
            Mode::Countdown { minutes } => {
                check_range(&mut errors, "mode.minutes", minutes, COUNTDOWN_MIN);
            }
            Mode::Stopwatch { cap_min } => {
                check_range(&mut errors, "mode.cap_min", cap_min, STOPWATCH_CAP_MIN);
            }
        }
        if let Some(id) = &self.subject_id
            && id.trim().is_empty()
        {
            errors.push("subject_id", Invalid::Required);
        }
        errors.into_result()
    }
}
