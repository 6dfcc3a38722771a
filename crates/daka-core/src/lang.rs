//! The languages Daka speaks. Chinese first: every user-visible string exists in zh-CN and en.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A UI language. Serialized as a BCP 47 tag (`"zh-CN"`, `"en"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Picks the UI language for a system locale such as `zh_CN.UTF-8`, `zh-Hans-CN`, `zh_TW` or
    /// `en-US`: Chinese for any Chinese locale, English for everything else.
    pub fn from_system_locale(locale: &str) -> Lang {
        let lower = locale.trim().to_ascii_lowercase();
        if lower == "zh" || lower.starts_with("zh_") || lower.starts_with("zh-") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }

    /// Chooses between the two spellings of a message.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::ZhCn => zh,
            Lang::En => en,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// The tag is not one Daka speaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language tag")]
pub struct UnknownLang;

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "zh-CN" => Ok(Lang::ZhCn),
            "en" => Ok(Lang::En),
            _ => Err(UnknownLang),
        }
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("zh_CN.UTF-8", Lang::ZhCn)]
    #[case("zh-Hans-CN", Lang::ZhCn)]
    #[case("zh_TW", Lang::ZhCn)]
    #[case("zh", Lang::ZhCn)]
    #[case("en_US.UTF-8", Lang::En)]
    #[case("C", Lang::En)]
    #[case("", Lang::En)]
    #[case("zhx", Lang::En)]
    fn system_locale_maps_to_a_language(#[case] locale: &str, #[case] expected: Lang) {
        assert_eq!(Lang::from_system_locale(locale), expected);
    }

    #[rstest]
    fn tags_round_trip_through_serde_and_from_str() {
        for lang in Lang::ALL {
            let json = serde_json::to_string(&lang).unwrap();
            assert_eq!(json, format!("\"{}\"", lang.tag()));
            assert_eq!(lang.tag().parse::<Lang>(), Ok(lang));
        }
        assert_eq!("fr".parse::<Lang>(), Err(UnknownLang));
    }
}
