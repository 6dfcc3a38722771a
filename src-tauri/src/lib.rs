//! Daka's Tauri shell: a thin adapter between the webview and the crates.
//!
//! [`build`] is generic over the Tauri [`Runtime`] so tests can drive the real command set
//! through `tauri::test::mock_builder()`; [`run`] is the production entry point.

#![forbid(unsafe_code)]

pub mod block_reminders;
pub mod clipboard;
pub mod commands;
pub mod error;
pub mod events;
pub mod files;
pub mod focus;
pub mod groups;
pub mod ipc;
mod logging;
pub mod notify;
pub mod picker;
pub mod state;
pub mod tray;
mod webview;

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use daka_core::clock::{Clock, SystemClock};
use daka_core::lang::Lang;
use daka_core::zones::detect_time_zone;
use daka_store::{Store, paths};
use tauri::webview::PageLoadEvent;
use tauri::{Manager, Runtime};

use crate::events::{AppEmitter, GroupsChangedEvent, ImportProgressEvent, InviteLinkEvent};
use crate::picker::{DialogPicker, EnvPicker, FilePicker};
use crate::state::{AppState, Parts, SystemInfo};

/// Where the generated TypeScript bindings live, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/lib/bindings.ts";

static STARTED: OnceLock<Instant> = OnceLock::new();

/// When the process started (first call wins; `run` calls it first thing).
pub fn started_at() -> Instant {
    *STARTED.get_or_init(Instant::now)
}

/// Every command the webview may call. Keep in step with `commands::names::COMMAND_NAMES`
/// (a test checks it).
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    use commands::{
        app, data, focus, goals, groups, onboarding, photos, punch_ins, settings, share, stats,
        timetable, today,
    };
    tauri_specta::Builder::<R>::new()
        // Daka's IPC types serialize and deserialize the same way: one TS type each.
        .disable_serde_phases()
        .constant("SUBJECT_PALETTE", daka_core::subject::PALETTE)
        .events(tauri_specta::collect_events![
            ImportProgressEvent,
            GroupsChangedEvent,
            InviteLinkEvent
        ])
        .commands(tauri_specta::collect_commands![
            app::app_info,
            app::set_language,
            app::time_zones,
            app::subject_presets,
            onboarding::validate_onboarding,
            onboarding::complete_onboarding,
            today::today,
            settings::settings,
            settings::save_profile,
            settings::save_subjects,
            settings::change_day_rule,
            settings::cancel_day_rule_change,
            settings::set_reminder,
            app::ui_ready,
            goals::goals,
            goals::save_goal,
            goals::set_goal_archived,
            goals::delete_goal,
            goals::add_goal_progress,
            punch_ins::save_punch_in,
            punch_ins::delete_punch_in,
            punch_ins::mark_day,
            punch_ins::unmark_day,
            photos::add_photos,
            photos::photo_thumbnails,
            stats::stats,
            stats::day_detail,
            stats::set_week_start,
            data::export_data,
            data::import_data,
            data::backups,
            data::restore_backup,
            timetable::timetable,
            timetable::save_template,
            timetable::delete_template,
            timetable::apply_preset,
            timetable::day_schedule,
            timetable::set_day_override,
            timetable::reset_day,
            timetable::today_plan,
            timetable::block_reminder_settings,
            timetable::set_block_reminder_settings,
            timetable::export_calendar,
            timetable::tray_settings,
            timetable::set_close_to_tray,
            timetable::set_autostart,
            share::share_preview,
            share::share_prefs,
            share::share_export,
            share::share_copy,
            focus::focus_status,
            focus::focus_start,
            focus::focus_pause,
            focus::focus_resume,
            focus::focus_stop,
            focus::focus_request_exit,
            focus::focus_cancel_exit,
            focus::focus_confirm_exit,
            focus::focus_exit_challenge,
            focus::focus_emergency_exit,
            focus::focus_settings,
            focus::save_focus_settings,
            focus::focus_day,
            focus::blocker_status,
            focus::install_blocker,
            groups::groups_status,
            groups::groups_sign_up,
            groups::groups_sign_in,
            groups::groups_sign_out,
            groups::groups_list,
            groups::groups_create,
            groups::groups_create_invite,
            groups::groups_invites,
            groups::groups_revoke_invite,
            groups::groups_read_invite,
            groups::groups_join,
            groups::groups_leave,
            groups::groups_set_share,
            groups::groups_board,
            groups::groups_photo,
            groups::groups_copy_jielong,
            groups::groups_sync_now,
            groups::copy_text,
            groups::groups_take_opened_link,
            groups::groups_devices,
            groups::groups_revoke_device,
        ])
}

