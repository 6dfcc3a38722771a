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
    /// The boot the state was saved in (absent in states saved before it was kept, and on
    /// systems without one): a different boot id means a reboot even if the boot-time clock is
    /// higher than at the save.
    #[serde(default)]
    boot_id: Option<String>,
}

/// A session that is running (or paused), as the app holds it.
#[derive(Debug, Clone)]
pub struct Running {
    pub id: String,
    pub timer: Timer,
    pub plan: SessionPlan,
    pub blocked: BTreeMap<String, u32>,
    /// The boot this session is running in ([`daka_focus::clock::boot_id`]).
    pub boot_id: Option<String>,
}

impl Running {
    pub fn to_json(&self) -> Result<String, TimerError> {
        let saved = Saved {
            v: SAVED_VERSION,
            id: self.id.clone(),
            timer: self.timer.to_json()?,
            plan: self.plan.clone(),
            blocked: self.blocked.clone(),
            boot_id: self.boot_id.clone(),
        };
        serde_json::to_string(&saved).map_err(|e| TimerError::Corrupt { detail: e.to_string() })
    }

    /// Restores a saved session in the boot `boot_id`; the engine decides how the time since
    /// the save counts (same boot: exactly; after a reboot: see `Timer::resume_from`).
    pub fn resume(json: &str, now: Now, boot_id: Option<&str>) -> Result<Running, TimerError> {
        let saved: Saved = serde_json::from_str(json)
            .map_err(|e| TimerError::Corrupt { detail: e.to_string() })?;
        if saved.v != SAVED_VERSION {
            return Err(TimerError::UnsupportedVersion { found: saved.v });
        }
        let rebooted = matches!((saved.boot_id.as_deref(), boot_id), (Some(a), Some(b)) if a != b);
        let timer = if rebooted {
            Timer::resume_after_reboot(&saved.timer, now)?
        } else {
            Timer::resume_from(&saved.timer, now)?
        };
        Ok(Running {
            id: saved.id,
            timer,
            plan: saved.plan,
            blocked: saved.blocked,
            boot_id: boot_id.map(str::to_owned),
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
            boot_id: Some("boot-a".into()),
        };
        running.timer.tick(now(60));
        let json = running.to_json().unwrap();
        let back = Running::resume(&json, now(120), Some("boot-a")).unwrap();
        assert_eq!(back.id, "abc");
        assert_eq!(back.plan, running.plan);
        assert_eq!(back.blocked, running.blocked);
        assert_eq!(back.timer.view(now(120)).session_remaining_ms, 8 * 60 * 1000);
        // After a reboot (another boot id) at a higher uptime, the strict session keeps the
        // 9 minutes it had at the save instead of counting the uptime difference.
        let rebooted = Running::resume(&json, now(3600), Some("boot-b")).unwrap();
        assert_eq!(rebooted.timer.view(now(3600)).session_remaining_ms, 9 * 60 * 1000);
        assert_eq!(rebooted.boot_id.as_deref(), Some("boot-b"));
        // A state saved before boot ids were kept resumes as before.
        let old = json.replace(",\"boot_id\":\"boot-a\"", "");
        assert!(!old.contains("boot_id"));
        assert!(Running::resume(&old, now(120), Some("boot-b")).is_ok());
        assert!(Running::resume("{}", now(0), None).is_err());
        assert!(matches!(
            Running::resume(&json.replace("\"v\":1", "\"v\":9"), now(0), None),
            Err(TimerError::UnsupportedVersion { found: 9 })
        ));
    }
}
