//! The fonts a card is drawn with, and the two questions layout asks of them: can this character
//! be drawn, and how wide is it.
//!
//! The bundled faces are Noto Sans CJK SC Regular and Bold, subset to GB2312 + Latin +
//! punctuation by `scripts/make-fonts.py` (see `fonts/README.md`). They are the only fonts in
//! [`Fonts::bundled`], which keeps rendering deterministic: the same card gives the same pixels
//! on every machine, and the golden tests rely on it. [`Fonts::with_system_fallback`] adds the
//! system's fonts *after* them, so resvg's fallback uses a system face only for characters the
//! bundle lacks (an emoji, a rare hanzi); the bundled faces still draw everything they can.
//!
//! Widths come from the same font tables resvg draws with (via skrifa, the reader resvg uses),
//! so the line breaker and the renderer agree. Kerning is not applied when measuring; Noto CJK
//! only kerns Latin pairs, and only ever tighter, so measured widths are a slight over-estimate
//! and text never ends up wider than measured.

use std::fmt;
use std::sync::Arc;

use resvg::usvg::FallbackSelectionFn;
use resvg::usvg::fontdb::{Database, ID, Source, Style};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

/// The family name of both bundled faces, used in every `font-family` of the SVG.
pub(crate) const FAMILY: &str = "Noto Sans CJK SC";

static REGULAR: &[u8] = include_bytes!("../fonts/NotoSansCJKsc-Regular-subset.otf");
static BOLD: &[u8] = include_bytes!("../fonts/NotoSansCJKsc-Bold-subset.otf");

/// The two weights a card uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

impl Weight {
    pub(crate) fn css(self) -> u16 {
        match self {
            Weight::Regular => 400,
            Weight::Bold => 700,
        }
    }
}

/// Whether (and by what) a character can be drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Coverage {
    /// By the bundled faces.
    Bundled,
    /// Only by a system face; its advance in em.
    System(f32),
    /// By nothing loaded.
    Missing,
}

/// One parsed face: character map and horizontal advances.
struct Face {
    charmap: Charmap<'static>,
    metrics: GlyphMetrics<'static>,
}

impl Face {
    fn parse(data: &'static [u8]) -> Option<Face> {
        let font = FontRef::new(data).ok()?;
        Some(Face {
            charmap: font.charmap(),
            // Unscaled: advances in font units divided by units-per-em below.
            metrics: font.glyph_metrics(Size::new(1.0), LocationRef::default()),
        })
    }

    /// The advance of `c` in em, if the face has it.
    fn advance(&self, c: char) -> Option<f32> {
        let gid = self.charmap.map(c)?;
        self.metrics.advance_width(gid)
    }
}

/// The font database for rendering plus the bundled faces for measuring.
///
/// Cheap to clone (shared, read-only); build it once per process, since parsing the bundled
/// fonts takes a few milliseconds and loading system fonts much longer.
#[derive(Clone)]
pub struct Fonts {
    db: Arc<Database>,
    faces: Arc<[Option<Face>; 2]>,
    /// Faces in `db` that are ours (skipped when looking for a system fallback).
    bundled_ids: Vec<ID>,
    system: bool,
}

impl fmt::Debug for Fonts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fonts")
            .field("faces", &self.db.len())
            .field("system_fallback", &self.system)
            .finish()
    }
}

impl Fonts {
    /// Only the two bundled subsets (compiled into the binary): deterministic output. What tests
    /// and golden images use.
    pub fn bundled() -> Self {
        let mut db = Database::new();
        let mut bundled_ids = Vec::new();
        for data in [REGULAR, BOLD] {
            bundled_ids.extend(db.load_font_source(Source::Binary(Arc::new(data))));
        }
        db.set_sans_serif_family(FAMILY);
        Fonts {
            db: Arc::new(db),
            faces: Arc::new([Face::parse(REGULAR), Face::parse(BOLD)]),
            bundled_ids,
            system: false,
        }
    }

    /// The bundled fonts first, then every font installed on the system as a fallback for
    /// characters the bundle lacks. For the running app only: the result depends on the machine.
    /// Takes tens to hundreds of milliseconds; do it once, off the UI thread.
    pub fn with_system_fallback() -> Self {
        let mut fonts = Fonts::bundled();
        let db = Arc::make_mut(&mut fonts.db);
        db.load_system_fonts();
        fonts.system = true;
        fonts
    }

    /// Whether some loaded font can draw `c`.
    pub fn covers(&self, c: char) -> bool {
        !matches!(self.coverage(c), Coverage::Missing)
    }

    pub(crate) fn coverage(&self, c: char) -> Coverage {
        if self.bundled_advance(c, Weight::Regular).is_some() {
            return Coverage::Bundled;
        }
        if !self.system {
            return Coverage::Missing;
        }
        // The face the renderer's fallback will pick for regular text; its advance stands in
        // for the width resvg will use.
        let Some(id) =
            find_fallback(&self.db, c, &self.bundled_ids, Weight::Regular.css(), Style::Normal)
        else {
            return Coverage::Missing;
        };
        let advance = self.db.with_face_data(id, |data, index| {
            let font = FontRef::from_index(data, index).ok()?;
            let gid = font.charmap().map(c)?;
            font.glyph_metrics(Size::new(1.0), LocationRef::default()).advance_width(gid)
        });
        Coverage::System(advance.flatten().unwrap_or(1.0))
    }

    /// The advance of `c` in em in a bundled face.
    pub(crate) fn bundled_advance(&self, c: char, weight: Weight) -> Option<f32> {
        let face = match weight {
            Weight::Regular => &self.faces[0],
            Weight::Bold => &self.faces[1],
        };
        face.as_ref()?.advance(c)
    }

    pub(crate) fn database(&self) -> Arc<Database> {
        Arc::clone(&self.db)
    }

    /// Whether system fonts were loaded (the card may then differ between machines).
    pub fn has_system_fallback(&self) -> bool {
        self.system
    }
}

/// The face for a character the text's own face lacks: among the faces not yet used that map
/// `c`, the one closest in weight and style to the text (usvg's default takes the first in load
/// order, which can draw a regular word in bold). Ties go to load order, so the choice is
/// stable. Only system faces can be picked in practice: the bundled two share one charset.
pub(crate) fn find_fallback(
    db: &Database,
    c: char,
    exclude: &[ID],
    weight: u16,
    style: Style,
) -> Option<ID> {
    let mut best: Option<(u32, ID)> = None;
    for face in db.faces() {
        if exclude.contains(&face.id) {
            continue;
        }
        let score =
            u32::from(face.weight.0.abs_diff(weight)) + if face.style == style { 0 } else { 1000 };
        if best.is_some_and(|(s, _)| s <= score) {
            continue;
        }
        let has = db
            .with_face_data(face.id, |data, index| {
                FontRef::from_index(data, index).ok().and_then(|f| f.charmap().map(c)).is_some()
            })
            .unwrap_or(false);
        if has {
            best = Some((score, face.id));
            if score == 0 {
                break;
            }
        }
    }
    best.map(|(_, id)| id)
}

/// usvg's fallback hook, using [`find_fallback`] relative to the text's first face.
pub(crate) fn fallback_selector() -> FallbackSelectionFn<'static> {
    Box::new(|c, used, db| {
        let base = used.first().and_then(|id| db.face(*id));
        let (weight, style) = base.map_or((400, Style::Normal), |f| (f.weight.0, f.style));
        find_fallback(db, c, used, weight, style)
    })
}
