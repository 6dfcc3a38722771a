//! Blocklists: the sites and apps a focus session blocks, the built-in presets, and the checks
//! on what the user types.
//!
//! Decisions and invariants:
//!
//! * **A site is a host name**, stored in one canonical form: ASCII, lowercase, no scheme,
//!   credentials, port, path, query, fragment or trailing dot, and without a leading `www.` or
//!   `m.` (the hosts writer blocks those two variants of every name anyway). So
//!   `https://www.bilibili.com/video/BV1xx?p=2` is stored as `bilibili.com`.
//! * **Refused, with a message saying what to write instead:** wildcards (hosts files cannot do
//!   them; `bilibili.com` already covers `www.` and `m.`), IP addresses (v4 and v6; blocking by
//!   address is not what the hosts layer does), `localhost`, single labels (`bilibili`), empty
//!   labels, labels over 63 or names over 253 characters, characters other than `a-z 0-9 -`, and
//!   non-ASCII names: there is no IDNA dependency, so a Chinese domain must be typed in its
//!   punycode (`xn--`) form.
//! * **An app is an executable name**, not a path: the directory is stripped (`/` and `\`),
//!   `.app` is dropped (`WeChat.app` → `WeChat`), and Windows names (`.exe`) are lowercased
//!   because Windows compares them case-insensitively. Comparisons against the allowlist and the
//!   protected processes use [`app_key`] (case-folded, `.exe`/`.app` dropped), so `Explorer.EXE`
//!   and `explorer` are both refused. Daka itself, system processes and allowlisted apps
//!   (WeChat, editors, PDF readers, terminals) cannot be blocked.
//! * **A list is checked as a whole** by [`validate_list`]: every bad entry is reported with its
//!   index (so the UI can mark them all at once), the good ones are normalized and deduplicated
//!   in their first-seen order. More than [`MAX_ENTRIES`] distinct entries is an error; more
//!   than [`BROWSER_POLICY_LIMIT`] sites is only a warning (the browser policies take the first
//!   1,000, the hosts section takes all).

use std::collections::HashSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use daka_core::lang::Lang;
use serde::{Deserialize, Serialize};

mod presets;
#[cfg(test)]
mod tests;

pub use presets::{DEFAULT_ALLOWLIST, PRESETS, PROTECTED_PROCESSES};

/// The most entries (sites, and separately apps) one list may hold.
pub const MAX_ENTRIES: usize = 10_000;
/// Chromium's `URLBlocklist` and Firefox's `WebsiteFilter` take at most this many patterns.
pub const BROWSER_POLICY_LIMIT: usize = 1_000;
/// DNS limits (RFC 1035): a label, and a whole name without the trailing dot.
pub const MAX_LABEL_LEN: usize = 63;
pub const MAX_NAME_LEN: usize = 253;
/// The longest executable name accepted (file-name limit on all three systems).
pub const MAX_APP_LEN: usize = 255;

/// Names of Daka's own executables, as [`app_key`]s.
const DAKA_KEYS: &[&str] = &["daka", "daka-blockd", "打卡"];

/// An operating system, for executable names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    Linux,
    Windows,
    MacOs,
}

/// One executable name on one system. `verified` is true for names that are widely documented,
/// false for the best-known name that has not been checked against an install.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppMatch {
    pub os: Os,
    pub exe: &'static str,
    pub verified: bool,
}

/// A built-in group of distractions the user can switch on with one tap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    pub id: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub sites: &'static [&'static str],
    pub apps: &'static [AppMatch],
}

impl Preset {
    /// The preset's name in `lang`.
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => self.name_zh,
            Lang::En => self.name_en,
        }
    }

    /// The preset's executable names for one system.
    pub fn apps_for(&self, os: Os) -> impl Iterator<Item = &'static str> + use<> {
        self.apps.iter().filter(move |a| a.os == os).map(|a| a.exe)
    }
}

/// The preset with this id.
pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// Why one entry of a blocklist was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum BlocklistError {
    #[error("empty entry")]
    Required,
    #[error("contains control characters")]
    ControlCharacters,
    #[error("too long: {actual} characters, at most {max}")]
    TooLong { max: usize, actual: usize },
    #[error("wildcards are not supported")]
    Wildcard,
    #[error("IP addresses cannot be blocked")]
    IpAddress,
    #[error("localhost cannot be blocked")]
    Localhost,
    #[error("not a domain name: no dot")]
    SingleLabel,
    #[error("non-ASCII domain names are not supported")]
    NonAscii,
    #[error("invalid character {ch:?}")]
    InvalidCharacter { ch: char },
    #[error("empty label")]
    EmptyLabel,
    #[error("label too long: {actual} characters, at most {max}")]
    LabelTooLong { max: usize, actual: usize },
    #[error("a label starts or ends with a hyphen")]
    HyphenAtEdge,
    #[error("invalid port")]
    BadPort,
    #[error("too many entries: at most {max}")]
    TooManyEntries { max: usize },
    #[error("a folder, not a program")]
    Folder,
    #[error("Daka cannot block itself")]
    Itself,
    #[error("{name} is a system process")]
    ProtectedProcess { name: String },
    #[error("{name} is on the allowlist")]
    Allowlisted { name: String },
}

