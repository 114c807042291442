//! The fault switch: makes the next requests slow, fail with a status, or break, so that a
//! client's reliability can be tested against a real server.
//!
//! Faults wait in a queue. A request takes the first fault that targets it; the fault applies to
//! `times` requests, then the next one in the queue does. With `commit`, the request is carried
//! out (and stored) before the fault spoils the answer: that is the case where a client must not
//! send again what was already done.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::counters::Counters;
use crate::platform::Platform;

/// Which requests a fault applies to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultTarget {
  /// `POST /v01/server/graphql` and `POST /v01/graphql`.
  #[default]
  Graphql,
  /// The two token endpoints.
  Token,
  /// Both.
  Any,
}

/// What the answer is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultAnswer {
  /// The real answer (use with `delayMs`).
  #[default]
  Normal,
  /// An HTTP error status (with `retryAfter`, if given).
  Status,
  /// The connection is dropped: the headers go out, the body never completes.
  Drop,
  /// HTTP 200 with an HTML page.
  NonJson,
  /// HTTP 200 `application/json` with the body cut in half.
  Truncated,
  /// HTTP 200 `{"data":null}`.
  DataNull,
}

/// One fault, as `emulator.faults([...])` and `POST /__emulator/faults` take it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fault {
  #[serde(default)]
  pub on: FaultTarget,
  #[serde(default)]
  pub answer: FaultAnswer,
  /// How many requests it applies to; 1 if absent.
  #[serde(default = "one")]
  pub times: u32,
  /// Wait this long before answering.
  #[serde(default)]
  pub delay_ms: u64,
  /// The status of `answer: "status"`; 503 if absent.
  #[serde(default)]
  pub status: Option<u16>,
  /// A `Retry-After` header to send with it: seconds, or an HTTP date.
  #[serde(default)]
  pub retry_after: Option<String>,
  /// Carry the request out (and store it) before spoiling the answer.
  #[serde(default)]
  pub commit: bool,
}

fn one() -> u32 {
  1
}

/// The queue of faults still to apply.
#[derive(Default)]
pub struct Faults {
  queue: Mutex<VecDeque<Fault>>,
}

impl Faults {
  /// Replaces the queue; an empty list clears it.
  pub fn set(&self, faults: Vec<Fault>) {
    *self.queue.lock().unwrap_or_else(PoisonError::into_inner) = faults.into_iter().filter(|f| f.times > 0).collect();
  }

  /// The faults still waiting, in order, each with the requests it still applies to.
  pub fn queued(&self) -> Vec<Fault> {
    self
      .queue
      .lock()
      .unwrap_or_else(PoisonError::into_inner)
      .iter()
      .cloned()
      .collect()
  }

  /// The queue itself, held: a reset counts and clears it as one step.
  pub(crate) fn queue(&self) -> MutexGuard<'_, VecDeque<Fault>> {
    self.queue.lock().unwrap_or_else(PoisonError::into_inner)
  }

  /// The fault a request of `target` gets, if one is waiting for it.
  fn take(&self, target: FaultTarget) -> Option<Fault> {
    let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
    let position = queue.iter().position(|f| f.on == target || f.on == FaultTarget::Any)?;
    let fault = &mut queue[position];
    fault.times -= 1;
    let taken = fault.clone();
    if fault.times == 0 {
      queue.remove(position);
    }
    Some(taken)
  }
}

/// The middleware that applies faults to the platform's endpoints.
pub async fn inject(State(platform): State<Arc<Platform>>, request: Request, next: Next) -> Response {
  // A browser's CORS preflight is not a call of the platform: it takes no fault.
  if request.method() == axum::http::Method::OPTIONS {
    return next.run(request).await;
  }
  let target = match request.uri().path() {
    "/v01/server/graphql" | "/v01/graphql" => FaultTarget::Graphql,
    "/v01/authorize" | "/v01/authorize/serviceAccount" => FaultTarget::Token,
    _ => return next.run(request).await,
  };
  let Some(fault) = platform.faults.take(target) else {
    return next.run(request).await;
  };
  Counters::bump(&platform.counters.faults);
  if fault.delay_ms > 0 {
    tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
  }
  if fault.answer == FaultAnswer::Normal {
    return next.run(request).await;
  }
  let carried_out = if fault.commit {
    Some(next.run(request).await)
  } else {
    None
  };
  match (fault.answer, carried_out) {
    (FaultAnswer::Normal, carried_out) => carried_out.unwrap_or_default(),
    (FaultAnswer::Status, _) => {
      let status = StatusCode::from_u16(fault.status.unwrap_or(503)).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
      let mut response = (status, format!("{} (a fault injected by the emulator)", status)).into_response();
      if let Some(value) = fault.retry_after.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
      }
      response
    }
    (FaultAnswer::Drop, _) => {
      let broken =
        futures_util::stream::once(async { Err::<Bytes, std::io::Error>(std::io::Error::other("dropped by a fault")) });
      Response::new(Body::from_stream(broken))
    }
    (FaultAnswer::NonJson, _) => (
      [(header::CONTENT_TYPE, "text/html")],
      "<html><body><h1>502 Bad Gateway</h1></body></html>",
    )
      .into_response(),
    (FaultAnswer::Truncated, carried_out) => {
      let body = match carried_out {
        Some(response) => axum::body::to_bytes(response.into_body(), usize::MAX)
          .await
          .unwrap_or_default(),
        None => Bytes::from_static(br#"{"data":{"sendUserInvitesV2":{"success":[{"id":"0"}]}}}"#),
      };
      let cut = body.slice(..body.len() / 2);
      ([(header::CONTENT_TYPE, "application/json")], cut).into_response()
    }
    (FaultAnswer::DataNull, _) => ([(header::CONTENT_TYPE, "application/json")], r#"{"data":null}"#).into_response(),
  }
}
