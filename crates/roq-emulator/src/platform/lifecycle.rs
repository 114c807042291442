//! What happens to an invite after it is sent: resend, cancel, accept, token checks and updates.
//!
//! The rules (the platform's are not published; these follow WorkOS and Clerk, see docs/emulator.md):
//! - only a pending invite can be resent, cancelled or accepted; anything else is `CONFLICT`;
//! - a resend writes a new mail with a new token (the old link stops working) and gives the
//!   invite a new validity period; its id and `userTokenId` stay;
//! - accepting takes the token from the mail, works once, and records the user with the invite's
//!   email in its tenant (created if there is none) as `acceptedByUserId`;
//! - every status change sets `statusUpdatedAt`; an unknown id or token is `NOT_FOUND`.

use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Map, Value};

use roq_rules::UserInviteStatus;

use crate::clock::iso;
use crate::platform::Platform;
use crate::platform::credentials::random_text;
use crate::platform::details::check_details;
use crate::platform::history::{Change, InviteEvent};
use crate::platform::ids::check_id;
use crate::platform::invite::{Invite, find_visible, new_id, token_hash};
use crate::platform::mail;
use crate::platform::users::user_with_email;
use crate::principal::Principal;
use crate::problem::Problem;

/// What `checkUserInviteToken` answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenCheck {
  pub is_valid: bool,
  pub is_expired: Option<bool>,
  pub email: Option<String>,
}

/// The fields `updateUserInvite` may change (`UserInviteUpdateDto`); absent ones are kept.
#[derive(Clone, Debug, Default)]
pub struct InvitePatch {
  pub accepted_by_user_id: Option<String>,
  pub data: Option<Map<String, Value>>,
  pub first_name: Option<String>,
  pub last_name: Option<String>,
  pub locale: Option<String>,
}

/// What the token of an accept link stands for.
#[derive(Clone, Debug)]
pub enum Link {
  /// The invite whose newest mail carries it.
  Current(Invite),
  /// The invite whose newer mail (a resend) replaced it.
  Replaced(Invite),
  /// No invite: a mistyped or foreign link.
  Unknown,
}

/// `CONFLICT` unless the invite is pending now.
fn require_pending(invite: &Invite, now: i64, action: &str) -> Result<(), Problem> {
  match invite.status(now) {
    UserInviteStatus::Pending => Ok(()),
    UserInviteStatus::Expired => Err(Problem::Conflict(format!(
      "Invite {} expired at {} and cannot be {action}; send a new invite to {}",
      invite.id,
      iso(invite.valid_till),
      invite.email
    ))),
    other => Err(Problem::Conflict(format!(
      "Invite {} is {} and cannot be {action}; only a pending invite can",
      invite.id,
      other.as_str()
    ))),
  }
}

impl Platform {
  /// Mails the invite again, with a new token and a new validity period.
  pub fn resend_invite(&self, principal: &Principal, id: &str) -> Result<Invite, Problem> {
    self.in_transaction(|tx, now| {
      let invite = find_visible(tx, principal, id)?;
      require_pending(&invite, now, "resent")?;
      let token = random_text();
      let valid_till = self.rules.valid_till(now);
      // The old link stops working; it is kept so that its page can say a newer mail replaced it.
      tx.execute(
        "INSERT INTO replaced_tokens (token_hash, user_invite_id, replaced_at)
         SELECT token_hash, id, ?2 FROM user_invites WHERE id = ?1",
        params![id, now],
      )?;
      tx.execute(
        "UPDATE user_invites SET valid_till = ?2, updated_at = ?3, token_hash = ?4 WHERE id = ?1",
        params![id, valid_till, now, token_hash(&token)],
      )?;
      let resent = find_visible(tx, principal, id)?;
      self.record(
        tx,
        Change {
          event: InviteEvent::Resent,
          previous: Some(&invite),
          current: &resent,
          at: now,
        },
      )?;
      mail::write_invitation(tx, &self.rules, &resent, &token, now)?;
      Ok(resent)
    })
  }

