//! Groups, memberships, invites and the audit log.
//!
//! Every writing transaction here that touches a group's memberships, invites or feed first
//! takes the group's row lock ([`lock`]); those that change a member's memberships take the
//! member's user lock before it (the order in lib.rs).

use chrono::{DateTime, Utc};
use daka_server_db::{
    AuditRow, DbError, GroupChange, GroupRow, GroupView, InviteRow, JoinRequest, MemberRow,
    MembershipRow, NewGroup, NewInvite, action, from_millis, millis,
};
use daka_wire::{Poke, Role, ShareSettings};
use sqlx::postgres::{PgPool, PgRow};
use sqlx::{Postgres, Row};
use uuid::Uuid;

use crate::accounts::lock_user;
use crate::feed::{self, Op};
use crate::{Tx, db};

pub(crate) async fn create(tx: &mut Tx, group: NewGroup) -> Result<(), DbError> {
    sqlx::query("INSERT INTO groups (id, name, tz, deadline, owner_user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(group.id)
        .bind(&group.name)
        .bind(&group.tz)
        .bind(&group.deadline)
        .bind(group.owner)
        .bind(millis(group.now))
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    insert_membership(tx, group.id, group.owner, Role::Owner, group.share, group.now).await?;
    audit(tx, group.id, group.owner, action::GROUP_CREATE, None, group.now).await
}

/// Takes the group's row lock (step 3 of the lock order in lib.rs), the lock feed writers
/// serialize on. A group that does not exist (any more) locks nothing; the caller's next
/// statement finds nothing and answers as it would anyway.
pub(crate) async fn lock(tx: &mut Tx, group: Uuid) -> Result<(), DbError> {
    sqlx::query("SELECT 1 FROM groups WHERE id = $1 FOR NO KEY UPDATE")
        .bind(group)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    Ok(())
}

async fn insert_membership(
    tx: &mut Tx,
    group: Uuid,
    user: Uuid,
    role: Role,
    share: ShareSettings,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO memberships (group_id, user_id, role, share_note, share_mood, share_exact_times, joined_at, share_photos)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(group)
    .bind(user)
    .bind(role.as_str())
    .bind(share.note)
    .bind(share.mood)
    .bind(share.exact_times)
    .bind(millis(now))
    .bind(share.photos)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(())
}

pub(crate) async fn audit(
    tx: &mut Tx,
    group: Uuid,
    actor: Uuid,
    action: &str,
    target: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO audit_log (group_id, actor, action, target, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(group)
    .bind(actor)
    .bind(action)
    .bind(target)
    .bind(millis(now))
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(())
}

pub(crate) fn group_row(row: &PgRow) -> Result<GroupRow, DbError> {
    Ok(GroupRow {
        id: row.try_get("id").map_err(db)?,
        name: row.try_get("name").map_err(db)?,
        tz: row.try_get("tz").map_err(db)?,
        deadline: row.try_get("deadline").map_err(db)?,
        owner_user_id: row.try_get("owner_user_id").map_err(db)?,
        created_at: from_millis(row.try_get("created_at").map_err(db)?)?,
        head_seq: row.try_get("head_seq").map_err(db)?,
        min_retained_seq: row.try_get("min_retained_seq").map_err(db)?,
    })
}

fn role(row: &PgRow) -> Result<Role, DbError> {
    let text: String = row.try_get("role").map_err(db)?;
    Role::parse(&text).ok_or_else(|| DbError::Corrupt(format!("role {text}")))
}

pub(crate) fn share(row: &PgRow) -> Result<ShareSettings, DbError> {
    Ok(ShareSettings {
        note: row.try_get("share_note").map_err(db)?,
        mood: row.try_get("share_mood").map_err(db)?,
        photos: row.try_get("share_photos").map_err(db)?,
        exact_times: row.try_get("share_exact_times").map_err(db)?,
    })
}

pub(crate) async fn of_user(pool: &PgPool, user: Uuid) -> Result<Vec<GroupView>, DbError> {
    let rows = sqlx::query(
        "SELECT g.*, m.role, m.share_note, m.share_mood, m.share_exact_times, m.share_photos,
                (SELECT count(*) FROM memberships c WHERE c.group_id = g.id) AS member_count
         FROM memberships m JOIN groups g ON g.id = m.group_id
         WHERE m.user_id = $1 ORDER BY g.created_at, g.id",
    )
    .bind(user)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|row| {
            Ok(GroupView {
                group: group_row(row)?,
                role: role(row)?,
                share: share(row)?,
                member_count: u32::try_from(row.try_get::<i64, _>("member_count").map_err(db)?)
                    .unwrap_or(u32::MAX),
            })
        })
        .collect()
}

pub(crate) async fn get(pool: &PgPool, group: Uuid) -> Result<Option<GroupRow>, DbError> {
    let row = sqlx::query("SELECT * FROM groups WHERE id = $1")
        .bind(group)
        .fetch_optional(pool)
        .await
        .map_err(db)?;
    row.as_ref().map(group_row).transpose()
}

pub(crate) async fn membership(
    pool: &PgPool,
    group: Uuid,
    user: Uuid,
) -> Result<Option<MembershipRow>, DbError> {
    let row = sqlx::query("SELECT * FROM memberships WHERE group_id = $1 AND user_id = $2")
        .bind(group)
        .bind(user)
        .fetch_optional(pool)
        .await
        .map_err(db)?;
    row.map(|row| {
        Ok(MembershipRow {
            group_id: group,
            user_id: user,
            role: role(&row)?,
            share: share(&row)?,
            joined_at: from_millis(row.try_get("joined_at").map_err(db)?)?,
        })
    })
    .transpose()
}

pub(crate) async fn members<'e, E: sqlx::Executor<'e, Database = Postgres>>(
    ex: E,
    group: Uuid,
) -> Result<Vec<MemberRow>, DbError> {
    let rows = sqlx::query(
        "SELECT m.*, u.nickname FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.group_id = $1 ORDER BY m.joined_at, m.user_id",
    )
    .bind(group)
    .fetch_all(ex)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|row| {
            Ok(MemberRow {
                user_id: row.try_get("user_id").map_err(db)?,
                nickname: row.try_get("nickname").map_err(db)?,
                role: role(row)?,
                share: share(row)?,
                joined_at: from_millis(row.try_get("joined_at").map_err(db)?)?,
            })
        })
        .collect()
}

