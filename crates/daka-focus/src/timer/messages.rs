//! What a refused timer action says to the user, in their language.

use daka_core::lang::Lang;

use super::{EXIT_COOLDOWN, TimerError};

impl TimerError {
    /// The message shown to the user: what happened and what they can do instead.
    pub fn message(&self, lang: Lang) -> String {
        use TimerError as E;
        let cooldown_min = EXIT_COOLDOWN.as_secs() / 60;
        match (self, lang) {
            (E::StrictRefused, Lang::ZhCn) => format!(
                "严格模式下不能暂停或结束。确实需要离开，请用“紧急退出”：输入一串随机码，\
                 或等待 {cooldown_min} 分钟冷静期；本次专注会记为放弃。"
            ),
            (E::StrictRefused, Lang::En) => format!(
                "A strict session cannot be paused or stopped. If you really must leave, use \
                 the emergency exit: type a random code, or wait out a {cooldown_min}-minute \
                 cool-down; the session will count as abandoned."
            ),
            (E::AlreadyPaused, Lang::ZhCn) => "已经暂停了。".into(),
            (E::AlreadyPaused, Lang::En) => "The session is already paused.".into(),
            (E::NotPaused, Lang::ZhCn) => "专注没有暂停。".into(),
            (E::NotPaused, Lang::En) => "The session is not paused.".into(),
            (E::Finished, Lang::ZhCn) => "这次专注已经结束了。".into(),
            (E::Finished, Lang::En) => "This session has already ended.".into(),
            (E::NoChallenge, Lang::ZhCn) => "请先点“显示退出码”。".into(),
            (E::NoChallenge, Lang::En) => "Show the exit code first.".into(),
            (E::WrongCode, Lang::ZhCn) => {
                "退出码不对，请逐字核对（区分大小写，没有 0、1、I、O）。".into()
            }
            (E::WrongCode, Lang::En) => {
                "That code does not match; check it symbol by symbol (capitals; there is no 0, 1, \
                 I or O)."
                    .into()
            }
            (E::NoExitRequested, Lang::ZhCn) => "请先开始冷静期。".into(),
            (E::NoExitRequested, Lang::En) => "Start the cool-down first.".into(),
            (E::CooldownPending { remaining_ms }, lang) => {
                let secs = remaining_ms.div_ceil(1000);
                let (m, s) = (secs / 60, secs % 60);
                match lang {
                    Lang::ZhCn => format!("冷静期还剩 {m} 分 {s:02} 秒。"),
                    Lang::En => format!("The cool-down has {m}:{s:02} left."),
                }
            }
            (E::UnsupportedVersion { .. } | E::Corrupt { .. }, Lang::ZhCn) => {
                "上次的专注记录无法读取，已放弃恢复。".into()
            }
            (E::UnsupportedVersion { .. } | E::Corrupt { .. }, Lang::En) => {
                "The saved session could not be read and was not resumed.".into()
            }
        }
    }
}