impl BlocklistError {
    /// The message shown to the user, in their language: what is wrong and what to write instead.
    pub fn message(&self, lang: Lang) -> String {
        use BlocklistError as E;
        match (self, lang) {
            (E::Required, Lang::ZhCn) => "这一行是空的，请填写网址或删除这一行。".into(),
            (E::Required, Lang::En) => "This line is empty; enter a site or remove it.".into(),
            (E::ControlCharacters, Lang::ZhCn) => "不能包含换行或控制字符。".into(),
            (E::ControlCharacters, Lang::En) => {
                "Line breaks and control characters are not allowed.".into()
            }
            (E::TooLong { max, actual }, Lang::ZhCn) => {
                format!("太长了：{actual} 个字符，最多 {max} 个。")
            }
            (E::TooLong { max, actual }, Lang::En) => {
                format!("Too long: {actual} characters, at most {max}.")
            }
            (E::Wildcard, Lang::ZhCn) => {
                "通配符不需要：写 bilibili.com 就会连同 www.、m. 一起屏蔽；其他子域名请单独写一行。"
                    .into()
            }
            (E::Wildcard, Lang::En) => "No wildcards needed: bilibili.com also blocks its www. \
                                        and m. versions; list other subdomains on their own line."
                .into(),
            (E::IpAddress, Lang::ZhCn) => "不能屏蔽 IP 地址，请填写网站的域名。".into(),
            (E::IpAddress, Lang::En) => {
                "IP addresses cannot be blocked; enter the site's domain name.".into()
            }
            (E::Localhost, Lang::ZhCn) => "不能屏蔽本机（localhost）。".into(),
            (E::Localhost, Lang::En) => "localhost cannot be blocked.".into(),
            (E::SingleLabel, Lang::ZhCn) => {
                "请填写完整域名，例如 bilibili.com，而不是 bilibili。".into()
            }
            (E::SingleLabel, Lang::En) => {
                "Enter the full domain, e.g. bilibili.com rather than bilibili.".into()
            }
            (E::NonAscii, Lang::ZhCn) => {
                "暂不支持中文域名，请填写它的英文形式（以 xn-- 开头的 punycode）。".into()
            }
            (E::NonAscii, Lang::En) => "Non-ASCII domain names are not supported; enter the \
                                        punycode form (starting with xn--)."
                .into(),
            (E::InvalidCharacter { ch }, Lang::ZhCn) => {
                format!("域名里不能有“{ch}”，只能用字母、数字、“-”和“.”。")
            }
            (E::InvalidCharacter { ch }, Lang::En) => format!(
                "“{ch}” cannot appear in a domain name; use letters, digits, “-” and “.” only."
            ),
            (E::EmptyLabel, Lang::ZhCn) => "域名里有连续的点或以点开头，请检查。".into(),
            (E::EmptyLabel, Lang::En) => {
                "The name has two dots in a row or starts with a dot; please check it.".into()
            }
            (E::LabelTooLong { max, actual }, Lang::ZhCn) => {
                format!("域名中的一段有 {actual} 个字符，每段最多 {max} 个。")
            }
            (E::LabelTooLong { max, actual }, Lang::En) => {
                format!("One part of the name has {actual} characters; each part allows {max}.")
            }
            (E::HyphenAtEdge, Lang::ZhCn) => "域名的每一段不能以“-”开头或结尾。".into(),
            (E::HyphenAtEdge, Lang::En) => {
                "No part of a domain name can start or end with “-”.".into()
            }
            (E::BadPort, Lang::ZhCn) => "端口号不对；端口可以省略，只写域名即可。".into(),
            (E::BadPort, Lang::En) => {
                "The port is not valid; leave it out and write only the domain.".into()
            }
            (E::TooManyEntries { max }, Lang::ZhCn) => {
                format!("列表太长了：最多 {max} 条，多出的部分没有保存。")
            }
            (E::TooManyEntries { max }, Lang::En) => {
                format!("The list is too long: at most {max} entries; the rest were not saved.")
            }
            (E::Folder, Lang::ZhCn) => {
                "这是一个文件夹，请填写程序的文件名，例如 steam.exe。".into()
            }
            (E::Folder, Lang::En) => {
                "That is a folder; enter the program's file name, e.g. steam.exe.".into()
            }
            (E::Itself, Lang::ZhCn) => "不能屏蔽打卡自己。".into(),
            (E::Itself, Lang::En) => "Daka cannot block itself.".into(),
            (E::ProtectedProcess { name }, Lang::ZhCn) => {
                format!("“{name}”是系统进程，屏蔽它会让系统无法正常使用。")
            }
            (E::ProtectedProcess { name }, Lang::En) => {
                format!("“{name}” is part of the system; blocking it would break your computer.")
            }
            (E::Allowlisted { name }, Lang::ZhCn) => {
                format!(
                    "“{name}”在允许列表里（微信、编辑器、PDF 阅读器、终端等学习工具），不会被屏蔽。"
                )
            }
            (E::Allowlisted { name }, Lang::En) => format!(
                "“{name}” is on the allowlist (WeChat, editors, PDF readers, terminals and other \
                 study tools) and is never blocked."
            ),
        }
    }
}

