//! Platform users, as far as invites need them. The emulator takes user and tenant ids exactly as
//! callers give them (`ids.rs`) and registers an id on first use (the real platform knows them
//! from its user store); the `strict` rule turns that off.

use rusqlite::{Connection, OptionalExtension, params};

use crate::platform::Platform;
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
  pub created_at: i64,
  pub updated_at: i64,
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
    let connection = self.store.lock();
    let user = connection
      .prepare_cached(
        "SELECT id, tenant_id, email, first_name, last_name, locale, created_at, updated_at FROM users WHERE id = ?1",
      )?
      .query_row([id], |row| {
        Ok(User {
          id: row.get(0)?,
          tenant_id: row.get(1)?,
          email: row.get(2)?,
          first_name: row.get(3)?,
          last_name: row.get(4)?,
          locale: row.get(5)?,
          created_at: row.get(6)?,
          updated_at: row.get(7)?,
        })
      })
      .optional()?;
    Ok(user)
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
