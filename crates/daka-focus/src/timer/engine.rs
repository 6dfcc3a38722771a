//! The [`Timer`] state machine. See the module docs of [`super`] for the decisions.

use chrono::{DateTime, Utc};
use daka_core::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

use super::config::{Phase, Slot, TimerConfig};
use super::exit::{Challenge, make_code};
use super::{
    EXIT_COOLDOWN, FORMAT_VERSION, Now, Outcome, REBOOT_WALL_SLACK, SessionRecord, TimerError,
    TimerEvent, TimerView,
};

fn ms(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn to_u32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// Where the clock stood when time was last counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Anchor {
    mono_ms: u64,
    wall: DateTime<Utc>,
}

/// One focus session. Construct with [`Timer::start`] or [`Timer::resume_from`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    version: u32,
    config: TimerConfig,
    started_wall: DateTime<Utc>,
    anchor: Anchor,
    /// Running (unpaused) time since the start, in ms. Only ever grows.
    elapsed_ms: u64,
    paused: bool,
    /// How many phase ends have been reported by `tick`.
    phases_reported: u32,
    /// Set once the session is over; `delivered` once its record has been handed out.
    finished: Option<SessionRecord>,
    delivered: bool,
    /// `elapsed_ms` at the moment the cool-down exit was requested.
    exit_requested_at_ms: Option<u64>,
    challenge: Option<String>,
}

impl Timer {
    /// Starts a session at `now`, running.
    pub fn start(config: TimerConfig, now: Now) -> Result<Timer, ValidationErrors> {
        config.validate()?;
        Ok(Timer {
            version: FORMAT_VERSION,
            config,
            started_wall: now.wall,
            anchor: Anchor { mono_ms: ms(now.mono), wall: now.wall },
            elapsed_ms: 0,
            paused: false,
            phases_reported: 0,
            finished: None,
            delivered: false,
            exit_requested_at_ms: None,
            challenge: None,
        })
    }

    pub fn config(&self) -> &TimerConfig {
        &self.config
    }

    pub fn is_finished(&self) -> bool {
        self.finished.is_some()
    }

    /// The persisted form. Write it every few seconds and after every call that returns events.
    pub fn to_json(&self) -> Result<String, TimerError> {
        serde_json::to_string(self).map_err(|e| TimerError::Corrupt { detail: e.to_string() })
    }

    /// Parses a persisted timer without accounting any time (see [`Timer::resume_from`]).
    pub fn from_json(json: &str) -> Result<Timer, TimerError> {
        #[derive(Deserialize)]
        struct Versioned {
            version: u32,
        }
        let v: Versioned = serde_json::from_str(json)
            .map_err(|e| TimerError::Corrupt { detail: e.to_string() })?;
        if v.version != FORMAT_VERSION {
            return Err(TimerError::UnsupportedVersion { found: v.version });
        }
        let timer: Timer = serde_json::from_str(json)
            .map_err(|e| TimerError::Corrupt { detail: e.to_string() })?;
        timer.config.validate().map_err(|e| TimerError::Corrupt { detail: e.to_string() })?;
        Ok(timer)
    }

    /// Restores a persisted timer at app start. On the same boot the monotonic clock simply
    /// continues and the next call counts the time the app was closed. After a reboot (`now.mono`
    /// below the persisted one) see the module docs: strict sessions lose nothing and gain
    /// nothing, other sessions count the wall time elapsed if it is plausible, else they end as
    /// Interrupted. Call [`Timer::tick`] right after to get what came due meanwhile.
    pub fn resume_from(json: &str, now: Now) -> Result<Timer, TimerError> {
        Self::restore(json, now, false)
    }

    /// [`Timer::resume_from`] when the caller knows the machine has rebooted since the save (a
    /// different boot id), even if the monotonic clock is now *higher* than when it was saved:
    /// that difference is not time that passed, so it must not be counted.
    pub fn resume_after_reboot(json: &str, now: Now) -> Result<Timer, TimerError> {
        Self::restore(json, now, true)
    }

    fn restore(json: &str, now: Now, known_reboot: bool) -> Result<Timer, TimerError> {
        let mut timer = Timer::from_json(json)?;
        let now_ms = ms(now.mono);
        let rebooted = known_reboot || now_ms < timer.anchor.mono_ms;
        if rebooted && timer.finished.is_none() && !timer.paused {
            timer.after_reboot(now);
        }
        if rebooted {
            timer.anchor = Anchor { mono_ms: now_ms, wall: now.wall };
        }
        Ok(timer)
    }

