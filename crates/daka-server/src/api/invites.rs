//! Invites: create (shown once), list, revoke; preview and redeem a code.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use chrono::Duration;
use daka_server_db::NewInvite;
use daka_wire::{
    CreateInvite, ErrorCode, Group, Invite, InviteCode, InviteCreated, InvitePreview, JoinGroup,
    Role,
};
use serde::Deserialize;
use uuid::Uuid;

use super::accounts::rate_limit;
use super::check;
use super::groups::{GroupPath, group_of, require};
use crate::AppState;
use crate::error::Failure;
use crate::extract::{Authed, Body, ClientIp, PathParams, RequestLang};
use crate::secrets::{new_invite_code, normalize_invite_code, sha256_hex};

/// The URL the app should use for this server: the configured public URL, else the Host the
/// request came to.
fn server_url(app: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &app.settings.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn encode_component(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

pub fn app_link(server: &str, code: &str) -> String {
    format!("daka://join/{code}?server={}", encode_component(server))
}

/// Create an invite (admins; audited). The code is in this answer only.
#[utoipa::path(post, path = "/v1/groups/{group_id}/invites", tag = "admin", security(("device_token" = [])), params(GroupPath), request_body = CreateInvite,
    responses((status = 201, body = InviteCreated), (status = 400, body = daka_wire::ApiError), (status = 401, body = daka_wire::ApiError),
        (status = 403, body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError)))]
pub(crate) async fn create(
    State(app): State<AppState>,
    auth: Authed,
    headers: HeaderMap,
    PathParams(p): PathParams<GroupPath>,
    Body(req): Body<CreateInvite>,
) -> Result<(StatusCode, Json<InviteCreated>), Failure> {
    require(&app, &auth, p.group_id, Role::Admin).await?;
    let lang = auth.lang;
    let max_uses = check::in_range(req.max_uses, 1..=500, ("使用次数", "Uses"), lang)?;
    let hours = check::in_range(
        req.expires_in_hours,
        1..=720,
        ("有效时长（小时）", "Valid for (hours)"),
        lang,
    )?;
    let code = new_invite_code().map_err(|e| Failure::internal(&e.to_string(), lang))?;
    let now = app.now();
    let invite = NewInvite {
        id: Uuid::now_v7(),
        group: p.group_id,
        code_hash: sha256_hex(&code),
        created_by: auth.device.user_id,
        expires_at: now + Duration::hours(i64::from(hours)),
        max_uses,
        now,
    };
    let created = Invite {
        id: invite.id,
        created_at: now,
        expires_at: invite.expires_at,
        max_uses,
        uses: 0,
        revoked: false,
    };
    app.db.create_invite(invite).await.map_err(|e| Failure::from_db(e, lang))?;
    let app_link = app_link(&server_url(&app, &headers), &code);
    Ok((StatusCode::CREATED, Json(InviteCreated { invite: created, code, app_link })))
}

/// The group's invites (never their codes).
#[utoipa::path(get, path = "/v1/groups/{group_id}/invites", tag = "admin", security(("device_token" = [])), params(GroupPath),
    responses((status = 200, body = Vec<Invite>), (status = 401, body = daka_wire::ApiError), (status = 403, body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError)))]
