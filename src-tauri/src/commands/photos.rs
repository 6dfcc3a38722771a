//! Punch-in photos: picking them (a native dialog opened from Rust) and showing thumbnails.

use daka_core::punch_in::MAX_PHOTOS;
use daka_photos::Limits;
use serde::Serialize;
use tauri::State;

use crate::error::AppError;
use crate::ipc::Arg;
use crate::state::AppState;

/// A photo as the form shows it.
#[derive(Debug, Serialize, specta::Type)]
pub struct PhotoThumb {
    pub id: String,
    /// `data:image/jpeg;base64,…`, at most 480 px on the long side.
    pub url: String,
}

/// What picking photos gave: the photos added, and one message per file that was refused.
#[derive(Debug, Serialize, specta::Type)]
pub struct AddedPhotos {
    pub photos: Vec<PhotoThumb>,
    pub problems: Vec<String>,
}

/// Asks for up to `room` pictures (the form's free places out of 9), copies them into the data
/// folder with thumbnails, and records them as not yet attached. Bad files are named in
/// `problems`; the good ones are still added.
#[tauri::command]
#[specta::specta]
pub async fn add_photos(
    state: State<'_, AppState>,
    room: Arg<u32>,
) -> Result<AddedPhotos, AppError> {
    let lang = state.lang();
    let room = usize::try_from(room.decode("room", lang)?).unwrap_or(0).min(MAX_PHOTOS);
    let picker = state.picker.clone();
    let chosen = tauri::async_runtime::spawn_blocking(move || {
        picker.open_many(
            lang.pick("添加照片", "Add photos"),
            lang.pick("图片", "Pictures"),
            &["jpg", "jpeg", "png", "webp", "gif", "bmp", "JPG", "JPEG", "PNG", "heic", "HEIC"],
        )
    })
    .await
    .map_err(|_| AppError::internal(lang))?;

    let store = state.store()?;
    let mut added = AddedPhotos { photos: Vec::new(), problems: Vec::new() };
    if chosen.len() > room {
        let extra = chosen.len() - room;
        added.problems.push(match lang {
            daka_core::lang::Lang::ZhCn => {
                format!("一次打卡最多 {MAX_PHOTOS} 张照片，多出的 {extra} 张没有添加。")
            }
            daka_core::lang::Lang::En => {
                format!("A punch-in holds at most {MAX_PHOTOS} photos; {extra} were not added.")
            }
        });
    }
    for path in chosen.into_iter().take(room) {
        let data_dir = state.data_dir.clone();
        // Decoding and resizing are CPU work: off the async workers.
        let ingested = tauri::async_runtime::spawn_blocking(move || {
            daka_photos::ingest(&path, &data_dir, Limits::default())
        })
        .await
        .map_err(|_| AppError::internal(lang))?;
        let photo = match ingested {
            Ok(photo) => photo,
            Err(e) => {
                tracing::info!(error = %e, "photo refused");
                added.problems.push(e.message(lang));
                continue;
            }
        };
        let id = store
            .add_photo(&photo, state.now())
            .await
            .map_err(|e| AppError::from_store(e, lang))?;
        let url = store
            .photo_thumbnail(&id.to_string())
            .await
            .map_err(|e| AppError::from_store(e, lang))?;
        added.photos.push(PhotoThumb { id: id.to_string(), url });
    }
    Ok(added)
}

/// Thumbnails of saved photos, in the order asked. Unknown ids are left out.
#[tauri::command]
#[specta::specta]
pub async fn photo_thumbnails(
    state: State<'_, AppState>,
    ids: Arg<Vec<String>>,
) -> Result<Vec<PhotoThumb>, AppError> {
    let lang = state.lang();
    let ids = ids.decode("ids", lang)?;
    let store = state.store()?;
    let mut out = Vec::new();
    for id in ids.into_iter().take(200) {
        match store.photo_thumbnail(&id).await {
            Ok(url) => out.push(PhotoThumb { id, url }),
            Err(e) => tracing::warn!(error = %e, "thumbnail missing"),
        }
    }
    Ok(out)
}
