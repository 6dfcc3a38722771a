//! The timetable: templates, presets, per-date overrides, and the plan Today shows.

use daka_core::lang::Lang;
use daka_core::timetable::{
    BlockReminderSettings, DayOverride, DayPlan, PlannedBlock, Preset, Template, Timetable,
    day_plan, expand, preset,
};
use daka_core::validation::{ValidationErrors, parse_date};
use daka_store::Store;
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::error::AppError;
use crate::ipc::Arg;
use crate::state::AppState;

fn store_err(lang: Lang) -> impl Fn(daka_store::StoreError) -> AppError {
    move |e| AppError::from_store(e, lang)
}

/// Every template and override.
#[tauri::command]
#[specta::specta]
pub async fn timetable(state: State<'_, AppState>) -> Result<Timetable, AppError> {
    state.store()?.timetable().await.map_err(store_err(state.lang()))
}

/// Creates or replaces a template (the week grid saves the edited template whole).
#[tauri::command]
#[specta::specta]
pub async fn save_template(
    state: State<'_, AppState>,
    template: Arg<Template>,
) -> Result<Timetable, AppError> {
    let lang = state.lang();
    let template = template.decode("template", lang)?;
    let saved =
        state.store()?.save_template(&template, state.now()).await.map_err(store_err(lang))?;
    state.plan_changed.notify_one();
    Ok(saved)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_template(
    state: State<'_, AppState>,
    template_id: Arg<String>,
) -> Result<Timetable, AppError> {
    let lang = state.lang();
    let id = template_id.decode("template_id", lang)?;
    let saved = state.store()?.delete_template(&id, state.now()).await.map_err(store_err(lang))?;
    state.plan_changed.notify_one();
    Ok(saved)
}

/// Applies a ready-made template in the UI language, on its usual days (taking them from the
/// templates that had them).
#[tauri::command]
#[specta::specta]
pub async fn apply_preset(
    state: State<'_, AppState>,
    preset_name: Arg<Preset>,
) -> Result<Timetable, AppError> {
    let lang = state.lang();
    let which = preset_name.decode("preset_name", lang)?;
    let store = state.store()?;
    let profile = store.profile().await.map_err(store_err(lang))?;
    let subjects: Vec<_> = profile.subjects.iter().map(|s| s.id).collect();
    store
        .apply_template(&preset(which, lang, &subjects), state.now())
        .await
        .map_err(store_err(lang))
}

/// One study day as the day view shows it.
#[derive(Debug, Serialize, specta::Type)]
pub struct DaySchedule {
    pub date: chrono::NaiveDate,
    /// The template that applies, if any.
    pub template: Option<Template>,
    /// The date's override, if it has one.
    pub changes: Option<DayOverride>,
    /// The blocks as they will happen, override applied, in time order.
    pub blocks: Vec<PlannedBlock>,
}

async fn schedule_of(
    store: &Store,
    date: chrono::NaiveDate,
    lang: Lang,
) -> Result<DaySchedule, AppError> {
    let profile = store.profile().await.map_err(store_err(lang))?;
    let timetable = store.timetable().await.map_err(store_err(lang))?;
    let rule = profile.day_rules.rule_for_date(date);
    Ok(DaySchedule {
        date,
        template: timetable.template_for(date).cloned(),
        changes: timetable.overrides.iter().find(|o| o.date == date).cloned(),
        blocks: expand(&timetable, date, date, rule.tz, rule.day_start),
    })
}

/// A study day's plan: its template, its override and the resulting blocks.
#[tauri::command]
#[specta::specta]
pub async fn day_schedule(
    state: State<'_, AppState>,
    date: Arg<String>,
) -> Result<DaySchedule, AppError> {
    let lang = state.lang();
    let raw = date.decode("date", lang)?;
    let date = parse_date(&raw)
        .map_err(|e| AppError::validation(&ValidationErrors::single("date", e), lang))?;
    schedule_of(&state.store()?, date, lang).await
}

/// A date's changes: blocks skipped, changed (same id as in the template) and added.
#[derive(Debug, Deserialize, specta::Type)]
pub struct DayOverrideInput {
    pub date: String,
    pub skipped: Vec<daka_core::ids::BlockId>,
    pub changed: Vec<daka_core::timetable::Block>,
    pub added: Vec<daka_core::timetable::Block>,
}

#[tauri::command]
#[specta::specta]
pub async fn set_day_override(
    state: State<'_, AppState>,
    changes: Arg<DayOverrideInput>,
) -> Result<DaySchedule, AppError> {
    let lang = state.lang();
    let input = changes.decode("changes", lang)?;
    let date = parse_date(&input.date)
        .map_err(|e| AppError::validation(&ValidationErrors::single("date", e), lang))?;
    let store = state.store()?;
    let profile = store.profile().await.map_err(store_err(lang))?;
    let day_start = profile.day_rules.rule_for_date(date).day_start.minutes();
    let changes =
        DayOverride { date, skipped: input.skipped, changed: input.changed, added: input.added };
    store.set_day_override(&changes, day_start, state.now()).await.map_err(store_err(lang))?;
    state.plan_changed.notify_one();
    schedule_of(&store, date, lang).await
}

/// "Reset this day to the template."
#[tauri::command]
#[specta::specta]
pub async fn reset_day(
    state: State<'_, AppState>,
    date: Arg<String>,
) -> Result<DaySchedule, AppError> {
    let lang = state.lang();
    let raw = date.decode("date", lang)?;
    let date = parse_date(&raw)
        .map_err(|e| AppError::validation(&ValidationErrors::single("date", e), lang))?;
    let store = state.store()?;
    store.reset_day(date, state.now()).await.map_err(store_err(lang))?;
    state.plan_changed.notify_one();
    schedule_of(&store, date, lang).await
}

/// What Today shows of the plan at this moment.
#[tauri::command]
#[specta::specta]
pub async fn today_plan(state: State<'_, AppState>) -> Result<DayPlan, AppError> {
    let lang = state.lang();
    let store = state.store()?;
    let profile = store.profile().await.map_err(store_err(lang))?;
    let timetable = store.timetable().await.map_err(store_err(lang))?;
    Ok(day_plan(&timetable, &profile.day_rules, state.now()))
}

/// Block reminder settings: on/off, at the start, default advance, quiet hours.
#[tauri::command]
#[specta::specta]
pub async fn block_reminder_settings(
    state: State<'_, AppState>,
) -> Result<BlockReminderSettings, AppError> {
    state.store()?.block_reminder_settings().await.map_err(store_err(state.lang()))
}

#[tauri::command]
#[specta::specta]
pub async fn set_block_reminder_settings(
    state: State<'_, AppState>,
    settings: Arg<BlockReminderSettings>,
) -> Result<BlockReminderSettings, AppError> {
    let lang = state.lang();
    let settings = settings.decode("settings", lang)?;
    state
        .store()?
        .set_block_reminder_settings(&settings, state.now())
        .await
        .map_err(store_err(lang))?;
    state.plan_changed.notify_one();
    Ok(settings)
}

/// What to put in the calendar file.
#[derive(Debug, Deserialize, specta::Type)]
pub struct CalendarExportInput {
    /// Concrete events for this many weeks from today (1..=26); ignored when `recurring`.
    pub weeks: u8,
    /// Weekly recurring events instead (with exceptions for overrides and DST nights).
    pub recurring: bool,
}

/// What a calendar export wrote.
#[derive(Debug, Serialize, specta::Type)]
pub struct CalendarExportResult {
    pub path: String,
    pub events: u32,
    pub bytes: u32,
}

/// Asks where to save and writes the timetable as an .ics file. `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_calendar(
    state: State<'_, AppState>,
    input: Arg<CalendarExportInput>,
) -> Result<Option<CalendarExportResult>, AppError> {
    let lang = state.lang();
    let input = input.decode("input", lang)?;
    if !(1..=26).contains(&input.weeks) {
        let e = daka_core::validation::Invalid::QuantityOutOfRange { min: 1, max: 26 };
        return Err(AppError::validation(&ValidationErrors::single("weeks", e), lang));
    }
    let now = state.now();
    let store = state.store()?;
    let profile = store.profile().await.map_err(store_err(lang))?;
    let timetable = store.timetable().await.map_err(store_err(lang))?;
    let text = calendar_text(&profile, &timetable, &input, lang, now);
    let events = u32::try_from(text.matches("BEGIN:VEVENT").count()).unwrap_or(u32::MAX);
    let default_name = format!("daka-plan-{}.ics", now.format("%Y%m%d"));
    let picker = state.picker.clone();
    let title = lang.pick("导出日历", "Export calendar");
    let chosen =
        tauri::async_runtime::spawn_blocking(move || picker.save(title, &default_name, "ics"))
            .await
            .map_err(|_| AppError::internal(lang))?;
    let Some(path) = chosen else { return Ok(None) };
    let bytes = u32::try_from(text.len()).unwrap_or(u32::MAX);
    let target = path.clone();
    tauri::async_runtime::spawn_blocking(move || {
        crate::files::write_atomic(&target, text.as_bytes())
    })
    .await
    .map_err(|_| AppError::internal(lang))?
    .map_err(|e| AppError::write_failed(&path, &e, lang))?;
    Ok(Some(CalendarExportResult { path: path.display().to_string(), events, bytes }))
}

