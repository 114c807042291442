//! Starting from a snapshot: read it (`read`: its size, its keys, its types), check it whole
//! (`checks.rs`), then store it in one transaction, every time shifted onto the emulator's clock.

use std::collections::HashMap;
use std::io::Read as _;

use rusqlite::{Transaction, params};
use serde_json::Value;

use roq_rules::UserInviteStatus;

use super::checks::check;
use super::format::{ImportFrom, MAX_SNAPSHOT_BYTES, Moment, Snapshot, SnapshotInvite, read, too_large_to_read};
use crate::clock::{EARLIEST_MS, LATEST_MS, in_time_range, iso};
use crate::platform::Platform;
use crate::platform::credentials::random_text;
use crate::platform::history::InviteEvent;
use crate::platform::invite::{Invite, new_id, token_hash};
use crate::platform::mail::{accept_link, write_invitation};
use crate::webhooks::deliveries::Attempt;

/// Reads `from` and stores it in the (empty) store at `now`. The error names the file, if any,
/// and the path of the mistake; the caller puts `importFrom` in front.
pub(crate) fn import(platform: &Platform, from: &ImportFrom, now: i64) -> Result<(), String> {
  let (snapshot, source) = match from {
    ImportFrom::Path(path) => {
      let source = format!("{}: ", path.display());
      let text = read_file(path)?;
      (read(&text), source)
    }
    ImportFrom::Snapshot(text) => (read(text.get().as_bytes()), String::new()),
  };
  let snapshot = snapshot.map_err(|why| format!("{source}{why}"))?;
  check(&snapshot).map_err(|why| format!("{source}{why}"))?;
  store(platform, snapshot, now).map_err(|why| format!("{source}{why}"))
}

/// A file's bytes, at most [`MAX_SNAPSHOT_BYTES`]: a larger file is refused without being read,
/// and one whose size is unknown (a pipe, `/dev/zero`) is read no further than the limit.
fn read_file(path: &std::path::Path) -> Result<Vec<u8>, String> {
  let could_not = |e: std::io::Error| format!("could not read {}: {e}", path.display());
  let too_large = || format!("{}: {}", path.display(), too_large_to_read());
  let file = std::fs::File::open(path).map_err(could_not)?;
  let known = file.metadata().ok().filter(std::fs::Metadata::is_file).map(|m| m.len());
  if known.is_some_and(|len| len > MAX_SNAPSHOT_BYTES as u64) {
    return Err(too_large());
  }
  let mut text = Vec::with_capacity(known.map_or(0, |len| len as usize + 1));
  file
    .take(MAX_SNAPSHOT_BYTES as u64 + 1)
    .read_to_end(&mut text)
    .map_err(could_not)?;
  if text.len() > MAX_SNAPSHOT_BYTES {
    return Err(too_large());
  }
  Ok(text)
}

/// A time of the snapshot on the importing emulator's clock: moved by `shift`, at most to either
/// end of the range; a time at either end stays there, for it means "never" (an invite valid
/// till `9999-12-31T23:59:59.999Z`) or "always", not a moment to move.
fn shifted(moment: Moment, shift: i64) -> i64 {
  match moment.0 {
    EARLIEST_MS | LATEST_MS => moment.0,
    ms => in_time_range(ms.saturating_add(shift)),
  }
}

