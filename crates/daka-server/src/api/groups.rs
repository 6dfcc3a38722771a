//! Groups: create, list, edit, delete; members, roles, what each shares; leaving; the audit log.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use daka_server_db::{GroupChange, GroupView, MembershipRow, NewGroup};
use daka_wire::{
    AuditEntry, CreateGroup, ErrorCode, Group, LeaveGroup, Member, Role, ShareSettings,
};
use serde::Deserialize;
use uuid::Uuid;

use super::check;
use crate::AppState;
use crate::error::Failure;
use crate::extract::{Authed, Body, PathParams};

/// The caller's membership of `group` with at least `min` role. A non-member gets 404 (the
/// group's existence is not revealed), a member below `min` gets 403.
pub(crate) async fn require(
    app: &AppState,
    auth: &Authed,
    group: Uuid,
    min: Role,
) -> Result<MembershipRow, Failure> {
    let membership = app
        .db
        .membership(group, auth.device.user_id)
        .await
        .map_err(|e| Failure::from_db(e, auth.lang))?
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, auth.lang))?;
    if membership.role < min {
        return Err(Failure::new(ErrorCode::Forbidden, auth.lang));
    }
    Ok(membership)
}

pub(crate) fn group_of(view: GroupView) -> Group {
    Group {
        id: view.group.id,
        name: view.group.name,
        tz: view.group.tz,
        deadline: view.group.deadline,
        owner_user_id: view.group.owner_user_id,
        created_at: view.group.created_at,
        role: view.role,
        share: view.share,
        member_count: view.member_count,
    }
}

async fn view(app: &AppState, auth: &Authed, group: Uuid) -> Result<Group, Failure> {
    let views =
        app.db.groups_of(auth.device.user_id).await.map_err(|e| Failure::from_db(e, auth.lang))?;
    views
        .into_iter()
        .find(|v| v.group.id == group)
        .map(group_of)
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, auth.lang))
}

/// The groups the caller belongs to.
#[utoipa::path(get, path = "/v1/groups", tag = "device", security(("device_token" = [])),
    responses((status = 200, body = Vec<Group>), (status = 401, body = daka_wire::ApiError)))]
pub(crate) async fn list(
    State(app): State<AppState>,
    auth: Authed,
) -> Result<Json<Vec<Group>>, Failure> {
    let views =
        app.db.groups_of(auth.device.user_id).await.map_err(|e| Failure::from_db(e, auth.lang))?;
    Ok(Json(views.into_iter().map(group_of).collect()))
}

/// Create a group; the caller becomes its owner.
#[utoipa::path(post, path = "/v1/groups", tag = "device", security(("device_token" = [])), request_body = CreateGroup,
    responses((status = 201, body = Group), (status = 400, body = daka_wire::ApiError), (status = 401, body = daka_wire::ApiError)))]
pub(crate) async fn create(
    State(app): State<AppState>,
    auth: Authed,
    Body(req): Body<CreateGroup>,
) -> Result<(StatusCode, Json<Group>), Failure> {
    let lang = auth.lang;
    let group = NewGroup {
        id: Uuid::now_v7(),
        name: check::group_name(&req.name, lang)?,
        tz: check::time_zone(&req.tz, lang)?,
        deadline: check::deadline(&req.deadline, lang)?,
        owner: auth.device.user_id,
        share: req.share,
        now: app.now(),
    };
    let id = group.id;
    app.db.create_group(group).await.map_err(|e| Failure::from_db(e, lang))?;
    Ok((StatusCode::CREATED, Json(view(&app, &auth, id).await?)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct GroupPath {
    pub(crate) group_id: Uuid,
}

/// One group.
#[utoipa::path(get, path = "/v1/groups/{group_id}", tag = "member", security(("device_token" = [])), params(GroupPath),
    responses((status = 200, body = Group), (status = 401, body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError)))]
pub(crate) async fn get(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(p): PathParams<GroupPath>,
) -> Result<Json<Group>, Failure> {
    require(&app, &auth, p.group_id, Role::Member).await?;
    Ok(Json(view(&app, &auth, p.group_id).await?))
}

/// Rename the group or change its zone or deadline (admins; audited).
#[utoipa::path(patch, path = "/v1/groups/{group_id}", tag = "admin", security(("device_token" = [])), params(GroupPath), request_body = CreateGroup,
    responses((status = 200, body = Group), (status = 400, body = daka_wire::ApiError), (status = 401, body = daka_wire::ApiError),
        (status = 403, body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError)))]
pub(crate) async fn update(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(p): PathParams<GroupPath>,
    Body(req): Body<CreateGroup>,
) -> Result<Json<Group>, Failure> {
    require(&app, &auth, p.group_id, Role::Admin).await?;
    let lang = auth.lang;
    let change = GroupChange {
        group: p.group_id,
        actor: auth.device.user_id,
        name: check::group_name(&req.name, lang)?,
        tz: check::time_zone(&req.tz, lang)?,
        deadline: check::deadline(&req.deadline, lang)?,
        now: app.now(),
    };
    app.db.update_group(change).await.map_err(|e| Failure::from_db(e, lang))?;
    Ok(Json(view(&app, &auth, p.group_id).await?))
}

/// Delete the group and everything shared in it (the owner).
#[utoipa::path(delete, path = "/v1/groups/{group_id}", tag = "owner", security(("device_token" = [])), params(GroupPath),
    responses((status = 204), (status = 401, body = daka_wire::ApiError), (status = 403, body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError)))]
