//! Website blocking through `daka-blockd`, the privileged helper (DESIGN.md §5).
//!
//! Daka itself never has root. When a session that blocks sites starts, the driver asks the
//! helper (over its Unix socket) to block the session's sites until the session's planned end;
//! the helper keeps the block on its own clock even if Daka quits, and refuses an early stop
//! of a strict block (a ratchet). A non-strict session that ends early asks for a stop. When
//! the helper is missing, the Focus screen says so, offers the one-time install (pkexec), and
//! app blocking works regardless.

use std::path::PathBuf;
use std::time::Duration;

use daka_blockd::{Client, ClientError};
use daka_core::lang::Lang;
use serde::{Deserialize, Serialize};

/// Where the helper stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum HelperState {
    /// No helper on this computer (not installed by the package, not installed by hand).
    NotInstalled,
    /// Installed but not answering (service stopped).
    NotRunning,
    /// Answering, no block active.
    Ready,
    /// A block is active.
    Blocking,
    /// No helper exists for this system yet (Windows, macOS).
    Unsupported,
}

/// One enforcement layer of the helper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum LayerState {
    Active,
    /// Not applied (e.g. a Firefox policy file that Daka did not write is left alone).
    Skipped,
    Off,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct SiteLayers {
    pub hosts: LayerState,
    pub chromium: LayerState,
    pub chrome: LayerState,
    pub firefox: LayerState,
}

impl SiteLayers {
    pub const OFF: SiteLayers = SiteLayers {
        hosts: LayerState::Off,
        chromium: LayerState::Off,
        chrome: LayerState::Off,
        firefox: LayerState::Off,
    };
}

/// What the Focus screen shows about website blocking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct BlockerStatus {
    pub helper: HelperState,
    pub strict: bool,
    /// Seconds until the helper's block ends (0 when none).
    pub remaining_secs: u32,
    pub site_count: u32,
    pub layers: SiteLayers,
    /// Whether "install the helper" can be offered (pkexec and the helper binary exist).
    pub can_install: bool,
    /// The helper's last refusal or failure, in the user's language.
    pub problem: Option<String>,
}

/// The helper, behind a trait so the driver and commands are testable without a daemon.
/// Every method blocks (a socket round trip): call it from `spawn_blocking`.
pub trait SiteBlocker: Send + Sync + std::fmt::Debug {
    fn status(&self) -> Result<daka_blockd::Status, ClientError>;
    fn start(
        &self,
        sites: &[String],
        duration_secs: u32,
        strict: bool,
    ) -> Result<daka_blockd::Status, ClientError>;
    fn extend(&self, secs: u32) -> Result<daka_blockd::Status, ClientError>;
    fn stop(&self) -> Result<daka_blockd::Status, ClientError>;
    /// Whether the one-time install can be offered here.
    fn can_install(&self) -> bool;
    /// Runs the install through pkexec (asks for an administrator's password).
    fn install(&self) -> Result<(), String>;
}

/// The real helper: its socket (`DAKA_BLOCKD_SOCKET` overrides the system one, for tests and
/// development), and the helper binary the install would copy.
#[derive(Debug)]
pub struct Blockd {
    client: Client,
    helper_bin: Option<PathBuf>,
}

/// Overrides the helper's socket (tests run an unprivileged daemon under `--root`).
pub const SOCKET_ENV: &str = "DAKA_BLOCKD_SOCKET";

impl Blockd {
    pub fn from_env() -> Self {
        let socket = std::env::var_os(SOCKET_ENV)
            .filter(|v| !v.is_empty())
            .map_or_else(|| PathBuf::from(daka_blockd::SYSTEM_SOCKET), PathBuf::from);
        Self { client: Client::new(socket).with_timeout(CALL_TIMEOUT), helper_bin: helper_binary() }
    }
}

/// A socket round trip should take milliseconds; a stuck helper must not hold the driver.
const CALL_TIMEOUT: Duration = Duration::from_secs(3);

/// The helper next to Daka: the package's `/usr/libexec/daka/daka-blockd`, or the one built
/// beside the app binary (`target/release/daka-blockd` when run from source).
fn helper_binary() -> Option<PathBuf> {
    let packaged = PathBuf::from("/").join(daka_blockd::install::BINARY_PATH);
    let beside = std::env::current_exe().ok()?.with_file_name("daka-blockd");
    [packaged, beside].into_iter().find(|p| p.is_file())
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(program)).find(|p| p.is_file())
}

