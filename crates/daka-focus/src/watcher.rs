//! The unprivileged blocking layer (DESIGN.md §5, focus-anchors.md §4.2 item 4): a process
//! watcher polled about once a second. Every process of our own uid whose executable name is
//! blocked gets SIGTERM the first time it is seen, then SIGKILL if it is still alive after a grace
//! period (2 s by default, measured on the caller's monotonic clock).
//!
//! Never touched: PIDs <= 1, Daka itself and its parent, processes of another uid, allowlisted
//! apps ([`DEFAULT_ALLOWLIST`] plus the user's own) and system processes
//! ([`PROTECTED_PROCESSES`]). Per-process state is keyed by (pid, start time), so a reused pid is
//! a new process and starts over with SIGTERM.
//!
//! The process table comes from a [`ProcessSource`]: [`ProcFs`] reads `/proc` on Linux and
//! reports "not supported here" elsewhere; tests inject a fake, or restrict the real one to their
//! own children with [`WatcherConfig::descendants_of`].

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::blocklist::{DEFAULT_ALLOWLIST, PROTECTED_PROCESSES, app_key};

#[cfg(test)]
mod tests;

/// How long a process may live after SIGTERM before it gets SIGKILL.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(2);

/// Names that are Daka itself (the same list the blocklist refuses).
const DAKA_KEYS: &[&str] = &["daka", "daka-blockd", "打卡"];

/// The signal sent to a blocked process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sig {
    /// SIGTERM: ask it to quit.
    Term,
    /// SIGKILL: it did not quit within the grace period.
    Kill,
}

/// One process as seen by a [`ProcessSource`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcInfo {
    pub pid: u32,
    pub ppid: u32,
    /// The real uid.
    pub uid: u32,
    /// Start time (Linux: `/proc/PID/stat` field 22, clock ticks since boot); with `pid` it
    /// identifies the process across pid reuse.
    pub start_time: u64,
    /// File name of the executable (`/proc/PID/exe`), or `/proc/PID/comm` when unreadable.
    pub exe_name: String,
    /// `argv[0]`, possibly empty.
    pub cmdline0: String,
}

/// Where the watcher gets the process table and how it signals a process.
pub trait ProcessSource {
    /// All live processes (zombies left out).
    fn list(&self) -> io::Result<Vec<ProcInfo>>;
    /// Sends `sig` to `pid`. A process that is already gone is not an error.
    fn signal(&self, pid: u32, sig: Sig) -> io::Result<()>;
}

/// Something the watcher did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockAction {
    /// The blocked app key that matched (case-folded, `.exe` dropped).
    pub app: String,
    pub pid: u32,
    pub action: Sig,
}

/// What to block and whom never to touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatcherConfig {
    /// Blocked executable names; compared with [`app_key`].
    pub blocked: Vec<String>,
    /// Extra allowlisted names on top of [`DEFAULT_ALLOWLIST`].
    pub allow: Vec<String>,
    /// Our own pid: never signalled.
    pub own_pid: u32,
    /// Our parent's pid: never signalled.
    pub parent_pid: u32,
    /// Only processes with this real uid are considered.
    pub uid: u32,
    /// If set, only strict descendants of this pid are considered (tests: "only my children").
    pub descendants_of: Option<u32>,
    /// SIGTERM → SIGKILL delay.
    pub grace: Duration,
}

impl WatcherConfig {
    /// A config for the calling process: its pid, parent and uid, no extra allowlist, no
    /// descendant filter, [`DEFAULT_GRACE`].
    pub fn for_current_process(blocked: Vec<String>) -> Self {
        Self {
            blocked,
            allow: Vec::new(),
            own_pid: std::process::id(),
            parent_pid: parent_pid(),
            uid: current_uid(),
            descendants_of: None,
            grace: DEFAULT_GRACE,
        }
    }
}

#[cfg(unix)]
fn parent_pid() -> u32 {
    std::os::unix::process::parent_id()
}

#[cfg(not(unix))]
fn parent_pid() -> u32 {
    0
}

#[cfg(unix)]
fn current_uid() -> u32 {
    rustix::process::getuid().as_raw()
}

#[cfg(not(unix))]
fn current_uid() -> u32 {
    0
}

#[derive(Debug)]
struct Tracked {
    termed_at: Duration,
    killed: bool,
}

/// The process watcher. Call [`ProcessWatcher::poll`] about once a second.
#[derive(Debug)]
pub struct ProcessWatcher<S: ProcessSource = ProcFs> {
    source: S,
    blocked: BTreeSet<String>,
    spared: HashSet<String>,
    own_pid: u32,
    parent_pid: u32,
    uid: u32,
    descendants_of: Option<u32>,
    grace: Duration,
    tracked: HashMap<(u32, u64), Tracked>,
    counts: BTreeMap<String, u32>,
    last_error: Option<io::Error>,
}

