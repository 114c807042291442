//! The deliveries: a row per event and URL, written in the transaction of the change (see
//! `history.rs`), with its attempts; which are due, how an attempt is settled, what is given up
//! unsent, and a redelivery of a past one.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::clock::{in_time_range, iso};
use crate::platform::Platform;
use crate::problem::Problem;
use crate::webhooks::config::WebhookTarget;

/// The longest reason an attempt records for failing without an answer, in characters; a longer
/// one (a certificate's list of names, say) is cut there.
pub(crate) const MAX_ATTEMPT_ERROR: usize = 1000;

/// Why a delivery was given up without a request: its URL is none of the webhooks this emulator
/// was started with (it came from a snapshot, or from a `--db` of a run with other `--webhook`s),
/// and neither the event nor a webhook key goes to a URL the developer did not configure.
pub(crate) const NOT_SENT: &str = "not sent: its URL is not one of this emulator's webhooks (--webhook, webhooks); Redeliver sends the event to the webhooks configured now";

/// One attempt to deliver a webhook event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "WebhookAttempt"))]
pub struct Attempt {
  pub at: String,
  pub duration_ms: u64,
  /// The receiver's HTTP status, if it answered.
  pub status: Option<u16>,
  /// Why the attempt failed without an answer: a timeout, a refused or broken connection.
  pub error: Option<String>,
}

/// An event's delivery to one URL, with every attempt so far.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct WebhookDelivery {
  pub id: i64,
  /// The event's id: the same in every attempt.
  pub event_id: String,
  pub name: String,
  #[cfg_attr(feature = "typescript", ts(as = "crate::platform::history::InviteEvent", inline))]
  pub change: String,
  pub user_invite_id: String,
  pub email: String,
  pub url: String,
  /// `pending` (more attempts to come), `delivered`, or `failed` (given up).
  #[cfg_attr(feature = "typescript", ts(as = "DeliveryState", inline))]
  pub state: String,
  pub attempts: Vec<Attempt>,
  pub created_at: String,
  pub settled_at: Option<String>,
  /// When the next attempt is due, while pending.
  pub next_attempt_at: Option<String>,
}

/// Where a delivery is: `pending` (more attempts to come), `delivered`, or `failed` (given up).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum DeliveryState {
  Pending,
  Delivered,
  Failed,
}

impl DeliveryState {
  pub(crate) fn as_str(self) -> &'static str {
    match self {
      Self::Pending => "pending",
      Self::Delivered => "delivered",
      Self::Failed => "failed",
    }
  }
}

/// A delivery that is due, with what to send.
pub(crate) struct Due {
  pub(crate) seq: i64,
  pub(crate) url: String,
  pub(crate) payload: String,
  pub(crate) event_id: String,
  pub(crate) attempts: Vec<Attempt>,
  pub(crate) created_at: i64,
}

/// Deliveries in flight at once, across all URLs.
const MAX_IN_FLIGHT: usize = 8;

impl Platform {
  /// Every delivery, newest first (at most `limit`).
  pub fn webhook_deliveries(&self, limit: usize) -> Result<Vec<WebhookDelivery>, Problem> {
    deliveries_where(&self.store.lock(), "1 ORDER BY d.seq DESC LIMIT ?1", limit as i64)
  }

  /// One delivery, by its id.
  pub fn webhook_delivery(&self, id: i64) -> Result<Option<WebhookDelivery>, Problem> {
    Ok(deliveries_where(&self.store.lock(), "d.seq = ?1", id)?.pop())
  }