/// The .ics text (sync: the options borrow a closure that must not live across an await).
fn calendar_text(
    profile: &daka_core::profile::Profile,
    timetable: &Timetable,
    input: &CalendarExportInput,
    lang: Lang,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let rule = profile.day_rules.rule_at(now);
    let today = profile.day_rules.logical_date(now);
    let subject_name = |id: daka_core::ids::SubjectId| {
        profile.subjects.iter().find(|s| s.id == id).map(|s| s.name.clone())
    };
    let opts = daka_ics::IcsOptions {
        tz: rule.tz,
        lang,
        subject_name: &subject_name,
        now,
        product: concat!("-//Daka//Daka ", env!("CARGO_PKG_VERSION"), "//ZH"),
    };
    if input.recurring {
        daka_ics::recurring_ics(timetable, today, rule.day_start, &opts)
    } else {
        let last = today + chrono::Duration::days(i64::from(input.weeks) * 7 - 1);
        daka_ics::events_ics(&expand(timetable, today, last, rule.tz, rule.day_start), &opts)
    }
}

/// The tray and start-at-login preferences.
#[derive(Debug, Serialize, specta::Type)]
pub struct TraySettings {
    pub close_to_tray: bool,
    pub autostart: bool,
    /// Whether a tray icon could be created on this desktop.
    pub tray_available: bool,
}

