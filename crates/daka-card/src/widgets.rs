//! The building blocks templates place in their boxes. Each draws inside the rectangle it is
//! given and adapts to it (fewer rows, smaller cells) rather than overflowing: a widget never
//! draws outside its box.

use chrono::{Datelike, Duration, NaiveDate};

use crate::fonts::Weight;
use crate::layout::Ctx;
use crate::locale;
use crate::palette::subject_color;
use crate::svg::{Anchor, Rect, Span, num};

/// Height of one subject row (name line + bar + spacing).
pub(crate) const SUBJECT_ROW: f32 = 84.0;

/// Height of one goal row.
pub(crate) const GOAL_ROW: f32 = 50.0;

/// A subject row to draw: the name, its colour, minutes.
struct Row {
    name: String,
    color: String,
    minutes: u32,
}

/// Subjects as rows, at most `max_rows`: zero-minute subjects are left out; when there are more
/// than fit, the largest `max_rows - 1` keep their places (user order) and the rest collapse
/// into one "其他 N 科" / "N more" row.
fn subject_rows(ctx: &Ctx<'_>, max_rows: usize) -> Vec<Row> {
    let pal = ctx.pal;
    let mut rows: Vec<(usize, Row)> = ctx
        .data
        .subjects
        .iter()
        .zip(&ctx.user.subjects)
        .enumerate()
        .filter(|(_, (s, _))| s.minutes > 0)
        .map(|(i, (s, name))| {
            let name = if name.is_empty() {
                ctx.pick("未命名", "Untitled").to_owned()
            } else {
                name.clone()
            };
            (i, Row { name, color: subject_color(&s.color, pal.accent), minutes: s.minutes })
        })
        .collect();
    if max_rows == 0 {
        return Vec::new();
    }
    if rows.len() > max_rows {
        let keep = max_rows - 1;
        // Largest first (ties: earlier first), then back to the user's order.
        rows.sort_by(|a, b| b.1.minutes.cmp(&a.1.minutes).then(a.0.cmp(&b.0)));
        let rest: Vec<(usize, Row)> = rows.split_off(keep);
        rows.sort_by_key(|r| r.0);
        let minutes = rest.iter().map(|r| r.1.minutes).fold(0u32, u32::saturating_add);
        let name = match ctx.lang {
            daka_core::lang::Lang::ZhCn => format!("其他 {} 科", rest.len()),
            daka_core::lang::Lang::En => format!("{} more", rest.len()),
        };
        rows.push((usize::MAX, Row { name, color: pal.text3.to_owned(), minutes }));
    }
    rows.into_iter().map(|(_, r)| r).collect()
}

/// Subjects with bars, as many rows as fit, filling `columns` (equal heights) one after the
/// other so the user's order reads downward. Values are durations, or each subject's share of
/// the total when minutes are hidden.
pub(crate) fn subject_bars(ctx: &mut Ctx<'_>, columns: &[Rect]) {
    let pal = ctx.pal;
    let Some(first) = columns.first() else { return };
    let per_column = ((first.h + 22.0) / SUBJECT_ROW).floor().max(0.0) as usize;
    let rows = subject_rows(ctx, per_column * columns.len());
    if rows.is_empty() {
        if per_column > 0 {
            let empty = ctx.pick_tense(
                ["今天还没有学习记录", "No study time logged yet"],
                ["当天没有学习记录", "No study time logged that day"],
            );
            ctx.svg.text(
                first.x,
                first.y + 34.0,
                Anchor::Start,
                empty,
                30.0,
                Weight::Regular,
                pal.text2,
            );
        }
        return;
    }
    let per = rows.len().div_ceil(columns.len());
    let largest = rows.iter().map(|r| r.minutes).max().unwrap_or(1).max(1);
    let total: u64 = rows.iter().map(|r| u64::from(r.minutes)).sum::<u64>().max(1);
    for (i, row) in rows.iter().enumerate() {
        let Some(r) = columns.get(i / per) else { break };
        let y = r.y + (i % per) as f32 * SUBJECT_ROW;
        let value = if ctx.style.hide_minutes {
            format!("{}%", (u64::from(row.minutes) * 100 + total / 2) / total)
        } else {
            locale::duration(row.minutes, ctx.lang)
        };
        let value_w = ctx.m.width(&value, 30.0, Weight::Bold, 0.0);
        ctx.svg.text(r.right(), y + 30.0, Anchor::End, &value, 30.0, Weight::Bold, pal.text);
        ctx.svg.circle(r.x + 9.0, y + 19.0, 9.0, &row.color, 1.0);
        let name_max = r.w - 30.0 - value_w - 20.0;
        ctx.line(
            r.x + 30.0,
            y + 30.0,
            Anchor::Start,
            &row.name,
            30.0,
            Weight::Regular,
            pal.text,
            name_max,
        );
        let track = Rect::new(r.x, y + 46.0, r.w, 16.0);
        ctx.svg.rect(track, 8.0, pal.track);
        let frac = row.minutes as f32 / largest as f32;
        ctx.svg.rect(
            Rect::new(track.x, track.y, (track.w * frac).max(16.0), track.h),
            8.0,
            &row.color,
        );
    }
}

