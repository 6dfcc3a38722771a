//! Fault injection: random schedules of punch-ins, edits, deletes and sync rounds on three
//! devices of two users (user 1 has two), through a proxy that drops requests, drops answers
//! (applied but never acknowledged), duplicates, delays and reorders them, truncates answers
//! and answers 502; with the real `daka-server` binary restarted gracefully and killed with
//! SIGKILL mid-round, devices crashing (rewound to an earlier copy of their data), rounds
//! cut off at any await point, and the store failing before it records an acknowledgement.
//!
//! After each schedule the network heals, every device syncs until nothing moves, and:
//! - every device's copy of the group equals the server's feed pulled fresh from 0 (ids,
//!   versions, bodies, tombstones), and the fresh feed is strictly increasing, gap-free up to
//!   the head, with no record twice;
//! - each record is the highest `(version, device)` write made of it that the server accepts
//!   (so a device's last edit of its own record wins unless the user's other device wrote a
//!   higher one); every live punch-in is there exactly once and deletes are tombstones;
//! - every page a device received was strictly increasing above its cursor, and its cursor
//!   became exactly the last seq it applied;
//! - nothing acknowledged is lost: each mutation a device dropped from its outbox is on the
//!   server at that version or a higher one;
//! - refused mutations never reach the feed and are kept as rejected (unless the answer that
//!   carried the refusal was lost — then the resend is answered `duplicate`).
//!
//! `DAKA_FAULT_SCHEDULES` (default 500) sets how many; `DAKA_FAULT_SEED` replays one schedule;
//! `DAKA_FAULT_BASE_SEED` fixes the run's seeds; `DAKA_FAULT_WORKERS` (default 4) sets how many
//! run at once, each with its own server process, proxy and accounts.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stderr)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use daka_sync::SyncError;
use daka_wire::{Change, MutationStatus, RejectCode, Session, SharedRecord, SyncStatus};
use futures_util::future::join_all;
use support::process::{ServerProcess, server_binary};
use support::proxy::{FaultCounts, FaultProxy, KINDS};
use support::rng::{Rng, schedule_seed};
use support::store::StoreState;
use support::{Admin, Device, days_ago, today, username};
use uuid::Uuid;

const NAMES: [&str; 3] = ["u1-laptop", "u1-phone", "u2"];

/// One write a device made, as the model remembers it.
#[derive(Debug, Clone)]
struct Write {
    device: usize,
    device_id: Uuid,
    record: Uuid,
    version: i64,
    /// `None`: a delete.
    body: Option<(NaiveDate, u32)>,
}

impl Write {
    /// Whether the server accepts it (the only refusal a schedule provokes: a date too old).
    fn valid(&self) -> bool {
        self.body.is_none_or(|(date, _)| date >= today() - chrono::Duration::days(400))
    }
}

#[derive(Debug, Default)]
struct Totals {
    schedules: AtomicU64,
    ops: AtomicU64,
    kills: AtomicU64,
    restarts: AtomicU64,
    crashes: AtomicU64,
    aborted_rounds: AtomicU64,
    failed_acks: AtomicU64,
    round_errors: AtomicU64,
    resequences: AtomicU64,
    resets: AtomicU64,
    writes: AtomicU64,
    sigterm_deaths: AtomicU64,
    lost_refusals: AtomicU64,
}

fn add(counter: &AtomicU64, n: u64) {
    counter.fetch_add(n, Ordering::Relaxed);
}

/// One lane of schedules: its own server process, a faulty proxy for the devices, a clean one
/// for setup and checks (both follow the server across restarts), and three devices.
struct Worker {
    server: ServerProcess,
    faulty: FaultProxy,
    clean: FaultProxy,
    admin: Admin,
    sessions: [Session; 3],
}

impl Worker {
    async fn start(bin: &std::path::Path, counts: Arc<FaultCounts>) -> Self {
        let server = ServerProcess::start(bin).await;
        let faulty = FaultProxy::start(server.addr, counts).await;
        let clean = FaultProxy::start(server.addr, Arc::new(FaultCounts::default())).await;
        let admin = Admin::new(&clean.url);
        let user1 = username("f");
        let laptop = admin.sign_up(&user1).await;
        let phone = admin.sign_in(&user1, "phone").await;
        let other = admin.sign_up(&username("g")).await;
        Worker { server, faulty, clean, admin, sessions: [laptop, phone, other] }
    }

