//! "距离考研还有 35 天": days to the exam as the headline, how far the preparation has come
//! (a ring for the share of the preparation period behind, days studied, hours), the streak,
//! and the heatmap.
//!
//! Without an exam date the headline becomes the days studied so far; on exam day it wishes
//! luck; after the exam it counts the days since.

use daka_core::lang::Lang;

use crate::CardSize;
use crate::fonts::Weight;
use crate::layout::{Ctx, GAP, TitleValue, frame, panel, panel_title};
use crate::locale::{self, Part};
use crate::svg::{Anchor, Rect, Span};
use crate::templates::{
    Hero, Slot, Stat, compose, days_parts, heat_stats_height, heat_stats_panel, hero_rect,
    panel_height, part_spans, sub_line,
};
use crate::widgets;

const WEEKS: usize = 20;

pub(super) fn draw(ctx: &mut Ctx<'_>) {
    let lang = ctx.lang;
    let f = frame(ctx, ctx.pick("考研倒计时", "Exam countdown"));
    let data = ctx.data;
    let exam_name = ctx.user.exam.clone();
    let (label, parts, sub): (String, Vec<Part>, String) = match &data.exam {
        Some(exam) => {
            let name = exam_name.unwrap_or_else(|| ctx.pick("考研", "the exam").to_owned());
            let date = locale::date_long(exam.date, lang);
            match (exam.days_left, lang) {
                (d, Lang::ZhCn) if d > 0 => (
                    locale::join_spaced(&["距离", &name, "还有"]),
                    days_parts(d.into(), lang),
                    date,
                ),
                (d, Lang::En) if d > 0 => {
                    (format!("Until {name}"), days_parts(d.into(), lang), date)
                }
                (0, _) => (
                    name,
                    vec![Part::Word(
                        ctx.pick_tense(["就是今天", "Today"], ["就是这一天", "Exam day"])
                            .to_owned(),
                    )],
                    ctx.pick("沉着应考，你已经准备好了", "You are ready. Good luck!").to_owned(),
                ),
                (d, Lang::ZhCn) => {
                    (locale::join_spaced(&[&name, "已过去"]), days_parts((-d).into(), lang), date)
                }
                (d, Lang::En) => (format!("Since {name}"), days_parts((-d).into(), lang), date),
            }
        }
        None => (
            ctx.pick("已坚持备考", "Preparing for").to_owned(),
            days_parts(data.studied_days.into(), lang),
            ctx.pick("还没有设置考试日期", "No exam date set yet").to_owned(),
        ),
    };
    let (size, max_cell) = match ctx.style.size {
        CardSize::Square => (200.0, 30.0),
        CardSize::Portrait => (240.0, 30.0),
        CardSize::Story => (280.0, 36.0),
    };
    let sub = sub_line(sub);
    let mut hero = Hero { label: &label, parts: &parts, sub: &sub, size, anchor: Anchor::Middle };
    let progress_h = panel_height(200.0);
    let heat_h = match ctx.style.size {
        // The square keeps to the countdown and the progress; the heatmap would be too small.
        CardSize::Square => 0.0,
        _ => heat_stats_height(ctx, f.body.w, WEEKS, max_cell),
    };
    let slots = [Slot::new(progress_h, progress_h + 30.0, 0), Slot::new(heat_h, heat_h, 1)];
    hero.grow(&f, &slots, size + 40.0);
    let hero_r = hero_rect(&f, hero.height(), progress_h + GAP + heat_h, 0.0);

    let mut stats = vec![Stat {
        parts: days_parts(data.streak_days.into(), lang),
        label: ctx.pick("连续打卡", "Current streak").to_owned(),
    }];
    if data.best_streak > data.streak_days {
        stats.push(Stat {
            parts: days_parts(data.best_streak.into(), lang),
            label: ctx.pick("最长连续", "Best streak").to_owned(),
        });
    }
    let (hero_r, placed) = compose(&f, hero_r, &slots);
    hero.draw(ctx, hero_r);
    if let Some(r) = placed[0] {
        progress_panel(ctx, r);
    }
    if let Some(r) = placed[1] {
        heat_stats_panel(ctx, r, WEEKS, max_cell, &stats);
    }
}

/// The share of the preparation period behind (start → exam) as a ring, with days studied and
/// hours (or, with minutes hidden, the streak) beside it.
fn progress_panel(ctx: &mut Ctx<'_>, r: Rect) {
    let pal = ctx.pal;
    let lang = ctx.lang;
    let data = ctx.data;
    let inner = panel(ctx, r);
    let since = data.started_on.map(|d| match lang {
        Lang::ZhCn => format!("{} 开始", locale::date_short(d, lang)),
        Lang::En => format!("since {}", locale::date_short(d, lang)),
    });
    let since = since.as_deref().map_or(TitleValue::None, TitleValue::Quiet);
    let body = panel_title(ctx, inner, ctx.pick("备考进度", "Preparation"), since);
    let frac = match (data.started_on, &data.exam) {
        (Some(start), Some(exam)) if exam.date > start => {
            let total = (exam.date - start).num_days() as f32;
            let done = (data.date - start).num_days() as f32;
            Some((done / total).clamp(0.0, 1.0))
        }
        _ => None,
    };
    let mut x = body.x;
    if let Some(frac) = frac {
        let d = body.h.min(220.0);
        let stroke = (d * 0.11).round();
        let rad = (d - stroke) / 2.0;
        let (cx, cy) = (body.x + d / 2.0, body.y + body.h / 2.0);
        ctx.svg.ring((cx, cy), rad, stroke, frac, pal.accent, pal.track);
        let pct = format!("{}", (frac * 100.0).round() as u32);
        let spans = [
            Span { text: &pct, size: (d * 0.27).round(), weight: Weight::Bold, fill: pal.text },
            Span {
                text: "%",
                size: (d * 0.13).round().max(24.0),
                weight: Weight::Bold,
                fill: pal.text2,
            },
        ];
        ctx.svg.spans(cx, cy + d * 0.1, Anchor::Middle, &spans, 0.0);
        x = body.x + d + 48.0;
    }
    let mut stats: Vec<(Vec<Part>, &str)> =
        vec![(days_parts(data.studied_days.into(), lang), ctx.pick("已学习", "Days studied"))];
    // With minutes hidden there is no second figure (the streaks are in the panel below).
    if !ctx.style.hide_minutes {
        // Exact below 100 hours, whole hours above (see `locale::total_parts`).
        stats.push((
            locale::total_parts(data.total_minutes, lang),
            ctx.pick("累计学习", "In total"),
        ));
    }
    let col_w = (body.right() - x - 32.0) / 2.0;
    for (i, (parts, label)) in stats.iter().enumerate() {
        let spans = part_spans(parts, (64.0, pal.text), (30.0, pal.text2));
        let cell =
            Rect::new(x + i as f32 * (col_w + 32.0), body.y + (body.h - 110.0) / 2.0, col_w, 110.0);
        widgets::stat(ctx, cell, &spans, label);
    }
}
