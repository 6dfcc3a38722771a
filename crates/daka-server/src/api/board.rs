//! The group board of one day, computed with `daka_core::group::board` from what the members
//! share, and its 接龙 text.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use daka_core::group::{self, BoardMember, BoardMinutes, BoardPunchIn, Timeliness};
use daka_core::journal::Mood;
use daka_core::lang::Lang;
use daka_server_db::BoardData;
use daka_wire::{Board, ErrorCode, Role};
use serde::Deserialize;
use uuid::Uuid;

use super::groups::require;
use crate::AppState;
use crate::error::Failure;
use crate::extract::{Authed, PathParams, QueryParams};

fn mood(m: daka_wire::Mood) -> Mood {
    match m {
        daka_wire::Mood::Great => Mood::Great,
        daka_wire::Mood::Good => Mood::Good,
        daka_wire::Mood::Okay => Mood::Okay,
        daka_wire::Mood::Tired => Mood::Tired,
        daka_wire::Mood::Down => Mood::Down,
    }
}

fn wire_mood(m: Mood) -> daka_wire::Mood {
    match m {
        Mood::Great => daka_wire::Mood::Great,
        Mood::Good => daka_wire::Mood::Good,
        Mood::Okay => daka_wire::Mood::Okay,
        Mood::Tired => daka_wire::Mood::Tired,
        Mood::Down => daka_wire::Mood::Down,
    }
}

/// The board of `date` (the group's today when `None`), in `lang`. Only what each member shares
/// with this group is used: notes and mood when turned on, clock times unless hidden.
pub fn make_board(
    data: BoardData,
    date: Option<NaiveDate>,
    now: DateTime<Utc>,
    lang: Lang,
) -> Option<Board> {
    let clock = data.group.clock()?;
    let today = clock.today(now);
    let date = date.unwrap_or(today);
    let share: HashMap<Uuid, daka_wire::ShareSettings> =
        data.members.iter().map(|m| (m.user_id, m.share)).collect();
    let photos = shared_photos(&data, &share);
    let subjects: HashMap<Uuid, (String, String)> =
        data.subjects.into_iter().map(|(id, n, c)| (id, (n, c))).collect();
    let other = lang.pick("其他", "Other");
    let members: Vec<BoardMember> = data
        .members
        .iter()
        .map(|m| BoardMember { user_id: m.user_id.to_string(), nickname: m.nickname.clone() })
        .collect();
    let punch_ins: Vec<BoardPunchIn> = data
        .punch_ins
        .into_iter()
        .filter_map(|(author, body)| {
            let s = share.get(&author)?;
            let minutes = body
                .minutes
                .iter()
                .map(|m| {
                    let (name, color) = subjects
                        .get(&m.subject_id)
                        .cloned()
                        .unwrap_or((other.to_owned(), "#9ca3af".to_owned()));
                    BoardMinutes { subject: name, color, minutes: m.minutes }
                })
                .collect();
            Some(BoardPunchIn {
                user_id: author.to_string(),
                date: body.date,
                created_utc: body.created_utc,
                show_time: s.exact_times,
                minutes,
                note: body.note.filter(|_| s.note),
                mood: body.mood.filter(|_| s.mood).map(mood),
            })
        })
        .collect();
    let on_leave: Vec<String> =
        data.day_marks.iter().filter(|(_, m)| m.date == date).map(|(a, _)| a.to_string()).collect();
    let b = group::board(&clock, date, &members, &punch_ins, &on_leave);
    let jielong_text = group::jielong_text(&b, &data.group.name, lang);
    let member = |m: BoardMember| daka_wire::BoardMember {
        user_id: m.user_id.parse().unwrap_or_default(),
        nickname: m.nickname,
    };
    Some(Board {
        group_id: data.group.id,
        group_name: data.group.name,
        date: b.date,
        today,
        deadline_utc: b.deadline_utc,
        entries: b
            .entries
            .into_iter()
            .map(|e| daka_wire::BoardEntry {
                position: e.position,
                user_id: e.user_id.parse().unwrap_or_default(),
                nickname: e.nickname,
                first_punch_utc: e.first_punch_utc,
                on_time: e.timeliness == Timeliness::OnTime,
                minutes: e
                    .minutes
                    .into_iter()
                    .map(|m| daka_wire::BoardMinutes {
                        subject: m.subject,
                        color: m.color,
                        minutes: m.minutes,
                    })
                    .collect(),
                total_minutes: e.total_minutes,
                notes: e.notes,
                mood: e.mood.map(wire_mood),
                photos: e
                    .user_id
                    .parse::<Uuid>()
                    .ok()
                    .and_then(|u| photos.get(&u).cloned())
                    .unwrap_or_default(),
            })
            .collect(),
        on_leave: b.on_leave.into_iter().map(member).collect(),
        missing: b.missing.into_iter().map(member).collect(),
        jielong_text,
    })
}

/// Each member's photos of the day, earliest punch-in first: only from members who share
/// photos with this group, and only those uploaded (a photo still on its way is left out
/// rather than shown broken).
fn shared_photos(
    data: &BoardData,
    share: &HashMap<Uuid, daka_wire::ShareSettings>,
) -> HashMap<Uuid, Vec<Uuid>> {
    let stored: std::collections::HashSet<Uuid> = data.stored_photos.iter().copied().collect();
    let mut punch_ins: Vec<&(Uuid, daka_wire::PunchInBody)> = data
        .punch_ins
        .iter()
        .filter(|(author, _)| share.get(author).is_some_and(|s| s.photos))
        .collect();
    punch_ins.sort_by_key(|(_, body)| body.created_utc);
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (author, body) in punch_ins {
        let mine = out.entry(*author).or_default();
        for id in body.photos.iter().filter(|id| stored.contains(id)) {
            if !mine.contains(id) {
                mine.push(*id);
            }
        }
    }
    out
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct BoardQuery {
    /// `YYYY-MM-DD`; the group's today when absent.
    pub(crate) date: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct BoardPath {
    pub(crate) group_id: Uuid,
}

/// The board of one group day, with the 接龙 text in the request's language.
#[utoipa::path(get, path = "/v1/groups/{group_id}/board", tag = "member", security(("device_token" = [])), params(BoardPath, BoardQuery),
    responses((status = 200, body = Board), (status = 400, body = daka_wire::ApiError), (status = 401, body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError)))]
pub(crate) async fn board(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(p): PathParams<BoardPath>,
    QueryParams(q): QueryParams<BoardQuery>,
) -> Result<Json<Board>, Failure> {
    require(&app, &auth, p.group_id, Role::Member).await?;
    let board = load(&app, p.group_id, q.date, auth.lang).await?;
    Ok(Json(board))
}

/// Loads and computes a board; shared by the API and the web page.
pub(crate) async fn load(
    app: &AppState,
    group: Uuid,
    date: Option<NaiveDate>,
    lang: Lang,
) -> Result<Board, Failure> {
    let now = app.now();
    let day = match date {
        Some(d) => d,
        None => {
            let row = app.db.group(group).await.map_err(|e| Failure::from_db(e, lang))?;
            let clock = row
                .and_then(|g| g.clock())
                .ok_or_else(|| Failure::new(ErrorCode::NotFound, lang))?;
            clock.today(now)
        }
    };
    let data = app.db.board_data(group, day).await.map_err(|e| Failure::from_db(e, lang))?;
    make_board(data, Some(day), now, lang).ok_or_else(|| Failure::internal("group clock", lang))
}
