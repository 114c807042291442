//! Writing a snapshot: every table read from one copy of the store (so the lock is held only
//! while the copy is taken), in the snapshot's fixed order.

use std::collections::{BTreeSet, HashMap};

use rusqlite::Connection;

use roq_rules::UserInviteStatus;

use super::format::{
  Moment, ReplacedToken, SNAPSHOT_VERSION, Snapshot, SnapshotAttempt, SnapshotDelivery, SnapshotInvite, SnapshotMail,
  SnapshotUser, Step, Tenant,
};
use crate::platform::Platform;
use crate::platform::history::{InviteEvent, event_column, with_unstored_steps};
use crate::platform::invite::{INVITE_COLUMNS, read_invite, status_column};
use crate::platform::users::{USER_COLUMNS, read_user};
use crate::problem::Problem;
use crate::webhooks::deliveries::{Attempt, DeliveryState};

/// The platform's data at `now` (the emulator's clock).
pub(crate) fn export(platform: &Platform, now: i64) -> Result<Snapshot, Problem> {
  let connection = platform.store.copy()?;
  #[cfg(test)]
  platform.export_pause.hold();
  let users = users(&connection)?;
  let invites = invites(&connection, now)?;
  let tenants: BTreeSet<&str> = users
    .iter()
    .filter_map(|user| user.tenant_id.as_deref())
    .chain(invites.iter().map(|invite| invite.tenant_id.as_str()))
    .collect();
  let tenants = tenants.into_iter().map(|id| Tenant { id: id.to_owned() }).collect();
  Ok(Snapshot {
    version: SNAPSHOT_VERSION,
    exported_at: Some(Moment(now)),
    tenants,
    mails: mails(&connection)?,
    webhook_deliveries: deliveries(&connection)?,
    users,
    invites,
  })
}

/// Users by id: a new one lands in its place, not at the end of a list sorted by chance.
fn users(connection: &Connection) -> rusqlite::Result<Vec<SnapshotUser>> {
  let mut statement = connection.prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"))?;
  let rows = statement.query_map([], |row| {
    let user = read_user(row)?;
    Ok(SnapshotUser {
      id: user.id,
      tenant_id: user.tenant_id,
      email: user.email,
      first_name: user.first_name,
      last_name: user.last_name,
      locale: user.locale,
      roles: user.roles,
      created_at: Some(Moment(user.created_at)),
      updated_at: Some(Moment(user.updated_at)),
    })
  })?;
  rows.collect()
}

/// Invites in the order they were made, each as it reads at `now` (a pending invite past its
/// validity is expired), with its history as the dashboard shows it.
fn invites(connection: &Connection, now: i64) -> rusqlite::Result<Vec<SnapshotInvite>> {
  let mut histories = histories(connection)?;
  let mut replaced = replaced_tokens(connection)?;
  let mut statement = connection.prepare(&format!(
    "SELECT {INVITE_COLUMNS}, token_hash, token_used_at FROM user_invites ORDER BY seq"
  ))?;
  let rows = statement.query_map([], |row| {
    Ok((read_invite(row)?, row.get::<_, String>(16)?, row.get(17)?))
  })?;
  let mut invites = Vec::new();
  for row in rows {
    let (invite, token_digest, token_used_at): (_, String, Option<i64>) = row?;
    let mut history = histories.remove(&invite.id).unwrap_or_default();
    // The creation is stored only when webhooks sent it, and an expiry by time not at all until
    // something marks it: both are written here as the dashboard shows them.
    with_unstored_steps(&mut history, &invite, now, |step| step.event, step);
    let status = invite.status(now);
    invites.push(SnapshotInvite {
      status: Some(status),
      status_updated_at: Some(Moment(invite.status_updated_at(now))),
      replaced_tokens: replaced.remove(&invite.id).unwrap_or_default(),
      token_digest: Some(token_digest),
      token_used_at: token_used_at.map(Moment),
      valid_till: Some(Moment(invite.valid_till)),
      created_at: Some(Moment(invite.created_at)),
      updated_at: Some(Moment(invite.updated_at)),
      user_token_id: Some(invite.user_token_id),
      id: Some(invite.id),
      tenant_id: invite.tenant_id,
      email: invite.email,
      first_name: invite.first_name,
      last_name: invite.last_name,
      locale: invite.locale,
      data: invite.data,
      role_keys: invite.role_keys,
      created_by_user_id: invite.created_by_user_id,
      accepted_by_user_id: invite.accepted_by_user_id,
      history,
    });
  }
  Ok(invites)
}

