//! `sendUserInvites` at any size: checked first, split into batches, sent with bounded
//! concurrency, and reported one result per entry in the caller's order.
//!
//! Nothing is sent twice. The parts: `attribution` (which result is whose: refusals before
//! sending, the platform's answer matched to entries, the caller's order), `split` (how the
//! list is cut into batches: by count and by the bytes of a request), `batch` (one batch through
//! the attempt loop, and aborts), `reconciliation` (what the platform did after a lost
//! answer, and the pending invites `onExisting` needs). What they all read is plain data in files
//! of its own below them: `options` (how to send, where results go) and `results` (each entry's
//! result, the created invites as JSON, the progress); this file only runs the send.

mod answer;
mod attribution;
mod batch;
mod options;
mod reconciliation;
mod results;
mod split;

use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::stream::{self, StreamExt};

pub use self::answer::SENT_INVITE_FIELDS;
use self::attribution::{collect, precheck};
use self::batch::{is_cancelled, send_batch, with_abort_grace};
pub use self::options::{MAX_CONCURRENCY, OnExisting, ResultsSink, SendOptions, SentSink};
pub use self::results::{EntryResult, Progress, SentJson};
use self::split::Batches;
use crate::error::{Error, ErrorCode, Result};
use crate::roq_platform::RoqPlatform;
use crate::types::{SendUserInvites, SendUserInvitesResult};
use crate::validate::check_send;

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
    let mut outcomes = stream::iter(batches.enumerate())
      .take_while(|_| std::future::ready(!stopped.load(Ordering::Relaxed) && !is_cancelled(client)))
      .map(|(index, batch)| send_batch(&sender, request, (index, batch), options, call_deadline))
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
