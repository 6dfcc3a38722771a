//! What focus mode says in notifications, the tray and the UI's status, in the user's language.

use daka_core::lang::Lang;
use daka_core::reminder::ReminderText;
use daka_focus::timer::{Outcome, Phase, SessionRecord, TimerConfig, TimerView};

fn phase_name(lang: Lang, phase: Phase) -> &'static str {
    match phase {
        Phase::Work => lang.pick("专注", "Focus"),
        Phase::ShortBreak => lang.pick("短休息", "Short break"),
        Phase::LongBreak => lang.pick("长休息", "Long break"),
    }
}

fn phase_minutes(config: &TimerConfig, phase: Phase) -> u32 {
    match (config.mode, phase) {
        (daka_focus::timer::Mode::Pomodoro { short_break_min, .. }, Phase::ShortBreak) => {
            short_break_min
        }
        (daka_focus::timer::Mode::Pomodoro { long_break_min, .. }, Phase::LongBreak) => {
            long_break_min
        }
        (daka_focus::timer::Mode::Pomodoro { work_min, .. }, Phase::Work) => work_min,
        _ => 0,
    }
}

/// "第 1 轮专注结束" / "休息 5 分钟，然后开始第 2 轮。"
pub fn phase_ended(
    lang: Lang,
    config: &TimerConfig,
    phase: Phase,
    round: u32,
    next: Phase,
) -> ReminderText {
    let minutes = phase_minutes(config, next);
    let rounds = config.mode.rounds();
    match (phase, lang) {
        (Phase::Work, Lang::ZhCn) => ReminderText {
            title: format!("第 {round}/{rounds} 轮专注结束"),
            body: format!("{} {minutes} 分钟，起来走走、喝口水。", phase_name(lang, next)),
        },
        (Phase::Work, Lang::En) => ReminderText {
            title: format!("Round {round} of {rounds} done"),
            body: format!(
                "{} of {minutes} minutes: stand up, have some water.",
                phase_name(lang, next)
            ),
        },
        (_, Lang::ZhCn) => ReminderText {
            title: "休息结束".into(),
            body: format!("开始第 {}/{rounds} 轮专注，{minutes} 分钟。", round + 1),
        },
        (_, Lang::En) => ReminderText {
            title: "Break over".into(),
            body: format!("Round {} of {rounds} starts now: {minutes} minutes.", round + 1),
        },
    }
}

/// "专注完成：数学 25 分钟" / "专注已放弃：记录了 12 分钟".
pub fn session_ended(lang: Lang, record: &SessionRecord, subject: Option<&str>) -> ReminderText {
    let min = record.actual_min;
    let what = subject.map(|s| format!("{s} ")).unwrap_or_default();
    match (record.outcome, lang) {
        (Outcome::Completed, Lang::ZhCn) => ReminderText {
            title: "专注完成".into(),
            body: format!("{what}{min} 分钟，已记入今天。记得打卡！"),
        },
        (Outcome::Completed, Lang::En) => ReminderText {
            title: "Focus session complete".into(),
            body: format!("{what}{min} min added to today. Remember to punch in!"),
        },
        (_, Lang::ZhCn) => ReminderText {
            title: "专注已结束".into(),
            body: format!("提前结束，记录了 {what}{min} 分钟。"),
        },
        (_, Lang::En) => ReminderText {
            title: "Focus session ended".into(),
            body: format!("Ended early; {what}{min} min recorded."),
        },
    }
}

/// `m:ss` (or `h:mm:ss`) of a millisecond count, rounded up so 0:00 means "over".
pub fn clock(ms: u32) -> String {
    let secs = ms.div_ceil(1000);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

/// The tray's panel label while a session runs: "专注 24:13", "休息 4:59", "已暂停 12:00".
/// A stopwatch shows the time so far.
pub fn tray_label(lang: Lang, config: &TimerConfig, view: &TimerView) -> String {
    let stopwatch = matches!(config.mode, daka_focus::timer::Mode::Stopwatch { .. });
    let time = if stopwatch { clock(view.elapsed_ms) } else { clock(view.remaining_ms) };
    let word = if view.paused {
        lang.pick("已暂停", "Paused")
    } else {
        match view.phase {
            Phase::Work => lang.pick("专注", "Focus"),
            Phase::ShortBreak | Phase::LongBreak => lang.pick("休息", "Break"),
        }
    };
    format!("{word} {time}")
}

/// The tray menu's first line during a session: "专注中：还剩 24:13（第 1/4 轮）".
pub fn tray_line(lang: Lang, config: &TimerConfig, view: &TimerView) -> String {
    let label = tray_label(lang, config, view);
    let rounds = config.mode.rounds();
    if rounds > 1 {
        match lang {
            Lang::ZhCn => format!("{label}（第 {}/{rounds} 轮）", view.round),
            Lang::En => format!("{label} (round {} of {rounds})", view.round),
        }
    } else {
        label
    }
}

/// Said when quitting Daka is refused during a strict session.
pub fn quit_refused(lang: Lang) -> ReminderText {
    match lang {
        Lang::ZhCn => ReminderText {
            title: "严格模式专注中".into(),
            body: "专注结束（或紧急退出）后才能退出打卡。".into(),
        },
        Lang::En => ReminderText {
            title: "Strict focus session running".into(),
            body: "Daka can quit once the session ends (or through the emergency exit).".into(),
        },
    }
}

pub fn watcher_problem(lang: Lang) -> String {
    lang.pick(
        "无法读取进程列表，应用屏蔽暂时没有生效。",
        "The process list cannot be read, so app blocking is not working right now.",
    )
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_rounds_up_and_grows_hours() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(1), "0:01");
        assert_eq!(clock(59_001), "1:00");
        assert_eq!(clock(25 * 60_000), "25:00");
        assert_eq!(clock(3_600_000 + 61_000), "1:01:01");
    }
}