impl<S: ProcessSource> ProcessWatcher<S> {
    pub fn new(config: WatcherConfig, source: S) -> Self {
        let spared = DEFAULT_ALLOWLIST
            .iter()
            .chain(PROTECTED_PROCESSES)
            .map(|a| app_key(a.exe))
            .chain(config.allow.iter().map(|a| app_key(a)))
            .chain(DAKA_KEYS.iter().map(|a| app_key(a)))
            .collect::<HashSet<_>>();
        let blocked = config
            .blocked
            .iter()
            .map(|b| app_key(b))
            .filter(|k| !k.is_empty() && !spared.contains(k))
            .collect();
        Self {
            source,
            blocked,
            spared,
            own_pid: config.own_pid,
            parent_pid: config.parent_pid,
            uid: config.uid,
            descendants_of: config.descendants_of,
            grace: config.grace,
            tracked: HashMap::new(),
            counts: BTreeMap::new(),
            last_error: None,
        }
    }

    /// One pass over the process table at monotonic time `now`. Returns the signals sent. If
    /// the table cannot be read, nothing is done and [`Self::last_error`] says why.
    pub fn poll(&mut self, now: Duration) -> Vec<BlockAction> {
        let procs = match self.source.list() {
            Ok(p) => p,
            Err(e) => {
                self.last_error = Some(e);
                return Vec::new();
            }
        };
        self.last_error = None;
        let scope = self.descendants_of.map(|root| descendants(&procs, root));
        let mut seen = HashSet::new();
        let mut actions = Vec::new();
        for p in &procs {
            if scope.as_ref().is_some_and(|s| !s.contains(&p.pid)) {
                continue;
            }
            let Some(app) = self.target(p) else { continue };
            let key = (p.pid, p.start_time);
            seen.insert(key);
            let sig = match self.tracked.get_mut(&key) {
                None => {
                    self.tracked.insert(key, Tracked { termed_at: now, killed: false });
                    *self.counts.entry(app.clone()).or_insert(0) += 1;
                    Sig::Term
                }
                Some(t) if !t.killed && now.saturating_sub(t.termed_at) >= self.grace => {
                    t.killed = true;
                    Sig::Kill
                }
                Some(_) => continue,
            };
            match self.source.signal(p.pid, sig) {
                Ok(()) => actions.push(BlockAction { app, pid: p.pid, action: sig }),
                Err(e) => self.last_error = Some(e),
            }
        }
        self.tracked.retain(|k, _| seen.contains(k));
        actions
    }

    /// The blocked app key `p` matches (by executable name, else by `argv[0]`), if it may be
    /// signalled at all. An allowlisted or protected executable is never a target.
    fn target(&self, p: &ProcInfo) -> Option<String> {
        if p.pid <= 1 || p.pid == self.own_pid || p.pid == self.parent_pid || p.uid != self.uid {
            return None;
        }
        let exe = app_key(&p.exe_name);
        if self.spared.contains(&exe) {
            return None;
        }
        if self.blocked.contains(&exe) {
            return Some(exe);
        }
        // Launchers and AppImages: argv[0] may name the app when the executable does not.
        let arg0 = app_key(p.cmdline0.rsplit('/').next().unwrap_or_default());
        self.blocked.contains(&arg0).then_some(arg0)
    }

    /// Processes blocked per app key (each process counted once, at its SIGTERM).
    pub fn counts(&self) -> BTreeMap<String, u32> {
        self.counts.clone()
    }

    /// Clears [`Self::counts`], e.g. at the start of a new study day.
    pub fn reset_counts(&mut self) {
        self.counts.clear();
    }

    /// The last error from the process source during the last poll, if any.
    pub fn last_error(&self) -> Option<&io::Error> {
        self.last_error.as_ref()
    }

    pub fn source(&self) -> &S {
        &self.source
    }
}

/// Strict descendants of `root` in `procs`.
fn descendants(procs: &[ProcInfo], root: u32) -> HashSet<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for p in procs {
        if p.pid != p.ppid {
            children.entry(p.ppid).or_default().push(p.pid);
        }
    }
    let mut out = HashSet::new();
    let mut stack = vec![root];
    while let Some(pid) = stack.pop() {
        for &c in children.get(&pid).map(Vec::as_slice).unwrap_or_default() {
            if c != root && out.insert(c) {
                stack.push(c);
            }
        }
    }
    out
}

