//! The emulator's SQLite store: in memory, or in a file that survives restarts. The schema is
//! made by migrations (`PRAGMA user_version`), so a file from an older emulator is upgraded.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};

use crate::platform::pg_like::like_matches;

/// The schema, one migration per change; never edit a migration that has shipped.
const MIGRATIONS: &[M<'static>] = &[
  M::up(
    "CREATE TABLE settings (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );
   CREATE TABLE users (
     id TEXT PRIMARY KEY,
     tenant_id TEXT,
     email TEXT,
     first_name TEXT,
     last_name TEXT,
     locale TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE user_invites (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     tenant_id TEXT NOT NULL,
     email TEXT NOT NULL,
     email_key TEXT NOT NULL,
     first_name TEXT,
     last_name TEXT,
     locale TEXT,
     data TEXT,
     role_keys TEXT,
     status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'canceled', 'expired')),
     status_updated_at INTEGER NOT NULL,
     created_by_user_id TEXT NOT NULL,
     accepted_by_user_id TEXT,
     -- The one-time accept token of the invite's mail: its id, and a digest of it (the token
     -- itself is only in the mail). It stays with its invite: it lives and dies with it.
     user_token_id TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     token_used_at INTEGER,
     valid_till INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   -- At most one pending invite per email and tenant.
   CREATE UNIQUE INDEX user_invites_one_pending ON user_invites (tenant_id, email_key) WHERE status = 'pending';
   CREATE INDEX user_invites_by_tenant ON user_invites (tenant_id, created_at);
   CREATE TABLE mails (
     seq INTEGER PRIMARY KEY,
     user_invite_id TEXT NOT NULL REFERENCES user_invites (id),
     tenant_id TEXT NOT NULL,
     recipient TEXT NOT NULL,
     locale TEXT NOT NULL,
     subject TEXT NOT NULL,
     body TEXT NOT NULL,
     accept_url TEXT NOT NULL,
     token TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );",
  ),
  // The journey: what a user is (roles, for sessions), each invite's history, the links a resend
  // replaced (so that an old link says so), and what a mail says, from which its text and HTML
  // are composed when it is read (sending is the hot path; reading the outbox is not).
  M::up(
    "ALTER TABLE users ADD COLUMN roles TEXT;
   CREATE TABLE invite_events (
     seq INTEGER PRIMARY KEY,
     user_invite_id TEXT NOT NULL REFERENCES user_invites (id),
     event TEXT NOT NULL,
     status TEXT NOT NULL,
     at INTEGER NOT NULL
   );
   CREATE INDEX invite_events_by_invite ON invite_events (user_invite_id, seq);
   CREATE TABLE replaced_tokens (
     token_hash TEXT PRIMARY KEY,
     user_invite_id TEXT NOT NULL REFERENCES user_invites (id),
     replaced_at INTEGER NOT NULL
   );
   ALTER TABLE mails ADD COLUMN first_name TEXT;
   ALTER TABLE mails ADD COLUMN app TEXT;
   ALTER TABLE mails ADD COLUMN valid_till INTEGER;",
  ),
  // Webhooks: each change of an invite is an event (its id and payload kept as sent, so that a
  // retry sends the same), and each configured URL gets a delivery of it, retried until it
  // lands or is given up.
  M::up(
    "ALTER TABLE invite_events ADD COLUMN event_id TEXT;
   ALTER TABLE invite_events ADD COLUMN payload TEXT;
   CREATE TABLE webhook_deliveries (
     seq INTEGER PRIMARY KEY,
     event_seq INTEGER NOT NULL REFERENCES invite_events (seq),
     user_invite_id TEXT NOT NULL,
     url TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
     attempts TEXT NOT NULL DEFAULT '[]',
     next_attempt_at INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     settled_at INTEGER
   );
   CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (url, user_invite_id, seq) WHERE state = 'pending';",
  ),
  // Reset (`reset.rs`): what hangs off an invite is found by an index, not by a scan of its
  // table (SQLite also checks each foreign key of a deleted row by it), and a tenant's users by
  // theirs. Mails, events and deliveries are numbered by AUTOINCREMENT, so that a number a test
  // still holds after a reset (a mail's or a delivery's id) is never given to a new row.
  M::up(
    "CREATE INDEX replaced_tokens_by_invite ON replaced_tokens (user_invite_id);
   CREATE INDEX users_by_tenant ON users (tenant_id);
   CREATE TABLE mails_next (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     user_invite_id TEXT NOT NULL REFERENCES user_invites (id),
     tenant_id TEXT NOT NULL,
     recipient TEXT NOT NULL,
     locale TEXT NOT NULL,
     subject TEXT NOT NULL,
     body TEXT NOT NULL,
     accept_url TEXT NOT NULL,
     token TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     first_name TEXT,
     app TEXT,
     valid_till INTEGER
   );
   INSERT INTO mails_next SELECT seq, user_invite_id, tenant_id, recipient, locale, subject, body, accept_url, token,
     created_at, first_name, app, valid_till FROM mails;
   DROP TABLE mails;
   ALTER TABLE mails_next RENAME TO mails;
   CREATE INDEX mails_by_invite ON mails (user_invite_id);
   CREATE TABLE invite_events_next (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     user_invite_id TEXT NOT NULL REFERENCES user_invites (id),
     event TEXT NOT NULL,
     status TEXT NOT NULL,
     at INTEGER NOT NULL,
     event_id TEXT,
     payload TEXT
   );
   INSERT INTO invite_events_next SELECT seq, user_invite_id, event, status, at, event_id, payload FROM invite_events;
   CREATE TABLE webhook_deliveries_next (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     event_seq INTEGER NOT NULL REFERENCES invite_events_next (seq),
     user_invite_id TEXT NOT NULL,
     url TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
     attempts TEXT NOT NULL DEFAULT '[]',
     next_attempt_at INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     settled_at INTEGER
   );
   INSERT INTO webhook_deliveries_next SELECT seq, event_seq, user_invite_id, url, state, attempts, next_attempt_at,
     created_at, settled_at FROM webhook_deliveries;
   -- The child first: then no row refers to the events dropped next.
   DROP TABLE webhook_deliveries;
   DROP TABLE invite_events;
   -- Renaming the events also renames the deliveries' reference to them.
   ALTER TABLE invite_events_next RENAME TO invite_events;
   ALTER TABLE webhook_deliveries_next RENAME TO webhook_deliveries;
   CREATE INDEX invite_events_by_invite ON invite_events (user_invite_id, seq);
   CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (url, user_invite_id, seq) WHERE state = 'pending';
   CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_seq);",
  ),
  // Reset (`reset.rs`): the user ids a tenant's reset removed, each with the generation of the
  // latest reset that removed it, so that a token issued before is refused even once the id is
  // registered again. A reset of every tenant empties it (the floor, a setting, stands for all).
  M::up(
    "CREATE TABLE reset_users (
     user_id TEXT PRIMARY KEY,
     generation INTEGER NOT NULL
   ) WITHOUT ROWID;",
  ),
];

