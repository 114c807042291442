//! One batch of a send, through the one attempt loop. A batch whose answer is lost
//! is reconciled, and only what the platform did not create is sent again; an abort lets the
//! batches in flight finish for a moment, so that what they did is known rather than guessed.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use tokio_util::sync::{CancellationToken, DropGuard};

use super::answer::SendAnswer;
use super::attribution::{attribute, attribute_results, refusal, unknown_text};
use super::options::{OnExisting, SendOptions};
use super::reconciliation::{apply_on_existing, reconcile};
use super::results::{EntryResult, SentJson};
use crate::attempt::{Attempt, Attempts};
use crate::client::{CallOptions, Client, Replay};
use crate::documents::{Operation, SEND_USER_INVITES_V1, SEND_USER_INVITES_V2};
use crate::error::{Error, Result};
use crate::graphql;
use crate::transport::Reply;
use crate::types::{CreateUserInvitesModel, InviteErrorCode, SendUserInvites, UserInviteError};

/// How long batches already sent may still finish after an abort; one stuck longer is cancelled
/// and reconciled.
const ABORT_GRACE: Duration = Duration::from_millis(500);

/// The outcome of one batch: the results it established (the created invites as JSON instead,
/// when the caller takes them so), and the error that stopped it.
pub(super) struct BatchOutcome {
  pub results: Vec<(usize, EntryResult)>,
  pub sent: Option<SentJson>,
  pub error: Option<Error>,
}

/// This client with a cancellation that follows the caller's after [`ABORT_GRACE`], and a
/// guard that ends the follower when dropped.
pub(super) fn with_abort_grace(client: &Client) -> Result<(Client, Option<DropGuard>)> {
  let Some(caller) = client.call_options().cancel.clone() else {
    return Ok((client.clone(), None));
  };
  let (follower, done) = (CancellationToken::new(), CancellationToken::new());
  let follow = follower.clone();
  let finished = done.clone();
  tokio::spawn(async move {
    tokio::select! {
      () = async {
        caller.cancelled().await;
        tokio::time::sleep(ABORT_GRACE).await;
      } => follow.cancel(),
      () = finished.cancelled() => {}
    }
  });
  let options = CallOptions {
    cancel: Some(follower),
    ..client.call_options().clone()
  };
  Ok((client.with_call_options(options)?, Some(done.drop_guard())))
}

pub(super) fn is_cancelled(client: &Client) -> bool {
  client
    .call_options()
    .cancel
    .as_ref()
    .is_some_and(|token| token.is_cancelled())
}

/// The document that sends `request`'s batches.
pub(super) fn operation(request: &SendUserInvites) -> &'static Operation<'static> {
  if matches!(request, SendUserInvites::V1(_)) {
    &SEND_USER_INVITES_V1
  } else {
    &SEND_USER_INVITES_V2
  }
}

/// Sends one batch (its index among the send's, and the entries at `indices`), until each has a
/// result or the batch fails for good.
pub(super) async fn send_batch(
  client: &Client,
  request: &SendUserInvites,
  (index, indices): (usize, Vec<usize>),
  options: &SendOptions,
  call_deadline: Option<Instant>,
) -> BatchOutcome {
  // An observed batch reports its attempts as its own.
  let scoped;
  let client = match client.observer() {
    Some(observer) => {
      let operation = operation(request);
      let name = operation.operation_name.unwrap_or(operation.name);
      scoped = client.with_observer(observer.for_batch(name, index, indices.len()));
      &scoped
    }
    None => client,
  };
  let deadline = call_deadline.unwrap_or_else(|| client.deadline());
  let mut batch = Batch {
    client,
    request,
    operation: operation(request),
    deadline,
    remaining: indices,
    results: Vec::new(),
    sent: options.on_sent.is_some().then(SentJson::default),
  };
  let outcome = client.retrying(deadline, &mut batch).await;
  let (mut results, sent) = (batch.results, batch.sent);
  if let Err(error) = outcome {
    return BatchOutcome {
      results,
      sent,
      error: Some(error),
    };
  }
  if options.on_existing != OnExisting::Error {
    apply_on_existing(client, request, &mut results, options.on_existing).await;
  }
  BatchOutcome {
    results,
    sent,
    error: None,
  }
}

/// One batch, as the attempt loop runs it: the entries still without a result, and the results.
struct Batch<'a> {
  client: &'a Client,
  request: &'a SendUserInvites,
  operation: &'a Operation<'a>,
  deadline: Instant,
  remaining: Vec<usize>,
  results: Vec<(usize, EntryResult)>,
  /// The created invites, written as JSON, when the caller takes them so.
  sent: Option<SentJson>,
}