pub(crate) async fn list(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(p): PathParams<GroupPath>,
) -> Result<Json<Vec<Invite>>, Failure> {
    require(&app, &auth, p.group_id, Role::Admin).await?;
    let rows = app.db.invites(p.group_id).await.map_err(|e| Failure::from_db(e, auth.lang))?;
    Ok(Json(
        rows.into_iter()
            .map(|i| Invite {
                id: i.id,
                created_at: i.created_at,
                expires_at: i.expires_at,
                max_uses: i.max_uses,
                uses: i.uses,
                revoked: i.revoked,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct InvitePath {
    pub(crate) group_id: Uuid,
    pub(crate) invite_id: Uuid,
}

/// Revoke an invite (admins; audited).
#[utoipa::path(delete, path = "/v1/groups/{group_id}/invites/{invite_id}", tag = "admin", security(("device_token" = [])), params(InvitePath),
    responses((status = 204), (status = 401, body = daka_wire::ApiError), (status = 403, body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError)))]
pub(crate) async fn revoke(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(p): PathParams<InvitePath>,
) -> Result<StatusCode, Failure> {
    require(&app, &auth, p.group_id, Role::Admin).await?;
    app.db
        .revoke_invite(p.group_id, p.invite_id, auth.device.user_id, app.now())
        .await
        .map_err(|e| Failure::from_db(e, auth.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Where a code leads (rate-limited: codes are guessed nowhere else).
#[utoipa::path(post, path = "/v1/invites/preview", tag = "public", request_body = InviteCode,
    responses((status = 200, body = InvitePreview), (status = 400, body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError), (status = 429, body = daka_wire::ApiError)))]
pub(crate) async fn preview(
    State(app): State<AppState>,
    RequestLang(lang): RequestLang,
    ClientIp(ip): ClientIp,
    Body(req): Body<InviteCode>,
) -> Result<Json<InvitePreview>, Failure> {
    rate_limit(&app, format!("join:{ip:?}"), app.settings.limits.join, lang)?;
    let hash = sha256_hex(&normalize_invite_code(&req.code));
    let group = app
        .db
        .invite_group(&hash, app.now())
        .await
        .map_err(|e| Failure::from_db(e, lang))?
        .ok_or_else(|| Failure::new(ErrorCode::InviteInvalid, lang))?;
    let member_count = app.db.members(group.id).await.map_err(|e| Failure::from_db(e, lang))?.len();
    Ok(Json(InvitePreview {
        group_name: group.name,
        tz: group.tz,
        deadline: group.deadline,
        member_count: u32::try_from(member_count).unwrap_or(u32::MAX),
        shares_days: app.settings.share_days_on_join,
    }))
}

/// Join a group with an invite code; the caller's last days are shared with it.
#[utoipa::path(post, path = "/v1/groups/join", tag = "device", security(("device_token" = [])), request_body = JoinGroup,
    responses((status = 200, body = Group), (status = 400, body = daka_wire::ApiError), (status = 401, body = daka_wire::ApiError),
        (status = 404, body = daka_wire::ApiError), (status = 429, body = daka_wire::ApiError)))]
pub(crate) async fn join(
    State(app): State<AppState>,
    auth: Authed,
    ClientIp(ip): ClientIp,
    Body(req): Body<JoinGroup>,
) -> Result<Json<Group>, Failure> {
    let lang = auth.lang;
    rate_limit(&app, format!("join:{ip:?}"), app.settings.limits.join, lang)?;
    let code_hash = sha256_hex(&normalize_invite_code(&req.code));
    let now = app.now();
    // "The last N days" in the group's own calendar; a used-up invite still answers a member.
    let group =
        app.db.invite_group(&code_hash, now).await.map_err(|e| Failure::from_db(e, lang))?;
    let today = group.and_then(|g| g.clock()).map_or(now.date_naive(), |c| c.today(now));
    let days = i64::from(app.settings.share_days_on_join.max(1)) - 1;
    let share_since = today - Duration::days(days);
    let request = daka_server_db::JoinRequest {
        code_hash,
        user: auth.device.user_id,
        share: req.share,
        share_since,
        now,
    };
    let group_id = app.db.join(request).await.map_err(|e| Failure::from_db(e, lang))?;
    let views =
        app.db.groups_of(auth.device.user_id).await.map_err(|e| Failure::from_db(e, lang))?;
    let joined: Option<Group> = views.into_iter().find(|v| v.group.id == group_id).map(group_of);
    joined.map(Json).ok_or_else(|| Failure::new(ErrorCode::NotFound, lang))
}