pub(crate) async fn update(tx: &mut Tx, change: GroupChange) -> Result<(), DbError> {
    // The UPDATE is this transaction's first statement, so it is also its group lock.
    let done = sqlx::query("UPDATE groups SET name = $1, tz = $2, deadline = $3 WHERE id = $4")
        .bind(&change.name)
        .bind(&change.tz)
        .bind(&change.deadline)
        .bind(change.group)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    let target = format!("{} · {} · {}", change.name, change.tz, change.deadline);
    audit(tx, change.group, change.actor, action::GROUP_UPDATE, Some(target), change.now).await
}

pub(crate) async fn set_share(
    tx: &mut Tx,
    group: Uuid,
    user: Uuid,
    share: ShareSettings,
    now: DateTime<Utc>,
) -> Result<Option<Poke>, DbError> {
    lock(tx, group).await?;
    let done = sqlx::query(
        "UPDATE memberships SET share_note = $1, share_mood = $2, share_exact_times = $3, share_photos = $6 WHERE group_id = $4 AND user_id = $5",
    )
    .bind(share.note)
    .bind(share.mood)
    .bind(share.exact_times)
    .bind(group)
    .bind(user)
    .bind(share.photos)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    // Re-announce: copies already pulled refilter with the new settings.
    let ids = feed::authored_in_group(tx, group, user, Some(Op::Upsert)).await?;
    let mut head = None;
    for (id, kind) in ids {
        head = Some(feed::announce(tx, group, id, &kind, Op::Upsert, now).await?);
    }
    Ok(head.map(|head_seq| Poke { group_id: group, head_seq }))
}

