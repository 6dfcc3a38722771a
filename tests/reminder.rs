//! The daily punch-in reminder: the loop against a real store at chosen instants, and real
//! delivery to a desktop notification service over D-Bus.
//!
//! Delivery runs in a private session bus (`dbus-run-session`, from Debian's dbus) with a stub
//! `org.freedesktop.Notifications` service, so nothing reaches the developer's desktop. The test
//! binary re-runs itself inside that session with `DAKA_NOTIFY_CHILD` set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use daka_core::journal::DayMark;
use daka_core::lang::Lang;
use daka_core::onboarding::OnboardingInput;
use daka_core::punch_in::{MinutesInput, PunchInInput};
use daka_core::reminder::{ReminderText, ReminderTime};
use daka_core::subject::SubjectDraft;
use daka_lib::notify::{DesktopNotifier, Notifier, ReminderLoop};
use daka_store::Store;
use tempfile::TempDir;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn onboarded(now: DateTime<Utc>) -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let store = Store::open(dir.path(), now).await.unwrap();
    let input = OnboardingInput {
        exam_name: "2027 考研".into(),
        exam_date: "2026-12-26".into(),
        subjects: vec![SubjectDraft {
            id: None, name: "数学一".into(), color: "#12a594".into()
        }],
        daily_target_hours: Some(8.0),
        wake_time: "06:30".into(),
        time_zone: "Asia/Shanghai".into(),
        day_start: "04:00".into(),
        language: "zh-CN".into(),
    };
    store.complete_onboarding(&input, now).await.unwrap();
    (dir, store)
}

async fn punch_in(store: &Store, date: &str, now: DateTime<Utc>) {
    let subject = store.profile().await.unwrap().subjects[0].id.to_string();
    let input = PunchInInput {
        id: None,
        date: date.into(),
        repair: false,
        minutes: vec![MinutesInput { subject_id: subject, minutes: Some(90.0) }],
        goals_done: vec![],
        note: String::new(),
        mood: None,
        photos: vec![],
    };
    store.save_punch_in(&input, now).await.unwrap();
}

#[tokio::test]
async fn the_reminder_rings_once_when_due_and_never_on_a_settled_day() {
    let (_dir, store) = onboarded(at("2026-11-20T08:00:00+08:00")).await;
    let mut reminders = ReminderLoop::new();
    let zh = Lang::ZhCn;

    // Off by default.
    assert_eq!(reminders.tick(&store, at("2026-11-20T23:00:00+08:00"), zh).await.unwrap(), None);

    // Turned on at 21:30 on the 21st, for 21:00: already past today, so it starts tomorrow.
    let nine = ReminderTime::parse("21:00").unwrap();
    store.set_reminder(Some(nine), at("2026-11-21T21:30:00+08:00")).await.unwrap();
    assert_eq!(reminders.tick(&store, at("2026-11-21T21:30:05+08:00"), zh).await.unwrap(), None);
    assert_eq!(reminders.tick(&store, at("2026-11-22T03:59:00+08:00"), zh).await.unwrap(), None);

    // The 22nd: nothing before 21:00, once at 21:00, not again.
    assert_eq!(reminders.tick(&store, at("2026-11-22T20:59:30+08:00"), zh).await.unwrap(), None);
    let text = reminders.tick(&store, at("2026-11-22T21:00:10+08:00"), zh).await.unwrap();
    let text = text.expect("the reminder is due");
    assert_eq!(text.title, "该打卡了");
    assert_eq!(reminders.tick(&store, at("2026-11-22T21:00:40+08:00"), zh).await.unwrap(), None);

    // The 23rd: punched in at 20:00, so 21:00 passes silently.
    punch_in(&store, "2026-11-23", at("2026-11-23T20:00:00+08:00")).await;
    assert_eq!(reminders.tick(&store, at("2026-11-23T21:00:10+08:00"), zh).await.unwrap(), None);

    // The 24th: on leave.
    store.mark_day("2026-11-24", DayMark::Leave, at("2026-11-24T09:00:00+08:00")).await.unwrap();
    assert_eq!(reminders.tick(&store, at("2026-11-24T21:00:10+08:00"), zh).await.unwrap(), None);

    // The 25th: the laptop slept through 21:00; on waking at 23:50 (same study day) it rings,
    // naming the streak at stake (23rd punched in, 24th excused).
    assert_eq!(reminders.tick(&store, at("2026-11-25T18:00:00+08:00"), zh).await.unwrap(), None);
    let text = reminders.tick(&store, at("2026-11-25T23:50:00+08:00"), zh).await.unwrap();
    assert_eq!(text.expect("missed while asleep").body, "已连续打卡 1 天，今天也记一笔吧。");

    // The 26th, in English, after Daka was closed over 21:00: a fresh loop catches up once.
    let mut restarted = ReminderLoop::new();
    let text = restarted.tick(&store, at("2026-11-26T22:00:00+08:00"), Lang::En).await.unwrap();
    assert_eq!(text.expect("caught up").title, "Time to punch in");
    assert_eq!(
        restarted.tick(&store, at("2026-11-26T22:00:30+08:00"), Lang::En).await.unwrap(),
        None
    );
    // Closed and opened again the same evening: it remembers it already rang.
    let mut reopened = ReminderLoop::new();
    assert_eq!(
        reopened.tick(&store, at("2026-11-26T22:30:00+08:00"), Lang::En).await.unwrap(),
        None
    );

    // Turned off: nothing on the 27th.
    store.set_reminder(None, at("2026-11-27T08:00:00+08:00")).await.unwrap();
    assert_eq!(restarted.tick(&store, at("2026-11-27T21:30:00+08:00"), zh).await.unwrap(), None);
}

