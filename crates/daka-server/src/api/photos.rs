//! Punch-in photos: a device uploads the 480 px JPEG thumbnail of a photo under the photo's
//! id before it pushes the punch-in that lists it; members of a group the owner shares photos
//! with fetch it through that group.
//!
//! Only JPEG is stored (what the app makes), checked by its start and end markers, and served
//! only as `image/jpeg` with `nosniff` and a sandboxing CSP, so a crafted upload can never be
//! read by a browser as a page or a script.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use daka_server_db::{NewPhoto, PhotoPut};
use daka_wire::{ErrorCode, MAX_PHOTO_BYTES, Role};
use serde::Deserialize;
use uuid::Uuid;

use super::groups::require;
use crate::AppState;
use crate::error::Failure;
use crate::extract::{Authed, PathParams};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct PhotoPath {
    /// The app's id of the photo (a UUID), as its punch-ins list it.
    pub(crate) photo_id: Uuid,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct GroupPhotoPath {
    pub(crate) group_id: Uuid,
    pub(crate) photo_id: Uuid,
}

/// Whether `bytes` look like one whole JPEG: the SOI marker and `FF D8 FF`, and EOI at the end.
fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.len() >= 6 && bytes.starts_with(&[0xFF, 0xD8, 0xFF]) && bytes.ends_with(&[0xFF, 0xD9])
}

/// Upload a photo of one of your punch-ins (a JPEG of at most 512 KiB). Uploading the same
/// photo again answers 200; an id that already holds another picture, 409.
#[utoipa::path(put, path = "/v1/photos/{photo_id}", tag = "device", security(("device_token" = [])), params(PhotoPath),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, description = "stored"), (status = 200, description = "already stored"),
        (status = 400, body = daka_wire::ApiError), (status = 401, body = daka_wire::ApiError),
        (status = 403, description = "the account keeps as many photos as the server allows", body = daka_wire::ApiError),
        (status = 409, body = daka_wire::ApiError), (status = 413, body = daka_wire::ApiError)))]
pub(crate) async fn put_photo(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(p): PathParams<PhotoPath>,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, Failure> {
    let lang = auth.lang;
    let bytes = body.map_err(|_| Failure::new(ErrorCode::PayloadTooLarge, lang))?;
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(Failure::new(ErrorCode::PayloadTooLarge, lang));
    }
    if !is_jpeg(&bytes) {
        return Err(Failure::invalid(
            lang.pick("照片必须是完整的 JPEG 图片。", "A photo must be one whole JPEG picture.")
                .to_owned(),
        ));
    }
    let sha256 = crate::secrets::sha256_hex_of(&bytes);
    let photo = NewPhoto {
        id: p.photo_id,
        owner: auth.device.user_id,
        bytes: bytes.to_vec(),
        sha256,
        now: app.now(),
        max_per_owner: app.settings.max_photos_per_user,
    };
    match app.db.put_photo(photo).await.map_err(|e| Failure::from_db(e, lang))? {
        PhotoPut::Stored => Ok(StatusCode::CREATED),
        PhotoPut::AlreadyStored => Ok(StatusCode::OK),
    }
}

/// A photo a member shares with this group (404 when it is not shared here, or no longer).
#[utoipa::path(get, path = "/v1/groups/{group_id}/photos/{photo_id}", tag = "member", security(("device_token" = [])), params(GroupPhotoPath),
    responses((status = 200, description = "the JPEG", content_type = "image/jpeg", body = Vec<u8>),
        (status = 401, body = daka_wire::ApiError), (status = 404, body = daka_wire::ApiError)))]
pub(crate) async fn group_photo(
    State(app): State<AppState>,
    auth: Authed,
    PathParams(p): PathParams<GroupPhotoPath>,
) -> Result<Response, Failure> {
    require(&app, &auth, p.group_id, Role::Member).await?;
    shared_photo(&app, p.group_id, p.photo_id, auth.lang).await
}

/// The photo as a response, or 404. Shared by the API and the web page (whose caller is
/// already known to be a member).
pub(crate) async fn shared_photo(
    app: &AppState,
    group: Uuid,
    photo: Uuid,
    lang: daka_core::lang::Lang,
) -> Result<Response, Failure> {
    let bytes = app
        .db
        .group_photo(group, photo)
        .await
        .map_err(|e| Failure::from_db(e, lang))?
        .ok_or_else(|| Failure::new(ErrorCode::NotFound, lang))?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    // Private, and short: turning sharing off must take effect for the group's browsers too.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=600"));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::is_jpeg;

    #[test]
    fn only_a_whole_jpeg_passes() {
        assert!(is_jpeg(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0xFF, 0xD9]));
        assert!(!is_jpeg(b"<html><script>alert(1)</script>"));
        assert!(!is_jpeg(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x00])); // cut off
        assert!(!is_jpeg(&[0x89, b'P', b'N', b'G', 0xFF, 0xD9]));
        assert!(!is_jpeg(&[]));
    }
}
