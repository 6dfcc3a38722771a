//! A deterministic 10-year profile: 3,650 study days in Asia/Shanghai (day start 04:00),
//! 20 subjects, 50 goals (20 live, 30 archived), about 15,000 punch-ins, goal progress and a
//! few leave/rest days, written as a Daka export so it goes in through the real import.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use daka_archive::{FORMAT, FORMAT_VERSION, MinutesRow, Record, RowMeta};
use serde_json::json;

/// The last study day of the profile; "now" is the evening after it.
pub(crate) const LAST_DAY: &str = "2026-11-21";
pub(crate) const DAYS: i64 = 3_650;

const SUBJECTS: [(&str, &str); 20] = [
    ("政治", "#e5484d"),
    ("英语一", "#3e63dd"),
    ("数学一", "#12a594"),
    ("专业课", "#f76b15"),
    ("数据结构", "#8e4ec6"),
    ("计算机组成原理", "#0090ff"),
    ("操作系统", "#30a46c"),
    ("计算机网络", "#ffb224"),
    ("高等数学", "#d6409f"),
    ("线性代数", "#00a2c7"),
    ("概率论", "#ad7f58"),
    ("英语阅读", "#5b5bd6"),
    ("英语作文", "#46a758"),
    ("单词", "#e54666"),
    ("马原", "#978365"),
    ("毛中特", "#6e56cf"),
    ("史纲", "#0d74ce"),
    ("思修", "#29a383"),
    ("时政", "#ca244d"),
    ("真题", "#f5d90a"),
];

/// xorshift64*: the same profile every time.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// UUIDv7-shaped ids from a counter and a millisecond instant (valid, unique, ordered).
struct Ids(u64);
impl Ids {
    fn next(&mut self, ms: i64) -> String {
        self.0 += 1;
        let ms = u64::try_from(ms).unwrap_or(0) & 0xffff_ffff_ffff;
        let hi = (ms << 16) | 0x7000 | ((self.0 >> 48) & 0x0fff);
        let lo = 0x8000_0000_0000_0000 | (self.0 & 0x3fff_ffff_ffff_ffff);
        uuid::Uuid::from_u64_pair(hi, lo).to_string()
    }
}

const DEVICE: &str = "0192f0c1-0000-7000-8000-00000000da4a";

fn meta(ms: i64) -> RowMeta {
    RowMeta {
        created_utc: ms,
        updated_utc: ms,
        version: ms << 16,
        device_id: DEVICE.into(),
        deleted_utc: None,
    }
}

/// 20:00 Beijing time on `date` plus `minutes`, in UTC milliseconds.
fn evening_ms(date: NaiveDate, minutes: i64) -> i64 {
    let local = date.and_hms_opt(20, 0, 0).unwrap_or_default() + Duration::minutes(minutes);
    Utc.from_utc_datetime(&(local - Duration::hours(8))).timestamp_millis()
}