  /// Sends a past delivery's event again, as the Stripe CLI's `events resend` does: the same
  /// event (the same event id and payload, so an idempotent receiver sees the event it already
  /// knows), as a new delivery with its own attempts, to where webhooks go now (see
  /// [`redelivery_urls`]): the past delivery's URL while it is still configured; else every
  /// webhook configured now, a new delivery each, of which the first is returned (the others
  /// show in the list). Each goes with its own URL's key, as any delivery does; with no webhook
  /// configured, nothing would send it, and it is refused (`CONFLICT`).
  pub fn redeliver(&self, id: &str) -> Result<WebhookDelivery, Problem> {
    let unknown = || {
      Problem::NotFound(format!(
        "No webhook delivery {id:?}: pass the id of one that GET /__emulator/webhooks (or `roq-invites webhooks list`) shows"
      ))
    };
    let id: i64 = id.trim().parse().map_err(|_| unknown())?;
    let now = self.clock.now_ms();
    let first = {
      let mut connection = self.store.lock();
      let tx = connection.transaction()?;
      let past = tx
        .query_row(
          "SELECT event_seq, user_invite_id, url FROM webhook_deliveries WHERE seq = ?1",
          [id],
          |row| {
            Ok((
              row.get::<_, i64>(0)?,
              row.get::<_, String>(1)?,
              row.get::<_, String>(2)?,
            ))
          },
        )
        .optional()?;
      let Some((event_seq, user_invite_id, past_url)) = past else {
        return Err(unknown());
      };
      let urls = redelivery_urls(&self.webhooks.targets, &past_url);
      if urls.is_empty() {
        return Err(Problem::Conflict(format!(
          "No webhook is configured, so there is nowhere to send delivery {id} again: start the emulator with \
           --webhook URL (startEmulator({{ webhooks: [{{ url }}] }})) and the same --db (dbPath), then redeliver it"
        )));
      }
      let mut first = None;
      for url in urls {
        tx.execute(
          "INSERT INTO webhook_deliveries (event_seq, user_invite_id, url, state, next_attempt_at, created_at)
           VALUES (?1, ?2, ?3, 'pending', ?4, ?4)",
          params![event_seq, user_invite_id, url, now],
        )?;
        first.get_or_insert(tx.last_insert_rowid());
      }
      // Read as made, in the transaction: once committed, the sender may send it at any moment.
      let first = deliveries_where(&tx, "d.seq = ?1", first.ok_or_else(unknown)?)?.pop();
      tx.commit()?;
      first.ok_or_else(unknown)?
    };
    self.webhooks.wake();
    Ok(first)
  }
}