impl Attempts for Batch<'_> {
  type Output = ();

  async fn attempt(&mut self) -> Attempt<()> {
    let (client, request) = (self.client, self.request);
    let started = SystemTime::now();
    let body = match graphql::request_body(self.operation, &request.batch(&self.remaining)) {
      Ok(body) => Bytes::from(body),
      Err(error) => {
        return Attempt::Failed {
          error,
          replayable: false,
        };
      }
    };
    let answered = if self.sent.is_some() {
      self.read_as_json(body).await
    } else {
      self.read_typed(body).await
    };
    let error = match answered {
      Attempt::Done(()) => return Attempt::Done(()),
      // The platform did nothing: the whole batch may go again.
      Attempt::Failed {
        error,
        replayable: true,
      } => {
        return Attempt::Failed {
          error,
          replayable: true,
        };
      }
      Attempt::Failed {
        error,
        replayable: false,
      } => error,
    };
    // The answer was lost: what the platform created counts as sent, and only the rest may go
    // again. If it cannot be asked, the rest is reported as of unknown outcome.
    match reconcile(client, request, &self.remaining, started).await {
      Ok(created) => {
        self.remaining.retain(|i| !created.iter().any(|(index, _)| index == i));
        self.results.extend(created);
        if self.remaining.is_empty() {
          Attempt::Done(())
        } else {
          Attempt::Failed {
            error,
            replayable: true,
          }
        }
      }
      Err(_) => {
        let text = unknown_text(&error);
        let unknown = self.remaining.iter().map(|&i| {
          (
            i,
            Err(refusal(request, i, InviteErrorCode::OutcomeUnknown, text.clone())),
          )
        });
        self.results.extend(unknown);
        Attempt::Failed {
          error,
          replayable: false,
        }
      }
    }
  }
}

impl Batch<'_> {
  /// One attempt whose answer is read into typed results.
  async fn read_typed(&mut self, body: Bytes) -> Attempt<()> {
    let (client, request) = (self.client, self.request);
    let attempt = client
      .attempt::<CreateUserInvitesModel>(self.operation, body, Replay::Never, self.deadline, &HeaderMap::new())
      .await;
    match attempt {
      Attempt::Done(model) => match attribute_results(request, &self.remaining, model) {
        Ok(answered) => {
          let redacted = answered
            .into_iter()
            .map(|(index, result)| (index, redact_refusal(client, result)));
          self.results.extend(redacted);
          Attempt::Done(())
        }
        Err(unaccounted) => not_replayable(unaccounted),
      },
      Attempt::Failed { error, replayable } => Attempt::Failed { error, replayable },
    }
  }

  /// One attempt whose answer's created invites are written as JSON straight from its text
  /// (refusals stay typed). An answer that does not read so is decoded as the typed model,
  /// which says what is wrong with it, or reads it after all.
  async fn read_as_json(&mut self, body: Bytes) -> Attempt<()> {
    let (client, request, operation, remaining) = (self.client, self.request, self.operation, &self.remaining);
    let read = |reply: &Reply| -> Result<Answered> {
      let Some(answer) = graphql::read_in_place::<SendAnswer>(operation, reply) else {
        let model = graphql::decode::<CreateUserInvitesModel>(operation, reply)?;
        return Ok(Answered::Typed(attribute_results(request, remaining, model)?));
      };
      let mut written = SentJson::default();
      let mut refused = Vec::new();
      for (index, result) in attribute(request, remaining, answer.success, answer.errors)? {
        match result {
          Ok(invite) => invite.write_json(index, written.next()),
          Err(refusal) => refused.push((index, Err(refusal))),
        }
      }
      Ok(Answered::Written(written, refused))
    };
    let attempt = client
      .attempt_reading(body, Replay::Never, self.deadline, &HeaderMap::new(), read)
      .await;
    let results = match attempt {
      Attempt::Done(Answered::Typed(results)) => results,
      Attempt::Done(Answered::Written(written, refused)) => {
        self.sent.get_or_insert_default().append(written);
        refused
      }
      Attempt::Failed { error, replayable } => return Attempt::Failed { error, replayable },
    };
    let redacted = results
      .into_iter()
      .map(|(index, result)| (index, redact_refusal(client, result)));
    self.results.extend(redacted);
    Attempt::Done(())
  }
}

/// A batch's answer, as [`Batch::read_as_json`] read it.
enum Answered {
  /// The created invites written as JSON, and the refusals.
  Written(SentJson, Vec<(usize, EntryResult)>),
  /// Every result typed: the answer read only as the typed model.
  Typed(Vec<(usize, EntryResult)>),
}

/// An attempt whose outcome is not known: the platform may have acted on it.
fn not_replayable(error: Error) -> Attempt<()> {
  Attempt::Failed {
    error,
    replayable: false,
  }
}

/// A refusal's text from the platform, without our secrets in it.
fn redact_refusal(client: &Client, result: EntryResult) -> EntryResult {
  result.map_err(|refusal| UserInviteError {
    error: client.redact_text(&refusal.error),
    ..refusal
  })
}
