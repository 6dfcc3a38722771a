//! One sync round: push everything pending, ask for status, pull every group that advanced.
//!
//! Safe to interrupt anywhere: the store acknowledges only what the server confirmed, and a
//! page is applied together with its cursor, so the next round resumes without loss or double
//! application (the server answers re-sent mutations `duplicate`).

use daka_wire::{ErrorCode, MAX_PUSH_MUTATIONS, Mutation, MutationStatus, Record, SyncStatus};
use uuid::Uuid;

use crate::client::{Client, SyncError};
use crate::store::SyncStore;

/// Changes asked for per pull page.
const PAGE: u32 = 200;
/// Sequence gaps tolerated in one round before giving up (each one renumbers the outbox).
const MAX_GAPS: u32 = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundReport {
    pub pushed: u64,
    pub rejected: u64,
    pub pulled: u64,
    /// Groups whose local copy was dropped and pulled again (410, or a server that went back).
    pub reset_groups: u64,
    /// The server had lost changes it once confirmed (restored from a backup): they were
    /// queued again.
    pub resent_after_rewind: bool,
}

pub async fn sync_once<S: SyncStore + ?Sized>(
    client: &Client,
    store: &S,
) -> Result<RoundReport, SyncError> {
    let mut report = RoundReport::default();
    let before = client.status().await?;
    report.resent_after_rewind = store.server_rewound(before.last_device_seq).await?;
    push_all(client, store, before.last_device_seq, &mut report).await?;
    let after = if report.pushed > 0 { Some(client.status().await?) } else { None };
    pull_all(client, store, after.as_ref().unwrap_or(&before), &before, &mut report).await?;
    Ok(report)
}

async fn push_all<S: SyncStore + ?Sized>(
    client: &Client,
    store: &S,
    mut floor: i64,
    report: &mut RoundReport,
) -> Result<(), SyncError> {
    let mut gaps = 0;
    let mut shares_photos = None;
    loop {
        let batch = store.next_batch(floor, MAX_PUSH_MUTATIONS).await?;
        if batch.is_empty() {
            return Ok(());
        }
        upload_photos(client, store, &batch, &mut shares_photos).await?;
        let sent = batch.len() as u64;
        match client.push(batch).await {
            Ok(response) => {
                store.acknowledge(&response).await?;
                report.pushed += sent;
                report.rejected += response
                    .results
                    .iter()
                    .filter(|r| r.status == MutationStatus::Rejected)
                    .count() as u64;
                floor = response.last_device_seq;
            }
            Err(SyncError::Server {
                code: ErrorCode::SequenceGap,
                expected: Some(expected),
                ..
            }) if gaps < MAX_GAPS => {
                // Our numbering ran ahead of the server's (a lost outbox, a bug): renumber
                // what is unsent from where the server is. Nothing acknowledged is affected.
                tracing::warn!(expected, "sequence gap; renumbering the outbox");
                gaps += 1;
                store.resequence(expected).await?;
                floor = expected - 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Uploads the photos the batch's punch-ins list, before the push, so a group never sees a
/// punch-in whose picture is still missing; only when some group shares photos (a picture
/// leaves the computer only then; turning sharing on applies to what is pushed from then on).
/// The server keeps each photo once, so a retry costs a request, never a copy. A photo the
/// server refuses for good (quota, not a JPEG) is left out: the punch-in still syncs and the
/// board shows it without that picture. A transient failure stops the round before the push.
async fn upload_photos<S: SyncStore + ?Sized>(
    client: &Client,
    store: &S,
    batch: &[Mutation],
    shares_photos: &mut Option<bool>,
) -> Result<(), SyncError> {
    let photos: Vec<Uuid> = batch
        .iter()
        .filter_map(|m| match &m.record {
            Record::PunchIn { body: Some(body), .. } => Some(body.photos.iter().copied()),
            _ => None,
        })
        .flatten()
        .collect();
    if photos.is_empty() {
        return Ok(());
    }
    let shares = match *shares_photos {
        Some(shares) => shares,
        None => {
            let shares = client.groups().await?.iter().any(|g| g.share.photos);
            *shares_photos = Some(shares);
            shares
        }
    };
    if !shares {
        return Ok(());
    }
    for photo in photos {
        let Some(jpeg) = store.photo_upload(photo).await? else { continue };
        match client.put_photo(photo, jpeg).await {
            Ok(()) => {}
            Err(e) if e.is_transient() => return Err(e),
            Err(e @ (SyncError::Unauthorized(_) | SyncError::ProtocolMismatch(_))) => {
                return Err(e);
            }
            Err(e) => {
                tracing::warn!(%photo, error = %e, "the server refused a photo; pushing without it");
            }
        }
    }
    Ok(())
}

/// `before` is the round's first status, read before this device pushed: a server restored
/// from a backup shows its rewound head there, while after the push our own changes may have
/// raised it back up to our cursor, hiding that the feed under the cursor is not ours.
async fn pull_all<S: SyncStore + ?Sized>(
    client: &Client,
    store: &S,
    status: &SyncStatus,
    before: &SyncStatus,
    report: &mut RoundReport,
) -> Result<(), SyncError> {
    let groups: Vec<_> = status.groups.iter().map(|g| g.group_id).collect();
    store.retain_groups(&groups).await?;
    for head in &status.groups {
        let mut cursor = store.cursor(head.group_id).await?;
        let lowest_head = before
            .groups
            .iter()
            .find(|g| g.group_id == head.group_id)
            .map_or(head.head_seq, |b| b.head_seq.min(head.head_seq));
        // Too old for what the server keeps, or ahead of a server restored from a backup (its
        // head went back, or it lost changes it had confirmed to us): the local copy cannot be
        // trusted to be complete; start over.
        let rewound = report.resent_after_rewind && cursor > 0;
        if (cursor > 0 && cursor < head.min_retained_seq) || cursor > lowest_head || rewound {
            store.reset_group(head.group_id).await?;
            report.reset_groups += 1;
            cursor = 0;
        }
        while cursor < head.head_seq {
            let page = match client.changes(head.group_id, cursor, PAGE).await {
                Ok(page) => page,
                Err(SyncError::Server { code: ErrorCode::CursorExpired, .. }) if cursor > 0 => {
                    store.reset_group(head.group_id).await?;
                    report.reset_groups += 1;
                    cursor = 0;
                    continue;
                }
                Err(e) => return Err(e),
            };
            if page.next_after <= cursor && page.changes.is_empty() {
                break; // nothing more visible now (the head moved back); next round
            }
            store.apply_page(head.group_id, &page).await?;
            report.pulled += page.changes.len() as u64;
            cursor = page.next_after;
            if !page.has_more {
                break;
            }
        }
    }
    Ok(())
}
