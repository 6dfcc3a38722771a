//! The load: members push one punch-in and pull their group's feed, as fast as they can.

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
            }),
        },
    }
}

#[derive(Default)]
struct Samples {
    push: Vec<Duration>,
    pull: Vec<Duration>,
}

async fn member_loop(m: Member, until: Instant) -> Samples {
    let mut s = Samples::default();
    let (mut seq, mut cursor) = (1, 0);
    while Instant::now() < until {
        let t = Instant::now();
        m.client.push(vec![punch(seq)]).await.unwrap();
        s.push.push(t.elapsed());
        seq += 1;
        let t = Instant::now();
        let page = m.client.changes(m.group, cursor, 500).await.unwrap();
        s.pull.push(t.elapsed());
        cursor = page.next_after;
    }
    s
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Runs the load on `db` and prints the figures next to the raw insert rate.
pub(crate) async fn report(name: &str, db: Arc<dyn ServerDb>, opts: &Options, raw_rate: f64) {
    let (url, stop) = crate::start(db).await;
    let members = members(&url, opts.clients).await;
    let until = Instant::now() + Duration::from_secs(opts.seconds);
    let started = Instant::now();
    let tasks: Vec<_> = members.into_iter().map(|m| tokio::spawn(member_loop(m, until))).collect();
    let mut all = Samples::default();
    for t in tasks {
        let s = t.await.unwrap();
        all.push.extend(s.push);
        all.pull.extend(s.pull);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let rate = all.push.len() as f64 / elapsed;
    println!(
        "{name}: {rate:.0} pushes/s (limit: raw sqlx insert loop {raw_rate:.0} rows/s, ratio {:.0} %, goal ≥ 25 %); \
push p50 {:.1} ms p99 {:.1} ms (goal p99 ≤ 50 ms); pull p50 {:.1} ms p99 {:.1} ms",
        100.0 * rate / raw_rate,
        pct(&mut all.push, 0.5),
        pct(&mut all.push, 0.99),
        pct(&mut all.pull, 0.5),
        pct(&mut all.pull, 0.99),
    );
    let _ = stop.send(());
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
