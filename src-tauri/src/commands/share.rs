//! Share cards: a live preview (the card's SVG), export through the save dialog, copy to the
//! clipboard, and the last choices remembered. The facts come from daka-core
//! (`Records::share_facts`), the drawing from daka-card; this module only maps one onto the other.

use std::sync::OnceLock;

use chrono::NaiveDate;
use daka_card::{Card, CardData, CardKind, CardStyle, Fonts, Format};
use daka_core::lang::Lang;
use daka_core::share::ShareFacts;
use daka_core::validation::{Invalid, ValidationErrors, parse_date};
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::error::AppError;
use crate::ipc::Arg;
use crate::state::AppState;

/// The fonts, loaded once: the bundled subsets plus the system's as a fallback for characters
/// they lack (a user's rare name character). Tests of the card itself use the bundled ones only.
pub(crate) fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(Fonts::with_system_fallback)
}

/// A nickname's maximum length on a card (the Share screen's field allows the same).
const MAX_NICKNAME_CHARS: usize = 20;

/// The largest photo file read for a card (daka-card checks the pixels before decoding).
const MAX_PHOTO_BYTES: u64 = 30 * 1024 * 1024;

/// Which card, for which study day, in which style.
#[derive(Debug, Deserialize, specta::Type)]
pub struct ShareRequest {
    /// The study day (`YYYY-MM-DD`); the weekly card shows that day's week.
    pub date: String,
    pub style: CardStyle,
    /// Put one of the day's photos on the daily card.
    pub with_photo: bool,
}

/// What the preview shows.
#[derive(Debug, Serialize, specta::Type)]
pub struct SharePreview {
    pub svg: String,
    pub width: u32,
    pub height: u32,
    /// In the user's language: characters the fonts cannot draw, a photo that could not be
    /// read, text cut short.
    pub warnings: Vec<String>,
    /// "png", or "jpeg" when a photo is on the card.
    pub format: String,
    /// Whether that day has a photo to offer.
    pub has_photo: bool,
}

fn card_data(
    facts: &ShareFacts,
    today: NaiveDate,
    kind: CardKind,
    lang: Lang,
    photo: Option<Vec<u8>>,
) -> CardData {
    let subjects = match kind {
        CardKind::Weekly => &facts.week_subjects,
        _ => &facts.day_subjects,
    };
    let removed = lang.pick("已删除的科目", "Removed subject");
    CardData {
        date: if kind == CardKind::Weekly { facts.week_start } else { facts.date },
        streak_days: facts.streak_days,
        best_streak: facts.best_streak,
        subjects: subjects
            .iter()
            .map(|s| daka_card::SubjectMinutes {
                name: if s.name.is_empty() { removed.to_owned() } else { s.name.clone() },
                color: s.color.clone(),
                minutes: s.minutes,
            })
            .collect(),
        daily_target_min: facts.daily_target_min,
        goals_done: facts.goals_done.clone(),
        goals_total: facts.goals_due,
        note: facts.note.clone(),
        mood: facts.mood.map(|m| m.label(lang).to_owned()),
        photo,
        week: facts
            .week
            .iter()
            .map(|d| daka_card::DayMinutes { date: d.date, minutes: d.minutes })
            .collect(),
        heatmap: facts
            .heatmap
            .iter()
            .map(|d| daka_card::HeatCell { date: d.date, level: d.level })
            .collect(),
        exam: facts.exam.as_ref().map(|e| daka_card::Exam {
            name: e.name.clone(),
            date: e.date,
            days_left: e.days_left,
        }),
        studied_days: facts.studied_days,
        total_minutes: facts.total_minutes,
        started_on: Some(facts.started_on),
        // A card for a past day words itself for that day ("当天"), not "today".
        today: Some(today),
    }
}

/// Builds the card for a request; also says whether the day has a photo and which format.
async fn build_card(
    state: &AppState,
    request: &ShareRequest,
) -> Result<(Card, CardData, Format, bool), AppError> {
    let lang = state.lang();
    let date: NaiveDate = parse_date(&request.date)
        .map_err(|e| AppError::validation(&ValidationErrors::single("date", e), lang))?;
    if let Some(nick) = &request.style.nickname {
        let chars = nick.chars().count();
        let invalid = if chars > MAX_NICKNAME_CHARS {
            Some(Invalid::TooLong { max: MAX_NICKNAME_CHARS, actual: chars })
        } else if nick.chars().any(char::is_control) {
            Some(Invalid::ControlCharacters)
        } else {
            None
        };
        if let Some(e) = invalid {
            return Err(AppError::validation(&ValidationErrors::single("style.nickname", e), lang));
        }
    }
    let store = state.store()?;
    let records = store.records().await.map_err(|e| AppError::from_store(e, lang))?;
    let facts = records.share_facts(date, state.now());
    let today = records.moment(state.now()).today;
    let first_photo = facts.photos.first().copied();
    let photo = match (request.with_photo && request.style.kind == CardKind::Daily, first_photo) {
        (true, Some(id)) => {
            let path = store.photo_file(id).await.map_err(|e| AppError::from_store(e, lang))?;
            match path {
                Some(path) => tauri::async_runtime::spawn_blocking(move || {
                    let small = std::fs::metadata(&path).is_ok_and(|m| m.len() <= MAX_PHOTO_BYTES);
                    // Too large or unreadable: the card says so (PhotoUnreadable) rather than fail.
                    if small {
                        std::fs::read(&path).ok().or(Some(Vec::new()))
                    } else {
                        Some(Vec::new())
                    }
                })
                .await
                .map_err(|_| AppError::internal(lang))?,
                None => Some(Vec::new()),
            }
        }
        _ => None,
    };
    let data = card_data(&facts, today, request.style.kind, lang, photo);
    let style = request.style.clone();
    let (card, data) = tauri::async_runtime::spawn_blocking(move || {
        let card = daka_card::build(&data, &style, lang, fonts());
        (card, data)
    })
    .await
    .map_err(|_| AppError::internal(lang))?;
    let format = daka_card::default_format(&data, &request.style);
    Ok((card, data, format, first_photo.is_some()))
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Png => "png",
        Format::Jpeg { .. } => "jpeg",
    }
}

