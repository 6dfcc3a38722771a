//! The day's report: time studied as the headline, subjects, goals done, the note and mood, and
//! optionally one of the day's photos beside the headline.

use crate::CardSize;
use crate::fonts::Weight;
use crate::layout::{Ctx, GAP, PAD, RADIUS, TitleValue, frame, panel, panel_title};
use crate::locale::{self, Part};
use crate::photo;
use crate::svg::{Anchor, Rect};
use crate::templates::{
    Hero, Slot, compose, days_parts, hero_rect, panel_height, shows_photo, stack, subjects_height,
    subjects_panel, subjects_slot,
};
use crate::widgets;

/// Note text size and line height (see `widgets::note`).
const NOTE_SIZE: f32 = 32.0;
const NOTE_LINE: f32 = 50.0;
/// The photo's side next to the headline.
const PHOTO_SIDE: f32 = 420.0;

pub(super) fn draw(ctx: &mut Ctx<'_>) {
    let lang = ctx.lang;
    let f =
        frame(ctx, ctx.pick_tense(["今日学习报告", "Daily report"], ["学习日报", "Daily report"]));
    let data = ctx.data;
    let total: u32 = data.subjects.iter().map(|s| s.minutes).fold(0, u32::saturating_add);
    let percent = (data.daily_target_min > 0).then(|| {
        (u64::from(total) * 100 + u64::from(data.daily_target_min) / 2)
            / u64::from(data.daily_target_min)
    });

    // The headline: time studied, or (minutes hidden) the share of the goal, goals done, streak.
    let (label, parts): (&str, Vec<Part>) = if !ctx.style.hide_minutes {
        let label = ctx.pick_tense(["今日学习", "Studied today"], ["当天学习", "Studied that day"]);
        (label, locale::duration_parts(total, lang))
    } else if let Some(p) = percent {
        (
            ctx.pick_tense(
                ["今日目标完成", "Of today's goal"],
                ["当天目标完成", "Of the day's goal"],
            ),
            vec![Part::Num(p.to_string()), Part::Word("%".into())],
        )
    } else if data.goals_total > 0 {
        let done = ctx.user.goals.len();
        (
            ctx.pick("完成目标", "Goals done"),
            vec![Part::Num(done.to_string()), Part::Word(format!(" / {}", data.goals_total))],
        )
    } else {
        (ctx.pick("连续打卡", "Study streak"), days_parts(i64::from(data.streak_days), lang))
    };
    let mut sub = Vec::new();
    if data.streak_days > 0 {
        sub.push(match lang {
            daka_core::lang::Lang::ZhCn => format!("连续打卡 {} 天", data.streak_days),
            daka_core::lang::Lang::En => {
                format!("Day {} of the streak", locale::int(data.streak_days.into(), lang))
            }
        });
    }
    if let (Some(p), false) = (percent, ctx.style.hide_minutes) {
        sub.push(match lang {
            daka_core::lang::Lang::ZhCn => format!("目标完成 {p}%"),
            daka_core::lang::Lang::En => format!("{p}% of goal"),
        });
    }

    // The photo, decoded for the box it will fill; unreadable → a warning and no photo.
    let photo = match (&data.photo, shows_photo(ctx.style)) {
        (Some(bytes), true) => {
            let url = photo::data_url(bytes, PHOTO_SIDE as u32, PHOTO_SIDE as u32);
            if url.is_none() {
                ctx.note_photo_unreadable();
            }
            url
        }
        _ => None,
    };

    let square = ctx.style.size == CardSize::Square;
    let size = match (ctx.style.size, photo.is_some()) {
        (_, true) => 116.0,
        (CardSize::Square | CardSize::Portrait, _) => 140.0,
        (CardSize::Story, _) => 180.0,
    };
    let anchor = if photo.is_some() { Anchor::Start } else { Anchor::Middle };
    // Beside a photo the headline is narrow: one fact per line.
    let sub = if photo.is_some() || sub.is_empty() { sub } else { vec![sub.join(" · ")] };
    let mut hero = Hero { label, parts: &parts, sub: &sub, size, anchor };
    let show_note = !ctx.style.hide_note && (!ctx.user.note.is_empty() || ctx.user.mood.is_some());
    let show_goals = data.goals_total > 0 || !ctx.user.goals.is_empty();
    // Two columns of subjects once there are more than two: they are short.
    let columns = if widgets::subject_row_count(ctx) > 2 { 2 } else { 1 };
    let slots = [
        subjects_slot(ctx, columns, 6, 0),
        goals_slot(ctx, show_goals, 2),
        note_slot(ctx, show_note, f.body.w, 1),
    ];
    if square {
        // Two columns of equal height: subjects left; the note (or, without one, the goals)
        // right. The row is as tall as the taller column wants, and the headline grows into
        // what is left.
        let col_w = (f.body.w - GAP) / 2.0;
        let right_slots =
            [goals_slot(ctx, show_goals && !show_note, 1), note_slot(ctx, show_note, col_w, 0)];
        let shown = right_slots.iter().filter(|s| s.min > 0.0);
        let right_want = shown.clone().map(|s| s.want + GAP).sum::<f32>() - GAP;
        let right_min = shown.map(|s| s.min + GAP).sum::<f32>() - GAP;
        let rows = widgets::subject_row_count(ctx).clamp(1, 6);
        let row = Slot::new(
            subjects_height(1, 1).max(right_min),
            subjects_height(rows, 1).max(right_want),
            0,
        );
        hero.grow(&f, &[row], size + 40.0);
        let top = hero_rect(&f, hero.height(), row.min, 0.0);
        let (top, placed) = compose(&f, top, &[row]);
        draw_top(ctx, top, &hero, None);
        let Some(row) = placed[0] else { return };
        let (left, right) = row.split_left(col_w, GAP);
        subjects_panel(ctx, left, ctx.pick("学科", "Subjects"), 1);
        // Fill the column: give the last panel the rest.
        let placed = fill_column(stack(right, &right_slots), right);
        if let Some(r) = placed[0] {
            goals_panel(ctx, r);
        }
        if let Some(r) = placed[1] {
            note_panel(ctx, r);
        }
        return;
    }
    if photo.is_none() {
        // A short day (no note, few subjects) gets a larger headline rather than empty bands.
        hero.grow(&f, &slots, size + 100.0);
    }
    let top_h = if photo.is_some() { PHOTO_SIDE } else { hero.height() };
    let lead = (top_h - hero.height()) / 2.0;
    let top = hero_rect(&f, top_h, 560.0, lead);
    let (top, placed) = compose(&f, top, &slots);
    draw_top(ctx, top, &hero, photo.as_deref());
    if let Some(r) = placed[0] {
        subjects_panel(ctx, r, ctx.pick("学科", "Subjects"), columns);
    }
    if let Some(r) = placed[1] {
        goals_panel(ctx, r);
    }
    if let Some(r) = placed[2] {
        note_panel(ctx, r);
    }
}