/// Writes the TypeScript bindings for the UI.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    let header = "// Generated by tauri-specta from the Rust commands (src-tauri/src/lib.rs).\n\
                  // Do not edit: run `make bindings` (a test fails when this file drifts).\n";
    specta_builder::<tauri::Wry>()
        .export(specta_typescript::Typescript::default().header(header), path)
        .map_err(|e| e.to_string())
}

/// What a launch needs from its environment, gathered in one place so tests can supply it.
#[derive(Debug, Clone)]
pub struct Launch {
    /// `DAKA_DATA_DIR`, when set: all of Daka's files go there.
    pub data_dir: Option<PathBuf>,
    pub clock: Arc<dyn Clock>,
    pub system: SystemInfo,
    /// Single-instance and window-state plugins. Off in unit tests: they use the session bus
    /// and the user's config directory.
    pub desktop_plugins: bool,
}

impl Launch {
    pub fn from_env() -> Self {
        let data_dir =
            std::env::var_os(paths::DATA_DIR_ENV).filter(|v| !v.is_empty()).map(PathBuf::from);
        let locale = sys_locale::get_locale().unwrap_or_default();
        let tz_env = std::env::var("TZ").unwrap_or_default();
        let os_tz = iana_time_zone::get_timezone().unwrap_or_default();
        Self {
            data_dir,
            clock: clock_from_env(),
            system: SystemInfo {
                lang: Lang::from_system_locale(&locale),
                time_zone: detect_time_zone([tz_env.as_str(), os_tz.as_str()]).name().to_owned(),
            },
            desktop_plugins: true,
        }
    }
}

/// The real clock, unless this build may be pinned (`pinned-clock` feature or tests) and
/// `DAKA_NOW` holds an RFC 3339 instant.
fn clock_from_env() -> Arc<dyn Clock> {
    #[cfg(any(test, feature = "pinned-clock"))]
    if let Ok(value) = std::env::var("DAKA_NOW") {
        match daka_core::clock::PinnedClock::parse(&value) {
            Ok(clock) => {
                tracing::warn!(now = %value, "clock pinned by DAKA_NOW");
                return Arc::new(clock);
            }
            Err(e) => {
                tracing::error!(value, error = %e, "ignoring DAKA_NOW: not an RFC 3339 instant");
            }
        }
    }
    Arc::new(SystemClock)
}

