//! The invite as stored: its row, how it reads at a moment (a pending invite past its validity
//! reads as expired), who may see it, and its ids and tokens.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use roq_rules::UserInviteStatus;

use crate::platform::Platform;
use crate::platform::users::user_tenant;
use crate::principal::Principal;
use crate::problem::Problem;

/// A status read from the store.
pub(crate) fn status_column(text: &str) -> rusqlite::Result<UserInviteStatus> {
  text
    .parse()
    .map_err(|_| rusqlite::Error::InvalidColumnType(0, text.to_owned(), rusqlite::types::Type::Text))
}

/// An invite as stored. Times are milliseconds since the Unix epoch.
#[derive(Clone, Debug)]
pub struct Invite {
  pub id: String,
  pub tenant_id: String,
  pub email: String,
  pub first_name: Option<String>,
  pub last_name: Option<String>,
  pub locale: Option<String>,
  pub data: Option<Map<String, Value>>,
  pub role_keys: Option<Vec<String>>,
  pub(crate) status: UserInviteStatus,
  pub status_updated_at: i64,
  pub created_by_user_id: String,
  pub accepted_by_user_id: Option<String>,
  pub user_token_id: String,
  pub valid_till: i64,
  pub created_at: i64,
  pub updated_at: i64,
}

impl Invite {
  /// Stores it with the digest of its accept token (and when that was used: an import may say),
  /// in the transaction of the send or the import that made it.
  pub(crate) fn insert(&self, tx: &Transaction, token_hash: &str, token_used_at: Option<i64>) -> rusqlite::Result<()> {
    tx.prepare_cached(&format!(
      "INSERT INTO user_invites ({INVITE_COLUMNS}, email_key, token_hash, token_used_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"
    ))?
    .execute(params![
      self.id,
      self.tenant_id,
      self.email,
      self.first_name,
      self.last_name,
      self.locale,
      self.data.as_ref().map(to_json),
      self.role_keys.as_ref().map(to_json),
      self.status.as_str(),
      self.status_updated_at,
      self.created_by_user_id,
      self.accepted_by_user_id,
      self.user_token_id,
      self.valid_till,
      self.created_at,
      self.updated_at,
      roq_rules::email_key(&self.email),
      token_hash,
      token_used_at,
    ])?;
    Ok(())
  }

  /// The status at `now`: a pending invite past its validity reads as expired.
  pub fn status(&self, now: i64) -> UserInviteStatus {
    if self.status == UserInviteStatus::Pending && self.valid_till <= now {
      UserInviteStatus::Expired
    } else {
      self.status
    }
  }

  /// When the status last changed: for an invite that expired by time, when it expired.
  pub fn status_updated_at(&self, now: i64) -> i64 {
    if self.status(now) != self.status {
      self.valid_till
    } else {
      self.status_updated_at
    }
  }
}

pub(crate) const INVITE_COLUMNS: &str = "id, tenant_id, email, first_name, last_name, locale, data, role_keys, status, \
  status_updated_at, created_by_user_id, accepted_by_user_id, user_token_id, valid_till, created_at, updated_at";

pub(crate) fn read_invite(row: &Row) -> rusqlite::Result<Invite> {
  let json = |i: usize| -> rusqlite::Result<Option<String>> { row.get(i) };
  Ok(Invite {
    id: row.get(0)?,
    tenant_id: row.get(1)?,
    email: row.get(2)?,
    first_name: row.get(3)?,
    last_name: row.get(4)?,
    locale: row.get(5)?,
    data: json(6)?.and_then(|text| serde_json::from_str(&text).ok()),
    role_keys: json(7)?.and_then(|text| serde_json::from_str(&text).ok()),
    status: status_column(&row.get::<_, String>(8)?)?,
    status_updated_at: row.get(9)?,
    created_by_user_id: row.get(10)?,
    accepted_by_user_id: row.get(11)?,
    user_token_id: row.get(12)?,
    valid_till: row.get(13)?,
    created_at: row.get(14)?,
    updated_at: row.get(15)?,
  })
}

impl Platform {
  /// One invite, if the caller may see it.
  pub fn invite(&self, principal: &Principal, id: &str) -> Result<Invite, Problem> {
    find_visible(&self.store.lock(), principal, id)
  }
}

/// An invite by id, if `principal` may see it: the service account sees all, a user its own
/// tenant's. Otherwise `NOT_FOUND`, so that ids of other tenants cannot be probed.
pub(crate) fn find_visible(connection: &Connection, principal: &Principal, id: &str) -> Result<Invite, Problem> {
  let invite = connection
    .prepare_cached(&format!("SELECT {INVITE_COLUMNS} FROM user_invites WHERE id = ?1"))?
    .query_row([id], read_invite)
    .optional()?;
  let visible = match (&invite, principal) {
    (Some(_), Principal::ServiceAccount) => true,
    (Some(invite), Principal::User { user_id }) => {
      user_tenant(connection, user_id)?.flatten().as_deref() == Some(invite.tenant_id.as_str())
    }
    (None, _) => false,
  };
  match invite {
    Some(invite) if visible => Ok(invite),
    _ => Err(Problem::NotFound(format!("No user invite with id {id}"))),
  }
}

/// A new id: a UUIDv7, so that ids made one after another sort (and are indexed) together.
pub(crate) fn new_id() -> String {
  uuid::Uuid::now_v7().to_string()
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
  serde_json::to_string(value).expect("JSON values and string lists always encode")
}

/// Tokens are stored as digests; only the mail carries the token itself.
pub(crate) fn token_hash(token: &str) -> String {
  format!("{:x}", Sha256::digest(token.as_bytes()))
}