fn step(event: InviteEvent, status: UserInviteStatus, at: i64) -> Step {
  Step {
    event,
    status,
    at: Moment(at),
    event_id: None,
    payload: None,
  }
}

/// Every invite's stored history, oldest step first.
fn histories(connection: &Connection) -> rusqlite::Result<HashMap<String, Vec<Step>>> {
  let mut statement = connection
    .prepare("SELECT user_invite_id, event, status, at, event_id, payload FROM invite_events ORDER BY seq")?;
  let mut found: HashMap<String, Vec<Step>> = HashMap::new();
  let rows = statement.query_map([], |row| {
    let payload: Option<String> = row.get(5)?;
    Ok((
      row.get::<_, String>(0)?,
      Step {
        event: event_column(row, 1)?,
        status: status_column(&row.get::<_, String>(2)?)?,
        at: Moment(row.get(3)?),
        event_id: row.get(4)?,
        payload: payload.and_then(|text| serde_json::from_str(&text).ok()),
      },
    ))
  })?;
  for row in rows {
    let (id, step) = row?;
    found.entry(id).or_default().push(step);
  }
  Ok(found)
}

fn replaced_tokens(connection: &Connection) -> rusqlite::Result<HashMap<String, Vec<ReplacedToken>>> {
  let mut statement = connection
    .prepare("SELECT user_invite_id, token_hash, replaced_at FROM replaced_tokens ORDER BY replaced_at, token_hash")?;
  let mut found: HashMap<String, Vec<ReplacedToken>> = HashMap::new();
  let rows = statement.query_map([], |row| {
    Ok((
      row.get::<_, String>(0)?,
      ReplacedToken {
        token_digest: row.get(1)?,
        replaced_at: Moment(row.get(2)?),
      },
    ))
  })?;
  for row in rows {
    let (id, token) = row?;
    found.entry(id).or_default().push(token);
  }
  Ok(found)
}

/// The outbox, oldest first. A mail an older emulator stored whole (without `app` and its
/// validity) takes its tenant and its invite's validity.
fn mails(connection: &Connection) -> rusqlite::Result<Vec<SnapshotMail>> {
  let mut statement = connection.prepare(
    "SELECT m.seq, m.user_invite_id, m.recipient, m.locale, m.subject, m.first_name, coalesce(m.app, m.tenant_id),
            coalesce(m.valid_till, i.valid_till), m.accept_url, m.token, m.created_at
     FROM mails m JOIN user_invites i ON i.id = m.user_invite_id ORDER BY m.seq",
  )?;
  let rows = statement.query_map([], |row| {
    Ok(SnapshotMail {
      id: row.get(0)?,
      user_invite_id: row.get(1)?,
      to: row.get(2)?,
      locale: row.get(3)?,
      subject: row.get(4)?,
      first_name: row.get(5)?,
      app: row.get(6)?,
      valid_till: Moment(row.get(7)?),
      accept_url: Some(row.get(8)?),
      token: row.get(9)?,
      created_at: Moment(row.get(10)?),
    })
  })?;
  rows.collect()
}

/// Webhook deliveries, oldest first.
fn deliveries(connection: &Connection) -> rusqlite::Result<Vec<SnapshotDelivery>> {
  let mut statement = connection.prepare(
    "SELECT d.seq, e.event_id, d.url, d.state, d.attempts, d.next_attempt_at, d.created_at, d.settled_at
     FROM webhook_deliveries d JOIN invite_events e ON e.seq = d.event_seq ORDER BY d.seq",
  )?;
  let rows = statement.query_map([], |row| {
    let state: String = row.get(3)?;
    let attempts: Vec<Attempt> = serde_json::from_str(&row.get::<_, String>(4)?).unwrap_or_default();
    Ok(SnapshotDelivery {
      id: row.get(0)?,
      event_id: row.get::<_, Option<String>>(1)?.unwrap_or_default(),
      url: row.get(2)?,
      state: match state.as_str() {
        "delivered" => DeliveryState::Delivered,
        "failed" => DeliveryState::Failed,
        _ => DeliveryState::Pending,
      },
      attempts: attempts
        .into_iter()
        .map(|attempt| SnapshotAttempt {
          at: Moment(chrono::DateTime::parse_from_rfc3339(&attempt.at).map_or(0, |time| time.timestamp_millis())),
          duration_ms: attempt.duration_ms,
          status: attempt.status,
          error: attempt.error,
        })
        .collect(),
      next_attempt_at: Moment(row.get(5)?),
      created_at: Moment(row.get(6)?),
      settled_at: row.get::<_, Option<i64>>(7)?.map(Moment),
    })
  })?;
  rows.collect()
}
