//! Platform users, as far as invites need them. The emulator takes user and tenant ids exactly as
//! callers give them (`ids.rs`) and registers an id on first use (the real platform knows them
//! from its user store); the `strict` rule turns that off.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::platform::Platform;
use roq_rules::email_key;

use crate::platform::ids::check_id;
use crate::problem::Problem;

/// A user as stored. Times are milliseconds since the Unix epoch.
#[derive(Clone, Debug)]
pub struct User {
  pub id: String,
  pub tenant_id: Option<String>,
  pub email: Option<String>,
  pub first_name: Option<String>,
  pub last_name: Option<String>,
  pub locale: Option<String>,
  /// The role keys a session gave it, or an accepted invite offered.
  pub roles: Option<Vec<String>>,
  pub created_at: i64,
  pub updated_at: i64,
}

/// The columns a [`User`] is read from, in [`read_user`]'s order.
pub(crate) const USER_COLUMNS: &str =
  "id, tenant_id, email, first_name, last_name, locale, roles, created_at, updated_at";

/// A user from a row of [`USER_COLUMNS`]: the one reading of a users row.
pub(crate) fn read_user(row: &Row) -> rusqlite::Result<User> {
  let roles: Option<String> = row.get(6)?;
  Ok(User {
    id: row.get(0)?,
    tenant_id: row.get(1)?,
    email: row.get(2)?,
    first_name: row.get(3)?,
    last_name: row.get(4)?,
    locale: row.get(5)?,
    roles: roles.and_then(|text| serde_json::from_str(&text).ok()),
    created_at: row.get(7)?,
    updated_at: row.get(8)?,
  })
}

/// A user by id, if the emulator knows it.
pub(crate) fn find_user(connection: &Connection, id: &str) -> rusqlite::Result<Option<User>> {
  connection
    .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
    .query_row([id], read_user)
    .optional()
}

/// The user of `tenant_id` with `email` (ignoring case; the first registered, if several): the
/// user an accepted invite or a session by email is.
pub(crate) fn user_with_email(
  connection: &Connection,
  tenant_id: &str,
  email: &str,
) -> rusqlite::Result<Option<String>> {
  connection
    .prepare_cached("SELECT id FROM users WHERE tenant_id = ?1 AND lower(email) = ?2 ORDER BY created_at LIMIT 1")?
    .query_row(params![tenant_id, email_key(email)], |row| row.get(0))
    .optional()
}

impl User {
  /// How pages name the user: first and last name, else email, else id.
  pub fn display_name(&self) -> String {
    let name = [self.first_name.as_deref(), self.last_name.as_deref()]
      .into_iter()
      .flatten()
      .filter(|part| !part.trim().is_empty())
      .collect::<Vec<_>>()
      .join(" ");
    match (name.is_empty(), &self.email) {
      (false, _) => name,
      (true, Some(email)) if !email.is_empty() => email.clone(),
      _ => self.id.clone(),
    }
  }
}

/// `None` for a user the emulator has not seen; `Some(tenant)` otherwise.
pub(crate) fn user_tenant(connection: &Connection, user_id: &str) -> rusqlite::Result<Option<Option<String>>> {
  connection
    .prepare_cached("SELECT tenant_id FROM users WHERE id = ?1")?
    .query_row([user_id], |row| row.get(0))
    .optional()
}

/// Registers a user on first use, or gives a known user without a tenant its tenant.
pub(crate) fn save_user(
  connection: &Connection,
  user_id: &str,
  tenant_id: Option<&str>,
  now: i64,
) -> rusqlite::Result<()> {
  connection
    .prepare_cached(
      "INSERT INTO users (id, tenant_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
       ON CONFLICT (id) DO UPDATE SET tenant_id = coalesce(users.tenant_id, excluded.tenant_id)",
    )?
    .execute(params![user_id, tenant_id, now])?;
  Ok(())
}

impl Platform {
  /// A user by id, if the emulator knows it.
  pub fn user(&self, id: &str) -> Result<Option<User>, Problem> {
    Ok(find_user(&self.store.lock(), id)?)
  }

  /// How pages name the user `id`: see [`User::display_name`]; the id itself if unknown.
  pub fn user_name(&self, id: &str) -> String {
    self
      .user(id)
      .ok()
      .flatten()
      .map_or_else(|| id.to_owned(), |user| user.display_name())
  }

  /// Checks that a user may get a token: known, or (unless `strict`) registered now. Says the
  /// reset generation its tokens carry, read in the same unit of work.
  pub fn admit_user(&self, user_id: &str) -> Result<i64, Problem> {
    check_id("userId", user_id).map_err(Problem::BadRequest)?;
    let connection = self.store.lock();
    let generation = self.resets.generation();
    if user_tenant(&connection, user_id)?.is_some() {
      return Ok(generation);
    }
    if self.rules.strict {
      return Err(Problem::NotFound(format!(
        "No user with id {user_id} in this environment"
      )));
    }
    save_user(&connection, user_id, None, self.clock.now_ms())?;
    Ok(generation)
  }
}
