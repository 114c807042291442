//! Each invite's history: one row per change (created, resent, canceled, accepted, updated,
//! expired), written in the same transaction as the change, so that the history is exactly what
//! was stored. The dashboard shows it, `GET /__emulator/invites` returns it, and with webhooks
//! configured each row is also the event the app receives:
//! `{ name, id, object, change, createdAt, data: { current, previous } }`.

use std::collections::HashMap;

use rusqlite::types::Type;
use rusqlite::{Connection, Row, params, params_from_iter};
use serde::Serialize;
use serde_json::{Value, json};

use roq_rules::UserInviteStatus;

use crate::clock::iso;
use crate::platform::Platform;
use crate::platform::invite::{Invite, status_column};

/// What happened to an invite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum InviteEvent {
  Created,
  Resent,
  Canceled,
  Accepted,
  Updated,
  /// Its validity ran out while it was pending.
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

  /// The event [`Self::as_str`] wrote; any other text is refused, naming it.
  pub(crate) fn parse(text: &str) -> Result<Self, String> {
    match text {
      "created" => Ok(Self::Created),
      "resent" => Ok(Self::Resent),
      "canceled" => Ok(Self::Canceled),
      "accepted" => Ok(Self::Accepted),
      "updated" => Ok(Self::Updated),
      "expired" => Ok(Self::Expired),
      _ => Err(format!(
        "{text:?} is not an invite event (created, resent, canceled, accepted, updated or expired)"
      )),
    }
  }
}

/// The event of a history row (column `index`). A text the emulator never writes (from a store a
/// newer emulator wrote, or one edited by hand) is an error that names it, never read as another
/// event: the history is what was stored, or the read fails.
pub(crate) fn event_column(row: &Row, index: usize) -> rusqlite::Result<InviteEvent> {
  let text: String = row.get(index)?;
  InviteEvent::parse(&text).map_err(|why| rusqlite::Error::FromSqlConversionFailure(index, Type::Text, why.into()))
}

/// Completes an invite's stored history (`history`, oldest step first) as it reads at `now`,
/// with the steps no row holds: its creation first, which is stored only when it was an event to
/// send (see [`Platform::record`]), and, for a pending invite past its validity, its expiry by
/// time last, at the moment it expired. `step` makes a step of an event, the status after it and
/// its time; `event` reads a step's event.
pub(crate) fn with_unstored_steps<T>(
  history: &mut Vec<T>,
  invite: &Invite,
  now: i64,
  event: impl Fn(&T) -> InviteEvent,
  step: impl Fn(InviteEvent, UserInviteStatus, i64) -> T,
) {
  if history.first().is_none_or(|first| event(first) != InviteEvent::Created) {
    history.insert(
      0,
      step(InviteEvent::Created, UserInviteStatus::Pending, invite.created_at),
    );
  }
  if invite.status(now) == UserInviteStatus::Expired && invite.status == UserInviteStatus::Pending {
    history.push(step(InviteEvent::Expired, UserInviteStatus::Expired, invite.valid_till));
  }
}

/// What happened to an invite, and when: one step of its history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "InviteHistoryEntry"))]
pub struct HistoryEntry {
  #[cfg_attr(feature = "typescript", ts(inline))]
  pub event: InviteEvent,
  /// The invite's status after it.
  #[cfg_attr(feature = "typescript", ts(as = "roq_rules::UserInviteStatus"))]
  pub status: &'static str,
  pub at: String,
}

/// A change of an invite: what happened, and the invite before and after it.
pub(crate) struct Change<'a> {
  pub event: InviteEvent,
  pub previous: Option<&'a Invite>,
  pub current: &'a Invite,
  pub at: i64,
}

/// The names of the webhook events (ROQ documents none for invites; these follow its
/// `ROQ_USER_INSERT`): an invite's creation, and every change after it.
pub const INVITE_INSERTED: &str = "ROQ_USER_INVITE_INSERT";
pub const INVITE_UPDATED: &str = "ROQ_USER_INVITE_UPDATE";

/// The most an event's payload takes as JSON text. An invite at its largest (64 KiB of `data`,
/// 50 role keys, names and ids at their limits, every character of them escaped) takes under
/// 160 KiB in an event, which carries it twice (before and after the change): under 320 KiB.
pub(crate) const MAX_EVENT_BYTES: usize = 512 * 1024;

