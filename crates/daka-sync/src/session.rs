//! The signed-in account and its sync loop, as one service the app holds: resume at start,
//! sign up or in (a new device each time), sign out, and hand out the client for group calls.
//!
//! Invariants: the token is only ever in the [`TokenStore`] (keychain or 0600 file), never in
//! the database; a data folder found on another computer (its fingerprint changed) is signed
//! out so that it registers as a new device instead of sharing one device's sequence numbers
//! with its original; at most one [`Runner`] runs.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use daka_core::lang::Lang;
use daka_wire::{Session as WireSession, SignIn, SignUp};
use tokio::sync::{Mutex, watch};
use uuid::Uuid;

use crate::client::{Client, Credentials, SyncError};
use crate::runner::{Runner, RunnerHandle, SyncState};
use crate::store::{StoreFailure, SyncStore};
use crate::token_store::{TokenPlace, TokenStore};
use crate::view::{AccountView, GroupsStatus, SignInAgain, SyncView};

/// The account this installation is signed in to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub server: String,
    pub user_id: Uuid,
    pub device_id: Uuid,
    pub username: String,
    pub nickname: String,
}

/// What the local store keeps about the account (never the token).
#[async_trait]
pub trait AccountStore: SyncStore {
    async fn account(&self) -> Result<Option<Account>, StoreFailure>;
    /// Records a newly signed-in account; a new server device numbers its mutations from 1.
    async fn connect(&self, account: &Account, fingerprint: &str) -> Result<(), StoreFailure>;
    async fn disconnect(&self) -> Result<(), StoreFailure>;
    /// False when the data folder now lives elsewhere than when it connected (copied to
    /// another computer, moved): the store has then dropped the account.
    async fn same_place(&self, fingerprint: &str) -> Result<bool, StoreFailure>;
}

/// Why there is no running account after [`Session::resume`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resumed {
    SignedIn {
        account: Account,
        token_place: TokenPlace,
    },
    NotSignedIn,
    /// The data folder was copied or moved: sign in again, as a new device.
    MovedHere,
    /// The account is known but its token is gone (keychain cleared): sign in again.
    TokenMissing {
        account: Account,
    },
}

struct Active {
    account: Account,
    client: Client,
    runner: RunnerHandle,
    token_place: TokenPlace,
}

pub struct Session<S: AccountStore> {
    store: Arc<S>,
    data_dir: PathBuf,
    fingerprint: String,
    lang: Lang,
    file_only: bool,
    active: Mutex<Option<Active>>,
    /// Why the last resume found no usable account, for the UI (cleared on sign-in).
    again: Mutex<Option<SignInAgain>>,
    /// Bumped whenever what [`Session::status`] returns may have changed.
    changed: watch::Sender<u64>,
}

impl<S: AccountStore> std::fmt::Debug for Session<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("data_dir", &self.data_dir).finish_non_exhaustive()
    }
}

fn token_key(server: &str, user: Uuid) -> String {
    format!("{user}@{server}")
}

impl<S: AccountStore> Session<S> {
    /// `fingerprint` names where the data lives (machine id and data folder, hashed by the app).
    pub fn new(store: Arc<S>, data_dir: PathBuf, fingerprint: String, lang: Lang) -> Self {
        Session {
            store,
            data_dir,
            fingerprint,
            lang,
            file_only: false,
            active: Mutex::new(None),
            again: Mutex::new(None),
            changed: watch::channel(0).0,
        }
    }

    /// Never ask the OS keychain (tests; machines where asking it hangs).
    pub fn with_token_file_only(mut self) -> Self {
        self.file_only = true;
        self
    }

    fn tokens(&self, server: &str, user: Uuid) -> TokenStore {
        let store = TokenStore::new(&self.data_dir, &token_key(server, user));
        if self.file_only { store.file_only() } else { store }
    }

    /// At app start: picks the account back up and starts syncing, unless the data folder was
    /// copied here from elsewhere or the token is gone.
    pub async fn resume(&self) -> Result<Resumed, SyncError> {
        let Some(account) = self.store.account().await? else { return Ok(Resumed::NotSignedIn) };
        if !self.store.same_place(&self.fingerprint).await? {
            self.tokens(&account.server, account.user_id).delete();
            self.sign_in_again(SignInAgain::MovedHere).await;
            return Ok(Resumed::MovedHere);
        }
        let tokens = self.tokens(&account.server, account.user_id);
        let Some((token, place)) =
            tokio::task::spawn_blocking(move || tokens.load()).await.ok().flatten()
        else {
            let again = SignInAgain::TokenMissing {
                server: account.server.clone(),
                username: account.username.clone(),
            };
            self.sign_in_again(again).await;
            return Ok(Resumed::TokenMissing { account });
        };
        self.start(account.clone(), token, place.clone()).await?;
        Ok(Resumed::SignedIn { account, token_place: place })
    }

    pub async fn sign_up(
        &self,
        server: &str,
        req: SignUp,
    ) -> Result<(Account, TokenPlace), SyncError> {
        let client = Client::new(server, self.lang)?;
        let session = client.sign_up(&req).await?;
        self.adopt(client.server(), session).await
    }

