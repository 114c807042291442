//! Reliability against a misbehaving platform: the emulator's fault switch makes requests slow,
//! fail, or break before or after they are carried out. Every case is checked against the
//! emulator's store: nothing is sent twice, nothing is lost, and what the client reports is what
//! the platform did.

mod common;

use common::{config, emulator};

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use roq_emulator::{Emulator, Fault, FaultAnswer, FaultTarget, OutboxFilter};
use roq_invites::{
  CallOptions, Client, Config, ErrorCode, InviteErrorCode, InviteOutcome, OnExisting, RetryPolicy, SendOptions,
  SendUserInvites, SendUserInvitesResult, UserInviteCreateV2, UserInvitesCreateV2,
};
use tokio_util::sync::CancellationToken;

/// A client with quick backoff, so that retries do not slow the tests down.
fn client(emulator: &Emulator) -> Client {
  let policy = RetryPolicy {
    max_retries: 2,
    base: Duration::from_millis(5),
    cap: Duration::from_millis(20),
  };
  Client::new(config(emulator).with_retry_policy(policy).unwrap()).unwrap()
}

/// A delay no call waits out: a test that holds a request back this long passes only if the
/// client stops waiting on its own.
const HELD_BACK_MS: u64 = 600_000;

fn fault(answer: FaultAnswer) -> Fault {
  Fault {
    on: FaultTarget::Graphql,
    answer,
    times: 1,
    delay_ms: 0,
    status: None,
    retry_after: None,
    commit: false,
  }
}

fn status(code: u16, times: u32) -> Fault {
  Fault {
    status: Some(code),
    times,
    ..fault(FaultAnswer::Status)
  }
}

fn invites(count: usize, prefix: &str) -> SendUserInvites {
  SendUserInvites::V2(UserInvitesCreateV2 {
    tenant_id: "acme".into(),
    user_invites: (0..count)
      .map(|i| UserInviteCreateV2 {
        created_by_user_id: "alice".into(),
        email: format!("{prefix}{i}@example.com"),
        first_name: None,
        last_name: None,
        locale: None,
        roles: None,
        injectable_variables: None,
      })
      .collect(),
  })
}

fn mails(emulator: &Emulator) -> usize {
  emulator.outbox(&OutboxFilter::default()).unwrap().len()
}

fn created(result: &SendUserInvitesResult) -> Vec<usize> {
  result
    .success
    .iter()
    .filter(|s| s.outcome == InviteOutcome::Created)
    .map(|s| s.index)
    .collect()
}

#[tokio::test]
async fn transient_statuses_are_retried_until_the_send_succeeds() {
  for code in [408, 429, 502, 503, 504] {
    let emulator = emulator().await;
    emulator.set_faults(vec![status(code, 2)]);
    let result = client(&emulator)
      .roq_platform()
      .send_user_invites(&invites(3, "a"))
      .await
      .unwrap_or_else(|e| panic!("{code}: {e}"));
    assert_eq!(created(&result), [0, 1, 2], "{code}");
    assert_eq!((emulator.stats().faults, mails(&emulator)), (2, 3), "{code}");
  }
}

#[tokio::test]
async fn retry_after_is_honoured() {
  let emulator = emulator().await;
  emulator.set_faults(vec![Fault {
    retry_after: Some("1".into()),
    ..status(429, 1)
  }]);
  let started = Instant::now();
  client(&emulator)
    .roq_platform()
    .send_user_invites(&invites(1, "a"))
    .await
    .unwrap();
  // The policy's own backoff is at most 20 ms: only Retry-After makes it wait a second.
  assert!(started.elapsed() >= Duration::from_secs(1), "{:?}", started.elapsed());
}

#[tokio::test]
async fn refusals_are_not_retried() {
  for (code, expected) in [
    (400, ErrorCode::InvalidArgument),
    (403, ErrorCode::Forbidden),
    (404, ErrorCode::NotFound),
    (500, ErrorCode::ServerError),
  ] {
    let emulator = emulator().await;
    emulator.set_faults(vec![status(code, 1)]);
    let client = client(&emulator);
    let error = client
      .roq_platform()
      .send_user_invites(&invites(2, "a"))
      .await
      .unwrap_err();
    // Had it been retried, the second attempt (past the one fault) would have succeeded.
    assert_eq!((error.code(), error.status_code()), (expected, Some(code)), "{error}");
    assert_eq!(mails(&emulator), 0);
    assert_eq!(error.partial().map(|p| p.success.len()), Some(0));
  }
}

