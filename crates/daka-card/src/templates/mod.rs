//! One template per card kind, plus what they share: the hero (the big number), the vertical
//! stacker that fits panels into the space left, and the standard panels.
//!
//! Each template decides its arrangement per size. Common invariants:
//! * the hero's label and number lie inside the central square of the canvas (Moments crops);
//! * panels are stacked under the hero with [`compose`], which drops the least important panel
//!   rather than squeezing text below its size, and spreads the room left over (a wider gap, a
//!   larger number with [`Hero::grow`], equal bands above and below) so a short day does not
//!   leave one wide hole;
//! * all text is ≥ 24 px.

mod countdown;
mod daily;
mod streak;
mod weekly;

use crate::fonts::Weight;
use crate::layout::{Ctx, GAP, PAD, TITLE_H, TitleValue, panel, panel_title};
use crate::locale::{self, Part};
use crate::svg::{Anchor, Rect, Span};
use crate::widgets::{self, SUBJECT_ROW};
use crate::{CardKind, CardSize, CardStyle};

pub(crate) fn draw(ctx: &mut Ctx<'_>) {
    match ctx.style.kind {
        CardKind::Streak => streak::draw(ctx),
        CardKind::Daily => daily::draw(ctx),
        CardKind::Weekly => weekly::draw(ctx),
        CardKind::Countdown => countdown::draw(ctx),
    }
}

/// Whether this style puts the day's photo on the card (when there is one).
pub(crate) fn shows_photo(style: &CardStyle) -> bool {
    style.kind == CardKind::Daily && style.size != CardSize::Square
}

/// Line height of the hero's sub lines.
const SUB_LINE: f32 = 44.0;

/// One sub line, or none for an empty string.
pub(crate) fn sub_line(text: String) -> Vec<String> {
    if text.is_empty() { Vec::new() } else { vec![text] }
}

/// The headline block: a small label, the big number with its unit, a sub line.
pub(crate) struct Hero<'a> {
    pub label: &'a str,
    pub parts: &'a [Part],
    /// Lines under the number (usually one; empty for none).
    pub sub: &'a [String],
    /// Size of the numbers; words in `parts` are drawn at 30 % of it (at least 40 px).
    pub size: f32,
    pub anchor: Anchor,
}

impl Hero<'_> {
    fn number_baseline(&self, top: f32) -> f32 {
        top + 50.0 + self.size * 0.84
    }

    fn sub_baseline(&self, top: f32) -> f32 {
        self.number_baseline(top) + self.size * 0.1 + 48.0
    }

    /// Grows the number, up to `max` px, into room the card would otherwise leave empty: half
    /// of what is left in the body once the hero sits where [`hero_rect`] puts it and the
    /// panels have the height they want (the other half goes to the gaps in [`compose`]).
    pub(crate) fn grow(&mut self, frame: &crate::layout::Frame, slots: &[Slot], max: f32) {
        let shown = slots.iter().filter(|s| s.min > 0.0);
        let panels: f32 = shown.map(|s| s.want + GAP).sum();
        let top = (frame.square_top + 8.0).max(frame.body.y);
        let spare = frame.body.bottom() - top - self.height() - panels;
        // Height per px of number size (the number's baseline, and the sub line below it).
        let per_px = if self.sub.is_empty() { 0.84 } else { 0.94 };
        if spare > 0.0 {
            self.size = (self.size + spare / 2.0 / per_px).min(max).max(self.size).floor();
        }
    }

    /// The height [`Hero::draw`] uses.
    pub(crate) fn height(&self) -> f32 {
        match self.sub.len() {
            0 => self.number_baseline(0.0) + 14.0,
            n => self.sub_baseline(0.0) + 12.0 + (n - 1) as f32 * SUB_LINE,
        }
    }

    pub(crate) fn draw(&self, ctx: &mut Ctx<'_>, r: Rect) {
        let pal = ctx.pal;
        let x = match self.anchor {
            Anchor::Start => r.x,
            Anchor::Middle => r.cx(),
            Anchor::End => r.right(),
        };
        ctx.line(x, r.y + 38.0, self.anchor, self.label, 36.0, Weight::Bold, pal.text2, r.w);
        let unit_size = (self.size * 0.3).max(40.0).round();
        let spans = part_spans(self.parts, (self.size, pal.accent), (unit_size, pal.text));
        ctx.fit_spans(x, self.number_baseline(r.y), self.anchor, &spans, r.w, 0.3);
        for (i, line) in self.sub.iter().enumerate() {
            let y = self.sub_baseline(r.y) + i as f32 * SUB_LINE;
            ctx.line(x, y, self.anchor, line, 30.0, Weight::Regular, pal.text2, r.w);
        }
    }
}

