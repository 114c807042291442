//! `sendUserInvites` across the boundary: its results cross to JavaScript a batch at a time, as
//! they come, rather than all at the end. Memory stays at about one batch, and no single
//! `JSON.parse` holds the event loop however long the list (one of 100,000 results took 185-226
//! ms).

use std::sync::Arc;

use napi::Env;
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use roq_invites::input::from_json;
use roq_invites::{OnExisting, ResultsSink, SendOptions, SendUserInvites, SendUserInvitesResult, SentJson, SentSink};
use serde::{Deserialize, Serialize};

use crate::client::{AbortHandle, CallTrace, NativeClient, Observation, for_call};
use crate::memory;
use crate::outcome::{Outcome, spawn_json};

/// Called, in order, with the JSON of what a send reports as it goes: for each batch
/// `{"sent":[[...],...]}` (the invites the platform created, as arrays: see `SentJson`) and
/// `{"results":{success,errors}}` (the rest), each only when it has entries,
/// `{"progress":{completed,total,succeeded,failed}}` after it when asked for, and
/// `{"done":true}` last, however the send ends. Not weak: Node stays up until
/// `done` has been delivered.
pub type SendEvents = ThreadsafeFunction<String, Unknown<'static>, String, Status, false>;

/// Sends `{"done":true}` when dropped: after the call, or if its future is dropped or unwinds.
pub(crate) struct DoneOnDrop(pub Arc<SendEvents>);

impl Drop for DoneOnDrop {
  fn drop(&mut self) {
    self
      .0
      .call(r#"{"done":true}"#.into(), ThreadsafeFunctionCallMode::NonBlocking);
  }
}

/// From this many entries on, a send gives its memory back to the system when it ends.
const LARGE_SEND: usize = 1_000;

/// Sends `{"<key>":<value as JSON>}` to `events`, written once into one string.
fn emit(events: &SendEvents, key: &str, value: &impl Serialize) {
  let mut json = format!(r#"{{"{key}":"#).into_bytes();
  if serde_json::to_writer(&mut json, value).is_ok() {
    json.push(b'}');
    // serde_json writes UTF-8.
    if let Ok(json) = String::from_utf8(json) {
      events.call(json, ThreadsafeFunctionCallMode::NonBlocking);
    }
  }
}

/// The options of `sendUserInvites` (`signal` is passed as an `AbortHandle`, `onProgress` as
/// `withProgress`).
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SendInvitesOptions {
  #[serde(default)]
  timeout_ms: Option<u64>,
  #[serde(default)]
  max_retries: Option<u32>,
  #[serde(default)]
  batch_size: Option<usize>,
  #[serde(default)]
  concurrency: Option<usize>,
  #[serde(default)]
  on_existing: Option<OnExisting>,
}

#[napi]
impl NativeClient {
  /// `args`: JSON of `{ userInvites: {...} }` (V1) or `{ data: {...} }` (V2); `options`: JSON of
  /// `{ timeoutMs?, maxRetries?, batchSize?, concurrency?, onExisting? }`. Results go to `events`
  /// (see `SendEvents`), with progress too if `withProgress`, and the records of its attempts
  /// and waits if `observe` (see roq_invites::Observed); `trace` is the app's trace context,
  /// sent on every request. The promise resolves to `"null"`, or to the failure.
  #[napi]
  #[allow(clippy::too_many_arguments)]
  pub fn send_user_invites<'env>(
    &self,
    env: &'env Env,
    args: String,
    options: String,
    abort: Option<&AbortHandle>,
    // Spelled out rather than `SendEvents`, so that binding.d.ts shows the callback's type.
    events: ThreadsafeFunction<String, Unknown<'static>, String, Status, false>,
    with_progress: bool,
    trace: Option<CallTrace>,
    observe: bool,
  ) -> Result<PromiseRaw<'env, Outcome<String>>> {
    let client = self.client.clone();
    let cancel = abort.map(|handle| handle.token.clone());
    let events = Arc::new(events);
    let done = DoneOnDrop(Arc::clone(&events));
    let observation = Observation::new(trace, observe.then(|| Arc::clone(&events)));
    spawn_json(env, async move {
      let _done = done;
      let request: SendUserInvites = from_json(&args, "sendUserInvites argument")?;
      let options: SendInvitesOptions = from_json(&options, "sendUserInvites options")?;
      let client = for_call(&client, options.timeout_ms, options.max_retries, cancel, observation)?;
      let defaults = SendOptions::default();
      let on_progress = with_progress.then(|| {
        let events = Arc::clone(&events);
        Arc::new(move |progress: roq_invites::Progress| emit(&events, "progress", &progress))
          as Arc<dyn Fn(_) + Send + Sync>
      });
      let on_results: ResultsSink = {
        let events = Arc::clone(&events);
        Arc::new(move |batch| {
          let results: SendUserInvitesResult = batch.into_iter().map(|(_, result)| result).collect();
          emit(&events, "results", &results);
        })
      };
      let on_sent: SentSink = {
        let events = Arc::clone(&events);
        Arc::new(move |sent: SentJson| {
          let mut json = String::with_capacity(sent.json.len() + 12);
          json.push_str(r#"{"sent":["#);
          json.push_str(&sent.json);
          json.push_str("]}");
          events.call(json, ThreadsafeFunctionCallMode::NonBlocking);
        })
      };
      let send = SendOptions {
        batch_size: options.batch_size.unwrap_or(defaults.batch_size),
        concurrency: options.concurrency.unwrap_or(defaults.concurrency),
        on_existing: options.on_existing.unwrap_or(defaults.on_existing),
        on_progress,
        on_results: Some(on_results),
        on_sent: Some(on_sent),
      };
      let outcome = client.roq_platform().send_user_invites_with(&request, &send).await;
      if request.len() >= LARGE_SEND {
        drop((request, send));
        memory::give_back();
      }
      outcome.map(|_| ())
    })
  }
}