#[tokio::test]
async fn a_401_is_retried_once_with_a_new_token_and_then_reported() {
  let emulator = emulator().await;
  let client = client(&emulator);
  emulator.set_faults(vec![status(401, 1)]);
  client.roq_platform().send_user_invites(&invites(1, "a")).await.unwrap();
  emulator.set_faults(vec![status(401, 2)]);
  let error = client
    .roq_platform()
    .send_user_invites(&invites(1, "b"))
    .await
    .unwrap_err();
  assert_eq!(error.code(), ErrorCode::Unauthorized);
  assert_eq!(
    emulator.stats().service_account_tokens,
    3,
    "one token, and one new one after each first 401"
  );
}

#[tokio::test]
async fn a_connection_dropped_after_the_commit_is_reconciled_not_sent_again() {
  let emulator = emulator().await;
  emulator.set_faults(vec![Fault {
    commit: true,
    ..fault(FaultAnswer::Drop)
  }]);
  let result = client(&emulator)
    .roq_platform()
    .send_user_invites(&invites(5, "a"))
    .await
    .unwrap();
  assert_eq!(created(&result), [0, 1, 2, 3, 4]);
  assert_eq!(mails(&emulator), 5, "no invite was sent twice");
  // The send, then the reconciliation query; no second send.
  assert_eq!(emulator.stats().graphql, 2);
}

#[tokio::test]
async fn a_connection_dropped_before_the_commit_is_sent_again() {
  let emulator = emulator().await;
  emulator.set_faults(vec![fault(FaultAnswer::Drop)]);
  let result = client(&emulator)
    .roq_platform()
    .send_user_invites(&invites(5, "a"))
    .await
    .unwrap();
  assert_eq!(created(&result), [0, 1, 2, 3, 4]);
  assert_eq!(mails(&emulator), 5);
}

#[tokio::test]
async fn unreadable_answers_after_the_commit_lose_nothing() {
  for answer in [FaultAnswer::Truncated, FaultAnswer::NonJson, FaultAnswer::DataNull] {
    let emulator = emulator().await;
    emulator.set_faults(vec![Fault {
      commit: true,
      ..fault(answer)
    }]);
    let result = client(&emulator)
      .roq_platform()
      .send_user_invites(&invites(3, "a"))
      .await
      .unwrap();
    assert_eq!(created(&result), [0, 1, 2], "{answer:?}");
    assert_eq!(mails(&emulator), 3, "{answer:?}");
  }
}

#[tokio::test]
async fn unreadable_answers_before_the_commit_are_protocol_errors_and_nothing_was_sent() {
  for answer in [FaultAnswer::Truncated, FaultAnswer::NonJson, FaultAnswer::DataNull] {
    let emulator = emulator().await;
    emulator.set_faults(vec![fault(answer)]);
    let error = client(&emulator)
      .roq_platform()
      .send_user_invites(&invites(3, "a"))
      .await
      .unwrap_err();
    assert_eq!(error.code(), ErrorCode::ProtocolError, "{answer:?}: {error}");
    assert_eq!(error.partial().map(|p| (p.success.len(), p.errors.len())), Some((0, 0)));
    assert_eq!(mails(&emulator), 0, "{answer:?}");
  }
}

#[tokio::test]
async fn a_platform_slower_than_the_deadline_times_out_and_reports_exactly_what_was_done() {
  let emulator = emulator().await;
  // Held back for ten minutes: the call can only end (and this test only pass) by its own
  // deadline, whatever the load on the machine. No clock is read.
  emulator.set_faults(vec![Fault {
    delay_ms: HELD_BACK_MS,
    ..fault(FaultAnswer::Normal)
  }]);
  let client = client(&emulator)
    .with_call_options(CallOptions {
      timeout: Some(Duration::from_millis(400)),
      ..CallOptions::default()
    })
    .unwrap();
  let error = client
    .roq_platform()
    .send_user_invites(&invites(3, "a"))
    .await
    .unwrap_err();
  assert_eq!(error.code(), ErrorCode::Timeout, "{error}");
  let partial = error.partial().expect("a partial result").clone();
  // Stopping waits for requests in flight, so the store is final here.
  emulator.stop().await.unwrap();
  assert_eq!(
    partial.success.len(),
    mails(&emulator),
    "the partial result is what the platform did"
  );
}