impl SiteBlocker for Blockd {
    fn status(&self) -> Result<daka_blockd::Status, ClientError> {
        self.client.status()
    }

    fn start(
        &self,
        sites: &[String],
        duration_secs: u32,
        strict: bool,
    ) -> Result<daka_blockd::Status, ClientError> {
        self.client.start(sites, duration_secs, strict)
    }

    fn extend(&self, secs: u32) -> Result<daka_blockd::Status, ClientError> {
        self.client.extend(secs)
    }

    fn stop(&self) -> Result<daka_blockd::Status, ClientError> {
        self.client.stop()
    }

    fn can_install(&self) -> bool {
        cfg!(target_os = "linux") && self.helper_bin.is_some() && on_path("pkexec").is_some()
    }

    fn install(&self) -> Result<(), String> {
        let bin = self.helper_bin.as_ref().ok_or("no daka-blockd next to Daka")?;
        let pkexec = on_path("pkexec").ok_or("pkexec is not installed")?;
        let status = std::process::Command::new(pkexec)
            .arg(bin)
            .arg("install")
            .status()
            .map_err(|e| e.to_string())?;
        if status.success() { Ok(()) } else { Err(format!("pkexec daka-blockd install: {status}")) }
    }
}

fn layer(state: daka_blockd::LayerState) -> LayerState {
    match state {
        daka_blockd::LayerState::Active => LayerState::Active,
        daka_blockd::LayerState::Skipped => LayerState::Skipped,
        daka_blockd::LayerState::Off => LayerState::Off,
    }
}

/// The UI's view of an answer (or a failure) from the helper.
pub fn status_view(
    answer: Result<daka_blockd::Status, ClientError>,
    can_install: bool,
    problem: Option<String>,
    lang: Lang,
) -> BlockerStatus {
    let off = |helper, problem| BlockerStatus {
        helper,
        strict: false,
        remaining_secs: 0,
        site_count: 0,
        layers: SiteLayers::OFF,
        can_install,
        problem,
    };
    if !cfg!(target_os = "linux") {
        return off(HelperState::Unsupported, None);
    }
    match answer {
        Ok(s) => BlockerStatus {
            helper: if s.active { HelperState::Blocking } else { HelperState::Ready },
            strict: s.strict,
            remaining_secs: s.remaining_secs,
            site_count: u32::try_from(s.sites.len()).unwrap_or(u32::MAX),
            layers: SiteLayers {
                hosts: layer(s.layers.hosts),
                chromium: layer(s.layers.chromium),
                chrome: layer(s.layers.chrome),
                firefox: layer(s.layers.firefox),
            },
            can_install: false,
            problem,
        },
        Err(ClientError::NotInstalled) => off(HelperState::NotInstalled, problem),
        Err(ClientError::NotRunning) => {
            off(HelperState::NotRunning, problem.or(Some(ClientError::NotRunning.message(lang))))
        }
        Err(e) => off(HelperState::NotRunning, Some(e.message(lang))),
    }
}

/// Keeps the helper's block in step with the running session (driver side).
///
/// * A session that blocks sites asks for a block until its planned end (plus a minute), strict
///   if the session is; asked again (it is a ratchet: asking twice changes nothing) after a
///   restart, and every [`RECHECK`] while the helper is unavailable.
/// * A paused (non-strict) session runs longer than planned: the block is extended when it would
///   end before the session.
/// * A non-strict session that ends early stops the block; a strict block runs out on its own
///   (the helper refuses to stop it — also after an emergency exit, which the UI says).
#[derive(Debug, Default)]
pub struct SiteSync {
    /// The session the block was set up for, and when it was last checked (boot time).
    armed: Option<(String, Duration)>,
    /// The last failure, shown on the Focus screen.
    pub problem: Option<ClientError>,
}

/// How often an armed block is re-checked against the session.
pub const RECHECK: Duration = Duration::from_secs(15);
/// Slack added to the session's remaining time.
const MARGIN_SECS: u32 = 60;