/// Something about a list that is accepted but worth telling the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum BlocklistWarning {
    /// More sites than browser policies take: the rest are blocked through hosts only.
    OverBrowserPolicyLimit { count: usize, limit: usize },
    /// Entries that normalized to one already in the list were dropped.
    DuplicatesRemoved { sites: usize, apps: usize },
}

impl BlocklistWarning {
    /// The message shown to the user, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::OverBrowserPolicyLimit { count, limit }, Lang::ZhCn) => format!(
                "共 {count} 个网站：浏览器策略最多 {limit} 条，超出的部分只通过 hosts 屏蔽。"
            ),
            (Self::OverBrowserPolicyLimit { count, limit }, Lang::En) => format!(
                "{count} sites: browser policies take at most {limit}; the rest are blocked \
                 through the hosts file only."
            ),
            (Self::DuplicatesRemoved { sites, apps }, Lang::ZhCn) => {
                format!("去掉了重复的 {sites} 个网站和 {apps} 个应用。")
            }
            (Self::DuplicatesRemoved { sites, apps }, Lang::En) => {
                format!("Removed {sites} duplicate sites and {apps} duplicate apps.")
            }
        }
    }
}

/// The result of [`validate_list`]: the normalized, deduplicated entries, and what was wrong.
/// The list may be saved only when both error lists are empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListCheck {
    pub sites: Vec<String>,
    pub apps: Vec<String>,
    /// Refused sites, by index in the input.
    pub errors: Vec<(usize, BlocklistError)>,
    /// Refused apps, by index in the input.
    pub app_errors: Vec<(usize, BlocklistError)>,
    pub warnings: Vec<BlocklistWarning>,
}

impl ListCheck {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty() && self.app_errors.is_empty()
    }
}

/// Normalizes what a user typed as a site to a bare host name (see the module docs).
pub fn normalize_site(input: &str) -> Result<String, BlocklistError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(BlocklistError::Required);
    }
    if s.chars().any(char::is_control) {
        return Err(BlocklistError::ControlCharacters);
    }
    // Scheme: everything up to "://", or a protocol-relative "//".
    let s = match s.find("://") {
        Some(i) => &s[i + 3..],
        None => s.strip_prefix("//").unwrap_or(s),
    };
    // Authority: up to the first path, query or fragment delimiter.
    let end = s.find(['/', '\\', '?', '#']).unwrap_or(s.len());
    let authority = &s[..end];
    // Credentials.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.starts_with('[') || host_port.parse::<Ipv6Addr>().is_ok() {
        return Err(BlocklistError::IpAddress);
    }
    let host = match host_port.split_once(':') {
        Some((_, port)) if port.contains(':') => return Err(BlocklistError::IpAddress),
        Some((h, port)) => {
            if !port.is_empty() && (!port.bytes().all(|b| b.is_ascii_digit()) || port.len() > 5) {
                return Err(BlocklistError::BadPort);
            }
            h
        }
        None => host_port,
    };
    if host.contains('*') {
        return Err(BlocklistError::Wildcard);
    }
    if !host.is_ascii() {
        return Err(BlocklistError::NonAscii);
    }
    let mut host = host.to_ascii_lowercase();
    if host.ends_with('.') {
        host.pop();
    }
    if host.is_empty() {
        return Err(BlocklistError::Required);
    }
    if host.len() > MAX_NAME_LEN {
        return Err(BlocklistError::TooLong { max: MAX_NAME_LEN, actual: host.len() });
    }
    if host.parse::<Ipv4Addr>().is_ok() {
        return Err(BlocklistError::IpAddress);
    }
    if let Some(ch) = host.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.')))
    {
        return Err(BlocklistError::InvalidCharacter { ch });
    }
    for label in host.split('.') {
        if label.is_empty() {
            return Err(BlocklistError::EmptyLabel);
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(BlocklistError::LabelTooLong { max: MAX_LABEL_LEN, actual: label.len() });
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(BlocklistError::HyphenAtEdge);
        }
    }
    if host == "localhost" || host.ends_with(".localhost") {
        return Err(BlocklistError::Localhost);
    }
    // A numeric top-level label is an abbreviated IPv4 address (`127.1`), not a domain.
    if host.rsplit('.').next().is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit())) {
        return Err(BlocklistError::IpAddress);
    }
    if !host.contains('.') {
        return Err(BlocklistError::SingleLabel);
    }
    for prefix in ["www.", "m."] {
        if let Some(rest) = host.strip_prefix(prefix)
            && rest.contains('.')
        {
            return Ok(rest.to_owned());
        }
    }
    Ok(host)
}