  /// Cancels a pending invite; its link stops working.
  pub fn cancel_invite(&self, principal: &Principal, id: &str) -> Result<Invite, Problem> {
    self.in_transaction(|tx, now| {
      let invite = find_visible(tx, principal, id)?;
      require_pending(&invite, now, "cancelled")?;
      set_status(tx, id, UserInviteStatus::Canceled, None, now)?;
      let canceled = find_visible(tx, principal, id)?;
      self.record(
        tx,
        Change {
          event: InviteEvent::Canceled,
          previous: Some(&invite),
          current: &canceled,
          at: now,
        },
      )?;
      Ok(canceled)
    })
  }

  /// What an accept link's token stands for, for the accept page.
  pub fn link(&self, token: &str) -> Result<Link, Problem> {
    link(&self.store.lock(), token)
  }

  /// Accepts the invite whose mail carried `token`, once.
  pub fn accept_invite(&self, token: &str) -> Result<Invite, Problem> {
    self.in_transaction(|tx, now| {
      let invite = match link(tx, token)? {
        Link::Current(invite) => invite,
        Link::Replaced(invite) => {
          return Err(Problem::NotFound(format!(
            "This link is from an invitation mail that a newer one to {} replaced; use the link in the newest mail",
            invite.email
          )));
        }
        Link::Unknown => {
          return Err(Problem::NotFound(
            "No invite has this token; check the link in the mail".into(),
          ));
        }
      };
      require_pending(&invite, now, "accepted")?;
      let user_id = self.user_for_email(tx, &invite, now)?;
      set_status(tx, &invite.id, UserInviteStatus::Accepted, Some(&user_id), now)?;
      tx.execute(
        "UPDATE user_invites SET token_used_at = ?2 WHERE id = ?1",
        params![invite.id, now],
      )?;
      let accepted = find_visible(tx, &Principal::ServiceAccount, &invite.id)?;
      self.record(
        tx,
        Change {
          event: InviteEvent::Accepted,
          previous: Some(&invite),
          current: &accepted,
          at: now,
        },
      )?;
      Ok(accepted)
    })
  }

  /// Whether `token` can still be used to accept its invite.
  pub fn check_token(&self, token: &str) -> Result<TokenCheck, Problem> {
    let connection = self.store.lock();
    let now = self.clock.now_ms();
    Ok(match invite_by_token(&connection, token)? {
      None => TokenCheck::default(),
      Some(invite) => {
        let status = invite.status(now);
        TokenCheck {
          is_valid: status == UserInviteStatus::Pending,
          is_expired: Some(status == UserInviteStatus::Expired),
          email: Some(invite.email),
        }
      }
    })
  }

  /// Changes an invite's names, locale, data or `acceptedByUserId`; its status stays.
  pub fn update_invite(&self, principal: &Principal, id: &str, patch: InvitePatch) -> Result<Invite, Problem> {
    check_details(
      patch.first_name.as_deref(),
      patch.last_name.as_deref(),
      patch.locale.as_deref(),
      patch.data.as_ref(),
    )
    .map_err(Problem::BadRequest)?;
    if let Some(user_id) = &patch.accepted_by_user_id {
      check_id("acceptedByUserId", user_id).map_err(Problem::BadRequest)?;
    }
    self.in_transaction(|tx, now| {
      let before = find_visible(tx, principal, id)?;
      let data = patch.data.as_ref().map(|d| Value::Object(d.clone()).to_string());
      tx.execute(
        "UPDATE user_invites SET
           accepted_by_user_id = coalesce(?2, accepted_by_user_id),
           data = coalesce(?3, data),
           first_name = coalesce(?4, first_name),
           last_name = coalesce(?5, last_name),
           locale = coalesce(?6, locale),
           updated_at = ?7
         WHERE id = ?1",
        params![
          id,
          patch.accepted_by_user_id,
          data,
          patch.first_name,
          patch.last_name,
          patch.locale,
          now
        ],
      )?;
      let updated = find_visible(tx, principal, id)?;
      self.record(
        tx,
        Change {
          event: InviteEvent::Updated,
          previous: Some(&before),
          current: &updated,
          at: now,
        },
      )?;
      Ok(updated)
    })
  }