pub(crate) async fn create_invite(tx: &mut Tx, invite: NewInvite) -> Result<(), DbError> {
    // A new row nobody else can see yet; its foreign key takes a share lock on the group.
    sqlx::query(
        "INSERT INTO invites (id, group_id, code_hash, created_by, created_at, expires_at, max_uses)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(invite.id)
    .bind(invite.group)
    .bind(&invite.code_hash)
    .bind(invite.created_by)
    .bind(millis(invite.now))
    .bind(millis(invite.expires_at))
    .bind(i64::from(invite.max_uses))
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    audit(
        tx,
        invite.group,
        invite.created_by,
        action::INVITE_CREATE,
        Some(invite.id.to_string()),
        invite.now,
    )
    .await
}

pub(crate) async fn invites(pool: &PgPool, group: Uuid) -> Result<Vec<InviteRow>, DbError> {
    let rows =
        sqlx::query("SELECT * FROM invites WHERE group_id = $1 ORDER BY created_at DESC, id DESC")
            .bind(group)
            .fetch_all(pool)
            .await
            .map_err(db)?;
    rows.iter()
        .map(|row| {
            Ok(InviteRow {
                id: row.try_get("id").map_err(db)?,
                created_at: from_millis(row.try_get("created_at").map_err(db)?)?,
                expires_at: from_millis(row.try_get("expires_at").map_err(db)?)?,
                max_uses: u32::try_from(row.try_get::<i64, _>("max_uses").map_err(db)?)
                    .unwrap_or(0),
                uses: u32::try_from(row.try_get::<i64, _>("uses").map_err(db)?).unwrap_or(u32::MAX),
                revoked: row.try_get::<Option<i64>, _>("revoked_at").map_err(db)?.is_some(),
            })
        })
        .collect()
}

pub(crate) async fn revoke_invite(
    tx: &mut Tx,
    group: Uuid,
    invite: Uuid,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    // The group before the invite: the order `delete_group`'s cascade takes them in.
    lock(tx, group).await?;
    let done = sqlx::query(
        "UPDATE invites SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2 AND group_id = $3",
    )
    .bind(millis(now))
    .bind(invite)
    .bind(group)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    audit(tx, group, actor, action::INVITE_REVOKE, Some(invite.to_string()), now).await
}

/// The group an invite leads to, if it can still be used.
pub(crate) async fn invite_group(
    pool: &PgPool,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<GroupRow>, DbError> {
    let row = sqlx::query(
        "SELECT g.* FROM invites i JOIN groups g ON g.id = i.group_id
         WHERE i.code_hash = $1 AND i.revoked_at IS NULL AND i.expires_at > $2 AND i.uses < i.max_uses",
    )
    .bind(code_hash)
    .bind(millis(now))
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    row.as_ref().map(group_row).transpose()
}

pub(crate) async fn join(tx: &mut Tx, join: JoinRequest) -> Result<(Uuid, Option<Poke>), DbError> {
    // The member, then the group, then the invite (the order in lib.rs). Which group is only
    // known from the invite, so it is read once unlocked to find it and again under the locks:
    // two people redeeming the last use of an invite at once serialize on its row, and the
    // second sees the use taken.
    lock_user(tx, join.user).await?;
    let group: Uuid = sqlx::query_scalar("SELECT group_id FROM invites WHERE code_hash = $1")
        .bind(&join.code_hash)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db)?
        .ok_or(DbError::InviteInvalid)?;
    lock(tx, group).await?;
    let row = sqlx::query(
        "SELECT id, revoked_at IS NULL AND expires_at > $2 AND uses < max_uses AS usable
         FROM invites WHERE code_hash = $1 AND group_id = $3 FOR NO KEY UPDATE",
    )
    .bind(&join.code_hash)
    .bind(millis(join.now))
    .bind(group)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db)?
    .ok_or(DbError::InviteInvalid)?;
    let invite: Uuid = row.try_get("id").map_err(db)?;
    let usable: bool = row.try_get("usable").map_err(db)?;
    let already = sqlx::query("SELECT 1 FROM memberships WHERE group_id = $1 AND user_id = $2")
        .bind(group)
        .bind(join.user)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db)?;
    // Opening the same link twice is not an error, and does not use the invite up.
    if already.is_some() {
        return Ok((group, None));
    }
    if !usable {
        return Err(DbError::InviteInvalid);
    }
    sqlx::query("UPDATE invites SET uses = uses + 1 WHERE id = $1")
        .bind(invite)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    insert_membership(tx, group, join.user, Role::Member, join.share, join.now).await?;
    audit(tx, group, join.user, action::MEMBER_JOIN, Some(join.user.to_string()), join.now).await?;
    let head = feed::share_history(tx, group, join.user, join.share_since, join.now).await?;
    Ok((group, head.map(|head_seq| Poke { group_id: group, head_seq })))
}

