//! `NativeClient`: the client behind `RoqClient` and its `roqPlatform`, and `AbortHandle`, which
//! the JavaScript side cancels when a call's `AbortSignal` fires.

use std::sync::Arc;
use std::time::Duration;

use napi::Env;
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use roq_invites::input::from_json;
use roq_invites::{
  AcceptUserInvite, CallOptions, Client, ClientOptions, Config, GraphqlRequest, IdArgs, OnExisting, ResultsSink,
  SendOptions, SendUserInvites, SendUserInvitesResult, TokenArgs, UpdateUserInviteArgs, UserInviteIdArgs,
  UserInvitesArgs,
};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::error::{spawn_json, to_js, to_json};
use crate::memory;

#[napi]
pub struct NativeClient {
  client: Client,
}

/// Cancels the call it is passed to; `index.js` calls `abort()` when the caller's
/// `AbortSignal` fires.
#[napi]
#[derive(Default)]
pub struct AbortHandle {
  token: CancellationToken,
}

#[napi]
impl AbortHandle {
  #[napi(constructor)]
  pub fn new() -> Self {
    Self::default()
  }

  #[napi]
  pub fn abort(&self) {
    self.token.cancel();
  }
}

/// Called, in order, with the JSON of what a send reports as it goes: `{"results":{success,
/// errors}}` for each batch, `{"progress":{completed,total,succeeded,failed}}` after it when
/// asked for, and `{"done":true}` last, however the send ends. Results cross a batch at a time
/// rather than all at the end: memory stays at about one batch, and no single `JSON.parse` holds
/// the event loop. Not weak: Node stays up until `done` has been delivered.
pub type SendEvents = ThreadsafeFunction<String, Unknown<'static>, String, Status, false>;

/// Sends `{"done":true}` when dropped: after the send, or if its future is dropped or unwinds.
struct DoneOnDrop(Arc<SendEvents>);

