// The capabilities live in src-tauri/ while tauri.conf.json is at the top level (DESIGN.md §3),
// so the path pattern is explicit. App commands are registered in the app manifest so each one
// needs an `allow-<command>` grant in a capability: a window gets only what it is given.
include!("src/commands/names.rs");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // tauri-build narrows what reruns this script; a new command must regenerate its permission.
    println!("cargo:rerun-if-changed=src-tauri/src/commands/names.rs");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMAND_NAMES));
    tauri_build::try_build(attributes)?;
    Ok(())
}
