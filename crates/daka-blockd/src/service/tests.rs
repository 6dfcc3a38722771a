use std::fs;

use super::*;
use crate::clock::FakeClock;
use crate::layers::tests::snapshot;
use crate::protocol::LayerState;

const HOSTS: &[u8] = b"127.0.0.1 localhost\n::1 localhost\n";
const OWNER: u32 = 1000;
const H: u64 = 3_600_000;

struct Fixture {
    dir: tempfile::TempDir,
    clock: Arc<FakeClock>,
    config: Config,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("root/etc")).unwrap();
        fs::write(dir.path().join("root/etc/hosts"), HOSTS).unwrap();
        fs::write(dir.path().join("boot_id"), "boot-1\n").unwrap();
        let mut config = Config::new(dir.path().join("root"));
        config.dns_flush = false;
        config.boot_id_file = dir.path().join("boot_id");
        let clock = Arc::new(FakeClock::new(Now { boot_ms: 50_000, wall_ms: 1_700_000_000_000 }));
        Fixture { dir, clock, config }
    }

    fn root(&self) -> PathBuf {
        self.config.root.clone()
    }

    fn open(&self) -> Service {
        Service::open(self.config.clone(), self.clock.clone())
    }

    fn paths(&self) -> Paths {
        Paths::new(self.root())
    }

    fn hosts(&self) -> Vec<u8> {
        fs::read(self.paths().hosts()).unwrap()
    }
}

fn start(secs: u64, strict: bool) -> Op {
    Op::Start { sites: vec!["bilibili.com".into()], duration_secs: secs, strict }
}

fn ok(r: Response) -> Status {
    assert!(r.ok, "{r:?}");
    r.status.unwrap()
}

fn code(r: Response) -> ErrorCode {
    assert!(!r.ok, "{r:?}");
    r.error.unwrap().code
}

#[test]
fn a_block_writes_its_layers_and_expiry_restores_everything() {
    let f = Fixture::new();
    let before = snapshot(&f.root());
    let mut s = f.open();
    assert_eq!(snapshot(&f.root()), before, "opening on a clean root writes nothing");
    let st = ok(s.handle(OWNER, start(60, true)));
    assert!(st.active && st.strict);
    assert_eq!(st.owner_uid, Some(OWNER));
    assert_eq!(st.remaining_secs, 60);
    assert_eq!(st.ends_at.as_deref(), Some("2023-11-14T22:14:20Z"));
    assert_eq!(st.layers.hosts, LayerState::Active);
    assert_eq!(st.layers.firefox, LayerState::Active);
    assert!(f.hosts().starts_with(HOSTS) && f.hosts().len() > HOSTS.len());
    assert!(f.paths().chromium_policy().exists() && f.paths().firefox_policy().exists());
    assert!(f.paths().state_file().exists());

    assert_eq!(code(s.handle(OWNER, Op::Stop)), ErrorCode::Strict);
    f.clock.advance(59_000);
    s.tick();
    assert!(ok(s.handle(OWNER, Op::Status)).active);
    f.clock.advance(1_000);
    s.tick();
    assert!(!ok(s.handle(OWNER, Op::Status)).active);
    assert_eq!(f.hosts(), HOSTS);
    let mut after = snapshot(&f.root());
    after.remove(Path::new("var/lib/daka-blockd"));
    after.remove(Path::new("var/lib"));
    after.remove(Path::new("var"));
    assert_eq!(after, before);
}

#[test]
fn a_non_strict_block_is_stopped_by_its_owner() {
    let f = Fixture::new();
    let mut s = f.open();
    ok(s.handle(OWNER, start(600, false)));
    assert_eq!(code(s.handle(OWNER + 1, Op::Stop)), ErrorCode::Forbidden);
    assert!(!ok(s.handle(OWNER, Op::Stop)).active);
    assert_eq!(f.hosts(), HOSTS);
    assert!(!f.paths().state_file().exists());
    assert!(!f.paths().chrome_policy().exists());
}