/// The card's SVG for the live preview, and the choices remembered for next time.
#[tauri::command]
#[specta::specta]
pub async fn share_preview(
    state: State<'_, AppState>,
    request: Arg<ShareRequest>,
) -> Result<SharePreview, AppError> {
    let lang = state.lang();
    let request = request.decode("request", lang)?;
    let (card, _, format, has_photo) = build_card(&state, &request).await?;
    let prefs = SharePrefs { style: request.style.clone(), with_photo: request.with_photo };
    if let Err(e) = state.store()?.set_share_prefs(&prefs, state.now()).await {
        tracing::warn!(error = %e, "remembering the share choices failed");
    }
    Ok(SharePreview {
        warnings: card.warnings.iter().map(|w| w.message(lang).to_owned()).collect(),
        svg: card.svg,
        width: card.width,
        height: card.height,
        format: format_name(format).to_owned(),
        has_photo,
    })
}

/// The last choices on the Share screen.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
pub struct SharePrefs {
    pub style: CardStyle,
    pub with_photo: bool,
}

#[tauri::command]
#[specta::specta]
pub async fn share_prefs(state: State<'_, AppState>) -> Result<SharePrefs, AppError> {
    let lang = state.lang();
    let stored: Option<SharePrefs> =
        state.store()?.share_prefs().await.map_err(|e| AppError::from_store(e, lang))?;
    Ok(stored.unwrap_or(SharePrefs { style: CardStyle::default(), with_photo: true }))
}

/// What a card export wrote.
#[derive(Debug, Serialize, specta::Type)]
pub struct CardExportResult {
    pub path: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u32,
}

fn file_stem(kind: CardKind) -> &'static str {
    match kind {
        CardKind::Streak => "streak",
        CardKind::Daily => "day",
        CardKind::Weekly => "week",
        CardKind::Countdown => "countdown",
    }
}

/// Renders the card and saves it where the user chooses (PNG, or JPEG q92 with a photo).
/// `None` when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn share_export(
    state: State<'_, AppState>,
    request: Arg<ShareRequest>,
) -> Result<Option<CardExportResult>, AppError> {
    let lang = state.lang();
    let request = request.decode("request", lang)?;
    let (card, _, format, _) = build_card(&state, &request).await?;
    let ext = match format {
        Format::Png => "png",
        Format::Jpeg { .. } => "jpg",
    };
    let default_name =
        format!("daka-{}-{}.{ext}", file_stem(request.style.kind), request.date.replace('-', ""));
    let picker = state.picker.clone();
    let title = lang.pick("保存分享图", "Save the share image");
    let chosen =
        tauri::async_runtime::spawn_blocking(move || picker.save(title, &default_name, ext))
            .await
            .map_err(|_| AppError::internal(lang))?;
    let Some(path) = chosen else { return Ok(None) };
    let (width, height) = (card.width, card.height);
    let target = path.clone();
    let bytes = tauri::async_runtime::spawn_blocking(move || {
        let encoded = daka_card::render(&card, fonts(), format).map_err(|e| e.to_string())?;
        crate::files::write_atomic(&target, &encoded).map_err(|e| e.to_string())?;
        Ok::<usize, String>(encoded.len())
    })
    .await
    .map_err(|_| AppError::internal(lang))?
    .map_err(|e| AppError::write_failed(&path, &std::io::Error::other(e), lang))?;
    Ok(Some(CardExportResult {
        path: path.display().to_string(),
        width,
        height,
        bytes: u32::try_from(bytes).unwrap_or(u32::MAX),
    }))
}

/// Renders the card and puts it on the clipboard as an image, for pasting into WeChat.
#[tauri::command]
#[specta::specta]
pub async fn share_copy(
    state: State<'_, AppState>,
    request: Arg<ShareRequest>,
) -> Result<(), AppError> {
    let lang = state.lang();
    let request = request.decode("request", lang)?;
    let (card, _, _, _) = build_card(&state, &request).await?;
    let clipboard = state.clipboard.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let png = daka_card::render(&card, fonts(), Format::Png).map_err(|e| e.to_string())?;
        clipboard.put_png(&png)
    })
    .await
    .map_err(|_| AppError::internal(lang))?
    .map_err(|e| {
        tracing::warn!(error = %e, "copying the card failed");
        AppError::clipboard_failed(lang)
    })
}
