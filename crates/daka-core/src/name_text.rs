//! What a single-line name may contain beyond "no control characters": no invisible format
//! characters, and one Unicode form.
//!
//! Names are shown to the user and, in a study group, to other people. An invisible direction
//! control makes `"\u{202E}evil"` display as "live"; zero-width characters make two names that
//! look the same differ (a second "数学一" beside the first, an impostor nickname). Refused: the
//! bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C), the zero-width
//! characters (U+200B–U+200D, U+2060–U+2064, U+FEFF) and the other format characters of
//! Unicode's `Cf` category (soft hyphen, interlinear annotation, tag characters …). Accepted
//! names are in NFC, so "é" typed two ways is one name.
//!
//! One rule for the app (subjects, exam, goals, templates, blocks) and the group server
//! (nicknames, group names), through [`crate::validation::single_line`].

use unicode_normalization::UnicodeNormalization;

/// Whether `c` is an invisible format character a name must not contain (Unicode `Cf`).
pub fn is_invisible(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// The first invisible character of `s`, if any.
pub fn first_invisible(s: &str) -> Option<char> {
    s.chars().find(|&c| is_invisible(c))
}

/// `s` in Unicode normalization form C.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::validation::{Invalid, single_line};

    const REFUSED: &[char] = &[
        '\u{202A}',
        '\u{202B}',
        '\u{202C}',
        '\u{202D}',
        '\u{202E}',
        '\u{2066}',
        '\u{2067}',
        '\u{2068}',
        '\u{2069}',
        '\u{200E}',
        '\u{200F}',
        '\u{200B}',
        '\u{200C}',
        '\u{200D}',
        '\u{2060}',
        '\u{FEFF}',
        '\u{061C}',
        '\u{00AD}',
        '\u{E0041}',
    ];

    #[test]
    fn the_spoofed_subject_of_the_report_is_refused() {
        assert_eq!(
            single_line("\u{202E}evil", 24),
            Err(Invalid::InvisibleCharacter { code: 0x202E })
        );
        let e = Invalid::InvisibleCharacter { code: 0x202E };
        assert!(e.message(crate::lang::Lang::ZhCn).contains("U+202E"));
        assert!(e.message(crate::lang::Lang::En).contains("U+202E"));
    }

    #[test]
    fn names_are_stored_in_nfc() {
        // "é" as e + combining acute, and as one character.
        assert_eq!(single_line("Caf\u{0065}\u{0301}", 24), Ok("Caf\u{00E9}".to_owned()));
        // NFC may shorten a name: the limit counts what is stored.
        assert_eq!(single_line("e\u{0301}e\u{0301}", 2), Ok("\u{00E9}\u{00E9}".to_owned()));
    }

    #[test]
    fn emoji_and_cjk_stay_as_they_are() {
        for name in ["数学一", "英语（二）", "408 计算机", "📚 政治", "Ⅱ 高数"] {
            assert_eq!(single_line(name, 24).as_deref(), Ok(name));
        }
    }

    proptest! {
        /// Any visible name with a refused character put anywhere in it is refused.
        #[test]
        fn a_refused_character_anywhere_is_refused(
            name in "[a-zA-Z0-9 数学英语政治]{1,20}",
            at in 0usize..21,
            which in 0usize..REFUSED.len(),
        ) {
            let mut chars: Vec<char> = name.chars().collect();
            let at = at.min(chars.len());
            chars.insert(at, REFUSED[which]);
            let spoofed: String = chars.into_iter().collect();
            let result = single_line(&spoofed, 40);
            prop_assert!(result.is_err(), "{spoofed:?} accepted as {result:?}");
        }

        /// What is accepted is trimmed, in NFC, free of control and invisible characters, within
        /// the limit, and accepted again unchanged.
        #[test]
        fn what_is_accepted_is_clean_and_stable(name in "\\PC{0,30}", max in 1usize..30) {
            if let Ok(stored) = single_line(&name, max) {
                prop_assert_eq!(stored.trim(), stored.as_str());
                prop_assert_eq!(&nfc(&stored), &stored);
                prop_assert!(!stored.chars().any(|c| c.is_control() || is_invisible(c)));
                prop_assert!(stored.chars().count() <= max);
                prop_assert_eq!(single_line(&stored, max), Ok(stored));
            }
        }
    }
}
