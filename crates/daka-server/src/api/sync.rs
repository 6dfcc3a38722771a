//! Push, status and pull (research/architecture-anchors.md §10.4–§10.5).

use axum::Json;
use axum::extract::State;
use daka_server_db::Outcome;
use daka_server_db::check::check;
use daka_wire::{
    ChangePage, ErrorCode, MAX_PULL_LIMIT, MAX_PUSH_MUTATIONS, MutationResult, MutationStatus,
    PushRequest, PushResponse, Role, SyncStatus,
};
use serde::Deserialize;
use uuid::Uuid;

use super::groups::require;
use crate::AppState;
use crate::error::{Failure, reject_message};
use crate::extract::{Authed, Body, PathParams, QueryParams};

/// Send the device's outbox. The device comes from the token, never from the body.
#[utoipa::path(post, path = "/v1/sync/push", tag = "device", security(("device_token" = [])), request_body = PushRequest,
    responses((status = 200, body = PushResponse), (status = 400, body = daka_wire::ApiError), (status = 401, body = daka_wire::ApiError),
        (status = 409, description = "sequence gap; `expected` says where to resume", body = daka_wire::ApiError),
        (status = 413, body = daka_wire::ApiError)))]
pub(crate) async fn push(
    State(app): State<AppState>,
    auth: Authed,
    Body(req): Body<PushRequest>,
) -> Result<Json<PushResponse>, Failure> {
    let lang = auth.lang;
    if req.mutations.len() > MAX_PUSH_MUTATIONS {
        return Err(Failure::new(ErrorCode::PayloadTooLarge, lang));
    }
    let now = app.now();
    let batch = req.mutations.iter().map(|m| check(m, now)).collect();
    let outcome =
        app.db.push(&auth.device, batch, now).await.map_err(|e| Failure::from_db(e, lang))?;
    let results = outcome
        .results
        .into_iter()
        .map(|(device_seq, outcome)| {
            let (status, code) = match outcome {
                Outcome::Applied => (MutationStatus::Applied, None),
                Outcome::Duplicate => (MutationStatus::Duplicate, None),
                Outcome::Superseded => (MutationStatus::Superseded, None),
                Outcome::Rejected(code) => (MutationStatus::Rejected, Some(code)),
            };
            MutationResult {
                device_seq,
                status,
                code,
                message: code.map(|c| reject_message(c, lang).to_owned()),
            }
        })
        .collect();
    Ok(Json(PushResponse { last_device_seq: outcome.last_device_seq, results }))
}

/// Where the device and each of its groups stand.
#[utoipa::path(get, path = "/v1/sync/status", tag = "device", security(("device_token" = [])),
    responses((status = 200, body = SyncStatus), (status = 401, body = daka_wire::ApiError)))]
pub(crate) async fn status(
    State(app): State<AppState>,
    auth: Authed,
) -> Result<Json<SyncStatus>, Failure> {
    let status = app
        .db
        .sync_status(&auth.device, app.now())
        .await
        .map_err(|e| Failure::from_db(e, auth.lang))?;
    Ok(Json(status))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ChangesQuery {
    /// The cursor: the last seq already applied (0 for everything).
    #[serde(default)]
    pub(crate) after: i64,
    /// At most 500; 200 by default.
    pub(crate) limit: Option<u32>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct ChangesPath {
    pub(crate) group_id: Uuid,
}

/// A page of the group's change feed.
#[utoipa::path(get, path = "/v1/groups/{group_id}/changes", tag = "member", security(("device_token" = [])), params(ChangesPath, ChangesQuery),
    responses((status = 200, body = ChangePage), (status = 400, body = daka_wire::ApiError), (status = 401, body = daka_wire::ApiError),
        (status = 404, body = daka_wire::ApiError), (status = 410, description = "cursor too old: pull from 0", body = daka_wire::ApiError)))]
pub(crate) async fn changes(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(p): PathParams<ChangesPath>,
    QueryParams(q): QueryParams<ChangesQuery>,
) -> Result<Json<ChangePage>, Failure> {
    require(&app, &auth, p.group_id, Role::Member).await?;
    if q.after < 0 {
        return Err(Failure::invalid(
            auth.lang.pick("after 不能是负数。", "after cannot be negative.").to_owned(),
        ));
    }
    let limit = q.limit.unwrap_or(200).clamp(1, MAX_PULL_LIMIT);
    let page = app
        .db
        .changes(p.group_id, q.after, limit)
        .await
        .map_err(|e| Failure::from_db(e, auth.lang))?;
    Ok(Json(page))
}
