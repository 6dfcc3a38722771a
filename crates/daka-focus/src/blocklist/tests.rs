#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rstest::rstest;

use super::*;

#[rstest]
#[case("bilibili.com", "bilibili.com")]
#[case("https://www.bilibili.com/video/BV1xx?p=2#t=30", "bilibili.com")]
#[case("HTTP://User:Pass@WWW.Bilibili.COM:8080/", "bilibili.com")]
#[case("  m.weibo.cn  ", "weibo.cn")]
#[case("//m.zhihu.com/question/1", "zhihu.com")]
#[case("zhihu.com.", "zhihu.com")]
#[case("live.bilibili.com", "live.bilibili.com")]
#[case("www.com", "www.com")]
#[case("b23.tv/abc", "b23.tv")]
#[case("xn--fiqs8s.cn", "xn--fiqs8s.cn")]
#[case("bilibili.com:", "bilibili.com")]
#[case("https://www.bilibili.com/video/中文", "bilibili.com")]
#[case("bilibili.com\\path", "bilibili.com")]
fn sites_normalize(#[case] input: &str, #[case] expected: &str) {
    assert_eq!(normalize_site(input).unwrap(), expected);
}

#[rstest]
#[case("", BlocklistError::Required)]
#[case("   ", BlocklistError::Required)]
#[case("https://", BlocklistError::Required)]
#[case("bili\nbili.com", BlocklistError::ControlCharacters)]
#[case("*.bilibili.com", BlocklistError::Wildcard)]
#[case("https://*.bilibili.com/", BlocklistError::Wildcard)]
#[case("127.0.0.1", BlocklistError::IpAddress)]
#[case("http://10.0.0.1:8080/x", BlocklistError::IpAddress)]
#[case("127.1", BlocklistError::IpAddress)]
#[case("::1", BlocklistError::IpAddress)]
#[case("[2001:db8::1]:443", BlocklistError::IpAddress)]
#[case("2001:db8::1", BlocklistError::IpAddress)]
#[case("localhost", BlocklistError::Localhost)]
#[case("http://localhost:3000", BlocklistError::Localhost)]
#[case("app.localhost", BlocklistError::Localhost)]
#[case("bilibili", BlocklistError::SingleLabel)]
#[case("哔哩哔哩.com", BlocklistError::NonAscii)]
#[case("bilibili。com", BlocklistError::NonAscii)]
#[case("bili bili.com", BlocklistError::InvalidCharacter { ch: ' ' })]
#[case("bili_bili.com", BlocklistError::InvalidCharacter { ch: '_' })]
#[case("bilibili..com", BlocklistError::EmptyLabel)]
#[case(".bilibili.com", BlocklistError::EmptyLabel)]
#[case("-bili.com", BlocklistError::HyphenAtEdge)]
#[case("bilibili.com:80a", BlocklistError::BadPort)]
fn sites_refused(#[case] input: &str, #[case] expected: BlocklistError) {
    assert_eq!(normalize_site(input), Err(expected));
}

#[test]
fn site_length_limits() {
    let label = "a".repeat(64);
    assert_eq!(
        normalize_site(&format!("{label}.com")),
        Err(BlocklistError::LabelTooLong { max: 63, actual: 64 })
    );
    assert!(normalize_site(&format!("{}.com", "a".repeat(63))).is_ok());
    let long = vec!["a".repeat(60); 5].join(".");
    assert_eq!(long.len(), 304);
    assert_eq!(normalize_site(&long), Err(BlocklistError::TooLong { max: 253, actual: 304 }));
}

#[test]
fn normalizing_is_idempotent_on_presets() {
    for p in PRESETS {
        assert!(!p.sites.is_empty() || p.id == "none", "{} has no sites", p.id);
        for site in p.sites {
            assert_eq!(normalize_site(site).as_deref(), Ok(*site), "preset {}", p.id);
        }
        for app in p.apps {
            assert!(normalize_app(app.exe).is_ok(), "preset {} app {}", p.id, app.exe);
        }
    }
    let ids: HashSet<_> = PRESETS.iter().map(|p| p.id).collect();
    assert_eq!(ids.len(), PRESETS.len());
    assert_eq!(preset("bilibili").map(|p| p.name(Lang::ZhCn)), Some("哔哩哔哩"));
    assert!(preset("games").unwrap().apps_for(Os::Windows).any(|a| a == "steam.exe"));
}

#[rstest]
#[case("steam", "steam")]
#[case("C:\\Program Files (x86)\\Steam\\Steam.EXE", "steam.exe")]
#[case("/usr/games/steam", "steam")]
#[case("/Applications/Steam.app", "Steam")]
#[case("/Applications/Steam.app/", "Steam")]
#[case("哔哩哔哩.exe", "哔哩哔哩.exe")]
#[case("EpicGamesLauncher.exe", "epicgameslauncher.exe")]
fn apps_normalize(#[case] input: &str, #[case] expected: &str) {
    assert_eq!(normalize_app(input).unwrap(), expected);
}