impl SiteSync {
    /// One step; `session` is the running session's id, plan and remaining seconds (or `None`).
    pub fn step(
        &mut self,
        blocker: &dyn SiteBlocker,
        session: Option<(&str, &super::SessionPlan, u32, bool)>,
        now: Duration,
    ) {
        let Some((id, plan, remaining_secs, strict)) = session else {
            if self.armed.take().is_some() && !self.strict_ended_alone(blocker) {
                self.record(blocker.stop().map(|_| ()));
            }
            return;
        };
        if !plan.block_sites || plan.sites.is_empty() {
            return;
        }
        let due = match &self.armed {
            Some((armed, at)) if armed == id => now.saturating_sub(*at) >= RECHECK,
            _ => true,
        };
        if !due {
            return;
        }
        let want = remaining_secs.saturating_add(MARGIN_SECS).min(24 * 3600);
        let result = match &self.armed {
            Some((armed, _)) if armed == id => blocker.status().and_then(|s| {
                if !s.active {
                    blocker.start(&plan.sites, want, strict).map(|_| ())
                } else if s.remaining_secs < want.saturating_sub(MARGIN_SECS / 2) {
                    blocker.extend(want - s.remaining_secs).map(|_| ())
                } else {
                    Ok(())
                }
            }),
            _ => blocker.start(&plan.sites, want, strict).map(|_| ()),
        };
        match result {
            Ok(()) => self.armed = Some((id.to_owned(), now)),
            // Unavailable or refused: try again after RECHECK.
            Err(_) => self.armed = None,
        }
        self.record(result);
    }

    /// A strict block is left to run out; asking to stop it would only be refused.
    fn strict_ended_alone(&self, blocker: &dyn SiteBlocker) -> bool {
        blocker.status().is_ok_and(|s| s.strict || !s.active)
    }

    fn record(&mut self, result: Result<(), ClientError>) {
        match result {
            Ok(()) => self.problem = None,
            Err(e) => {
                if self.problem.as_ref() != Some(&e) {
                    tracing::warn!(error = %e, "website blocking");
                }
                self.problem = Some(e);
            }
        }
    }
}

/// The helper and the driver's memory of it, shared by the driver and the commands.
#[derive(Debug)]
pub struct Sites {
    pub blocker: Box<dyn SiteBlocker>,
    pub sync: std::sync::Mutex<SiteSync>,
}

