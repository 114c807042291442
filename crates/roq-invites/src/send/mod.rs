//! `sendUserInvites` at any size: checked first, split into batches, sent with bounded
//! concurrency, and reported one result per entry in the caller's order.
//!
//! Nothing is sent twice. The parts: `attribution` (which result is whose: refusals before
//! sending, the platform's answer matched to entries, the caller's order), `split` (how the
//! list is cut into batches: by count and by the bytes of a request), `batch` (one batch through
//! the attempt loop, and aborts), `reconciliation` (what the platform did after a lost
//! answer, and the pending invites `onExisting` needs).

mod answer;
mod attribution;
mod batch;
mod reconciliation;
mod split;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::stream::{self, StreamExt};
use roq_rules::MAX_INVITES_PER_REQUEST;
use serde::{Deserialize, Serialize};

use self::attribution::{collect, precheck};
use self::batch::{is_cancelled, send_batch, with_abort_grace};
use self::split::Batches;
use crate::error::{Error, ErrorCode, Result};
use crate::roq_platform::RoqPlatform;
use crate::types::{SendUserInvites, SendUserInvitesResult, SentInvite, UserInviteError};
use crate::validate::check_send;

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

/// How far a `sendUserInvites` has come, after each batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "SendProgress"))]
pub struct Progress {
  pub completed: usize,
  pub total: usize,
  pub succeeded: usize,
  pub failed: usize,
}

/// What became of one entry: an invite that stands for it, or why not.
pub type EntryResult = std::result::Result<SentInvite, UserInviteError>;

/// Takes a batch of `(index in the request, result)` pairs; see [`SendOptions::on_results`].
pub type ResultsSink = Arc<dyn Fn(Vec<(usize, EntryResult)>) + Send + Sync>;

/// Takes a batch's created invites as JSON; see [`SendOptions::on_sent`].
pub type SentSink = Arc<dyn Fn(SentJson) + Send + Sync>;

/// Invites the platform created, as JSON: an array per invite (the fields of `UserInvite` in
/// their declared order, then `index` and `outcome`), separated by commas: the inside of an
/// array. An array of arrays is about half the work of an array of objects for `JSON.parse`.
#[derive(Clone, Debug, Default)]
pub struct SentJson {
  pub json: String,
  pub count: usize,
}

impl SentJson {
  /// Where the next invite's array goes.
  fn next(&mut self) -> &mut String {
    if self.count > 0 {
      self.json.push(',');
    }
    self.count += 1;
    &mut self.json
  }

  fn append(&mut self, other: SentJson) {
    if self.count == 0 {
      *self = other;
    } else if other.count > 0 {
      self.json.push(',');
      self.json.push_str(&other.json);
      self.count += other.count;
    }
  }
}

impl SendOptions {
  fn check(&self) -> Result<()> {
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

impl RoqPlatform<'_> {
  /// Creates one invite per entry and has the platform mail each invitee, with the default
  /// [`SendOptions`]. See [`RoqPlatform::send_user_invites_with`].
  pub async fn send_user_invites(&self, request: &SendUserInvites) -> Result<SendUserInvitesResult> {
    self.send_user_invites_with(request, &SendOptions::default()).await
  }

  /// Creates one invite per entry and has the platform mail each invitee.
  ///
  /// Entries with a bad address, or an address already earlier in the list, are reported in
  /// `errors` without being sent; so are those the platform refuses. If a batch fails for good
  /// (or the call is aborted, or its deadline passes) no further batch starts, and the error
  /// carries what was done in [`Error::partial`].
  pub async fn send_user_invites_with(
    &self,
    request: &SendUserInvites,
    options: &SendOptions,
  ) -> Result<SendUserInvitesResult> {
    let client = self.client;
    check_send(request)?;
    options.check()?;
    let call_deadline = client.call_options().timeout.map(|_| client.deadline());
    let (to_send, refused) = precheck(request);
    let mut progress = Progress {
      total: request.len(),
      ..Progress::default()
    };
    progress.record(refused.iter().map(|(_, r)| r));
    // Results are kept here (only as they come: nothing is allocated per entry up front), or
    // handed to `on_results`.
    let mut kept = Vec::new();
    hand_over(options, refused, &mut kept);

    // An abort stops new batches at once; batches already sent get a moment to finish, so that
    // what they did is known rather than guessed.
    let (sender, _grace) = with_abort_grace(client)?;
    let stopped = AtomicBool::new(false);
    let batches = Batches::new(request, &to_send, options.batch_size)?;
    let mut outcomes = stream::iter(batches)
      .take_while(|_| std::future::ready(!stopped.load(Ordering::Relaxed) && !is_cancelled(client)))
      .map(|batch| send_batch(&sender, request, batch, options, call_deadline))
      .buffer_unordered(options.concurrency);
    let mut failure: Option<Error> = None;
    while let Some(outcome) = outcomes.next().await {
      progress.record(outcome.results.iter().map(|(_, r)| r));
      if let Some(sent) = outcome.sent {
        progress.completed += sent.count;
        progress.succeeded += sent.count;
        if let Some(take) = options.on_sent.as_ref().filter(|_| sent.count > 0) {
          take(sent);
        }
      }
      hand_over(options, outcome.results, &mut kept);
      if let Some(error) = outcome.error {
        stopped.store(true, Ordering::Relaxed);
        failure.get_or_insert(error);
      }
      if let Some(report) = &options.on_progress {
        report(progress);
      }
    }
    drop(outcomes);
    let result = collect(kept);
    match failure {
      Some(error) => Err(stopped_error(error, &progress).with_partial(result)),
      None if is_cancelled(client) => {
        Err(stopped_error(Error::new(ErrorCode::Aborted, "the call was aborted"), &progress).with_partial(result))
      }
      None => Ok(result),
    }
  }
}

/// Hands `batch` to `on_results` if the caller takes results as they come, or keeps it.
fn hand_over(options: &SendOptions, batch: Vec<(usize, EntryResult)>, kept: &mut Vec<(usize, EntryResult)>) {
  match &options.on_results {
    Some(take) if !batch.is_empty() => take(batch),
    Some(_) => {}
    None => kept.extend(batch),
  }
}

/// The error a stopped send rejects with: what stopped it, and how far it had come.
fn stopped_error(error: Error, done: &Progress) -> Error {
  let (sent, refused, total) = (done.succeeded, done.failed, done.total);
  let context = format!(
    "sendUserInvites stopped after {sent} of {total} invites were sent ({refused} refused, {} not sent; see err.partial)",
    total - sent - refused
  );
  error.context(context)
}

impl Progress {
  fn record<'a>(&mut self, results: impl Iterator<Item = &'a EntryResult>) {
    for result in results {
      self.completed += 1;
      match result {
        Ok(_) => self.succeeded += 1,
        Err(_) => self.failed += 1,
      }
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

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