#[rstest]
#[case("", BlocklistError::Required)]
#[case("C:\\Games\\", BlocklistError::Folder)]
#[case("/", BlocklistError::Folder)]
#[case("daka", BlocklistError::Itself)]
#[case("/usr/bin/daka-blockd", BlocklistError::Itself)]
#[case("Daka.app", BlocklistError::Itself)]
#[case("DAKA.EXE", BlocklistError::Itself)]
#[case("systemd", BlocklistError::ProtectedProcess { name: "systemd".into() })]
#[case("Explorer.EXE", BlocklistError::ProtectedProcess { name: "explorer.exe".into() })]
#[case("explorer", BlocklistError::ProtectedProcess { name: "explorer.exe".into() })]
#[case("finder", BlocklistError::ProtectedProcess { name: "Finder".into() })]
#[case("WindowServer", BlocklistError::ProtectedProcess { name: "WindowServer".into() })]
#[case("wechat", BlocklistError::Allowlisted { name: "wechat".into() })]
#[case("C:\\Program Files\\Tencent\\WeChat\\WeChat.exe", BlocklistError::Allowlisted { name: "wechat".into() })]
#[case("/Applications/WeChat.app", BlocklistError::Allowlisted { name: "wechat".into() })]
#[case("SumatraPDF.exe", BlocklistError::Allowlisted { name: "SumatraPDF.exe".into() })]
#[case("code", BlocklistError::Allowlisted { name: "code".into() })]
#[case("a\tb", BlocklistError::ControlCharacters)]
fn apps_refused(#[case] input: &str, #[case] expected: BlocklistError) {
    assert_eq!(normalize_app(input), Err(expected));
}

#[test]
fn allowlist_and_protected_never_overlap_presets() {
    for p in PRESETS {
        for app in p.apps {
            let key = app_key(app.exe);
            assert!(DEFAULT_ALLOWLIST.iter().all(|a| app_key(a.exe) != key), "{}", app.exe);
            assert!(PROTECTED_PROCESSES.iter().all(|a| app_key(a.exe) != key), "{}", app.exe);
        }
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn list_reports_every_error_and_dedupes() {
    let sites = strings(&[
        "https://www.bilibili.com/video/1",
        "*.douyin.com",
        "bilibili.com",
        "m.bilibili.com",
        "zhihu.com",
        "127.0.0.1",
    ]);
    let apps = strings(&["Steam.exe", "steam.exe", "wechat", "steam"]);
    let check = validate_list(&sites, &apps);
    assert_eq!(check.sites, ["bilibili.com", "zhihu.com"]);
    assert_eq!(check.errors, [(1, BlocklistError::Wildcard), (5, BlocklistError::IpAddress)]);
    // "steam" (Linux) and "steam.exe" (Windows) share a key: one entry blocks both.
    assert_eq!(check.apps, ["steam.exe"]);
    assert_eq!(check.app_errors, [(2, BlocklistError::Allowlisted { name: "wechat".into() })]);
    assert_eq!(check.warnings, [BlocklistWarning::DuplicatesRemoved { sites: 2, apps: 2 }]);
    assert!(!check.is_ok());
}

#[test]
fn list_limits() {
    let sites: Vec<String> = (0..1_001).map(|i| format!("site{i}.com")).collect();
    let check = validate_list(&sites, &[]);
    assert!(check.is_ok());
    assert_eq!(
        check.warnings,
        [BlocklistWarning::OverBrowserPolicyLimit { count: 1_001, limit: 1_000 }]
    );
    assert!(check.warnings[0].message(Lang::ZhCn).contains("浏览器策略最多 1000 条"));

    let sites: Vec<String> = (0..10_005).map(|i| format!("site{i}.com")).collect();
    let check = validate_list(&sites, &[]);
    assert_eq!(check.sites.len(), MAX_ENTRIES);
    assert_eq!(check.errors, [(10_000, BlocklistError::TooManyEntries { max: 10_000 })]);
}

#[test]
fn every_message_exists_in_both_languages() {
    let all = [
        BlocklistError::Required,
        BlocklistError::ControlCharacters,
        BlocklistError::TooLong { max: 253, actual: 300 },
        BlocklistError::Wildcard,
        BlocklistError::IpAddress,
        BlocklistError::Localhost,
        BlocklistError::SingleLabel,
        BlocklistError::NonAscii,
        BlocklistError::InvalidCharacter { ch: '_' },
        BlocklistError::EmptyLabel,
        BlocklistError::LabelTooLong { max: 63, actual: 70 },
        BlocklistError::HyphenAtEdge,
        BlocklistError::BadPort,
        BlocklistError::TooManyEntries { max: 10_000 },
        BlocklistError::Folder,
        BlocklistError::Itself,
        BlocklistError::ProtectedProcess { name: "systemd".into() },
        BlocklistError::Allowlisted { name: "wechat".into() },
    ];
    for e in all {
        let zh = e.message(Lang::ZhCn);
        let en = e.message(Lang::En);
        assert!(!zh.is_empty() && !en.is_empty() && zh != en, "{e:?}");
        assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{en}");
    }
    assert!(
        BlocklistError::Wildcard
            .message(Lang::ZhCn)
            .starts_with("通配符不需要：写 bilibili.com 就会连同 www.、m. 一起屏蔽")
    );
    assert!(BlocklistError::IpAddress.message(Lang::ZhCn).starts_with("不能屏蔽 IP 地址"));
}

#[test]
fn check_serializes_for_the_ui() {
    let check = validate_list(&strings(&["*.a.com"]), &[]);
    let json = serde_json::to_value(&check).unwrap();
    assert_eq!(json["errors"][0][1]["kind"], "wildcard");
}