#[tokio::test]
async fn the_retry_budget_stops_a_retry_storm() {
  let emulator = emulator().await;
  let policy = RetryPolicy {
    max_retries: 10,
    base: Duration::from_millis(1),
    cap: Duration::from_millis(2),
  };
  let config = Config::new(emulator.url(), emulator.environment_id(), emulator.api_key()).unwrap();
  let client = Client::new(config.with_retry_policy(policy).unwrap()).unwrap();
  emulator.set_faults(vec![status(503, 100_000)]);
  for i in 0..40 {
    let request = invites(1, &format!("call{i}-"));
    assert_eq!(
      client
        .roq_platform()
        .send_user_invites(&request)
        .await
        .unwrap_err()
        .code(),
      ErrorCode::ServerError
    );
  }
  // Without a budget: 40 calls x 11 attempts = 440. With it: 40 attempts and 100 retries
  // (500 tokens at 5 each).
  assert_eq!(emulator.stats().faults, 140);
}

#[tokio::test]
async fn a_large_send_goes_in_batches_in_order_with_progress() {
  let emulator = emulator().await;
  let seen = Arc::new(Mutex::new(Vec::new()));
  let record = Arc::clone(&seen);
  let options = SendOptions {
    batch_size: 100,
    concurrency: 4,
    on_progress: Some(Arc::new(move |p| record.lock().unwrap().push(p))),
    ..SendOptions::default()
  };
  let mut request = invites(2500, "bulk");
  if let SendUserInvites::V2(v2) = &mut request {
    v2.user_invites[2100].email = "BULK7@example.com".into();
    v2.user_invites[2200].email = "not an email".into();
  }
  let result = client(&emulator)
    .roq_platform()
    .send_user_invites_with(&request, &options)
    .await
    .unwrap();

  let indices: Vec<usize> = result.success.iter().map(|s| s.index).collect();
  assert_eq!(
    indices,
    (0..2500).filter(|i| ![2100, 2200].contains(i)).collect::<Vec<_>>(),
    "one result per entry, in order"
  );
  let refused: Vec<_> = result.errors.iter().map(|e| (e.index, e.code)).collect();
  assert_eq!(
    refused,
    [
      (2100, InviteErrorCode::DuplicateInRequest),
      (2200, InviteErrorCode::InvalidEmail)
    ]
  );
  assert_eq!(mails(&emulator), 2498);
  assert_eq!(emulator.stats().graphql, 25, "2498 invites in batches of 100");

  let seen = seen.lock().unwrap();
  assert_eq!(seen.len(), 25);
  assert!(seen.windows(2).all(|w| w[0].completed < w[1].completed));
  let last = seen.last().unwrap();
  assert_eq!(
    (last.completed, last.total, last.succeeded, last.failed),
    (2500, 2500, 2498, 2)
  );
}

#[tokio::test]
async fn on_existing_skips_or_resends_the_pending_invite() {
  let emulator = emulator().await;
  let client = client(&emulator);
  client
    .roq_platform()
    .send_user_invites(&invites(2, "old"))
    .await
    .unwrap();
  let mut mixed = invites(2, "old");
  if let SendUserInvites::V2(v2) = &mut mixed {
    v2.user_invites[1].email = "new@example.com".into();
  }

  let error = client.roq_platform().send_user_invites(&mixed).await.unwrap();
  assert_eq!(
    error.errors.iter().map(|e| e.code).collect::<Vec<_>>(),
    [InviteErrorCode::AlreadyInvited]
  );

  for (policy, outcome, mails_to_old0) in [
    (OnExisting::Skip, InviteOutcome::Skipped, 1),
    (OnExisting::Resend, InviteOutcome::Resent, 2),
  ] {
    let options = SendOptions {
      on_existing: policy,
      ..SendOptions::default()
    };
    let result = client
      .roq_platform()
      .send_user_invites_with(&mixed, &options)
      .await
      .unwrap();
    assert!(
      result
        .errors
        .iter()
        .all(|e| e.code == InviteErrorCode::AlreadyInvited && e.index == 1),
      "{:?}",
      result.errors
    );
    assert_eq!(result.success[0].index, 0);
    assert_eq!(result.success[0].outcome, outcome);
    let to_old0 = OutboxFilter {
      to: Some("old0@example.com".into()),
      ..OutboxFilter::default()
    };
    assert_eq!(emulator.outbox(&to_old0).unwrap().len(), mails_to_old0, "{policy:?}");
  }
}

