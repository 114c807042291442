//! Webhook delivery: after each committed change of an invite, every configured URL receives a
//! POST of the event (see [`crate::platform::history`]) with the header `roq-platform-webhook-key`, as the
//! platform calls an app's URL; on localhost, as the Stripe CLI does for Stripe.
//!
//! Deliveries are rows written in the transaction of the change, so the store never depends on
//! a receiver, and a slow or dead receiver never holds up an answer: a task of its own sends them
//! after the commit. A non-2xx answer, a timeout or a broken connection is retried with
//! exponential backoff (by the emulator's clock, so a test can move it on), then given up and
//! recorded. Events of one invite go to one URL in the order they happened: the next waits until
//! the one before has been delivered or given up.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::clock::{in_time_range, iso};
use crate::platform::Platform;
use crate::problem::Problem;

pub(crate) mod expiry_task;

/// A URL that receives the invite events.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookTarget {
  pub url: String,
  /// The `roq-platform-webhook-key` sent to it; the environment's webhook key if absent.
  #[serde(default)]
  pub key: Option<String>,
}

/// Without the key.
impl std::fmt::Debug for WebhookTarget {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.debug_struct("WebhookTarget")
      .field("url", &self.url)
      .field("key", &self.key.as_ref().map(|_| "[redacted]"))
      .finish()
  }
}

/// How deliveries are retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct WebhookRetry {
  /// Attempts in all, the first included (1 to 20).
  pub attempts: u32,
  /// The wait before the second attempt; it doubles for each one after.
  pub initial_delay_ms: u64,
  /// The longest wait between two attempts.
  pub max_delay_ms: u64,
  /// How long a receiver may take to answer.
  pub timeout_ms: u64,
}

impl Default for WebhookRetry {
  /// Attempts 1 s, 3 s, 7 s and 15 s after the first: the third within 10 s of the first, as a
  /// developer at a terminal expects, even when the first two time out.
  fn default() -> Self {
    Self {
      attempts: 5,
      initial_delay_ms: 1000,
      max_delay_ms: 60_000,
      timeout_ms: 3000,
    }
  }
}

/// The most attempts a delivery is given (`webhookRetry.attempts`), the first included.
pub(crate) const MAX_ATTEMPTS: u32 = 20;

/// The longest reason an attempt records for failing without an answer, in characters; a longer
/// one (a certificate's list of names, say) is cut there.
pub(crate) const MAX_ATTEMPT_ERROR: usize = 1000;

/// Why a delivery was given up without a request: its URL is none of the webhooks this emulator
/// was started with (it came from a snapshot, or from a `--db` of a run with other `--webhook`s),
/// and neither the event nor a webhook key goes to a URL the developer did not configure.
pub(crate) const NOT_SENT: &str = "not sent: its URL is not one of this emulator's webhooks (--webhook, webhooks); Redeliver sends the event to the webhooks configured now";

impl WebhookRetry {
  pub(crate) fn check(&self) -> Result<(), String> {
    if !(1..=MAX_ATTEMPTS).contains(&self.attempts) {
      return Err(format!(
        "webhookRetry.attempts: must be 1 to {MAX_ATTEMPTS}; it is {}",
        self.attempts
      ));
    }
    if self.timeout_ms == 0 || self.max_delay_ms < self.initial_delay_ms {
      return Err("webhookRetry: timeoutMs must be at least 1, and maxDelayMs at least initialDelayMs".into());
    }
    Ok(())
  }

  /// When attempt `attempt` (from 0) is due, in milliseconds after the event.
  fn offset(&self, attempt: u32) -> i64 {
    let mut offset = 0u64;
    let mut delay = self.initial_delay_ms;
    for _ in 0..attempt {
      offset = offset.saturating_add(delay);
      delay = delay.saturating_mul(2).min(self.max_delay_ms);
    }
    i64::try_from(offset).unwrap_or(i64::MAX)
  }
}

/// The webhooks of a running emulator: where events go, with which key, and the signal that
/// wakes the sender after a commit (or a move of the clock).
pub struct Webhooks {
  pub targets: Vec<WebhookTarget>,
  /// The environment's webhook key, for targets without their own.
  pub key: String,
  pub retry: WebhookRetry,
  /// Whom deliveries over HTTPS trust, if the caller said.
  tls: Option<rustls::ClientConfig>,
  /// Wakes the sender.
  wake: Notify,
  /// Wakes the task that expires invites on time (see [`crate::webhooks::expiry_task`]).
  pub(crate) expiry: Arc<Notify>,
}

impl Webhooks {
  pub fn new(targets: Vec<WebhookTarget>, key: String, retry: WebhookRetry, tls: Option<rustls::ClientConfig>) -> Self {
    Self {
      targets,
      key,
      retry,
      tls,
      wake: Notify::new(),
      expiry: Arc::new(Notify::new()),
    }
  }

