//! `sendUserInvites` at any size: checked first, split into batches, sent with bounded
//! concurrency, and reported one result per entry in the caller's order.
//!
//! Nothing is sent twice. When a batch's answer is lost (a timeout, a dropped connection, a
//! server error, an unreadable answer) the platform may have created its invites anyway, so
//! before sending again we ask which of its emails now have a pending invite created since the
//! attempt began, count those as sent, and send only the rest. The same question settles an
//! aborted send, so that `err.partial` says exactly who was invited.

use std::collections::{HashMap, VecDeque, hash_map};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use tokio_util::sync::{CancellationToken, DropGuard};

use crate::client::{CallOptions, Client, Replay};
use crate::documents::{SEND_USER_INVITES_V1, SEND_USER_INVITES_V2};
use crate::error::{Error, ErrorCode, Result};
use crate::retry::is_transient;
use crate::types::{
  CreateUserInviteError, CreateUserInvitesModel, IdFilter, InviteErrorCode, InviteOutcome, SendUserInvites,
  SendUserInvitesResult, SentInvite, StringFilter, UserInvite, UserInviteError, UserInviteFilter, UserInviteIdArgs,
  UserInviteStatus, UserInvitesArgs,
};
use roq_rules::{MAX_INVITES_PER_REQUEST, email_key, is_email};

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
}

