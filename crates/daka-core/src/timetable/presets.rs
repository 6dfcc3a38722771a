//! Ready-made templates: a 考研 day modelled on Li Ying's (up at 06:30, study blocks, an hour's
//! walk after dinner, asleep at 23:00), a working student's evening, a weekend; and the starter
//! timetable onboarding builds from the wake time, subjects and daily target.

use serde::{Deserialize, Serialize};

use super::{Block, BlockKind, DAY_MIN, Template};
use crate::day::ClockTime;
use crate::ids::{BlockId, SubjectId, TemplateId};
use crate::lang::Lang;
use crate::schedule::WeekdaySet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// Full-time 考研, Monday to Saturday.
    Kaoyan,
    /// Studying after work, Monday to Friday.
    WorkingEvening,
    /// Saturday and Sunday.
    Weekend,
}

/// One row of a preset: start, end, kind, which subject (index into the user's subjects, for
/// study blocks), zh-CN and en labels.
type Row = (&'static str, &'static str, BlockKind, Option<usize>, &'static str, &'static str);

const KAOYAN: &[Row] = &[
    ("06:30", "07:00", BlockKind::Other, None, "起床", "Get up"),
    ("07:00", "07:30", BlockKind::Meal, None, "早饭", "Breakfast"),
    ("07:30", "08:30", BlockKind::Study, Some(1), "背单词", "Vocabulary"),
    ("08:30", "11:30", BlockKind::Study, Some(2), "上午学习", "Morning study"),
    ("11:30", "13:00", BlockKind::Meal, None, "午饭午休", "Lunch and nap"),
    ("13:00", "16:00", BlockKind::Study, Some(3), "下午学习", "Afternoon study"),
    ("16:00", "17:30", BlockKind::Study, Some(1), "英语", "English"),
    ("17:30", "18:30", BlockKind::Meal, None, "晚饭", "Dinner"),
    ("19:00", "20:00", BlockKind::Exercise, None, "散步 — 走一小时", "Walk — one hour"),
    ("20:00", "22:30", BlockKind::Study, Some(0), "晚上学习", "Evening study"),
    ("22:30", "23:00", BlockKind::Rest, None, "复盘打卡", "Review and punch in"),
    ("23:00", "06:30", BlockKind::Sleep, None, "睡觉", "Sleep"),
];

const WORKING_EVENING: &[Row] = &[
    ("07:00", "07:30", BlockKind::Other, None, "起床", "Get up"),
    ("07:30", "08:00", BlockKind::Study, Some(1), "通勤背单词", "Vocabulary on the way"),
    ("09:00", "18:00", BlockKind::Other, None, "上班", "Work"),
    ("18:30", "19:15", BlockKind::Meal, None, "晚饭", "Dinner"),
    ("19:30", "21:30", BlockKind::Study, Some(0), "晚上学习", "Evening study"),
    ("21:30", "22:00", BlockKind::Rest, None, "复盘打卡", "Review and punch in"),
    ("23:30", "07:00", BlockKind::Sleep, None, "睡觉", "Sleep"),
];

const WEEKEND: &[Row] = &[
    ("08:00", "08:30", BlockKind::Other, None, "起床", "Get up"),
    ("09:00", "12:00", BlockKind::Study, Some(2), "上午学习", "Morning study"),
    ("12:00", "13:30", BlockKind::Meal, None, "午饭", "Lunch"),
    ("14:00", "17:00", BlockKind::Study, Some(3), "真题", "Past papers"),
    ("17:00", "18:00", BlockKind::Exercise, None, "运动", "Exercise"),
    ("18:00", "19:00", BlockKind::Meal, None, "晚饭", "Dinner"),
    ("19:30", "21:30", BlockKind::Study, Some(0), "晚上学习", "Evening study"),
    ("23:30", "08:00", BlockKind::Sleep, None, "睡觉", "Sleep"),
];

fn minutes(hm: &str) -> u16 {
    crate::day::parse_hm(hm).ok().and_then(|m| u16::try_from(m).ok()).unwrap_or(0)
}

fn block(
    start_min: u16,
    end_min: u16,
    kind: BlockKind,
    subject_id: Option<SubjectId>,
    label: &str,
) -> Block {
    Block {
        id: BlockId::generate(),
        start_min: start_min % DAY_MIN,
        end_min: end_min % DAY_MIN,
        kind,
        subject_id,
        label: label.to_owned(),
        color: None,
        remind_before_min: None,
    }
}

