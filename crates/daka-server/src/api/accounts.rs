//! Sign-up, sign-in, the profile, and the account's devices.

use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use daka_server_db::{NewDevice, NewUser};
use daka_wire::{Device, ErrorCode, Me, Session, SignIn, SignUp, UpdateProfile};
use uuid::Uuid;

use super::check;
use crate::AppState;
use crate::error::Failure;
use crate::extract::{Authed, Body, ClientIp, PathParams, RequestLang};
use crate::limits::Limit;
use crate::secrets::{
    self, dummy_password_hash, hash_password, new_token, sha256_hex, verify_password,
};

/// Counts an attempt against `limit` for `key`, answering 429 with `Retry-After` when spent.
pub(crate) fn rate_limit(
    app: &AppState,
    key: String,
    limit: Limit,
    lang: daka_core::lang::Lang,
) -> Result<(), Failure> {
    app.limiter.check(&key, limit, Instant::now()).map_err(|secs| Failure {
        retry_after_secs: Some(secs),
        ..Failure::new(ErrorCode::RateLimited, lang)
    })
}

fn secret_failure(e: secrets::SecretError, lang: daka_core::lang::Lang) -> Failure {
    Failure::internal(&e.to_string(), lang)
}

/// Creates a device with a new token; answers the token (the only time it is ever shown).
async fn new_device(
    app: &AppState,
    user: Uuid,
    name: &str,
    lang: daka_core::lang::Lang,
) -> Result<(NewDevice, String), Failure> {
    let token = new_token().map_err(|e| secret_failure(e, lang))?;
    let device = NewDevice {
        id: Uuid::now_v7(),
        user_id: user,
        name: check::device_name(name, lang)?,
        token_hash: sha256_hex(&token),
        now: app.now(),
    };
    Ok((device, token))
}

/// Create an account and sign this computer in.
#[utoipa::path(post, path = "/v1/accounts", tag = "public", request_body = SignUp,
    responses((status = 201, body = Session), (status = 400, body = daka_wire::ApiError),
        (status = 403, description = "sign-up is invite-only", body = daka_wire::ApiError),
        (status = 409, body = daka_wire::ApiError), (status = 429, body = daka_wire::ApiError)))]
pub(crate) async fn sign_up(
    State(app): State<AppState>,
    RequestLang(lang): RequestLang,
    ClientIp(ip): ClientIp,
    Body(req): Body<SignUp>,
) -> Result<(StatusCode, Json<Session>), Failure> {
    rate_limit(&app, format!("sign-up:{ip:?}"), app.settings.limits.sign_up, lang)?;
    let username = check::username(&req.username, lang)?;
    check::password(&req.password, lang)?;
    let nickname = check::nickname(&req.nickname, lang)?;
    if !app.settings.open_signup {
        let code = req.invite.as_deref().map(secrets::normalize_invite_code).unwrap_or_default();
        let usable = !code.is_empty()
            && app
                .db
                .invite_group(&sha256_hex(&code), app.now())
                .await
                .map_err(|e| Failure::from_db(e, lang))?
                .is_some();
        if !usable {
            return Err(Failure::new(ErrorCode::SignupClosed, lang));
        }
    }
    let id = Uuid::now_v7();
    let (device, token) = new_device(&app, id, &req.device_name, lang).await?;
    let device_id = device.id;
    let password_hash = hash_password(&req.password).map_err(|e| secret_failure(e, lang))?;
    let user = NewUser { id, username, password_hash, nickname, now: app.now() };
    let row = app.db.create_user(user, device).await.map_err(|e| Failure::from_db(e, lang))?;
    tracing::info!(user = %row.id, device = %device_id, "account created");
    let session = Session {
        user_id: row.id,
        device_id,
        username: row.username,
        nickname: row.nickname,
        token,
    };
    Ok((StatusCode::CREATED, Json(session)))
}

/// Sign an existing account in on this computer (a new device).
#[utoipa::path(post, path = "/v1/sessions", tag = "public", request_body = SignIn,
    responses((status = 201, body = Session), (status = 400, body = daka_wire::ApiError),
        (status = 401, body = daka_wire::ApiError), (status = 429, body = daka_wire::ApiError)))]
