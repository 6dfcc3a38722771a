//! Validation errors, with the message the user reads in each language.
//!
//! Every check in Daka reports *what* is wrong and *what to do* in the user's language. Checks
//! collect every problem of a form at once ([`ValidationErrors`]) so the UI can mark all the
//! fields in one pass instead of making the user fix them one by one.

use std::fmt;

use chrono::NaiveDate;

use crate::lang::Lang;

/// One thing wrong with one value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("a value is required")]
    Required,
    #[error("too long: {actual} characters, at most {max}")]
    TooLong { max: usize, actual: usize },
    #[error("contains control characters")]
    ControlCharacters,
    /// An invisible format character (a direction control, a zero-width space …): it would make
    /// the name display as something else (`crate::name_text`).
    #[error("contains the invisible character U+{code:04X}")]
    InvisibleCharacter { code: u32 },
    #[error("duplicate subject {name:?}")]
    DuplicateSubject { name: String },
    #[error("at least one subject is required")]
    NoSubjects,
    #[error("too many subjects: at most {max}")]
    TooManySubjects { max: usize },
    #[error("not a colour: {value:?}")]
    BadColor { value: String },
    #[error("not a date in YYYY-MM-DD form: {value:?}")]
    BadDate { value: String },
    #[error("{year}-{month:02}-{day:02} does not exist")]
    ImpossibleDate { year: i32, month: u32, day: u32 },
    #[error("{date} is in the past (today is {today})")]
    DateInPast { date: NaiveDate, today: NaiveDate },
    #[error("{date} is more than {max_years} years away")]
    DateTooFar { date: NaiveDate, max_years: u32 },
    #[error("unknown time zone {value:?}")]
    UnknownTimeZone { value: String },
    #[error("not a time in HH:MM form: {value:?}")]
    BadTime { value: String },
    #[error("day start must be between 00:00 and 06:00, got {value:?}")]
    DayStartOutOfRange { value: String },
    #[error("daily target must be between {min_minutes} and {max_minutes} minutes")]
    TargetOutOfRange { min_minutes: u32, max_minutes: u32 },
    #[error("unknown language {value:?}")]
    UnknownLanguage { value: String },
    #[error("unknown id {value:?}")]
    UnknownId { value: String },
    #[error("weekday {value} is not 1..=7")]
    BadWeekday { value: u8 },
    #[error("no weekday chosen")]
    NoWeekdays,
    #[error("times per week must be 1..=7")]
    TimesPerWeekOutOfRange,
    #[error("quantity must be between {min} and {max}")]
    QuantityOutOfRange { min: u32, max: u32 },
    #[error("{date} is too far in the future")]
    DateInFuture { date: NaiveDate },
    #[error("the grace window for {date} has closed")]
    GraceClosed { date: NaiveDate },
    #[error("no repairs left this month")]
    NoRepairsLeft,
    #[error("the end date is before the start date")]
    EndBeforeStart,
    #[error("a punch-in needs minutes, a goal or a note")]
    EmptyPunchIn,
    #[error("too many goals: at most {max}")]
    TooManyGoals { max: usize },
    #[error("too many photos: at most {max}")]
    TooManyPhotos { max: usize },
    #[error("a block must last at least a minute")]
    ZeroLengthBlock,
    #[error("overlaps {other}")]
    BlockOverlap { other: String },
    /// `weekday` is ISO (1 = Monday … 7 = Sunday), named in the message's language.
    #[error("weekday {weekday} is already in template {other}")]
    WeekdayTaken { weekday: u8, other: String },
}

/// A weekday's name (ISO number, 1 = Monday) in `lang`, for messages.
pub fn weekday_name(iso: u8, lang: Lang) -> &'static str {
    const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    const EN: [&str; 7] =
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    let i = usize::from(iso.clamp(1, 7) - 1);
    match lang {
        Lang::ZhCn => ZH[i],
        Lang::En => EN[i],
    }
}

