//! User text on a card: cleaning, escaping, measuring, and the line breaker.
//!
//! SVG 1.1 has no automatic wrapping (and resvg won't implement `inline-size`), so every line on
//! a card is decided here, measured with the advances of the faces that will draw it.
//!
//! The breaker is greedy and CJK-aware:
//! * a break may fall between any two CJK characters, after a space, and between a CJK character
//!   and a Latin word; Latin words (letters, digits and the punctuation inside them, as in
//!   "don't" or "3.14") stay whole unless one alone is wider than the line;
//! * simple kinsoku (禁则): no line starts with closing punctuation (，。！？、」』）》】；：… and
//!   their ASCII kin), no line ends with an opening bracket (「『（《【“ …). Such characters are
//!   glued to their neighbour, and the pair moves to the next line together (push-out; nothing
//!   hangs into the margin);
//! * text that does not fit in the allowed lines ends with "…" on the last line, after trimming
//!   trailing commas and spaces.

use crate::fonts::{Coverage, Fonts, Weight};
use std::collections::HashMap;

/// The ellipsis that ends text cut to fit.
pub(crate) const ELLIPSIS: char = '…';

/// May not start a line.
fn no_start(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '！'
            | '？'
            | '、'
            | '；'
            | '：'
            | '」'
            | '』'
            | '）'
            | '》'
            | '】'
            | '〉'
            | '〕'
            | '〗'
            | '〙'
            | '〛'
            | '”'
            | '’'
            | '…'
            | '‥'
            | '·'
            | '・'
            | '～'
            | 'ー'
            | '．'
            | '％'
            | '‰'
            | '℃'
            | '°'
            | '゛'
            | '゜'
            | 'ゝ'
            | 'ゞ'
            | '々'
            | '〻'
            | ','
            | '.'
            | '!'
            | '?'
            | ';'
            | ':'
            | ')'
            | ']'
            | '}'
            | '%'
            | '\u{ff3d}'
            | '\u{ff5d}'
            | '\u{ff1e}'
    )
}

/// May not end a line.
fn no_end(c: char) -> bool {
    matches!(
        c,
        '「' | '『'
            | '（'
            | '《'
            | '【'
            | '〈'
            | '〔'
            | '〖'
            | '〘'
            | '〚'
            | '“'
            | '‘'
            | '('
            | '['
            | '{'
            | '\u{ff3b}'
            | '\u{ff5b}'
            | '\u{ff1c}'
            | '¥'
            | '$'
            | '£'
            | '€'
            | '#'
    )
}

/// Part of a Latin-style word that must not be split (letters, digits, marks, and punctuation
/// that sits inside words). CJK ideographs, kana and hangul are not.
fn wordish(c: char) -> bool {
    if c.is_ascii_alphanumeric() || matches!(c, '\'' | '-' | '_' | '.' | '/' | '@' | '&') {
        return true;
    }
    let u = c as u32;
    // Latin-1 letters, Latin Extended, Greek, Cyrillic, Hebrew/Arabic letters (kept whole so an
    // RTL word is never split mid-word), combining marks.
    (0x00C0..=0x024F).contains(&u)
        || (0x0300..=0x052F).contains(&u)
        || (0x0590..=0x08FF).contains(&u)
        || (0x1E00..=0x1EFF).contains(&u)
}

/// Characters that never take space and need no glyph (joiners, variation selectors, marks).
pub(crate) fn is_ignorable(c: char) -> bool {
    matches!(c as u32,
        0x200B..=0x200F | 0x2060..=0x2064 | 0xFE00..=0xFE0F | 0xE0100..=0xE01EF | 0x1F3FB..=0x1F3FF
            | 0xFEFF)
}

/// Removes what must not reach the SVG or could disturb the layout:
/// * control characters (XML 1.0 forbids most of them; usvg would refuse the document);
///   a newline is kept when `multiline`, otherwise it (and a tab) becomes a space;
/// * the non-characters U+FFFE/U+FFFF (also forbidden in XML);
/// * explicit bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069): an unclosed
///   override would reorder everything after it. Right-to-left letters themselves are kept;
///   each text element is laid out left-to-right at its anchor, with the RTL run reordered in
///   place.
///
/// Runs of spaces collapse to one; the ends are trimmed.
pub(crate) fn clean(text: &str, multiline: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.chars() {
        let c = match c {
            '\n' if multiline => '\n',
            '\n' | '\t' => ' ',
            '\r' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FFFE}' | '\u{FFFF}' => {
                continue;
            }
            c if c.is_control() => continue,
            '\u{3000}' | '\u{00A0}' => ' ',
            c => c,
        };
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else if c == '\n' {
            while out.ends_with(' ') {
                out.pop();
            }
            out.push('\n');
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out.trim().to_owned()
}

/// Escapes text for use as SVG character data or an attribute value.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Measures text as the card's fonts will draw it.
pub(crate) struct Measure<'a> {
    fonts: &'a Fonts,
    /// Advances (em) of characters only a system face has, found during the coverage check.
    system: HashMap<char, f32>,
}

impl<'a> Measure<'a> {
    pub(crate) fn new(fonts: &'a Fonts) -> Self {
        Measure { fonts, system: HashMap::new() }
    }