/// The comparison key of an executable name: case-folded, `.exe` and `.app` dropped.
pub fn app_key(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let stem = lower.strip_suffix(".exe").or_else(|| lower.strip_suffix(".app"));
    stem.unwrap_or(&lower).to_owned()
}

/// Normalizes what a user typed as an app to an executable name (see the module docs) and
/// refuses Daka itself, system processes and allowlisted apps.
pub fn normalize_app(input: &str) -> Result<String, BlocklistError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(BlocklistError::Required);
    }
    if s.chars().any(char::is_control) {
        return Err(BlocklistError::ControlCharacters);
    }
    let is_dir = s.ends_with(['/', '\\']);
    let s = s.trim_end_matches(['/', '\\']);
    let name = s.rsplit(['/', '\\']).next().unwrap_or(s).trim();
    let lower = name.to_lowercase();
    // A folder, except a macOS bundle typed with its trailing slash.
    if is_dir && !lower.ends_with(".app") {
        return Err(BlocklistError::Folder);
    }
    let name = if lower.ends_with(".exe") {
        lower
    } else if lower.ends_with(".app") {
        name[..name.len() - 4].to_owned()
    } else {
        name.to_owned()
    };
    if name.is_empty() {
        return Err(BlocklistError::Required);
    }
    let chars = name.chars().count();
    if chars > MAX_APP_LEN {
        return Err(BlocklistError::TooLong { max: MAX_APP_LEN, actual: chars });
    }
    let key = app_key(&name);
    if DAKA_KEYS.contains(&key.as_str()) {
        return Err(BlocklistError::Itself);
    }
    if let Some(p) = PROTECTED_PROCESSES.iter().find(|p| app_key(p.exe) == key) {
        return Err(BlocklistError::ProtectedProcess { name: p.exe.to_owned() });
    }
    if let Some(a) = DEFAULT_ALLOWLIST.iter().find(|a| app_key(a.exe) == key) {
        return Err(BlocklistError::Allowlisted { name: a.exe.to_owned() });
    }
    Ok(name)
}

/// Checks a whole list: normalizes every entry, reports each bad one by index, deduplicates,
/// enforces [`MAX_ENTRIES`] and warns past [`BROWSER_POLICY_LIMIT`].
pub fn validate_list(sites: &[String], apps: &[String]) -> ListCheck {
    let mut check = ListCheck::default();
    let (out, dup_sites) = collect(sites, normalize_site, str::to_owned, &mut check.errors);
    check.sites = out;
    let (out, dup_apps) = collect(apps, normalize_app, app_key, &mut check.app_errors);
    check.apps = out;
    if check.sites.len() > BROWSER_POLICY_LIMIT {
        check.warnings.push(BlocklistWarning::OverBrowserPolicyLimit {
            count: check.sites.len(),
            limit: BROWSER_POLICY_LIMIT,
        });
    }
    if dup_sites + dup_apps > 0 {
        check
            .warnings
            .push(BlocklistWarning::DuplicatesRemoved { sites: dup_sites, apps: dup_apps });
    }
    check
}

/// Normalizes `input` into distinct entries (first-seen order); returns them and the number
/// of duplicates dropped (apps compare by [`app_key`]). The first entry past [`MAX_ENTRIES`] gets `TooManyEntries`; the rest
/// are not looked at.
fn collect(
    input: &[String],
    normalize: fn(&str) -> Result<String, BlocklistError>,
    key: fn(&str) -> String,
    errors: &mut Vec<(usize, BlocklistError)>,
) -> (Vec<String>, usize) {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut duplicates = 0;
    for (i, raw) in input.iter().enumerate() {
        match normalize(raw) {
            Ok(name) => {
                if !seen.insert(key(&name)) {
                    duplicates += 1;
                } else if out.len() == MAX_ENTRIES {
                    errors.push((i, BlocklistError::TooManyEntries { max: MAX_ENTRIES }));
                    break;
                } else {
                    out.push(name);
                }
            }
            Err(e) => errors.push((i, e)),
        }
    }
    (out, duplicates)
}
