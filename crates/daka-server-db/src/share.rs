//! What a group may see of a member's record: the member's share settings applied to the
//! stored body, and whether a punch-in was on time by the group's clock.
//!
//! Filtering happens when the feed is read, with the settings of that moment; changing them
//! re-announces the member's records (`ServerDb::set_share`) so copies already pulled refilter.

use daka_core::group::{GroupClock, Timeliness};
use daka_wire::{
    DayMarkBody, PunchInBody, RecordKind, ShareSettings, SharedPunchIn, SharedRecord, SubjectBody,
};
use uuid::Uuid;

use crate::DbError;

/// What a member who left (or whose settings are unknown) shares: the defaults.
pub const FORMER_MEMBER: ShareSettings =
    ShareSettings { note: false, mood: false, photos: false, exact_times: false };

/// The record as the group may see it. `body: None` (or a delete in the feed) is a tombstone.
pub fn shared_record(
    kind: RecordKind,
    id: Uuid,
    body: Option<&str>,
    share: ShareSettings,
    clock: &GroupClock,
) -> Result<SharedRecord, DbError> {
    Ok(match kind {
        RecordKind::PunchIn => SharedRecord::PunchIn {
            id,
            body: body
                .map(parse::<PunchInBody>)
                .transpose()?
                .map(|b| shared_punch_in(b, share, clock)),
        },
        RecordKind::Subject => {
            SharedRecord::Subject { id, body: body.map(parse::<SubjectBody>).transpose()? }
        }
        RecordKind::DayMark => {
            SharedRecord::DayMark { id, body: body.map(parse::<DayMarkBody>).transpose()? }
        }
    })
}

/// Parses a stored body; a failure means the row was not written by this server.
pub fn parse<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, DbError> {
    serde_json::from_str(body).map_err(|e| DbError::Corrupt(format!("record body: {e}")))
}

fn shared_punch_in(body: PunchInBody, share: ShareSettings, clock: &GroupClock) -> SharedPunchIn {
    let on_time = clock.judge(body.date, body.created_utc) == Timeliness::OnTime;
    SharedPunchIn {
        date: body.date,
        created_utc: share.exact_times.then_some(body.created_utc),
        on_time,
        minutes: body.minutes,
        note: if share.note { body.note } else { None },
        mood: if share.mood { body.mood } else { None },
        photos: if share.photos { body.photos } else { Vec::new() },
    }
}
