//! What every card shares: the cleaned user text, the frame of each size (margins, header,
//! footer, the central square), and the drawing context templates write into.

use daka_core::lang::Lang;

use crate::fonts::{Coverage, Fonts, Weight};
use crate::locale;
use crate::palette::{Palette, palette};
use crate::svg::{Anchor, Rect, Span, Svg};
use crate::text::{Measure, clean};
use crate::{CardData, CardKind, CardSize, CardStyle, WarningKind};

/// Horizontal page margin, px.
pub(crate) const MARGIN: f32 = 64.0;
/// Space between stacked blocks.
pub(crate) const GAP: f32 = 28.0;
/// Panel corner radius and inner padding.
pub(crate) const RADIUS: f32 = 36.0;
pub(crate) const PAD: f32 = 32.0;
/// A panel title row and the space under it.
pub(crate) const TITLE_H: f32 = 56.0;

/// User text after cleaning and dropping characters no font can draw.
#[derive(Debug, Default)]
pub(crate) struct UserText {
    pub nickname: Option<String>,
    /// Parallel to `CardData::subjects`.
    pub subjects: Vec<String>,
    pub goals: Vec<String>,
    pub note: String,
    pub mood: Option<String>,
    pub exam: Option<String>,
}

/// The drawing context a template writes a card into.
pub(crate) struct Ctx<'a> {
    pub data: &'a CardData,
    pub style: &'a CardStyle,
    pub lang: Lang,
    pub pal: Palette,
    pub m: Measure<'a>,
    pub svg: Svg,
    pub user: UserText,
    pub width: f32,
    pub height: f32,
    missing: Vec<char>,
    truncated: bool,
    photo_unreadable: bool,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        data: &'a CardData,
        style: &'a CardStyle,
        lang: Lang,
        fonts: &'a Fonts,
    ) -> Self {
        let (w, h) = style.size.dimensions();
        let mut ctx = Ctx {
            data,
            style,
            lang,
            pal: palette(style.theme, style.accent),
            m: Measure::new(fonts),
            svg: Svg::new(w, h),
            user: UserText::default(),
            width: w as f32,
            height: h as f32,
            missing: Vec::new(),
            truncated: false,
            photo_unreadable: false,
        };
        ctx.user = UserText {
            nickname: style
                .nickname
                .as_deref()
                .map(|n| ctx.user_text(n, false))
                .filter(|n| !n.is_empty()),
            subjects: data.subjects.iter().map(|s| ctx.user_text(&s.name, false)).collect(),
            goals: data.goals_done.iter().map(|g| ctx.user_text(g, false)).collect(),
            note: ctx.user_text(&data.note, true),
            mood: data.mood.as_deref().map(|m| ctx.user_text(m, false)).filter(|m| !m.is_empty()),
            exam: data
                .exam
                .as_ref()
                .map(|e| ctx.user_text(&e.name, false))
                .filter(|e| !e.is_empty()),
        };
        ctx
    }

    /// Cleans one piece of user text and drops the characters nothing can draw, noting them.
    fn user_text(&mut self, raw: &str, multiline: bool) -> String {
        // A huge note is cut long before layout: a card shows at most a few hundred characters.
        let raw: String = raw.chars().take(4000).collect();
        let cleaned = clean(&raw, multiline);
        let mut out = String::with_capacity(cleaned.len());
        for c in cleaned.chars() {
            if self.m.check(c) == Coverage::Missing {
                if !self.missing.contains(&c) {
                    self.missing.push(c);
                }
            } else {
                out.push(c);
            }
        }
        if out.len() == cleaned.len() { out } else { clean(&out, multiline) }
    }

    pub(crate) fn finish(self) -> (String, Vec<WarningKind>) {
        let mut warnings = Vec::new();
        if !self.missing.is_empty() {
            warnings.push(WarningKind::MissingGlyphs { chars: self.missing.iter().collect() });
        }
        if self.photo_unreadable {
            warnings.push(WarningKind::PhotoUnreadable);
        }
        if self.truncated {
            warnings.push(WarningKind::TextTruncated);
        }
        (self.svg.finish(), warnings)
    }

    pub(crate) fn note_truncated(&mut self) {
        self.truncated = true;
    }

    pub(crate) fn note_photo_unreadable(&mut self) {
        self.photo_unreadable = true;
    }

    pub(crate) fn pick(&self, zh: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(zh, en)
    }

    /// Whether the card is about the user's today (weekly: the week that contains it). A card
    /// of another day says "that day" where today's says "today" (see [`Ctx::pick_tense`]).
    pub(crate) fn is_current(&self) -> bool {
        let Some(today) = self.data.today else { return true };
        match self.style.kind {
            CardKind::Weekly => {
                let end = self.data.date + chrono::Duration::days(6);
                (self.data.date..=end).contains(&today)
            }
            _ => today == self.data.date,
        }
    }

    /// `now` ([zh, en]) on a card of today (weekly: this week), else the date-neutral `then`.
    pub(crate) fn pick_tense(
        &self,
        now: [&'static str; 2],
        then: [&'static str; 2],
    ) -> &'static str {
        let [zh, en] = if self.is_current() { now } else { then };
        self.lang.pick(zh, en)
    }

    /// Draws user text on one line, cut with "…" (and reported) if wider than `max`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn line(
        &mut self,
        x: f32,
        y: f32,
        anchor: Anchor,
        text: &str,
        size: f32,
        weight: Weight,
        fill: &str,
        max: f32,
    ) -> f32 {
        let (shown, cut) = self.m.ellipsize(text, size, weight, max);
        if cut {
            self.truncated = true;
        }
        self.svg.text(x, y, anchor, &shown, size, weight, fill);
        self.m.width(&shown, size, weight, 0.0)
    }

    /// Draws styled runs on one line at the largest size (scaled from their nominal sizes by
    /// one factor, never below `min_scale`) that fits `max`; returns the scale used.
    pub(crate) fn fit_spans(
        &mut self,
        x: f32,
        y: f32,
        anchor: Anchor,
        spans: &[Span<'_>],
        max: f32,
        min_scale: f32,
    ) -> f32 {
        let width: f32 = spans.iter().map(|s| self.m.width(s.text, s.size, s.weight, 0.0)).sum();
        let scale = if width > max && width > 0.0 { (max / width).max(min_scale) } else { 1.0 };
        let scaled: Vec<Span<'_>> =
            spans.iter().map(|s| Span { size: (s.size * scale).floor(), ..s.clone() }).collect();
        self.svg.spans(x, y, anchor, &scaled, 0.0);
        scale
    }
}

