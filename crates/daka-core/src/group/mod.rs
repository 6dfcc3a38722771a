//! The rules of a study group (学习小组), shared by the group server and the desktop app.
//!
//! A group has an IANA time zone and a daily deadline (22:30 Asia/Shanghai). Members punch in
//! for their own study day; the group board shows, for one group day, who punched in — in 接龙
//! (relay) order, with minutes per subject — who is on leave and who has not yet, and turns it
//! into text ready to paste into WeChat.
//!
//! * [`GroupClock`]: the deadline, the current group day and whether a punch-in was on time,
//!   all judged on the group zone's wall clock, never by adding 86,400 seconds.
//! * [`board()`]: one group day's board from the members, their punch-ins and leave.
//! * [`jielong_text`]: the relay text.
//!
//! Pure like the rest of the crate: "now" is always passed in.

mod board;
mod clock;
mod jielong;

pub use board::{Board, BoardEntry, BoardMember, BoardMinutes, BoardPunchIn, board};
pub use clock::{Deadline, GroupClock, NEXT_MORNING_BEFORE_MIN, Timeliness};
pub use jielong::{jielong_text, minutes_text};
