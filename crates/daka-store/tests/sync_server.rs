//! The real store syncing through a real daka-server on 127.0.0.1 (port 0): two members on
//! two data folders, a group, a punch-in that reaches the other's board, and a punch-in made
//! while the server is down that arrives later and still counts as on time; and a punch-in's
//! photo that reaches the group only once the member shares photos with it; and a server
//! restored from a backup that gets back what it lost.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use common::{draft, onboarding};
use daka_core::journal::PunchIn;
use daka_core::lang::Lang;
use daka_core::punch_in::{MinutesInput, PunchInInput};
use daka_server::{App, Server};
use daka_store::Store;
use daka_sync::{Session, SyncPhase};
use daka_wire::{CreateGroup, CreateInvite, JoinGroup, ShareSettings, SignUp};
use tempfile::TempDir;

struct Running {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    db: daka_server_sqlite::SqliteDb,
}

async fn serve(db_path: &std::path::Path, addr: SocketAddr) -> (SocketAddr, Running) {
    let db = daka_server_sqlite::SqliteDb::open(db_path).await.unwrap();
    let mut last = None;
    for _ in 0..50 {
        match Server::bind(App::new(Arc::new(db.clone()), Default::default()), addr).await {
            Ok(server) => {
                let addr = server.local_addr().unwrap();
                let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
                let task = tokio::spawn(server.run(async move {
                    let _ = stopped.await;
                }));
                return (addr, Running { stop, task, db });
            }
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cannot bind {addr}: {last:?}");
}

async fn member(dir: &TempDir, name: &str) -> (Store, Session<Store>) {
    let store = Store::open(dir.path(), Utc::now()).await.unwrap();
    let mut input = onboarding();
    input.subjects = vec![draft("数学一", "#12a594"), draft("英语一", "#3e63dd")];
    input.time_zone = "Asia/Shanghai".into();
    store.complete_onboarding(&input, Utc::now()).await.unwrap();
    let session = Session::new(
        Arc::new(store.clone()),
        dir.path().to_owned(),
        format!("test:{name}"),
        Lang::ZhCn,
    )
    .with_token_file_only();
    (store, session)
}

fn sign_up(name: &str) -> SignUp {
    SignUp {
        username: name.into(),
        password: "correct horse battery".into(),
        nickname: format!("{name}同学"),
        device_name: "笔记本".into(),
        invite: None,
    }
}

/// Punches in on `date` (B's study day, which is not the group's board of "today" between B's
/// day start and the group's next-morning deadline).
async fn punch_in(store: &Store, minutes: f64, date: NaiveDate) -> PunchIn {
    punch_in_with_photos(store, minutes, date, vec![]).await
}

async fn punch_in_with_photos(
    store: &Store,
    minutes: f64,
    date: NaiveDate,
    photos: Vec<String>,
) -> PunchIn {
    let subjects = store.profile().await.unwrap().subjects;
    let today = date;
    let input = PunchInInput {
        id: None,
        date: today.to_string(),
        repair: false,
        minutes: vec![MinutesInput {
            subject_id: subjects[0].id.to_string(),
            minutes: Some(minutes),
        }],
        goals_done: vec![],
        note: String::new(),
        mood: None,
        photos,
    };
    store.save_punch_in(&input, Utc::now()).await.unwrap()
}

/// Waits (bounded) until `check` passes, re-triggering the session's sync now and then.
async fn eventually<F, Fut>(session: &Session<Store>, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..150 {
        if check().await {
            return;
        }
        session.trigger().await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_punch_in_reaches_the_group_board_and_one_made_offline_arrives_later() {
    let w = World::start().await;
    let World { running, db_path, addr, store_b, b, group, client_a, day, .. } = w;
    punch_in(&store_b, 90.0, day).await;
    b.trigger().await;
    eventually(&b, "B's punch-in on A's board", || {
        let client_a = client_a.clone();
        async move {
            let board = client_a.board(group.id, Some(day)).await.unwrap();
            board.entries.iter().any(|e| {
                e.nickname == "xiaowang同学"
                    && e.total_minutes == 90
                    && e.minutes[0].subject == "数学一"
            })
        }
    })
    .await;

    // The server goes down; B punches in anyway; the state says offline and nothing is lost.
    stop(running).await;
    punch_in(&store_b, 30.0, day).await;
    b.trigger().await;
    let mut state = b.state().await.unwrap();
    tokio::time::timeout(
        Duration::from_secs(30),
        state.wait_for(|s| s.phase == SyncPhase::Offline && s.pending > 0),
    )
    .await
    .expect("the state says offline with work waiting")
    .unwrap();
    let message = state.borrow().message(Lang::ZhCn).unwrap();
    assert!(
        state.borrow().message(Lang::En).unwrap().contains("Cannot reach"),
        "the same state in English, after a switch"
    );
    assert!(message.contains("连不上"), "{message}");

    // Back on the same address: the waiting punch-in arrives, on time, and nothing doubles.
    let (_, _running) = serve(&db_path, addr).await;
    eventually(&b, "the offline punch-in after the server came back", || {
        let client_a = client_a.clone();
        async move {
            let board = client_a.board(group.id, Some(day)).await.unwrap();
            board
                .entries
                .iter()
                .any(|e| e.nickname == "xiaowang同学" && e.total_minutes == 120 && e.on_time)
        }
    })
    .await;
    let board = client_a.board(group.id, Some(day)).await.unwrap();
    assert_eq!(board.entries.iter().filter(|e| e.nickname == "xiaowang同学").count(), 1);
    assert!(board.jielong_text.contains("xiaowang同学 数学一 2h ✅"), "{}", board.jielong_text);
}

/// A server on a fresh SQLite file, and members A and B (each with a data folder) in one group.
/// The folders live as long as the value (the fields starting with `_`).
struct World {
    server_dir: TempDir,
    db_path: std::path::PathBuf,
    addr: SocketAddr,
    running: Running,
    _dir_a: TempDir,
    dir_b: TempDir,
    _store_a: Store,
    store_b: Store,
    _a: Session<Store>,
    b: Session<Store>,
    group: daka_wire::Group,
    client_a: daka_sync::Client,
    /// B's study day now.
    day: NaiveDate,
}

impl World {
    async fn start() -> World {
        let server_dir = TempDir::new().unwrap();
        let db_path = server_dir.path().join("server.sqlite");
        let (addr, running) = serve(&db_path, "127.0.0.1:0".parse().unwrap()).await;
        let url = format!("http://{addr}");
        let (dir_a, dir_b) = (TempDir::new().unwrap(), TempDir::new().unwrap());
        let (store_a, a) = member(&dir_a, "xiaoli").await;
        let (store_b, b) = member(&dir_b, "xiaowang").await;
        let group = group_of_two(&url, &a, &b).await;
        let client_a = a.client().await.unwrap();
        let day = store_b.profile().await.unwrap().day_rules.logical_date(Utc::now());
        World {
            server_dir,
            db_path,
            addr,
            running,
            _dir_a: dir_a,
            dir_b,
            _store_a: store_a,
            store_b,
            _a: a,
            b,
            group,
            client_a,
            day,
        }
    }
}

/// A group made by A and joined by B. Its next-morning deadline (05:59) is after every study
/// day's end, so "on time" holds whatever hour a test runs at.
async fn group_of_two(url: &str, a: &Session<Store>, b: &Session<Store>) -> daka_wire::Group {
    a.sign_up(url, sign_up("xiaoli")).await.unwrap();
    b.sign_up(url, sign_up("xiaowang")).await.unwrap();
    let client_a = a.client().await.unwrap();
    let group = client_a
        .create_group(&CreateGroup {
            name: "考研小组".into(),
            tz: "Asia/Shanghai".into(),
            deadline: "05:59".into(),
            share: ShareSettings::default(),
        })
        .await
        .unwrap();
    let invite = client_a
        .create_invite(group.id, &CreateInvite { max_uses: 5, expires_in_hours: 24 })
        .await
        .unwrap();
    b.client()
        .await
        .unwrap()
        .join(&JoinGroup { code: invite.code, share: ShareSettings::default() })
        .await
        .unwrap();
    group
}

/// A photo picked into B's data folder, as the punch-in form does; answers its id.
async fn picked_photo(store: &Store, dir: &TempDir) -> String {
    let path = dir.path().join("IMG_0001.png");
    image::RgbImage::from_pixel(640, 480, image::Rgb([200, 90, 40])).save(&path).unwrap();
    let photo = daka_photos::ingest(&path, store.data_dir(), Default::default()).unwrap();
    store.add_photo(&photo, Utc::now()).await.unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_reaches_the_group_only_once_shared() {
    let w = World::start().await;
    let World { store_b, b, group, client_a, day, ref dir_b, .. } = w;

    // Not shared: the punch-in arrives, its photo does not leave B's computer.
    let private = picked_photo(&store_b, dir_b).await;
    punch_in_with_photos(&store_b, 30.0, day, vec![private.clone()]).await;
    b.trigger().await;
    eventually(&b, "B's first punch-in on A's board", || {
        let client_a = client_a.clone();
        async move {
            let board = client_a.board(group.id, Some(day)).await.unwrap();
            board.entries.iter().any(|e| e.total_minutes == 30)
        }
    })
    .await;
    let board = client_a.board(group.id, Some(day)).await.unwrap();
    assert!(board.entries[0].photos.is_empty());
    let never_sent = client_a.group_photo(group.id, private.parse().unwrap()).await;
    assert!(never_sent.is_err(), "{never_sent:?}");

    // Shared from now on: the next punch-in's photo is uploaded before the push.
    let client_b = b.client().await.unwrap();
    client_b
        .set_share(group.id, &ShareSettings { photos: true, ..ShareSettings::default() })
        .await
        .unwrap();
    let shared = picked_photo(&store_b, dir_b).await;
    punch_in_with_photos(&store_b, 45.0, day, vec![shared.clone()]).await;
    b.trigger().await;
    eventually(&b, "B's shared photo on A's board", || {
        let client_a = client_a.clone();
        let shared = shared.clone();
        async move {
            let board = client_a.board(group.id, Some(day)).await.unwrap();
            board.entries.iter().any(|e| e.photos.iter().any(|p| p.to_string() == shared))
        }
    })
    .await;
    // The first photo is listed by a live punch-in and photos are shared now, so only its
    // never having been uploaded keeps it from the group.
    let still_private = client_a.group_photo(group.id, private.parse().unwrap()).await;
    assert!(still_private.is_err(), "{still_private:?}");
    let jpeg = client_a.group_photo(group.id, shared.parse().unwrap()).await.unwrap();
    let thumb = image::load_from_memory(&jpeg).unwrap();
    assert_eq!(
        (thumb.width(), thumb.height()),
        (480, 360),
        "the 480 px thumbnail, not the original"
    );
}

/// Copies the server's database files (the file and, if present, its WAL) from `from` to `to`.
fn copy_db(from: &std::path::Path, to: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let (src, dst) = (
            std::path::PathBuf::from(format!("{}{suffix}", from.display())),
            std::path::PathBuf::from(format!("{}{suffix}", to.display())),
        );
        if src.exists() {
            std::fs::copy(&src, &dst).unwrap();
        } else {
            let _ = std::fs::remove_file(&dst);
        }
    }
}

/// Stops the server and closes its database (the WAL is checkpointed into the file), as an
/// owner stops it before copying the file.
async fn stop(running: Running) {
    running.stop.send(()).unwrap();
    running.task.await.unwrap().unwrap();
    running.db.close().await;
}

async fn board_total(client: &daka_sync::Client, group: uuid::Uuid, day: NaiveDate) -> u32 {
    let board = client.board(group, Some(day)).await.unwrap();
    board.entries.iter().find(|e| e.nickname == "xiaowang同学").map_or(0, |e| e.total_minutes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restored_from_a_backup_gets_back_what_it_lost() {
    let w = World::start().await;
    let backup = w.server_dir.path().join("backup.sqlite");
    let World { running, db_path, addr, store_b, b, group, client_a, day, .. } = w;

    punch_in(&store_b, 30.0, day).await;
    let second = punch_in(&store_b, 20.0, day).await;
    b.trigger().await;
    eventually(&b, "50 minutes on A's board", || {
        let client_a = client_a.clone();
        async move { board_total(&client_a, group.id, day).await == 50 }
    })
    .await;

    // The owner backs the server up (stopped, files copied), and it runs on.
    stop(running).await;
    copy_db(&db_path, &backup);
    let (_, running) = serve(&db_path, addr).await;
    // B deletes one punch-in and adds another; the server confirms both.
    store_b.delete_punch_in(&second.id.to_string(), Utc::now()).await.unwrap();
    punch_in(&store_b, 45.0, day).await;
    b.trigger().await;
    eventually(&b, "75 minutes on A's board", || {
        let client_a = client_a.clone();
        async move { board_total(&client_a, group.id, day).await == 75 }
    })
    .await;

    // The disk fails; the owner restores last night's backup. It has 50 minutes for B again.
    stop(running).await;
    copy_db(&backup, &db_path);
    let (_, _running) = serve(&db_path, addr).await;
    assert_eq!(board_total(&client_a, group.id, day).await, 50, "the restored copy is behind");
    // B's next round sees the server confirm less than it once did and sends everything again:
    // the lost punch-in comes back and the deleted one goes, with nothing counted twice.
    eventually(&b, "75 minutes again after the restore", || {
        let client_a = client_a.clone();
        async move { board_total(&client_a, group.id, day).await == 75 }
    })
    .await;
    let board = client_a.board(group.id, Some(day)).await.unwrap();
    let mine: Vec<_> = board.entries.iter().filter(|e| e.nickname == "xiaowang同学").collect();
    assert_eq!((mine.len(), mine[0].total_minutes), (1, 75), "{board:?}");
}