    /// Checks `c`, remembering the advance of a system-drawn character.
    pub(crate) fn check(&mut self, c: char) -> Coverage {
        if is_ignorable(c) || c == '\n' || c == ' ' {
            return Coverage::Bundled;
        }
        if let Some(&advance) = self.system.get(&c) {
            return Coverage::System(advance);
        }
        let coverage = self.fonts.coverage(c);
        if let Coverage::System(advance) = coverage {
            self.system.insert(c, advance);
        }
        coverage
    }

    /// The advance of one character, in px.
    fn char_width(&self, c: char, size: f32, weight: Weight) -> f32 {
        if is_ignorable(c) {
            return 0.0;
        }
        let em = self
            .fonts
            .bundled_advance(c, weight)
            .or_else(|| self.system.get(&c).copied())
            // Not drawn at all (it was reported and removed); a full em keeps estimates safe.
            .unwrap_or(1.0);
        em * size
    }

    /// The width of `text` on one line, in px (`spacing` = letter-spacing in px).
    pub(crate) fn width(&self, text: &str, size: f32, weight: Weight, spacing: f32) -> f32 {
        text.chars().map(|c| self.char_width(c, size, weight) + spacing).sum()
    }

    /// `text` on one line of at most `max` px: unchanged if it fits, otherwise cut at a
    /// character and ended with "…". Returns the line and whether it was cut.
    pub(crate) fn ellipsize(
        &self,
        text: &str,
        size: f32,
        weight: Weight,
        max: f32,
    ) -> (String, bool) {
        if self.width(text, size, weight, 0.0) <= max {
            return (text.to_owned(), false);
        }
        let budget = max - self.char_width(ELLIPSIS, size, weight);
        let mut out = String::new();
        let mut used = 0.0;
        for c in text.chars() {
            let w = self.char_width(c, size, weight);
            if used + w > budget {
                break;
            }
            used += w;
            out.push(c);
        }
        (finish_with_ellipsis(out), true)
    }

    /// Wraps `text` (paragraphs separated by '\n') into at most `max_lines` lines of at most
    /// `max` px. Returns the lines and whether text was cut (the last line then ends with "…").
    pub(crate) fn wrap(
        &self,
        text: &str,
        size: f32,
        weight: Weight,
        max: f32,
        max_lines: usize,
    ) -> (Vec<String>, bool) {
        let width = |s: &str| self.width(s, size, weight, 0.0);
        let mut lines: Vec<String> = Vec::new();
        let mut cut = false;
        // Pushes a finished line; false once the lines are used up (the rest is cut).
        let mut push = |lines: &mut Vec<String>, line: &mut String| -> bool {
            if lines.len() >= max_lines {
                cut = true;
                return false;
            }
            lines.push(std::mem::take(line).trim_end().to_owned());
            true
        };
        'paragraphs: for paragraph in text.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
            let mut line = String::new();
            let mut line_width = 0.0;
            for atom in atoms(paragraph) {
                // A trailing space may hang past the end: it is trimmed there.
                let visible = width(atom.trim_end());
                if line_width + visible <= max {
                    line_width += width(&atom);
                    line.push_str(&atom);
                    continue;
                }
                if !line.is_empty() && !push(&mut lines, &mut line) {
                    break 'paragraphs;
                }
                line_width = 0.0;
                if visible <= max {
                    line_width = width(&atom);
                    line.push_str(&atom);
                    continue;
                }
                // One atom wider than a line (a URL, a long word): split it anywhere.
                for c in atom.chars() {
                    let w = self.char_width(c, size, weight);
                    if line_width + w > max && !line.is_empty() {
                        if !push(&mut lines, &mut line) {
                            break 'paragraphs;
                        }
                        line_width = 0.0;
                    }
                    line_width += w;
                    line.push(c);
                }
            }
            if !line.trim().is_empty() && !push(&mut lines, &mut line) {
                break;
            }
        }
        if cut && let Some(last) = lines.last_mut() {
            let budget = max - self.char_width(ELLIPSIS, size, weight);
            while !last.is_empty() && width(last) > budget {
                last.pop();
            }
            *last = finish_with_ellipsis(std::mem::take(last));
        }
        (lines, cut)
    }
}

/// Ends cut text with "…", dropping trailing spaces, commas and opening brackets first
/// ("我们，…" and "（…" read badly).
fn finish_with_ellipsis(mut text: String) -> String {
    while let Some(c) = text.chars().last() {
        if c == ' ' || no_end(c) || matches!(c, '，' | '、' | '；' | '：' | ',' | ';' | ':' | '…')
        {
            text.pop();
        } else {
            break;
        }
    }
    text.push(ELLIPSIS);
    text
}

/// Splits a paragraph into atoms: pieces between which a line may break. A trailing space
/// belongs to the atom before it (and is trimmed at a line end).
pub(crate) fn atoms(paragraph: &str) -> Vec<String> {
    let chars: Vec<char> = paragraph.chars().collect();
    let mut atoms: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let can_break = match prev {
            None => false,
            Some(p) => {
                let inside_word = wordish(p) && wordish(c);
                // Spaces, joiners and selectors stay with what precedes them.
                let glued = c == ' ' || is_ignorable(c) || p == '\u{200D}';
                !inside_word && !glued && !no_start(c) && !no_end(p)
            }
        };
        if can_break && !current.is_empty() {
            atoms.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        atoms.push(current);
    }
    atoms
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
