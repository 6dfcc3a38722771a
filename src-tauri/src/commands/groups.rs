//! Study groups (小组): the account on a group server, groups, invites, the board, and sync.
//! Every command decodes its arguments, calls daka-sync's `Session` and maps the error.

use chrono::NaiveDate;
use daka_sync::{AccountForm, GroupsStatus, InviteRef, parse_invite};
use daka_wire::{
    Board, CreateGroup, CreateInvite, Device, Group, Invite, InviteCreated, ShareSettings,
};
use serde::Serialize;
use tauri::State;
use uuid::Uuid;

use crate::error::AppError;
use crate::ipc::Arg;
use crate::state::AppState;

/// An invite the user pasted or the OS opened, and where it leads.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct InviteView {
    pub invite: InviteRef,
    pub preview: daka_wire::InvitePreview,
}

#[tauri::command]
#[specta::specta]
pub async fn groups_status(state: State<'_, AppState>) -> Result<GroupsStatus, AppError> {
    Ok(state.group_session()?.status(state.lang()).await)
}

#[tauri::command]
#[specta::specta]
pub async fn groups_sign_up(
    state: State<'_, AppState>,
    form: Arg<AccountForm>,
) -> Result<GroupsStatus, AppError> {
    let lang = state.lang();
    let form = form.decode("form", lang)?;
    let request = form.sign_up(lang).map_err(|e| AppError::from_sync(e, lang))?;
    let session = state.group_session()?;
    session.sign_up(&form.server, request).await.map_err(|e| AppError::from_sync(e, lang))?;
    Ok(session.status(lang).await)
}

#[tauri::command]
#[specta::specta]
pub async fn groups_sign_in(
    state: State<'_, AppState>,
    form: Arg<AccountForm>,
) -> Result<GroupsStatus, AppError> {
    let lang = state.lang();
    let form = form.decode("form", lang)?;
    let session = state.group_session()?;
    session
        .sign_in(&form.server, form.sign_in())
        .await
        .map_err(|e| AppError::from_sync(e, lang))?;
    Ok(session.status(lang).await)
}

/// Stops syncing, revokes this device on the server and forgets the token.
#[tauri::command]
#[specta::specta]
pub async fn groups_sign_out(state: State<'_, AppState>) -> Result<GroupsStatus, AppError> {
    let lang = state.lang();
    let session = state.group_session()?;
    session.sign_out().await.map_err(|e| AppError::from_sync(e, lang))?;
    Ok(session.status(lang).await)
}

/// The account's signed-in computers.
#[tauri::command]
#[specta::specta]
pub async fn groups_devices(state: State<'_, AppState>) -> Result<Vec<Device>, AppError> {
    let lang = state.lang();
    state.group_session()?.devices(lang).await.map_err(|e| AppError::from_sync(e, lang))
}

/// Signs another computer of the account out.
#[tauri::command]
#[specta::specta]
pub async fn groups_revoke_device(
    state: State<'_, AppState>,
    device_id: Arg<Uuid>,
) -> Result<(), AppError> {
    let lang = state.lang();
    let device_id = device_id.decode("device_id", lang)?;
    state
        .group_session()?
        .revoke_device(device_id, lang)
        .await
        .map_err(|e| AppError::from_sync(e, lang))
}

#[tauri::command]
#[specta::specta]
pub async fn groups_list(state: State<'_, AppState>) -> Result<Vec<Group>, AppError> {
    let lang = state.lang();
    state.group_session()?.groups(lang).await.map_err(|e| AppError::from_sync(e, lang))
}

#[tauri::command]
#[specta::specta]
pub async fn groups_create(
    state: State<'_, AppState>,
    group: Arg<CreateGroup>,
) -> Result<Group, AppError> {
    let lang = state.lang();
    let group = group.decode("group", lang)?;
    state
        .group_session()?
        .create_group(&group, lang)
        .await
        .map_err(|e| AppError::from_sync(e, lang))
}

#[tauri::command]
#[specta::specta]
pub async fn groups_create_invite(
    state: State<'_, AppState>,
    group_id: Arg<Uuid>,
    invite: Arg<CreateInvite>,
) -> Result<InviteCreated, AppError> {
    let lang = state.lang();
    let group_id = group_id.decode("group_id", lang)?;
    let invite = invite.decode("invite", lang)?;
    state
        .group_session()?
        .create_invite(group_id, &invite, lang)
        .await
        .map_err(|e| AppError::from_sync(e, lang))
}

#[tauri::command]
#[specta::specta]
pub async fn groups_invites(
    state: State<'_, AppState>,
    group_id: Arg<Uuid>,
) -> Result<Vec<Invite>, AppError> {
    let lang = state.lang();
    let group_id = group_id.decode("group_id", lang)?;
    state.group_session()?.invites(group_id, lang).await.map_err(|e| AppError::from_sync(e, lang))
}

#[tauri::command]
#[specta::specta]
pub async fn groups_revoke_invite(
    state: State<'_, AppState>,
    group_id: Arg<Uuid>,
    invite_id: Arg<Uuid>,
) -> Result<(), AppError> {
    let lang = state.lang();
    let group_id = group_id.decode("group_id", lang)?;
    let invite_id = invite_id.decode("invite_id", lang)?;
    state
        .group_session()?
        .revoke_invite(group_id, invite_id, lang)
        .await
        .map_err(|e| AppError::from_sync(e, lang))
}