    fn follow_server(&self) {
        self.faulty.set_upstream(self.server.addr);
        self.clean.set_upstream(self.server.addr);
    }

    async fn ensure_up(&mut self) {
        if !self.server.is_up() {
            self.server.spawn().await;
            self.follow_server();
        }
    }
}

/// A schedule being run: its devices, the model and the log printed on failure.
struct Run<'w> {
    w: &'w mut Worker,
    rng: Rng,
    group: Uuid,
    devices: Vec<Device>,
    /// Each device's data just after its last local write: a crash rewinds to it (a killed
    /// process loses the sync steps it had not recorded, never a committed local write).
    checkpoints: Vec<StoreState>,
    writes: Vec<Write>,
    log: Vec<String>,
    totals: &'w Totals,
}

impl Run<'_> {
    fn note(&mut self, line: String) {
        self.log.push(line);
    }

    async fn sync(&mut self, d: usize) {
        let result = self.devices[d].sync().await;
        self.note_round(d, &result);
    }

    fn note_round(&mut self, d: usize, result: &Result<daka_sync::RoundReport, SyncError>) {
        let line = match result {
            Ok(r) => format!(
                "  {} round: pushed {} pulled {} reset {}",
                NAMES[d], r.pushed, r.pulled, r.reset_groups
            ),
            Err(e) => {
                add(&self.totals.round_errors, 1);
                format!("  {} round failed: {e}", NAMES[d])
            }
        };
        self.note(line);
    }

    async fn sync_many(&mut self, which: &[usize]) {
        let rounds = which.iter().map(|&d| self.devices[d].sync());
        let results = join_all(rounds).await;
        for (&d, r) in which.iter().zip(&results) {
            self.note_round(d, r);
        }
    }

    fn local_write(
        &mut self,
        d: usize,
        record: Uuid,
        version: i64,
        body: Option<(NaiveDate, u32)>,
    ) {
        let device_id = self.devices[d].session.device_id;
        self.writes.push(Write { device: d, device_id, record, version, body });
        self.checkpoints[d] = self.devices[d].store.checkpoint();
        add(&self.totals.writes, 1);
    }

    fn punch_in(&mut self, d: usize, date: NaiveDate) {
        let minutes = self.rng.range(1, 600) as u32;
        let (id, version) = self.devices[d].store.punch_in(date, minutes);
        self.note(format!("punch_in {} {id} {date} {minutes}min v{version}", NAMES[d]));
        self.local_write(d, id, version, Some((date, minutes)));
    }

    /// A live punch-in of `d`'s user that `d` knows of, picked at random.
    fn pick_own(&mut self, d: usize) -> Option<(Uuid, NaiveDate)> {
        let live: Vec<_> = self.devices[d]
            .store
            .own_records()
            .into_iter()
            .filter_map(|r| r.body.map(|b| (r.id, b.date)))
            .collect();
        self.rng.pick(&live).copied()
    }

    fn edit(&mut self, d: usize, id: Uuid, date: NaiveDate) {
        let minutes = self.rng.range(1, 600) as u32;
        let version = self.devices[d].store.edit(id, minutes).expect("a live own record");
        self.note(format!("edit {} {id} → {minutes}min v{version}", NAMES[d]));
        self.local_write(d, id, version, Some((date, minutes)));
    }

    fn delete(&mut self, d: usize, id: Uuid) {
        let version = self.devices[d].store.delete(id).expect("a live own record");
        self.note(format!("delete {} {id} v{version}", NAMES[d]));
        self.local_write(d, id, version, None);
    }

    async fn step(&mut self) {
        // punch, bad punch, edit, delete, both-devices edit, sync, sync many, cut-off round,
        // crash, failed ack, restart, kill -9 mid-round, start a killed server
        let weights =
            [18, 2, 12, 6, 5, 24, 12, 5, 5, 3, 3, 4, if self.w.server.is_up() { 0 } else { 6 }];
        let d = self.rng.below(3) as usize;
        match self.rng.weighted(&weights) {
            0 => {
                let date = days_ago(self.rng.range(2, 20) as i64);
                self.punch_in(d, date);
            }
            1 => self.punch_in(d, days_ago(600)),
            2 => match self.pick_own(d) {
                Some((id, date)) => self.edit(d, id, date),
                None => self.sync(d).await,
            },
            3 => match self.pick_own(d) {
                Some((id, _)) => self.delete(d, id),
                None => self.sync(d).await,
            },
            4 => {
                // Offline edits of one record on both of user 1's devices.
                let on_phone: BTreeSet<Uuid> = self.devices[1]
                    .store
                    .own_records()
                    .into_iter()
                    .filter(|r| r.body.is_some())
                    .map(|r| r.id)
                    .collect();
                let both: Vec<(Uuid, NaiveDate)> = self.devices[0]
                    .store
                    .own_records()
                    .into_iter()
                    .filter(|r| on_phone.contains(&r.id))
                    .filter_map(|r| r.body.map(|b| (r.id, b.date)))
                    .collect();
                match self.rng.pick(&both).copied() {
                    Some((id, date)) => {
                        self.note("offline edits on both of user 1's devices:".into());
                        self.edit(0, id, date);
                        self.edit(1, id, date);
                    }
                    None => self.sync_many(&[0, 1]).await,
                }
            }
            5 => {
                self.note(format!("sync {}", NAMES[d]));
                self.sync(d).await;
            }
            6 => {
                let which: Vec<usize> = (0..3).filter(|_| self.rng.chance(70)).collect();
                self.note(format!("sync at once {which:?}"));
                self.sync_many(&which).await;
            }
            7 => {
                let limit = Duration::from_millis(self.rng.range(0, 12));
                self.note(format!("sync {} cut off after {limit:?}", NAMES[d]));
                match tokio::time::timeout(limit, self.devices[d].sync()).await {
                    Ok(result) => self.note_round(d, &result),
                    Err(_) => {
                        add(&self.totals.aborted_rounds, 1);
                        self.note("  cut off".into());
                    }
                }
            }
            8 => {
                self.note(format!("crash {}: rewound to its last local write", NAMES[d]));
                self.devices[d].store.restore(&self.checkpoints[d]);
                add(&self.totals.crashes, 1);
            }
            9 => {
                self.note(format!("sync {} failing before it records the answer", NAMES[d]));
                self.devices[d].store.fail_next_acknowledge();
                add(&self.totals.failed_acks, 1);
                self.sync(d).await;
            }
            10 => {
                self.w.ensure_up().await;
                let delay = Duration::from_millis(self.rng.range(0, 40));
                self.note(format!("graceful restart after {delay:?}, while all devices sync"));
                let (devices, server) = (&self.devices, &mut self.w.server);
                let rounds = join_all(devices.iter().map(Device::sync));
                let restart = async {
                    tokio::time::sleep(delay).await;
                    server.restart().await;
                };
                let (results, ()) = tokio::join!(rounds, restart);
                self.w.follow_server();
                add(&self.totals.restarts, 1);
                for (d, r) in results.iter().enumerate() {
                    self.note_round(d, r);
                }
            }
            11 => {
                self.w.ensure_up().await;
                let delay = Duration::from_millis(self.rng.range(0, 40));
                let again = self.rng.chance(50);
                self.note(format!(
                    "kill -9 after {delay:?} while all devices sync (restart now: {again})"
                ));
                let (devices, server) = (&self.devices, &mut self.w.server);
                let rounds = join_all(devices.iter().map(Device::sync));
                let kill = async {
                    tokio::time::sleep(delay).await;
                    server.kill9().await;
                };
                let (results, ()) = tokio::join!(rounds, kill);
                add(&self.totals.kills, 1);
                for (d, r) in results.iter().enumerate() {
                    self.note_round(d, r);
                }
                if again {
                    self.w.ensure_up().await;
                }
            }
            _ => {
                self.note("start the killed server".into());
                self.w.ensure_up().await;
            }
        }
    }

    /// No more faults: everyone syncs until a whole pass moves nothing.
    async fn heal(&mut self) -> Result<(), String> {
        self.w.faulty.set_faults(None);
        self.w.ensure_up().await;
        for device in &self.devices {
            device.store.disarm_failures();
        }
        for pass in 0..12 {
            let mut moved = false;
            for (device, name) in self.devices.iter().zip(NAMES) {
                let report = device
                    .sync()
                    .await
                    .map_err(|e| format!("healed round {pass} of {name} failed: {e:?}"))?;
                moved |= report.pushed > 0 || report.pulled > 0 || report.reset_groups > 0;
            }
            let waiting: usize = self.devices.iter().map(|d| d.store.outbox_len()).sum();
            if !moved && waiting == 0 {
                return Ok(());
            }
        }
        Err("no quiescence after 12 healed passes".into())
    }

    async fn verify(&mut self) -> Result<(), String> {
        let mut problems = Vec::new();
        let token = self.w.sessions[2].token.clone();
        let limit = self.rng.range(1, 8) as u32;
        let pages = self.w.admin.feed(&token, self.group, limit).await?;
        let status: SyncStatus = self
            .w
            .admin
            .call(reqwest::Method::GET, "/v1/sync/status", Some(&token), None::<()>)
            .await?;
        let head = status.groups.iter().find(|g| g.group_id == self.group).map(|g| g.head_seq);

        // The fresh feed: strictly increasing, each page's cursor its last seq, no id twice,
        // and (nothing compacted) its last row is the head.
        let mut feed: BTreeMap<Uuid, Change> = BTreeMap::new();
        let mut last = 0;
        for page in &pages {
            for change in &page.changes {
                if change.seq <= last {
                    problems.push(format!("fresh feed: seq {} after {last}", change.seq));
                }
                last = change.seq;
                if feed.insert(change.record.id(), change.clone()).is_some() {
                    problems.push(format!("fresh feed: {} appears twice", change.record.id()));
                }
            }
            if page.next_after != page.changes.last().map_or(page.next_after, |c| c.seq) {
                problems.push(format!(
                    "fresh feed: next_after {} is not the page's last seq",
                    page.next_after
                ));
            }
        }
        if head != Some(last) {
            problems.push(format!("fresh feed ends at {last}, the group's head is {head:?}"));
        }

        // Every device's copy is that feed.
        for (d, device) in self.devices.iter().enumerate() {
            let copy = device.store.snapshot().remove(&self.group).unwrap_or_default();
            if copy != feed {
                let ours: BTreeSet<_> =
                    copy.iter().map(|(id, c)| (*id, c.seq, c.version)).collect();
                let theirs: BTreeSet<_> =
                    feed.iter().map(|(id, c)| (*id, c.seq, c.version)).collect();
                problems.push(format!(
                    "{}'s copy differs from the feed: only on the device {:?}, only on the server {:?}",
                    NAMES[d],
                    ours.difference(&theirs).collect::<Vec<_>>(),
                    theirs.difference(&ours).collect::<Vec<_>>()
                ));
            }
            let journal = device.store.journal();
            for v in &journal.violations {
                problems.push(format!("{}: {v}", NAMES[d]));
            }
            if device.store.outbox_len() != 0 {
                problems.push(format!(
                    "{} still has {} to send",
                    NAMES[d],
                    device.store.outbox_len()
                ));
            }
            add(&self.totals.resequences, journal.resequences.len() as u64);
            add(&self.totals.resets, journal.resets);
        }

        // The model: per record, the highest (version, device) write the server accepts.
        let mut winners: BTreeMap<Uuid, &Write> = BTreeMap::new();
        for w in self.writes.iter().filter(|w| w.valid()) {
            let e = winners.entry(w.record).or_insert(w);
            if (w.version, w.device_id) > (e.version, e.device_id) {
                *e = w;
            }
        }
        let expected: BTreeSet<Uuid> = winners.keys().copied().collect();
        let present: BTreeSet<Uuid> = feed.keys().copied().collect();
        for id in expected.symmetric_difference(&present) {
            problems.push(format!(
                "record {id}: {} the feed",
                if expected.contains(id) { "missing from" } else { "unexpected in" }
            ));
        }
        for (id, w) in &winners {
            let Some(change) = feed.get(id) else { continue };
            let shown = match &change.record {
                SharedRecord::PunchIn { body, .. } => body
                    .as_ref()
                    .map(|b| (b.date, b.minutes.iter().map(|m| m.minutes).sum::<u32>())),
                other => {
                    problems.push(format!("record {id} is not a punch-in: {other:?}"));
                    continue;
                }
            };
            if change.version != w.version || shown != w.body {
                problems.push(format!(
                    "record {id}: the feed has v{} {shown:?}, the winning write is {} v{} {:?}",
                    change.version, NAMES[w.device], w.version, w.body
                ));
            }
            if change.author_user_id != self.devices[w.device].session.user_id {
                problems.push(format!("record {id}: wrong author"));
            }
        }

        // Nothing acknowledged is lost; refusals are kept (or their answer was lost).
        for (d, device) in self.devices.iter().enumerate() {
            let journal = device.store.journal();
            for acked in &journal.acked {
                let Some(write) = self.writes.iter().find(|w| {
                    w.device == d && w.record == acked.record_id && w.version == acked.version
                }) else {
                    problems.push(format!(
                        "{} acknowledged a write it never made: {acked:?}",
                        NAMES[d]
                    ));
                    continue;
                };
                if !write.valid() {
                    // Its `rejected` answer was lost; the resend was answered `duplicate`.
                    add(&self.totals.lost_refusals, 1);
                    if !matches!(acked.status, None | Some(MutationStatus::Duplicate)) {
                        problems.push(format!(
                            "{}: a refused write was answered {:?}",
                            NAMES[d], acked.status
                        ));
                    }
                    continue;
                }
                match feed.get(&acked.record_id) {
                    Some(c) if c.version >= acked.version => {}
                    other => problems.push(format!(
                        "{} dropped {:?} (seq {}) as acknowledged, but the server has {:?}",
                        NAMES[d],
                        acked,
                        acked.device_seq,
                        other.map(|c| c.version)
                    )),
                }
            }
            for rejected in device.store.rejected() {
                let refused = self
                    .writes
                    .iter()
                    .any(|w| w.device == d && w.record == rejected.record_id && !w.valid());
                if !refused
                    || rejected.code != RejectCode::DateOutOfWindow
                    || rejected.message.is_empty()
                {
                    problems.push(format!("{}: unexpected rejection {rejected:?}", NAMES[d]));
                }
            }
        }

        if problems.is_empty() { Ok(()) } else { Err(problems.join("\n")) }
    }
}