fn tray_settings_of(state: &AppState) -> TraySettings {
    use std::sync::atomic::Ordering;
    TraySettings {
        close_to_tray: state.close_to_tray.load(Ordering::Acquire),
        autostart: state.login_item.enabled(),
        tray_available: state.tray_ready.load(Ordering::Acquire),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn tray_settings(state: State<'_, AppState>) -> Result<TraySettings, AppError> {
    Ok(tray_settings_of(&state))
}

/// Keep running in the tray when the window is closed.
#[tauri::command]
#[specta::specta]
pub async fn set_close_to_tray(
    state: State<'_, AppState>,
    value: Arg<bool>,
) -> Result<TraySettings, AppError> {
    let lang = state.lang();
    let value = value.decode("value", lang)?;
    state.store()?.set_close_to_tray(value, state.now()).await.map_err(store_err(lang))?;
    state.close_to_tray.store(value, std::sync::atomic::Ordering::Release);
    Ok(tray_settings_of(&state))
}

/// Start Daka at login (the system's autostart entry).
#[tauri::command]
#[specta::specta]
pub async fn set_autostart(
    state: State<'_, AppState>,
    value: Arg<bool>,
) -> Result<TraySettings, AppError> {
    let lang = state.lang();
    let value = value.decode("value", lang)?;
    if let Err(e) = state.login_item.set(value) {
        tracing::warn!(error = %e, "start at login could not be changed");
        return Err(AppError::internal(lang));
    }
    Ok(tray_settings_of(&state))
}
