//! What the user chose for focus mode: which presets are on, their own sites and apps, extra
//! allowlisted apps, and the timer choices the Focus screen starts from.
//!
//! The blocklist a session uses is resolved at its start ([`FocusSettings::blocked_apps`],
//! [`FocusSettings::blocked_sites`]) and kept with the running session, so editing the lists
//! mid-session never loosens a strict block.

use daka_core::lang::Lang;
use serde::{Deserialize, Serialize};

use crate::blocklist::{
    BlocklistError, BlocklistWarning, MAX_APP_LEN, MAX_ENTRIES, Os, PRESETS, app_key, preset,
    validate_list,
};
use crate::timer::{Mode, ModeKind};

/// The timer choices of the last start (the Focus screen's form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TimerChoice {
    pub mode: ModeKind,
    pub work_min: u32,
    pub short_break_min: u32,
    pub long_break_min: u32,
    pub rounds: u32,
    pub long_every: u32,
    pub countdown_min: u32,
    pub stopwatch_cap_min: u32,
    pub strict: bool,
    pub block_apps: bool,
    pub block_sites: bool,
    pub overlay: bool,
}

impl Default for TimerChoice {
    fn default() -> Self {
        Self {
            mode: ModeKind::Pomodoro,
            work_min: 25,
            short_break_min: 5,
            long_break_min: 15,
            rounds: 4,
            long_every: 4,
            countdown_min: 60,
            stopwatch_cap_min: 240,
            strict: false,
            block_apps: true,
            block_sites: true,
            overlay: false,
        }
    }
}

impl TimerChoice {
    /// The engine's mode for these choices.
    pub fn mode(&self) -> Mode {
        match self.mode {
            ModeKind::Pomodoro => Mode::Pomodoro {
                work_min: self.work_min,
                short_break_min: self.short_break_min,
                long_break_min: self.long_break_min,
                rounds: self.rounds,
                long_every: self.long_every,
            },
            ModeKind::Countdown => Mode::Countdown { minutes: self.countdown_min },
            ModeKind::Stopwatch => Mode::Stopwatch { cap_min: self.stopwatch_cap_min },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FocusSettings {
    /// Ids of the presets that are on (see [`PRESETS`]).
    pub presets: Vec<String>,
    /// The user's own sites (normalized host names).
    pub sites: Vec<String>,
    /// The user's own apps (executable names).
    pub apps: Vec<String>,
    /// Apps never to block, on top of the built-in allowlist.
    pub allow: Vec<String>,
    pub timer: TimerChoice,
}

impl Default for FocusSettings {
    /// Every preset on except games (many students do not have them, and game launchers
    /// are also chat apps for some): the user opts in.
    fn default() -> Self {
        Self {
            presets: PRESETS.iter().filter(|p| p.id != "games").map(|p| p.id.to_owned()).collect(),
            sites: Vec::new(),
            apps: Vec::new(),
            allow: Vec::new(),
            timer: TimerChoice::default(),
        }
    }
}

/// One refused entry: the field path the UI marks (`sites.3`, `apps.0`, `allow.2`,
/// `presets.1`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    pub field: String,
    pub error: SettingsProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsProblem {
    Entry(BlocklistError),
    UnknownPreset { id: String },
}

impl SettingsProblem {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::Entry(e) => e.message(lang),
            Self::UnknownPreset { id } => match lang {
                Lang::ZhCn => format!("没有名为“{id}”的预设。"),
                Lang::En => format!("There is no preset called “{id}”."),
            },
        }
    }
}

/// A checked settings value: normalized lists, and what is worth telling the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedSettings {
    pub settings: FocusSettings,
    pub warnings: Vec<BlocklistWarning>,
}