pub(crate) async fn delete(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(p): PathParams<GroupPath>,
) -> Result<StatusCode, Failure> {
    require(&app, &auth, p.group_id, Role::Owner).await?;
    app.db.delete_group(p.group_id).await.map_err(|e| Failure::from_db(e, auth.lang))?;
    tracing::info!(group = %p.group_id, "group deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The members.
#[utoipa::path(get, path = "/v1/groups/{group_id}/members", tag = "member", security(("device_token" = [])), params(GroupPath),
    responses((status = 200, body = Vec<Member>), (status = 401, body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError)))]
pub(crate) async fn members(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(p): PathParams<GroupPath>,
) -> Result<Json<Vec<Member>>, Failure> {
    require(&app, &auth, p.group_id, Role::Member).await?;
    let rows = app.db.members(p.group_id).await.map_err(|e| Failure::from_db(e, auth.lang))?;
    Ok(Json(
        rows.into_iter()
            .map(|m| Member {
                user_id: m.user_id,
                nickname: m.nickname,
                role: m.role,
                joined_at: m.joined_at,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct MemberPath {
    pub(crate) group_id: Uuid,
    pub(crate) user_id: Uuid,
}

/// Remove a member (admins, only members below their own role; audited).
#[utoipa::path(delete, path = "/v1/groups/{group_id}/members/{user_id}", tag = "admin", security(("device_token" = [])), params(MemberPath),
    responses((status = 204), (status = 401, body = daka_wire::ApiError), (status = 403, body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError)))]
pub(crate) async fn remove_member(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(p): PathParams<MemberPath>,
) -> Result<StatusCode, Failure> {
    require(&app, &auth, p.group_id, Role::Admin).await?;
    app.db
        .remove_member(p.group_id, auth.device.user_id, p.user_id, app.now())
        .await
        .map_err(|e| Failure::from_db(e, auth.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SetRole {
    /// `admin` or `member`.
    pub(crate) role: Role,
}

/// Make a member an admin or back (the owner; audited).
#[utoipa::path(put, path = "/v1/groups/{group_id}/members/{user_id}/role", tag = "owner", security(("device_token" = [])), params(MemberPath), request_body = SetRole,
    responses((status = 204), (status = 400, body = daka_wire::ApiError), (status = 401, body = daka_wire::ApiError), (status = 403, body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError)))]
pub(crate) async fn set_role(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(p): PathParams<MemberPath>,
    Body(req): Body<SetRole>,
) -> Result<StatusCode, Failure> {
    require(&app, &auth, p.group_id, Role::Owner).await?;
    app.db
        .set_role(p.group_id, auth.device.user_id, p.user_id, req.role, app.now())
        .await
        .map_err(|e| Failure::from_db(e, auth.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// What the caller shares with this group.
#[utoipa::path(put, path = "/v1/groups/{group_id}/share", tag = "member", security(("device_token" = [])), params(GroupPath), request_body = ShareSettings,
    responses((status = 200, body = Group), (status = 400, body = daka_wire::ApiError), (status = 401, body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError)))]
pub(crate) async fn set_share(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(p): PathParams<GroupPath>,
    Body(share): Body<ShareSettings>,
) -> Result<Json<Group>, Failure> {
    require(&app, &auth, p.group_id, Role::Member).await?;
    app.db
        .set_share(p.group_id, auth.device.user_id, share, app.now())
        .await
        .map_err(|e| Failure::from_db(e, auth.lang))?;
    Ok(Json(view(&app, &auth, p.group_id).await?))
}

/// Leave the group; optionally take back everything shared with it.
#[utoipa::path(post, path = "/v1/groups/{group_id}/leave", tag = "member", security(("device_token" = [])), params(GroupPath), request_body = LeaveGroup,
    responses((status = 204), (status = 400, body = daka_wire::ApiError), (status = 401, body = daka_wire::ApiError),
        (status = 403, description = "the owner cannot leave", body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError)))]
pub(crate) async fn leave(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(p): PathParams<GroupPath>,
    Body(req): Body<LeaveGroup>,
) -> Result<StatusCode, Failure> {
    require(&app, &auth, p.group_id, Role::Member).await?;
    app.db
        .leave(p.group_id, auth.device.user_id, req.delete_shared, app.now())
        .await
        .map_err(|e| Failure::from_db(e, auth.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// What admins did, newest first (every member may read it).
#[utoipa::path(get, path = "/v1/groups/{group_id}/audit", tag = "member", security(("device_token" = [])), params(GroupPath),
    responses((status = 200, body = Vec<AuditEntry>), (status = 401, body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError)))]
pub(crate) async fn audit(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(p): PathParams<GroupPath>,
) -> Result<Json<Vec<AuditEntry>>, Failure> {
    require(&app, &auth, p.group_id, Role::Member).await?;
    let rows = app.db.audit_log(p.group_id).await.map_err(|e| Failure::from_db(e, auth.lang))?;
    Ok(Json(
        rows.into_iter()
            .map(|a| AuditEntry {
                id: a.id,
                at: a.at,
                actor_user_id: a.actor,
                actor_nickname: a.actor_nickname,
                action: a.action,
                target: a.target,
            })
            .collect(),
    ))
}