/// Assembles the app on any runtime: plugins, commands, state.
pub fn build<R: Runtime>(builder: tauri::Builder<R>, launch: Launch) -> tauri::Builder<R> {
    let specta = specta_builder::<R>();
    let mut builder = builder;
    if launch.desktop_plugins {
        builder = builder
            .plugin(single_instance(launch.data_dir.as_deref()))
            // After single-instance, which forwards a second launch's link to it.
            .plugin(tauri_plugin_deep_link::init())
            .plugin(window_state(launch.data_dir.as_deref()))
            // Dialogs are opened from Rust only: no dialog permission is granted to the webview.
            .plugin(tauri_plugin_dialog::init())
            // Off until the user turns it on; Daka never enables it by itself.
            .plugin(tauri_plugin_autostart::init(
                tauri_plugin_autostart::MacosLauncher::LaunchAgent,
                None,
            ))
            .on_window_event(|window, event| {
                if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                    // The focus overlay is closed by the driver only (destroy), never by
                    // Alt+F4 or a window manager's close.
                    if focus::overlay::is_overlay(window.label()) {
                        api.prevent_close();
                        return;
                    }
                    let state = window.state::<AppState>();
                    if state.tray_ready.load(Ordering::Acquire)
                        && state.close_to_tray.load(Ordering::Acquire)
                    {
                        api.prevent_close();
                        let _ = window.hide();
                    } else if state.focus.strict_running() {
                        // Closing would quit Daka and end app blocking early.
                        api.prevent_close();
                        let _ = window.minimize();
                        tray::notify_quit_refused(state.lang());
                    }
                }
            });
    }
    builder
        .invoke_handler(ipc::typed_invoke_handler(specta.invoke_handler()))
        .on_page_load(|_, payload| {
            if payload.event() == PageLoadEvent::Finished {
                let ms = started_at().elapsed().as_secs_f64() * 1000.0;
                tracing::info!(target: "daka::startup", ms, "page loaded");
            }
        })
        .setup(move |app| {
            let data_dir = match &launch.data_dir {
                Some(dir) => dir.clone(),
                None => app.path().app_data_dir()?,
            };
            if launch.desktop_plugins {
                logging::init(&data_dir);
            }
            specta.mount_events(app);
            let now = launch.clock.now();
            let store = tauri::async_runtime::block_on(Store::open(&data_dir, now));
            if let Err(e) = &store {
                tracing::error!(error = %e, dir = %data_dir.display(), "cannot open the database");
            }
            // Messages made in Rust before the UI loads (a reminder on start) speak the user's
            // chosen language, not the system's.
            if let Ok(store) = &store {
                // Before the UI can pick a photo: the sweep deletes files no row names yet.
                match tauri::async_runtime::block_on(store.prune_photos(now)) {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(files = n, "removed unused photo files"),
                    Err(e) => tracing::warn!(error = %e, "photo clean-up failed"),
                }
            }
            let lang = match &store {
                Ok(store) => tauri::async_runtime::block_on(store.snapshot())
                    .ok()
                    .and_then(|snap| snap.language)
                    .unwrap_or(launch.system.lang),
                Err(_) => launch.system.lang,
            };
            if let Some(window) = app.get_webview_window("main") {
                webview::tune(&window);
            }
            let picker: Arc<dyn FilePicker> = if launch.desktop_plugins && !picker::scripted() {
                Arc::new(DialogPicker::new(app.handle().clone()))
            } else {
                Arc::new(EnvPicker)
            };
            app.manage(AppState::new(Parts {
                store,
                clock: launch.clock.clone(),
                lang,
                system: launch.system.clone(),
                data_dir,
                picker,
                events: Arc::new(AppEmitter(app.handle().clone())),
                login_item: Arc::new(tray::PluginLoginItem(app.handle().clone())),
                clipboard: Arc::new(clipboard::SystemClipboard::default()),
            }));
            app.state::<AppState>().open_groups();
            if launch.desktop_plugins {
                // A separate profile (DAKA_DATA_DIR: tests, demos) never takes over the
                // desktop's daka:// handler.
                groups::watch_invite_links(app.handle(), launch.data_dir.is_none());
            }
            if launch.desktop_plugins {
                spawn_daily_backups(app.handle().clone());
                notify::spawn_reminders(app.handle().clone(), Arc::new(notify::DesktopNotifier));
                block_reminders::spawn_block_reminders(
                    app.handle().clone(),
                    Arc::new(notify::DesktopNotifier),
                );
                focus::spawn_focus_driver(app.handle().clone(), Arc::new(notify::DesktopNotifier));
                let state = app.state::<AppState>();
                if let Ok(store) = state.store() {
                    let keep =
                        tauri::async_runtime::block_on(store.close_to_tray()).unwrap_or(true);
                    state.close_to_tray.store(keep, Ordering::Release);
                }
                tray::install(app.handle());
            }
            Ok(())
        })
}

/// Makes the daily backup at start and then checks every hour (one copy per day, the last 7
/// kept). Failures are logged, never shown: a missed backup must not interrupt studying.
fn spawn_daily_backups<R: Runtime>(app: tauri::AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        loop {
            let state = app.state::<AppState>();
            if let Ok(store) = state.store() {
                match store.daily_backup(state.now()).await {
                    Ok(Some(path)) => tracing::info!(backup = %path.display(), "daily backup"),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "daily backup failed"),
                }
            }
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    });
}

/// One Daka per data directory: a second launch focuses the running window instead. With
/// `DAKA_DATA_DIR`, the lock is per directory, so separate profiles (and tests) can coexist.
fn single_instance<R: Runtime>(
    data_dir: Option<&std::path::Path>,
) -> tauri::plugin::TauriPlugin<R> {
    let mut plugin = tauri_plugin_single_instance::Builder::new().callback(|app, _argv, _cwd| {
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
        }
    });
    if let Some(dir) = data_dir {
        plugin = plugin.dbus_id(format!(
            "app.daka.desktop.p{:016x}",
            fnv1a(dir.as_os_str().as_encoded_bytes())
        ));
    }
    plugin.build()
}

/// Window size and position are remembered; with `DAKA_DATA_DIR` they are kept there too.
fn window_state<R: Runtime>(data_dir: Option<&std::path::Path>) -> tauri::plugin::TauriPlugin<R> {
    let mut plugin = tauri_plugin_window_state::Builder::new();
    if let Some(dir) = data_dir {
        // The plugin joins this to the config dir; joining an absolute path yields the path.
        plugin = plugin.with_filename(dir.join("window-state.json").to_string_lossy());
    }
    plugin.build()
}

/// A stable, dependency-free hash for naming the per-directory instance lock.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The compiled-in configuration (tauri.conf.json, capabilities, icons, the built UI).
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Starts Daka.
pub fn run() {
    started_at();
    let launch = Launch::from_env();
    let app = build(tauri::Builder::default(), launch).build(context());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            // Nothing is on screen yet; stderr is all there is.
            tracing::error!(error = %e, "Daka could not start");
            std::process::exit(1);
        }
    }
}