/// The headline, with the photo (a `data:` URL) at its right when there is one.
fn draw_top(ctx: &mut Ctx<'_>, top: Rect, hero: &Hero<'_>, photo: Option<&str>) {
    match photo {
        Some(url) => {
            let (text, pic) = top.split_left(top.w - PHOTO_SIDE, GAP);
            let hh = hero.height();
            hero.draw(ctx, Rect::new(text.x, text.y + (text.h - hh) / 2.0, text.w - 8.0, hh));
            ctx.svg.image(pic, RADIUS, url);
        }
        None => hero.draw(ctx, top),
    }
}

/// Stretches the placed panels of a column so the column is filled to `area`'s bottom.
fn fill_column(mut placed: Vec<Option<Rect>>, area: Rect) -> Vec<Option<Rect>> {
    let mut y = area.y;
    let n = placed.iter().flatten().count();
    let used: f32 =
        placed.iter().flatten().map(|r| r.h).sum::<f32>() + GAP * n.saturating_sub(1) as f32;
    let mut extra = (area.h - used).max(0.0);
    let last = placed.iter().rposition(Option::is_some);
    for (i, slot) in placed.iter_mut().enumerate() {
        if let Some(r) = slot {
            let h = if Some(i) == last { r.h + std::mem::take(&mut extra) } else { r.h };
            *r = Rect::new(r.x, y, r.w, h);
            y += h + GAP;
        }
    }
    placed
}

