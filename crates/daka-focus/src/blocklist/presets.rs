//! The built-in data: distraction presets for 考研 preparers, the default allowlist and the
//! processes Daka never touches.
//!
//! Hosts files cannot do wildcards, so a preset lists the sub-hosts that matter on their own
//! (`live.bilibili.com`, `space.bilibili.com` …) next to the registrable domain, plus the short
//! links and CDNs without which a blocked site still "half works" (`b23.tv`, `xhslink.com`,
//! `bilivideo.com`). The `www.` and `m.` variants are added by the hosts writer. Every site here
//! is already in the form [`super::normalize_site`] produces (a test checks it).
//!
//! Executable names: `verified: true` marks names that are widely documented in public
//! process lists and vendor support pages (e.g. `steam.exe`, `EpicGamesLauncher.exe`);
//! `verified: false` marks the best-known name that has not been checked against an install. Neither
//! kind has been checked on a real install from this repository; users can edit the lists.

use super::{AppMatch, Os, Preset};

const fn v(os: Os, exe: &'static str) -> AppMatch {
    AppMatch { os, exe, verified: true }
}

const fn g(os: Os, exe: &'static str) -> AppMatch {
    AppMatch { os, exe, verified: false }
}

use Os::{Linux, MacOs, Windows};

/// Distraction presets, in the order the UI shows them.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "bilibili",
        name_zh: "哔哩哔哩",
        name_en: "Bilibili",
        sites: &[
            "bilibili.com",
            "live.bilibili.com",
            "space.bilibili.com",
            "search.bilibili.com",
            "t.bilibili.com",
            "api.bilibili.com",
            "b23.tv",
            "bilibili.tv",
            "bilivideo.com",
            "bilivideo.cn",
            "hdslb.com",
            "biliapi.net",
            "biliapi.com",
        ],
        apps: &[
            g(Windows, "哔哩哔哩.exe"),
            g(MacOs, "哔哩哔哩"),
            g(MacOs, "bilibili"),
            // The community Linux port (msojocs/bilibili-linux).
            g(Linux, "bilibili"),
        ],
    },
    Preset {
        id: "douyin",
        name_zh: "抖音",
        name_en: "Douyin",
        sites: &[
            "douyin.com",
            "live.douyin.com",
            "iesdouyin.com",
            "douyinvod.com",
            "douyincdn.com",
            "douyinpic.com",
            "amemv.com",
        ],
        apps: &[g(Windows, "douyin.exe"), g(MacOs, "抖音"), g(MacOs, "douyin")],
    },
    Preset {
        id: "kuaishou",
        name_zh: "快手",
        name_en: "Kuaishou",
        sites: &["kuaishou.com", "live.kuaishou.com", "kuaishou.cn", "gifshow.com", "yximgs.com"],
        apps: &[g(Windows, "kuaishou.exe"), g(MacOs, "快手")],
    },
    Preset {
        id: "weibo",
        name_zh: "微博",
        name_en: "Weibo",
        sites: &["weibo.com", "weibo.cn", "s.weibo.com", "t.cn"],
        apps: &[g(Windows, "weibo.exe"), g(MacOs, "微博")],
    },
    Preset {
        id: "xiaohongshu",
        name_zh: "小红书",
        name_en: "Xiaohongshu (RED)",
        sites: &["xiaohongshu.com", "edith.xiaohongshu.com", "xhslink.com", "xhscdn.com"],
        // No desktop client; on Apple-silicon Macs the iPad app runs under this name.
        apps: &[g(MacOs, "小红书")],
    },
    Preset {
        id: "zhihu",
        name_zh: "知乎",
        name_en: "Zhihu",
        sites: &["zhihu.com", "zhuanlan.zhihu.com", "zhimg.com"],
        apps: &[],
    },
    Preset {
        id: "video",
        name_zh: "视频网站（爱奇艺、优酷、腾讯视频、芒果TV）",
        name_en: "Video sites (iQIYI, Youku, Tencent Video, Mango TV)",
        sites: &[
            "iqiyi.com",
            "iq.com",
            "youku.com",
            "tudou.com",
            "v.qq.com",
            "film.qq.com",
            "mgtv.com",
        ],
        apps: &[
            g(Windows, "QyClient.exe"),
            g(MacOs, "爱奇艺"),
            g(Windows, "YoukuDesktop.exe"),
            g(MacOs, "优酷"),
            g(Windows, "QQLive.exe"),
            g(MacOs, "腾讯视频"),
            g(Windows, "MangoTV.exe"),
        ],
    },
    Preset {
        id: "live",
        name_zh: "直播（虎牙、斗鱼）",
        name_en: "Live streaming (Huya, Douyu)",
        sites: &["huya.com", "douyu.com", "douyucdn.cn"],
        apps: &[g(Windows, "Huya.exe"), g(Windows, "DouyuLive.exe")],
    },
    Preset {
        id: "games",
        name_zh: "游戏平台",
        name_en: "Game launchers",
        sites: &[
            "steampowered.com",
            "store.steampowered.com",
            "steamcommunity.com",
            "epicgames.com",
            "store.epicgames.com",
            "wegame.com.cn",
            "4399.com",
            "7k7k.com",
        ],
        apps: &[
            v(Linux, "steam"),
            v(Windows, "steam.exe"),
            v(MacOs, "steam_osx"),
            v(Windows, "wegame.exe"),
            v(Windows, "EpicGamesLauncher.exe"),
            g(MacOs, "EpicGamesLauncher"),
            v(Windows, "Battle.net.exe"),
            g(MacOs, "Battle.net"),
            v(Windows, "EADesktop.exe"),
            v(Windows, "upc.exe"),
            v(Windows, "GalaxyClient.exe"),
            v(Windows, "LeagueClient.exe"),
            g(Windows, "YuanShen.exe"),
            g(Windows, "GenshinImpact.exe"),
            g(Windows, "StarRail.exe"),
            v(Windows, "MinecraftLauncher.exe"),
            v(Linux, "lutris"),
            g(Linux, "heroic"),
        ],
    },
];

