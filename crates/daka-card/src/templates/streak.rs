//! "连续打卡 42 天": the streak as the big number, today's subjects, the last 12 weeks with the
//! best streak and the days studied beside them.

use crate::CardSize;
use crate::layout::{Ctx, GAP, frame};
use crate::locale;
use crate::svg::{Anchor, Rect};
use crate::templates::{
    Hero, Slot, Stat, below, compose, days_parts, heat_stats_height, heat_stats_panel,
    heatmap_panel, hero_rect, sub_line, subjects_height, subjects_panel, subjects_slot,
};
use crate::widgets;

const WEEKS: usize = 12;

pub(super) fn draw(ctx: &mut Ctx<'_>) {
    let lang = ctx.lang;
    let f = frame(ctx, ctx.pick("考研打卡", "Study log"));
    let data = ctx.data;
    let today: u32 = data.subjects.iter().map(|s| s.minutes).fold(0, u32::saturating_add);
    let sub = if data.streak_days == 0 {
        ctx.pick_tense(
            ["今天，从第一天开始", "Every streak starts with day one"],
            ["每一次坚持，都从第一天开始", "Every streak starts with day one"],
        )
        .to_owned()
    } else if ctx.style.hide_minutes {
        if today > 0 {
            ctx.pick_tense(
                ["今日已打卡", "Checked in today"],
                ["当天已打卡", "Checked in that day"],
            )
        } else {
            ctx.pick_tense(
                ["今天还没有学习记录", "No study time logged yet"],
                ["当天没有学习记录", "No study time logged that day"],
            )
        }
        .to_owned()
    } else {
        let label =
            ctx.pick_tense(["今日学习 ", "Studied today: "], ["当天学习 ", "Studied that day: "]);
        format!("{label}{}", locale::duration(today, lang))
    };
    let parts = days_parts(i64::from(data.streak_days), lang);
    let (size, max_cell) = match ctx.style.size {
        CardSize::Portrait => (240.0, 34.0),
        CardSize::Square => (200.0, 34.0),
        CardSize::Story => (280.0, 44.0),
    };
    let label = ctx.pick("连续打卡", "Study streak");
    let sub = sub_line(sub);
    let mut hero = Hero { label, parts: &parts, sub: &sub, size, anchor: Anchor::Middle };
    let heat_h = heat_stats_height(ctx, f.body.w, WEEKS, max_cell);
    let slots = [subjects_slot(ctx, 2, 6, 0), Slot::new(heat_h.min(400.0), heat_h, 1)];
    if ctx.style.size != CardSize::Square {
        hero.grow(&f, &slots, size + 40.0);
    }
    let hero_r = hero_rect(&f, hero.height(), subjects_height(2, 2) + GAP + heat_h, 0.0);

    let mut stats = vec![Stat {
        parts: days_parts(i64::from(data.best_streak.max(data.streak_days)), lang),
        label: ctx.pick("最长连续", "Best streak").to_owned(),
    }];
    if data.studied_days > 0 {
        stats.push(Stat {
            parts: days_parts(i64::from(data.studied_days), lang),
            label: ctx.pick("累计打卡", "Days studied").to_owned(),
        });
    }
    let title = ctx.pick("学科分布", "By subject");
    if ctx.style.size == CardSize::Square {
        // Side by side, equal heights: subjects left, heatmap right.
        let area = below(&f, hero_r);
        let (left, right) = area.split_left((area.w - GAP) * 0.46, GAP);
        let rows = widgets::subject_row_count(ctx).clamp(1, 4);
        let heat = crate::templates::heatmap_panel_height(ctx, right.w, WEEKS, max_cell);
        let h = subjects_height(rows, 1).max(heat).min(area.h);
        let (hero_r, placed) = compose(&f, hero_r, &[Slot::new(h, h, 0)]);
        hero.draw(ctx, hero_r);
        if let Some(row) = placed[0] {
            let (left, right) = (Rect { y: row.y, ..left }, Rect { y: row.y, ..right });
            subjects_panel(ctx, Rect { h: row.h, ..left }, title, 1);
            heatmap_panel(ctx, Rect { h: row.h, ..right }, WEEKS, max_cell);
        }
        return;
    }
    let (hero_r, placed) = compose(&f, hero_r, &slots);
    hero.draw(ctx, hero_r);
    if let Some(r) = placed[0] {
        subjects_panel(ctx, r, title, 2);
    }
    if let Some(r) = placed[1] {
        heat_stats_panel(ctx, r, WEEKS, max_cell, &stats);
    }
}
