//! Identifiers. Every record gets a UUIDv7: it can be made offline on any device without
//! coordination (sync-ready), and sorts by creation time, which keeps SQLite's B-tree inserts
//! local. Each kind of record has its own newtype so a subject id can never be passed where an
//! exam id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(transparent)]
        pub struct $name(#[cfg_attr(feature = "specta", specta(type = String))] Uuid);

        impl $name {
            /// A new, time-ordered id (UUIDv7).
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

uuid_id!(
    /// A study subject (政治, 英语一, …).
    SubjectId
);
uuid_id!(
    /// An exam the user prepares for.
    ExamId
);
uuid_id!(
    /// One period of day rules (home time zone + day start).
    DayRuleId
);
uuid_id!(
    /// A daily goal.
    GoalId
);
uuid_id!(
    /// One punch-in (打卡); several may exist per day.
    PunchInId
);
uuid_id!(
    /// One change of a goal's progress (+/- or ticked in a punch-in).
    ProgressId
);
uuid_id!(
    /// A leave, rest or repair mark on a study day.
    DayStatusId
);
uuid_id!(
    /// A weekly timetable template ("考研冲刺", "周末").
    TemplateId
);
uuid_id!(
    /// A time block of a template, or one added to a single date.
    BlockId
);
uuid_id!(
    /// A photo attached to a punch-in.
    PhotoId
);
uuid_id!(
    /// This installation. Written into every synced record as the LWW tie-breaker.
    DeviceId
);

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    fn ids_are_v7_and_time_ordered() {
        let a = SubjectId::generate();
        let b = SubjectId::generate();
        assert_eq!(a.as_uuid().get_version_num(), 7);
        assert!(a < b, "UUIDv7 generated later must sort later");
    }

    #[rstest]
    fn ids_serialize_as_plain_strings() {
        let id = ExamId::generate();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        assert_eq!(serde_json::from_str::<ExamId>(&json).unwrap(), id);
        assert_eq!(id.to_string().parse::<ExamId>().unwrap(), id);
        assert!("not-a-uuid".parse::<ExamId>().is_err());
    }
}
