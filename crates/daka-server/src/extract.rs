//! Request extractors: the caller's language, their device, a JSON body whose rejections
//! answer `{code, message}`, and the client address for rate limits.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use daka_core::lang::Lang;
use daka_server_db::DeviceAuth;
use daka_wire::ErrorCode;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::Failure;
use crate::secrets::sha256_hex;

/// The name of the web page's session cookie (it holds a device token, like the app's).
pub const SESSION_COOKIE: &str = "daka_session";

/// The language of the answer: the first `Accept-Language` entry, zh-CN for any Chinese.
pub fn lang_of(parts: &Parts) -> Lang {
    lang_of_headers(&parts.headers)
}

pub fn lang_of_headers(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map_or(Lang::ZhCn, |first| {
            Lang::from_system_locale(first.split(';').next().unwrap_or_default())
        })
}

#[derive(Debug, Clone, Copy)]
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Failure> {
        Ok(RequestLang(lang_of(parts)))
    }
}

/// A signed-in device: a valid, unrevoked token in `Authorization: Bearer` (the app) or in the
/// session cookie (the web page).
#[derive(Debug, Clone, Copy)]
pub struct Authed {
    pub device: DeviceAuth,
    pub lang: Lang,
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Failure> {
        let lang = lang_of(parts);
        let unauthorized = || Failure::new(ErrorCode::Unauthorized, lang);
        let token =
            bearer(parts).or_else(|| cookie(parts, SESSION_COOKIE)).ok_or_else(unauthorized)?;
        let device = app
            .db
            .device_by_token(&sha256_hex(&token))
            .await
            .map_err(|e| Failure::from_db(e, lang))?
            .filter(|d| !d.revoked)
            .ok_or_else(unauthorized)?;
        let now = app.now();
        // `last_seen_at` at most once a minute: a busy device does not write on every request.
        if now - device.last_seen_at > chrono::Duration::minutes(1) {
            app.db
                .touch_device(device.device_id, now)
                .await
                .map_err(|e| Failure::from_db(e, lang))?;
        }
        Ok(Authed { device, lang })
    }
}

fn bearer(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?.trim();
    (!token.is_empty()).then(|| token.to_owned())
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A JSON body. Unlike `axum::Json`, a bad body answers the standard error shape.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Failure> {
        let lang = lang_of_headers(req.headers());
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(Failure::new(ErrorCode::PayloadTooLarge, lang))
            }
            Err(rejection) => {
                let mut failure = Failure::new(ErrorCode::BadRequest, lang);
                // serde's text names the field and the expected type; it holds no secret, but a
                // password field's *value* is never echoed by serde.
                failure.message = format!("{} {}", failure.message, rejection.body_text());
                Err(failure)
            }
        }
    }
}

/// The client's address for rate limits: the socket's peer, or with `--trust-proxy` the last
/// address the reverse proxy appended to `X-Forwarded-For`.
pub fn client_ip(parts: &Parts, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy
        && let Some(ip) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(ip);
    }
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Failure> {
        Ok(ClientIp(client_ip(parts, app.settings.trust_proxy)))
    }
}

/// Path parameters whose rejection (a malformed id) answers the standard error shape.
#[derive(Debug)]
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        let lang = lang_of(parts);
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(PathParams(value)),
            Err(rejection) => Err(Failure::invalid(format!(
                "{} {}",
                lang.pick("网址中的参数不对：", "A parameter in the address is not valid:"),
                rejection.body_text()
            ))),
        }
    }
}

/// Query parameters, likewise.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        let lang = lang_of(parts);
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(QueryParams(value)),
            Err(rejection) => Err(Failure::invalid(format!(
                "{} {}",
                lang.pick("查询参数不对：", "A query parameter is not valid:"),
                rejection.body_text()
            ))),
        }
    }
}