#[test]
fn refused_requests_write_nothing() {
    let f = Fixture::new();
    let mut config = f.config.clone();
    config.access = Access::only([OWNER]);
    let before = snapshot(&f.root());
    let mut s = Service::open(config, f.clock.clone());
    assert_eq!(code(s.handle(OWNER + 1, start(60, false))), ErrorCode::Forbidden);
    let bad = Op::Start {
        sites: vec!["ok.com".into(), "bad site".into()],
        duration_secs: 60,
        strict: false,
    };
    let r = s.handle(OWNER, bad);
    let e = r.error.unwrap();
    assert_eq!((e.code, e.detail.index), (ErrorCode::InvalidSite, Some(1)));
    assert_eq!(code(s.handle(OWNER, start(0, false))), ErrorCode::InvalidDuration);
    assert_eq!(code(s.handle(OWNER, Op::Extend { duration_secs: 5 })), ErrorCode::NotActive);
    assert_eq!(snapshot(&f.root()), before);
}

#[test]
fn a_broken_hosts_section_refuses_the_start_and_writes_nothing() {
    let f = Fixture::new();
    let broken = [HOSTS, b"# END DAKA BLOCK\n"].concat();
    fs::write(f.paths().hosts(), &broken).unwrap();
    let mut s = f.open();
    let before = snapshot(&f.root());
    assert_eq!(code(s.handle(OWNER, start(60, true))), ErrorCode::HostsBroken);
    assert_eq!(snapshot(&f.root()), before);
    assert!(!ok(s.handle(OWNER, Op::Status)).active);
}

#[test]
fn tampering_is_repaired_on_the_next_tick() {
    let f = Fixture::new();
    let mut s = f.open();
    ok(s.handle(OWNER, start(600, true)));
    let full = f.hosts();
    fs::write(f.paths().hosts(), HOSTS).unwrap();
    fs::remove_file(f.paths().firefox_policy()).unwrap();
    fs::remove_dir_all(f.root().join("etc/opt")).unwrap();
    f.clock.advance(1_000);
    s.tick();
    assert_eq!(f.hosts(), full);
    assert!(f.paths().firefox_policy().exists());
    assert!(f.paths().chrome_policy().exists());
    // The recreated directories are still removed at the end.
    f.clock.advance(600_000);
    s.tick();
    assert!(!f.root().join("etc/opt").exists());
}

#[test]
fn extend_and_add_sites_are_saved_and_applied() {
    let f = Fixture::new();
    let mut s = f.open();
    ok(s.handle(OWNER, start(600, false)));
    let st = ok(s.handle(OWNER, Op::Extend { duration_secs: 86_400 }));
    assert_eq!(st.remaining_secs, 86_400);
    let st = ok(s.handle(OWNER, Op::AddSites { sites: vec!["zhihu.com".into()] }));
    assert_eq!(st.sites, ["bilibili.com", "zhihu.com"]);
    assert!(String::from_utf8_lossy(&f.hosts()).contains("0.0.0.0 zhihu.com"));
    let saved = state::load(&f.paths().state_file()).unwrap().unwrap();
    assert_eq!(saved.block.sites.len(), 2);
    assert_eq!(saved.block.end_boot_ms, 50_000 + 24 * H);
}

#[test]
fn wall_clock_jumps_do_not_end_a_block() {
    let f = Fixture::new();
    let mut s = f.open();
    ok(s.handle(OWNER, start(3600, true)));
    for jump in [2 * H as i64, -4 * H as i64, 30 * 24 * H as i64] {
        f.clock.jump_wall(jump);
        f.clock.advance(1_000);
        s.tick();
        assert!(ok(s.handle(OWNER, Op::Status)).active);
    }
    assert_eq!(ok(s.handle(OWNER, Op::Status)).remaining_secs, 3597);
}

#[test]
fn a_restart_in_the_same_boot_keeps_the_boot_clock_end() {
    let f = Fixture::new();
    let mut s = f.open();
    ok(s.handle(OWNER, start(3600, true)));
    drop(s);
    // Ten minutes pass and the clock is turned two hours forward while the daemon is down.
    f.clock.advance(600_000);
    f.clock.jump_wall(2 * H as i64);
    let mut s = f.open();
    let st = ok(s.handle(OWNER, Op::Status));
    assert!(st.active);
    assert_eq!(st.remaining_secs, 3000);
    assert_eq!(code(s.handle(OWNER, Op::Stop)), ErrorCode::Strict);
}