#[tokio::test]
async fn a_reminder_after_midnight_belongs_to_the_evening_before() {
    // Day start 04:00: a 01:30 reminder is the 22nd's, ringing on the calendar 23rd.
    let (_dir, store) = onboarded(at("2026-11-20T08:00:00+08:00")).await;
    let mut reminders = ReminderLoop::new();
    store
        .set_reminder(Some(ReminderTime::parse("01:30").unwrap()), at("2026-11-22T10:00:00+08:00"))
        .await
        .unwrap();
    let zh = Lang::ZhCn;
    assert_eq!(reminders.tick(&store, at("2026-11-22T10:00:05+08:00"), zh).await.unwrap(), None);
    assert_eq!(reminders.tick(&store, at("2026-11-23T01:29:00+08:00"), zh).await.unwrap(), None);
    // Punched in for the 22nd at 01:00 on the 23rd (still the 22nd's study day): silent.
    punch_in(&store, "2026-11-22", at("2026-11-23T01:00:00+08:00")).await;
    assert_eq!(reminders.tick(&store, at("2026-11-23T01:31:00+08:00"), zh).await.unwrap(), None);
    // The 23rd's reminder is at 01:30 on the 24th.
    assert_eq!(reminders.tick(&store, at("2026-11-23T22:00:00+08:00"), zh).await.unwrap(), None);
    assert!(reminders.tick(&store, at("2026-11-24T01:30:00+08:00"), zh).await.unwrap().is_some());
}

const CHILD_ENV: &str = "DAKA_NOTIFY_CHILD";

/// A notification as the stub service received it.
type Received = (String, String, String, String);

struct StubNotifications(mpsc::Sender<Received>);

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl StubNotifications {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        _hints: HashMap<String, zbus::zvariant::OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        self.0.send((app_name, app_icon, summary, body)).unwrap();
        1
    }

    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into()]
    }

    fn get_server_information(&self) -> (String, String, String, String) {
        ("stub".into(), "daka-tests".into(), "1".into(), "1.2".into())
    }

    fn close_notification(&self, _id: u32) {}
}

/// Inside the private bus: serve the stub, send through the real notifier, check what arrived.
#[test]
fn delivery_child() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let (tx, rx) = mpsc::channel();
    let _service = zbus::blocking::connection::Builder::session()
        .unwrap()
        .name("org.freedesktop.Notifications")
        .unwrap()
        .serve_at("/org/freedesktop/Notifications", StubNotifications(tx))
        .unwrap()
        .build()
        .unwrap();
    let text = ReminderText {
        title: "该打卡了".into(),
        body: "已连续打卡 12 天，今天也记一笔吧。".into(),
    };
    DesktopNotifier.notify(&text).unwrap();
    let got = rx.recv_timeout(Duration::from_secs(10)).expect("no notification arrived");
    assert_eq!(got, ("Daka".into(), "daka".into(), text.title, text.body));
    // A timetable block reminder takes the same path.
    let block = ReminderText { title: "19:00 散步".into(), body: "走一小时".into() };
    DesktopNotifier.notify(&block).unwrap();
    let got = rx.recv_timeout(Duration::from_secs(10)).expect("no block notification arrived");
    assert_eq!((got.2, got.3), (block.title, block.body));
    println!("DELIVERED");
}

#[test]
fn a_reminder_reaches_the_desktop_notification_service() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("dbus-run-session")
        .arg("--")
        .arg(exe)
        .args(["--exact", "delivery_child", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .output()
        .expect("dbus-run-session (Debian package dbus-daemon) must be installed");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("DELIVERED"),
        "delivery failed: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