/// Bold spans for a phrase: numbers at `num` (size, fill), words at `word`. A word of only
/// spaces separates two amounts ("1 h · 35 min") and takes the numbers' size: the gap after a
/// unit must be wider than the one between a number and its unit, or "1 h35 min" reads as
/// glued.
pub(crate) fn part_spans<'p>(
    parts: &'p [Part],
    num: (f32, &'p str),
    word: (f32, &'p str),
) -> Vec<Span<'p>> {
    parts
        .iter()
        .map(|p| {
            let (size, fill) = match p {
                Part::Num(_) => num,
                Part::Word(s) if s.trim().is_empty() => (num.0, word.1),
                Part::Word(_) => word,
            };
            Span { text: p.text(), size, weight: Weight::Bold, fill }
        })
        .collect()
}

/// Places a hero block of height `h` in the body: the headline, `lead` px below the block's
/// top, just inside the central square (what a square crop keeps), unless that would leave less
/// than `below` px under the block.
pub(crate) fn hero_rect(frame: &crate::layout::Frame, h: f32, below: f32, lead: f32) -> Rect {
    let body = frame.body;
    let top =
        (frame.square_top + 8.0 - lead).max(body.y).min(body.bottom() - below - h).max(body.y);
    Rect::new(body.x, top, body.w, h)
}

/// The space under a hero.
pub(crate) fn below(frame: &crate::layout::Frame, hero: Rect) -> Rect {
    let top = hero.bottom() + GAP;
    Rect::new(frame.body.x, top, frame.body.w, frame.body.bottom() - top)
}

/// A panel to stack: the height it needs at least and would like, and its importance.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub min: f32,
    pub want: f32,
    /// Lower is more important; the largest goes first when space runs out.
    pub rank: u8,
    /// Grows in steps of this many px (a row), 0 for smoothly.
    pub step: f32,
}

impl Slot {
    pub(crate) fn new(min: f32, want: f32, rank: u8) -> Self {
        Slot { min, want, rank, step: 0.0 }
    }
    pub(crate) fn rows(min: f32, want: f32, rank: u8, step: f32) -> Self {
        Slot { min, want, rank, step }
    }
}

/// The heights of stacked slots in `area`, `None` for a dropped one. Slots that cannot get their
/// minimum are dropped (least important first; a slot with `min` 0 is never shown); the rest
/// grow toward `want` (most important first).
fn allocate(area: Rect, slots: &[Slot]) -> Vec<Option<f32>> {
    let mut keep: Vec<bool> = slots.iter().map(|s| s.min > 0.0).collect();
    let need = |keep: &[bool]| -> f32 {
        let n = keep.iter().filter(|k| **k).count();
        slots.iter().zip(keep).filter(|(_, k)| **k).map(|(s, _)| s.min).sum::<f32>()
            + GAP * n.saturating_sub(1) as f32
    };
    while need(&keep) > area.h {
        let worst = (0..slots.len()).filter(|&i| keep[i]).max_by_key(|&i| (slots[i].rank, i));
        match worst {
            Some(i) => keep[i] = false,
            None => break,
        }
    }
    let mut heights: Vec<f32> = slots.iter().map(|s| s.min).collect();
    let mut spare = area.h - need(&keep);
    let mut order: Vec<usize> = (0..slots.len()).filter(|&i| keep[i]).collect();
    order.sort_by_key(|&i| (slots[i].rank, i));
    for &i in &order {
        let mut grow = (slots[i].want - slots[i].min).max(0.0).min(spare);
        if slots[i].step > 0.0 {
            grow = (grow / slots[i].step + 0.001).floor() * slots[i].step;
        }
        heights[i] += grow;
        spare -= grow;
    }
    heights.into_iter().zip(keep).map(|(h, k)| k.then_some(h)).collect()
}

