//! Content lines (RFC 5545 §3.1) and TEXT values (§3.3.11).
//!
//! Every line ends in CRLF and is folded so that no physical line is longer than 75 octets:
//! continuation lines begin with one space, which counts towards their 75. Folding happens
//! between characters, never inside one: a 40-character Chinese label is 120 octets of UTF-8,
//! and splitting one of its characters would leave two invalid halves that some importers show
//! as replacement characters and others refuse outright.

/// The most octets on one physical line, CRLF excluded.
pub(crate) const MAX_LINE_OCTETS: usize = 75;

/// Escapes a TEXT value: backslash, semicolon and comma get a backslash, a line break becomes
/// `\n`. Other control characters are not allowed in TEXT and are dropped (HTAB is kept).
pub(crate) fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                // CRLF and a lone CR are both one line break.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// An iCalendar document being written, one content line at a time.
#[derive(Debug, Default)]
pub(crate) struct Lines {
    out: String,
}

impl Lines {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Appends one content line, folded, with its CRLF.
    pub(crate) fn line(&mut self, line: &str) {
        fold_into(&mut self.out, line);
    }

    /// `NAME:value`, the value written as given (already escaped, or not TEXT).
    pub(crate) fn raw(&mut self, name: &str, value: &str) {
        let mut line = String::with_capacity(name.len() + 1 + value.len());
        line.push_str(name);
        line.push(':');
        line.push_str(value);
        self.line(&line);
    }

    /// `NAME:value` with a TEXT value, escaped here.
    pub(crate) fn text(&mut self, name: &str, value: &str) {
        self.raw(name, &escape_text(value));
    }

    /// `NAME` followed by a pre-built `;PARAM=…:value` or `:value` tail.
    pub(crate) fn with_tail(&mut self, name: &str, tail: &str) {
        let mut line = String::with_capacity(name.len() + tail.len());
        line.push_str(name);
        line.push_str(tail);
        self.line(&line);
    }

    pub(crate) fn begin(&mut self, component: &str) {
        self.raw("BEGIN", component);
    }

    pub(crate) fn end(&mut self, component: &str) {
        self.raw("END", component);
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }
}

/// Writes `line` folded at [`MAX_LINE_OCTETS`] octets on character boundaries, each physical
/// line ending in CRLF.
pub(crate) fn fold_into(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        let octets = c.len_utf8();
        if used + octets > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += octets;
    }
    out.push_str("\r\n");
}
