//! Each invite's history: one row per change (created, resent, canceled, accepted, updated),
//! written in the same transaction as the change, so that the history is exactly what was stored.
//! The dashboard shows it; `GET /__emulator/invites` returns it.

use std::collections::HashMap;

use rusqlite::{Connection, params_from_iter};
use serde::Serialize;

use crate::invites::{Invite, Status};
use crate::platform::iso;

/// What happened to an invite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InviteEvent {
  Created,
  Resent,
  Canceled,
  Accepted,
  Updated,
  /// Its validity ran out while it was pending (read from the clock, not stored).
  Expired,
}

impl InviteEvent {
  pub fn as_str(self) -> &'static str {
    match self {
      Self::Created => "created",
      Self::Resent => "resent",
      Self::Canceled => "canceled",
      Self::Accepted => "accepted",
      Self::Updated => "updated",
      Self::Expired => "expired",
    }
  }

  fn parse(text: &str) -> Self {
    match text {
      "resent" => Self::Resent,
      "canceled" => Self::Canceled,
      "accepted" => Self::Accepted,
      "updated" => Self::Updated,
      "expired" => Self::Expired,
      _ => Self::Created,
    }
  }
}

/// One step of an invite's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
  pub event: InviteEvent,
  /// The invite's status after it.
  pub status: &'static str,
  pub at: String,
}

/// Records that `event` happened to the invite `invite_id`, leaving it in `status`.
pub(crate) fn record(
  connection: &Connection,
  invite_id: &str,
  event: InviteEvent,
  status: Status,
  at: i64,
) -> rusqlite::Result<()> {
  connection
    .prepare_cached("INSERT INTO invite_events (user_invite_id, event, status, at) VALUES (?1, ?2, ?3, ?4)")?
    .execute(rusqlite::params![invite_id, event.as_str(), status.as_str(), at])?;
  Ok(())
}

/// The histories of `invites`, oldest step first, as read at `now`: a pending invite past its
/// validity ends with `expired`, at the moment it expired.
pub(crate) fn histories(
  connection: &Connection,
  invites: &[Invite],
  now: i64,
) -> rusqlite::Result<HashMap<String, Vec<HistoryEntry>>> {
  let mut found: HashMap<String, Vec<HistoryEntry>> = HashMap::new();
  for chunk in invites.chunks(500) {
    let marks = vec!["?"; chunk.len()].join(", ");
    let mut statement = connection.prepare(&format!(
      "SELECT user_invite_id, event, status, at FROM invite_events WHERE user_invite_id IN ({marks}) ORDER BY seq"
    ))?;
    let rows = statement.query_map(params_from_iter(chunk.iter().map(|i| &i.id)), |row| {
      let status: String = row.get(2)?;
      Ok((
        row.get::<_, String>(0)?,
        HistoryEntry {
          event: InviteEvent::parse(&row.get::<_, String>(1)?),
          status: Status::parse(&status).map_or("pending", Status::as_str),
          at: iso(row.get(3)?),
        },
      ))
    })?;
    for row in rows {
      let (id, entry) = row?;
      found.entry(id).or_default().push(entry);
    }
  }
  for invite in invites {
    let history = found.entry(invite.id.clone()).or_default();
    // Invites stored by an emulator older than the history have none: they were created.
    if history.is_empty() {
      history.push(HistoryEntry {
        event: InviteEvent::Created,
        status: Status::Pending.as_str(),
        at: iso(invite.created_at),
      });
    }
    if invite.status(now) == Status::Expired && invite.status == Status::Pending {
      history.push(HistoryEntry {
        event: InviteEvent::Expired,
        status: Status::Expired.as_str(),
        at: iso(invite.valid_till),
      });
    }
  }
  Ok(found)
}