/// Places allocated heights top to bottom from `y`, `gap` apart.
fn place(x: f32, mut y: f32, w: f32, heights: &[Option<f32>], gap: f32) -> Vec<Option<Rect>> {
    heights
        .iter()
        .map(|h| {
            h.map(|h| {
                let r = Rect::new(x, y, w, h);
                y += h + gap;
                r
            })
        })
        .collect()
}

/// Stacks slots top to bottom in `area` (see [`allocate`]); spare space widens the gaps a little
/// and then centres the stack. `None` for a dropped slot.
pub(crate) fn stack(area: Rect, slots: &[Slot]) -> Vec<Option<Rect>> {
    let heights = allocate(area, slots);
    let n = heights.iter().flatten().count();
    let used = heights.iter().flatten().sum::<f32>() + GAP * n.saturating_sub(1) as f32;
    let mut spare = (area.h - used).max(0.0);
    let extra_gap = if n > 1 { (spare / (n + 1) as f32).min(16.0) } else { 0.0 };
    spare -= extra_gap * n.saturating_sub(1) as f32;
    place(area.x, area.y + spare / 2.0, area.w, &heights, GAP + extra_gap)
}

/// The most a gap grows in [`compose`] (on top of [`GAP`]).
const MAX_EXTRA_GAP: f32 = 28.0;

/// A card's column: the hero (where [`hero_rect`] put it) with the panels stacked under it,
/// composed as one block in the frame's body. The panels get their heights as in [`stack`];
/// the space left over first widens the gaps (hero to panels and between panels, by up to
/// [`MAX_EXTRA_GAP`] each), then moves the block down so that the empty bands above and below
/// it are equal. The block never moves up: the hero stays inside the central square. Returns
/// the hero's rectangle and the panels'.
pub(crate) fn compose(
    frame: &crate::layout::Frame,
    hero: Rect,
    slots: &[Slot],
) -> (Rect, Vec<Option<Rect>>) {
    let body = frame.body;
    let area = below(frame, hero);
    let heights = allocate(area, slots);
    let n = heights.iter().flatten().count();
    let used = heights.iter().flatten().sum::<f32>() + GAP * n.saturating_sub(1) as f32;
    let free = (area.h - used).max(0.0);
    // n gaps (hero → first panel, then between panels), plus the two bands.
    let extra = if n > 0 { (free / (n + 2) as f32).min(MAX_EXTRA_GAP) } else { 0.0 };
    let rest = free - extra * n as f32;
    let band_above = hero.y - body.y;
    let shift = ((rest - band_above) / 2.0).clamp(0.0, rest);
    let hero = Rect::new(hero.x, hero.y + shift, hero.w, hero.h);
    let top = hero.bottom() + GAP + extra;
    (hero, place(area.x, top, area.w, &heights, GAP + extra))
}

/// Height of a panel with a title and `content` px below it.
pub(crate) fn panel_height(content: f32) -> f32 {
    2.0 * PAD + TITLE_H + content
}

/// Height of the subjects panel showing `rows` subjects in `columns` columns.
pub(crate) fn subjects_height(rows: usize, columns: usize) -> f32 {
    let lines = rows.div_ceil(columns.max(1)).max(1);
    panel_height(lines as f32 * SUBJECT_ROW - 22.0)
}

/// A subjects panel slot: at least one line, as many as there are subjects (up to `max`).
pub(crate) fn subjects_slot(ctx: &Ctx<'_>, columns: usize, max: usize, rank: u8) -> Slot {
    let rows = widgets::subject_row_count(ctx).clamp(1, max);
    Slot::rows(subjects_height(1, 1), subjects_height(rows, columns), rank, SUBJECT_ROW)
}

