//! The load: members push one punch-in and pull their group's feed. First as fast as they can
//! (closed loop: each waits for its answers, so 200 members keep 200 requests in flight and the
//! figure is the server's capacity; latency is then queueing, 200 / throughput by Little's
//! law), then paced (open loop: each member starts a push-and-pull on a fixed schedule, and
//! latency is measured from when it was due, so a slow answer is never hidden by the member
//! waiting for it). The paced rate is a stated share of the measured capacity.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use daka_core::lang::Lang;
use daka_server_db::{JoinRequest, NewDevice, NewGroup, NewInvite, NewUser, ServerDb};
use daka_sync::{Client, Credentials};
use daka_wire::*;
use uuid::Uuid;

use crate::Options;

struct Member {
    client: Client,
    group: Uuid,
}

/// Members in groups of ten: the first creates the group and invites the others.
async fn members(url: &str, n: usize) -> Vec<Member> {
    let anon = Client::new(url, Lang::En).unwrap();
    let mut sessions = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(20) {
        let batch = chunk.iter().map(|i| {
            let anon = anon.clone();
            let req = SignUp {
                username: format!("m{i}-{}", &Uuid::now_v7().simple().to_string()[20..]),
                password: "correct horse battery".into(),
                nickname: format!("成员{i}"),
                device_name: "bench".into(),
                invite: None,
            };
            async move { anon.sign_up(&req).await.unwrap() }
        });
        sessions.extend(futures_util::future::join_all(batch).await);
    }
    let mut out = Vec::with_capacity(n);
    let mut group = (Uuid::nil(), String::new());
    for (i, s) in sessions.into_iter().enumerate() {
        let client =
            Client::with_credentials(&Credentials { server: url.into(), token: s.token }, Lang::En)
                .unwrap();
        if i % 10 == 0 {
            let g = client
                .create_group(&CreateGroup {
                    name: format!("组{i}"),
                    tz: "Asia/Shanghai".into(),
                    deadline: "22:30".into(),
                    share: ShareSettings::default(),
                })
                .await
                .unwrap();
            let invite = client
                .create_invite(g.id, &CreateInvite { max_uses: 20, expires_in_hours: 24 })
                .await
                .unwrap();
            group = (g.id, invite.code);
        } else {
            client
                .join(&JoinGroup { code: group.1.clone(), share: ShareSettings::default() })
                .await
                .unwrap();
        }
        out.push(Member { client, group: group.0 });
    }
    out
}

fn punch(seq: i64) -> Mutation {
    let now = Utc::now();
    Mutation {
        device_seq: seq,
        mutation_id: Uuid::now_v7(),
        version: now.timestamp_millis() << 16,
        record: Record::PunchIn {
            id: Uuid::now_v7(),
            body: Some(PunchInBody {
                date: now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive(),
                created_utc: now,
                tz: "Asia/Shanghai".into(),
                minutes: vec![SubjectMinutes { subject_id: Uuid::now_v7(), minutes: 45 }],
                note: Some("真题一套".into()),
                mood: None,
                photos: vec![],
            }),
        },
    }
}

#[derive(Default)]
struct Samples {
    push: Vec<Duration>,
    pull: Vec<Duration>,
}

/// A member's next sequence number and feed cursor, carried from one phase to the next.
struct Cursor {
    member: Member,
    seq: i64,
    after: i64,
}

async fn push_and_pull(c: &mut Cursor, s: &mut Samples, due: Instant) {
    c.member.client.push(vec![punch(c.seq)]).await.unwrap();
    s.push.push(due.elapsed());
    c.seq += 1;
    let t = Instant::now();
    let page = c.member.client.changes(c.member.group, c.after, 500).await.unwrap();
    s.pull.push(t.elapsed());
    c.after = page.next_after;
}

async fn flat_out(mut c: Cursor, until: Instant) -> (Cursor, Samples) {
    let mut s = Samples::default();
    while Instant::now() < until {
        push_and_pull(&mut c, &mut s, Instant::now()).await;
    }
    (c, s)
}