/// Reads a pasted invite (link, message or code) and asks its server where it leads.
#[tauri::command]
#[specta::specta]
pub async fn groups_read_invite(
    state: State<'_, AppState>,
    text: Arg<String>,
) -> Result<InviteView, AppError> {
    let lang = state.lang();
    let text = text.decode("text", lang)?;
    let invite = parse_invite(&text, lang).map_err(|e| AppError::from_sync(e, lang))?;
    let preview = state
        .group_session()?
        .preview_invite(&invite, lang)
        .await
        .map_err(|e| AppError::from_sync(e, lang))?;
    Ok(InviteView { invite, preview })
}

#[tauri::command]
#[specta::specta]
pub async fn groups_join(
    state: State<'_, AppState>,
    invite: Arg<InviteRef>,
    share: Arg<ShareSettings>,
) -> Result<Group, AppError> {
    let lang = state.lang();
    let invite = invite.decode("invite", lang)?;
    let share = share.decode("share", lang)?;
    state
        .group_session()?
        .join(&invite, share, lang)
        .await
        .map_err(|e| AppError::from_sync(e, lang))
}

/// Leaves a group; with `delete_shared`, withdraws everything shared with it.
#[tauri::command]
#[specta::specta]
pub async fn groups_leave(
    state: State<'_, AppState>,
    group_id: Arg<Uuid>,
    delete_shared: Arg<bool>,
) -> Result<(), AppError> {
    let lang = state.lang();
    let group_id = group_id.decode("group_id", lang)?;
    let delete_shared = delete_shared.decode("delete_shared", lang)?;
    state
        .group_session()?
        .leave(group_id, delete_shared, lang)
        .await
        .map_err(|e| AppError::from_sync(e, lang))
}

#[tauri::command]
#[specta::specta]
pub async fn groups_set_share(
    state: State<'_, AppState>,
    group_id: Arg<Uuid>,
    share: Arg<ShareSettings>,
) -> Result<Group, AppError> {
    let lang = state.lang();
    let group_id = group_id.decode("group_id", lang)?;
    let share = share.decode("share", lang)?;
    state
        .group_session()?
        .set_share(group_id, &share, lang)
        .await
        .map_err(|e| AppError::from_sync(e, lang))
}

/// The board of `date` (`null`: the group's today), with its 接龙 text.
#[tauri::command]
#[specta::specta]
pub async fn groups_board(
    state: State<'_, AppState>,
    group_id: Arg<Uuid>,
    date: Arg<Option<NaiveDate>>,
) -> Result<Board, AppError> {
    let lang = state.lang();
    let group_id = group_id.decode("group_id", lang)?;
    let date = date.decode("date", lang)?;
    state
        .group_session()?
        .board(group_id, date, lang)
        .await
        .map_err(|e| AppError::from_sync(e, lang))
}

/// A photo a member shares with the group, as a `data:` URL for an `<img>` (the webview's CSP
/// allows `data:` images, not the server's address).
#[tauri::command]
#[specta::specta]
pub async fn groups_photo(
    state: State<'_, AppState>,
    group_id: Arg<Uuid>,
    photo_id: Arg<Uuid>,
) -> Result<String, AppError> {
    let lang = state.lang();
    let group_id = group_id.decode("group_id", lang)?;
    let photo_id = photo_id.decode("photo_id", lang)?;
    let jpeg = state
        .group_session()?
        .photo(group_id, photo_id, lang)
        .await
        .map_err(|e| AppError::from_sync(e, lang))?;
    Ok(daka_photos::jpeg_data_url(&jpeg))
}

/// Puts text on the clipboard (an invite message to send to friends). At most 4,000 characters.
#[tauri::command]
#[specta::specta]
pub async fn copy_text(state: State<'_, AppState>, text: Arg<String>) -> Result<(), AppError> {
    let lang = state.lang();
    let text = text.decode("text", lang)?;
    if text.chars().count() > 4000 {
        return Err(AppError::bad_argument("text", "longer than 4000 characters", lang));
    }
    put_text(&state, text, lang).await
}

async fn put_text(
    state: &AppState,
    text: String,
    lang: daka_core::lang::Lang,
) -> Result<(), AppError> {
    let clipboard = state.clipboard.clone();
    tauri::async_runtime::spawn_blocking(move || clipboard.put_text(&text))
        .await
        .map_err(|_| AppError::internal(lang))?
        .map_err(|e| {
            tracing::warn!(error = %e, "copying text failed");
            AppError::clipboard_text_failed(lang)
        })
}

/// Puts the board's 接龙 text on the clipboard, ready to paste into the WeChat group.
#[tauri::command]
#[specta::specta]
pub async fn groups_copy_jielong(
    state: State<'_, AppState>,
    group_id: Arg<Uuid>,
    date: Arg<Option<NaiveDate>>,
) -> Result<String, AppError> {
    let board = groups_board(state.clone(), group_id, date).await?;
    put_text(&state, board.jielong_text.clone(), state.lang()).await?;
    Ok(board.jielong_text)
}

/// "Sync now" / retry: refused changes are queued again, and a round runs right away.
#[tauri::command]
#[specta::specta]
pub async fn groups_sync_now(state: State<'_, AppState>) -> Result<(), AppError> {
    let lang = state.lang();
    state.group_session()?.retry_now().await.map_err(|e| AppError::from_sync(e, lang))
}

/// The invite link the OS opened, if one waits (taken once).
#[tauri::command]
#[specta::specta]
pub async fn groups_take_opened_link(
    state: State<'_, AppState>,
) -> Result<Option<String>, AppError> {
    Ok(state.groups.take_link())
}