/// The title with the total on the right, then the subject bars in `columns` columns.
pub(crate) fn subjects_panel(ctx: &mut Ctx<'_>, r: Rect, title: &str, columns: usize) {
    let total = ctx.data.subjects.iter().map(|s| s.minutes).fold(0u32, u32::saturating_add);
    let value = (!ctx.style.hide_minutes && total > 0).then(|| locale::duration(total, ctx.lang));
    let inner = panel(ctx, r);
    let value = value.as_deref().map_or(TitleValue::None, TitleValue::Strong);
    let body = panel_title(ctx, inner, title, value);
    if columns <= 1 {
        widgets::subject_bars(ctx, &[body]);
    } else {
        let (left, right) = body.split_left((body.w - 48.0) / 2.0, 48.0);
        widgets::subject_bars(ctx, &[left, right]);
    }
}

fn weeks_title(ctx: &Ctx<'_>, weeks: usize) -> String {
    match ctx.lang {
        daka_core::lang::Lang::ZhCn => format!("近 {weeks} 周"),
        daka_core::lang::Lang::En => format!("Last {weeks} weeks"),
    }
}

/// A heatmap panel: title and legend over the grid of up to `weeks` weeks.
pub(crate) fn heatmap_panel(ctx: &mut Ctx<'_>, r: Rect, weeks: usize, max_cell: f32) {
    let inner = panel(ctx, r);
    let body = heat_title(ctx, inner, weeks);
    // Centre the grid: measure it first, then draw it shifted.
    let used = widgets::heatmap_width(ctx, body, weeks, max_cell);
    let shift = ((body.w - used) / 2.0).max(0.0);
    widgets::heatmap(
        ctx,
        Rect::new(body.x + shift, body.y, body.w - shift, body.h),
        weeks,
        max_cell,
    );
}

/// "近 N 周" with the legend at the right when both fit (the title wins otherwise).
fn heat_title(ctx: &mut Ctx<'_>, inner: Rect, weeks: usize) -> Rect {
    let title = weeks_title(ctx, weeks);
    let title_w = ctx.m.width(&title, 28.0, Weight::Bold, 0.0);
    let legend_w = widgets::heat_legend_width(ctx);
    if title_w + 24.0 + legend_w <= inner.w {
        widgets::heat_legend(ctx, inner.right(), inner.y + 29.0);
        panel_title(ctx, inner, &title, TitleValue::Reserve(legend_w))
    } else {
        panel_title(ctx, inner, &title, TitleValue::None)
    }
}

/// Height of a heatmap panel `width` px wide.
pub(crate) fn heatmap_panel_height(ctx: &Ctx<'_>, width: f32, weeks: usize, max_cell: f32) -> f32 {
    panel_height(widgets::heatmap_height(ctx, width - 2.0 * PAD, weeks, max_cell))
}

/// A stat for [`heat_stats_panel`]: value parts and a label.
pub(crate) struct Stat {
    pub parts: Vec<Part>,
    pub label: String,
}

/// Width of the stats column in [`heat_stats_panel`].
pub(crate) const STATS_W: f32 = 230.0;

/// A heatmap on the left and up to three stats stacked on the right.
pub(crate) fn heat_stats_panel(
    ctx: &mut Ctx<'_>,
    r: Rect,
    weeks: usize,
    max_cell: f32,
    stats: &[Stat],
) {
    let inner = panel(ctx, r);
    let body = heat_title(ctx, inner, weeks);
    let (grid, _) = body.split_left(body.w - STATS_W - 32.0, 32.0);
    let used = widgets::heatmap(ctx, grid, weeks, max_cell);
    // The stats column starts after the grid's actual width, so there is no hole between.
    let side = Rect::new(body.x + used + 56.0, body.y, body.right() - body.x - used - 56.0, body.h);
    let pal = ctx.pal;
    let n = stats.len().min(3);
    if n == 0 {
        return;
    }
    let slot = (side.h / n as f32).min(124.0);
    let top = side.y + (side.h - slot * n as f32) / 2.0;
    for (i, stat) in stats.iter().take(n).enumerate() {
        let y = top + i as f32 * slot;
        let spans = part_spans(&stat.parts, (52.0, pal.text), (28.0, pal.text2));
        widgets::stat(ctx, Rect::new(side.x, y, side.w, slot), &spans, &stat.label);
    }
}