/// Goals: at least two rows when there are two or more (one row could only say "3 more").
fn goals_slot(ctx: &Ctx<'_>, show: bool, rank: u8) -> Slot {
    if !show {
        return Slot::new(0.0, 0.0, rank);
    }
    let n = ctx.user.goals.len();
    let rows = |k: usize| panel_height(k as f32 * widgets::GOAL_ROW - 8.0);
    Slot::rows(rows(n.clamp(1, 2)), rows(n.clamp(1, 4)), rank, widgets::GOAL_ROW)
}

fn goals_panel(ctx: &mut Ctx<'_>, r: Rect) {
    let value = format!(
        "{} / {}",
        ctx.user.goals.len(),
        ctx.data.goals_total.max(ctx.user.goals.len() as u32)
    );
    let inner = panel(ctx, r);
    let body =
        panel_title(ctx, inner, ctx.pick("完成目标", "Goals done"), TitleValue::Strong(&value));
    if ctx.user.goals.is_empty() {
        let pal = ctx.pal;
        let text = ctx.pick_tense(
            ["今天的目标还在路上", "No goals finished yet"],
            ["当天没有完成的目标", "No goals finished that day"],
        );
        ctx.svg.text(body.x, body.y + 31.0, Anchor::Start, text, 30.0, Weight::Regular, pal.text2);
    } else {
        widgets::goals(ctx, body);
    }
}

/// The note: at least three lines (a note cut shorter says too little; less important panels
/// go first), at most all of them (up to 12); just the title row when there is only a mood.
fn note_slot(ctx: &Ctx<'_>, show: bool, width: f32, rank: u8) -> Slot {
    if !show {
        return Slot::new(0.0, 0.0, rank);
    }
    if ctx.user.note.is_empty() {
        let h = panel_height(-16.0);
        return Slot::new(h, h, rank);
    }
    let lines_h = |n: usize| panel_height(n as f32 * NOTE_LINE - (NOTE_LINE - NOTE_SIZE) + 10.0);
    let (lines, _) =
        ctx.m.wrap(&ctx.user.note, NOTE_SIZE, Weight::Regular, width - 2.0 * PAD - 28.0, 12);
    let n = lines.len().max(1);
    Slot::rows(lines_h(n.min(3)), lines_h(n), rank, NOTE_LINE)
}

fn note_panel(ctx: &mut Ctx<'_>, r: Rect) {
    let inner = panel(ctx, r);
    let title = ctx.pick_tense(["今日感想", "Note"], ["当天感想", "Note"]);
    let mood_w = match ctx.user.mood.clone() {
        Some(mood) => {
            // "心情 · 充实" where there is room, just "充实" in a narrow panel.
            let label = if inner.w > 600.0 {
                format!("{}{mood}", ctx.pick("心情 · ", "Mood · "))
            } else {
                mood
            };
            widgets::chip(ctx, inner.right(), inner.y - 6.0, &label, inner.w * 0.55, true) + 24.0
        }
        None => 0.0,
    };
    let (shown, _) = ctx.m.ellipsize(title, 28.0, Weight::Bold, inner.w - mood_w);
    let pal = ctx.pal;
    ctx.svg.text(inner.x, inner.y + 28.0, Anchor::Start, &shown, 28.0, Weight::Bold, pal.text2);
    let body = inner.split_top(crate::layout::TITLE_H, 0.0).1;
    let note = ctx.user.note.clone();
    if !note.is_empty() {
        widgets::note(ctx, body, &note);
    }
}
