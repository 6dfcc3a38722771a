//! Time zones offered in the picker: every IANA name, searchable by Chinese city names too.

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::{TZ_VARIANTS, Tz};
use serde::Serialize;

/// One entry of the time-zone picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ZoneInfo {
    /// IANA name, e.g. `Asia/Shanghai`.
    pub name: String,
    /// The UTC offset at the time of asking, e.g. `+08:00` or `-03:30`.
    pub offset: String,
    /// Other words the zone is found by (Chinese city names, common English names).
    pub aliases: Vec<String>,
}

/// Chinese and common names for zones Daka's users are most likely to live in or travel to.
const ALIASES: &[(&str, &[&str])] = &[
    (
        "Asia/Shanghai",
        &[
            "北京", "上海", "中国", "China", "Beijing", "广州", "深圳", "成都", "武汉", "南京",
            "杭州", "西安", "重庆", "天津",
        ],
    ),
    ("Asia/Urumqi", &["乌鲁木齐", "新疆", "Xinjiang"]),
    ("Asia/Hong_Kong", &["香港", "Hong Kong"]),
    ("Asia/Macau", &["澳门", "Macau"]),
    ("Asia/Taipei", &["台北", "台湾", "Taiwan"]),
    ("Asia/Tokyo", &["东京", "日本", "Japan"]),
    ("Asia/Seoul", &["首尔", "韩国", "Korea"]),
    ("Asia/Singapore", &["新加坡", "Singapore"]),
    ("Asia/Kuala_Lumpur", &["吉隆坡", "马来西亚", "Malaysia"]),
    ("Asia/Bangkok", &["曼谷", "泰国", "Thailand"]),
    ("Asia/Kolkata", &["印度", "India", "新德里", "Delhi", "Mumbai"]),
    ("Asia/Kathmandu", &["加德满都", "尼泊尔", "Nepal"]),
    ("Asia/Dubai", &["迪拜", "Dubai"]),
    ("Europe/London", &["伦敦", "英国", "UK", "Britain"]),
    ("Europe/Paris", &["巴黎", "法国", "France"]),
    ("Europe/Berlin", &["柏林", "德国", "Germany"]),
    ("Europe/Moscow", &["莫斯科", "俄罗斯", "Russia"]),
    ("America/New_York", &["纽约", "美东", "US Eastern", "Eastern Time"]),
    ("America/Chicago", &["芝加哥", "美中", "US Central"]),
    ("America/Denver", &["丹佛", "美山地", "US Mountain"]),
    ("America/Los_Angeles", &["洛杉矶", "旧金山", "美西", "US Pacific", "Pacific Time"]),
    ("America/Toronto", &["多伦多", "加拿大", "Canada"]),
    ("America/Vancouver", &["温哥华", "Vancouver"]),
    ("America/Sao_Paulo", &["圣保罗", "巴西", "Brazil"]),
    ("Australia/Sydney", &["悉尼", "澳大利亚", "Australia"]),
    ("Australia/Melbourne", &["墨尔本", "Melbourne"]),
    ("Australia/Lord_Howe", &["豪勋爵岛", "Lord Howe"]),
    ("Pacific/Auckland", &["奥克兰", "新西兰", "New Zealand"]),
    ("Pacific/Apia", &["阿皮亚", "萨摩亚", "Samoa"]),
];

/// Formats a UTC offset in seconds as `+08:00` / `-03:30` / `+05:45`.
pub fn format_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    format!("{sign}{:02}:{:02}", s / 3600, (s % 3600) / 60)
}

/// The offset of `tz` at `at`, formatted.
pub fn offset_at(tz: Tz, at: DateTime<Utc>) -> String {
    format_offset(tz.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc())
}

/// Every zone of the database, with its offset at `now` and aliases. Legacy aliases of the
/// database ("PRC", "US/Eastern") are left out: they are not what a user should pick.
pub fn all_zones(now: DateTime<Utc>) -> Vec<ZoneInfo> {
    TZ_VARIANTS
        .iter()
        .filter(|tz| is_canonical_name(tz.name()))
        .map(|&tz| ZoneInfo {
            name: tz.name().to_owned(),
            offset: offset_at(tz, now),
            aliases: ALIASES
                .iter()
                .find(|(name, _)| *name == tz.name())
                .map(|(_, a)| a.iter().map(|s| (*s).to_owned()).collect())
                .unwrap_or_default(),
        })
        .collect()
}

fn is_canonical_name(name: &str) -> bool {
    const AREAS: [&str; 10] = [
        "Africa/",
        "America/",
        "Antarctica/",
        "Asia/",
        "Atlantic/",
        "Australia/",
        "Europe/",
        "Indian/",
        "Pacific/",
        "Arctic/",
    ];
    name == "UTC" || AREAS.iter().any(|a| name.starts_with(a))
}

/// Chooses the home zone on first start from what the system reports (the `TZ` variable first,
/// then the OS setting). Falls back to Asia/Shanghai: Daka is made for users in China first.
pub fn detect_time_zone<'a>(candidates: impl IntoIterator<Item = &'a str>) -> Tz {
    candidates
        .into_iter()
        .filter_map(|c| c.trim().trim_start_matches(':').parse::<Tz>().ok())
        .map(|tz| if tz.name() == "PRC" { chrono_tz::Asia::Shanghai } else { tz })
        .next()
        .unwrap_or(chrono_tz::Asia::Shanghai)
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case(8 * 3600, "+08:00")]
    #[case(-(3 * 3600 + 1800), "-03:30")]
    #[case(5 * 3600 + 45 * 60, "+05:45")]
    #[case(0, "+00:00")]
    fn offsets(#[case] secs: i32, #[case] expected: &str) {
        assert_eq!(format_offset(secs), expected);
    }

    #[rstest]
    fn the_list_has_real_zones_with_aliases_and_no_legacy_names() {
        let now = Utc::now();
        let zones = all_zones(now);
        assert!(zones.len() > 300);
        let shanghai = zones.iter().find(|z| z.name == "Asia/Shanghai").unwrap();
        assert_eq!(shanghai.offset, "+08:00");
        assert!(shanghai.aliases.iter().any(|a| a == "北京"));
        assert!(!zones.iter().any(|z| z.name == "PRC" || z.name == "US/Eastern"));
        for (name, _) in ALIASES {
            assert!(zones.iter().any(|z| z.name == *name), "{name} is not in the database");
        }
    }

    #[rstest]
    #[case(&["Europe/London"], "Europe/London")]
    #[case(&[":Asia/Tokyo"], "Asia/Tokyo")]
    #[case(&["", "nonsense", "America/New_York"], "America/New_York")]
    #[case(&["PRC"], "Asia/Shanghai")]
    #[case(&[], "Asia/Shanghai")]
    fn detection_takes_the_first_valid_candidate(
        #[case] candidates: &[&str],
        #[case] expected: &str,
    ) {
        assert_eq!(detect_time_zone(candidates.iter().copied()).name(), expected);
    }
}