    fn after_reboot(&mut self, now: Now) {
        if self.config.strict {
            // Time spent rebooting does not count; the remaining time is unchanged.
            self.anchor = Anchor { mono_ms: ms(now.mono), wall: now.wall };
            return;
        }
        let remaining = self.total_ms().saturating_sub(self.elapsed_ms);
        let wall_elapsed = now.wall.signed_duration_since(self.anchor.wall).num_milliseconds();
        let slack = ms(REBOOT_WALL_SLACK);
        match u64::try_from(wall_elapsed) {
            Ok(w) if w <= remaining.saturating_add(slack) => {
                self.elapsed_ms = self.elapsed_ms.saturating_add(w.min(remaining));
                self.anchor = Anchor { mono_ms: ms(now.mono), wall: now.wall };
            }
            _ => {
                // Wall clock went backwards or jumped implausibly far: we cannot tell.
                self.anchor = Anchor { mono_ms: ms(now.mono), wall: now.wall };
                self.finish(Outcome::Interrupted, now.wall);
            }
        }
    }

    fn schedule(&self) -> Vec<Slot> {
        self.config.mode.schedule()
    }

    fn total_ms(&self) -> u64 {
        self.schedule().iter().map(|s| s.len_ms).sum()
    }

    /// Counts the running time since the anchor. A monotonic clock that goes backwards within
    /// one process counts as no time.
    fn advance(&mut self, now: Now) {
        let now_ms = ms(now.mono);
        if self.finished.is_none() && !self.paused {
            let delta = now_ms.saturating_sub(self.anchor.mono_ms);
            self.elapsed_ms = self.elapsed_ms.saturating_add(delta);
        }
        self.anchor = Anchor { mono_ms: now_ms.max(self.anchor.mono_ms), wall: now.wall };
    }

    /// Work time (ms) covered by `elapsed` ms of running time.
    fn work_ms_at(&self, elapsed: u64) -> u64 {
        let mut start = 0u64;
        let mut work = 0u64;
        for slot in self.schedule() {
            if slot.phase == Phase::Work {
                work += elapsed.saturating_sub(start).min(slot.len_ms);
            }
            start += slot.len_ms;
        }
        work
    }

    fn finish(&mut self, outcome: Outcome, wall_at: DateTime<Utc>) {
        if self.finished.is_some() {
            return;
        }
        let total = self.total_ms();
        // Whatever the exit path, a session whose end has come is Completed.
        let outcome = if self.elapsed_ms >= total && outcome == Outcome::Abandoned {
            Outcome::Completed
        } else {
            outcome
        };
        let counted = self.elapsed_ms.min(total);
        let work_ms = self.work_ms_at(counted);
        // Ended when the time ran out, even if noticed late (after a suspend or a restart).
        let overshoot_ms = self.elapsed_ms.saturating_sub(total);
        let overshoot = chrono::Duration::milliseconds(i64::try_from(overshoot_ms).unwrap_or(0));
        let ended_wall = (wall_at - overshoot).max(self.started_wall);
        self.elapsed_ms = counted;
        self.finished = Some(SessionRecord {
            subject_id: self.config.subject_id.clone(),
            mode: self.config.mode.kind(),
            planned_min: self.config.mode.planned_min(),
            actual_min: to_u32(work_ms / 60_000),
            actual_sec: to_u32(work_ms / 1_000),
            outcome,
            started_wall: self.started_wall,
            ended_wall,
            strict: self.config.strict,
        });
    }

    fn deliver(&mut self) -> Result<SessionRecord, TimerError> {
        match &self.finished {
            Some(record) if !self.delivered => {
                self.delivered = true;
                Ok(record.clone())
            }
            _ => Err(TimerError::Finished),
        }
    }

    fn ensure_running(&self) -> Result<(), TimerError> {
        if self.finished.is_some() { Err(TimerError::Finished) } else { Ok(()) }
    }

    /// Counts time and reports, in order and each exactly once, every phase end and the
    /// session end that came due since the last call. Call it every second or so, on resume
    /// from sleep, and right after [`Timer::resume_from`].
    pub fn tick(&mut self, now: Now) -> Vec<TimerEvent> {
        self.advance(now);
        let mut events = Vec::new();
        if self.finished.is_none() {
            let schedule = self.schedule();
            let last = schedule.len().saturating_sub(1);
            let mut end = 0u64;
            for (i, slot) in schedule.iter().enumerate() {
                end += slot.len_ms;
                if self.elapsed_ms < end {
                    break;
                }
                if i == last {
                    self.finish(Outcome::Completed, now.wall);
                } else if u32::try_from(i).is_ok_and(|i| i >= self.phases_reported) {
                    self.phases_reported += 1;
                    let next = schedule.get(i + 1).map_or(Phase::Work, |s| s.phase);
                    events.push(TimerEvent::PhaseEnded {
                        phase: slot.phase,
                        round: slot.round,
                        next,
                    });
                }
            }
        }
        if let Ok(record) = self.deliver() {
            events.push(TimerEvent::SessionEnded { record });
        }
        events
    }