/// How many subject rows `subject_bars` would draw (for sizing a panel to its content).
pub(crate) fn subject_row_count(ctx: &Ctx<'_>) -> usize {
    ctx.data.subjects.iter().filter(|s| s.minutes > 0).count()
}

/// The heatmap: up to `max_weeks` columns of 7 days, ending with the card's week, with weekday
/// labels and month labels above. Cells are square and as large as fit (capped at `max_cell`).
/// Returns the grid's width including the weekday labels.
pub(crate) fn heatmap(ctx: &mut Ctx<'_>, r: Rect, max_weeks: usize, max_cell: f32) -> f32 {
    let pal = ctx.pal;
    let data = ctx.data;
    let end = match ctx.style.kind {
        crate::CardKind::Weekly => data.date + Duration::days(6),
        _ => data.date,
    };
    // Columns start on the earliest cell's weekday; without cells, on Monday.
    let origin_hint =
        data.heatmap.iter().map(|c| c.date).min().unwrap_or_else(|| {
            end - Duration::days(i64::from(end.weekday().num_days_from_monday()))
        });
    let offset = (end - origin_hint).num_days().rem_euclid(7);
    let last_col_start = end - Duration::days(offset);

    let Some((label_w, pitch, cell, weeks)) = grid_geometry(ctx, r, max_weeks, max_cell) else {
        return 0.0;
    };
    let top_h = HEAT_TOP;
    let grid_w = weeks as f32 * pitch - (pitch - cell);
    let x0 = r.x + label_w;
    let y0 = r.y + top_h;
    let first_col = last_col_start - Duration::days(7 * (weeks as i64 - 1));

    // Weekday labels on rows 0, 2, 4, 6.
    for row in [0usize, 2, 4, 6] {
        let day = first_col + Duration::days(row as i64);
        let label = locale::weekday_short(day.weekday(), ctx.lang);
        let y = y0 + row as f32 * pitch + cell / 2.0 + 9.0;
        ctx.svg.text(x0 - 14.0, y, Anchor::End, label, 24.0, Weight::Regular, pal.text3);
    }
    // Month labels over the weeks in which a month begins; the first column is labelled too
    // unless a month begins within the next two (its label would crowd out that real start).
    let starts: Vec<(usize, NaiveDate)> = (0..weeks)
        .filter_map(|col| {
            let start = first_col + Duration::days(7 * col as i64);
            let week_end = start + Duration::days(6);
            let begins = week_end.month() != (start - Duration::days(1)).month();
            begins.then(|| (col, week_end.with_day(1).unwrap_or(week_end)))
        })
        .collect();
    let mut labels = starts.clone();
    if starts.first().is_none_or(|&(col, _)| col >= 3) {
        labels.insert(0, (0, first_col));
    }
    // A label that would run past the grid's right edge (the current month, begun in the last
    // week or two) is right-aligned to the edge instead of dropped: the month of "today" is
    // the one a reader looks for.
    let mut last_label_end = f32::MIN;
    for (col, month) in labels {
        let label = locale::month_short(month, ctx.lang);
        let w = ctx.m.width(&label, 24.0, Weight::Regular, 0.0);
        let right_edge = x0 + grid_w;
        let x = (x0 + col as f32 * pitch).min(right_edge - w);
        if x - last_label_end >= 16.0 {
            ctx.svg.text(x, y0 - 14.0, Anchor::Start, &label, 24.0, Weight::Regular, pal.text3);
            last_label_end = x + w;
        }
    }
    let level = |d: NaiveDate| -> u8 {
        data.heatmap.iter().rev().find(|c| c.date == d).map_or(0, |c| c.level.min(4))
    };
    let radius = (cell * 0.24).round();
    for col in 0..weeks {
        for row in 0..7 {
            let day = first_col + Duration::days(7 * col as i64 + row);
            if day > end {
                continue;
            }
            let x = x0 + col as f32 * pitch;
            let y = y0 + row as f32 * pitch;
            let cell_rect = Rect::new(x, y, cell, cell);
            ctx.svg.rect(cell_rect, radius, pal.heat[usize::from(level(day))]);
            if day == end && ctx.style.kind != crate::CardKind::Weekly {
                let ring = Rect::new(x - 5.0, y - 5.0, cell + 10.0, cell + 10.0);
                ctx.svg.rect_stroke(ring, radius + 4.0, pal.accent, 4.0);
            }
        }
    }
    label_w + grid_w
}

