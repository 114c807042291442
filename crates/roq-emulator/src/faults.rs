//! The fault switch: makes the next requests slow, fail with a status, or break, so that a
//! client's reliability can be tested against a real server. This is the queue and what it holds;
//! the server applies them (`server/fault_middleware.rs`).
//!
//! Faults wait in a queue. A request takes the first fault that targets it; the fault applies to
//! `times` requests, then the next one in the queue does. With `commit`, the request is carried
//! out (and stored) before the fault spoils the answer: that is the case where a client must not
//! send again what was already done.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

/// Which requests a fault applies to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
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

/// A fault for the emulator's next requests: as the queue shows it, every field given (`times`
/// the requests it still applies to); `emulator.faults([...])` and `POST /__emulator/faults` take
/// it with any field left out (TypeScript's `Fault`). A request takes the first fault that targets
/// it; a fault applies to `times` requests. With `commit`, the request is carried out (and stored)
/// before its answer is spoiled.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "QueuedFault"))]
pub struct Fault {
  /// Which requests: GraphQL (the default), the token endpoints, or any.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(inline))]
  pub on: FaultTarget,
  /// The answer: the real one (`normal`, for a delay), an HTTP error `status`, a dropped
  /// connection, an HTML page, JSON cut in half, or `{"data":null}`.
  #[serde(default)]
  #[cfg_attr(feature = "typescript", ts(inline))]
  pub answer: FaultAnswer,
  /// How many requests it applies to. Default 1.
  #[serde(default = "one")]
  pub times: u32,
  /// Wait this long before answering.
  #[serde(default)]
  pub delay_ms: u64,
  /// The status of `answer: 'status'`. Default 503.
  #[serde(default)]
  pub status: Option<u16>,
  /// A `Retry-After` to send with it: seconds, or an HTTP date.
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
  pub(crate) fn take(&self, target: FaultTarget) -> Option<Fault> {
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