    pub fn pause(&mut self, now: Now) -> Result<(), TimerError> {
        self.ensure_running()?;
        if self.config.strict {
            return Err(TimerError::StrictRefused);
        }
        if self.paused {
            return Err(TimerError::AlreadyPaused);
        }
        self.advance(now);
        self.paused = true;
        Ok(())
    }

    pub fn resume(&mut self, now: Now) -> Result<(), TimerError> {
        self.ensure_running()?;
        if !self.paused {
            return Err(TimerError::NotPaused);
        }
        self.advance(now);
        self.paused = false;
        Ok(())
    }

    /// Ends a non-strict session now. A stopwatch, or any session whose end has come, is
    /// Completed; a countdown or pomodoro stopped before its end is Abandoned.
    pub fn stop(&mut self, now: Now) -> Result<SessionRecord, TimerError> {
        self.ensure_running()?;
        if self.config.strict {
            return Err(TimerError::StrictRefused);
        }
        self.advance(now);
        let outcome = if self.config.mode.kind() == super::config::ModeKind::Stopwatch {
            Outcome::Completed
        } else {
            Outcome::Abandoned // becomes Completed in `finish` if the end has come
        };
        self.finish(outcome, now.wall);
        self.deliver()
    }

    /// Issues (or re-issues, with a new seed) the code to type for an emergency exit.
    pub fn emergency_exit_challenge(&mut self, seed: u64) -> Result<Challenge, TimerError> {
        self.ensure_running()?;
        let code = make_code(seed);
        self.challenge = Some(code.clone());
        Ok(Challenge { code })
    }

    /// Leaves the session early if `answer` is exactly the issued code; the session is
    /// Abandoned. A wrong answer changes nothing (the same code stays valid).
    pub fn emergency_exit(&mut self, answer: &str, now: Now) -> Result<SessionRecord, TimerError> {
        self.ensure_running()?;
        match &self.challenge {
            None => Err(TimerError::NoChallenge),
            Some(code) if code != answer => Err(TimerError::WrongCode),
            Some(_) => {
                self.advance(now);
                self.finish(Outcome::Abandoned, now.wall);
                self.deliver()
            }
        }
    }

    /// Starts the cool-down alternative to the code: [`Timer::confirm_exit`] succeeds once the
    /// session has kept running for [`EXIT_COOLDOWN`] since this call. Asking again keeps the
    /// first request.
    pub fn request_exit(&mut self, now: Now) -> Result<(), TimerError> {
        self.ensure_running()?;
        self.advance(now);
        if self.exit_requested_at_ms.is_none() {
            self.exit_requested_at_ms = Some(self.elapsed_ms);
        }
        Ok(())
    }

    /// Withdraws a cool-down request.
    pub fn cancel_exit(&mut self) {
        self.exit_requested_at_ms = None;
    }

    pub fn confirm_exit(&mut self, now: Now) -> Result<SessionRecord, TimerError> {
        self.ensure_running()?;
        self.advance(now);
        let Some(requested) = self.exit_requested_at_ms else {
            return Err(TimerError::NoExitRequested);
        };
        let waited = self.elapsed_ms.saturating_sub(requested);
        let cooldown = ms(EXIT_COOLDOWN);
        if waited < cooldown {
            return Err(TimerError::CooldownPending { remaining_ms: to_u32(cooldown - waited) });
        }
        self.finish(Outcome::Abandoned, now.wall);
        self.deliver()
    }

    /// What the UI shows. Does not change the timer (time is counted up to `now` on a copy).
    pub fn view(&self, now: Now) -> TimerView {
        let mut t = self.clone();
        t.advance(now);
        let schedule = t.schedule();
        let total = t.total_ms();
        let elapsed = t.elapsed_ms.min(total);
        let mut start = 0u64;
        let mut current = schedule.last().copied();
        for slot in &schedule {
            if elapsed < start + slot.len_ms {
                current = Some(*slot);
                break;
            }
            start += slot.len_ms;
        }
        let (phase, round, len) =
            current.map_or((Phase::Work, 1, 0), |s| (s.phase, s.round, s.len_ms));
        if elapsed >= total {
            start = total.saturating_sub(len);
        }
        let phase_elapsed = elapsed.saturating_sub(start).min(len);
        let cooldown = ms(EXIT_COOLDOWN);
        TimerView {
            phase,
            round,
            rounds: t.config.mode.rounds(),
            remaining_ms: to_u32(len - phase_elapsed),
            elapsed_ms: to_u32(phase_elapsed),
            session_elapsed_ms: to_u32(elapsed),
            session_remaining_ms: to_u32(total - elapsed),
            work_ms: to_u32(t.work_ms_at(elapsed)),
            paused: t.paused,
            strict: t.config.strict,
            finished: t.finished.is_some(),
            exit_cooldown_remaining_ms: t
                .exit_requested_at_ms
                .map(|r| to_u32(cooldown.saturating_sub(elapsed.saturating_sub(r)))),
        }
    }
}