/// The store: one connection, used under a lock. SQLite work here is short (a batch of invites
/// is one transaction), so the lock is held only briefly and never across an `.await`.
pub struct Store {
  connection: Mutex<Connection>,
}

impl Store {
  /// Opens (and creates or upgrades) the store; `None` keeps it in memory.
  pub fn open(path: Option<&Path>) -> Result<Self, rusqlite_migration::Error> {
    let mut connection = match path {
      Some(path) => Connection::open(path)?,
      None => Connection::open_in_memory()?,
    };
    connection.execute_batch(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
    )?;
    Migrations::from_slice(MIGRATIONS).to_latest(&mut connection)?;
    // `like`/`iLike` filters need Postgres's LIKE; SQLite's ignores case for ASCII.
    connection.create_scalar_function(
      "pg_like",
      3,
      FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
      |ctx| {
        let value: Option<String> = ctx.get(0)?;
        let pattern: String = ctx.get(1)?;
        let ignore_case: bool = ctx.get(2)?;
        Ok(value.is_some_and(|v| like_matches(&v, &pattern, ignore_case)))
      },
    )?;
    Ok(Self {
      connection: Mutex::new(connection),
    })
  }

  /// The connection, for one unit of work.
  pub fn lock(&self) -> MutexGuard<'_, Connection> {
    self.connection.lock().unwrap_or_else(PoisonError::into_inner)
  }

  /// A private copy of the whole store, in memory, for a long read that must hold no one up (an
  /// export of 100,000 invites reads for over a second): taken under the lock in one step of
  /// SQLite's backup API, a copy of pages that takes a small part of the time the reading does.
  pub fn copy(&self) -> rusqlite::Result<Connection> {
    let mut copy = Connection::open_in_memory()?;
    {
      let connection = self.lock();
      let backup = Backup::new(&connection, &mut copy)?;
      // Every page in one step: a copy of one moment. Only another process writing the same
      // file can keep it from finishing.
      if backup.step(-1)? != StepResult::Done {
        return Err(rusqlite::Error::SqliteFailure(
          rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
          Some("the store is busy; try again".to_owned()),
        ));
      }
    }
    Ok(copy)
  }

  /// Whether someone holds the lock now.
  #[cfg(test)]
  pub fn is_locked(&self) -> bool {
    matches!(self.connection.try_lock(), Err(std::sync::TryLockError::WouldBlock))
  }

  /// A setting, created with `make` the first time it is asked for (and kept in the file).
  pub fn setting(&self, key: &str, make: impl FnOnce() -> String) -> rusqlite::Result<String> {
    let connection = self.lock();
    let existing: Option<String> = connection
      .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| row.get(0))
      .optional()?;
    if let Some(value) = existing {
      return Ok(value);
    }
    let value = make();
    connection.execute("INSERT INTO settings (key, value) VALUES (?1, ?2)", params![key, value])?;
    Ok(value)
  }

  /// Sets a setting, replacing what was there.
  pub fn set_setting(&self, key: &str, value: &str) -> rusqlite::Result<()> {
    let connection = self.lock();
    connection.execute(
      "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      params![key, value],
    )?;
    Ok(())
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn migrations_are_valid() {
    assert!(Migrations::from_slice(MIGRATIONS).validate().is_ok());
  }

  /// A store of before reset (3 migrations) with an invite, its mail, event and delivery.
  fn store_of_version_3() -> Connection {
    let mut connection = Connection::open_in_memory().unwrap();
    connection.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
    Migrations::from_slice(&MIGRATIONS[..3])
      .to_latest(&mut connection)
      .unwrap();
    connection
      .execute_batch(
        "INSERT INTO user_invites (id, tenant_id, email, email_key, status, status_updated_at, created_by_user_id,
           user_token_id, token_hash, valid_till, created_at, updated_at)
         VALUES ('i1', 'acme', 'a@x.io', 'a@x.io', 'pending', 0, 'u', 't', 'h', 1, 0, 0);
         INSERT INTO mails (seq, user_invite_id, tenant_id, recipient, locale, subject, body, accept_url, token, created_at)
         VALUES (7, 'i1', 'acme', 'a@x.io', 'en-US', 's', 'b', 'u', 't', 0);
         INSERT INTO invite_events (seq, user_invite_id, event, status, at, event_id) VALUES (5, 'i1', 'created', 'pending', 0, 'e');
         INSERT INTO webhook_deliveries (seq, event_seq, user_invite_id, url, state, next_attempt_at, created_at)
         VALUES (9, 5, 'i1', 'http://127.0.0.1/', 'pending', 0, 0);",
      )
      .unwrap();
    connection
  }

  #[test]
  fn upgrading_keeps_the_rows_and_removed_numbers_are_never_given_again() {
    let mut connection = store_of_version_3();
    Migrations::from_slice(MIGRATIONS).to_latest(&mut connection).unwrap();
    let count = |sql: &str| connection.query_row(sql, [], |row| row.get::<_, i64>(0)).unwrap();
    assert_eq!(
      count(
        "SELECT count(*) FROM webhook_deliveries d JOIN invite_events e ON e.seq = d.event_seq JOIN mails m ON m.user_invite_id = e.user_invite_id WHERE d.seq = 9 AND e.seq = 5 AND m.seq = 7"
      ),
      1
    );
    assert_eq!(count("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    connection
      .execute_batch("DELETE FROM webhook_deliveries; DELETE FROM invite_events; DELETE FROM mails;")
      .unwrap();
    connection
      .execute_batch(
        "INSERT INTO mails (user_invite_id, tenant_id, recipient, locale, subject, body, accept_url, token, created_at)
         VALUES ('i1', 'acme', 'a@x.io', 'en-US', 's', 'b', 'u', 't', 0);
         INSERT INTO invite_events (user_invite_id, event, status, at) VALUES ('i1', 'created', 'pending', 0);
         INSERT INTO webhook_deliveries (event_seq, user_invite_id, url, state, next_attempt_at, created_at)
         VALUES (last_insert_rowid(), 'i1', 'http://127.0.0.1/', 'pending', 0, 0);",
      )
      .unwrap();
    let next = (
      count("SELECT max(seq) FROM mails"),
      count("SELECT max(seq) FROM invite_events"),
      count("SELECT max(seq) FROM webhook_deliveries"),
    );
    assert_eq!(next, (8, 6, 10));
    // A delivery must name an event that exists: the reference survived the renames.
    let orphan = connection.execute(
      "INSERT INTO webhook_deliveries (event_seq, user_invite_id, url, state, next_attempt_at, created_at)
       VALUES (999, 'i1', 'u', 'pending', 0, 0)",
      [],
    );
    assert!(orphan.is_err());
  }

  #[test]
  fn settings_are_made_once_and_kept() {
    let dir = std::env::temp_dir().join(format!("roq-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("settings.db");
    let _ = std::fs::remove_file(&path);
    let first = Store::open(Some(&path)).unwrap().setting("k", || "v1".into()).unwrap();
    let again = Store::open(Some(&path)).unwrap().setting("k", || "v2".into()).unwrap();
    assert_eq!((first.as_str(), again.as_str()), ("v1", "v1"));
    std::fs::remove_dir_all(dir).unwrap();
  }
}
