//! Colours: two themes × four accents.
//!
//! Rules from the share-card research, because platforms re-encode uploads as JPEG: body text
//! keeps at least ~4.5:1 contrast against its panel (secondary text included), accent-coloured
//! text is only used large and bold, and no colour change happens across a 1 px line. Heatmap
//! levels step clearly in lightness so they survive compression and colour-blind eyes.

use crate::{Accent, CardTheme};

#[derive(Debug, Clone, Copy)]
pub(crate) struct Palette {
    /// Page background, a vertical gradient from `bg_top` to `bg_bottom`.
    pub bg_top: &'static str,
    pub bg_bottom: &'static str,
    /// A large soft disc behind the headline (drawn at low opacity).
    pub glow: &'static str,
    pub glow_opacity: f32,
    /// Panels.
    pub surface: &'static str,
    /// Bar tracks, chips, empty rings.
    pub track: &'static str,
    pub text: &'static str,
    /// Labels and secondary lines.
    pub text2: &'static str,
    /// The footer and the faintest labels (still ≥ 4.5:1 on the page).
    pub text3: &'static str,
    /// The big numbers, bars, the logo.
    pub accent: &'static str,
    /// A pale accent for pills behind accent-coloured or dark text.
    pub accent_soft: &'static str,
    /// Text drawn on `accent`.
    pub on_accent: &'static str,
    /// Heatmap levels 0..=4.
    pub heat: [&'static str; 5],
}

pub(crate) fn palette(theme: CardTheme, accent: Accent) -> Palette {
    match theme {
        CardTheme::Light => light(accent),
        CardTheme::Dark => dark(accent),
    }
}

fn light(accent: Accent) -> Palette {
    let base = Palette {
        bg_top: "#FFFFFF",
        bg_bottom: "#F6F7F8",
        glow: "#FFFFFF",
        glow_opacity: 0.9,
        surface: "#FFFFFF",
        track: "#EDEFF2",
        text: "#1B2027",
        text2: "#515A66",
        text3: "#656D78",
        accent: "#000000",
        accent_soft: "#FFFFFF",
        on_accent: "#FFFFFF",
        heat: ["#E8EBEF"; 5],
    };
    match accent {
        Accent::Green => Palette {
            bg_top: "#E3F4EA",
            bg_bottom: "#F6F8F6",
            glow: "#C9EBD8",
            accent: "#17925A",
            accent_soft: "#DDF2E6",
            heat: ["#E8EBEF", "#C3E8D2", "#82CFA3", "#3BAA73", "#17814F"],
            ..base
        },
        Accent::Orange => Palette {
            bg_top: "#FCEBDD",
            bg_bottom: "#F9F7F4",
            glow: "#F9D8BE",
            accent: "#E2621A",
            accent_soft: "#FCE6D6",
            heat: ["#E8EBEF", "#F9D7BC", "#F2AC74", "#E77F32", "#C25512"],
            ..base
        },
        Accent::Blue => Palette {
            bg_top: "#E2ECFC",
            bg_bottom: "#F5F7FA",
            glow: "#C9DBFA",
            accent: "#2767D8",
            accent_soft: "#DEE8FB",
            heat: ["#E8EBEF", "#C8DAFA", "#8BB2F2", "#4A86E6", "#1F5BC2"],
            ..base
        },
        Accent::Rose => Palette {
            bg_top: "#FBE4EC",
            bg_bottom: "#F9F6F7",
            glow: "#F6CCDA",
            accent: "#D23F69",
            accent_soft: "#FAE1E9",
            heat: ["#E8EBEF", "#F6C9D6", "#EC91AB", "#DC577E", "#B2325A"],
            ..base
        },
    }
}

fn dark(accent: Accent) -> Palette {
    let base = Palette {
        bg_top: "#161B21",
        bg_bottom: "#0F1216",
        glow: "#FFFFFF",
        glow_opacity: 0.3,
        surface: "#1D2229",
        track: "#2C333C",
        text: "#F2F4F6",
        text2: "#B3BBC5",
        text3: "#9AA3AE",
        accent: "#FFFFFF",
        accent_soft: "#2C333C",
        on_accent: "#0F1216",
        heat: ["#272D35"; 5],
    };
    match accent {
        Accent::Green => Palette {
            bg_top: "#10241B",
            glow: "#2FA66A",
            accent: "#43D68E",
            accent_soft: "#173A2A",
            heat: ["#272D35", "#1C4A34", "#23744D", "#2FA66A", "#48DB92"],
            ..base
        },
        Accent::Orange => Palette {
            bg_top: "#271A10",
            glow: "#C06A25",
            accent: "#FF9A4F",
            accent_soft: "#3D2818",
            heat: ["#272D35", "#4D2E17", "#7D471D", "#C46C26", "#FF9A4F"],
            ..base
        },
        Accent::Blue => Palette {
            bg_top: "#111C2E",
            glow: "#3473D0",
            accent: "#66A3FF",
            accent_soft: "#1A2B47",
            heat: ["#272D35", "#1B3358", "#24508F", "#3473D0", "#66A3FF"],
            ..base
        },
        Accent::Rose => Palette {
            bg_top: "#26121C",
            glow: "#C2456F",
            accent: "#FF77A0",
            accent_soft: "#3F1B2A",
            heat: ["#272D35", "#4A1E2E", "#7D2C48", "#C2456F", "#FF77A0"],
            ..base
        },
    }
}

/// A subject colour from the user's data if it is `#rrggbb`, else `fallback`.
pub(crate) fn subject_color(color: &str, fallback: &str) -> String {
    let ok = color.len() == 7
        && color.starts_with('#')
        && color[1..].chars().all(|c| c.is_ascii_hexdigit());
    if ok { color.to_ascii_uppercase() } else { fallback.to_owned() }
}