/// One push-and-pull every `every`, from `start` (members spread over the first interval).
async fn paced(
    mut c: Cursor,
    start: Instant,
    every: Duration,
    until: Instant,
) -> (Cursor, Samples) {
    let mut s = Samples::default();
    let mut due = start;
    while due < until {
        tokio::time::sleep_until(due.into()).await;
        push_and_pull(&mut c, &mut s, due).await;
        due += every;
    }
    (c, s)
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// How hard the paced phase pushes, as a share of the capacity the flat-out phase measured.
const PACED_SHARE: f64 = 0.5;

/// Runs both phases on `db` and prints the figures next to the raw insert rate.
pub(crate) async fn report(name: &str, db: Arc<dyn ServerDb>, opts: &Options, raw_rate: f64) {
    let (url, stop) = crate::start(db).await;
    let cursors: Vec<Cursor> = members(&url, opts.clients)
        .await
        .into_iter()
        .map(|member| Cursor { member, seq: 1, after: 0 })
        .collect();
    let until = Instant::now() + Duration::from_secs(opts.seconds);
    let started = Instant::now();
    let (cursors, mut all) = gather(cursors.into_iter().map(|c| flat_out(c, until))).await;
    let rate = all.push.len() as f64 / started.elapsed().as_secs_f64();
    println!(
        "{name}, flat out: {rate:.0} pushes/s (limit: raw sqlx insert loop {raw_rate:.0} rows/s, ratio {:.0} %, goal ≥ 25 %); \
push p50 {:.1} ms p99 {:.1} ms; pull p50 {:.1} ms p99 {:.1} ms",
        100.0 * rate / raw_rate,
        pct(&mut all.push, 0.5),
        pct(&mut all.push, 0.99),
        pct(&mut all.pull, 0.5),
        pct(&mut all.pull, 0.99),
    );

    let offered = (rate * PACED_SHARE).max(1.0);
    let every = Duration::from_secs_f64(cursors.len() as f64 / offered);
    let start = Instant::now();
    let until = start + Duration::from_secs(opts.seconds);
    let n = cursors.len() as u32;
    let (_, mut all) = gather(cursors.into_iter().enumerate().map(|(i, c)| {
        // Spread the members' first pushes over one interval, as real ones would be.
        paced(c, start + every * i as u32 / n, every, until)
    }))
    .await;
    println!(
        "{name}, paced at {offered:.0} pushes/s ({:.0} % of that, {:.2} s between a member's pushes; {:.0}/s done): \
push p50 {:.1} ms p99 {:.1} ms (goal p99 ≤ 50 ms); pull p50 {:.1} ms p99 {:.1} ms",
        100.0 * PACED_SHARE,
        every.as_secs_f64(),
        all.push.len() as f64 / opts.seconds as f64,
        pct(&mut all.push, 0.5),
        pct(&mut all.push, 0.99),
        pct(&mut all.pull, 0.5),
        pct(&mut all.pull, 0.99),
    );
    let _ = stop.send(());
}

/// Runs every member's phase as its own task; answers the cursors and all the samples.
async fn gather(
    phases: impl Iterator<Item = impl std::future::Future<Output = (Cursor, Samples)> + Send + 'static>,
) -> (Vec<Cursor>, Samples) {
    let tasks: Vec<_> = phases.map(tokio::spawn).collect();
    let (mut cursors, mut all) = (Vec::with_capacity(tasks.len()), Samples::default());
    for t in tasks {
        let (c, s) = t.await.unwrap();
        cursors.push(c);
        all.push.extend(s.push);
        all.pull.extend(s.pull);
    }
    (cursors, all)
}

const YEAR_CODE: &str = "YEAR-CODE";

/// 50 members with a punch-in every day of a year (and a subject each), then a new device of
/// one member pulls the whole feed from 0 over HTTP. Answers (records, time).
pub(crate) async fn year_pull(db: Arc<dyn ServerDb>) -> (usize, Duration) {
    let now = Utc::now();
    let owner = Uuid::now_v7();
    let group = Uuid::now_v7();
    let mut devices = vec![];
    for i in 0..50 {
        let user = if i == 0 { owner } else { Uuid::now_v7() };
        let device = NewDevice {
            id: Uuid::now_v7(),
            user_id: user,
            name: "d".into(),
            token_hash: format!("h{user}"),
            now,
        };
        let hash = device.token_hash.clone();
        db.create_user(
            NewUser {
                id: user,
                username: format!("y{i}"),
                password_hash: "x".into(),
                nickname: format!("同学{i}"),
                now,
            },
            device,
        )
        .await
        .unwrap();
        if i == 0 {
            db.create_group(NewGroup {
                id: group,
                name: "一年".into(),
                tz: "Asia/Shanghai".into(),
                deadline: "22:30".into(),
                owner,
                share: ShareSettings::default(),
                now,
            })
            .await
            .unwrap();
            db.create_invite(NewInvite {
                id: Uuid::now_v7(),
                group,
                code_hash: daka_server::secrets::sha256_hex(YEAR_CODE),
                created_by: owner,
                expires_at: now + chrono::Duration::days(1),
                max_uses: 100,
                now,
            })
            .await
            .unwrap();
        } else {
            db.join(JoinRequest {
                code_hash: daka_server::secrets::sha256_hex(YEAR_CODE),
                user,
                share: ShareSettings::default(),
                share_since: now.date_naive(),
                now,
            })
            .await
            .unwrap();
        }
        devices.push(db.device_by_token(&hash).await.unwrap().unwrap());
    }
    let today = now.with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    for d in &devices {
        let mut batch = vec![];
        for day in 0..365i64 {
            let mut m = punch(day + 1);
            if let Record::PunchIn { body: Some(b), .. } = &mut m.record {
                b.date = today - chrono::Duration::days(day);
                b.created_utc = now - chrono::Duration::days(day);
            }
            batch.push(daka_server_db::check::check(&m, now));
            if batch.len() == 100 {
                db.push(d, std::mem::take(&mut batch), now).await.unwrap();
            }
        }
        db.push(d, batch, now).await.unwrap();
    }
    let (url, stop) = crate::start(db).await;
    let anon = Client::new(&url, Lang::En).unwrap();
    let fresh = anon
        .sign_up(&SignUp {
            username: "newdevice".into(),
            password: "correct horse battery".into(),
            nickname: "新".into(),
            device_name: "d".into(),
            invite: None,
        })
        .await
        .unwrap();
    let client = Client::with_credentials(
        &Credentials { server: url.clone(), token: fresh.token },
        Lang::En,
    )
    .unwrap();
    // A new member joins; the feed it pulls holds the year of the other 50.
    client
        .join(&JoinGroup { code: YEAR_CODE.into(), share: ShareSettings::default() })
        .await
        .unwrap();
    let started = Instant::now();
    let (mut after, mut records) = (0, 0);
    loop {
        let page = client.changes(group, after, 500).await.unwrap();
        records += page.changes.len();
        after = page.next_after;
        if !page.has_more {
            break;
        }
    }
    let elapsed = started.elapsed();
    let _ = stop.send(());
    (records, elapsed)
}
