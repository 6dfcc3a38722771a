//! A small SVG writer: just the shapes cards use, with coordinates rounded to 0.1 px so the
//! golden SVGs stay readable and stable.
//!
//! Invariant: every piece of text passes through [`escape`] here, so templates cannot forget it;
//! attribute values that are not text (colours, numbers, ids) come from this crate, never from
//! the user (subject colours are validated in `palette::subject_color`).

use std::fmt::Write;

use crate::fonts::{FAMILY, Weight};
use crate::text::escape;

/// A number with at most one decimal, without a trailing ".0".
pub(crate) fn num(v: f32) -> String {
    let v = if v.is_finite() { (v * 10.0).round() / 10.0 } else { 0.0 };
    if v.fract() == 0.0 { format!("{}", v as i64) } else { format!("{v:.1}") }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub(crate) fn new(x: f32, y: f32, w: f32, h: f32) -> Self {
        Rect { x, y, w: w.max(0.0), h: h.max(0.0) }
    }
    pub(crate) fn right(&self) -> f32 {
        self.x + self.w
    }
    pub(crate) fn bottom(&self) -> f32 {
        self.y + self.h
    }
    pub(crate) fn cx(&self) -> f32 {
        self.x + self.w / 2.0
    }
    /// The rectangle shrunk by `d` on every side.
    pub(crate) fn inset(&self, d: f32) -> Rect {
        Rect::new(self.x + d, self.y + d, self.w - 2.0 * d, self.h - 2.0 * d)
    }
    /// Splits off the top `h` px (clamped); returns (top, rest below a `gap`).
    pub(crate) fn split_top(&self, h: f32, gap: f32) -> (Rect, Rect) {
        let h = h.min(self.h);
        let top = Rect::new(self.x, self.y, self.w, h);
        let rest = Rect::new(self.x, self.y + h + gap, self.w, self.h - h - gap);
        (top, rest)
    }
    /// Splits into a left part `w` px wide and the rest right of a `gap`.
    pub(crate) fn split_left(&self, w: f32, gap: f32) -> (Rect, Rect) {
        let w = w.min(self.w);
        (
            Rect::new(self.x, self.y, w, self.h),
            Rect::new(self.x + w + gap, self.y, self.w - w - gap, self.h),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn css(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// A run of text inside one `<text>`.
#[derive(Debug, Clone)]
pub(crate) struct Span<'a> {
    pub text: &'a str,
    pub size: f32,
    pub weight: Weight,
    pub fill: &'a str,
}

#[derive(Debug)]
pub(crate) struct Svg {
    defs: String,
    body: String,
    width: u32,
    height: u32,
    next_id: u32,
}

impl Svg {
    pub(crate) fn new(width: u32, height: u32) -> Self {
        Svg { defs: String::new(), body: String::new(), width, height, next_id: 0 }
    }

    fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }

    /// A vertical gradient filling the whole canvas.
    pub(crate) fn background(&mut self, top: &str, bottom: &str) {
        let id = self.id("bg");
        let _ = write!(
            self.defs,
            r#"<linearGradient id="{id}" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="{top}"/><stop offset="1" stop-color="{bottom}"/></linearGradient>"#
        );
        let _ = writeln!(
            self.body,
            r#"<rect width="{}" height="{}" fill="url(#{id})"/>"#,
            self.width, self.height
        );
    }

    /// A disc fading from `color` at `opacity` in its centre to transparent at its edge.
    pub(crate) fn glow(&mut self, cx: f32, cy: f32, r: f32, color: &str, opacity: f32) {
        let id = self.id("glow");
        let _ = write!(
            self.defs,
            r#"<radialGradient id="{id}"><stop offset="0" stop-color="{color}" stop-opacity="{opacity}"/><stop offset="1" stop-color="{color}" stop-opacity="0"/></radialGradient>"#
        );
        let _ = writeln!(
            self.body,
            r#"<circle cx="{}" cy="{}" r="{}" fill="url(#{id})"/>"#,
            num(cx),
            num(cy),
            num(r)
        );
    }

    /// A rectangle with corner radius `r` (0 for square corners).
    pub(crate) fn rect(&mut self, r: Rect, radius: f32, fill: &str) {
        self.rect_opacity(r, radius, fill, 1.0);
    }

    pub(crate) fn rect_opacity(&mut self, r: Rect, radius: f32, fill: &str, opacity: f32) {
        if r.w <= 0.0 || r.h <= 0.0 {
            return;
        }
        let radius = radius.min(r.w / 2.0).min(r.h / 2.0);
        let _ = write!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}""#,
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h)
        );
        if radius > 0.0 {
            let _ = write!(self.body, r#" rx="{}""#, num(radius));
        }
        let _ = write!(self.body, r#" fill="{fill}""#);
        if opacity < 1.0 {
            let _ = write!(self.body, r#" fill-opacity="{opacity}""#);
        }
        self.body.push_str("/>\n");
    }

    /// A rounded-rectangle outline (stroke drawn inside `r`).
    pub(crate) fn rect_stroke(&mut self, r: Rect, radius: f32, stroke: &str, width: f32) {
        let r = r.inset(width / 2.0);
        let _ = writeln!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="none" stroke="{stroke}" stroke-width="{}"/>"#,
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h),
            num(radius.min(r.w / 2.0).min(r.h / 2.0)),
            num(width)
        );
    }

    pub(crate) fn circle(&mut self, cx: f32, cy: f32, r: f32, fill: &str, opacity: f32) {
        let _ = write!(
            self.body,
            r#"<circle cx="{}" cy="{}" r="{}" fill="{fill}""#,
            num(cx),
            num(cy),
            num(r)
        );
        if opacity < 1.0 {
            let _ = write!(self.body, r#" fill-opacity="{opacity}""#);
        }
        self.body.push_str("/>\n");
    }

    /// A circular progress ring starting at 12 o'clock, `frac` of the way round.
    pub(crate) fn ring(
        &mut self,
        (cx, cy): (f32, f32),
        r: f32,
        width: f32,
        frac: f32,
        fg: &str,
        bg: &str,
    ) {
        let _ = writeln!(
            self.body,
            r#"<circle cx="{}" cy="{}" r="{}" fill="none" stroke="{bg}" stroke-width="{}"/>"#,
            num(cx),
            num(cy),
            num(r),
            num(width)
        );
        let frac = frac.clamp(0.0, 1.0);
        if frac <= 0.0 {
            return;
        }
        let circumference = 2.0 * std::f32::consts::PI * r;
        let _ = writeln!(
            self.body,
            r#"<circle cx="{}" cy="{}" r="{}" fill="none" stroke="{fg}" stroke-width="{}" stroke-linecap="round" stroke-dasharray="{} {}" transform="rotate(-90 {} {})"/>"#,
            num(cx),
            num(cy),
            num(r),
            num(width),
            num(circumference * frac),
            num(circumference),
            num(cx),
            num(cy)
        );
    }

    /// A path (`d` built by this crate).
    pub(crate) fn path(&mut self, d: &str, fill: &str, stroke: Option<(&str, f32)>) {
        let _ = write!(self.body, r#"<path d="{d}" fill="{fill}""#);
        if let Some((color, width)) = stroke {
            let _ = write!(
                self.body,
                r#" stroke="{color}" stroke-width="{}" stroke-linecap="round" stroke-linejoin="round""#,
                num(width)
            );
        }
        self.body.push_str("/>\n");
    }

    /// A horizontal dashed line `width` px thick (never a hairline).
    pub(crate) fn dashed(&mut self, x1: f32, x2: f32, y: f32, width: f32, color: &str) {
        let _ = writeln!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{color}" stroke-width="{}" stroke-dasharray="{} {}" stroke-linecap="round"/>"#,
            num(x1),
            num(y),
            num(x2),
            num(y),
            num(width),
            num(width * 3.0),
            num(width * 3.0)
        );
    }

    /// One line of text at baseline `y`. (Position, anchor, content and the three style values
    /// are what every call site has at hand; a style struct would only add noise.)
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn text(
        &mut self,
        x: f32,
        y: f32,
        anchor: Anchor,
        text: &str,
        size: f32,
        weight: Weight,
        fill: &str,
    ) {
        self.spans(x, y, anchor, &[Span { text, size, weight, fill }], 0.0);
    }

    /// Runs of differently styled text on one baseline, anchored as a whole.
    pub(crate) fn spans(
        &mut self,
        x: f32,
        y: f32,
        anchor: Anchor,
        spans: &[Span<'_>],
        spacing: f32,
    ) {
        if spans.iter().all(|s| s.text.is_empty()) {
            return;
        }
        let _ = write!(
            self.body,
            r#"<text x="{}" y="{}" text-anchor="{}" xml:space="preserve""#,
            num(x),
            num(y),
            anchor.css()
        );
        if spacing != 0.0 {
            let _ = write!(self.body, r#" letter-spacing="{}""#, num(spacing));
        }
        self.body.push('>');
        for span in spans.iter().filter(|s| !s.text.is_empty()) {
            let _ = write!(
                self.body,
                r#"<tspan font-size="{}" font-weight="{}" fill="{}">{}</tspan>"#,
                num(span.size),
                span.weight.css(),
                span.fill,
                escape(span.text)
            );
        }
        self.body.push_str("</text>\n");
    }

    /// A raster image (`href` is a `data:` URL this crate made) filling `r` with rounded
    /// corners, cropped to cover.
    pub(crate) fn image(&mut self, r: Rect, radius: f32, href: &str) {
        let id = self.id("clip");
        let _ = write!(
            self.defs,
            r#"<clipPath id="{id}"><rect x="{}" y="{}" width="{}" height="{}" rx="{}"/></clipPath>"#,
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h),
            num(radius)
        );
        let _ = writeln!(
            self.body,
            r#"<image x="{}" y="{}" width="{}" height="{}" preserveAspectRatio="xMidYMid slice" clip-path="url(#{id})" href="{href}"/>"#,
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h)
        );
    }

    pub(crate) fn finish(self) -> String {
        let mut out = String::with_capacity(self.body.len() + self.defs.len() + 400);
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FAMILY}">"#,
            w = self.width,
            h = self.height
        );
        if !self.defs.is_empty() {
            let _ = writeln!(out, "<defs>{}</defs>", self.defs);
        }
        out.push_str(&self.body);
        out.push_str("</svg>\n");
        out
    }
}
