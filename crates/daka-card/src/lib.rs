//! Share cards: a study day, a week, a streak or the exam countdown as a picture a student can
//! post to Xiaohongshu, WeChat Moments or a story.
//!
//! Why this shape (measured in `research/share-card.md`):
//!
//! * A card is an **SVG string built in Rust** ([`build`]), then rendered by resvg and encoded by
//!   `image` ([`render`]). The SVG is a reviewable text artefact (golden tests diff it), the
//!   webview can show it as an instant preview, and the export is ~40 ms in-process, against
//!   ~2 s and ~420 MiB for a headless browser.
//! * **Only bundled fonts** (Noto Sans CJK SC subsets, see `fonts/README.md`) unless the app
//!   asks for system fallback, so the same card gives the same pixels everywhere.
//! * SVG cannot wrap text, so every line is decided here, measured on the real glyph advances
//!   ([`text`] has the CJK-aware breaker). Nothing is clipped: text that does not fit is cut
//!   with "…" and reported.
//! * [`build`] never fails. Odd data (a 10,000-character note, 30 subjects, emoji the fonts
//!   lack, a photo that is not one) still gives a valid card, plus [`Warning`]s the app shows
//!   before the user shares it.
//!
//! Layout: three sizes (3:4 portrait for Xiaohongshu, 1:1 for Moments, 9:16 story), each with
//! its own arrangement rather than a stretched one. The headline (the big number) always sits
//! inside the central square, because Moments shows multi-image posts as square centre crops.
//! The room a card's content leaves is spread out (gaps, a larger headline, equal bands), not
//! left as one hole under the headline.
//!
//! Wording: a card of a past day (or week) does not say "today". [`CardData::today`] tells the
//! card which day the user's today is; a card of another day says "当天学习" / "Studied that
//! day" instead of "今日学习" / "Studied today".
//!
//! Privacy: [`CardStyle::hide_minutes`] removes every absolute amount of time from the card.
//! Bars stay, drawn relative to each other (a subject against the day's largest, a day against
//! the week's largest or the target), and numbers become shares: a subject's percentage of the
//! day, the percentage of the target reached. Rounded hours were considered and rejected: "约 6
//! 小时" still tells a reader roughly how long you studied. [`CardStyle::hide_note`] leaves the
//! note (and the mood next to it) off.

mod exit_code;
mod fonts;
mod layout;
mod locale;
mod palette;
mod photo;
mod render;
mod svg;
mod templates;
mod text;
mod widgets;

use chrono::NaiveDate;
use daka_core::lang::Lang;
use serde::{Deserialize, Serialize};

pub use crate::exit_code::{EXIT_CODE_SIZE, exit_code_card, exit_code_data_url};
pub use crate::fonts::Fonts;
pub use crate::render::{CardError, render};

/// What the card is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CardKind {
    /// "连续打卡 42 天": the streak, today's subjects, the last weeks.
    Streak,
    /// The day's report: minutes per subject, goals done, note, mood, a photo.
    Daily,
    /// The week: seven bars, total against the target, a 20-week heatmap.
    Weekly,
    /// "距离考研还有 35 天" and how far the preparation has come.
    Countdown,
}

impl CardKind {
    pub const ALL: [CardKind; 4] =
        [CardKind::Streak, CardKind::Daily, CardKind::Weekly, CardKind::Countdown];
}

/// The picture's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CardSize {
    /// 1080×1440 (3:4): Xiaohongshu's native shape, the default.
    Portrait,
    /// 1080×1080: WeChat Moments.
    Square,
    /// 1080×1920 (9:16): stories and phone wallpapers.
    Story,
}

impl CardSize {
    pub const ALL: [CardSize; 3] = [CardSize::Portrait, CardSize::Square, CardSize::Story];

