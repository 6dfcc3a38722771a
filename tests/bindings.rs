//! The TypeScript bindings the UI imports are generated from the Rust commands and committed.
//! This test fails when they drift; `make bindings` rewrites them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use daka_lib::commands::names::COMMAND_NAMES;

#[test]
fn bindings_match_the_commands() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let committed_path = root.join(daka_lib::BINDINGS_PATH);
    let dir = tempfile::tempdir().unwrap();
    let fresh_path = dir.path().join("bindings.ts");
    daka_lib::export_bindings(&fresh_path).unwrap();
    let fresh = std::fs::read_to_string(&fresh_path).unwrap();

    if std::env::var_os("DAKA_UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed_path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is out of date with the Rust commands: run `make bindings` and commit the result",
        daka_lib::BINDINGS_PATH
    );

    // Every command in the bindings is one the capability system knows about, and vice versa.
    // Calls look like `__TAURI_INVOKE("name", …)` or `__TAURI_INVOKE<T>("name")`.
    let mut invoked: Vec<&str> = fresh
        .match_indices("__TAURI_INVOKE")
        .filter_map(|(i, m)| {
            let rest = &fresh[i + m.len()..];
            let start = rest.find('"')? + 1;
            let name = &rest[start..start + rest[start..].find('"')?];
            (!name.contains('/')).then_some(name)
        })
        .collect();
    invoked.sort_unstable();
    let mut names = COMMAND_NAMES.to_vec();
    names.sort_unstable();
    assert_eq!(
        invoked, names,
        "commands::names::COMMAND_NAMES must list exactly the registered commands"
    );
}

#[test]
fn the_main_window_capability_grants_exactly_the_app_commands() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let raw = std::fs::read_to_string(root.join("src-tauri/capabilities/main.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let mut granted: Vec<String> = json["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().expect("only plain permission names").to_owned())
        .collect();
    granted.sort();
    let mut expected: Vec<String> =
        COMMAND_NAMES.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
    // Typed events (import progress) are listened to from the UI; nothing else from core.
    expected.extend(["core:event:allow-listen".to_owned(), "core:event:allow-unlisten".to_owned()]);
    expected.sort();
    assert_eq!(
        granted, expected,
        "the main window must get the app's commands, event listening and nothing else"
    );
    assert_eq!(json["windows"], serde_json::json!(["main"]));
}