/// Where things go on a canvas of one size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    /// Between the header and the footer.
    pub body: Rect,
    /// The top of the central square (what a square crop keeps).
    pub square_top: f32,
}

/// Draws the background, header and footer and returns the space left for the template.
pub(crate) fn frame(ctx: &mut Ctx<'_>, title: &str) -> Frame {
    let (w, h) = (ctx.width, ctx.height);
    let pal = ctx.pal;
    ctx.svg.background(pal.bg_top, pal.bg_bottom);
    // A soft disc behind the headline area: depth without a shadow filter (cheap to render).
    let glow_y = match ctx.style.size {
        CardSize::Story => h * 0.30,
        _ => h * 0.2,
    };
    ctx.svg.glow(w * 0.78, glow_y, w * 0.62, pal.glow, pal.glow_opacity);

    // Stories get UI chrome (name, progress bars, reply box) over the top and bottom ~10 %; the
    // story header sits a little lower still, closer to the headline (which keeps to the
    // central square) so no wide empty band opens between them.
    let (header_y, footer_y) = match ctx.style.size {
        CardSize::Portrait => (64.0, h - 64.0),
        CardSize::Square => (56.0, h - 52.0),
        CardSize::Story => (240.0, h - 150.0),
    };
    let header_h = 56.0;
    header(ctx, Rect::new(MARGIN, header_y, w - 2.0 * MARGIN, header_h), title);
    footer(ctx, footer_y);
    let top = header_y + header_h + GAP;
    // The footer's mark reaches 25 px above its baseline.
    let bottom = footer_y - 30.0 - GAP;
    Frame {
        body: Rect::new(MARGIN, top, w - 2.0 * MARGIN, bottom - top),
        square_top: (h - w) / 2.0,
    }
}

