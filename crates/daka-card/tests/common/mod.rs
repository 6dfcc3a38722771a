//! A fixed, realistic sample for the golden tests and the examples (shared with
//! `examples/` through `#[path]`).

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use chrono::{Datelike, Duration, NaiveDate};
use daka_card::{CardData, CardKind, DayMinutes, Exam, HeatCell, SubjectMinutes};
use daka_core::lang::Lang;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn subject(name: &str, color: &str, minutes: u32) -> SubjectMinutes {
    SubjectMinutes { name: name.into(), color: color.into(), minutes }
}

/// 20 weeks of heatmap ending with the week (Monday start) of `end`, levels from a fixed LCG.
pub fn heatmap(end: NaiveDate) -> Vec<HeatCell> {
    let monday = end - Duration::days(i64::from(end.weekday().num_days_from_monday()));
    let first = monday - Duration::weeks(19);
    let mut seed: u32 = 42;
    let mut cells = Vec::new();
    let mut day = first;
    while day <= end {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let r = (seed >> 16) % 100;
        // Denser and stronger towards the end, like a real preparation.
        let age = (end - day).num_days();
        let level = match r {
            r if r < 8 + age as u32 / 6 => 0,
            r if r < 30 => 1,
            r if r < 55 => 2,
            r if r < 80 => 3,
            _ => 4,
        };
        cells.push(HeatCell { date: day, level });
        day += Duration::days(1);
    }
    cells
}

pub fn sample(kind: CardKind, lang: Lang) -> CardData {
    let zh = lang == Lang::ZhCn;
    let pick = |a: &str, b: &str| if zh { a.to_owned() } else { b.to_owned() };
    let day = date(2026, 11, 25);
    let week_start = date(2026, 11, 23);
    let weekly = kind == CardKind::Weekly;
    let subjects = if weekly {
        vec![
            subject(&pick("数学", "Math"), "#2F9E6E", 1020),
            subject(&pick("英语", "English"), "#3E63DD", 610),
            subject(&pick("政治", "Politics"), "#E5484D", 380),
            subject(&pick("专业课 408", "CS 408"), "#F59E0B", 720),
        ]
    } else {
        vec![
            subject(&pick("数学", "Math"), "#2F9E6E", 150),
            subject(&pick("英语", "English"), "#3E63DD", 95),
            subject(&pick("政治", "Politics"), "#E5484D", 45),
            subject(&pick("专业课 408", "CS 408"), "#F59E0B", 120),
        ]
    };
    let minutes = [380, 420, 410, 300, 455, 520, 245];
    CardData {
        date: if weekly { week_start } else { day },
        today: Some(day),
        streak_days: 42,
        best_streak: 58,
        subjects,
        daily_target_min: 360,
        goals_done: if zh {
            vec![
                "数学 660 第 3 章".into(),
                "英语真题 2015 Text 2".into(),
                "408 操作系统错题整理".into(),
            ]
        } else {
            vec![
                "Math 660, chapter 3".into(),
                "English past paper 2015, text 2".into(),
                "OS mistakes review".into(),
            ]
        },
        goals_total: 5,
        note: pick(
            "今天把 Chapter 5 的 linear algebra 习题全部刷完了，错题整理进 Notion；明天继续冲 408 的操作系统（OS）部分。Keep going, 上岸！",
            "Finished every linear algebra exercise in chapter 5 and put the mistakes into Notion. Tomorrow: operating systems for 408. Keep going!",
        ),
        mood: Some(pick("充实", "Focused")),
        photo: None,
        week: (0..7)
            .map(|i| DayMinutes {
                date: week_start + Duration::days(i),
                minutes: minutes[i as usize],
            })
            .collect(),
        heatmap: heatmap(if weekly { week_start + Duration::days(6) } else { day }),
        exam: Some(Exam {
            name: pick("考研", "the exam"),
            date: date(2026, 12, 19),
            days_left: 24,
        }),
        studied_days: 168,
        total_minutes: 58_320,
        started_on: Some(date(2026, 6, 1)),
    }
}

/// A small PNG photo: a diagonal gradient (deterministic).
pub fn photo_png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w.max(1)) as u8, (y * 255 / h.max(1)) as u8, 160])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}
