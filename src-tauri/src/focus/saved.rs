//! The running session as saved in `focus_state`: the engine's own JSON plus what the app adds
//! (the session id, the blocklists resolved at the start, what was blocked so far).
//!
//! The lists are resolved when the session starts and kept here, so editing the blocklist in
//! the middle of a strict session cannot loosen it, and a restart blocks the same things.

use std::collections::BTreeMap;

use daka_focus::timer::{Now, Timer, TimerError};
use serde::{Deserialize, Serialize};

/// Bumped when the shape changes in a way an older Daka cannot read.
const SAVED_VERSION: u32 = 1;

/// What a session blocks, fixed at its start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionPlan {
    pub block_apps: bool,
    /// Executable names for this system (presets + own, minus the user's allowlist).
    pub apps: Vec<String>,
    /// The user's extra allowlist (the built-in one is always applied).
    pub allow: Vec<String>,
    pub block_sites: bool,
    pub sites: Vec<String>,
    pub overlay: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct Saved {
    v: u32,
    id: String,
    /// `Timer::to_json`, kept as the engine's own versioned document.
    timer: String,
    plan: SessionPlan,
    /// App key → times it was ended during this session.
    blocked: BTreeMap<String, u32>,
}

/// A session that is running (or paused), as the app holds it.
#[derive(Debug, Clone)]
pub struct Running {
    pub id: String,
    pub timer: Timer,
    pub plan: SessionPlan,
    pub blocked: BTreeMap<String, u32>,
}

impl Running {
    pub fn to_json(&self) -> Result<String, TimerError> {
        let saved = Saved {
            v: SAVED_VERSION,
            id: self.id.clone(),
            timer: self.timer.to_json()?,
            plan: self.plan.clone(),
            blocked: self.blocked.clone(),
        };
        serde_json::to_string(&saved).map_err(|e| TimerError::Corrupt { detail: e.to_string() })
    }

    /// Restores a saved session; the engine decides how the time since the save counts (same
    /// boot: exactly; after a reboot: see `Timer::resume_from`).
    pub fn resume(json: &str, now: Now) -> Result<Running, TimerError> {
        let saved: Saved = serde_json::from_str(json)
            .map_err(|e| TimerError::Corrupt { detail: e.to_string() })?;
        if saved.v != SAVED_VERSION {
            return Err(TimerError::UnsupportedVersion { found: saved.v });
        }
        Ok(Running {
            id: saved.id,
            timer: Timer::resume_from(&saved.timer, now)?,
            plan: saved.plan,
            blocked: saved.blocked,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::time::Duration;

    use chrono::{TimeZone, Utc};
    use daka_focus::timer::{Mode, TimerConfig};

    use super::*;

    fn now(secs: u64) -> Now {
        Now {
            mono: Duration::from_secs(1000 + secs),
            wall: Utc.with_ymd_and_hms(2026, 11, 25, 11, 0, 0).unwrap()
                + chrono::Duration::seconds(secs as i64),
        }
    }

    #[test]
    fn a_saved_session_resumes_with_its_plan_and_remaining_time() {
        let config =
            TimerConfig { mode: Mode::Countdown { minutes: 10 }, subject_id: None, strict: true };
        let mut running = Running {
            id: "abc".into(),
            timer: Timer::start(config, now(0)).unwrap(),
            plan: SessionPlan {
                block_apps: true,
                apps: vec!["steam".into()],
                allow: vec![],
                block_sites: false,
                sites: vec![],
                overlay: true,
            },
            blocked: BTreeMap::from([("steam".into(), 2)]),
        };
        running.timer.tick(now(60));
        let json = running.to_json().unwrap();
        let back = Running::resume(&json, now(120)).unwrap();
        assert_eq!(back.id, "abc");
        assert_eq!(back.plan, running.plan);
        assert_eq!(back.blocked, running.blocked);
        assert_eq!(back.timer.view(now(120)).session_remaining_ms, 8 * 60 * 1000);
        assert!(Running::resume("{}", now(0)).is_err());
        assert!(matches!(
            Running::resume(&json.replace("\"v\":1", "\"v\":9"), now(0)),
            Err(TimerError::UnsupportedVersion { found: 9 })
        ));
    }
}
