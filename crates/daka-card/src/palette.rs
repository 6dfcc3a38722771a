//! Colours: two themes × four accents.
//!
//! Rules from the share-card research, because platforms re-encode uploads as JPEG: body text
//! keeps at least ~4.5:1 contrast against its panel (secondary text included), accent-coloured
//! text is only used large and bold, and no colour change happens across a 1 px line. Heatmap
//! levels step clearly in lightness so they survive compression and colour-blind eyes.
//!
//! On the dark theme the lower levels (also the bars of days below the target) are the accent
//! made darker at full chroma, ~0.1 OKLCH lightness per level below the accent, not the accent
//! mixed into the background: a mix loses chroma, and a dark, greyed orange is brown. Orange's
//! lower levels also lean a few degrees towards red, which keeps them ember rather than mud.

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
            heat: ["#272D35", "#027547", "#01975C", "#0BBA74", "#48DB92"],
            ..base
        },
        Accent::Orange => Palette {
            // A dim orange reads brown: the dark page and its glow lean towards red (ember).
            bg_top: "#26160F",
            glow: "#D75A21",
            accent: "#FF9A4F",
            accent_soft: "#3D2818",
            heat: ["#272D35", "#973E01", "#BD580E", "#DE7932", "#FF9A4F"],
            ..base
        },
        Accent::Blue => Palette {
            bg_top: "#111C2E",
            glow: "#3473D0",
            accent: "#66A3FF",
            accent_soft: "#1A2B47",
            heat: ["#272D35", "#07479B", "#2A65BB", "#4883DD", "#66A3FF"],
            ..base
        },
        Accent::Rose => Palette {
            bg_top: "#26121C",
            glow: "#C2456F",
            accent: "#FF77A0",
            accent_soft: "#3F1B2A",
            heat: ["#272D35", "#960D49", "#B93665", "#DC5782", "#FF77A0"],
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

#[cfg(test)]
mod tests {
    use super::*;

    /// OKLCH (lightness 0..1, chroma, hue in degrees) of `#rrggbb`.
    fn oklch(hex: &str) -> (f32, f32, f32) {
        let channel = |i: usize| {
            let c = f32::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0)) / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        let (r, g, b) = (channel(1), channel(3), channel(5));
        let l = (0.412_221_46 * r + 0.536_332_55 * g + 0.051_445_995 * b).cbrt();
        let m = (0.211_903_5 * r + 0.680_699_5 * g + 0.107_396_96 * b).cbrt();
        let s = (0.088_302_46 * r + 0.281_718_85 * g + 0.629_978_7 * b).cbrt();
        let lightness = 0.210_454_26 * l + 0.793_617_8 * m - 0.004_072_047 * s;
        let a = 1.977_998_5 * l - 2.428_592_2 * m + 0.450_593_7 * s;
        let b = 0.025_904_037 * l + 0.782_771_77 * m - 0.808_675_77 * s;
        (lightness, a.hypot(b), b.atan2(a).to_degrees().rem_euclid(360.0))
    }

    fn hue_distance(a: f32, b: f32) -> f32 {
        let d = (a - b).rem_euclid(360.0);
        d.min(360.0 - d)
    }

    #[test]
    fn heat_levels_step_in_lightness_and_read_as_the_accent() {
        for theme in CardTheme::ALL {
            for accent in Accent::ALL {
                let pal = palette(theme, accent);
                let (_, accent_c, accent_h) = oklch(pal.accent);
                let levels: Vec<(f32, f32, f32)> = pal.heat.iter().map(|c| oklch(c)).collect();
                for (i, pair) in levels.windows(2).enumerate() {
                    let step = match theme {
                        CardTheme::Light => pair[0].0 - pair[1].0,
                        CardTheme::Dark => pair[1].0 - pair[0].0,
                    };
                    // Level 0 (no study) differs from level 1 in colour as well as lightness.
                    let least = if i == 0 { 0.035 } else { 0.07 };
                    assert!(step >= least, "{theme:?} {accent:?}: levels too close {:?}", pal.heat);
                }
                // Levels 1–4 carry the accent's hue; on the dark theme with real colour (chroma),
                // not a brownish or grey mix. Level 2 is also the colour of bars below target.
                for (i, &(l, c, h)) in levels.iter().enumerate().skip(1) {
                    let what = format!("{theme:?} {accent:?} level {i} {}", pal.heat[i]);
                    assert!(hue_distance(h, accent_h) <= 20.0, "{what}: hue {h} vs {accent_h}");
                    if theme == CardTheme::Dark {
                        assert!(c >= 0.75 * accent_c.min(0.15), "{what}: chroma {c}");
                        assert!(l >= 0.4, "{what}: lightness {l}");
                    }
                }
            }
        }
    }
}