/// The deliveries that `condition` (SQL over `d`, with `?1` bound to `value`) selects.
fn deliveries_where(connection: &Connection, condition: &str, value: i64) -> Result<Vec<WebhookDelivery>, Problem> {
  let mut statement = connection.prepare_cached(&format!(
      "SELECT d.seq, e.event_id, e.payload, d.user_invite_id, i.email, d.url, d.state, d.attempts, d.created_at,
              d.settled_at, d.next_attempt_at
       FROM webhook_deliveries d JOIN invite_events e ON e.seq = d.event_seq JOIN user_invites i ON i.id = d.user_invite_id
       WHERE {condition}"
    ))?;
  let rows = statement.query_map([value], |row| {
    let payload: String = row.get(2)?;
    let event: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
    let text = |key: &str| event[key].as_str().unwrap_or_default().to_owned();
    let state: String = row.get(6)?;
    let next: i64 = row.get(10)?;
    Ok(WebhookDelivery {
      id: row.get(0)?,
      event_id: row.get::<_, Option<String>>(1)?.unwrap_or_default(),
      name: text("name"),
      change: text("change"),
      user_invite_id: row.get(3)?,
      email: row.get(4)?,
      url: row.get(5)?,
      attempts: serde_json::from_str(&row.get::<_, String>(7)?).unwrap_or_default(),
      created_at: iso(row.get(8)?),
      settled_at: row.get::<_, Option<i64>>(9)?.map(iso),
      next_attempt_at: (state == "pending").then(|| iso(next)),
      state,
    })
  })?;
  Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

impl Platform {
  /// The deliveries that may go now: for each URL and invite the oldest pending one (so that
  /// events go out in order), if it is due and not already on its way; and when the next one is.
  pub(crate) fn due_deliveries(&self, now: i64, in_flight: &HashSet<i64>) -> rusqlite::Result<(Vec<Due>, Option<i64>)> {
    let connection = self.store.lock();
    let mut statement = connection.prepare_cached(
      "SELECT d.seq, d.url, e.payload, e.event_id, d.attempts, d.next_attempt_at, d.created_at
       FROM webhook_deliveries d JOIN invite_events e ON e.seq = d.event_seq
       WHERE d.state = 'pending' AND d.seq = (
         SELECT min(o.seq) FROM webhook_deliveries o
         WHERE o.state = 'pending' AND o.url = d.url AND o.user_invite_id = d.user_invite_id)
       ORDER BY d.next_attempt_at, d.seq",
    )?;
    let mut due = Vec::new();
    let mut next = None;
    let rows = statement.query_map([], |row| {
      Ok((
        row.get::<_, i64>(5)?,
        Due {
          seq: row.get(0)?,
          url: row.get(1)?,
          payload: row.get(2)?,
          event_id: row.get::<_, Option<String>>(3)?.unwrap_or_default(),
          attempts: serde_json::from_str(&row.get::<_, String>(4)?).unwrap_or_default(),
          created_at: row.get(6)?,
        },
      ))
    })?;
    for row in rows {
      let (at, delivery) = row?;
      if in_flight.contains(&delivery.seq) {
        continue;
      }
      if at <= now && in_flight.len() + due.len() < MAX_IN_FLIGHT {
        due.push(delivery);
      } else if at > now {
        next = Some(next.map_or(at, |n: i64| n.min(at)));
      }
    }
    Ok((due, next))
  }

  /// Gives up, without a request, every pending delivery whose URL is not one of the webhooks
  /// configured now (see [`NOT_SENT`]). At start, before anything is sent.
  pub(crate) fn give_up_unconfigured(&self) -> rusqlite::Result<()> {
    let unconfigured: Vec<(i64, String, String)> = {
      let connection = self.store.lock();
      let mut statement =
        connection.prepare("SELECT seq, url, attempts FROM webhook_deliveries WHERE state = 'pending' ORDER BY seq")?;
      let rows = statement.query_map([], |row| {
        Ok((
          row.get::<_, i64>(0)?,
          row.get::<_, String>(1)?,
          row.get::<_, String>(2)?,
        ))
      })?;
      rows
        .filter(|row| {
          row
            .as_ref()
            .map_or(true, |(_, url, _)| self.webhooks.key_for(url).is_none())
        })
        .collect::<rusqlite::Result<_>>()?
    };
    for (seq, _, attempts) in unconfigured {
      self.not_sent(seq, serde_json::from_str(&attempts).unwrap_or_default())?;
    }
    Ok(())
  }

  /// Settles a delivery `failed` with the attempt that says it was not sent, and why.
  pub(crate) fn not_sent(&self, seq: i64, mut attempts: Vec<Attempt>) -> rusqlite::Result<()> {
    let now = self.clock.now_ms();
    attempts.push(Attempt {
      at: iso(now),
      duration_ms: 0,
      status: None,
      error: Some(NOT_SENT.to_owned()),
    });
    self.store.lock().execute(
      "UPDATE webhook_deliveries SET state = 'failed', attempts = ?2, settled_at = ?3 WHERE seq = ?1",
      params![seq, serde_json::to_string(&attempts).unwrap_or_default(), now],
    )?;
    Ok(())
  }

  /// Records an attempt: delivered, given up, or due again later.
  pub(crate) fn settle(&self, due: &Due, attempt: Attempt) -> rusqlite::Result<()> {
    let delivered = attempt.status.is_some_and(|s| (200..300).contains(&s));
    let mut attempts = due.attempts.clone();
    attempts.push(attempt);
    let made = attempts.len() as u32;
    let retry = self.webhooks.retry;
    let now = self.clock.now_ms();
    let (state, settled) = match (delivered, made >= retry.attempts) {
      (true, _) => ("delivered", Some(now)),
      (false, true) => ("failed", Some(now)),
      (false, false) => ("pending", None),
    };
    let next = in_time_range(due.created_at.saturating_add(retry.offset(made))).max(now);
    self.store.lock().execute(
      "UPDATE webhook_deliveries SET state = ?2, attempts = ?3, next_attempt_at = ?4, settled_at = ?5 WHERE seq = ?1",
      params![
        due.seq,
        state,
        serde_json::to_string(&attempts).unwrap_or_default(),
        next,
        settled
      ],
    )?;
    Ok(())
  }
}

/// Where a redelivery of a past delivery to `past_url` goes, by the webhooks configured now: that
/// URL, while it is one of them; else every one of them, as a new event would go (the emulator
/// was started again with other webhooks: the past URL is no longer the user's, and its key,
/// if it had one of its own, is gone with it); none without webhooks.
fn redelivery_urls<'a>(targets: &'a [WebhookTarget], past_url: &str) -> Vec<&'a str> {
  match targets.iter().find(|target| target.url == past_url) {
    Some(target) => vec![target.url.as_str()],
    None => targets.iter().map(|target| target.url.as_str()).collect(),
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn a_redelivery_goes_to_its_url_while_it_is_configured_else_to_every_webhook_configured_now() {
    let target = |url: &str, key: Option<&str>| WebhookTarget {
      url: url.into(),
      key: key.map(Into::into),
    };
    let (a, b, c) = (
      "http://127.0.0.1:3001/a",
      "http://127.0.0.1:3002/b",
      "http://127.0.0.1:3003/c",
    );
    let now = [target(b, Some("key-b")), target(a, None), target(c, None)];
    assert_eq!(redelivery_urls(&now, a), [a]);
    let moved = [target(b, Some("key-b")), target(c, None)];
    assert_eq!(redelivery_urls(&moved, a), [b, c]);
    assert!(redelivery_urls(&[], a).is_empty());
  }
}