/// The width [`heatmap`] would use in `r`.
pub(crate) fn heatmap_width(ctx: &Ctx<'_>, r: Rect, max_weeks: usize, max_cell: f32) -> f32 {
    match grid_geometry(ctx, r, max_weeks, max_cell) {
        Some((label_w, pitch, cell, weeks)) => label_w + weeks as f32 * pitch - (pitch - cell),
        None => 0.0,
    }
}

/// Weekday label width, pitch, cell size and number of weeks for a grid in `r`.
fn grid_geometry(
    ctx: &Ctx<'_>,
    r: Rect,
    max_weeks: usize,
    max_cell: f32,
) -> Option<(f32, f32, f32, usize)> {
    let label_w = if ctx.lang == daka_core::lang::Lang::En { 56.0 } else { 36.0 };
    let fit_w = (r.w - label_w) / max_weeks.max(1) as f32;
    let fit_h = (r.h - HEAT_TOP) / 7.0;
    let pitch = fit_w.min(fit_h).min(max_cell * 1.25);
    if pitch < 12.0 {
        return None;
    }
    let cell = (pitch * 0.8).round();
    let weeks = max_weeks.min(((r.w - label_w) / pitch).floor() as usize).max(1);
    Some((label_w, pitch, cell, weeks))
}

/// Month labels above the grid.
const HEAT_TOP: f32 = 40.0;

/// Width of [`heat_legend`].
pub(crate) fn heat_legend_width(ctx: &Ctx<'_>) -> f32 {
    let more = ctx.m.width(ctx.pick("多", "More"), 24.0, Weight::Regular, 0.0);
    let less = ctx.m.width(ctx.pick("少", "Less"), 24.0, Weight::Regular, 0.0);
    more + 10.0 + 5.0 * 28.0 - 6.0 + 10.0 + less
}

/// The heatmap legend "少 ■■■■■ 多" / "Less … More", right-aligned at `right` on `baseline`.
/// Returns its width.
pub(crate) fn heat_legend(ctx: &mut Ctx<'_>, right: f32, baseline: f32) -> f32 {
    let pal = ctx.pal;
    let sw = 22.0;
    let more = ctx.pick("多", "More");
    let less = ctx.pick("少", "Less");
    let more_w = ctx.m.width(more, 24.0, Weight::Regular, 0.0);
    let less_w = ctx.m.width(less, 24.0, Weight::Regular, 0.0);
    ctx.svg.text(right, baseline, Anchor::End, more, 24.0, Weight::Regular, pal.text3);
    let sx = right - more_w - 10.0 - 5.0 * (sw + 6.0) + 6.0;
    for (i, color) in pal.heat.iter().enumerate() {
        ctx.svg.rect(Rect::new(sx + i as f32 * (sw + 6.0), baseline - 19.0, sw, sw), 6.0, color);
    }
    ctx.svg.text(sx - 10.0, baseline, Anchor::End, less, 24.0, Weight::Regular, pal.text3);
    more_w + 10.0 + 5.0 * (sw + 6.0) - 6.0 + 10.0 + less_w
}

/// The heatmap's height for `weeks` columns in `width` px (the inverse of the sizing above).
pub(crate) fn heatmap_height(ctx: &Ctx<'_>, width: f32, weeks: usize, max_cell: f32) -> f32 {
    let label_w = if ctx.lang == daka_core::lang::Lang::En { 56.0 } else { 36.0 };
    let pitch = ((width - label_w) / weeks.max(1) as f32).min(max_cell * 1.25);
    40.0 + 7.0 * pitch - pitch * 0.2
}