/// Height of a heat-and-stats panel `width` px wide.
pub(crate) fn heat_stats_height(ctx: &Ctx<'_>, width: f32, weeks: usize, max_cell: f32) -> f32 {
    let grid_w = width - 2.0 * PAD - STATS_W - 32.0;
    panel_height(widgets::heatmap_height(ctx, grid_w, weeks, max_cell).max(250.0))
}

/// "42 天" / "42 days" (singular "day" for 1) as parts.
pub(crate) fn days_parts(n: i64, lang: daka_core::lang::Lang) -> Vec<Part> {
    let unit = match lang {
        daka_core::lang::Lang::ZhCn => " 天",
        daka_core::lang::Lang::En if n.abs() == 1 => " day",
        daka_core::lang::Lang::En => " days",
    };
    vec![Part::Num(locale::int(n, lang)), Part::Word(unit.to_owned())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_drops_the_least_important_and_centres_the_rest() {
        let area = Rect::new(0.0, 0.0, 100.0, 500.0);
        let slots =
            [Slot::new(200.0, 300.0, 0), Slot::new(200.0, 200.0, 2), Slot::new(150.0, 250.0, 1)];
        let placed = stack(area, &slots);
        // 200 + 200 + 150 + 2 gaps > 500: rank 2 goes; the rest grow by importance.
        assert!(placed[1].is_none());
        let (a, c) = (placed[0].unwrap_or(area), placed[2].unwrap_or(area));
        assert_eq!(a.h, 300.0);
        assert_eq!(c.h, 500.0 - 300.0 - GAP);
        assert!(c.y > a.bottom());
        // Slots never overlap or leave the area.
        assert!(c.bottom() <= area.bottom() + 0.01);
    }

    fn frame(body: Rect, square_top: f32) -> crate::layout::Frame {
        crate::layout::Frame { body, square_top }
    }

    #[test]
    fn compose_shares_free_space_between_gaps_and_equal_bands() {
        let f = frame(Rect::new(0.0, 100.0, 100.0, 1000.0), 0.0);
        let hero = Rect::new(0.0, 100.0, 100.0, 200.0);
        let (h, placed) =
            compose(&f, hero, &[Slot::new(200.0, 200.0, 0), Slot::new(100.0, 100.0, 1)]);
        let (a, b) = (placed[0].unwrap_or(hero), placed[1].unwrap_or(hero));
        // Free: 1000 - 200 - 200 - 100 - 2 gaps = 444; gaps grow by the cap, the rest is split.
        let gap1 = a.y - h.bottom();
        let gap2 = b.y - a.bottom();
        assert_eq!(gap1, GAP + MAX_EXTRA_GAP);
        assert_eq!(gap2, gap1);
        let above = h.y - f.body.y;
        let below = f.body.bottom() - b.bottom();
        assert!((above - below).abs() < 0.01, "{above} vs {below}");
        assert!(above > 0.0);
    }

    #[test]
    fn compose_never_lifts_the_hero_out_of_the_central_square() {
        // The hero starts low (the square's top); what is left goes below.
        let f = frame(Rect::new(0.0, 100.0, 100.0, 1000.0), 400.0);
        let hero = Rect::new(0.0, 408.0, 100.0, 200.0);
        let (h, placed) = compose(&f, hero, &[Slot::new(300.0, 300.0, 0)]);
        assert_eq!(h.y, 408.0);
        let p = placed[0].unwrap_or(hero);
        assert!(p.y > h.bottom() && p.bottom() <= f.body.bottom());
        // A full column is packed as before: nothing moves, gaps stay GAP.
        let hero = Rect::new(0.0, 100.0, 100.0, 200.0);
        let want = 1000.0 - 200.0 - GAP;
        let (h, placed) = compose(&f, hero, &[Slot::new(100.0, want, 0)]);
        assert_eq!(h.y, 100.0);
        assert_eq!(placed[0].map(|r| (r.y, r.h)), Some((300.0 + GAP, want)));
    }

    #[test]
    fn stack_grows_in_whole_rows() {
        let area = Rect::new(0.0, 0.0, 100.0, 330.0);
        let placed = stack(area, &[Slot::rows(100.0, 400.0, 0, 84.0)]);
        let h = placed[0].map_or(0.0, |r| r.h);
        assert_eq!(h, 100.0 + 2.0 * 84.0);
    }
}
