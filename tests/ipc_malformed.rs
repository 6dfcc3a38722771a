//! Every registered command, sent missing, mistyped, oversized and random arguments through
//! Tauri's mock runtime with the real configuration and capabilities: each call must answer with
//! a value or Daka's typed error `{kind, message, fields}` — never a panic, never a bare string.
//!
//! The command list and argument names come from the generated bindings, so a new command is
//! covered as soon as it is registered.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;

use daka_core::clock::FixedClock;
use daka_core::lang::Lang;
use daka_lib::state::SystemInfo;
use daka_lib::{Launch, build, context};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

/// (command, camelCase argument names) as the UI calls them.
fn commands_from_bindings() -> Vec<(String, Vec<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(daka_lib::BINDINGS_PATH)).unwrap();
    let mut out = Vec::new();
    for (i, m) in text.match_indices("__TAURI_INVOKE") {
        let rest = &text[i + m.len()..];
        let Some(open) = rest.find('"') else { continue };
        let name = &rest[open + 1..open + 1 + rest[open + 1..].find('"').unwrap()];
        if name.contains('/') {
            continue; // the import line
        }
        let call_end = rest.find(')').unwrap();
        let call = &rest[..call_end];
        let args = match (call.find('{'), call.find('}')) {
            (Some(a), Some(b)) => call[a + 1..b]
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            _ => Vec::new(),
        };
        out.push((name.to_owned(), args));
    }
    assert_eq!(out.len(), daka_lib::commands::names::COMMAND_NAMES.len());
    out
}

fn app(dir: &Path) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let launch = Launch {
        data_dir: Some(dir.to_owned()),
        clock: Arc::new(FixedClock("2026-11-22T02:00:00Z".parse().unwrap())),
        system: SystemInfo { lang: Lang::ZhCn, time_zone: "Asia/Shanghai".into() },
        desktop_plugins: false,
    };
    let mut app = build(mock_builder(), launch).build(context()).unwrap();
    // Setup (state, windows from tauri.conf.json) runs on the first event-loop iteration.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let window = match tauri::Manager::get_webview_window(&app, "main") {
        Some(w) => w,
        None => WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap(),
    };
    (app, window)
}

fn invoke(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    body: InvokeBody,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body,
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|b| b.deserialize::<Value>().unwrap())
}

/// A response is acceptable if it succeeded or failed with Daka's typed error.
fn assert_typed(cmd: &str, payload: &str, response: &Result<Value, Value>) {
    if let Err(e) = response {
        let kind = e.get("kind").and_then(Value::as_str);
        let message = e.get("message").and_then(Value::as_str);
        assert!(
            matches!(kind, Some("validation" | "conflict" | "internal"))
                && message.is_some_and(|m| !m.is_empty())
                && e.get("fields").is_some_and(Value::is_array),
            "{cmd} answered {payload} with an untyped error: {e}"
        );
    }
}

fn hostile_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1e308),
        json!(""),
        json!("x".repeat(100_000)),
        json!("\u{0000}\u{202e}龘𠀀🙂"),
        json!([]),
        json!([1, "a", null]),
        json!({}),
        json!({"id": 5, "name": ["x"], "color": {}}),
        json!([{"id": "not-a-uuid", "name": "", "color": "#zzzzzz"}]),
        json!({"exam_name": null, "subjects": "all", "daily_target_hours": "8"}),
        (0..64).fold(json!(1), |v, _| json!([v])),
    ]
}

fn fuzz_all(window: &WebviewWindow<MockRuntime>) {
    let commands = commands_from_bindings();
    for (cmd, args) in &commands {
        // No arguments at all, and a body that is not JSON.
        for body in [
            InvokeBody::Json(json!({})),
            InvokeBody::Json(Value::Null),
            InvokeBody::Raw(vec![0xff, 0x00]),
        ] {
            let r = invoke(window, cmd, body.clone());
            assert_typed(cmd, &format!("{body:?}"), &r);
        }
        // Each argument set to each hostile value, the others missing.
        for arg in args {
            for value in hostile_values() {
                let payload = json!({ arg: value });
                let r = invoke(window, cmd, InvokeBody::Json(payload.clone()));
                let shown: String = payload.to_string().chars().take(120).collect();
                assert_typed(cmd, &shown, &r);
            }
        }
    }
    // Random JSON under the real argument names and random ones.
    let mut runner = TestRunner::new(Config { cases: 64, ..Config::default() });
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
    ];
    let value = leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    for (cmd, args) in &commands {
        let mut keys = args.clone();
        keys.push("unexpected".into());
        runner
            .run(&(proptest::collection::vec((0..keys.len(), value.clone()), 0..4)), |pairs| {
                let payload: serde_json::Map<String, Value> =
                    pairs.into_iter().map(|(k, v)| (keys[k].clone(), v)).collect();
                let payload = Value::Object(payload);
                let r = invoke(window, cmd, InvokeBody::Json(payload.clone()));
                assert_typed(cmd, &payload.to_string(), &r);
                Ok(())
            })
            .unwrap();
    }
}

#[test]
fn malformed_arguments_get_typed_errors_before_onboarding() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = app(dir.path());
    fuzz_all(&window);
    // And the app still works afterwards.
    let info = invoke(&window, "app_info", InvokeBody::Json(json!({}))).unwrap();
    assert_eq!(info["onboarded"], false);
}