/// Left: the nickname with an initial avatar (or the card's title by the logo); right: the date.
fn header(ctx: &mut Ctx<'_>, r: Rect, title: &str) {
    let pal = ctx.pal;
    let date = match ctx.style.kind {
        CardKind::Weekly => locale::week_range(ctx.data.date, ctx.lang),
        _ => locale::date_long(ctx.data.date, ctx.lang),
    };
    let baseline = r.y + r.h / 2.0 + 10.0;
    let date_w = ctx.m.width(&date, 28.0, Weight::Regular, 0.0);
    ctx.svg.text(r.right(), baseline, Anchor::End, &date, 28.0, Weight::Regular, pal.text2);

    let avatar = r.h;
    let left_max = r.w - date_w - 40.0 - avatar - 20.0;
    match ctx.user.nickname.clone() {
        Some(nick) => {
            let initial: String = nick.chars().take(1).collect();
            ctx.svg.circle(r.x + avatar / 2.0, r.y + avatar / 2.0, avatar / 2.0, pal.accent, 1.0);
            ctx.svg.text(
                r.x + avatar / 2.0,
                r.y + avatar / 2.0 + 10.0,
                Anchor::Middle,
                &initial,
                28.0,
                Weight::Bold,
                pal.on_accent,
            );
            ctx.line(
                r.x + avatar + 18.0,
                baseline,
                Anchor::Start,
                &nick,
                32.0,
                Weight::Bold,
                pal.text,
                left_max,
            );
        }
        None => {
            logo(ctx, r.x, r.y + (r.h - 44.0) / 2.0, 44.0);
            let (shown, _) = ctx.m.ellipsize(title, 30.0, Weight::Bold, left_max);
            ctx.svg.text(
                r.x + 44.0 + 16.0,
                baseline,
                Anchor::Start,
                &shown,
                30.0,
                Weight::Bold,
                pal.text,
            );
        }
    }
}

/// The app's mark: a rounded square in the accent colour with a tick.
pub(crate) fn logo(ctx: &mut Ctx<'_>, x: f32, y: f32, size: f32) {
    let pal = ctx.pal;
    ctx.svg.rect(Rect::new(x, y, size, size), size * 0.28, pal.accent);
    let s = size / 44.0;
    let d = format!(
        "M{} {} L{} {} L{} {}",
        crate::svg::num(x + 12.0 * s),
        crate::svg::num(y + 23.0 * s),
        crate::svg::num(x + 19.5 * s),
        crate::svg::num(y + 30.0 * s),
        crate::svg::num(x + 32.0 * s),
        crate::svg::num(y + 15.0 * s)
    );
    ctx.svg.path(&d, "none", Some((pal.on_accent, 4.5 * s)));
}

/// "Daka 打卡", small and centred, with the mark.
fn footer(ctx: &mut Ctx<'_>, baseline: f32) {
    let pal = ctx.pal;
    let label = "Daka 打卡";
    let size = 26.0;
    let text_w = ctx.m.width(label, size, Weight::Bold, 0.0);
    let mark = 32.0;
    let total = mark + 12.0 + text_w;
    let x = (ctx.width - total) / 2.0;
    logo(ctx, x, baseline - 25.0, mark);
    ctx.svg.text(x + mark + 12.0, baseline, Anchor::Start, label, size, Weight::Bold, pal.text3);
}

/// A panel: a rounded surface. Returns its inner rectangle.
pub(crate) fn panel(ctx: &mut Ctx<'_>, r: Rect) -> Rect {
    let pal = ctx.pal;
    ctx.svg.rect(r, RADIUS, pal.surface);
    r.inset(PAD)
}

/// What sits at the right of a panel's title row.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TitleValue<'s> {
    None,
    /// A figure, bold.
    Strong(&'s str),
    /// A remark, regular and secondary.
    Quiet(&'s str),
    /// Leave this many px free (the caller draws there).
    Reserve(f32),
}

/// A panel's title row (28 px bold, secondary) with something at its right; returns the space
/// below it.
pub(crate) fn panel_title(
    ctx: &mut Ctx<'_>,
    inner: Rect,
    title: &str,
    value: TitleValue<'_>,
) -> Rect {
    let pal = ctx.pal;
    let baseline = inner.y + 29.0;
    let max = inner.w * 0.55;
    let value_w = match value {
        TitleValue::None => 0.0,
        TitleValue::Strong(v) => {
            ctx.line(inner.right(), baseline, Anchor::End, v, 28.0, Weight::Bold, pal.text, max)
                + 24.0
        }
        TitleValue::Quiet(v) => {
            ctx.line(inner.right(), baseline, Anchor::End, v, 26.0, Weight::Regular, pal.text2, max)
                + 24.0
        }
        TitleValue::Reserve(w) => w + 24.0,
    };
    let (shown, _) = ctx.m.ellipsize(title, 28.0, Weight::Bold, inner.w - value_w);
    ctx.svg.text(inner.x, baseline, Anchor::Start, &shown, 28.0, Weight::Bold, pal.text2);
    inner.split_top(TITLE_H, 0.0).1
}
