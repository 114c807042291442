//! The options of a send: how the list is split and sent, what becomes of an email that already
//! has a pending invite, and where results go as they come.

use std::sync::Arc;

use roq_rules::MAX_INVITES_PER_REQUEST;
use serde::{Deserialize, Serialize};

use super::results::{EntryResult, Progress, SentJson};
use crate::error::{Error, Result};

/// How a bulk send is split and what it does with emails that already have a pending invite.
#[derive(Clone)]
pub struct SendOptions {
  /// Invites per request (1 to 1000).
  pub batch_size: usize,
  /// Requests in flight at once (1 to 16).
  pub concurrency: usize,
  pub on_existing: OnExisting,
  /// Called after each batch; it must return quickly.
  pub on_progress: Option<Arc<dyn Fn(Progress) + Send + Sync>>,
  /// Takes each entry's result as soon as it is known (a batch at a time, in no particular
  /// order) instead of keeping it: the returned result and [`Error::partial`] then leave those
  /// out, and memory stays at about one batch however long the list. For callers that pass
  /// results on as they come, as the Node binding does.
  pub on_results: Option<ResultsSink>,
  /// With `on_results`: takes the invites the platform created in answer to each batch as JSON
  /// (see [`SentJson`]), written from the platform's answer rather than rebuilt, instead of
  /// handing them to `on_results`; refusals, and invites found another way (after a lost answer,
  /// or by `onExisting`), still go there. For callers that pass results on as JSON.
  pub on_sent: Option<SentSink>,
}

impl Default for SendOptions {
  fn default() -> Self {
    Self {
      batch_size: 100,
      concurrency: 4,
      on_existing: OnExisting::Error,
      on_progress: None,
      on_results: None,
      on_sent: None,
    }
  }
}

/// The most requests one send keeps in flight.
pub const MAX_CONCURRENCY: usize = 16;

/// What to do with an email that already has a pending invite in the tenant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnExisting {
  /// Report it in `errors` with `ALREADY_INVITED`.
  #[default]
  Error,
  /// Leave the pending invite as it is and report it in `success` as `skipped`.
  Skip,
  /// Mail the pending invite again (a new link) and report it in `success` as `resent`.
  Resend,
}

/// Takes a batch of `(index in the request, result)` pairs; see [`SendOptions::on_results`].
pub type ResultsSink = Arc<dyn Fn(Vec<(usize, EntryResult)>) + Send + Sync>;

/// Takes a batch's created invites as JSON; see [`SendOptions::on_sent`].
pub type SentSink = Arc<dyn Fn(SentJson) + Send + Sync>;

impl SendOptions {
  pub(super) fn check(&self) -> Result<()> {
    if !(1..=MAX_INVITES_PER_REQUEST).contains(&self.batch_size) {
      return Err(Error::invalid_argument(format!(
        "batchSize: must be between 1 and {MAX_INVITES_PER_REQUEST}; it is {}",
        self.batch_size
      )));
    }
    if !(1..=MAX_CONCURRENCY).contains(&self.concurrency) {
      return Err(Error::invalid_argument(format!(
        "concurrency: must be between 1 and {MAX_CONCURRENCY}; it is {}",
        self.concurrency
      )));
    }
    Ok(())
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::error::ErrorCode;

  #[test]
  fn options_are_checked() {
    for (batch_size, concurrency) in [(0, 4), (1001, 4), (100, 0), (100, 17)] {
      let options = SendOptions {
        batch_size,
        concurrency,
        ..SendOptions::default()
      };
      assert_eq!(options.check().unwrap_err().code(), ErrorCode::InvalidArgument);
    }
  }
}