#[test]
fn malformed_arguments_get_typed_errors_after_onboarding() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = app(dir.path());
    let input = json!({
        "exam_name": "2027 考研", "exam_date": "2026-12-26",
        "subjects": [{"id": null, "name": "政治", "color": "#e5484d"}],
        "daily_target_hours": 8, "wake_time": "06:30", "time_zone": "Asia/Shanghai",
        "day_start": "04:00", "language": "zh-CN"
    });
    let today = invoke(&window, "complete_onboarding", InvokeBody::Json(json!({ "input": input })))
        .unwrap();
    assert_eq!(today["day"]["exam"]["countdown"], json!({"state": "upcoming", "days_left": 34}));
    fuzz_all(&window);
    let settings = invoke(&window, "settings", InvokeBody::Json(json!({}))).unwrap();
    assert!(
        settings["subjects"].as_array().is_some_and(|s| !s.is_empty()),
        "the fuzz never emptied the subjects"
    );
}

#[test]
fn an_impossible_exam_date_is_explained_in_the_chosen_language() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = app(dir.path());
    let mut input = json!({
        "exam_name": "2027 考研", "exam_date": "2027-02-30",
        "subjects": [{"id": null, "name": "政治", "color": "#e5484d"}],
        "daily_target_hours": 8, "wake_time": "06:30", "time_zone": "Asia/Shanghai",
        "day_start": "04:00", "language": "zh-CN"
    });
    let err =
        invoke(&window, "complete_onboarding", InvokeBody::Json(json!({ "input": input.clone() })))
            .unwrap_err();
    assert_eq!(err["kind"], "validation");
    assert_eq!(err["fields"][0]["field"], "exam_date");
    assert_eq!(err["message"], "2027 年 2 月没有 30 日（这个月只有 28 天），请检查日期。");
    input["language"] = json!("en");
    let err = invoke(&window, "complete_onboarding", InvokeBody::Json(json!({ "input": input })))
        .unwrap_err();
    assert_eq!(err["message"], "2027-02-30 does not exist: that month has only 28 days.");
    let info = invoke(&window, "app_info", InvokeBody::Json(json!({}))).unwrap();
    assert_eq!(info["onboarded"], false, "nothing was saved");
}

#[test]
fn commands_outside_the_capability_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = app(dir.path());
    // A plugin command the main window was never granted.
    let r = invoke(
        &window,
        "plugin:window-state|save_window_state",
        InvokeBody::Json(json!({"flags": 0})),
    );
    assert!(r.is_err());
}

/// A 100 MB note through the real IPC path: a localized "too long" error, nothing saved.
#[test]
fn a_100_mb_note_is_refused_and_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = app(dir.path());
    let input = json!({
        "exam_name": "2027 考研", "exam_date": "2026-12-26",
        "subjects": [{"id": null, "name": "政治", "color": "#e5484d"}],
        "daily_target_hours": 8, "wake_time": "06:30", "time_zone": "Asia/Shanghai",
        "day_start": "04:00", "language": "zh-CN"
    });
    invoke(&window, "complete_onboarding", InvokeBody::Json(json!({ "input": input }))).unwrap();
    let punch_in = json!({
        "id": null, "date": "2026-11-22", "repair": false, "minutes": [], "goals_done": [],
        "note": "长".repeat((100 << 20) / 3), "mood": null, "photos": []
    });
    let err = invoke(&window, "save_punch_in", InvokeBody::Json(json!({ "input": punch_in })))
        .unwrap_err();
    assert_eq!(err["kind"], "validation");
    assert_eq!(err["fields"][0]["field"], "note");
    assert!(err["message"].as_str().is_some_and(|m| m.starts_with("太长了")), "{err}");
    let today = invoke(&window, "today", InvokeBody::Json(json!({}))).unwrap();
    assert_eq!(today["punch_ins"], json!([]));
}

/// A share-card nickname over 20 characters, or with a control character, is refused by field
/// in the user's language (the Share screen's field has the same limit); 20 is fine.
#[test]
fn a_share_nickname_that_cannot_be_drawn_is_refused_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = app(dir.path());
    let input = json!({
        "exam_name": "2027 考研", "exam_date": "2026-12-26",
        "subjects": [{"id": null, "name": "政治", "color": "#e5484d"}],
        "daily_target_hours": 8, "wake_time": "06:30", "time_zone": "Asia/Shanghai",
        "day_start": "04:00", "language": "zh-CN"
    });
    invoke(&window, "complete_onboarding", InvokeBody::Json(json!({ "input": input }))).unwrap();
    let request = |nickname: &str| {
        let mut style = serde_json::to_value(daka_card::CardStyle::default()).unwrap();
        style["nickname"] = json!(nickname);
        json!({ "request": { "date": "2026-11-22", "style": style, "with_photo": false } })
    };
    let ok = invoke(&window, "share_preview", InvokeBody::Json(request(&"考".repeat(20)))).unwrap();
    assert!(ok["svg"].as_str().is_some_and(|s| s.starts_with("<svg")));
    for (nickname, message) in
        [("考".repeat(21), "太长了"), ("小明\u{0007}".to_owned(), "控制字符")]
    {
        let err =
            invoke(&window, "share_preview", InvokeBody::Json(request(&nickname))).unwrap_err();
        assert_eq!(err["kind"], "validation");
        assert_eq!(err["fields"][0]["field"], "style.nickname");
        assert!(err["message"].as_str().unwrap().contains(message), "{err}");
    }
}
