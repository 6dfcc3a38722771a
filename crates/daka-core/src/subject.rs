//! Study subjects: names, colours, the 考研 preset, and the rules a subject list must follow.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::ids::SubjectId;
use crate::lang::Lang;
use crate::validation::{Invalid, ValidationErrors, single_line};

/// Longest subject name, in characters. "专业课一（计算机学科专业基础）" is 15.
pub const MAX_SUBJECT_NAME_CHARS: usize = 24;
/// Most subjects one person can keep at once.
pub const MAX_SUBJECTS: usize = 30;

/// A subject as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Subject {
    pub id: SubjectId,
    pub name: String,
    /// `#rrggbb`, lower case.
    pub color: String,
    /// 0-based order in the user's list.
    pub position: u32,
}

/// A subject as the user typed it in a form. `id` is absent for a new subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubjectDraft {
    pub id: Option<String>,
    pub name: String,
    pub color: String,
}

/// A checked draft: trimmed name, normalized colour, id resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSubject {
    pub id: Option<SubjectId>,
    pub name: String,
    pub color: String,
}

/// Parses `#rgb` or `#rrggbb` (any case) into lower-case `#rrggbb`.
pub fn parse_color(value: &str) -> Result<String, Invalid> {
    let v = value.trim();
    let bad = || Invalid::BadColor { value: v.to_owned() };
    let hex = v.strip_prefix('#').ok_or_else(bad)?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    match hex.len() {
        6 => Ok(format!("#{}", hex.to_ascii_lowercase())),
        3 => Ok(hex.chars().fold(String::from("#"), |mut s, c| {
            let c = c.to_ascii_lowercase();
            s.push(c);
            s.push(c);
            s
        })),
        _ => Err(bad()),
    }
}

/// The key two names are compared by: case, surrounding and inner spaces, and full-width Latin
/// letters (Ｍａｔｈ) do not make a different subject.
pub fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            // Full-width ASCII variants (U+FF01..U+FF5E) map onto ASCII.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Checks a whole subject list as edited in a form. `known` holds the ids of existing subjects;
/// a draft naming any other id is refused rather than silently creating a new subject.
pub fn validate_subjects(
    drafts: &[SubjectDraft],
    known: &HashSet<SubjectId>,
) -> Result<Vec<ValidSubject>, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if drafts.is_empty() {
        errors.push("subjects", Invalid::NoSubjects);
    }
    if drafts.len() > MAX_SUBJECTS {
        errors.push("subjects", Invalid::TooManySubjects { max: MAX_SUBJECTS });
    }
    let mut seen = HashSet::new();
    let mut seen_ids = HashSet::new();
    let mut valid = Vec::with_capacity(drafts.len());
    for (i, draft) in drafts.iter().enumerate() {
        let id = match draft.id.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(raw) => match raw.parse::<SubjectId>() {
                Ok(id) if known.contains(&id) && seen_ids.insert(id) => Some(Some(id)),
                _ => {
                    errors.push(
                        format!("subjects.{i}"),
                        Invalid::UnknownId { value: raw.to_owned() },
                    );
                    None
                }
            },
        };
        let name = errors
            .check(format!("subjects.{i}.name"), single_line(&draft.name, MAX_SUBJECT_NAME_CHARS));
        if let Some(name) = &name
            && !seen.insert(name_key(name))
        {
            errors.push(
                format!("subjects.{i}.name"),
                Invalid::DuplicateSubject { name: name.clone() },
            );
        }
        let color = errors.check(format!("subjects.{i}.color"), parse_color(&draft.color));
        if let (Some(id), Some(name), Some(color)) = (id, name, color) {
            valid.push(ValidSubject { id, name, color });
        }
    }
    errors.into_result().map(|()| valid)
}

/// Where a preset subject sits among its alternatives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PresetGroup {
    /// Stands alone (政治, 专业课).
    Single,
    /// One of 英语一 / 英语二: choosing one replaces the other.
    English,
    /// One of 数学一 / 数学二 / 数学三 (or none, for majors without maths).
    Math,
}

/// A subject offered by a preset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubjectPreset {
    pub name: String,
    pub color: String,
    pub group: PresetGroup,
    /// Selected when the preset is first shown.
    pub selected: bool,
}

/// Colours offered for new subjects, chosen to stay distinct in light and dark themes and for
/// common colour-vision deficiencies when paired with the subject's name.
pub const PALETTE: [&str; 10] = [
    "#e5484d", "#3e63dd", "#12a594", "#f76b15", "#8e4ec6", "#0090ff", "#d6409f", "#46a758",
    "#ab6400", "#7d7d7d",
];