impl FocusSettings {
    /// Normalizes and checks every list at once; every bad entry is reported with its field.
    /// The timer choices are checked when a session starts (the engine's own validation).
    pub fn check(&self) -> Result<CheckedSettings, Vec<SettingsError>> {
        let list = validate_list(&self.sites, &self.apps);
        let mut errors: Vec<SettingsError> = Vec::new();
        for (i, e) in &list.errors {
            errors.push(SettingsError { field: format!("sites.{i}"), error: entry(e) });
        }
        for (i, e) in &list.app_errors {
            errors.push(SettingsError { field: format!("apps.{i}"), error: entry(e) });
        }
        let mut presets = Vec::new();
        for (i, id) in self.presets.iter().enumerate() {
            match preset(id) {
                Some(p) if !presets.contains(&p.id.to_owned()) => presets.push(p.id.to_owned()),
                Some(_) => {}
                None => errors.push(SettingsError {
                    field: format!("presets.{i}"),
                    error: SettingsProblem::UnknownPreset { id: id.clone() },
                }),
            }
        }
        let mut allow: Vec<String> = Vec::new();
        for (i, raw) in self.allow.iter().enumerate() {
            match normalize_allowed(raw) {
                Ok(name) if allow.iter().any(|a| app_key(a) == app_key(&name)) => {}
                Ok(name) => allow.push(name),
                Err(e) => {
                    errors.push(SettingsError { field: format!("allow.{i}"), error: entry(&e) });
                }
            }
        }
        if allow.len() > MAX_ENTRIES {
            errors.push(SettingsError {
                field: "allow".into(),
                error: SettingsProblem::Entry(BlocklistError::TooManyEntries { max: MAX_ENTRIES }),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CheckedSettings {
            settings: FocusSettings {
                presets,
                sites: list.sites,
                apps: list.apps,
                allow,
                timer: self.timer.clone(),
            },
            warnings: list.warnings,
        })
    }

    /// Executable names to block on `os`: the presets' and the user's own, without the ones
    /// the user allowlisted.
    pub fn blocked_apps(&self, os: Os) -> Vec<String> {
        let allowed: Vec<String> = self.allow.iter().map(|a| app_key(a)).collect();
        let mut out: Vec<String> = Vec::new();
        let presets = self.presets.iter().filter_map(|id| preset(id));
        let names = presets.flat_map(|p| p.apps_for(os)).map(str::to_owned);
        for name in names.chain(self.apps.iter().cloned()) {
            let key = app_key(&name);
            if !allowed.contains(&key) && !out.iter().any(|o| app_key(o) == key) {
                out.push(name);
            }
        }
        out
    }

    /// Host names to block: the presets' and the user's own, deduplicated.
    pub fn blocked_sites(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let presets = self.presets.iter().filter_map(|id| preset(id));
        let names = presets.flat_map(|p| p.sites.iter().map(|s| (*s).to_owned()));
        for name in names.chain(self.sites.iter().cloned()) {
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }
}

fn entry(e: &BlocklistError) -> SettingsProblem {
    SettingsProblem::Entry(e.clone())
}

/// An allowlist entry is an executable name like a blocked one, but being a system process or
/// already allowlisted is fine here.
fn normalize_allowed(raw: &str) -> Result<String, BlocklistError> {
    match crate::blocklist::normalize_app(raw) {
        Ok(name) => Ok(name),
        Err(BlocklistError::Allowlisted { name } | BlocklistError::ProtectedProcess { name }) => {
            Ok(name)
        }
        Err(BlocklistError::Itself) => Ok(raw.trim().to_owned()),
        Err(e) => Err(e),
    }
    .and_then(|name| {
        if name.chars().count() > MAX_APP_LEN {
            Err(BlocklistError::TooLong { max: MAX_APP_LEN, actual: name.chars().count() })
        } else {
            Ok(name)
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn defaults_check_and_resolve_per_system() {
        let checked = FocusSettings::default().check().unwrap();
        let s = checked.settings;
        assert!(!s.presets.contains(&"games".to_owned()));
        let sites = s.blocked_sites();
        assert!(sites.contains(&"bilibili.com".to_owned()));
        assert!(sites.contains(&"douyin.com".to_owned()));
        let linux = s.blocked_apps(Os::Linux);
        let windows = s.blocked_apps(Os::Windows);
        assert!(!linux.is_empty());
        assert!(windows.iter().any(|a| a.ends_with(".exe")));
        assert!(linux.iter().all(|a| !a.ends_with(".exe")));
    }

    #[test]
    fn every_bad_entry_is_named_by_field_and_nothing_is_half_accepted() {
        let s = FocusSettings {
            presets: vec!["bilibili".into(), "nope".into()],
            sites: vec![
                "https://www.bilibili.com/video/xyz".into(),
                "*.qq.com".into(),
                "1.2.3.4".into(),
            ],
            apps: vec!["wechat".into(), "steam".into()],
            allow: vec!["".into()],
            timer: TimerChoice::default(),
        };
        let errors = s.check().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["sites.1", "sites.2", "apps.0", "presets.1", "allow.0"]);
        assert!(errors[3].error.message(Lang::ZhCn).contains("nope"));
    }

    #[test]
    fn entries_are_normalized_and_the_allowlist_wins() {
        let s = FocusSettings {
            presets: vec![],
            sites: vec!["https://www.Bilibili.com/video/xyz".into(), "bilibili.com".into()],
            apps: vec!["/usr/games/steam".into(), "minecraft-launcher".into()],
            allow: vec!["Steam".into(), "code".into()],
            timer: TimerChoice::default(),
        };
        let checked = s.check().unwrap();
        assert_eq!(checked.settings.sites, ["bilibili.com"]);
        assert_eq!(checked.settings.blocked_apps(Os::Linux), ["minecraft-launcher"]);
        assert!(matches!(
            checked.warnings[..],
            [BlocklistWarning::DuplicatesRemoved { sites: 1, apps: 0 }]
        ));
    }
}