/// A preset as a template for these subjects (study blocks cycle through them).
pub fn preset(which: Preset, lang: Lang, subjects: &[SubjectId]) -> Template {
    let (rows, name, days): (&[Row], (&str, &str), &[u8]) = match which {
        Preset::Kaoyan => (KAOYAN, ("考研一天", "考研 day"), &[1, 2, 3, 4, 5, 6]),
        Preset::WorkingEvening => {
            (WORKING_EVENING, ("上班日晚上", "Workday evenings"), &[1, 2, 3, 4, 5])
        }
        Preset::Weekend => (WEEKEND, ("周末", "Weekend"), &[6, 7]),
    };
    let subject = |i: Option<usize>| match (i, subjects.len()) {
        (Some(i), n) if n > 0 => Some(subjects[i % n]),
        _ => None,
    };
    Template {
        id: TemplateId::generate(),
        name: lang.pick(name.0, name.1).to_owned(),
        weekdays: WeekdaySet::from_iso(days).unwrap_or(WeekdaySet::ALL),
        blocks: rows
            .iter()
            .map(|(s, e, kind, subj, zh, en)| {
                block(minutes(s), minutes(e), *kind, subject(*subj), lang.pick(zh, en))
            })
            .collect(),
    }
}

/// Awake for 16 hours after waking; the rest is sleep.
const AWAKE_MIN: u16 = 16 * 60;
/// The longest study block the starter plans.
const MAX_STUDY_MIN: u16 = 120;
const BREAK_MIN: u16 = 15;

/// The starter timetable onboarding offers, every day: up at `wake`, an hour to get going,
/// lunch 5 h and dinner 11 h after waking, an hour's walk after dinner, study blocks of at most
/// two hours (with 15-minute breaks) cycling through the subjects until the daily target is
/// planned or the day is full, and 8 hours of sleep ending at `wake`.
pub fn starter(wake: ClockTime, target_min: u32, subjects: &[SubjectId], lang: Lang) -> Template {
    let wake = u16::try_from(wake.minutes()).unwrap_or(0) % DAY_MIN;
    // Fixed parts, as offsets from waking: (from, to, kind, zh, en).
    let fixed: [(u16, u16, BlockKind, &str, &str); 4] = [
        (0, 30, BlockKind::Other, "起床", "Get up"),
        (5 * 60, 6 * 60, BlockKind::Meal, "午饭", "Lunch"),
        (11 * 60, 12 * 60, BlockKind::Meal, "晚饭", "Dinner"),
        (12 * 60, 13 * 60, BlockKind::Exercise, "散步", "Walk"),
    ];
    let mut blocks: Vec<Block> = fixed
        .iter()
        .map(|(from, to, kind, zh, en)| {
            block(wake + from, wake + to, *kind, None, lang.pick(zh, en))
        })
        .collect();
    blocks.push(block(wake + AWAKE_MIN, wake, BlockKind::Sleep, None, lang.pick("睡觉", "Sleep")));

    let mut left = u16::try_from(target_min.min(u32::from(AWAKE_MIN))).unwrap_or(AWAKE_MIN);
    let mut at = 60u16; // offset from waking
    let mut n = 0usize;
    let end = AWAKE_MIN - 30; // leave half an hour before sleep
    while left > 0 && at < end {
        // The next fixed part that starts after `at`, to stop before it.
        let next_fixed = fixed.iter().map(|f| f.0).filter(|&f| f >= at).min().unwrap_or(end);
        if let Some(inside) = fixed.iter().find(|f| f.0 <= at && at < f.1) {
            at = inside.1;
            continue;
        }
        let room = next_fixed.min(end).saturating_sub(at);
        let len = left.min(MAX_STUDY_MIN).min(room);
        if len >= 15 {
            let subject = (!subjects.is_empty()).then(|| subjects[n % subjects.len()]);
            let label = lang.pick("学习", "Study");
            blocks.push(block(wake + at, wake + at + len, BlockKind::Study, subject, label));
            left -= len;
            n += 1;
            at += len + BREAK_MIN;
        } else {
            at = next_fixed.max(at + 1);
        }
    }
    Template {
        id: TemplateId::generate(),
        name: lang.pick("我的作息", "My day").to_owned(),
        weekdays: WeekdaySet::ALL,
        blocks,
    }
}
