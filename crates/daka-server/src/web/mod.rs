//! The board as a web page, for members without the app on this computer: server-rendered
//! HTML that works without JavaScript, zh-CN and en, readable on a phone.
//!
//! Signing in here creates a device named for the browser, like the app does; its token lives
//! in an HttpOnly, SameSite=Lax cookie (Secure when the public URL is https), so a cross-site
//! form cannot use it. Signing out revokes that device.

mod html;

use axum::Router;
use axum::extract::{Form, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use daka_core::lang::Lang;
use daka_wire::{ErrorCode, Role, SignIn};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{Authed, SESSION_COOKIE, client_ip, cookie, lang_of};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/web/sign-in", post(sign_in))
        .route("/web/sign-out", post(sign_out))
        .route("/web/groups/{group_id}", get(group_page))
        .route("/web/groups/{group_id}/photos/{photo_id}", get(group_photo))
}

/// The page language: `?lang=` (the switch link), else the `daka_lang` cookie, else the browser's.
#[derive(Debug, Clone, Copy)]
struct PageLang(Lang);

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let from_query = parts.uri.query().and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("lang="))
                .and_then(|v| v.replace("%2D", "-").parse::<Lang>().ok())
        });
        let from_cookie = cookie(parts, "daka_lang").and_then(|v| v.parse::<Lang>().ok());
        Ok(PageLang(from_query.or(from_cookie).unwrap_or_else(|| lang_of(parts))))
    }
}

/// A page answer: HTML with a status; errors become pages too, never JSON.
fn page(status: StatusCode, body: String) -> Response {
    let mut response = (status, Html(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"),
    );
    response
}

fn failure_page(f: Failure, lang: Lang) -> Response {
    page(f.status, html::message_page(lang, &f.message))
}

async fn session(parts: &mut Parts, app: &AppState) -> Option<Authed> {
    Authed::from_request_parts(parts, app).await.ok()
}

async fn home(
    State(app): State<AppState>,
    PageLang(lang): PageLang,
    req: axum::extract::Request,
) -> Response {
    let (mut parts, _) = req.into_parts();
    let Some(auth) = session(&mut parts, &app).await else {
        return page(StatusCode::OK, html::sign_in_page(lang, None));
    };
    match app.db.groups_of(auth.device.user_id).await {
        Ok(groups) => {
            let nickname = app
                .db
                .user(auth.device.user_id)
                .await
                .ok()
                .flatten()
                .map(|u| u.nickname)
                .unwrap_or_default();
            page(StatusCode::OK, html::groups_page(lang, &nickname, &groups))
        }
        Err(e) => failure_page(Failure::from_db(e, lang), lang),
    }
}

#[derive(Debug, Deserialize)]
struct SignInForm {
    username: String,
    password: String,
}

fn session_cookie(app: &AppState, value: &str, max_age_secs: u64) -> HeaderValue {
    let secure = app.settings.public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
    let cookie = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

async fn sign_in(
    State(app): State<AppState>,
    PageLang(lang): PageLang,
    req_parts: RequestParts,
    Form(form): Form<SignInForm>,
) -> Response {
    let ip = client_ip(&req_parts.0, app.settings.trust_proxy);
    let device_name = lang.pick("网页浏览器", "Web browser").to_owned();
    let request = SignIn { username: form.username, password: form.password, device_name };
    match crate::api::sign_in_device(&app, lang, ip, &request).await {
        Ok(session) => {
            let mut response = Redirect::to("/").into_response();
            response
                .headers_mut()
                .append(header::SET_COOKIE, session_cookie(&app, &session.token, 30 * 24 * 3600));
            response
        }
        Err(f)
            if f.code == ErrorCode::BadCredentials
                || f.code == ErrorCode::RateLimited
                || f.code == ErrorCode::Invalid =>
        {
            page(f.status, html::sign_in_page(lang, Some(&f.message)))
        }
        Err(f) => failure_page(f, lang),
    }
}

/// The request's parts, for handlers that also take a body.
struct RequestParts(Parts);

impl<S: Send + Sync> FromRequestParts<S> for RequestParts {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestParts(parts.clone()))
    }
}

async fn sign_out(State(app): State<AppState>, RequestParts(mut parts): RequestParts) -> Response {
    if let Some(auth) = session(&mut parts, &app).await {
        let _ = app.db.revoke_device(auth.device.user_id, auth.device.device_id, app.now()).await;
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(header::SET_COOKIE, session_cookie(&app, "", 0));
    response
}

#[derive(Debug, Deserialize)]
struct BoardQuery {
    date: Option<String>,
}

async fn group_page(
    State(app): State<AppState>,
    PageLang(lang): PageLang,
    axum::extract::Path(group_id): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<BoardQuery>,
    RequestParts(mut parts): RequestParts,
) -> Response {
    let Some(auth) = session(&mut parts, &app).await else {
        return Redirect::to("/").into_response();
    };
    let not_found = || failure_page(Failure::new(ErrorCode::NotFound, lang), lang);
    let Ok(group) = group_id.parse::<Uuid>() else { return not_found() };
    let date = match q.date.as_deref().filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => match d.parse::<NaiveDate>() {
            Ok(d) => Some(d),
            Err(_) => return not_found(),
        },
    };
    match app.db.membership(group, auth.device.user_id).await {
        Ok(Some(m)) if m.role >= Role::Member => {}
        Ok(_) => return not_found(),
        Err(e) => return failure_page(Failure::from_db(e, lang), lang),
    }
    match crate::api::board::load(&app, group, date, lang).await {
        Ok(board) => {
            let tz = app
                .db
                .group(group)
                .await
                .ok()
                .flatten()
                .and_then(|g| g.tz.parse::<chrono_tz::Tz>().ok());
            page(StatusCode::OK, html::board_page(lang, &board, tz.unwrap_or(chrono_tz::UTC)))
        }
        Err(f) => failure_page(f, lang),
    }
}

/// A photo on the board page, for a signed-in member of the group (404 otherwise, as for the
/// page itself).
async fn group_photo(
    State(app): State<AppState>,
    PageLang(lang): PageLang,
    axum::extract::Path((group_id, photo_id)): axum::extract::Path<(String, String)>,
    RequestParts(mut parts): RequestParts,
) -> Response {
    let not_found = || Failure::new(ErrorCode::NotFound, lang).into_response();
    let Some(auth) = session(&mut parts, &app).await else { return not_found() };
    let (Ok(group), Ok(photo)) = (group_id.parse::<Uuid>(), photo_id.parse::<Uuid>()) else {
        return not_found();
    };
    match app.db.membership(group, auth.device.user_id).await {
        Ok(Some(m)) if m.role >= Role::Member => {}
        _ => return not_found(),
    }
    crate::api::photos::shared_photo(&app, group, photo, lang)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}