async fn run_schedule(w: &mut Worker, seed: u64, totals: &Totals) -> Result<(), String> {
    w.ensure_up().await;
    w.faulty.set_faults(None);
    let _ = w.faulty.take_log();
    let owner = w.sessions[0].token.clone();
    let group = w.admin.create_group(&owner, "fault").await.id;
    let code = w.admin.invite(&owner, group).await;
    w.admin.join(&w.sessions[2].token, &code).await;

    let devices: Vec<Device> =
        w.sessions.iter().map(|s| Device::new(s.clone(), &w.faulty.url)).collect();
    let checkpoints = devices.iter().map(|d| d.store.checkpoint()).collect();
    let mut rng = Rng::new(seed);
    let ops = rng.range(5, 15);
    let proxy_seed = rng.next_u64();
    let mut run =
        Run { w, rng, group, devices, checkpoints, writes: Vec::new(), log: Vec::new(), totals };
    run.w.faulty.set_faults(Some(proxy_seed));
    for i in 0..ops {
        run.note(format!("op {i}:"));
        run.step().await;
    }
    add(&totals.ops, ops);
    let outcome = match run.heal().await {
        Ok(()) => run.verify().await,
        Err(e) => Err(e),
    };
    let faults = run.w.faulty.take_log();
    let result = outcome.map_err(|problem| {
        let mut report = format!("schedule seed {seed} failed (replay: DAKA_FAULT_SEED={seed}):\n{problem}\n--- schedule ---\n");
        for line in &run.log {
            let _ = writeln!(report, "{line}");
        }
        let _ = writeln!(report, "--- faults injected ---");
        for line in &faults {
            let _ = writeln!(report, "{line}");
        }
        report
    });
    let _ = run.w.admin.delete_group(&owner, group).await;
    result
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_fault_schedules_lose_nothing_and_converge() {
    let started = Instant::now();
    let bin = server_binary();
    let replay = env_u64("DAKA_FAULT_SEED");
    let base = env_u64("DAKA_FAULT_BASE_SEED")
        .unwrap_or_else(|| u64::from_le_bytes(Uuid::now_v7().as_bytes()[8..].try_into().unwrap()));
    let total = if replay.is_some() { 1 } else { env_u64("DAKA_FAULT_SCHEDULES").unwrap_or(500) };
    let workers =
        if replay.is_some() { 1 } else { env_u64("DAKA_FAULT_WORKERS").unwrap_or(4).max(1) };

    let counts = Arc::new(FaultCounts::default());
    let totals = Arc::new(Totals::default());
    let next = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut lanes = Vec::new();
    for _ in 0..workers {
        let (bin, counts, totals, next, failures) = (
            bin.clone(),
            Arc::clone(&counts),
            Arc::clone(&totals),
            Arc::clone(&next),
            Arc::clone(&failures),
        );
        lanes.push(tokio::spawn(async move {
            let mut worker = Worker::start(&bin, counts).await;
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst) as u64;
                if i >= total || failures.lock().unwrap().len() >= 3 {
                    break;
                }
                let seed = replay.unwrap_or_else(|| schedule_seed(base, i));
                let outcome = tokio::time::timeout(Duration::from_secs(90), run_schedule(&mut worker, seed, &totals)).await;
                let failure = match outcome {
                    Ok(Ok(())) => None,
                    Ok(Err(report)) => Some(report),
                    Err(_) => Some(format!("schedule seed {seed} did not finish within 90 s (replay: DAKA_FAULT_SEED={seed})")),
                };
                add(&totals.schedules, 1);
                if let Some(report) = failure {
                    eprintln!("{report}");
                    failures.lock().unwrap().push(report);
                }
            }
            worker.server.terminate().await;
            add(&totals.sigterm_deaths, worker.server.sigterm_deaths);
        }));
    }
    for lane in lanes {
        lane.await.expect("a worker panicked");
    }

    let c = counts.snapshot();
    let kinds: Vec<String> = KINDS.iter().zip(c).map(|(k, n)| format!("{k} {n}")).collect();
    let t = |a: &AtomicU64| a.load(Ordering::Relaxed);
    eprintln!(
        "fault schedules: {} run ({}, {workers} at once) in {:.1} s; {} ops, {} writes; \
         requests: {}; server kills (SIGKILL) {}, graceful restarts {}; device crashes {}, rounds cut off {}, \
         acks failed {}, failed rounds {}, outbox renumberings {}, group resets {}; \
         SIGTERMs that killed a just-started server {}; refusals whose answer was lost {}",
        t(&totals.schedules),
        replay.map_or(format!("base seed {base}"), |seed| format!("replaying seed {seed}")),
        started.elapsed().as_secs_f64(),
        t(&totals.ops),
        t(&totals.writes),
        kinds.join(", "),
        t(&totals.kills),
        t(&totals.restarts),
        t(&totals.crashes),
        t(&totals.aborted_rounds),
        t(&totals.failed_acks),
        t(&totals.round_errors),
        t(&totals.resequences),
        t(&totals.resets),
        t(&totals.sigterm_deaths),
        t(&totals.lost_refusals),
    );
    let failures = failures.lock().unwrap();
    assert!(
        failures.is_empty(),
        "{} schedule(s) failed; the first:\n{}",
        failures.len(),
        failures[0]
    );
    assert!(t(&totals.schedules) >= total.min(1), "no schedule ran");
}
