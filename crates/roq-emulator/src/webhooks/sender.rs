//! The sender: a task of its own that sends the deliveries that are due, at most a few at once,
//! one POST each with the URL's key, and settles each attempt (delivered, given up, or due again
//! by the backoff).

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::clock::iso;
use crate::platform::Platform;
use crate::webhooks::deliveries::{Attempt, Due, MAX_ATTEMPT_ERROR};
use crate::webhooks::tls::{certificate_problem, client_config};

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
  if let Some(tls) = client_config(&platform.webhooks) {
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

#[cfg(test)]
mod tests {
  use super::*;
  use crate::webhooks::deliveries::NOT_SENT;

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
}
