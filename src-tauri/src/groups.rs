//! Wiring of the group connection (daka-sync's `Session`) into the app: one session per open
//! store, resumed at start and again after a restore swaps the store, and an event bridge that
//! tells the UI whenever the connection's status changes (signed in, syncing, synced, refused).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};

use daka_core::lang::Lang;
use daka_store::Store;
use daka_sync::{Resumed, Session, place_fingerprint};

use crate::events::Emitter;

pub type GroupSession = Session<Store>;

/// The current session, if the store opened.
#[derive(Debug)]
pub struct GroupsSlot {
    data_dir: PathBuf,
    events: Arc<dyn Emitter>,
    current: RwLock<Option<Arc<GroupSession>>>,
    /// A `daka://join/…` link the OS opened, until the UI takes it.
    opened_link: Mutex<Option<String>>,
}

impl GroupsSlot {
    pub fn new(data_dir: &Path, events: Arc<dyn Emitter>) -> Self {
        GroupsSlot {
            data_dir: data_dir.to_path_buf(),
            events,
            current: RwLock::new(None),
            opened_link: Mutex::new(None),
        }
    }

    pub fn session(&self) -> Option<Arc<GroupSession>> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Starts the session of `store` (at start, or after a restore replaced the store): picks
    /// the account back up in the background and forwards status changes to the UI. The old
    /// session's loop stops; the restored data may name another account, or none.
    pub fn open(&self, store: Option<&Store>, lang: Lang) {
        let session = store.map(|s| {
            let fingerprint = place_fingerprint(&self.data_dir);
            Arc::new(Session::new(Arc::new(s.clone()), self.data_dir.clone(), fingerprint, lang))
        });
        let old = std::mem::replace(
            &mut *self.current.write().unwrap_or_else(PoisonError::into_inner),
            session.clone(),
        );
        if let Some(old) = old {
            tauri::async_runtime::spawn(async move { old.shut_down().await });
        }
        let Some(session) = session else { return };
        spawn_bridge(Arc::downgrade(&session), Arc::clone(&self.events));
        tauri::async_runtime::spawn(async move {
            match session.resume().await {
                Ok(Resumed::SignedIn { account, .. }) => {
                    tracing::info!(server = %account.server, "group sync resumed");
                }
                Ok(other) => tracing::info!(?other, "group sync not resumed"),
                Err(e) => tracing::warn!(error = %e, "group sync could not resume"),
            }
        });
    }

    /// Keeps an invite link the OS opened (at launch, or forwarded by a second launch) and tells
    /// the UI. Only `daka://join/…` links are kept; the newest wins.
    pub fn offer_link(&self, url: &str) {
        if !url.starts_with("daka://join/") {
            tracing::info!("ignoring a daka:// link that is not an invite");
            return;
        }
        *self.opened_link.lock().unwrap_or_else(PoisonError::into_inner) = Some(url.to_owned());
        self.events.invite_link_opened();
    }

    /// The invite link waiting for the UI, once.
    pub fn take_link(&self) -> Option<String> {
        self.opened_link.lock().unwrap_or_else(PoisonError::into_inner).take()
    }

    /// A local write that groups may need happened: sync soon.
    pub fn sync_soon(&self) {
        if let Some(session) = self.session() {
            tauri::async_runtime::spawn(async move { session.trigger().await });
        }
    }
}

/// Tells the UI on every change (it then asks for the status, in the language of the moment),
/// until the session is dropped: the bridge holds only the change receiver, whose sender lives
/// in the session, so a replaced session's bridge ends with it.
fn spawn_bridge(session: Weak<GroupSession>, events: Arc<dyn Emitter>) {
    let Some(mut changes) = session.upgrade().map(|s| s.changes()) else { return };
    tauri::async_runtime::spawn(async move {
        while changes.changed().await.is_ok() {
            events.groups_changed();
        }
    });
}

/// Invite links: the one the app was started with, and those a second launch forwards (the
/// single-instance plugin hands its arguments to the deep-link plugin). `register` also makes
/// this build the desktop's handler of `daka://` (for `make run`; the .deb declares it itself).
pub fn watch_invite_links<R: tauri::Runtime>(app: &tauri::AppHandle<R>, register: bool) {
    use tauri::Manager;
    use tauri_plugin_deep_link::DeepLinkExt;

    let links = app.deep_link();
    if register && let Err(e) = links.register_all() {
        tracing::warn!(error = %e, "could not register the daka:// link handler");
    }
    let offer = {
        let app = app.clone();
        move |urls: Vec<tauri::Url>| {
            let state = app.state::<crate::state::AppState>();
            for url in urls {
                state.groups.offer_link(url.as_str());
            }
        }
    };
    if let Ok(Some(urls)) = links.get_current() {
        offer(urls);
    }
    links.on_open_url(move |event| offer(event.urls()));
}