impl Default for SendOptions {
  fn default() -> Self {
    Self {
      batch_size: 100,
      concurrency: 4,
      on_existing: OnExisting::Error,
      on_progress: None,
      on_results: None,
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

/// How far back from the start of an attempt a pending invite still counts as its doing: the
/// clocks of the client and the platform may disagree by this much.
const CLOCK_SKEW: Duration = Duration::from_secs(30);
/// How long the reconciliation after a lost answer (or an abort) may take.
const RECONCILE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long batches already sent may still finish after an abort; one stuck longer is cancelled
/// and reconciled.
const ABORT_GRACE: Duration = Duration::from_millis(500);

/// What became of one entry: an invite that stands for it, or why not.
pub type EntryResult = std::result::Result<SentInvite, UserInviteError>;

/// Takes a batch of `(index in the request, result)` pairs; see [`SendOptions::on_results`].
pub type ResultsSink = Arc<dyn Fn(Vec<(usize, EntryResult)>) + Send + Sync>;

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

/// The outcome of one batch: the results it established, and the error that stopped it.
struct BatchOutcome {
  results: Vec<(usize, EntryResult)>,
  error: Option<Error>,
}

impl Client {
  /// Creates one invite per entry and has the platform mail each invitee, with the default
  /// [`SendOptions`]. See [`Client::send_user_invites_with`].
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
    check_send(request)?;
    options.check()?;
    let call_deadline = self.call_options().timeout.map(|_| self.deadline());
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
    let (sender, _grace) = self.with_abort_grace()?;
    let stopped = AtomicBool::new(false);
    let batches = to_send.chunks(options.batch_size).map(<[usize]>::to_vec);
    let mut outcomes = stream::iter(batches)
      .take_while(|_| std::future::ready(!stopped.load(Ordering::Relaxed) && !self.is_cancelled()))
      .map(|batch| sender.send_batch(request, batch, options, call_deadline))
      .buffer_unordered(options.concurrency);
    let mut failure: Option<Error> = None;
    while let Some(outcome) = outcomes.next().await {
      progress.record(outcome.results.iter().map(|(_, r)| r));
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
      None if self.is_cancelled() => {
        Err(stopped_error(Error::new(ErrorCode::Aborted, "the call was aborted"), &progress).with_partial(result))
      }
      None => Ok(result),
    }
  }

  /// This client with a cancellation that follows the caller's after [`ABORT_GRACE`], and a
  /// guard that ends the follower when dropped.
  fn with_abort_grace(&self) -> Result<(Client, Option<DropGuard>)> {
    let Some(caller) = self.call_options().cancel.clone() else {
      return Ok((self.clone(), None));
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
      ..self.call_options().clone()
    };
    Ok((self.with_call_options(options)?, Some(done.drop_guard())))
  }

  fn is_cancelled(&self) -> bool {
    self
      .call_options()
      .cancel
      .as_ref()
      .is_some_and(|token| token.is_cancelled())
  }

  /// Sends one batch, reconciling after a lost answer and retrying what was not created.
  async fn send_batch(
    &self,
    request: &SendUserInvites,
    mut remaining: Vec<usize>,
    options: &SendOptions,
    call_deadline: Option<Instant>,
  ) -> BatchOutcome {
    let deadline = call_deadline.unwrap_or_else(|| self.deadline());
    let policy = self.config().retry_policy();
    let max_retries = self.call_options().max_retries.unwrap_or(policy.max_retries);
    let mut results = Vec::new();
    let mut retries = 0;
    loop {
      let started = SystemTime::now();
      let batch = request.batch(&remaining);
      let operation = if matches!(request, SendUserInvites::V1(_)) {
        &SEND_USER_INVITES_V1
      } else {
        &SEND_USER_INVITES_V2
      };
      let answer = self
        .execute_until::<_, CreateUserInvitesModel>(operation, &batch, Replay::Never, deadline)
        .await
        .and_then(|model| attribute_results(request, &remaining, model));
      let error = match answer {
        Ok(batch_results) => {
          results.extend(batch_results.into_iter().map(|(index, result)| {
            (
              index,
              result.map_err(|refusal| UserInviteError {
                error: self.redact_text(&refusal.error),
                ..refusal
              }),
            )
          }));
          break;
        }
        Err(error) if !error.outcome_unknown() => {
          return BatchOutcome {
            results,
            error: Some(error),
          };
        }
        Err(error) => error,
      };
      match self.reconcile(request, &remaining, started).await {
        Ok(created) => {
          remaining.retain(|i| !created.iter().any(|(index, _)| index == i));
          results.extend(created);
        }
        Err(_) => {
          results.extend(remaining.iter().map(|&i| {
            (
              i,
              Err(refusal(
                request,
                i,
                InviteErrorCode::OutcomeUnknown,
                unknown_text(&error),
              )),
            )
          }));
          return BatchOutcome {
            results,
            error: Some(error),
          };
        }
      }
      if remaining.is_empty() {
        break;
      }
      let wait = policy.backoff(retries, &error);
      let retry = error.code() != ErrorCode::Aborted
        && retries < max_retries
        && is_transient(&error)
        && Instant::now() + wait < deadline
        && self.spend_retry(&error);
      if !retry {
        return BatchOutcome {
          results,
          error: Some(error),
        };
      }
      if let Err(error) = self
        .guard(deadline, async {
          tokio::time::sleep(wait).await;
          Ok(())
        })
        .await
      {
        return BatchOutcome {
          results,
          error: Some(error),
        };
      }
      retries += 1;
    }
    if options.on_existing != OnExisting::Error {
      self.apply_on_existing(request, &mut results, options.on_existing).await;
    }
    BatchOutcome { results, error: None }
  }

  /// The entries among `indices` that now have a pending invite created since `started`
  /// (less the clock skew we allow): the ones a lost attempt did create.
  async fn reconcile(
    &self,
    request: &SendUserInvites,
    indices: &[usize],
    started: SystemTime,
  ) -> Result<Vec<(usize, EntryResult)>> {
    let since = started - CLOCK_SKEW;
    let pending = self.pending_invites(request, indices).await?;
    Ok(
      pending
        .into_iter()
        .filter(|(_, invite)| created_at(invite).is_some_and(|at| at >= since))
        .map(|(index, invite)| {
          (
            index,
            Ok(SentInvite {
              invite,
              index,
              outcome: InviteOutcome::Created,
            }),
          )
        })
        .collect(),
    )
  }

  /// The pending invite of each entry among `indices` that has one, asked for by tenant. This
  /// runs even after an abort (the caller must learn what was done), with its own short deadline.
  async fn pending_invites(&self, request: &SendUserInvites, indices: &[usize]) -> Result<Vec<(usize, UserInvite)>> {
    let checker = self.with_call_options(CallOptions {
      timeout: Some(RECONCILE_TIMEOUT),
      max_retries: Some(1),
      cancel: None,
    })?;
    let mut groups: HashMap<Option<&str>, Vec<usize>> = HashMap::new();
    for &i in indices {
      groups.entry(request.entry(i).tenant_id).or_default().push(i);
    }
    let mut found = Vec::new();
    for (tenant, group) in groups {
      let values = |f: fn(crate::types::EntryView<'_>) -> &str| {
        Some(group.iter().map(|&i| f(request.entry(i)).trim().to_owned()).collect())
      };
      let filter = UserInviteFilter {
        email: Some(StringFilter {
          value_in: values(|e| e.email),
          ..StringFilter::default()
        }),
        created_by_user_id: Some(IdFilter {
          value_in: values(|e| e.created_by_user_id),
          ..IdFilter::default()
        }),
        tenant_id: tenant.map(|t| IdFilter {
          equal_to: Some(t.to_owned()),
          ..IdFilter::default()
        }),
        status: Some(StringFilter {
          equal_to: Some(UserInviteStatus::Pending),
          ..StringFilter::default()
        }),
        ..UserInviteFilter::default()
      };
      let args = UserInvitesArgs {
        filter: Some(filter),
        limit: Some(group.len() as u32),
        ..UserInvitesArgs::default()
      };
      let page = checker.user_invites(&args).await?;
      // At most one pending invite per email and tenant: match each to the first entry with its email.
      let mut by_email: HashMap<String, VecDeque<usize>> = HashMap::new();
      for &i in &group {
        by_email
          .entry(email_key(request.entry(i).email))
          .or_default()
          .push_back(i);
      }
      for invite in page.data {
        if let Some(index) = by_email
          .get_mut(&email_key(&invite.email))
          .and_then(VecDeque::pop_front)
        {
          found.push((index, invite));
        }
      }
    }
    Ok(found)
  }

  /// `onExisting: 'skip' | 'resend'`: turns `ALREADY_INVITED` refusals into the pending invite,
  /// left alone or mailed again. A refusal stays if the pending invite cannot be found or resent.
  async fn apply_on_existing(
    &self,
    request: &SendUserInvites,
    results: &mut [(usize, EntryResult)],
    policy: OnExisting,
  ) {
    let existing: Vec<usize> = results
      .iter()
      .filter(|(_, r)| matches!(r, Err(e) if e.code == InviteErrorCode::AlreadyInvited))
      .map(|(i, _)| *i)
      .collect();
    if existing.is_empty() {
      return;
    }
    let Ok(pending) = self.pending_invites(request, &existing).await else {
      return;
    };
    for (index, invite) in pending {
      let outcome = match policy {
        OnExisting::Skip => Ok(SentInvite {
          invite,
          index,
          outcome: InviteOutcome::Skipped,
        }),
        _ => match self
          .resend_user_invite(&UserInviteIdArgs {
            user_invite_id: invite.id.clone(),
          })
          .await
        {
          Ok(resent) => Ok(SentInvite {
            invite: resent,
            index,
            outcome: InviteOutcome::Resent,
          }),
          Err(_) => continue,
        },
      };
      if let Some(slot) = results.iter_mut().find(|(i, _)| *i == index) {
        slot.1 = outcome;
      }
    }
  }
}

/// Refuses, without sending them, entries that are not email addresses and entries whose address
/// is already earlier in the list; returns the indices to send and the refusals.
fn precheck(request: &SendUserInvites) -> (Vec<usize>, Vec<(usize, EntryResult)>) {
  let mut first_seen: HashMap<(Option<&str>, &str, String), usize> = HashMap::with_capacity(request.len());
  let mut to_send = Vec::with_capacity(request.len());
  let mut refused = Vec::new();
  for index in 0..request.len() {
    let entry = request.entry(index);
    if !is_email(entry.email) {
      let text = format!(
        "{}.userInvites[{index}].email: {:?} is not an email address; correct it or leave the entry out",
        request.root(),
        entry.email
      );
      refused.push((index, Err(refusal(request, index, InviteErrorCode::InvalidEmail, text))));
      continue;
    }
    // Without a tenant, the platform uses the inviter's: the inviter stands in for it.
    let scope = if entry.tenant_id.is_some() {
      ""
    } else {
      entry.created_by_user_id
    };
    match first_seen.entry((entry.tenant_id, scope, email_key(entry.email))) {
      hash_map::Entry::Occupied(first) => {
        let text = format!(
          "{} is already at index {} of this call, and is sent once",
          entry.email.trim(),
          first.get()
        );
        refused.push((
          index,
          Err(refusal(request, index, InviteErrorCode::DuplicateInRequest, text)),
        ));
      }
      hash_map::Entry::Vacant(slot) => {
        slot.insert(index);
        to_send.push(index);
      }
    }
  }
  (to_send, refused)
}

/// Hands `batch` to `on_results` if the caller takes results as they come, or keeps it.
fn hand_over(options: &SendOptions, batch: Vec<(usize, EntryResult)>, kept: &mut Vec<(usize, EntryResult)>) {
  match &options.on_results {
    Some(take) if !batch.is_empty() => take(batch),
    Some(_) => {}
    None => kept.extend(batch),
  }
}

fn refusal(request: &SendUserInvites, index: usize, code: InviteErrorCode, error: String) -> UserInviteError {
  let entry = request.entry(index);
  UserInviteError {
    index,
    code,
    email: entry.email.to_owned(),
    error,
    first_name: entry.first_name.unwrap_or_default().to_owned(),
    last_name: entry.last_name.unwrap_or_default().to_owned(),
  }
}

fn unknown_text(error: &Error) -> String {
  format!(
    "this entry was on its way when the send stopped ({}), and whether it was created could not be checked; look it up with userInvites before sending it again",
    error.message()
  )
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

/// Gives every entry at `indices` its outcome. The platform answers with two lists keyed by
/// email and no positions, so entries are matched by email (ignoring case and surrounding
/// space), in order: of two entries with the same email, the first takes the first outcome.
fn attribute_results(
  request: &SendUserInvites,
  indices: &[usize],
  model: CreateUserInvitesModel,
) -> Result<Vec<(usize, EntryResult)>> {
  let mut created: HashMap<String, VecDeque<UserInvite>> = HashMap::new();
  for invite in model.success.unwrap_or_default() {
    created.entry(email_key(&invite.email)).or_default().push_back(invite);
  }
  let mut refused: HashMap<String, VecDeque<CreateUserInviteError>> = HashMap::new();
  for error in model.errors.unwrap_or_default() {
    refused.entry(email_key(&error.email)).or_default().push_back(error);
  }
  let mut results = Vec::with_capacity(indices.len());
  for &index in indices {
    let email = request.entry(index).email;
    let key = email_key(email);
    if let Some(invite) = created.get_mut(&key).and_then(VecDeque::pop_front) {
      results.push((
        index,
        Ok(SentInvite {
          invite,
          index,
          outcome: InviteOutcome::Created,
        }),
      ));
    } else if let Some(error) = refused.get_mut(&key).and_then(VecDeque::pop_front) {
      let code = InviteErrorCode::from_platform_text(&error.error, &error.email);
      let refusal = UserInviteError {
        index,
        code,
        email: error.email,
        error: error.error,
        first_name: error.first_name,
        last_name: error.last_name,
      };
      results.push((index, Err(refusal)));
    } else {
      return Err(
        Error::protocol(format!(
          "sendUserInvites: the platform's answer says nothing about invite {index} ({email:?})"
        ))
        .with_outcome_unknown(),
      );
    }
  }
  let unclaimed =
    created.values().map(VecDeque::len).sum::<usize>() + refused.values().map(VecDeque::len).sum::<usize>();
  if unclaimed > 0 {
    return Err(
      Error::protocol("sendUserInvites: the platform answered with more outcomes than invites were sent")
        .with_outcome_unknown(),
    );
  }
  Ok(results)
}

fn created_at(invite: &UserInvite) -> Option<SystemTime> {
  let at = chrono::DateTime::parse_from_rfc3339(&invite.created_at).ok()?;
  let since_epoch = Duration::try_from_secs_f64(at.timestamp_millis() as f64 / 1000.0).ok()?;
  Some(SystemTime::UNIX_EPOCH + since_epoch)
}

/// The results in the caller's order.
fn collect(mut results: Vec<(usize, EntryResult)>) -> SendUserInvitesResult {
  results.sort_unstable_by_key(|(index, _)| *index);
  results.into_iter().map(|(_, result)| result).collect()
}

/// Entries' results, sent ones in `success` and refused ones in `errors`, in the order given.
impl FromIterator<EntryResult> for SendUserInvitesResult {
  fn from_iter<I: IntoIterator<Item = EntryResult>>(results: I) -> Self {
    let mut collected = Self::default();
    for result in results {
      match result {
        Ok(sent) => collected.success.push(sent),
        Err(refusal) => collected.errors.push(refusal),
      }
    }
    collected
  }
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
  use crate::input::from_json;

  fn request(emails: &[&str]) -> SendUserInvites {
    let entries: Vec<_> = emails
      .iter()
      .map(|e| serde_json::json!({ "createdByUserId": "u", "email": e }))
      .collect();
    from_json(
      &serde_json::json!({ "data": { "tenantId": "t", "userInvites": entries } }).to_string(),
      "args",
    )
    .unwrap()
  }

  fn invite(email: &str) -> UserInvite {
    serde_json::from_value(serde_json::json!({
      "id": format!("id-{email}"), "email": email, "firstName": null, "lastName": null, "locale": null, "data": null,
      "status": "pending", "statusUpdatedAt": null, "createdByUserId": "u", "acceptedByUserId": null, "tenantId": "t",
      "roleKeys": null, "userTokenId": "tok", "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": null
    }))
    .unwrap()
  }

  fn refused(email: &str, error: &str) -> CreateUserInviteError {
    CreateUserInviteError {
      email: email.into(),
      error: error.into(),
      first_name: String::new(),
      last_name: String::new(),
    }
  }

  #[test]
  fn prechecks_report_bad_and_repeated_addresses_with_their_index() {
    let request = request(&["a@x.io", "bob@", "A@X.io ", "b@x.io"]);
    let (to_send, refused) = precheck(&request);
    assert_eq!(to_send, [0, 3]);
    let codes: Vec<_> = refused
      .iter()
      .map(|(i, r)| (*i, r.as_ref().unwrap_err().code))
      .collect();
    assert_eq!(
      codes,
      [
        (1, InviteErrorCode::InvalidEmail),
        (2, InviteErrorCode::DuplicateInRequest)
      ]
    );
    assert_eq!(
      refused[0].1.as_ref().unwrap_err().error,
      "data.userInvites[1].email: \"bob@\" is not an email address; correct it or leave the entry out"
    );
    assert_eq!(
      refused[1].1.as_ref().unwrap_err().error,
      "A@X.io is already at index 0 of this call, and is sent once"
    );
  }

  #[test]
  fn gives_each_outcome_the_index_of_its_entry() {
    let request = request(&["a@x.io", "p@x.io", "c@x.io"]);
    let model = CreateUserInvitesModel {
      success: Some(vec![invite("C@x.io"), invite("a@x.io")]),
      errors: Some(vec![refused(
        "p@x.io",
        "An invite to p@x.io is already pending in this tenant",
      )]),
    };
    let results = attribute_results(&request, &[0, 1, 2], model).unwrap();
    let summary: Vec<_> = results
      .iter()
      .map(|(i, r)| (*i, r.as_ref().map(|s| s.index).map_err(|e| e.code)))
      .collect();
    assert_eq!(
      summary,
      [(0, Ok(0)), (1, Err(InviteErrorCode::AlreadyInvited)), (2, Ok(2))]
    );
  }

  #[test]
  fn an_answer_that_does_not_account_for_every_entry_is_an_unknown_outcome() {
    let request = request(&["a@x.io", "b@x.io"]);
    let missing = CreateUserInvitesModel {
      success: Some(vec![invite("a@x.io")]),
      errors: None,
    };
    let error = attribute_results(&request, &[0, 1], missing).unwrap_err();
    assert!(error.outcome_unknown() && error.code() == ErrorCode::ProtocolError);
    let extra = CreateUserInvitesModel {
      success: Some(vec![invite("a@x.io"), invite("z@x.io")]),
      errors: None,
    };
    assert!(attribute_results(&request, &[0], extra).is_err());
  }

  #[test]
  fn classifies_refusals_without_reading_the_address() {
    let code = |text: &str, email: &str| InviteErrorCode::from_platform_text(text, email);
    assert_eq!(
      code("\"already@\" is not a valid email address", "already@"),
      InviteErrorCode::InvalidEmail
    );
    assert_eq!(
      code("dup@x.io appears more than once in this request", "dup@x.io"),
      InviteErrorCode::DuplicateInRequest
    );
    assert_eq!(
      code("An invite to a@x.io is already pending in this tenant", "a@x.io"),
      InviteErrorCode::AlreadyInvited
    );
    assert_eq!(
      code("roles must be at most 50 non-empty role keys", "a@x.io"),
      InviteErrorCode::Rejected
    );
  }

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