/// The whole profile as export records (header first).
pub(crate) fn profile() -> Vec<Record> {
    let last: NaiveDate = LAST_DAY.parse().unwrap_or_default();
    let first = last - Duration::days(DAYS - 1);
    let start_ms = evening_ms(first, -12 * 60);
    let mut rng = Rng(0x0DA1_CA00_2016_1122);
    let mut ids = Ids(0);
    let mut out = vec![Record::Header {
        format: FORMAT.into(),
        version: FORMAT_VERSION,
        exported_utc: evening_ms(last, 60),
        app_version: "bench".into(),
        device_id: DEVICE.into(),
    }];
    let setting = |key: &str, value: serde_json::Value| Record::Setting {
        key: key.into(),
        value,
        updated_utc: start_ms,
        version: start_ms << 16,
        device_id: DEVICE.into(),
    };
    out.push(setting("language", json!("zh-CN")));
    out.push(setting("daily_target_min", json!(480)));
    out.push(setting("wake_time_min", json!(390)));
    out.push(setting("started_on", json!(first.to_string())));
    out.push(setting("week_start", json!("monday")));
    out.push(Record::DayRule {
        id: ids.next(start_ms),
        effective_from_utc: 0,
        time_zone: "Asia/Shanghai".into(),
        day_start_min: 240,
        meta: meta(start_ms),
    });
    out.push(Record::Exam {
        id: ids.next(start_ms),
        name: "2027 考研".into(),
        exam_date: "2026-12-26".into(),
        meta: meta(start_ms),
    });
    let subjects: Vec<String> = SUBJECTS
        .iter()
        .enumerate()
        .map(|(i, (name, color))| {
            let id = ids.next(start_ms);
            out.push(Record::Subject {
                id: id.clone(),
                name: (*name).into(),
                color: (*color).into(),
                position: i64::try_from(i).unwrap_or(0),
                meta: meta(start_ms),
            });
            id
        })
        .collect();

    // 50 goals: the 20 kept are live; 30 older ones archived after a while.
    let mut live_goals = Vec::new();
    for i in 0..50i64 {
        let id = ids.next(start_ms);
        let archived = i >= 20;
        let from = first + Duration::days(i * 60 % DAYS);
        let schedule = match i % 3 {
            0 => json!({"kind": "daily"}),
            1 => json!({"kind": "weekdays", "days": 31}),
            _ => json!({"kind": "per_week", "times": 3}),
        };
        out.push(Record::Goal {
            id: id.clone(),
            title: format!("目标 {} · 背 {} 个单词", i + 1, 10 + i),
            unit: "个".into(),
            target: 10 + i,
            measure: "count".into(),
            subject_id: Some(subjects[usize::try_from(i).unwrap_or(0) % subjects.len()].clone()),
            schedule,
            active_from: from.to_string(),
            active_until: None,
            archived_utc: archived.then(|| evening_ms(from + Duration::days(200), 0)),
            position: i,
            meta: meta(start_ms),
        });
        if !archived {
            live_goals.push((id, from, 10 + i));
        }
    }

    for day in 0..DAYS {
        let date = first + Duration::days(day);
        let roll = rng.below(100);
        if roll < 3 {
            let ms = evening_ms(date, -10 * 60);
            out.push(Record::DayStatus {
                id: ids.next(ms),
                logical_date: date.to_string(),
                mark: if roll == 0 { "rest" } else { "leave" }.into(),
                entered_on: date.to_string(),
                meta: meta(ms),
            });
            continue;
        }
        if roll < 10 {
            continue; // a missed day
        }
        let punch_ins = 3 + rng.below(4); // 3..=6: ~4.5 a day, ~15,000 in all
        for n in 0..punch_ins {
            let ms = evening_ms(date, i64::try_from(n).unwrap_or(0) * 25 - 600);
            let id = ids.next(ms);
            let mut minutes: Vec<MinutesRow> = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let subject = subjects[usize::try_from(rng.below(20)).unwrap_or(0)].clone();
                if minutes.iter().all(|m| m.subject_id != subject) {
                    minutes.push(MinutesRow {
                        subject_id: subject,
                        minutes: i64::try_from(15 + rng.below(60)).unwrap_or(30),
                    });
                }
            }
            out.push(Record::PunchIn {
                id: id.clone(),
                logical_date: date.to_string(),
                kind: "live".into(),
                entered_on: date.to_string(),
                tz: "Asia/Shanghai".into(),
                utc_offset_min: 480,
                day_start_min: 240,
                note: if rng.chance(30) {
                    format!("第 {} 天：状态不错，继续。", day + 1)
                } else {
                    String::new()
                },
                mood: rng.chance(50).then(|| "good".to_owned()),
                minutes,
                meta: meta(ms),
            });
            if n == 0 {
                for (goal, from, target) in &live_goals {
                    if *from <= date && rng.chance(40) {
                        out.push(Record::GoalProgress {
                            id: ids.next(ms),
                            goal_id: goal.clone(),
                            logical_date: date.to_string(),
                            delta: *target,
                            kind: "live".into(),
                            entered_on: date.to_string(),
                            punch_in_id: Some(id.clone()),
                            meta: meta(ms),
                        });
                    }
                }
            }
        }
    }
    out
}