/// The real process source: `/proc` on Linux; "not supported here" elsewhere.
///
/// Cost matters (it runs every second for hours): per process and poll it reads only
/// `/proc/PID/stat` (state, parent, start time, comm) and stats `/proc/PID` (its owner is the
/// process's effective uid). The executable name and `argv[0]` are read only for processes of
/// our own uid — no other process is ever signalled — and only once per (pid, start time, comm):
/// an `exec` changes comm, so a process that execs into a blocked program is read again.
/// Processes of other uids are listed with empty names.
#[derive(Debug, Default)]
pub struct ProcFs {
    /// (pid, start time) → names of our own processes, pruned each poll.
    names: std::sync::Mutex<HashMap<(u32, u64), Names>>,
}

/// What is cached of one process: the comm it had when read, its executable name and argv[0].
#[derive(Debug)]
struct Names {
    comm: String,
    exe: String,
    arg0: String,
}

impl ProcFs {
    pub fn new() -> Self {
        Self::default()
    }
}

#[cfg(target_os = "linux")]
impl ProcessSource for ProcFs {
    fn list(&self) -> io::Result<Vec<ProcInfo>> {
        use std::os::unix::fs::MetadataExt;

        let me = current_uid();
        let mut names = self.names.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for entry in std::fs::read_dir("/proc")? {
            let Ok(entry) = entry else { continue };
            let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            // A process can exit at any point while we read it: skip it then.
            let dir = entry.path();
            let Some(stat) = read_stat(&dir) else { continue };
            let Ok(uid) = std::fs::metadata(&dir).map(|m| m.uid()) else { continue };
            let (exe_name, cmdline0) = if uid == me {
                let key = (pid, stat.start_time);
                seen.insert(key);
                match names.get(&key) {
                    Some(n) if n.comm == stat.comm => (n.exe.clone(), n.arg0.clone()),
                    _ => {
                        let Some((exe, arg0)) = read_names(&dir, &stat.comm) else { continue };
                        let comm = stat.comm.clone();
                        names.insert(key, Names { comm, exe: exe.clone(), arg0: arg0.clone() });
                        (exe, arg0)
                    }
                }
            } else {
                (String::new(), String::new())
            };
            out.push(ProcInfo {
                pid,
                ppid: stat.ppid,
                uid,
                start_time: stat.start_time,
                exe_name,
                cmdline0,
            });
        }
        names.retain(|key, _| seen.contains(key));
        Ok(out)
    }

    fn signal(&self, pid: u32, sig: Sig) -> io::Result<()> {
        use rustix::process::{Pid, Signal, kill_process};
        let pid = i32::try_from(pid)
            .ok()
            .and_then(Pid::from_raw)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "bad pid"))?;
        let signal = match sig {
            Sig::Term => Signal::TERM,
            Sig::Kill => Signal::KILL,
        };
        match kill_process(pid, signal) {
            Ok(()) | Err(rustix::io::Errno::SRCH) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(target_os = "linux")]
struct Stat {
    ppid: u32,
    start_time: u64,
    comm: String,
}

/// `/proc/PID/stat`; `None` for a zombie or a process that is gone.
#[cfg(target_os = "linux")]
fn read_stat(dir: &std::path::Path) -> Option<Stat> {
    let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
    // "pid (comm) state ppid ...": comm may hold spaces and ')', so split at the last ')'.
    let close = stat.rfind(')')?;
    let comm = stat.get(stat.find('(')? + 1..close)?.to_owned();
    let rest = stat.get(close + 1..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // fields[0] is field 3 (state), so field N is fields[N - 3].
    let state = *fields.first()?;
    if state == "Z" || state == "X" {
        return None;
    }
    Some(Stat {
        ppid: fields.get(1)?.parse().ok()?,
        start_time: fields.get(19)?.parse().ok()?,
        comm,
    })
}

/// The executable's file name (`comm` when the link cannot be read) and `argv[0]`.
#[cfg(target_os = "linux")]
fn read_names(dir: &std::path::Path, comm: &str) -> Option<(String, String)> {
    let exe_name = std::fs::read_link(dir.join("exe"))
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .map_or_else(
            || comm.to_owned(),
            |n| n.strip_suffix(" (deleted)").map(str::to_owned).unwrap_or(n),
        );
    let cmdline = std::fs::read(dir.join("cmdline")).ok()?;
    let arg0 = cmdline.split(|&b| b == 0).next().unwrap_or_default();
    Some((exe_name, String::from_utf8_lossy(arg0).into_owned()))
}

#[cfg(not(target_os = "linux"))]
impl ProcessSource for ProcFs {
    fn list(&self) -> io::Result<Vec<ProcInfo>> {
        Err(unsupported())
    }

    fn signal(&self, _pid: u32, _sig: Sig) -> io::Result<()> {
        Err(unsupported())
    }
}

#[cfg(not(target_os = "linux"))]
fn unsupported() -> io::Error {
    io::Error::new(io::ErrorKind::Unsupported, "the process watcher is not supported here yet")
}
