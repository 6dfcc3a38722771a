//! Checks of what people type (names, passwords, zones, deadlines), answering the field and
//! the reason in the caller's language. Name rules are daka-core's, the same as in the app.

use daka_core::day::parse_time_zone;
use daka_core::group::Deadline;
use daka_core::lang::Lang;
use daka_core::validation::{Invalid, single_line};

use crate::error::Failure;

pub(crate) const MAX_NICKNAME_CHARS: usize = 24;
pub(crate) const MAX_GROUP_NAME_CHARS: usize = 24;
pub(crate) const MAX_DEVICE_NAME_CHARS: usize = 64;
pub(crate) const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 8..=256;
pub(crate) const USERNAME_CHARS: std::ops::RangeInclusive<usize> = 3..=32;

fn field<T>(label: (&str, &str), result: Result<T, Invalid>, lang: Lang) -> Result<T, Failure> {
    result.map_err(|e| {
        let label = lang.pick(label.0, label.1);
        let sep = lang.pick("：", ": ");
        Failure::invalid(format!("{label}{sep}{}", e.message(lang)))
    })
}

fn plain(label: (&str, &str), message: (&str, &str), lang: Lang) -> Failure {
    let sep = lang.pick("：", ": ");
    Failure::invalid(format!(
        "{}{sep}{}",
        lang.pick(label.0, label.1),
        lang.pick(message.0, message.1)
    ))
}

pub(crate) fn nickname(value: &str, lang: Lang) -> Result<String, Failure> {
    field(("昵称", "Nickname"), single_line(value, MAX_NICKNAME_CHARS), lang)
}

pub(crate) fn group_name(value: &str, lang: Lang) -> Result<String, Failure> {
    field(("小组名称", "Group name"), single_line(value, MAX_GROUP_NAME_CHARS), lang)
}

pub(crate) fn device_name(value: &str, lang: Lang) -> Result<String, Failure> {
    field(("设备名称", "Device name"), single_line(value, MAX_DEVICE_NAME_CHARS), lang)
}

/// 3–32 of `A–Z a–z 0–9 _ - .`: a login name, typed on phones and shells alike.
pub(crate) fn username(value: &str, lang: Lang) -> Result<String, Failure> {
    let v = value.trim();
    let ok_chars = v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !ok_chars || !USERNAME_CHARS.contains(&v.chars().count()) {
        return Err(plain(
            ("用户名", "Username"),
            ("需要 3–32 个字符，只能用字母、数字、_ - .", "use 3–32 letters, digits, _ - or ."),
            lang,
        ));
    }
    Ok(v.to_owned())
}

pub(crate) fn password(value: &str, lang: Lang) -> Result<(), Failure> {
    if !PASSWORD_CHARS.contains(&value.chars().count()) {
        return Err(plain(
            ("密码", "Password"),
            ("需要 8–256 个字符。", "use 8 to 256 characters."),
            lang,
        ));
    }
    Ok(())
}

pub(crate) fn time_zone(value: &str, lang: Lang) -> Result<String, Failure> {
    field(("时区", "Time zone"), parse_time_zone(value), lang).map(|tz| tz.name().to_owned())
}

pub(crate) fn deadline(value: &str, lang: Lang) -> Result<String, Failure> {
    field(("截止时间", "Deadline"), Deadline::parse(value), lang).map(|d| d.to_string())
}

pub(crate) fn in_range(
    value: u32,
    range: std::ops::RangeInclusive<u32>,
    label: (&str, &str),
    lang: Lang,
) -> Result<u32, Failure> {
    if range.contains(&value) {
        return Ok(value);
    }
    let (lo, hi) = (range.start(), range.end());
    let zh = format!("需要在 {lo} 到 {hi} 之间。");
    let en = format!("must be from {lo} to {hi}.");
    Err(plain(label, (&zh, &en), lang))
}