impl Drop for DoneOnDrop {
  fn drop(&mut self) {
    self
      .0
      .call(r#"{"done":true}"#.into(), ThreadsafeFunctionCallMode::NonBlocking);
  }
}

/// From this many entries on, a send gives its memory back to the system when it ends.
const LARGE_SEND: usize = 1_000;

/// Sends `{"<key>":<value as JSON>}` to `events`.
fn emit(events: &SendEvents, key: &str, value: &impl Serialize) {
  if let Ok(json) = serde_json::to_string(value) {
    events.call(
      format!(r#"{{"{key}":{json}}}"#),
      ThreadsafeFunctionCallMode::NonBlocking,
    );
  }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AsUserArgs {
  user_id: String,
  #[serde(default)]
  expires_in: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BaasArgs {
  session_jwt: String,
}

/// The options every operation takes (the `signal` is passed as an `AbortHandle`).
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OperationOptions {
  #[serde(default)]
  timeout_ms: Option<u64>,
  #[serde(default)]
  max_retries: Option<u32>,
}

/// The options of `sendUserInvites` (`onProgress` is passed as a callback).
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

fn call_options(timeout_ms: Option<u64>, max_retries: Option<u32>, abort: Option<&AbortHandle>) -> CallOptions {
  CallOptions {
    timeout: timeout_ms.map(Duration::from_millis),
    max_retries,
    cancel: abort.map(|handle| handle.token.clone()),
  }
}

#[napi]
impl NativeClient {
  /// `options`: JSON of `{ host, environmentId, apiKey, timeoutMs?, maxRetries? }`.
  #[napi(constructor)]
  pub fn new(env: Env, options: String) -> Result<Self> {
    let client = from_json::<ClientOptions>(&options, "options")
      .and_then(Config::from_options)
      .and_then(Client::new);
    client.map(|client| Self { client }).map_err(|e| to_js(&env, &e))
  }

  #[napi]
  pub fn as_super_admin(&self) -> Self {
    Self {
      client: self.client.as_super_admin(),
    }
  }

  /// `args`: JSON of `{ userId, expiresIn? }`.
  #[napi]
  pub fn as_user(&self, env: Env, args: String) -> Result<Self> {
    let client = from_json::<AsUserArgs>(&args, "asUser arguments")
      .and_then(|args| self.client.as_user(&args.user_id, args.expires_in));
    client.map(|client| Self { client }).map_err(|e| to_js(&env, &e))
  }

  /// `args`: JSON of `{ sessionJwt }`.
  #[napi]
  pub fn with_baas_token(&self, env: Env, args: String) -> Result<Self> {
    let client = from_json::<BaasArgs>(&args, "withBaasToken argument")
      .and_then(|args| self.client.with_baas_token(&args.session_jwt));
    client.map(|client| Self { client }).map_err(|e| to_js(&env, &e))
  }

  /// `args`: JSON of `{ userInvites: {...} }` (V1) or `{ data: {...} }` (V2); `options`: JSON of
  /// `{ timeoutMs?, maxRetries?, batchSize?, concurrency?, onExisting? }`. Results go to `events`
  /// (see [`SendEvents`]), with progress too if `with_progress`; the promise resolves to `"null"`,
  /// or rejects.
  #[napi]
  pub fn send_user_invites<'env>(
    &self,
    env: &'env Env,
    args: String,
    options: String,
    abort: Option<&AbortHandle>,
    // Spelled out rather than `SendEvents`, so that binding.d.ts shows the callback's type.
    events: ThreadsafeFunction<String, Unknown<'static>, String, Status, false>,
    with_progress: bool,
  ) -> Result<PromiseRaw<'env, String>> {
    let client = self.client.clone();
    let cancel = call_options(None, None, abort).cancel;
    let events = Arc::new(events);
    let done = DoneOnDrop(Arc::clone(&events));
    spawn_json(env, async move {
      let _done = done;
      let request: SendUserInvites = from_json(&args, "sendUserInvites argument")?;
      let options: SendInvitesOptions = from_json(&options, "sendUserInvites options")?;
      let client = client.with_call_options(CallOptions {
        cancel,
        ..call_options(options.timeout_ms, options.max_retries, None)
      })?;
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
      let send = SendOptions {
        batch_size: options.batch_size.unwrap_or(defaults.batch_size),
        concurrency: options.concurrency.unwrap_or(defaults.concurrency),
        on_existing: options.on_existing.unwrap_or(defaults.on_existing),
        on_progress,
        on_results: Some(on_results),
      };
      let outcome = client.send_user_invites_with(&request, &send).await;
      if request.len() >= LARGE_SEND {
        drop((request, send));
        memory::give_back();
      }
      outcome?;
      Ok("null".into())
    })
  }

  /// Runs the operation named `operation` (`resendUserInvite`, `cancelUserInvite`,
  /// `userInvite`, `userInvites`, `acceptUserInvite`, `checkUserInviteToken`,
  /// `updateUserInvite` or `graphqlRequest`) with `args`, the JSON of its argument, and `options`, the JSON of
  /// `{ timeoutMs?, maxRetries? }`; resolves to the JSON of its result.
  #[napi]
  pub fn call<'env>(
    &self,
    env: &'env Env,
    operation: String,
    args: String,
    options: String,
    abort: Option<&AbortHandle>,
  ) -> Result<PromiseRaw<'env, String>> {
    let client = self.client.clone();
    let cancel = call_options(None, None, abort).cancel;
    spawn_json(env, async move {
      let options: OperationOptions = from_json(&options, &format!("{operation} options"))?;
      let client = client.with_call_options(CallOptions {
        cancel,
        ..call_options(options.timeout_ms, options.max_retries, None)
      })?;
      let what = format!("{operation} argument");
      match operation.as_str() {
        "resendUserInvite" => to_json(
          client
            .resend_user_invite(&from_json::<UserInviteIdArgs>(&args, &what)?)
            .await?,
        ),
        "cancelUserInvite" => to_json(
          client
            .cancel_user_invite(&from_json::<UserInviteIdArgs>(&args, &what)?)
            .await?,
        ),
        "userInvite" => to_json(client.user_invite(&from_json::<IdArgs>(&args, &what)?).await?),
        "userInvites" => to_json(
          client
            .user_invites(&from_json::<UserInvitesArgs>(&args, &what)?)
            .await?,
        ),
        "acceptUserInvite" => to_json(
          client
            .accept_user_invite(&from_json::<AcceptUserInvite>(&args, &what)?)
            .await?,
        ),
        "checkUserInviteToken" => to_json(
          client
            .check_user_invite_token(&from_json::<TokenArgs>(&args, &what)?)
            .await?,
        ),
        "updateUserInvite" => to_json(
          client
            .update_user_invite(&from_json::<UpdateUserInviteArgs>(&args, &what)?)
            .await?,
        ),
        "graphqlRequest" => to_json(
          client
            .graphql_request(&from_json::<GraphqlRequest>(&args, &what)?)
            .await?,
        ),
        other => Err(roq_invites::Error::invalid_argument(format!(
          "{other:?} is not an operation of roqPlatform"
        ))),
      }
    })
  }
}