impl Sites {
    pub fn new(blocker: Box<dyn SiteBlocker>) -> Self {
        Self { blocker, sync: std::sync::Mutex::new(SiteSync::default()) }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Mutex;

    use super::*;
    use crate::focus::SessionPlan;

    /// A helper in memory that follows the ratchet rules the real one enforces.
    #[derive(Debug, Default)]
    struct Fake {
        calls: Mutex<Vec<String>>,
        status: Mutex<daka_blockd::Status>,
        down: Mutex<bool>,
    }

    impl Fake {
        fn answer(&self, call: String) -> Result<daka_blockd::Status, ClientError> {
            self.calls.lock().unwrap().push(call);
            if *self.down.lock().unwrap() {
                return Err(ClientError::NotInstalled);
            }
            Ok(self.status.lock().unwrap().clone())
        }
    }

    impl SiteBlocker for Fake {
        fn status(&self) -> Result<daka_blockd::Status, ClientError> {
            self.answer("status".into())
        }
        fn start(
            &self,
            sites: &[String],
            secs: u32,
            strict: bool,
        ) -> Result<daka_blockd::Status, ClientError> {
            if !*self.down.lock().unwrap() {
                let mut s = self.status.lock().unwrap();
                s.active = true;
                s.strict |= strict;
                s.remaining_secs = s.remaining_secs.max(secs);
                s.sites = sites.to_vec();
            }
            self.answer(format!("start {} {secs} {strict}", sites.join(",")))
        }
        fn extend(&self, secs: u32) -> Result<daka_blockd::Status, ClientError> {
            self.status.lock().unwrap().remaining_secs += secs;
            self.answer(format!("extend {secs}"))
        }
        fn stop(&self) -> Result<daka_blockd::Status, ClientError> {
            let mut s = self.status.lock().unwrap();
            if s.strict {
                drop(s);
                self.calls.lock().unwrap().push("stop".into());
                return Err(ClientError::Refused {
                    code: daka_blockd::ErrorCode::Strict,
                    detail: daka_blockd::protocol::Detail::default(),
                });
            }
            s.active = false;
            drop(s);
            self.answer("stop".into())
        }
        fn can_install(&self) -> bool {
            false
        }
        fn install(&self) -> Result<(), String> {
            Err("no".into())
        }
    }

    fn plan() -> SessionPlan {
        SessionPlan {
            block_apps: false,
            apps: vec![],
            allow: vec![],
            block_sites: true,
            sites: vec!["bilibili.com".into()],
            overlay: false,
        }
    }

    fn calls(fake: &Fake) -> Vec<String> {
        std::mem::take(&mut *fake.calls.lock().unwrap())
    }

    #[test]
    fn a_session_blocks_until_its_end_is_extended_when_paused_and_stops_early_unless_strict() {
        let fake = Fake::default();
        let mut sync = SiteSync::default();
        let plan = plan();
        let t = Duration::from_secs;
        sync.step(&fake, Some(("s1", &plan, 1500, false)), t(0));
        assert_eq!(calls(&fake), ["start bilibili.com 1560 false"]);
        sync.step(&fake, Some(("s1", &plan, 1499, false)), t(1));
        assert!(calls(&fake).is_empty(), "re-checked only every 15 s");
        // Paused for a while: the helper's block would end first, so it is extended.
        fake.status.lock().unwrap().remaining_secs = 600;
        sync.step(&fake, Some(("s1", &plan, 1400, false)), t(20));
        assert_eq!(calls(&fake), ["status", "extend 860"]);
        // Stopped early (not strict): the block stops too.
        sync.step(&fake, None, t(30));
        assert_eq!(calls(&fake), ["status", "stop"]);
        assert!(sync.problem.is_none());
    }

    #[test]
    fn a_strict_block_runs_out_on_its_own_and_an_absent_helper_is_retried() {
        let fake = Fake::default();
        *fake.down.lock().unwrap() = true;
        let mut sync = SiteSync::default();
        let plan = plan();
        let t = Duration::from_secs;
        sync.step(&fake, Some(("s2", &plan, 600, true)), t(0));
        assert_eq!(sync.problem, Some(ClientError::NotInstalled));
        calls(&fake);
        *fake.down.lock().unwrap() = false;
        sync.step(&fake, Some(("s2", &plan, 590, true)), t(10));
        assert_eq!(calls(&fake), ["start bilibili.com 650 true"]);
        assert!(sync.problem.is_none());
        // The session ends (e.g. emergency exit): a strict block is not asked to stop.
        sync.step(&fake, None, t(20));
        assert_eq!(calls(&fake), ["status"]);
    }

    #[test]
    fn sessions_without_sites_never_talk_to_the_helper() {
        let fake = Fake::default();
        let mut sync = SiteSync::default();
        let mut plan = plan();
        plan.block_sites = false;
        sync.step(&fake, Some(("s3", &plan, 600, false)), Duration::ZERO);
        sync.step(&fake, None, Duration::from_secs(1));
        assert!(calls(&fake).is_empty());
    }

    #[test]
    fn the_ui_is_told_what_is_and_is_not_blocked() {
        let view = status_view(Err(ClientError::NotInstalled), true, None, Lang::ZhCn);
        assert_eq!(
            (view.helper, view.can_install, view.layers),
            (HelperState::NotInstalled, true, SiteLayers::OFF)
        );
        let view = status_view(Err(ClientError::NotRunning), false, None, Lang::ZhCn);
        assert!(view.problem.unwrap().contains("systemctl start daka-blockd"));
        let mut s = daka_blockd::Status {
            active: true,
            strict: true,
            remaining_secs: 90,
            ..Default::default()
        };
        s.layers.hosts = daka_blockd::LayerState::Active;
        s.layers.firefox = daka_blockd::LayerState::Skipped;
        let view = status_view(Ok(s), true, None, Lang::En);
        assert_eq!(view.helper, HelperState::Blocking);
        assert_eq!(
            (view.layers.hosts, view.layers.firefox),
            (LayerState::Active, LayerState::Skipped)
        );
        assert!(!view.can_install, "installed: nothing to offer");
    }
}
