#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;

use super::*;

const UID: u32 = 1000;
const ME: u32 = 100;
const PARENT: u32 = 99;

#[derive(Debug, Default)]
struct Fake {
    procs: RefCell<Vec<ProcInfo>>,
    sent: RefCell<Vec<(u32, Sig)>>,
}

impl ProcessSource for Fake {
    fn list(&self) -> io::Result<Vec<ProcInfo>> {
        Ok(self.procs.borrow().clone())
    }

    fn signal(&self, pid: u32, sig: Sig) -> io::Result<()> {
        self.sent.borrow_mut().push((pid, sig));
        Ok(())
    }
}

fn proc(pid: u32, ppid: u32, start: u64, name: &str) -> ProcInfo {
    ProcInfo {
        pid,
        ppid,
        uid: UID,
        start_time: start,
        exe_name: name.into(),
        cmdline0: name.into(),
    }
}

fn config(blocked: &[&str]) -> WatcherConfig {
    WatcherConfig {
        blocked: blocked.iter().map(|s| (*s).to_owned()).collect(),
        allow: vec!["MyReader".into()],
        own_pid: ME,
        parent_pid: PARENT,
        uid: UID,
        descendants_of: None,
        grace: DEFAULT_GRACE,
    }
}

fn watcher(blocked: &[&str], procs: Vec<ProcInfo>) -> ProcessWatcher<Fake> {
    let fake = Fake { procs: RefCell::new(procs), sent: RefCell::default() };
    ProcessWatcher::new(config(blocked), fake)
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

#[test]
fn never_signals_init_self_parent_other_users_or_spared_apps() {
    let mut other_uid = proc(200, 1, 1, "bilibili");
    other_uid.uid = 0;
    let procs = vec![
        proc(0, 0, 1, "bilibili"),
        proc(1, 0, 1, "bilibili"),
        proc(ME, PARENT, 1, "bilibili"),
        proc(PARENT, 1, 1, "bilibili"),
        other_uid,
        proc(300, 1, 1, "wechat"),
        proc(301, 1, 1, "systemd"),
        proc(302, 1, 1, "daka"),
        proc(303, 1, 1, "myreader"),
        proc(304, 1, 1, "zsh"),
    ];
    // Blocking an allowlisted or protected name has no effect either.
    let mut w = watcher(&["bilibili", "WeChat", "systemd", "daka", "MyReader"], procs);
    for t in 0..5 {
        assert_eq!(w.poll(secs(f64::from(t))), vec![]);
    }
    assert!(w.source().sent.borrow().is_empty());
    assert!(w.counts().is_empty());
}

#[test]
fn term_then_kill_after_grace_and_counts_once() {
    let mut w = watcher(&["Bilibili.exe"], vec![proc(400, 1, 7, "BILIBILI")]);
    let term = BlockAction { app: "bilibili".into(), pid: 400, action: Sig::Term };
    assert_eq!(w.poll(secs(0.0)), vec![term]);
    assert_eq!(w.poll(secs(1.0)), vec![]);
    assert_eq!(w.poll(secs(1.9)), vec![]);
    let kill = BlockAction { app: "bilibili".into(), pid: 400, action: Sig::Kill };
    assert_eq!(w.poll(secs(2.0)), vec![kill]);
    assert_eq!(w.poll(secs(5.0)), vec![]);
    assert_eq!(*w.source().sent.borrow(), vec![(400, Sig::Term), (400, Sig::Kill)]);
    assert_eq!(w.counts(), BTreeMap::from([("bilibili".to_owned(), 1)]));
    w.reset_counts();
    assert!(w.counts().is_empty());
}

#[test]
fn matches_argv0_when_the_executable_is_a_launcher() {
    let mut p = proc(410, 1, 1, "electron");
    p.cmdline0 = "/opt/apps/douyin".into();
    let mut w = watcher(&["douyin"], vec![p]);
    assert_eq!(w.poll(secs(0.0)).len(), 1);
    // But an allowlisted executable is spared whatever its argv[0] says.
    let mut p = proc(411, 1, 1, "code");
    p.cmdline0 = "douyin".into();
    let mut w = watcher(&["douyin"], vec![p]);
    assert_eq!(w.poll(secs(0.0)), vec![]);
}

#[test]
fn reused_pid_starts_over_with_term() {
    let mut w = watcher(&["bilibili"], vec![proc(500, 1, 10, "bilibili")]);
    assert_eq!(w.poll(secs(0.0))[0].action, Sig::Term);
    // The first process is gone; the pid now belongs to a new one, past the old grace period.
    *w.source().procs.borrow_mut() = vec![proc(500, 1, 20, "bilibili")];
    let actions = w.poll(secs(2.5));
    assert_eq!(actions, vec![BlockAction { app: "bilibili".into(), pid: 500, action: Sig::Term }]);
    assert_eq!(w.poll(secs(3.0)), vec![]);
    assert_eq!(w.poll(secs(4.5))[0].action, Sig::Kill);
    assert_eq!(w.counts()["bilibili"], 2);
}

#[test]
fn descendant_filter_sees_only_the_subtree() {
    let procs = vec![
        proc(1000, 1, 1, "bilibili"),
        proc(1001, 1000, 1, "bilibili"),
        proc(1002, 1001, 1, "bilibili"),
        proc(2000, 1, 1, "bilibili"),
        proc(2001, 2000, 1, "bilibili"),
    ];
    let fake = Fake { procs: RefCell::new(procs), sent: RefCell::default() };
    let mut w = ProcessWatcher::new(
        WatcherConfig { descendants_of: Some(1000), ..config(&["bilibili"]) },
        fake,
    );
    let mut pids: Vec<u32> = w.poll(secs(0.0)).iter().map(|a| a.pid).collect();
    pids.sort_unstable();
    assert_eq!(pids, vec![1001, 1002]);
}

#[test]
fn list_error_does_nothing_and_is_reported() {
    #[derive(Debug)]
    struct Broken;
    impl ProcessSource for Broken {
        fn list(&self) -> io::Result<Vec<ProcInfo>> {
            Err(io::Error::other("no /proc"))
        }
        fn signal(&self, _: u32, _: Sig) -> io::Result<()> {
            panic!("must not signal");
        }
    }
    let mut w = ProcessWatcher::new(config(&["bilibili"]), Broken);
    assert_eq!(w.poll(secs(0.0)), vec![]);
    assert!(w.last_error().is_some());
}

#[cfg(target_os = "linux")]
mod real {
    use std::os::unix::process::ExitStatusExt;
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command};
    use std::time::Instant;

    use super::super::*;

    fn sleep_binary() -> PathBuf {
        ["/bin/sleep", "/usr/bin/sleep"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .expect("sleep")
    }

    /// Spawns, retrying on ETXTBSY (another test thread may fork while our copy's fd is open).
    fn spawn(mut cmd: Command) -> Child {
        for _ in 0..50 {
            match cmd.spawn() {
                Ok(c) => return c,
                Err(e) if e.raw_os_error() == Some(26) => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => panic!("spawn: {e}"),
            }
        }
        panic!("spawn: text file busy");
    }

    fn copy_as(dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::copy(sleep_binary(), &path).expect("copy sleep");
        path
    }

    fn wait_for_exe(pid: u32, want: &Path) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::fs::read_link(format!("/proc/{pid}/exe")).ok().as_deref() != Some(want) {
            assert!(Instant::now() < deadline, "child {pid} never exec'd {}", want.display());
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn kills_only_our_blocked_children() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bili = copy_as(dir.path(), "bilibili");
        let steam = copy_as(dir.path(), "steam");
        let wechat = copy_as(dir.path(), "wechat");

        let mut c = Command::new(&bili);
        c.arg("60");
        let mut bili_child = spawn(c);
        // Ignores SIGTERM: the ignored disposition survives exec.
        let mut c = Command::new("sh");
        c.args(["-c", r#"trap "" TERM; exec "$0" 60"#]).arg(&steam);
        let mut steam_child = spawn(c);
        let mut c = Command::new(&wechat);
        c.arg("60");
        let mut wechat_child = spawn(c);
        wait_for_exe(steam_child.id(), &steam);

        let config = WatcherConfig {
            descendants_of: Some(std::process::id()),
            ..WatcherConfig::for_current_process(vec![
                "bilibili".into(),
                "steam".into(),
                "wechat".into(),
            ])
        };
        let mut w = ProcessWatcher::new(config, ProcFs::new());
        let start = Instant::now();
        let mut actions = Vec::new();
        let (mut bili_exit, mut steam_exit) = (None, None);
        for poll in 1..=8 {
            actions.extend(w.poll(start.elapsed()));
            assert!(w.last_error().is_none(), "{:?}", w.last_error());
            std::thread::sleep(Duration::from_secs(1));
            if bili_exit.is_none() {
                bili_exit = bili_child.try_wait().expect("wait").map(|s| (poll, s));
            }
            if steam_exit.is_none() {
                steam_exit = steam_child.try_wait().expect("wait").map(|s| (poll, s));
            }
            if bili_exit.is_some() && steam_exit.is_some() {
                break;
            }
        }
        let wechat_alive = wechat_child.try_wait().expect("wait").is_none();
        let _ = wechat_child.kill();
        let _ = wechat_child.wait();
        let _ = steam_child.kill();
        let _ = steam_child.wait();
        let _ = bili_child.kill();
        let _ = bili_child.wait();

        let (bili_poll, bili_status) = bili_exit.expect("bilibili was not stopped");
        assert!(bili_poll <= 2, "bilibili died only after poll {bili_poll}");
        assert_eq!(bili_status.signal(), Some(15));
        let (_, steam_status) = steam_exit.expect("steam was not killed");
        assert_eq!(steam_status.signal(), Some(9));
        assert!(wechat_alive, "the allowlisted wechat was touched");

        let of = |pid: u32| {
            actions.iter().filter(|a| a.pid == pid).map(|a| a.action).collect::<Vec<_>>()
        };
        assert_eq!(of(bili_child.id()), vec![Sig::Term]);
        assert_eq!(of(steam_child.id()), vec![Sig::Term, Sig::Kill]);
        assert_eq!(of(wechat_child.id()), vec![]);
        assert_eq!(
            w.counts(),
            BTreeMap::from([("bilibili".to_owned(), 1), ("steam".to_owned(), 1)])
        );
    }
}
