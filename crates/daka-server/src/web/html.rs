//! The web pages' HTML. Everything user-provided goes through [`esc`]. One small stylesheet,
//! inline (the CSP allows inline styles and nothing else), laid out for a phone first.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use daka_core::group::minutes_text;
use daka_core::lang::Lang;
use daka_server_db::GroupView;
use daka_wire::Board;

/// Escapes text for HTML content and attribute values.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
:root{color-scheme:light;--ink:#1f2937;--soft:#6b7280;--line:#e5e7eb;--accent:#e8590c;--ok:#15803d;--late:#b45309}
*{box-sizing:border-box}body{margin:0;font:16px/1.55 system-ui,-apple-system,'PingFang SC','Noto Sans CJK SC','Microsoft YaHei',sans-serif;color:var(--ink);background:#faf7f2}
main{max-width:40rem;margin:0 auto;padding:1rem}
header{display:flex;justify-content:space-between;align-items:center;gap:.5rem;flex-wrap:wrap}
h1{font-size:1.35rem;margin:.5rem 0}h2{font-size:1.05rem;margin:1.25rem 0 .5rem;color:var(--soft)}
a{color:var(--accent)}.muted{color:var(--soft);font-size:.9rem}
.card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:.75rem 1rem;margin:.5rem 0}
ol.board{list-style:none;padding:0;margin:0}ol.board li{display:grid;grid-template-columns:2rem 1fr auto;gap:.25rem .5rem;align-items:baseline;padding:.6rem 0;border-bottom:1px solid var(--line)}
ol.board li:last-child{border-bottom:0}.pos{font-weight:700;color:var(--soft)}.name{font-weight:600}
.subjects{grid-column:2/4;font-size:.92rem}.chip{display:inline-block;margin:.1rem .35rem .1rem 0;white-space:nowrap}
.dot{display:inline-block;width:.6rem;height:.6rem;border-radius:50%;margin-right:.25rem;vertical-align:middle}
.ok{color:var(--ok)}.late{color:var(--late)}.note{grid-column:2/4;color:var(--soft);font-size:.9rem;white-space:pre-wrap}
nav.days{display:flex;justify-content:space-between;gap:.5rem;margin:.5rem 0}
pre{white-space:pre-wrap;word-break:break-word;background:#fff;border:1px dashed var(--line);border-radius:12px;padding:.75rem 1rem;font:inherit;user-select:all}
form.stack{display:grid;gap:.75rem}label{display:grid;gap:.25rem;font-size:.95rem}
input{font:inherit;padding:.6rem .7rem;border:1px solid var(--line);border-radius:8px;background:#fff}
button{font:inherit;padding:.6rem 1rem;border:0;border-radius:8px;background:var(--accent);color:#fff;cursor:pointer}
button.link{background:none;color:var(--accent);padding:0;text-decoration:underline}
.error{color:#b91c1c}
.photos{grid-column:2/4;display:flex;flex-wrap:wrap;gap:.35rem;margin-top:.25rem}
.photos a{display:block;line-height:0}.photos img{width:4.5rem;height:4.5rem;object-fit:cover;border-radius:8px;border:1px solid var(--line);background:#fff}
";

fn shell(lang: Lang, title: &str, switch_to: &str, body: &str) -> String {
    let other = match lang {
        Lang::ZhCn => Lang::En,
        Lang::En => Lang::ZhCn,
    };
    let other_label = lang.pick("English", "中文");
    format!(
        "<!doctype html><html lang=\"{tag}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{title}</title><style>{STYLE}</style></head><body><main>{body}\
<p class=\"muted\"><a href=\"{switch_to}{sep}lang={other_tag}\">{other_label}</a> · {footer}</p></main></body></html>",
        tag = lang.tag(),
        title = esc(title),
        sep = if switch_to.contains('?') { "&" } else { "?" },
        other_tag = other.tag(),
        footer = lang.pick("打卡 Daka 小组服务器", "Daka group server"),
    )
}

pub(super) fn message_page(lang: Lang, message: &str) -> String {
    let back = lang.pick("返回", "Back");
    shell(
        lang,
        "Daka",
        "/",
        &format!(
            "<h1>Daka</h1><p class=\"card error\">{}</p><p><a href=\"/\">{back}</a></p>",
            esc(message)
        ),
    )
}

pub(super) fn sign_in_page(lang: Lang, error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", esc(e)))
        .unwrap_or_default();
    let body = format!(
        "<h1>{title}</h1><p class=\"muted\">{hint}</p>{error}\
<form class=\"stack card\" method=\"post\" action=\"/web/sign-in\">\
<label>{user}<input name=\"username\" autocomplete=\"username\" required maxlength=\"32\"></label>\
<label>{pass}<input name=\"password\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"256\"></label>\
<button type=\"submit\">{submit}</button></form>",
        title = lang.pick("登录查看小组打卡", "Sign in to see your groups"),
        hint = lang.pick(
            "用你在打卡 App 里注册的账号登录。",
            "Use the account you created in the Daka app."
        ),
        user = lang.pick("用户名", "Username"),
        pass = lang.pick("密码", "Password"),
        submit = lang.pick("登录", "Sign in"),
    );
    shell(lang, lang.pick("登录 · 打卡", "Sign in · Daka"), "/", &body)
}

fn sign_out_form(lang: Lang) -> String {
    format!(
        "<form method=\"post\" action=\"/web/sign-out\"><button class=\"link\" type=\"submit\">{}</button></form>",
        lang.pick("退出登录", "Sign out")
    )
}

pub(super) fn groups_page(lang: Lang, nickname: &str, groups: &[GroupView]) -> String {
    let list = if groups.is_empty() {
        format!(
            "<p class=\"card muted\">{}</p>",
            lang.pick(
                "你还没有加入小组。在打卡 App 的“小组”页创建或加入一个。",
                "You are in no group yet. Create or join one on the Groups screen of the Daka app."
            )
        )
    } else {
        groups
            .iter()
            .map(|g| {
                let members = match lang {
                    Lang::ZhCn => format!("{} 人 · 截止 {} · {}", g.member_count, g.group.deadline, g.group.tz),
                    Lang::En => format!("{} members · deadline {} · {}", g.member_count, g.group.deadline, g.group.tz),
                };
                format!(
                    "<a class=\"card\" style=\"display:block;text-decoration:none;color:inherit\" href=\"/web/groups/{}\"><strong>{}</strong><br><span class=\"muted\">{}</span></a>",
                    g.group.id,
                    esc(&g.group.name),
                    esc(&members)
                )
            })
            .collect()
    };
    let hello = match lang {
        Lang::ZhCn => format!("{}，你好", esc(nickname)),
        Lang::En => format!("Hi, {}", esc(nickname)),
    };
    let body = format!(
        "<header><h1>{hello}</h1>{}</header><h2>{}</h2>{list}",
        sign_out_form(lang),
        lang.pick("我的小组", "My groups")
    );
    shell(lang, lang.pick("我的小组 · 打卡", "My groups · Daka"), "/", &body)
}

/// `12月6日 星期日` / `Sun, Dec 6`.
pub(super) fn day_label(date: NaiveDate, lang: Lang) -> String {
    const ZH_WEEK: [&str; 7] =
        ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"];
    const EN_WEEK: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const EN_MONTH: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let wd = date.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::ZhCn => format!("{}月{}日 {}", date.month(), date.day(), ZH_WEEK[wd]),
        Lang::En => format!("{}, {} {}", EN_WEEK[wd], EN_MONTH[date.month0() as usize], date.day()),
    }
}

fn clock(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%H:%M").to_string()
}

fn entries_html(lang: Lang, board: &Board, tz: Tz) -> String {
    if board.entries.is_empty() {
        return format!(
            "<p class=\"card muted\">{}</p>",
            lang.pick("还没有人打卡。", "Nobody has punched in yet.")
        );
    }
    let items: String = board
        .entries
        .iter()
        .map(|e| {
            let when = e.first_punch_utc.map(|t| clock(t, tz)).unwrap_or_default();
            let status = if e.on_time {
                format!("<span class=\"ok\">✓ {}</span>", esc(&when))
            } else {
                format!("<span class=\"late\">{} {}</span>", lang.pick("迟交", "late"), esc(&when))
            };
            let subjects: String = if e.minutes.is_empty() {
                format!("<span class=\"chip muted\">{}</span>", lang.pick("已打卡", "checked in"))
            } else {
                e.minutes
                    .iter()
                    .map(|m| {
                        format!(
                            "<span class=\"chip\"><span class=\"dot\" style=\"background:{}\"></span>{} {}</span>",
                            esc(&m.color),
                            esc(&m.subject),
                            minutes_text(m.minutes)
                        )
                    })
                    .collect()
            };
            let notes: String = e.notes.iter().map(|n| format!("<div class=\"note\">{}</div>", esc(n))).collect();
            let photos = photos_html(lang, board, e);
            format!(
                "<li><span class=\"pos\">{}.</span><span class=\"name\">{}</span>{status}<div class=\"subjects\">{subjects}</div>{notes}{photos}</li>",
                e.position,
                esc(&e.nickname)
            )
        })
        .collect();
    format!("<ol class=\"board card\">{items}</ol>")
}

/// The member's shared photos as thumbnails, each a link to the picture itself (ids are
/// UUIDs, so nothing here needs escaping beyond the nickname in the alt text).
fn photos_html(lang: Lang, board: &Board, e: &daka_wire::BoardEntry) -> String {
    if e.photos.is_empty() {
        return String::new();
    }
    let alt = esc(&format!("{}{}", e.nickname, lang.pick("的打卡照片", "'s punch-in photo")));
    let imgs: String = e
        .photos
        .iter()
        .map(|id| {
            let src = format!("/web/groups/{}/photos/{id}", board.group_id);
            format!("<a href=\"{src}\"><img src=\"{src}\" alt=\"{alt}\" loading=\"lazy\"></a>")
        })
        .collect();
    format!("<div class=\"photos\">{imgs}</div>")
}

fn names(list: &[daka_wire::BoardMember], lang: Lang) -> String {
    list.iter().map(|m| esc(&m.nickname)).collect::<Vec<_>>().join(lang.pick("、", ", "))
}

pub(super) fn board_page(lang: Lang, board: &Board, tz: Tz) -> String {
    let prev = board.date - Duration::days(1);
    let next = board.date + Duration::days(1);
    let next_link = if board.date < board.today {
        format!("<a href=\"?date={next}\">{} ›</a>", esc(&day_label(next, lang)))
    } else {
        String::new()
    };
    let deadline = match lang {
        Lang::ZhCn => format!("截止 {}（{}）", clock(board.deadline_utc, tz), tz.name()),
        Lang::En => format!("Deadline {} ({})", clock(board.deadline_utc, tz), tz.name()),
    };
    let mut rest = String::new();
    if !board.on_leave.is_empty() {
        rest.push_str(&format!(
            "<p class=\"card\">{}{}</p>",
            lang.pick("请假：", "On leave: "),
            names(&board.on_leave, lang)
        ));
    }
    if !board.missing.is_empty() {
        rest.push_str(&format!(
            "<p class=\"card\">{}{}</p>",
            lang.pick("未打卡：", "Not yet: "),
            names(&board.missing, lang)
        ));
    }
    let body = format!(
        "<header><h1>{name}</h1><a href=\"/\">{groups}</a></header>\
<p class=\"muted\">{day} · {deadline}</p>\
<nav class=\"days\"><a href=\"?date={prev}\">‹ {prev_label}</a>{next_link}</nav>\
<h2>{ranked}</h2>{entries}{rest}<h2>{copy}</h2><pre>{text}</pre>",
        name = esc(&board.group_name),
        groups = lang.pick("我的小组", "My groups"),
        day = esc(&day_label(board.date, lang)),
        prev_label = esc(&day_label(prev, lang)),
        ranked = lang.pick("接龙", "Check-in order"),
        entries = entries_html(lang, board, tz),
        copy = lang
            .pick("接龙文字（长按复制，粘贴到微信）", "Relay text (select and copy into WeChat)"),
        text = esc(&board.jielong_text),
    );
    let title = format!("{} · {}", board.group_name, day_label(board.date, lang));
    shell(lang, &title, &format!("/web/groups/{}?date={}", board.group_id, board.date), &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_everywhere() {
        assert_eq!(esc("<script>\"&'"), "&lt;script&gt;&quot;&amp;&#39;");
    }

    #[test]
    fn days_are_localized() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default();
        assert_eq!(day_label(d, Lang::ZhCn), "12月6日 星期日");
        assert_eq!(day_label(d, Lang::En), "Sun, Dec 6");
    }
}