impl Invalid {
    /// The message shown to the user, in their language. It says what is wrong and, where it
    /// is not obvious, what to do instead.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Invalid::Required, Lang::ZhCn) => "请填写此项。".into(),
            (Invalid::Required, Lang::En) => "Please fill this in.".into(),
            (Invalid::TooLong { max, actual }, Lang::ZhCn) => {
                format!("太长了：{actual} 个字，最多 {max} 个字。")
            }
            (Invalid::TooLong { max, actual }, Lang::En) => {
                format!("Too long: {actual} characters, at most {max}.")
            }
            (Invalid::ControlCharacters, Lang::ZhCn) => "不能包含换行或控制字符。".into(),
            (Invalid::ControlCharacters, Lang::En) => {
                "Line breaks and control characters are not allowed.".into()
            }
            (Invalid::InvisibleCharacter { code }, Lang::ZhCn) => format!(
                "包含看不见的字符 U+{code:04X}（如文字方向控制符或零宽字符），它会让名字显示成别的样子。请删掉后重新输入。"
            ),
            (Invalid::InvisibleCharacter { code }, Lang::En) => format!(
                "Contains the invisible character U+{code:04X} (a text-direction control or a zero-width character), which makes a name display as something else. Delete it and type the name again."
            ),
            (Invalid::DuplicateSubject { name }, Lang::ZhCn) => {
                format!("科目“{name}”重复了，每个科目只能出现一次。")
            }
            (Invalid::DuplicateSubject { name }, Lang::En) => {
                format!("“{name}” is listed twice; each subject can appear only once.")
            }
            (Invalid::NoSubjects, Lang::ZhCn) => "请至少添加一个科目。".into(),
            (Invalid::NoSubjects, Lang::En) => "Add at least one subject.".into(),
            (Invalid::TooManySubjects { max }, Lang::ZhCn) => {
                format!("科目太多了，最多 {max} 个。")
            }
            (Invalid::TooManySubjects { max }, Lang::En) => {
                format!("Too many subjects: at most {max}.")
            }
            (Invalid::BadColor { .. }, Lang::ZhCn) => "颜色格式不对，应为 #RRGGBB。".into(),
            (Invalid::BadColor { .. }, Lang::En) => "Colours must look like #RRGGBB.".into(),
            (Invalid::BadDate { .. }, Lang::ZhCn) => {
                "日期格式不对，请按“年-月-日”填写，例如 2027-12-25。".into()
            }
            (Invalid::BadDate { .. }, Lang::En) => {
                "Please write the date as year-month-day, e.g. 2027-12-25.".into()
            }
            (Invalid::ImpossibleDate { year, month, day }, Lang::ZhCn) => {
                match days_in_month(*year, *month) {
                    Some(n) => format!(
                        "{year} 年 {month} 月没有 {day} 日（这个月只有 {n} 天），请检查日期。"
                    ),
                    None => format!("没有 {month} 月，月份应在 1 到 12 之间。"),
                }
            }
            (Invalid::ImpossibleDate { year, month, day }, Lang::En) => {
                match days_in_month(*year, *month) {
                    Some(n) => format!(
                        "{year}-{month:02}-{day:02} does not exist: that month has only {n} days."
                    ),
                    None => format!("There is no month {month}; months run from 1 to 12."),
                }
            }
            (Invalid::DateInPast { date, today }, Lang::ZhCn) => {
                format!("{date} 已经过去了（今天是 {today}），请填写今天或以后的日期。")
            }
            (Invalid::DateInPast { date, today }, Lang::En) => {
                format!("{date} is in the past (today is {today}); choose today or a later date.")
            }
            (Invalid::DateTooFar { max_years, .. }, Lang::ZhCn) => {
                format!("日期太远了，请填写 {max_years} 年以内的日期。")
            }
            (Invalid::DateTooFar { max_years, .. }, Lang::En) => {
                format!("That is too far ahead; choose a date within {max_years} years.")
            }
            (Invalid::UnknownTimeZone { value }, Lang::ZhCn) => {
                format!("找不到时区“{value}”，请从列表中选择，例如 Asia/Shanghai。")
            }
            (Invalid::UnknownTimeZone { value }, Lang::En) => {
                format!("Unknown time zone “{value}”; pick one from the list, e.g. Asia/Shanghai.")
            }
            (Invalid::BadTime { .. }, Lang::ZhCn) => {
                "时间格式不对，请按 24 小时制“时:分”填写，例如 06:30。".into()
            }
            (Invalid::BadTime { .. }, Lang::En) => {
                "Please write the time as 24-hour HH:MM, e.g. 06:30.".into()
            }
            (Invalid::DayStartOutOfRange { .. }, Lang::ZhCn) => {
                "一天的开始时间必须在 00:00 到 06:00 之间。".into()
            }
            (Invalid::DayStartOutOfRange { .. }, Lang::En) => {
                "The day must start between 00:00 and 06:00.".into()
            }
            (Invalid::TargetOutOfRange { min_minutes, max_minutes }, Lang::ZhCn) => format!(
                "每日目标应在 {} 到 {} 小时之间。",
                hours(*min_minutes),
                hours(*max_minutes)
            ),
            (Invalid::TargetOutOfRange { min_minutes, max_minutes }, Lang::En) => format!(
                "The daily target must be between {} and {} hours.",
                hours(*min_minutes),
                hours(*max_minutes)
            ),
            (Invalid::UnknownLanguage { .. }, Lang::ZhCn) => {
                "不支持这种语言，请选择中文或 English。".into()
            }
            (Invalid::UnknownLanguage { .. }, Lang::En) => {
                "That language is not available; choose 中文 or English.".into()
            }
            (Invalid::UnknownId { .. }, Lang::ZhCn) => {
                "找不到这一项，可能已被删除，请刷新后重试。".into()
            }
            (Invalid::UnknownId { .. }, Lang::En) => {
                "That item no longer exists; refresh and try again.".into()
            }
            (Invalid::BadWeekday { .. }, Lang::ZhCn) => "星期应在周一到周日之间。".into(),
            (Invalid::BadWeekday { .. }, Lang::En) => "Weekdays run from Monday to Sunday.".into(),
            (Invalid::NoWeekdays, Lang::ZhCn) => "请至少选择一天。".into(),
            (Invalid::NoWeekdays, Lang::En) => "Choose at least one day.".into(),
            (Invalid::TimesPerWeekOutOfRange, Lang::ZhCn) => "每周次数应在 1 到 7 次之间。".into(),
            (Invalid::TimesPerWeekOutOfRange, Lang::En) => {
                "Times per week must be between 1 and 7.".into()
            }
            (Invalid::QuantityOutOfRange { min, max }, Lang::ZhCn) => {
                format!("数量应在 {min} 到 {max} 之间。")
            }
            (Invalid::QuantityOutOfRange { min, max }, Lang::En) => {
                format!("The amount must be between {min} and {max}.")
            }
            (Invalid::DateInFuture { date }, Lang::ZhCn) => {
                format!("{date} 还没到，只能记录今天和以前的学习。")
            }
            (Invalid::DateInFuture { date }, Lang::En) => {
                format!("{date} has not come yet; you can only record today and earlier.")
            }
            (Invalid::GraceClosed { date }, Lang::ZhCn) => {
                format!("{date} 的补交时间已过，不能再请假或设为休息日；可以用本月的补卡机会。")
            }
            (Invalid::GraceClosed { date }, Lang::En) => format!(
                "It is too late to mark {date} as leave or rest; you can spend one of this month's repairs."
            ),
            (Invalid::NoRepairsLeft, Lang::ZhCn) => {
                "本月的补卡机会已经用完了，下个月会重置。".into()
            }
            (Invalid::NoRepairsLeft, Lang::En) => {
                "This month's repairs are used up; they reset next month.".into()
            }
            (Invalid::EndBeforeStart, Lang::ZhCn) => "结束日期不能早于开始日期。".into(),
            (Invalid::EndBeforeStart, Lang::En) => {
                "The end date cannot be before the start date.".into()
            }
            (Invalid::EmptyPunchIn, Lang::ZhCn) => {
                "请至少填写学习时间、完成的目标、今天的心得或一张照片中的一项。".into()
            }
            (Invalid::EmptyPunchIn, Lang::En) => {
                "Add study minutes, a finished goal, a note or a photo to punch in.".into()
            }
            (Invalid::TooManyGoals { max }, Lang::ZhCn) => {
                format!("目标太多了，最多 {max} 个；可以先归档不再用的目标。")
            }
            (Invalid::TooManyGoals { max }, Lang::En) => {
                format!("Too many goals: at most {max}; archive the ones you no longer use.")
            }
            (Invalid::TooManyPhotos { max }, Lang::ZhCn) => {
                format!("一次打卡最多 {max} 张照片。")
            }
            (Invalid::TooManyPhotos { max }, Lang::En) => {
                format!("A punch-in can have at most {max} photos.")
            }
            (Invalid::ZeroLengthBlock, Lang::ZhCn) => {
                "开始和结束时间相同，时间段至少要 1 分钟。".into()
            }
            (Invalid::ZeroLengthBlock, Lang::En) => {
                "The start and end are the same; a block lasts at least a minute.".into()
            }
            (Invalid::BlockOverlap { other }, Lang::ZhCn) => {
                format!("和“{other}”的时间重叠了，请调整其中一个。")
            }
            (Invalid::BlockOverlap { other }, Lang::En) => {
                format!("This overlaps “{other}”; move one of them.")
            }
            (Invalid::WeekdayTaken { weekday, other }, Lang::ZhCn) => {
                let day = weekday_name(*weekday, lang);
                format!("{day}已经用了“{other}”这个模板，一天只能用一个模板。")
            }
            (Invalid::WeekdayTaken { weekday, other }, Lang::En) => {
                let day = weekday_name(*weekday, lang);
                format!("{day} already uses the template “{other}”; a day has one template.")
            }
        }
    }
}