#[tokio::test]
async fn an_abort_stops_further_batches_and_reports_exactly_what_was_created() {
  let emulator = emulator().await;
  // The first batch is held back; the second completes, and its progress report aborts the call.
  emulator.set_faults(vec![Fault {
    delay_ms: HELD_BACK_MS,
    ..fault(FaultAnswer::Normal)
  }]);
  let cancel = CancellationToken::new();
  let on_progress = {
    let cancel = cancel.clone();
    Arc::new(move |_| cancel.cancel())
  };
  let options = SendOptions {
    batch_size: 100,
    concurrency: 2,
    on_progress: Some(on_progress),
    ..SendOptions::default()
  };
  let client = client(&emulator)
    .with_call_options(CallOptions {
      cancel: Some(cancel),
      ..CallOptions::default()
    })
    .unwrap();
  // The held-back batch answers after ten minutes: returning at all shows the abort did not
  // wait for it.
  let error = client
    .roq_platform()
    .send_user_invites_with(&invites(1000, "a"), &options)
    .await
    .unwrap_err();
  assert_eq!(error.code(), ErrorCode::Aborted, "{error}");
  let partial = error.partial().expect("a partial result").clone();
  emulator.stop().await.unwrap();
  assert_eq!(partial.success.len(), 100);
  assert_eq!(
    partial.success.len(),
    mails(&emulator),
    "the partial result is what the platform did"
  );
  assert!(partial.success.iter().all(|s| (100..200).contains(&s.index)));
}

#[tokio::test]
async fn a_batch_that_fails_for_good_stops_the_send_and_keeps_the_rest() {
  let emulator = emulator().await;
  emulator.set_faults(vec![fault(FaultAnswer::Normal), status(400, 1)]);
  let options = SendOptions {
    batch_size: 100,
    concurrency: 1,
    ..SendOptions::default()
  };
  let error = client(&emulator)
    .roq_platform()
    .send_user_invites_with(&invites(500, "a"), &options)
    .await
    .unwrap_err();
  assert_eq!(error.code(), ErrorCode::InvalidArgument);
  assert!(
    error.message().contains("stopped after 100 of 500 invites were sent"),
    "{error}"
  );
  assert_eq!(error.partial().map(|p| p.success.len()), Some(100));
  assert_eq!(mails(&emulator), 100, "no further batch was sent");
}

#[tokio::test]
async fn results_can_be_handed_over_as_they_come_instead_of_kept() {
  let emulator = emulator().await;
  let handed = Arc::new(Mutex::new(Vec::new()));
  let sink = Arc::clone(&handed);
  let options = SendOptions {
    batch_size: 50,
    on_results: Some(Arc::new(move |batch| sink.lock().unwrap().extend(batch))),
    ..SendOptions::default()
  };
  let mut request = invites(230, "stream");
  if let SendUserInvites::V2(v2) = &mut request {
    v2.user_invites[7].email = "not an email".into();
  }
  let kept = client(&emulator)
    .roq_platform()
    .send_user_invites_with(&request, &options)
    .await
    .unwrap();
  assert!(kept.success.is_empty() && kept.errors.is_empty(), "nothing is kept");

  let mut handed = std::mem::take(&mut *handed.lock().unwrap());
  handed.sort_by_key(|(index, _)| *index);
  assert_eq!(
    handed.iter().map(|(index, _)| *index).collect::<Vec<_>>(),
    (0..230).collect::<Vec<_>>(),
    "each entry once"
  );
  let refused: Vec<_> = handed
    .iter()
    .filter_map(|(i, r)| r.as_ref().err().map(|e| (*i, e.code)))
    .collect();
  assert_eq!(refused, [(7, InviteErrorCode::InvalidEmail)]);
  assert!(
    handed
      .iter()
      .filter_map(|(i, r)| r.as_ref().ok().map(|s| (*i, s.index)))
      .all(|(i, index)| i == index)
  );
  assert_eq!(mails(&emulator), 229);
}
