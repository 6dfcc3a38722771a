//! The week: total against the target as the headline, seven day bars with the daily target as
//! a dashed line, the week's subjects, and a 20-week heatmap.

use chrono::Duration;
use daka_core::lang::Lang;

use crate::CardSize;
use crate::fonts::Weight;
use crate::layout::{Ctx, TitleValue, frame, panel, panel_title};
use crate::locale::{self, Part};
use crate::svg::{Anchor, Rect};
use crate::templates::{
    Hero, Slot, compose, heatmap_panel, heatmap_panel_height, hero_rect, panel_height, sub_line,
    subjects_panel, subjects_slot,
};
use crate::{CardData, DayMinutes};

const WEEKS: usize = 20;

/// The seven days starting at `data.date`, taking minutes from `data.week` by date (missing
/// days count as 0, so odd input still draws a full week).
fn seven_days(data: &CardData) -> Vec<DayMinutes> {
    (0..7)
        .map(|i| {
            let date = data.date + Duration::days(i);
            let minutes =
                data.week.iter().filter(|d| d.date == date).map(|d| d.minutes).max().unwrap_or(0);
            DayMinutes { date, minutes }
        })
        .collect()
}

pub(super) fn draw(ctx: &mut Ctx<'_>) {
    let lang = ctx.lang;
    let f = frame(
        ctx,
        ctx.pick_tense(["本周学习周报", "Weekly report"], ["学习周报", "Weekly report"]),
    );
    let data = ctx.data;
    let days = seven_days(data);
    let total: u32 = days.iter().map(|d| d.minutes).fold(0, u32::saturating_add);
    let target = data.daily_target_min.saturating_mul(7);
    let percent =
        (target > 0).then(|| (u64::from(total) * 100 + u64::from(target) / 2) / u64::from(target));
    let active = days.iter().filter(|d| d.minutes > 0).count();

    let (label, parts): (&str, Vec<Part>) = if !ctx.style.hide_minutes {
        let label =
            ctx.pick_tense(["本周学习", "Studied this week"], ["当周学习", "Studied that week"]);
        (label, locale::duration_parts(total, lang))
    } else if let Some(p) = percent {
        (
            ctx.pick("周目标完成", "Of the weekly goal"),
            vec![Part::Num(p.to_string()), Part::Word("%".into())],
        )
    } else {
        (
            ctx.pick_tense(
                ["本周学习天数", "Days studied this week"],
                ["当周学习天数", "Days studied that week"],
            ),
            vec![Part::Num(active.to_string()), Part::Word(" / 7".into())],
        )
    };
    let sub = match (ctx.style.hide_minutes, percent, lang) {
        (false, Some(p), Lang::ZhCn) => {
            format!("目标 {} · 完成 {p}%", locale::duration(target, lang))
        }
        (false, Some(p), Lang::En) => {
            format!("Goal {} · {p}% done", locale::duration(target, lang))
        }
        (false, None, Lang::ZhCn) => format!("日均 {}", locale::duration(total / 7, lang)),
        (false, None, Lang::En) => {
            format!("{} a day on average", locale::duration(total / 7, lang))
        }
        (true, Some(_), Lang::ZhCn) if ctx.is_current() => format!("本周学习 {active} 天"),
        (true, Some(_), Lang::ZhCn) => format!("当周学习 {active} 天"),
        (true, Some(_), Lang::En) => format!("Studied on {active} of 7 days"),
        (true, None, _) => String::new(),
    };
    let (size, max_cell) = match ctx.style.size {
        CardSize::Square => (120.0, 30.0),
        CardSize::Portrait => (140.0, 28.0),
        // The story's headline keeps to the central square, which leaves less below it: smaller
        // cells leave the chart its height.
        CardSize::Story => (140.0, 24.0),
    };
    let sub = sub_line(sub);
    let mut hero = Hero { label, parts: &parts, sub: &sub, size, anchor: Anchor::Middle };
    let heat_h = heatmap_panel_height(ctx, f.body.w, WEEKS, max_cell);
    let (chart_min, chart_want) = match ctx.style.size {
        CardSize::Square => (panel_height(230.0), panel_height(360.0)),
        _ => (panel_height(220.0), panel_height(340.0)),
    };
    let slots = [
        Slot::new(chart_min, chart_want, 0),
        subjects_slot(ctx, 2, 6, 2),
        Slot::new(heat_h, heat_h, 1),
    ];
    hero.grow(&f, &slots, size + 40.0);
    let hero_r = hero_rect(&f, hero.height(), chart_min + heat_h + 28.0, 0.0);
    let (hero_r, placed) = compose(&f, hero_r, &slots);
    hero.draw(ctx, hero_r);
    if let Some(r) = placed[0] {
        week_chart(ctx, r, &days);
    }
    if let Some(r) = placed[1] {
        let title =
            ctx.pick_tense(["本周学科", "Subjects this week"], ["当周学科", "Subjects that week"]);
        subjects_panel(ctx, r, title, 2);
    }
    if let Some(r) = placed[2] {
        heatmap_panel(ctx, r, WEEKS, max_cell);
    }
}