/// Stores a checked snapshot, every time moved by (`now` − `exportedAt`).
fn store(platform: &Platform, snapshot: Snapshot, now: i64) -> Result<(), String> {
  let failed = |e: rusqlite::Error| format!("the emulator's store failed: {e}");
  let mut connection = platform.store.lock();
  let existing: i64 = connection
    .query_row(
      "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM user_invites)",
      [],
      |row| row.get(0),
    )
    .map_err(failed)?;
  if existing > 0 {
    return Err(
      "the emulator's store (dbPath, --db) already holds data; import into a new file, or into memory".to_owned(),
    );
  }
  let shift = snapshot.exported_at.map_or(0, |at| now.saturating_sub(at.0));
  let time = |moment: Moment| shifted(moment, shift);
  let tx = connection.transaction().map_err(failed)?;
  for user in &snapshot.users {
    let created_at = user.created_at.map_or(now, time);
    tx.execute(
      "INSERT INTO users (id, tenant_id, email, first_name, last_name, locale, roles, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      params![
        user.id,
        user.tenant_id,
        user.email,
        user.first_name,
        user.last_name,
        user.locale,
        user.roles.as_ref().map(|roles| Value::from(roles.clone()).to_string()),
        created_at,
        user.updated_at.map_or(created_at, time),
      ],
    )
    .map_err(failed)?;
  }
  let mut event_seqs = HashMap::new();
  let mut made_up = Vec::new();
  for invite in &snapshot.invites {
    let (stored, token) = store_invite(&tx, platform, invite, now, &time).map_err(failed)?;
    for step in &invite.history {
      tx.execute(
        "INSERT INTO invite_events (user_invite_id, event, status, at, event_id, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
          stored.id,
          step.event.as_str(),
          step.status.as_str(),
          time(step.at),
          step.event_id,
          step.payload.as_ref().map(Value::to_string),
        ],
      )
      .map_err(failed)?;
      if let Some(event_id) = &step.event_id {
        event_seqs.insert(event_id.clone(), (tx.last_insert_rowid(), stored.id.clone()));
      }
    }
    // A seed's invite given as accepted, canceled or expired, without a history: the step that
    // made it so, as the dashboard would have shown it.
    let ended = match stored.status {
      UserInviteStatus::Pending => None,
      UserInviteStatus::Accepted => Some(InviteEvent::Accepted),
      UserInviteStatus::Canceled => Some(InviteEvent::Canceled),
      UserInviteStatus::Expired => Some(InviteEvent::Expired),
    };
    if let Some(event) = ended.filter(|_| invite.history.is_empty()) {
      tx.execute(
        "INSERT INTO invite_events (user_invite_id, event, status, at) VALUES (?1, ?2, ?3, ?4)",
        params![
          stored.id,
          event.as_str(),
          stored.status.as_str(),
          stored.status_updated_at
        ],
      )
      .map_err(failed)?;
    }
    if let Some(token) = token {
      made_up.push((stored, token));
    }
  }
  let tenants: HashMap<&str, &str> = snapshot
    .invites
    .iter()
    .filter_map(|invite| Some((invite.id.as_deref()?, invite.tenant_id.as_str())))
    .collect();
  for mail in &snapshot.mails {
    tx.execute(
      "INSERT INTO mails (seq, user_invite_id, tenant_id, recipient, locale, subject, body, accept_url, token, created_at,
                          first_name, app, valid_till)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7, ?8, ?9, ?10, ?11, ?12)",
      params![
        mail.id,
        mail.user_invite_id,
        tenants.get(mail.user_invite_id.as_str()),
        mail.to,
        mail.locale,
        mail.subject,
        accept_link(&platform.rules, &mail.token).as_str(),
        mail.token,
        time(mail.created_at),
        mail.first_name,
        mail.app,
        time(mail.valid_till),
      ],
    )
    .map_err(failed)?;
  }
  // Mails made up for a seed's invites, after the snapshot's own, so that their numbers are free.
  for (invite, token) in &made_up {
    write_invitation(&tx, &platform.rules, invite, token, invite.created_at).map_err(failed)?;
  }
  for delivery in &snapshot.webhook_deliveries {
    let (event_seq, invite_id) = &event_seqs[&delivery.event_id];
    let attempts: Vec<Attempt> = delivery
      .attempts
      .iter()
      .map(|attempt| Attempt {
        at: iso(time(attempt.at)),
        duration_ms: attempt.duration_ms,
        status: attempt.status,
        error: attempt.error.clone(),
      })
      .collect();
    tx.execute(
      "INSERT INTO webhook_deliveries (seq, event_seq, user_invite_id, url, state, attempts, next_attempt_at, created_at, settled_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      params![
        delivery.id,
        event_seq,
        invite_id,
        delivery.url,
        delivery.state.as_str(),
        serde_json::to_string(&attempts).unwrap_or_else(|_| "[]".to_owned()),
        time(delivery.next_attempt_at),
        time(delivery.created_at),
        delivery.settled_at.map(time),
      ],
    )
    .map_err(failed)?;
  }
  tx.commit().map_err(failed)
}

/// Stores one invite (and registers its inviter, as a send does); with the token made up for
/// it when the snapshot has no digest, so that its mail can be written as if sent.
fn store_invite(
  tx: &Transaction,
  platform: &Platform,
  given: &SnapshotInvite,
  now: i64,
  time: &impl Fn(Moment) -> i64,
) -> rusqlite::Result<(Invite, Option<String>)> {
  let created_at = given.created_at.map_or(now, time);
  let (digest, token) = match &given.token_digest {
    Some(digest) => (digest.clone(), None),
    None => {
      let token = random_text();
      (token_hash(&token), Some(token))
    }
  };
  let invite = Invite {
    id: given.id.clone().unwrap_or_else(new_id),
    tenant_id: given.tenant_id.clone(),
    email: given.email.trim().to_owned(),
    first_name: Some(given.first_name.clone().unwrap_or_default()),
    last_name: Some(given.last_name.clone().unwrap_or_default()),
    locale: given.locale.clone(),
    data: given.data.clone(),
    role_keys: given.role_keys.clone(),
    status: given.status.unwrap_or(UserInviteStatus::Pending),
    status_updated_at: given.status_updated_at.map_or(created_at, time),
    created_by_user_id: given.created_by_user_id.clone(),
    accepted_by_user_id: given.accepted_by_user_id.clone(),
    user_token_id: given.user_token_id.clone().unwrap_or_else(new_id),
    valid_till: given
      .valid_till
      .map_or_else(|| platform.rules.valid_till(created_at), time),
    created_at,
    updated_at: given.updated_at.map_or(created_at, time),
  };
  invite.insert(tx, &digest, given.token_used_at.map(time))?;
  for replaced in &given.replaced_tokens {
    tx.execute(
      "INSERT INTO replaced_tokens (token_hash, user_invite_id, replaced_at) VALUES (?1, ?2, ?3)",
      params![replaced.token_digest, invite.id, time(replaced.replaced_at)],
    )?;
  }
  // Whoever sent it is a user of its tenant, as a send makes them, and whoever accepted it, as an
  // accept does (not an acceptedByUserId that an update set: that makes no user). A user the
  // snapshot lists is taken as it is, so that an export imports to the same data.
  let accepted_by = invite
    .accepted_by_user_id
    .as_ref()
    .filter(|_| invite.status == UserInviteStatus::Accepted);
  for user_id in [Some(&invite.created_by_user_id), accepted_by].into_iter().flatten() {
    tx.prepare_cached(
      "INSERT INTO users (id, tenant_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?3) ON CONFLICT (id) DO NOTHING",
    )?
    .execute(params![user_id, invite.tenant_id, created_at])?;
  }
  Ok((invite, token))
}