#[test]
fn a_restart_after_a_reboot_uses_the_wall_clock_end() {
    let f = Fixture::new();
    let mut s = f.open();
    ok(s.handle(OWNER, start(3600, true)));
    // Simulate a reboot: the layers were wiped (say, an image restore), the boot clock restarts.
    fs::write(f.paths().hosts(), HOSTS).unwrap();
    drop(s);
    fs::write(f.dir.path().join("boot_id"), "boot-2\n").unwrap();
    let wall = f.clock.now().wall_ms;
    f.clock.set(Now { boot_ms: 5_000, wall_ms: wall + 600_000 });
    let mut s = f.open();
    let st = ok(s.handle(OWNER, Op::Status));
    assert_eq!(st.remaining_secs, 3000);
    assert!(f.hosts().len() > HOSTS.len(), "layers re-applied at start-up");
    let saved = state::load(&f.paths().state_file()).unwrap().unwrap();
    assert_eq!(saved.boot_id.as_deref(), Some("boot-2"));
    assert_eq!(saved.block.end_boot_ms, 5_000 + 3_000_000);
    // After the end (by the wall clock) a later boot removes the leftovers.
    drop(s);
    fs::write(f.dir.path().join("boot_id"), "boot-3\n").unwrap();
    f.clock.set(Now { boot_ms: 5_000, wall_ms: wall + 3_700_000 });
    let mut s = f.open();
    assert!(!ok(s.handle(OWNER, Op::Status)).active);
    assert_eq!(f.hosts(), HOSTS);
    assert!(!f.paths().state_file().exists());
    assert!(!f.paths().chromium_policy().exists());
}

#[test]
fn leftovers_without_a_state_are_removed_at_start_up() {
    let f = Fixture::new();
    let before = snapshot(&f.root());
    {
        let mut s = f.open();
        ok(s.handle(OWNER, start(3600, true)));
    }
    // The state is lost; a temp file of an interrupted write lies around.
    fs::remove_file(f.paths().state_file()).unwrap();
    fs::write(f.root().join("etc/.hosts.daka-tmp.99.0"), b"junk").unwrap();
    let _s = f.open();
    assert_eq!(f.hosts(), HOSTS);
    assert!(!f.paths().chromium_policy().exists());
    assert!(!f.paths().firefox_policy().exists());
    assert!(!f.root().join("etc/.hosts.daka-tmp.99.0").exists());
    // Directories cannot be told apart from an administrator's without the state: they stay.
    assert!(f.root().join("etc/firefox/policies").is_dir());
    let _ = before;
}

#[test]
fn cleanup_refuses_an_active_block_unless_forced_and_the_daemon_lets_go() {
    let f = Fixture::new();
    let before = snapshot(&f.root());
    let mut s = f.open();
    ok(s.handle(OWNER, start(3600, true)));
    assert!(matches!(
        cleanup(&f.config, false, f.clock.as_ref()),
        Err(CleanupError::Active { remaining_secs: 3600 })
    ));
    assert!(f.hosts().len() > HOSTS.len());
    assert!(cleanup(&f.config, true, f.clock.as_ref()).unwrap());
    assert_eq!(f.hosts(), HOSTS);
    // The running daemon sees the state gone and does not put the block back.
    f.clock.advance(1_000);
    s.tick();
    assert!(!ok(s.handle(OWNER, Op::Status)).active);
    assert_eq!(f.hosts(), HOSTS);
    let mut after = snapshot(&f.root());
    for p in ["var/lib/daka-blockd", "var/lib", "var"] {
        after.remove(Path::new(p));
    }
    assert_eq!(after, before);
}

#[test]
fn a_foreign_firefox_policy_is_reported_skipped_and_kept() {
    let f = Fixture::new();
    let ff = f.paths().firefox_policy();
    fs::create_dir_all(ff.parent().unwrap()).unwrap();
    fs::write(&ff, br#"{"policies":{"DisableTelemetry":true}}"#).unwrap();
    let mut s = f.open();
    let st = ok(s.handle(OWNER, start(5, false)));
    assert_eq!(st.layers.firefox, LayerState::Skipped);
    f.clock.advance(5_000);
    s.tick();
    assert_eq!(fs::read(&ff).unwrap(), br#"{"policies":{"DisableTelemetry":true}}"#);
}