/// The 考研 preset: 政治, 英语一/英语二, 数学一/二/三, 专业课. Names follow the UI language.
pub fn kaoyan_preset(lang: Lang) -> Vec<SubjectPreset> {
    let p = |zh: &str, en: &str, color: &str, group, selected| SubjectPreset {
        name: lang.pick(zh, en).to_owned(),
        color: color.to_owned(),
        group,
        selected,
    };
    vec![
        p("政治", "Politics", PALETTE[0], PresetGroup::Single, true),
        p("英语一", "English I", PALETTE[1], PresetGroup::English, true),
        p("英语二", "English II", PALETTE[5], PresetGroup::English, false),
        p("数学一", "Math I", PALETTE[2], PresetGroup::Math, true),
        p("数学二", "Math II", PALETTE[7], PresetGroup::Math, false),
        p("数学三", "Math III", PALETTE[4], PresetGroup::Math, false),
        p("专业课", "Major course", PALETTE[3], PresetGroup::Single, true),
    ]
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    fn draft(name: &str) -> SubjectDraft {
        SubjectDraft { id: None, name: name.into(), color: "#E5484D".into() }
    }

    #[rstest]
    #[case("#E5484D", Ok("#e5484d"))]
    #[case(" #abc ", Ok("#aabbcc"))]
    #[case("e5484d", Err(()))]
    #[case("#e5484", Err(()))]
    #[case("#gggggg", Err(()))]
    #[case("", Err(()))]
    #[case("red", Err(()))]
    fn colours(#[case] input: &str, #[case] expected: Result<&str, ()>) {
        assert_eq!(parse_color(input).map_err(|_| ()), expected.map(str::to_owned));
    }

    #[rstest]
    fn a_good_list_passes_trimmed_and_normalized() {
        let valid =
            validate_subjects(&[draft(" 政治 "), draft("数学一")], &HashSet::new()).unwrap();
        assert_eq!(valid[0].name, "政治");
        assert_eq!(valid[0].color, "#e5484d");
        assert_eq!(valid[1].id, None);
    }

    #[rstest]
    fn empty_and_too_long_names_are_refused() {
        let long = "长".repeat(200);
        let err = validate_subjects(&[draft(""), draft(&long)], &HashSet::new()).unwrap_err();
        let errors = err.errors();
        assert_eq!(errors[0].field, "subjects.0.name");
        assert_eq!(errors[0].error, Invalid::Required);
        assert_eq!(errors[1].field, "subjects.1.name");
        assert_eq!(errors[1].error, Invalid::TooLong { max: MAX_SUBJECT_NAME_CHARS, actual: 200 });
    }

    #[rstest]
    #[case("Math", "math")]
    #[case("数学一", " 数学一")]
    #[case("Ｍａｔｈ", "math")]
    #[case("English I", "englishI")]
    fn duplicates_are_refused(#[case] a: &str, #[case] b: &str) {
        let err = validate_subjects(&[draft(a), draft(b)], &HashSet::new()).unwrap_err();
        assert!(matches!(&err.errors()[0].error, Invalid::DuplicateSubject { .. }), "{err}");
        assert_eq!(err.errors()[0].field, "subjects.1.name");
    }

    #[rstest]
    fn empty_and_oversized_lists_are_refused() {
        let err = validate_subjects(&[], &HashSet::new()).unwrap_err();
        assert_eq!(err.errors()[0].error, Invalid::NoSubjects);
        let many: Vec<_> = (0..=MAX_SUBJECTS).map(|i| draft(&format!("科目{i}"))).collect();
        let err = validate_subjects(&many, &HashSet::new()).unwrap_err();
        assert_eq!(err.errors()[0].error, Invalid::TooManySubjects { max: MAX_SUBJECTS });
    }

    #[rstest]
    fn unknown_or_repeated_ids_are_refused() {
        let known_id = SubjectId::generate();
        let known: HashSet<_> = [known_id].into();
        let mut a = draft("a");
        a.id = Some(SubjectId::generate().to_string());
        let mut b = draft("b");
        b.id = Some("garbage".into());
        let mut c = draft("c");
        c.id = Some(known_id.to_string());
        let mut d = draft("d");
        d.id = Some(known_id.to_string());
        let err = validate_subjects(&[a, b, c, d], &known).unwrap_err();
        let fields: Vec<_> = err.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["subjects.0", "subjects.1", "subjects.3"]);
    }

    #[rstest]
    fn the_kaoyan_preset_offers_the_standard_subjects() {
        let names: Vec<_> = kaoyan_preset(Lang::ZhCn).into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["政治", "英语一", "英语二", "数学一", "数学二", "数学三", "专业课"]);
        let preset = kaoyan_preset(Lang::En);
        assert_eq!(preset[0].name, "Politics");
        // The default selection is itself a valid list with one English and one maths.
        let drafts: Vec<_> = preset
            .iter()
            .filter(|p| p.selected)
            .map(|p| SubjectDraft { id: None, name: p.name.clone(), color: p.color.clone() })
            .collect();
        assert_eq!(drafts.len(), 4);
        assert!(validate_subjects(&drafts, &HashSet::new()).is_ok());
    }
}
