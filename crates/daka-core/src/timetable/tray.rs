//! The words the tray shows: the block running now with the time left, and the next one.
//!
//! On Linux the panel shows a short label beside the icon (an AppIndicator label; tooltips are
//! not supported there), so `label` is kept to a few characters; the menu carries the full lines.

use serde::Serialize;

use super::remind::kind_name;
use super::{DayPlan, PlannedBlock};
use crate::lang::Lang;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrayStatus {
    /// Beside the icon: "散步 30′" — or empty when nothing is planned now.
    pub label: String,
    /// First menu line: "现在：散步（还剩 30 分钟）" or "现在没有安排".
    pub current: String,
    /// Second menu line: "下一个：20:00 晚上学习", or `None` when nothing follows.
    pub next: Option<String>,
}

/// A block's name: its label up to any " — " explanation, or its kind's name.
fn name(lang: Lang, p: &PlannedBlock) -> String {
    let label = p.block.label.split(" — ").next().unwrap_or("").trim();
    if label.is_empty() { kind_name(lang, p.block.kind).to_owned() } else { label.to_owned() }
}

/// "30 分钟" / "1 小时 20 分钟" / "30 min" / "1 h 20 min".
pub fn duration_text(lang: Lang, minutes: u32) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (lang, h, m) {
        (Lang::ZhCn, 0, m) => format!("{m} 分钟"),
        (Lang::ZhCn, h, 0) => format!("{h} 小时"),
        (Lang::ZhCn, h, m) => format!("{h} 小时 {m} 分钟"),
        (Lang::En, 0, m) => format!("{m} min"),
        (Lang::En, h, 0) => format!("{h} h"),
        (Lang::En, h, m) => format!("{h} h {m} min"),
    }
}

/// The tray's words for `plan`.
pub fn tray_status(plan: &DayPlan, lang: Lang) -> TrayStatus {
    let (label, current) = match (&plan.current, plan.current_left_min) {
        (Some(c), Some(left)) => {
            let n = name(lang, c);
            let short = if left >= 60 {
                format!("{}h{}′", left / 60, left % 60)
            } else {
                format!("{left}′")
            };
            let line = match lang {
                Lang::ZhCn => format!("现在：{n}（还剩 {}）", duration_text(lang, left)),
                Lang::En => format!("Now: {n} ({} left)", duration_text(lang, left)),
            };
            (format!("{n} {short}"), line)
        }
        _ => (String::new(), lang.pick("现在没有安排", "Nothing planned now").to_owned()),
    };
    let next = plan.next.as_ref().map(|p| {
        let at = p.start_local.get(11..16).unwrap_or("");
        match lang {
            Lang::ZhCn => format!("下一个：{at} {}", name(lang, p)),
            Lang::En => format!("Next: {at} {}", name(lang, p)),
        }
    });
    TrayStatus { label, current, next }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_text(Lang::ZhCn, 30), "30 分钟");
        assert_eq!(duration_text(Lang::ZhCn, 60), "1 小时");
        assert_eq!(duration_text(Lang::ZhCn, 80), "1 小时 20 分钟");
        assert_eq!(duration_text(Lang::En, 80), "1 h 20 min");
        assert_eq!(duration_text(Lang::En, 5), "5 min");
    }
}