  /// Whom deliveries over HTTPS trust: the roots given; else, where a receiver is `https://`,
  /// the machine's store (which may be empty: that receiver's attempts then say why); else none,
  /// so that nothing is read from the machine.
  fn tls_config(&self) -> Option<rustls::ClientConfig> {
    if let Some(tls) = &self.tls {
      return Some(tls.clone());
    }
    let mut roots = rustls::RootCertStore::empty();
    if self
      .targets
      .iter()
      .any(|t| Url::parse(&t.url).is_ok_and(|url| url.scheme() == "https"))
    {
      roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions();
    Some(config.ok()?.with_root_certificates(roots).with_no_client_auth())
  }

  pub fn enabled(&self) -> bool {
    !self.targets.is_empty()
  }

  /// Something may be due now: a change was committed, an attempt ended, or the clock moved.
  pub fn wake(&self) {
    if self.enabled() {
      self.wake.notify_one();
      self.expiry.notify_one();
    }
  }

  /// The key sent to `url`: its target's own, or the environment's; none if `url` is not one of
  /// the targets, which then gets nothing.
  fn key_for(&self, url: &str) -> Option<&str> {
    let target = self.targets.iter().find(|t| t.url == url)?;
    Some(target.key.as_deref().unwrap_or(&self.key))
  }
}

/// One attempt to deliver an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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
pub struct WebhookDelivery {
  pub id: i64,
  /// The event's id: the same in every attempt.
  pub event_id: String,
  pub name: String,
  pub change: String,
  pub user_invite_id: String,
  pub email: String,
  pub url: String,
  /// `pending` (more attempts to come), `delivered`, or `failed` (given up).
  pub state: String,
  pub attempts: Vec<Attempt>,
  pub created_at: String,
  pub settled_at: Option<String>,
  /// When the next attempt is due, while pending.
  pub next_attempt_at: Option<String>,
}

/// A delivery that is due, with what to send.
struct Due {
  seq: i64,
  url: String,
  payload: String,
  event_id: String,
  attempts: Vec<Attempt>,
  created_at: i64,
}

/// Deliveries in flight at once, across all URLs.
const MAX_IN_FLIGHT: usize = 8;

impl Platform {
  /// Every delivery, newest first (at most `limit`).
  pub fn webhook_deliveries(&self, limit: usize) -> Result<Vec<WebhookDelivery>, Problem> {
    self.deliveries_where("1 ORDER BY d.seq DESC LIMIT ?1", limit as i64)
  }

  /// One delivery, by its id.
  pub fn webhook_delivery(&self, id: i64) -> Result<Option<WebhookDelivery>, Problem> {
    Ok(self.deliveries_where("d.seq = ?1", id)?.pop())
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
      tx.commit()?;
      first.ok_or_else(unknown)?
    };
    self.webhooks.wake();
    self.webhook_delivery(first)?.ok_or_else(unknown)
  }