  /// Marks a pending invite whose validity has run out as expired, and records it.
  pub(crate) fn expire(&self, tx: &Transaction, invite: &Invite) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE user_invites SET status = 'expired', status_updated_at = ?2 WHERE id = ?1")?
      .execute(params![invite.id, invite.valid_till])?;
    let change = Change {
      event: InviteEvent::Expired,
      previous: Some(invite),
      current: &expired(invite),
      at: invite.valid_till,
    };
    self.record(tx, change)
  }

  /// Runs `work` in one transaction at one moment of the emulator's clock; once it is
  /// committed, its webhook events may go.
  pub(crate) fn in_transaction<T>(
    &self,
    work: impl FnOnce(&Transaction, i64) -> Result<T, Problem>,
  ) -> Result<T, Problem> {
    let now = self.clock.now_ms();
    let result = {
      let mut connection = self.store.lock();
      let tx = connection.transaction()?;
      let result = work(&tx, now)?;
      tx.commit()?;
      result
    };
    self.webhooks.wake();
    Ok(result)
  }

  /// The user with the invite's email in its tenant, created if there is none.
  fn user_for_email(&self, tx: &Transaction, invite: &Invite, now: i64) -> Result<String, Problem> {
    if let Some(id) = user_with_email(tx, &invite.tenant_id, &invite.email)? {
      return Ok(id);
    }
    let id = new_id();
    // The new member has the roles the invite offered.
    tx.execute(
      "INSERT INTO users (id, tenant_id, email, first_name, last_name, locale, roles, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
      params![
        id,
        invite.tenant_id,
        invite.email,
        invite.first_name,
        invite.last_name,
        invite.locale,
        invite
          .role_keys
          .as_ref()
          .map(|roles| Value::from(roles.clone()).to_string()),
        now
      ],
    )?;
    Ok(id)
  }
}

/// `invite`, expired at the end of its validity: how it reads once its time has run out.
pub(crate) fn expired(invite: &Invite) -> Invite {
  Invite {
    status: UserInviteStatus::Expired,
    status_updated_at: invite.valid_till,
    ..invite.clone()
  }
}

fn set_status(
  tx: &Transaction,
  id: &str,
  status: UserInviteStatus,
  accepted_by: Option<&str>,
  now: i64,
) -> rusqlite::Result<()> {
  tx.execute(
    "UPDATE user_invites SET status = ?2, status_updated_at = ?3, updated_at = ?3,
       accepted_by_user_id = coalesce(?4, accepted_by_user_id)
     WHERE id = ?1",
    params![id, status.as_str(), now, accepted_by],
  )?;
  Ok(())
}

fn link(connection: &rusqlite::Connection, token: &str) -> Result<Link, Problem> {
  if let Some(invite) = invite_by_token(connection, token)? {
    return Ok(Link::Current(invite));
  }
  let replaced: Option<String> = connection
    .prepare_cached("SELECT user_invite_id FROM replaced_tokens WHERE token_hash = ?1")?
    .query_row([token_hash(token.trim())], |row| row.get(0))
    .optional()?;
  match replaced {
    Some(id) => Ok(Link::Replaced(find_visible(
      connection,
      &Principal::ServiceAccount,
      &id,
    )?)),
    None => Ok(Link::Unknown),
  }
}

fn invite_by_token(connection: &rusqlite::Connection, token: &str) -> Result<Option<Invite>, Problem> {
  let invite_id: Option<String> = connection
    .prepare_cached("SELECT id FROM user_invites WHERE token_hash = ?1")?
    .query_row([token_hash(token.trim())], |row| row.get(0))
    .optional()?;
  invite_id
    .map(|id| find_visible(connection, &Principal::ServiceAccount, &id))
    .transpose()
}