/// Formats minutes as hours without a trailing `.0` (90 → "1.5", 60 → "1").
fn hours(minutes: u32) -> String {
    if minutes.is_multiple_of(60) {
        (minutes / 60).to_string()
    } else {
        format!("{}", f64::from(minutes) / 60.0)
    }
}

/// Number of days in a month, or `None` for a month outside 1..=12.
pub fn days_in_month(year: i32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    u32::try_from(next.signed_duration_since(first).num_days()).ok()
}

/// A problem with one field of a form. `field` is a dotted path such as `exam.date` or
/// `subjects.2.name`; the UI uses it to put the message next to the right input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub error: Invalid,
}

impl FieldError {
    pub fn new(field: impl Into<String>, error: Invalid) -> Self {
        Self { field: field.into(), error }
    }
}

/// Every problem found in one form. Never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: impl Into<String>, error: Invalid) -> Self {
        Self(vec![FieldError::new(field, error)])
    }

    pub fn push(&mut self, field: impl Into<String>, error: Invalid) {
        self.0.push(FieldError::new(field, error));
    }

    /// Records the error of `result` under `field` and returns its value, if any.
    pub fn check<T>(&mut self, field: impl Into<String>, result: Result<T, Invalid>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(field, error);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(())` when nothing was recorded, the collected errors otherwise.
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.error)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Trims `value` and checks it is a single line of 1..=`max` characters with nothing invisible
/// in it ([`crate::name_text`]); answers it in NFC, the form it is stored and compared in.
pub fn single_line(value: &str, max: usize) -> Result<String, Invalid> {
    let normalized = crate::name_text::nfc(value.trim());
    // NFC of trimmed text can end in a character that trims (a lone combining mark does not;
    // this is for safety), so trim again.
    let trimmed = normalized.trim();
    if trimmed.is_empty() {
        return Err(Invalid::Required);
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Invalid::ControlCharacters);
    }
    if let Some(c) = crate::name_text::first_invisible(trimmed) {
        return Err(Invalid::InvisibleCharacter { code: c as u32 });
    }
    let actual = trimmed.chars().count();
    if actual > max {
        return Err(Invalid::TooLong { max, actual });
    }
    Ok(trimmed.to_owned())
}

/// Parses a calendar date written `YYYY-MM-DD`, telling a malformed value apart from a date that
/// does not exist (2027-02-30), because the user fixes them differently.
pub fn parse_date(value: &str) -> Result<NaiveDate, Invalid> {
    let value = value.trim();
    let bad = || Invalid::BadDate { value: value.to_owned() };
    let mut parts = value.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(y, 4..=4) || !digits(m, 1..=2) || !digits(d, 1..=2) {
        return Err(bad());
    }
    let (Ok(year), Ok(month), Ok(day)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>())
    else {
        return Err(bad());
    };
    NaiveDate::from_ymd_opt(year, month, day).ok_or(Invalid::ImpossibleDate { year, month, day })
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("2027-12-25", NaiveDate::from_ymd_opt(2027, 12, 25))]
    #[case(" 2027-1-5 ", NaiveDate::from_ymd_opt(2027, 1, 5))]
    #[case("2028-02-29", NaiveDate::from_ymd_opt(2028, 2, 29))]
    fn parses_real_dates(#[case] input: &str, #[case] expected: Option<NaiveDate>) {
        assert_eq!(parse_date(input).ok(), expected);
    }

    #[rstest]
    #[case("2027-02-30", 2027, 2, 30)]
    #[case("2027-02-29", 2027, 2, 29)]
    #[case("2027-13-01", 2027, 13, 1)]
    #[case("2027-04-31", 2027, 4, 31)]
    #[case("2027-00-10", 2027, 0, 10)]
    fn impossible_dates_are_named(
        #[case] input: &str,
        #[case] year: i32,
        #[case] month: u32,
        #[case] day: u32,
    ) {
        assert_eq!(parse_date(input), Err(Invalid::ImpossibleDate { year, month, day }));
    }

    #[rstest]
    #[case("")]
    #[case("tomorrow")]
    #[case("2027/12/25")]
    #[case("27-12-25")]
    #[case("2027-12-25-01")]
    #[case("２０２７-12-25")]
    #[case("+2027-12-25")]
    #[case("2027-1x-25")]
    fn malformed_dates_are_bad_dates(#[case] input: &str) {
        assert!(matches!(parse_date(input), Err(Invalid::BadDate { .. })), "{input}");
    }

    #[rstest]
    fn impossible_date_message_explains_the_month_length() {
        let e = Invalid::ImpossibleDate { year: 2027, month: 2, day: 30 };
        assert_eq!(
            e.message(Lang::ZhCn),
            "2027 年 2 月没有 30 日（这个月只有 28 天），请检查日期。"
        );
        assert_eq!(e.message(Lang::En), "2027-02-30 does not exist: that month has only 28 days.");
        let e = Invalid::ImpossibleDate { year: 2027, month: 13, day: 1 };
        assert!(e.message(Lang::ZhCn).contains("没有 13 月"));
    }

    #[rstest]
    #[case("  政治 ", Ok("政治".to_owned()))]
    #[case("", Err(Invalid::Required))]
    #[case("   ", Err(Invalid::Required))]
    #[case("a\nb", Err(Invalid::ControlCharacters))]
    fn single_line_trims_and_checks(
        #[case] input: &str,
        #[case] expected: Result<String, Invalid>,
    ) {
        assert_eq!(single_line(input, 10), expected);
    }

    #[rstest]
    fn single_line_counts_characters_not_bytes() {
        assert_eq!(single_line("数学一二三", 5), Ok("数学一二三".into()));
        assert_eq!(single_line("数学一二三四", 5), Err(Invalid::TooLong { max: 5, actual: 6 }));
    }

    #[rstest]
    fn every_error_has_a_message_in_both_languages() {
        let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let all = [
            Invalid::Required,
            Invalid::TooLong { max: 1, actual: 2 },
            Invalid::ControlCharacters,
            Invalid::InvisibleCharacter { code: 0x202E },
            Invalid::DuplicateSubject { name: "x".into() },
            Invalid::NoSubjects,
            Invalid::TooManySubjects { max: 3 },
            Invalid::BadColor { value: "x".into() },
            Invalid::BadDate { value: "x".into() },
            Invalid::ImpossibleDate { year: 2027, month: 2, day: 30 },
            Invalid::DateInPast { date, today: date },
            Invalid::DateTooFar { date, max_years: 10 },
            Invalid::UnknownTimeZone { value: "x".into() },
            Invalid::BadTime { value: "x".into() },
            Invalid::DayStartOutOfRange { value: "x".into() },
            Invalid::TargetOutOfRange { min_minutes: 30, max_minutes: 960 },
            Invalid::UnknownLanguage { value: "x".into() },
            Invalid::UnknownId { value: "x".into() },
            Invalid::BadWeekday { value: 9 },
            Invalid::NoWeekdays,
            Invalid::TimesPerWeekOutOfRange,
            Invalid::QuantityOutOfRange { min: 1, max: 9 },
            Invalid::DateInFuture { date },
            Invalid::GraceClosed { date },
            Invalid::NoRepairsLeft,
            Invalid::EndBeforeStart,
            Invalid::EmptyPunchIn,
            Invalid::TooManyGoals { max: 50 },
            Invalid::TooManyPhotos { max: 9 },
            Invalid::ZeroLengthBlock,
            Invalid::BlockOverlap { other: "19:00–20:00 散步".into() },
            Invalid::WeekdayTaken { weekday: 6, other: "周末".into() },
        ];
        for e in all {
            let zh = e.message(Lang::ZhCn);
            let en = e.message(Lang::En);
            assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{zh}");
            assert!(en.is_ascii() || en.contains('“') || en.contains('中'), "{en}");
            assert_ne!(zh, en);
        }
    }

    #[rstest]
    fn target_message_shows_fractional_hours() {
        let e = Invalid::TargetOutOfRange { min_minutes: 30, max_minutes: 1080 };
        assert_eq!(e.message(Lang::ZhCn), "每日目标应在 0.5 到 18 小时之间。");
    }
}