    pub async fn sign_in(
        &self,
        server: &str,
        req: SignIn,
    ) -> Result<(Account, TokenPlace), SyncError> {
        let client = Client::new(server, self.lang)?;
        let session = client.sign_in(&req).await?;
        self.adopt(client.server(), session).await
    }

    /// Keeps a fresh session: token into the keychain (or file), account into the store, loop on.
    async fn adopt(
        &self,
        server: &str,
        session: WireSession,
    ) -> Result<(Account, TokenPlace), SyncError> {
        self.stop().await;
        let account = Account {
            server: server.to_owned(),
            user_id: session.user_id,
            device_id: session.device_id,
            username: session.username,
            nickname: session.nickname,
        };
        let tokens = self.tokens(server, account.user_id);
        let token = session.token.clone();
        let place = tokio::task::spawn_blocking(move || tokens.save(&token))
            .await
            .map_err(|e| SyncError::Store(StoreFailure(e.to_string())))?
            .map_err(|e| SyncError::Store(StoreFailure(e.to_string())))?;
        self.store.connect(&account, &self.fingerprint).await?;
        self.start(account.clone(), session.token, place.clone()).await?;
        Ok((account, place))
    }

    async fn start(
        &self,
        account: Account,
        token: String,
        token_place: TokenPlace,
    ) -> Result<(), SyncError> {
        let client = Client::with_credentials(
            &Credentials { server: account.server.clone(), token },
            self.lang,
        )?;
        let runner = Runner::new(client.clone(), Arc::clone(&self.store)).spawn();
        // Every change of the loop's state is a change of the status; the forwarder ends with
        // the loop (its sender drops).
        let mut states = runner.state();
        let changed = self.changed.clone();
        tokio::spawn(async move {
            while states.changed().await.is_ok() {
                changed.send_modify(|n| *n = n.wrapping_add(1));
            }
        });
        *self.active.lock().await = Some(Active { account, client, runner, token_place });
        *self.again.lock().await = None;
        self.bump();
        Ok(())
    }

    async fn sign_in_again(&self, why: SignInAgain) {
        *self.again.lock().await = Some(why);
        self.bump();
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Changes whenever [`Session::status`] may answer differently (for the app's event bridge).
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// The connection as the UI shows it, messages in `lang`.
    pub async fn status(&self, lang: Lang) -> GroupsStatus {
        let active = self.active.lock().await;
        let Some(active) = active.as_ref() else {
            return GroupsStatus {
                account: None,
                sign_in_again: self.again.lock().await.clone(),
                token_file: None,
                sync: None,
            };
        };
        let state = active.runner.state().borrow().clone();
        let signed_out = state.phase == crate::runner::SyncPhase::SignedOut;
        GroupsStatus {
            account: Some(AccountView::from(&active.account)),
            sign_in_again: signed_out.then(|| SignInAgain::SignedOutByServer {
                server: active.account.server.clone(),
                username: active.account.username.clone(),
            }),
            token_file: match &active.token_place {
                TokenPlace::File { path, .. } => Some(path.display().to_string()),
                TokenPlace::Keychain => None,
            },
            sync: Some(SyncView::new(&state, lang)),
        }
    }

    /// Stops syncing and keeps the account (the app is closing, or the store is being
    /// replaced by a restore).
    pub async fn shut_down(&self) {
        self.stop().await;
        self.bump();
    }

    async fn stop(&self) {
        if let Some(active) = self.active.lock().await.take() {
            active.runner.stop();
        }
    }

    /// Signs out: stops syncing, revokes this device on the server when it answers (so a
    /// stolen token stops working), forgets the token and the account. Pending mutations stay
    /// queued for the next account.
    pub async fn sign_out(&self) -> Result<(), SyncError> {
        let active = self.active.lock().await.take();
        if let Some(active) = &active {
            active.runner.stop();
            if let Err(e) = active.client.revoke_device(active.account.device_id).await {
                tracing::info!(error = %e, "could not revoke this device on the server; forgetting it locally");
            }
        }
        if let Some(account) = active.map(|a| a.account).or(self.store.account().await?) {
            let tokens = self.tokens(&account.server, account.user_id);
            let _ = tokio::task::spawn_blocking(move || tokens.delete()).await;
        }
        self.store.disconnect().await?;
        *self.again.lock().await = None;
        self.bump();
        Ok(())
    }

    /// The signed-in client, for group calls (create, join, board …).
    pub async fn client(&self) -> Option<Client> {
        self.active.lock().await.as_ref().map(|a| a.client.clone())
    }

    pub async fn account(&self) -> Option<Account> {
        self.active.lock().await.as_ref().map(|a| a.account.clone())
    }

    /// The loop's state, to show and to forward as events.
    pub async fn state(&self) -> Option<watch::Receiver<SyncState>> {
        self.active.lock().await.as_ref().map(|a| a.runner.state())
    }

    /// "Sync now": what the server refused is queued again (as it stands now), and a round
    /// runs right away, even during a failure's backoff.
    pub async fn retry_now(&self) -> Result<(), SyncError> {
        self.store.requeue_rejected().await?;
        if let Some(active) = self.active.lock().await.as_ref() {
            active.runner.retry_now();
        }
        Ok(())
    }

    /// Sync soon: a local write happened.
    pub async fn trigger(&self) {
        if let Some(active) = self.active.lock().await.as_ref() {
            active.runner.trigger();
        }
    }
}