/// An invite as events carry it: the fields of the platform's `UserInvite` fragment, as read at
/// `at` (never its accept token, which only the mail holds).
pub(crate) fn invite_json(invite: &Invite, at: i64) -> Value {
  json!({
    "acceptedByUserId": invite.accepted_by_user_id,
    "createdAt": iso(invite.created_at),
    "createdByUserId": invite.created_by_user_id,
    "data": invite.data,
    "email": invite.email,
    "firstName": invite.first_name,
    "id": invite.id,
    "locale": invite.locale,
    "lastName": invite.last_name,
    "roleKeys": invite.role_keys,
    "status": invite.status(at).as_str(),
    "statusUpdatedAt": iso(invite.status_updated_at(at)),
    "tenantId": invite.tenant_id,
    "updatedAt": iso(invite.updated_at),
    "userTokenId": invite.user_token_id,
  })
}

impl Platform {
  /// Records a change in the transaction that makes it: a step of the invite's history and,
  /// when webhooks are configured, the event as it will be sent and a delivery of it per URL.
  /// They go out once the transaction is committed (see [`crate::webhooks`]).
  pub(crate) fn record(&self, connection: &Connection, change: Change) -> rusqlite::Result<()> {
    let Change {
      event,
      previous,
      current,
      at,
    } = change;
    // An invite's creation is in its own row (`createdAt`): without webhooks to send it to, a
    // row of history would only cost a bulk send its time.
    if event == InviteEvent::Created && !self.webhooks.enabled() {
      return Ok(());
    }
    let (event_id, payload) = if self.webhooks.enabled() {
      let id = uuid::Uuid::now_v7().to_string();
      let payload = json!({
        "name": if event == InviteEvent::Created { INVITE_INSERTED } else { INVITE_UPDATED },
        "id": id,
        "object": "UserInvite",
        "change": event.as_str(),
        "createdAt": iso(at),
        // The invite just before the change, and after it.
        "data": { "current": invite_json(current, at), "previous": previous.map(|p| invite_json(p, at - 1)) },
      });
      (Some(id), Some(payload.to_string()))
    } else {
      (None, None)
    };
    connection
      .prepare_cached(
        "INSERT INTO invite_events (user_invite_id, event, status, at, event_id, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      )?
      .execute(params![current.id, event.as_str(), current.status(at).as_str(), at, event_id, payload])?;
    if payload.is_some() {
      let event_seq = connection.last_insert_rowid();
      let mut deliver = connection.prepare_cached(
        "INSERT INTO webhook_deliveries (event_seq, user_invite_id, url, state, next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, 'pending', ?4, ?4)",
      )?;
      for target in &self.webhooks.targets {
        deliver.execute(params![event_seq, current.id, target.url, at])?;
      }
    }
    Ok(())
  }
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
      Ok((
        row.get::<_, String>(0)?,
        HistoryEntry {
          event: event_column(row, 1)?,
          status: status_column(&row.get::<_, String>(2)?)?.as_str(),
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
    with_unstored_steps(
      history,
      invite,
      now,
      |entry| entry.event,
      |event, status, at| HistoryEntry {
        event,
        status: status.as_str(),
        at: iso(at),
      },
    );
  }
  Ok(found)
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::platform::invite_records::InviteQuery;
  use crate::platform::send::NewInvite;
  use crate::principal::Principal;
  use crate::problem::Problem;
  use crate::{Emulator, EmulatorOptions};

  #[test]
  fn every_event_reads_back_and_any_other_text_is_refused_by_name() {
    use InviteEvent::*;
    for event in [Created, Resent, Canceled, Accepted, Updated, Expired] {
      assert_eq!(InviteEvent::parse(event.as_str()), Ok(event));
    }
    for text in ["archived", "Created", ""] {
      assert_eq!(
        InviteEvent::parse(text),
        Err(format!(
          "{text:?} is not an invite event (created, resent, canceled, accepted, updated or expired)"
        ))
      );
    }
  }

  /// A store a newer emulator wrote, or one edited by hand: its histories are not read as if the
  /// unknown step were the invite's creation.
  #[tokio::test]
  async fn a_stored_step_of_an_unknown_event_fails_the_read_and_names_it() {
    let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let platform = &emulator.platform;
    let entry = NewInvite {
      created_by_user_id: "carol".into(),
      email: "ada@x.io".into(),
      ..Default::default()
    };
    let sent = platform
      .send_invites(&Principal::ServiceAccount, Some("acme".into()), vec![entry])
      .unwrap();
    platform
      .store
      .lock()
      .execute(
        "INSERT INTO invite_events (user_invite_id, event, status, at) VALUES (?1, 'archived', 'pending', 0)",
        [&sent.success[0].id],
      )
      .unwrap();
    let named = |problem: Problem| match problem {
      Problem::Internal(message) => message.contains("\"archived\" is not an invite event"),
      _ => false,
    };
    assert!(named(emulator.invites(&InviteQuery::default()).unwrap_err()));
    assert!(named(emulator.export().unwrap_err()));
    emulator.stop().await.unwrap();
  }
}
