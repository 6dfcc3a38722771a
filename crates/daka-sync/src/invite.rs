//! Reading what a member pastes or what the OS opens: an invite link
//! (`daka://join/<code>?server=<url-encoded server>`), the whole WeChat message around it, or a
//! bare code.

use daka_core::lang::Lang;
use reqwest::Url;
use serde::{Deserialize, Serialize};

use crate::client::{SyncError, normalize_server};

/// An invite as the app understands it, before asking the server what it leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InviteRef {
    /// The code, upper-case, without spaces.
    pub code: String,
    /// The server the link names; `None` for a bare code (the signed-in server is meant).
    pub server: Option<String>,
}

/// Codes are 4-symbol blocks joined by dashes; anything longer than this is not one.
const MAX_CODE_CHARS: usize = 64;

/// Finds the invite in `input`: a `daka://join/…` link anywhere in it, else the whole text as a
/// code. The error says, in `lang`, what is wrong.
pub fn parse_invite(input: &str, lang: Lang) -> Result<InviteRef, SyncError> {
    let bad = |zh: &str, en: &str| SyncError::Input(lang.pick(zh, en).to_owned());
    let text = input.trim();
    if let Some(start) = text.find("daka://") {
        let link: String =
            text[start..].chars().take_while(|c| !c.is_whitespace() && *c != '"').collect();
        let url = Url::parse(&link)
            .map_err(|_| bad("邀请链接不完整。", "The invite link is incomplete."))?;
        if url.host_str() != Some("join") {
            return Err(bad("这不是小组邀请链接。", "That is not a group invite link."));
        }
        let code = code_of(url.path().trim_start_matches('/'))
            .ok_or_else(|| bad("邀请链接里没有邀请码。", "The invite link has no invite code."))?;
        let server = url
            .query_pairs()
            .find(|(k, _)| k == "server")
            .map(|(_, v)| v.into_owned())
            .map(|s| {
                normalize_server(&s).ok_or_else(|| {
                    bad(
                        "邀请链接里的服务器地址无法使用。",
                        "The server address in the link is not usable.",
                    )
                })
            })
            .transpose()?;
        return Ok(InviteRef { code, server });
    }
    let code = code_of(text).ok_or_else(|| {
        bad(
            "请粘贴邀请链接（daka://join/…）或邀请码。",
            "Paste the invite link (daka://join/…) or the invite code.",
        )
    })?;
    Ok(InviteRef { code, server: None })
}

fn code_of(raw: &str) -> Option<String> {
    let code: String =
        raw.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
    let plausible = !code.is_empty()
        && code.len() <= MAX_CODE_CHARS
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    plausible.then_some(code)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_link_inside_a_wechat_message_is_found() {
        let msg = "来打卡！点开 daka://join/abcd-efgh?server=http%3A%2F%2F127.0.0.1%3A8750 加入";
        let r = parse_invite(msg, Lang::ZhCn).unwrap();
        assert_eq!(r.code, "ABCD-EFGH");
        assert_eq!(r.server.as_deref(), Some("http://127.0.0.1:8750"));
    }

    #[test]
    fn a_bare_code_is_upper_cased_and_spaces_go() {
        let r = parse_invite("  abcd efgh-jk ", Lang::En).unwrap();
        assert_eq!(r, InviteRef { code: "ABCDEFGH-JK".into(), server: None });
    }

    #[test]
    fn junk_is_refused_in_the_users_language() {
        for input in ["", "https://example.com/join", "daka://other/x", "daka://join/", "代码"] {
            let e = parse_invite(input, Lang::ZhCn).unwrap_err();
            assert!(matches!(e, SyncError::Input(_)), "{input}: {e:?}");
            assert!(e.message(Lang::ZhCn).chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
        }
        let e = parse_invite("daka://join/AB?server=%20", Lang::En).unwrap_err();
        assert!(e.message(Lang::En).contains("server address"));
    }
}