/// Apps that are never blocked by default and that a user cannot add to a blocklist: WeChat
/// (study groups, 研友), editors and note apps, dictionaries and flash cards, PDF readers and
/// terminals.
pub const DEFAULT_ALLOWLIST: &[AppMatch] = &[
    // WeChat (4.x on Windows runs as Weixin.exe).
    v(Linux, "wechat"),
    v(Windows, "WeChat.exe"),
    g(Windows, "Weixin.exe"),
    v(MacOs, "WeChat"),
    // Editors and IDEs.
    v(Linux, "code"),
    v(Linux, "codium"),
    v(Windows, "Code.exe"),
    v(MacOs, "Code"),
    v(Linux, "vim"),
    v(Linux, "nvim"),
    v(Linux, "gvim"),
    v(Linux, "emacs"),
    v(MacOs, "Emacs"),
    v(Linux, "idea"),
    v(Windows, "idea64.exe"),
    v(MacOs, "idea"),
    v(Linux, "pycharm"),
    v(Windows, "pycharm64.exe"),
    v(Linux, "clion"),
    v(Windows, "clion64.exe"),
    v(Linux, "sublime_text"),
    v(Windows, "sublime_text.exe"),
    v(Windows, "notepad.exe"),
    v(Windows, "notepad++.exe"),
    v(MacOs, "TextEdit"),
    v(Linux, "gedit"),
    v(Linux, "kate"),
    v(Linux, "typora"),
    v(Windows, "Typora.exe"),
    v(Linux, "obsidian"),
    v(Windows, "Obsidian.exe"),
    v(MacOs, "Obsidian"),
    // Office and study tools.
    v(Linux, "wps"),
    v(Windows, "wps.exe"),
    v(Windows, "WINWORD.EXE"),
    v(MacOs, "Microsoft Word"),
    v(Linux, "anki"),
    v(Windows, "anki.exe"),
    v(MacOs, "Anki"),
    g(Windows, "eudic.exe"),
    g(MacOs, "Eudic"),
    // PDF readers.
    v(Linux, "evince"),
    v(Linux, "okular"),
    v(Linux, "zathura"),
    v(Windows, "SumatraPDF.exe"),
    v(Windows, "Acrobat.exe"),
    v(Windows, "AcroRd32.exe"),
    g(MacOs, "AdobeAcrobat"),
    v(MacOs, "Preview"),
    // Terminals.
    v(Linux, "gnome-terminal-server"),
    v(Linux, "konsole"),
    v(Linux, "xterm"),
    v(Linux, "alacritty"),
    v(Linux, "kitty"),
    v(Linux, "wezterm-gui"),
    v(Linux, "foot"),
    v(Windows, "WindowsTerminal.exe"),
    v(Windows, "cmd.exe"),
    v(Windows, "powershell.exe"),
    v(Windows, "pwsh.exe"),
    v(MacOs, "Terminal"),
    v(MacOs, "iTerm2"),
];

/// Processes that are part of the system or of Daka: refused in every list, never killed.
pub const PROTECTED_PROCESSES: &[AppMatch] = &[
    v(Linux, "systemd"),
    v(Linux, "init"),
    v(Linux, "Xorg"),
    v(Linux, "Xwayland"),
    v(Linux, "gnome-shell"),
    v(Linux, "gnome-session-binary"),
    v(Linux, "kwin_x11"),
    v(Linux, "kwin_wayland"),
    v(Linux, "kwin"),
    v(Linux, "plasmashell"),
    v(Linux, "ksmserver"),
    v(Linux, "xfwm4"),
    v(Linux, "mutter"),
    v(Linux, "gdm"),
    v(Linux, "sddm"),
    v(Linux, "lightdm"),
    v(Linux, "dbus-daemon"),
    v(Linux, "dbus-broker"),
    v(Linux, "pipewire"),
    v(Linux, "wireplumber"),
    v(Linux, "pulseaudio"),
    v(Linux, "NetworkManager"),
    v(Linux, "polkitd"),
    v(Linux, "sshd"),
    v(Linux, "login"),
    v(Linux, "sudo"),
    v(Linux, "bash"),
    v(Linux, "sh"),
    v(Windows, "explorer.exe"),
    v(Windows, "dwm.exe"),
    v(Windows, "csrss.exe"),
    v(Windows, "winlogon.exe"),
    v(Windows, "wininit.exe"),
    v(Windows, "lsass.exe"),
    v(Windows, "services.exe"),
    v(Windows, "svchost.exe"),
    v(Windows, "smss.exe"),
    v(Windows, "System"),
    v(Windows, "taskmgr.exe"),
    v(Windows, "conhost.exe"),
    v(Windows, "sihost.exe"),
    v(Windows, "ctfmon.exe"),
    v(Windows, "fontdrvhost.exe"),
    v(MacOs, "launchd"),
    v(MacOs, "kernel_task"),
    v(MacOs, "loginwindow"),
    v(MacOs, "WindowServer"),
    v(MacOs, "Finder"),
    v(MacOs, "Dock"),
    v(MacOs, "SystemUIServer"),
    v(MacOs, "Activity Monitor"),
    // Daka itself and its helper.
    v(Linux, "daka"),
    v(Linux, "daka-blockd"),
    v(Windows, "daka.exe"),
    v(Windows, "daka-blockd.exe"),
    v(MacOs, "Daka"),
    v(MacOs, "打卡"),
];