  /// The deliveries that `condition` (SQL over `d`, with `?1` bound to `value`) selects.
  fn deliveries_where(&self, condition: &str, value: i64) -> Result<Vec<WebhookDelivery>, Problem> {
    let connection = self.store.lock();
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

  /// The deliveries that may go now: for each URL and invite the oldest pending one (so that
  /// events go out in order), if it is due and not already on its way; and when the next one is.
  fn due_deliveries(&self, now: i64, in_flight: &HashSet<i64>) -> rusqlite::Result<(Vec<Due>, Option<i64>)> {
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
  fn not_sent(&self, seq: i64, mut attempts: Vec<Attempt>) -> rusqlite::Result<()> {
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
  fn settle(&self, due: &Due, attempt: Attempt) -> rusqlite::Result<()> {
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

/// Sends due deliveries until `stop` is cancelled. Runs as a task of its own.
pub(crate) async fn run(platform: Arc<Platform>, stop: CancellationToken) {
  let _ = rustls::crypto::ring::default_provider().install_default();
  let timeout = Duration::from_millis(platform.webhooks.retry.timeout_ms);
  // Receivers are the developer's own servers: no proxy from the environment stands between.
  let mut http = reqwest::Client::builder()
    .timeout(timeout)
    .redirect(reqwest::redirect::Policy::none())
    .user_agent(concat!("roq-emulator/", env!("CARGO_PKG_VERSION")))
    .no_proxy();
  if let Some(tls) = platform.webhooks.tls_config() {
    http = http.tls_backend_preconfigured(tls);
  }
  let Ok(http) = http.build() else {
    return;
  };
  let in_flight = Arc::new(Mutex::new(HashSet::new()));
  loop {
    let now = platform.clock.now_ms();
    let taken = in_flight.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let (due, next) = platform.due_deliveries(now, &taken).unwrap_or_default();
    for delivery in due {
      // Given up at start if its URL is not configured; should one be due all the same, it is
      // given up here, and nothing is sent.
      let Some(key) = platform.webhooks.key_for(&delivery.url) else {
        let _ = platform.not_sent(delivery.seq, delivery.attempts);
        continue;
      };
      let key = key.to_owned();
      in_flight
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(delivery.seq);
      let (platform, http, in_flight) = (Arc::clone(&platform), http.clone(), Arc::clone(&in_flight));
      tokio::spawn(async move {
        let attempt = send(&http, &platform, &delivery, &key).await;
        let _ = platform.settle(&delivery, attempt);
        in_flight
          .lock()
          .unwrap_or_else(PoisonError::into_inner)
          .remove(&delivery.seq);
        platform.webhooks.wake();
      });
    }
    // Until the next one is due (by the emulator's clock), or something changes.
    let wait = next.map_or(Duration::from_secs(3600), |at| {
      Duration::from_millis(u64::try_from(at - now).unwrap_or(0))
    });
    tokio::select! {
      () = platform.webhooks.wake.notified() => {}
      () = tokio::time::sleep(wait) => {}
      () = stop.cancelled() => return,
    }
  }
}

/// One POST of the event to its URL (a configured one), with its `key`.
async fn send(http: &reqwest::Client, platform: &Platform, due: &Due, key: &str) -> Attempt {
  let at = iso(platform.clock.now_ms());
  let started = Instant::now();
  let answer = http
    .post(&due.url)
    .header("content-type", "application/json")
    .header("roq-platform-webhook-key", key)
    .header("roq-platform-webhook-event-id", &due.event_id)
    .body(due.payload.clone())
    .send()
    .await;
  let duration_ms = started.elapsed().as_millis() as u64;
  match answer {
    Ok(response) => Attempt {
      at,
      duration_ms,
      status: Some(response.status().as_u16()),
      error: None,
    },
    Err(error) => Attempt {
      at,
      duration_ms,
      status: None,
      error: Some(at_most(
        if error.is_timeout() {
          format!("no answer within {} ms", platform.webhooks.retry.timeout_ms)
        } else if let Some(problem) = certificate_problem(&error) {
          format!(
            "its certificate is not trusted ({problem:?}); if a test authority signed it, start Node with NODE_EXTRA_CA_CERTS naming that authority"
          )
        } else if error.is_connect() {
          "the connection was refused".to_owned()
        } else {
          "the connection broke".to_owned()
        },
        MAX_ATTEMPT_ERROR,
      )),
    },
  }
}

/// `text`, cut to at most `most` characters (its last one then "…").
fn at_most(mut text: String, most: usize) -> String {
  if let Some((cut, _)) = text.char_indices().nth(most.saturating_sub(1))
    && text[cut..].chars().nth(1).is_some()
  {
    text.truncate(cut);
    text.push('…');
  }
  text
}

/// Why the receiver's certificate was refused, if it was (the client's transport.rs has the same
/// walk: the crates share no code but the rulebook). An io::Error's `source()` skips the error it
/// wraps, so it is looked inside.
fn certificate_problem(error: &reqwest::Error) -> Option<&rustls::CertificateError> {
  let mut link: Option<&(dyn std::error::Error + 'static)> = Some(error);
  while let Some(current) = link {
    if let Some(rustls::Error::InvalidCertificate(problem)) = current.downcast_ref() {
      return Some(problem);
    }
    link = match current.downcast_ref::<std::io::Error>() {
      Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
      None => current.source(),
    };
  }
  None
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

  #[test]
  fn a_long_reason_is_cut_to_the_most_an_attempt_keeps() {
    assert_eq!(at_most("abc".into(), 3), "abc");
    assert_eq!(at_most("abcd".into(), 3), "ab…");
    assert_eq!(at_most("ééééé".into(), 4), "ééé…");
    assert_eq!(
      at_most("x".repeat(5000), MAX_ATTEMPT_ERROR).chars().count(),
      MAX_ATTEMPT_ERROR
    );
    assert!(NOT_SENT.chars().count() <= MAX_ATTEMPT_ERROR);
  }

  #[test]
  fn by_default_the_third_attempt_is_due_3_s_after_the_first() {
    let retry = WebhookRetry::default();
    let offsets: Vec<i64> = (0..5).map(|n| retry.offset(n)).collect();
    assert_eq!(offsets, [0, 1000, 3000, 7000, 15_000]);
    let capped = WebhookRetry {
      max_delay_ms: 2000,
      ..retry
    };
    assert_eq!(
      (0..5).map(|n| capped.offset(n)).collect::<Vec<_>>(),
      [0, 1000, 3000, 5000, 7000]
    );
  }
}
