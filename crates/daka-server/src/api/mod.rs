//! The HTTP API: every route is registered through utoipa-axum, so the router and the OpenAPI
//! document are one list and cannot disagree. Each operation's tag is the access it needs —
//! `public`, `device` (any signed-in device), `member`, `admin` or `owner` of the group in its
//! path — which the authorization-matrix test reads back from the document.

mod accounts;
pub mod board;
mod check;
mod events;
mod groups;
pub mod invites;
pub(crate) mod photos;
mod sync;

use std::time::Duration;

use axum::Json;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use daka_wire::{ErrorCode, PROTOCOL, PROTOCOL_HEADER};
use serde::Serialize;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::Failure;
use crate::extract::lang_of_headers;

pub(crate) use accounts::sign_in_device;

/// Largest request body: a full push batch of long notes fits; anything bigger is refused
/// before it is read.
pub const BODY_LIMIT: usize = 512 * 1024;
/// Requests that take longer are cut off (not the event stream).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(OpenApi)]
#[openapi(
    info(title = "Daka group server", description = "Accounts, study groups, punch-in sync and the group board. Errors are `{code, message}` in the `Accept-Language` language (zh-CN or en)."),
    modifiers(&DeviceToken),
    tags(
        (name = "public", description = "no token needed"),
        (name = "device", description = "any signed-in device (Authorization: Bearer pk_…)"),
        (name = "member", description = "a member of the group in the path"),
        (name = "admin", description = "an admin or the owner of the group in the path"),
        (name = "owner", description = "the owner of the group in the path"),
    )
)]
struct ApiDoc;

struct DeviceToken;

impl Modify for DeviceToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "device_token",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("pk_…").build(),
            ),
        );
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Health {
    status: &'static str,
    protocol: u32,
    version: &'static str,
}

/// Liveness and the protocol this server speaks.
#[utoipa::path(get, path = "/health", tag = "public", responses((status = 200, body = Health)))]
async fn health() -> Json<Health> {
    Json(Health { status: "ok", protocol: PROTOCOL, version: env!("CARGO_PKG_VERSION") })
}

/// The API routes and their OpenAPI document.
pub fn api() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(accounts::sign_up))
        .routes(routes!(accounts::sign_in))
        .routes(routes!(accounts::me, accounts::update_me))
        .routes(routes!(accounts::devices))
        .routes(routes!(accounts::revoke_device))
        .routes(routes!(groups::list, groups::create))
        .routes(routes!(groups::get, groups::update, groups::delete))
        .routes(routes!(groups::members))
        .routes(routes!(groups::remove_member))
        .routes(routes!(groups::set_role))
        .routes(routes!(groups::set_share))
        .routes(routes!(groups::leave))
        .routes(routes!(groups::audit))
        .routes(routes!(invites::list, invites::create))
        .routes(routes!(invites::revoke))
        .routes(routes!(invites::preview))
        .routes(routes!(invites::join))
        .routes(routes!(sync::push))
        .routes(routes!(sync::status))
        .routes(routes!(sync::changes))
        .routes(routes!(board::board))
        .routes(routes!(photos::put_photo))
        .routes(routes!(photos::group_photo))
        .split_for_parts()
}

/// The event stream, kept apart: it must not be cut off by the request timeout.
pub fn event_routes() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::new().routes(routes!(events::events)).split_for_parts()
}

/// The whole OpenAPI document (what `/openapi.json` serves and `openapi.json` commits).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = api();
    let (_, events) = event_routes();
    doc.merge(events);
    doc
}

/// The full HTTP service: API, event stream, `/openapi.json`, the web board, and the layers.
pub fn router(app: AppState) -> axum::Router {
    let (api, _) = api();
    let (events, _) = event_routes();
    let doc = openapi();
    let timed = api
        .merge(crate::web::routes())
        .route("/openapi.json", axum::routing::get(move || async move { Json(doc) }))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT));
    timed
        .merge(events)
        .fallback(not_found)
        .layer(middleware::from_fn(check_protocol))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(|_| {
            Failure::internal("a handler panicked", daka_core::lang::Lang::En).into_response()
        }))
        .with_state(app)
}

async fn not_found(headers: axum::http::HeaderMap) -> Failure {
    Failure::new(ErrorCode::NotFound, lang_of_headers(&headers))
}

/// A client that says it speaks another protocol gets 426 before anything else happens.
/// Browsers and tools that send no header are served (the API is stable within a version).
async fn check_protocol(req: Request, next: Next) -> Response {
    let lang = lang_of_headers(req.headers());
    if let Some(value) = req.headers().get(PROTOCOL_HEADER) {
        let speaks = value.to_str().ok().and_then(|v| v.trim().parse::<u32>().ok());
        if speaks != Some(PROTOCOL) {
            let mut failure = Failure::new(ErrorCode::ProtocolMismatch, lang);
            failure.message = format!("{} (server: {PROTOCOL})", failure.message);
            let mut response = failure.into_response();
            response.headers_mut().insert(PROTOCOL_HEADER, header::HeaderValue::from(PROTOCOL));
            return response;
        }
    }
    next.run(req).await
}