/// A done goal per row with a tick in a disc; "+N" when they do not all fit.
pub(crate) fn goals(ctx: &mut Ctx<'_>, r: Rect) {
    let pal = ctx.pal;
    let row_h = GOAL_ROW;
    let fit = ((r.h + 8.0) / row_h).floor().max(0.0) as usize;
    let total = ctx.user.goals.len();
    // When not all fit, the last row says how many more; but always show at least one goal.
    let shown = if total > fit { fit.saturating_sub(1).max(fit.min(1)) } else { total };
    for i in 0..shown {
        let goal = ctx.user.goals[i].clone();
        let y = r.y + i as f32 * row_h;
        tick(ctx, r.x, y + 2.0, 36.0);
        let goal = if goal.is_empty() {
            ctx.pick("（无标题）", "(untitled)").to_owned()
        } else {
            goal
        };
        ctx.line(
            r.x + 52.0,
            y + 31.0,
            Anchor::Start,
            &goal,
            30.0,
            Weight::Regular,
            pal.text,
            r.w - 52.0,
        );
    }
    if total > shown && fit > shown {
        let y = r.y + shown as f32 * row_h + 31.0;
        let more = match ctx.lang {
            daka_core::lang::Lang::ZhCn => format!("还有 {} 项", total - shown),
            daka_core::lang::Lang::En => format!("and {} more", total - shown),
        };
        ctx.svg.text(r.x + 52.0, y, Anchor::Start, &more, 28.0, Weight::Regular, pal.text2);
    }
}

/// A tick in an accent disc, `size` px across, top-left at (x, y).
pub(crate) fn tick(ctx: &mut Ctx<'_>, x: f32, y: f32, size: f32) {
    let pal = ctx.pal;
    let c = size / 2.0;
    ctx.svg.circle(x + c, y + c, c, pal.accent, 1.0);
    let s = size / 36.0;
    let d = format!(
        "M{} {} L{} {} L{} {}",
        num(x + 10.0 * s),
        num(y + 18.5 * s),
        num(x + 15.5 * s),
        num(y + 24.0 * s),
        num(x + 26.0 * s),
        num(y + 12.5 * s)
    );
    ctx.svg.path(&d, "none", Some((pal.on_accent, 4.0 * s)));
}

/// The note, wrapped to the lines that fit in `r` (32 px, 1.55 line height), with an accent bar
/// at its left. Returns the height used.
pub(crate) fn note(ctx: &mut Ctx<'_>, r: Rect, text: &str) -> f32 {
    let pal = ctx.pal;
    let size: f32 = 32.0;
    let line_h = (size * 1.55).round();
    let max_lines = ((r.h + (line_h - size)) / line_h).floor().max(0.0) as usize;
    if max_lines == 0 {
        return 0.0;
    }
    let x = r.x + 28.0;
    let (lines, cut) = ctx.m.wrap(text, size, Weight::Regular, r.w - 28.0, max_lines);
    if cut {
        ctx.note_truncated();
    }
    let used = lines.len() as f32 * line_h - (line_h - size) + 10.0;
    ctx.svg.rect(Rect::new(r.x, r.y + 2.0, 8.0, used - 4.0), 4.0, pal.accent);
    for (i, line) in lines.iter().enumerate() {
        let y = r.y + size * 0.88 + i as f32 * line_h;
        ctx.svg.text(x, y, Anchor::Start, line, size, Weight::Regular, pal.text);
    }
    used
}

/// A pill with text, `h` px high, right-aligned at `right` if `anchor_end`, else starting at x.
/// Returns its width.
pub(crate) fn chip(
    ctx: &mut Ctx<'_>,
    x: f32,
    y: f32,
    text: &str,
    max_w: f32,
    anchor_end: bool,
) -> f32 {
    let pal = ctx.pal;
    let size = 26.0;
    let h = 44.0;
    let (shown, _) = ctx.m.ellipsize(text, size, Weight::Bold, max_w - 40.0);
    let w = ctx.m.width(&shown, size, Weight::Bold, 0.0) + 40.0;
    let left = if anchor_end { x - w } else { x };
    ctx.svg.rect(Rect::new(left, y, w, h), h / 2.0, pal.accent_soft);
    ctx.svg.text(left + 20.0, y + 31.0, Anchor::Start, &shown, size, Weight::Bold, pal.text);
    w
}

/// A stat: a big value over a small label, left-aligned in `r`.
pub(crate) fn stat(ctx: &mut Ctx<'_>, r: Rect, value: &[Span<'_>], label: &str) {
    let pal = ctx.pal;
    ctx.fit_spans(r.x, r.y + 52.0, Anchor::Start, value, r.w, 0.5);
    ctx.line(r.x, r.y + 96.0, Anchor::Start, label, 26.0, Weight::Regular, pal.text2, r.w);
}
