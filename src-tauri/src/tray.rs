//! The tray icon: the block running now with the time left and the next block (from
//! `daka_core::timetable::tray_status`), show/hide the window, start at login, keep running when
//! the window is closed, quit.
//!
//! On Linux the icon is an AppIndicator (StatusNotifierItem): it shows only where the desktop
//! has a tray host (KDE, most others; GNOME with the AppIndicator extension), has no tooltip and
//! no click events — so everything is in the menu, and the panel label carries the short status.
//! Without a host the icon is simply not shown; the window's close button then hides the window
//! only when the user asked for it, and a second launch brings the window back
//! (single-instance), so Daka is never stranded out of reach.

use std::sync::atomic::Ordering;
use std::time::Duration;

use daka_core::lang::Lang;
use daka_core::timetable::{day_plan, tray_status};
use tauri::menu::{CheckMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_autostart::AutoLaunchManager;

use crate::state::{AppState, LoginItem};

const TRAY_ID: &str = "daka";
/// How often the tray's status is refreshed: minutes left change once a minute, and a plan edit
/// should show within seconds. (One refresh is a ~2 ms read; every 10 s costs nothing.)
const REFRESH: Duration = Duration::from_secs(10);
/// While a focus session runs the label counts down in seconds.
const FOCUS_REFRESH: Duration = Duration::from_secs(1);

/// The menu items whose text or check mark changes. (Tauri's menu types have no `Debug`.)
#[allow(missing_debug_implementations)]
struct TrayMenu<R: Runtime> {
    tray: TrayIcon<R>,
    current: MenuItem<R>,
    next: MenuItem<R>,
    toggle: MenuItem<R>,
    autostart: CheckMenuItem<R>,
    keep: CheckMenuItem<R>,
    quit: MenuItem<R>,
}

/// Start at login through tauri-plugin-autostart (an XDG autostart entry on Linux). Off when
/// the plugin is not loaded, as in the mock-runtime tests.
pub struct PluginLoginItem<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> std::fmt::Debug for PluginLoginItem<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PluginLoginItem")
    }
}

impl<R: Runtime> LoginItem for PluginLoginItem<R> {
    fn enabled(&self) -> bool {
        self.0.try_state::<AutoLaunchManager>().is_some_and(|m| m.is_enabled().unwrap_or(false))
    }

    fn set(&self, on: bool) -> Result<(), String> {
        let Some(manager) = self.0.try_state::<AutoLaunchManager>() else {
            return Err("the autostart plugin is not loaded".into());
        };
        let result = if on { manager.enable() } else { manager.disable() };
        result.map_err(|e| e.to_string())
    }
}

/// Says (as a notification) why Daka does not quit now.
pub fn notify_quit_refused(lang: Lang) {
    use crate::notify::Notifier;
    if let Err(e) = crate::notify::DesktopNotifier.notify(&crate::focus::words::quit_refused(lang))
    {
        tracing::warn!(error = %e, "quit refusal not shown");
    }
}

/// Shows the window if hidden, hides it if shown.
pub fn toggle_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        if window.is_visible().unwrap_or(true) {
            let _ = window.hide();
        } else {
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
        }
    }
}

/// Creates the tray icon and starts refreshing it. Failure (no icon support on this desktop)
/// is logged; Daka works without a tray.
pub fn install<R: Runtime>(app: &AppHandle<R>) {
    match build(app) {
        Ok(menu) => {
            app.state::<AppState>().tray_ready.store(true, Ordering::Release);
            spawn_refresh(app.clone(), menu);
        }
        Err(e) => tracing::warn!(error = %e, "no tray icon"),
    }
}

fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<TrayMenu<R>> {
    let current = MenuItem::with_id(app, "current", "", false, None::<&str>)?;
    let next = MenuItem::with_id(app, "next", "", false, None::<&str>)?;
    let toggle = MenuItem::with_id(app, "toggle", "", true, None::<&str>)?;
    let autostart = CheckMenuItem::with_id(app, "autostart", "", true, false, None::<&str>)?;
    let keep = CheckMenuItem::with_id(app, "keep", "", true, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "", true, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[
            &current,
            &next,
            &PredefinedMenuItem::separator(app)?,
            &toggle,
            &keep,
            &autostart,
            &PredefinedMenuItem::separator(app)?,
            &quit,
        ],
    )?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID).menu(&menu).tooltip("Daka");
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let tray = builder.on_menu_event(on_menu_event).build(app)?;
    Ok(TrayMenu { tray, current, next, toggle, autostart, keep, quit })
}

fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let state = app.state::<AppState>();
    match event.id().as_ref() {
        "toggle" => toggle_window(app),
        "quit" => {
            // Quitting would end app blocking: refused while a strict session runs.
            if state.focus.strict_running() {
                notify_quit_refused(state.lang());
                // Bring the session forward: the way out is its emergency exit.
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.unminimize();
                    let _ = window.show();
                    let _ = window.set_focus();
                }
            } else {
                app.exit(0);
            }
        }
        "autostart" => {
            let on = !state.login_item.enabled();
            if let Err(e) = state.login_item.set(on) {
                tracing::warn!(error = %e, "start at login could not be changed");
            }
        }
        "keep" => {
            let on = !state.close_to_tray.load(Ordering::Acquire);
            state.close_to_tray.store(on, Ordering::Release);
            let (app, now) = (app.clone(), state.now());
            tauri::async_runtime::spawn(async move {
                let state = app.state::<AppState>();
                if let Ok(store) = state.store()
                    && let Err(e) = store.set_close_to_tray(on, now).await
                {
                    tracing::warn!(error = %e, "saving the tray setting failed");
                }
            });
        }
        _ => {}
    }
}

fn spawn_refresh<R: Runtime>(app: AppHandle<R>, menu: TrayMenu<R>) {
    tauri::async_runtime::spawn(async move {
        loop {
            let focusing = match refresh(&app, &menu).await {
                Ok(focusing) => focusing,
                Err(e) => {
                    tracing::debug!(error = %e, "tray refresh failed");
                    false
                }
            };
            // A focus session shows its seconds; otherwise a start wakes the loop at once.
            let state = app.state::<AppState>();
            if focusing {
                tokio::time::sleep(FOCUS_REFRESH).await;
            } else {
                let _ =
                    tokio::time::timeout(REFRESH, state.focus.changed_for_tray.notified()).await;
            }
        }
    });
}

/// Refreshes every text; returns whether a focus session is running.
async fn refresh<R: Runtime>(app: &AppHandle<R>, menu: &TrayMenu<R>) -> Result<bool, String> {
    let state = app.state::<AppState>();
    let lang = state.lang();
    let visible = app.get_webview_window("main").is_some_and(|w| w.is_visible().unwrap_or(true));
    let e = |e: tauri::Error| e.to_string();
    menu.toggle
        .set_text(match (visible, lang) {
            (true, _) => lang.pick("隐藏窗口", "Hide window"),
            (false, _) => lang.pick("显示 Daka", "Show Daka"),
        })
        .map_err(e)?;
    menu.keep.set_text(lang.pick("关闭窗口后留在托盘", "Keep running in the tray")).map_err(e)?;
    menu.keep.set_checked(state.close_to_tray.load(Ordering::Acquire)).map_err(e)?;
    menu.autostart.set_text(lang.pick("开机时启动", "Start at login")).map_err(e)?;
    menu.autostart.set_checked(state.login_item.enabled()).map_err(e)?;
    menu.quit.set_text(lang.pick("退出 Daka", "Quit Daka")).map_err(e)?;
    let mut status = status_words(&state, lang).await;
    let focus = state.focus.snapshot(state.now()).await;
    if let Some(snap) = &focus {
        // The session comes first: the label counts it down, the menu's first line names it.
        status.label = crate::focus::words::tray_label(lang, &snap.config, &snap.view);
        status.current = crate::focus::words::tray_line(lang, &snap.config, &snap.view);
    }
    menu.current.set_text(&status.current).map_err(e)?;
    match &status.next {
        Some(next) => {
            menu.next.set_text(next).map_err(e)?;
        }
        None => {
            menu.next.set_text(lang.pick("今天没有更多安排", "Nothing more today")).map_err(e)?;
        }
    }
    let label = (!status.label.is_empty()).then_some(status.label);
    menu.tray.set_title(label.as_deref()).map_err(e)?;
    menu.tray.set_tooltip(Some(&status.current)).map_err(e)?;
    Ok(focus.is_some())
}

async fn status_words(state: &AppState, lang: Lang) -> daka_core::timetable::TrayStatus {
    let fallback = daka_core::timetable::TrayStatus {
        label: String::new(),
        current: lang.pick("Daka 打卡", "Daka").to_owned(),
        next: None,
    };
    let Ok(store) = state.store() else { return fallback };
    let (Ok(profile), Ok(timetable)) = (store.profile().await, store.timetable().await) else {
        return fallback;
    };
    tray_status(&day_plan(&timetable, &profile.day_rules, state.now()), lang)
}