    /// Width and height in pixels.
    pub fn dimensions(self) -> (u32, u32) {
        match self {
            CardSize::Portrait => (1080, 1440),
            CardSize::Square => (1080, 1080),
            CardSize::Story => (1080, 1920),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CardTheme {
    Light,
    Dark,
}

impl CardTheme {
    pub const ALL: [CardTheme; 2] = [CardTheme::Light, CardTheme::Dark];
}

/// The card's accent colour: big numbers, bars, heatmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Accent {
    Green,
    Orange,
    Blue,
    Rose,
}

impl Accent {
    pub const ALL: [Accent; 4] = [Accent::Green, Accent::Orange, Accent::Blue, Accent::Rose];
}

/// How the card looks and what it leaves out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CardStyle {
    pub kind: CardKind,
    pub size: CardSize,
    pub theme: CardTheme,
    pub accent: Accent,
    /// No absolute minutes or hours anywhere: bars and percentages only (see the crate docs).
    pub hide_minutes: bool,
    /// Leave the note and mood off.
    pub hide_note: bool,
    /// Shown in the header; `None` or blank for none.
    pub nickname: Option<String>,
}

impl Default for CardStyle {
    fn default() -> Self {
        CardStyle {
            kind: CardKind::Streak,
            size: CardSize::Portrait,
            theme: CardTheme::Light,
            accent: Accent::Green,
            hide_minutes: false,
            hide_note: false,
            nickname: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubjectMinutes {
    pub name: String,
    /// `#rrggbb`; anything else draws in the accent colour.
    pub color: String,
    pub minutes: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HeatCell {
    pub date: NaiveDate,
    /// 0..=4 (larger values draw as 4).
    pub level: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayMinutes {
    pub date: NaiveDate,
    pub minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Exam {
    pub name: String,
    pub date: NaiveDate,
    /// Days from the card's day to the exam (0 = that day, negative = past).
    pub days_left: i32,
}

/// What the card says. The app fills it from daka-core's share facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CardData {
    /// The study day (streak, daily, countdown) or the week's first day (weekly).
    pub date: NaiveDate,
    /// The user's today. A card whose day (weekly: whose week) is not today's speaks of "that
    /// day" ("当天学习", "Studied that day") instead of "today" ("今日学习"). `None` treats the
    /// card's day as today.
    #[serde(default)]
    pub today: Option<NaiveDate>,
    pub streak_days: u32,
    pub best_streak: u32,
    /// That day's (weekly: that week's) minutes per subject, in the user's order.
    pub subjects: Vec<SubjectMinutes>,
    pub daily_target_min: u32,
    /// Titles of the goals done that day.
    pub goals_done: Vec<String>,
    pub goals_total: u32,
    pub note: String,
    /// A short word such as "充实" (no emoji needed).
    pub mood: Option<String>,
    /// Raw bytes of one of the day's photos (JPEG/PNG/WebP). Checked before decoding.
    #[serde(skip)]
    pub photo: Option<Vec<u8>>,
    /// The week's seven days (weekly card).
    pub week: Vec<DayMinutes>,
    /// The last 20 weeks ending with the card's week; cells are placed by date, and the earliest
    /// cell's weekday starts each column.
    pub heatmap: Vec<HeatCell>,
    pub exam: Option<Exam>,
    /// Since the start of preparation, up to the card's day ("plan progress").
    pub studied_days: u32,
    pub total_minutes: u32,
    pub started_on: Option<NaiveDate>,
}

/// Something the user should know before sharing: the card was still made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Warning {
    pub kind: WarningKind,
    pub message_zh: String,
    pub message_en: String,
}

impl Warning {
    pub fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.message_zh, &self.message_en)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WarningKind {
    /// These characters (in order of appearance, each once) have no glyph in any loaded font;
    /// they are left out of the card rather than drawn as blanks. The message names each with
    /// its code point, "𠀀 (U+20000)", since the app's UI may lack the glyph too.
    MissingGlyphs { chars: String },
    /// The photo could not be used (not an image, damaged, or too large); the card has none.
    PhotoUnreadable,
    /// Some text was too long and ends with "…".
    TextTruncated,
}

impl WarningKind {
    fn into_warning(self) -> Warning {
        let (zh, en) = match &self {
            WarningKind::MissingGlyphs { chars } => {
                // Each with its code point: the app's UI may not be able to draw them either.
                let named = |sep: &str| {
                    chars
                        .chars()
                        .map(|c| format!("{c} (U+{:04X})", u32::from(c)))
                        .collect::<Vec<_>>()
                        .join(sep)
                };
                (
                    format!("卡片字体无法显示这些字符，已从卡片中省略：{}", named("、")),
                    format!(
                        "The card's fonts cannot draw these characters; they were left out: {}",
                        named(", ")
                    ),
                )
            }
            WarningKind::PhotoUnreadable => (
                "照片无法读取（不是图片、已损坏或太大），卡片上不含照片。".to_owned(),
                "The photo could not be read (not an image, damaged or too large); the card has no photo."
                    .to_owned(),
            ),
            WarningKind::TextTruncated => (
                "部分文字太长，卡片上只显示了开头（以“…”结尾）。".to_owned(),
                "Some text was too long; the card shows its beginning, ending with “…”.".to_owned(),
            ),
        };
        Warning { kind: self, message_zh: zh, message_en: en }
    }
}

/// A built card: the SVG and what to tell the user about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub svg: String,
    pub width: u32,
    pub height: u32,
    pub warnings: Vec<Warning>,
}

/// The encoded file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Format {
    /// Lossless; small for flat colour and text. Platforms re-encode once, from a clean source.
    Png,
    /// Baseline JPEG, 4:4:4 (no chroma subsampling, so coloured text stays clean); quality 1–100.
    Jpeg { quality: u8 },
}

/// PNG, or JPEG q92 when a photo will be on the card (a photo makes a PNG megabytes).
pub fn default_format(data: &CardData, style: &CardStyle) -> Format {
    if templates::shows_photo(style) && data.photo.as_deref().is_some_and(photo::looks_like_image) {
        Format::Jpeg { quality: 92 }
    } else {
        Format::Png
    }
}

/// Builds the card's SVG. Never fails: missing or odd data gives a valid card plus warnings.
pub fn build(data: &CardData, style: &CardStyle, lang: Lang, fonts: &Fonts) -> Card {
    let (width, height) = style.size.dimensions();
    let mut ctx = layout::Ctx::new(data, style, lang, fonts);
    templates::draw(&mut ctx);
    let (svg, warnings) = ctx.finish();
    Card {
        svg,
        width,
        height,
        warnings: warnings.into_iter().map(WarningKind::into_warning).collect(),
    }
}
