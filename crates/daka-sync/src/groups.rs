//! Group calls for the signed-in account: what the Groups screen does. Each answers in the
//! language the user has now, and wakes the sync loop when it changes what should be pulled
//! (a new group's feed, one left).

use chrono::NaiveDate;
use daka_core::lang::Lang;
use daka_wire::{
    Board, CreateGroup, CreateInvite, Device, Group, Invite, InviteCreated, InvitePreview,
    JoinGroup, Member, ShareSettings,
};
use uuid::Uuid;

use crate::client::{Client, SyncError, normalize_server};
use crate::invite::InviteRef;
use crate::session::{AccountStore, Session};

impl<S: AccountStore> Session<S> {
    async fn signed_in(&self, lang: Lang) -> Result<Client, SyncError> {
        self.client().await.map(|c| c.speaking(lang)).ok_or(SyncError::NotSignedIn)
    }

    /// The account's computers, this one marked `current`; revoked ones are left out.
    pub async fn devices(&self, lang: Lang) -> Result<Vec<Device>, SyncError> {
        let mut devices = self.signed_in(lang).await?.devices().await?;
        devices.retain(|d| d.revoked_at.is_none());
        Ok(devices)
    }

    /// Signs another computer of the account out (a lost or sold laptop). This computer signs
    /// out with [`Session::sign_out`] instead, which also forgets the token here.
    pub async fn revoke_device(&self, device: Uuid, lang: Lang) -> Result<(), SyncError> {
        if self.account().await.is_some_and(|a| a.device_id == device) {
            return Err(SyncError::Input(
                lang.pick("要移除这台电脑，请用“退出登录”。", "To remove this computer, sign out.")
                    .to_owned(),
            ));
        }
        self.signed_in(lang).await?.revoke_device(device).await
    }

    pub async fn groups(&self, lang: Lang) -> Result<Vec<Group>, SyncError> {
        self.signed_in(lang).await?.groups().await
    }

    pub async fn create_group(&self, req: &CreateGroup, lang: Lang) -> Result<Group, SyncError> {
        let group = self.signed_in(lang).await?.create_group(req).await?;
        self.trigger().await;
        Ok(group)
    }

    pub async fn create_invite(
        &self,
        group: Uuid,
        req: &CreateInvite,
        lang: Lang,
    ) -> Result<InviteCreated, SyncError> {
        self.signed_in(lang).await?.create_invite(group, req).await
    }

    pub async fn invites(&self, group: Uuid, lang: Lang) -> Result<Vec<Invite>, SyncError> {
        self.signed_in(lang).await?.invites(group).await
    }

    pub async fn revoke_invite(
        &self,
        group: Uuid,
        invite: Uuid,
        lang: Lang,
    ) -> Result<(), SyncError> {
        self.signed_in(lang).await?.revoke_invite(group, invite).await
    }

    /// Where an invite leads. Works before signing in (the link names its server), so the
    /// join dialog can say which group and server the user is about to sign in to.
    pub async fn preview_invite(
        &self,
        invite: &InviteRef,
        lang: Lang,
    ) -> Result<InvitePreview, SyncError> {
        let client = match (&invite.server, self.client().await) {
            (Some(server), Some(c)) if same_server(server, c.server()) => c.speaking(lang),
            (Some(server), _) => Client::new(server, lang)?,
            (None, Some(c)) => c.speaking(lang),
            (None, None) => return Err(SyncError::NotSignedIn),
        };
        client.preview_invite(&invite.code).await
    }

    /// Joins with an invite of the signed-in server; an invite of another server is refused
    /// with the server it needs (one account per computer).
    pub async fn join(
        &self,
        invite: &InviteRef,
        share: ShareSettings,
        lang: Lang,
    ) -> Result<Group, SyncError> {
        let client = self.signed_in(lang).await?;
        if let Some(server) = &invite.server
            && !same_server(server, client.server())
        {
            return Err(SyncError::Input(match lang {
                Lang::ZhCn => {
                    format!("这个邀请来自另一台服务器（{server}）：请先退出，再登录那台服务器。")
                }
                Lang::En => format!(
                    "This invite is for another server ({server}): sign out, then sign in there."
                ),
            }));
        }
        let group = client.join(&JoinGroup { code: invite.code.clone(), share }).await?;
        self.trigger().await;
        Ok(group)
    }

    /// Leaves a group; with `delete_shared`, everything shared with it is withdrawn too.
    pub async fn leave(
        &self,
        group: Uuid,
        delete_shared: bool,
        lang: Lang,
    ) -> Result<(), SyncError> {
        self.signed_in(lang).await?.leave(group, delete_shared).await?;
        self.trigger().await;
        Ok(())
    }

    pub async fn set_share(
        &self,
        group: Uuid,
        share: &ShareSettings,
        lang: Lang,
    ) -> Result<Group, SyncError> {
        self.signed_in(lang).await?.set_share(group, share).await
    }

    pub async fn members(&self, group: Uuid, lang: Lang) -> Result<Vec<Member>, SyncError> {
        self.signed_in(lang).await?.members(group).await
    }

    /// The board of `date` (the group's today when `None`), its 接龙 text in `lang`.
    pub async fn board(
        &self,
        group: Uuid,
        date: Option<NaiveDate>,
        lang: Lang,
    ) -> Result<Board, SyncError> {
        self.signed_in(lang).await?.board(group, date).await
    }

    /// A photo a member shares with `group` (its JPEG thumbnail).
    pub async fn photo(&self, group: Uuid, photo: Uuid, lang: Lang) -> Result<Vec<u8>, SyncError> {
        self.signed_in(lang).await?.group_photo(group, photo).await
    }
}

fn same_server(a: &str, b: &str) -> bool {
    normalize_server(a).is_some_and(|a| normalize_server(b).is_some_and(|b| a == b))
}