pub(crate) async fn sign_in(
    State(app): State<AppState>,
    RequestLang(lang): RequestLang,
    ClientIp(ip): ClientIp,
    Body(req): Body<SignIn>,
) -> Result<(StatusCode, Json<Session>), Failure> {
    let session = sign_in_device(&app, lang, ip, &req).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// Checks the password (rate-limited per address and per account) and creates a device.
/// Shared by the API and the web page's sign-in form.
pub(crate) async fn sign_in_device(
    app: &AppState,
    lang: daka_core::lang::Lang,
    ip: Option<std::net::IpAddr>,
    req: &SignIn,
) -> Result<Session, Failure> {
    let limit = app.settings.limits.sign_in;
    rate_limit(app, format!("sign-in:{ip:?}"), limit, lang)?;
    rate_limit(app, format!("sign-in-user:{}", req.username.trim().to_lowercase()), limit, lang)?;
    let user =
        app.db.user_by_name(req.username.trim()).await.map_err(|e| Failure::from_db(e, lang))?;
    // Verify against a dummy hash for unknown names: same work, same time, same answer.
    let phc = user.as_ref().map_or(dummy_password_hash(), |u| u.password_hash.as_str());
    let ok = verify_password(&req.password, phc);
    let Some(user) = user.filter(|_| ok) else {
        return Err(Failure::new(ErrorCode::BadCredentials, lang));
    };
    let (device, token) = new_device(app, user.id, &req.device_name, lang).await?;
    let device_id = device.id;
    app.db.create_device(device).await.map_err(|e| Failure::from_db(e, lang))?;
    tracing::info!(user = %user.id, device = %device_id, "signed in");
    Ok(Session {
        user_id: user.id,
        device_id,
        username: user.username,
        nickname: user.nickname,
        token,
    })
}

/// Who this token belongs to.
#[utoipa::path(get, path = "/v1/me", tag = "device", security(("device_token" = [])),
    responses((status = 200, body = Me), (status = 401, body = daka_wire::ApiError)))]
pub(crate) async fn me(State(app): State<AppState>, auth: Authed) -> Result<Json<Me>, Failure> {
    let user = app
        .db
        .user(auth.device.user_id)
        .await
        .map_err(|e| Failure::from_db(e, auth.lang))?
        .ok_or_else(|| Failure::new(ErrorCode::Unauthorized, auth.lang))?;
    Ok(Json(Me {
        user_id: user.id,
        device_id: auth.device.device_id,
        username: user.username,
        nickname: user.nickname,
    }))
}

/// Change the nickname the groups see.
#[utoipa::path(patch, path = "/v1/me", tag = "device", security(("device_token" = [])), request_body = UpdateProfile,
    responses((status = 200, body = Me), (status = 400, body = daka_wire::ApiError), (status = 401, body = daka_wire::ApiError)))]
pub(crate) async fn update_me(
    State(app): State<AppState>,
    auth: Authed,
    Body(req): Body<UpdateProfile>,
) -> Result<Json<Me>, Failure> {
    let nickname = check::nickname(&req.nickname, auth.lang)?;
    app.db
        .set_nickname(auth.device.user_id, &nickname)
        .await
        .map_err(|e| Failure::from_db(e, auth.lang))?;
    me(State(app), auth).await
}

/// The computers signed in to this account.
#[utoipa::path(get, path = "/v1/devices", tag = "device", security(("device_token" = [])),
    responses((status = 200, body = Vec<Device>), (status = 401, body = daka_wire::ApiError)))]
pub(crate) async fn devices(
    State(app): State<AppState>,
    auth: Authed,
) -> Result<Json<Vec<Device>>, Failure> {
    let rows =
        app.db.devices(auth.device.user_id).await.map_err(|e| Failure::from_db(e, auth.lang))?;
    Ok(Json(
        rows.into_iter()
            .map(|d| Device {
                current: d.id == auth.device.device_id,
                id: d.id,
                name: d.name,
                created_at: d.created_at,
                last_seen_at: d.last_seen_at,
                revoked_at: d.revoked_at,
            })
            .collect(),
    ))
}

/// Sign a device out for good (its token stops working at once).
#[utoipa::path(delete, path = "/v1/devices/{device_id}", tag = "device", security(("device_token" = [])),
    params(("device_id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError)))]
pub(crate) async fn revoke_device(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(device_id): PathParams<Uuid>,
) -> Result<StatusCode, Failure> {
    app.db
        .revoke_device(auth.device.user_id, device_id, app.now())
        .await
        .map_err(|e| Failure::from_db(e, auth.lang))?;
    tracing::info!(user = %auth.device.user_id, device = %device_id, "device revoked");
    Ok(StatusCode::NO_CONTENT)
}