/// A member leaves (`actor: None`) or is removed by an admin (`actor: Some`).
pub(crate) async fn leave(
    tx: &mut Tx,
    group: Uuid,
    user: Uuid,
    withdraw: bool,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Option<Poke>, DbError> {
    // The leaving member's lock keeps their pushes from fanning out into the group meanwhile;
    // the group's lock makes the roles read below the ones in force at commit.
    lock_user(tx, user).await?;
    lock(tx, group).await?;
    let row = sqlx::query("SELECT role FROM memberships WHERE group_id = $1 AND user_id = $2")
        .bind(group)
        .bind(user)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db)?
        .ok_or(DbError::NotFound)?;
    let member_role = role(&row)?;
    if member_role == Role::Owner {
        return Err(if actor.is_some() { DbError::Forbidden } else { DbError::OwnerCannotLeave });
    }
    if let Some(actor) = actor {
        let actor_role = membership_role(tx, group, actor).await?;
        if actor_role <= member_role {
            return Err(DbError::Forbidden);
        }
    }
    sqlx::query("DELETE FROM memberships WHERE group_id = $1 AND user_id = $2")
        .bind(group)
        .bind(user)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    let (who, what) = match actor {
        Some(actor) => (actor, action::MEMBER_REMOVE),
        None => (user, action::MEMBER_LEAVE),
    };
    audit(tx, group, who, what, Some(user.to_string()), now).await?;
    let mut head = None;
    if withdraw {
        for (id, kind) in feed::authored_in_group(tx, group, user, Some(Op::Upsert)).await? {
            head = Some(feed::announce(tx, group, id, &kind, Op::Delete, now).await?);
        }
    }
    Ok(head.map(|head_seq| Poke { group_id: group, head_seq }))
}

async fn membership_role(tx: &mut Tx, group: Uuid, user: Uuid) -> Result<Role, DbError> {
    let row = sqlx::query("SELECT role FROM memberships WHERE group_id = $1 AND user_id = $2")
        .bind(group)
        .bind(user)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db)?
        .ok_or(DbError::Forbidden)?;
    role(&row)
}

pub(crate) async fn set_role(
    tx: &mut Tx,
    group: Uuid,
    actor: Uuid,
    member: Uuid,
    new_role: Role,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    // Role changes and removals of one group serialize, so each checks the roles in force.
    lock(tx, group).await?;
    if new_role == Role::Owner || membership_role(tx, group, actor).await? != Role::Owner {
        return Err(DbError::Forbidden);
    }
    let current = match membership_role(tx, group, member).await {
        Err(DbError::Forbidden) => return Err(DbError::NotFound),
        other => other?,
    };
    if current == Role::Owner {
        return Err(DbError::Forbidden);
    }
    sqlx::query("UPDATE memberships SET role = $1 WHERE group_id = $2 AND user_id = $3")
        .bind(new_role.as_str())
        .bind(group)
        .bind(member)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    audit(
        tx,
        group,
        actor,
        action::MEMBER_ROLE,
        Some(format!("{member} {}", new_role.as_str())),
        now,
    )
    .await
}

pub(crate) async fn delete(tx: &mut Tx, group: Uuid) -> Result<(), DbError> {
    // Locks the group row first, then its memberships, invites, feed and log as it cascades.
    let done = sqlx::query("DELETE FROM groups WHERE id = $1")
        .bind(group)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    if done.rows_affected() == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

pub(crate) async fn audit_log(pool: &PgPool, group: Uuid) -> Result<Vec<AuditRow>, DbError> {
    let rows = sqlx::query(
        "SELECT a.id, a.at, a.actor, a.action, a.target, coalesce(u.nickname, '') AS nickname
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor
         WHERE a.group_id = $1 ORDER BY a.id DESC LIMIT 500",
    )
    .bind(group)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|row| {
            Ok(AuditRow {
                id: row.try_get("id").map_err(db)?,
                at: from_millis(row.try_get("at").map_err(db)?)?,
                actor: row.try_get("actor").map_err(db)?,
                actor_nickname: row.try_get("nickname").map_err(db)?,
                action: row.try_get("action").map_err(db)?,
                target: row.try_get("target").map_err(db)?,
            })
        })
        .collect()
}