/// Seven vertical bars (days meeting the target in the accent colour, others lighter), the
/// daily target as a dashed line, values above the bars unless minutes are hidden.
fn week_chart(ctx: &mut Ctx<'_>, r: Rect, days: &[DayMinutes]) {
    let pal = ctx.pal;
    let lang = ctx.lang;
    let inner = panel(ctx, r);
    let target = ctx.data.daily_target_min;
    let title = ctx.pick("每日学习", "Day by day");
    let legend = (target > 0).then(|| match (ctx.style.hide_minutes, lang) {
        (true, Lang::ZhCn) => "虚线为每日目标".to_owned(),
        (true, Lang::En) => "Dashed: daily goal".to_owned(),
        (false, Lang::ZhCn) => format!("目标 {}", locale::duration(target, lang)),
        (false, Lang::En) => format!("Goal {}", locale::duration(target, lang)),
    });
    let legend_w = match &legend {
        Some(legend) => {
            // The dashed sample and its label sit at the right of the title row.
            let lw = ctx.m.width(legend, 26.0, Weight::Regular, 0.0);
            ctx.svg.text(
                inner.right(),
                inner.y + 29.0,
                Anchor::End,
                legend,
                26.0,
                Weight::Regular,
                pal.text2,
            );
            let x2 = inner.right() - lw - 14.0;
            ctx.svg.dashed(x2 - 36.0, x2, inner.y + 20.0, 4.0, pal.text3);
            lw + 64.0
        }
        None => 0.0,
    };
    let body = panel_title(ctx, inner, title, TitleValue::Reserve(legend_w));
    // Under each bar: the weekday, then (unless hidden) the time.
    let labels_h = if ctx.style.hide_minutes { 44.0 } else { 80.0 };
    let plot = Rect::new(body.x, body.y + 8.0, body.w, body.h - 8.0 - labels_h);
    let largest = days.iter().map(|d| d.minutes).max().unwrap_or(0).max(target).max(1);
    let slot = plot.w / 7.0;
    let bar_w = (slot * 0.56).min(76.0);
    let radius = (bar_w * 0.22).round();
    for (i, day) in days.iter().enumerate() {
        let cx = plot.x + slot * (i as f32 + 0.5);
        let met = target > 0 && day.minutes >= target;
        let color = if met || target == 0 { pal.accent } else { pal.heat[2] };
        if day.minutes > 0 {
            let h = (plot.h * day.minutes as f32 / largest as f32).max(radius * 2.0);
            ctx.svg.rect(Rect::new(cx - bar_w / 2.0, plot.bottom() - h, bar_w, h), radius, color);
        } else {
            // An empty day still shows its place: a short stub in the track colour.
            ctx.svg.rect(
                Rect::new(cx - bar_w / 2.0, plot.bottom() - 12.0, bar_w, 12.0),
                6.0,
                pal.track,
            );
        }
        let wd = locale::weekday_short(chrono::Datelike::weekday(&day.date), lang);
        ctx.svg.text(
            cx,
            plot.bottom() + 38.0,
            Anchor::Middle,
            wd,
            26.0,
            Weight::Regular,
            pal.text2,
        );
        if !ctx.style.hide_minutes {
            let value = locale::duration_short(day.minutes, lang);
            let (value, _) = ctx.m.ellipsize(&value, 24.0, Weight::Bold, slot - 6.0);
            ctx.svg.text(
                cx,
                plot.bottom() + 74.0,
                Anchor::Middle,
                &value,
                24.0,
                Weight::Bold,
                pal.text,
            );
        }
    }
    if target > 0 {
        let y = plot.bottom() - plot.h * target as f32 / largest as f32;
        ctx.svg.dashed(plot.x, plot.right(), y, 4.0, pal.text3);
    }
}
