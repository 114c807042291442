//! `NativeClient`: the client behind `RoqClient` and its `roqPlatform`, and `AbortHandle`, which
//! the JavaScript side cancels when a call's `AbortSignal` fires.
//!
//! The operations are one native method, `run`, which takes the operation's name (as
//! lib/client.js names it) and dispatches here; `sendUserInvites`, which streams its results, is
//! its own (`send.rs`). Each takes its argument and options as JSON text and parses them on the
//! runtime's threads, straight into the operation's types (serde names the path of any mistake).

use std::sync::Arc;
use std::time::Duration;

use napi::Env;
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use roq_invites::input::from_json;
use roq_invites::{
  AcceptUserInvite, CallOptions, Client, ClientOptions, Config, GraphqlRequest, IdArgs, Observed, Observer, TokenArgs,
  TraceContext, UpdateUserInviteArgs, UserInviteIdArgs, UserInvitesArgs,
};
use serde::Deserialize;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use crate::network::{self, NativeRoots};
use crate::outcome::{Outcome, outcome, spawn_json};
use crate::send::{DoneOnDrop, SendEvents};

#[napi]
pub struct NativeClient {
  pub(crate) client: Client,
}

/// Cancels the call it is passed to; `index.js` calls `abort()` when the caller's
/// `AbortSignal` fires.
#[napi]
#[derive(Default)]
pub struct AbortHandle {
  pub(crate) token: CancellationToken,
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AsUserArgs {
  user_id: String,
  #[serde(default)]
  expires_in: Option<u64>,
}

/// The options every operation takes (the `signal` is passed as an `AbortHandle`).
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct OperationOptions {
  #[serde(default)]
  pub timeout_ms: Option<u64>,
  #[serde(default)]
  pub max_retries: Option<u32>,
}

/// The trace context of a call, from the app's OpenTelemetry (lib/observe.js): sent on every
/// request of the call. Checked again here; a value that is not one is not sent.
#[napi(object)]
pub struct CallTrace {
  pub traceparent: String,
  pub tracestate: Option<String>,
}

/// What a call is observed with: the trace context to send, and where its records go (none
/// when nobody observes it).
#[derive(Default)]
pub(crate) struct Observation {
  pub trace: Option<TraceContext>,
  pub observer: Option<Observer>,
}

impl Observation {
  /// `trace` checked, and an observer that sends each record to `events` as JSON, if given.
  pub fn new(trace: Option<CallTrace>, events: Option<Arc<SendEvents>>) -> Self {
    Self {
      trace: trace.and_then(|t| TraceContext::new(&t.traceparent, t.tracestate.as_deref())),
      observer: events.map(|events| {
        Observer::new(Arc::new(move |observed: &Observed| {
          if let Ok(json) = serde_json::to_string(observed) {
            events.call(json, ThreadsafeFunctionCallMode::NonBlocking);
          }
        }))
      }),
    }
  }
}

/// The client with a call's options: its deadline, retries and cancellation, and how it is
/// observed.
pub(crate) fn for_call(
  client: &Client,
  timeout_ms: Option<u64>,
  max_retries: Option<u32>,
  cancel: Option<CancellationToken>,
  observation: Observation,
) -> roq_invites::Result<Client> {
  client.with_call_options(CallOptions {
    timeout: timeout_ms.map(Duration::from_millis),
    max_retries,
    cancel,
    trace: observation.trace,
    observer: observation.observer,
  })
}

/// One call of `NativeClient::run`: its operation's name, and what it was given.
struct Call<'a, 'env> {
  env: &'env Env,
  client: &'a Client,
  operation: String,
  args: String,
  options: String,
  abort: Option<&'a AbortHandle>,
  observation: Observation,
  /// Where the records go; `{"done":true}` is sent on it when the call is over.
  events: Option<Arc<SendEvents>>,
}

impl<'env> Call<'_, 'env> {
  /// Runs the operation: parses the argument as its `A` and the options on the runtime, runs
  /// `run` as the client with the call's options, and settles with the JSON of what it gives (or
  /// the failure). Messages name the argument by the operation's name.
  fn spawn<A, T, F, Fut>(self, run: F) -> Result<PromiseRaw<'env, Outcome<String>>>
  where
    A: DeserializeOwned,
    T: Serialize,
    F: FnOnce(Client, A) -> Fut + Send + 'static,
    Fut: Future<Output = roq_invites::Result<T>> + Send,
  {
    let Self {
      env,
      client,
      operation,
      args,
      options,
      abort,
      observation,
      events,
    } = self;
    let client = client.clone();
    let cancel = abort.map(|handle| handle.token.clone());
    let done = events.map(DoneOnDrop);
    spawn_json(env, async move {
      let _done = done;
      let options: OperationOptions = from_json(&options, &format!("{operation} options"))?;
      let client = for_call(&client, options.timeout_ms, options.max_retries, cancel, observation)?;
      let args: A = from_json(&args, &format!("{operation} argument"))?;
      run(client, args).await
    })
  }
}

#[napi]
impl NativeClient {
  /// `options`: JSON of `{ host, environmentId, apiKey, timeoutMs?, maxRetries? }`; `roots`:
  /// whom HTTPS trusts (Node's roots; none for a plain-HTTP host); `proxy`: the proxy Node would use.
  #[napi]
  pub fn create(options: String, roots: Option<&NativeRoots>, proxy: Option<String>) -> Outcome<NativeClient> {
    let client = from_json::<ClientOptions>(&options, "options")
      .and_then(Config::from_options)
      .and_then(|config| network::apply(config, roots, proxy))
      .and_then(Client::new);
    outcome(client.map(|client| Self { client }))
  }

  #[napi]
  pub fn as_super_admin(&self) -> NativeClient {
    Self {
      client: self.client.as_super_admin(),
    }
  }

  /// `args`: JSON of `{ userId, expiresIn? }`.
  #[napi]
  pub fn as_user(&self, args: String) -> Outcome<NativeClient> {
    let client = from_json::<AsUserArgs>(&args, "asUser arguments")
      .and_then(|args| self.client.as_user(&args.user_id, args.expires_in));
    outcome(client.map(|client| Self { client }))
  }

  /// `sessionJwt`: the `roq-session-token` cookie's value.
  #[napi]
  pub fn with_baas_token(&self, session_jwt: String) -> Outcome<NativeClient> {
    outcome(self.client.with_baas_token(&session_jwt).map(|client| Self { client }))
  }

  /// Runs the operation `operation` (`userInvite`, `resendUserInvite`, …, `graphqlRequest`: the
  /// method's name on `roqPlatform`): `args` is JSON of its argument, `options` JSON of
  /// `{ timeoutMs?, maxRetries? }`. Resolves to the JSON of its result, or to the failure. A name
  /// that is no operation throws: only lib/client.js calls it, with its own method's name.
  /// `trace`: the app's trace context, sent on every request; `events`, only when the call is
  /// observed: called with each record (`{"attempt":…}`, `{"wait":…}`, `{"tokenRefresh":…}`:
  /// see roq_invites::Observed) as it happens, then `{"done":true}`.
  #[napi]
  #[allow(clippy::too_many_arguments)]
  pub fn run<'env>(
    &self,
    env: &'env Env,
    operation: String,
    args: String,
    options: String,
    abort: Option<&AbortHandle>,
    trace: Option<CallTrace>,
    // Spelled out rather than `SendEvents`, so that binding.d.ts shows the callback's type.
    events: Option<ThreadsafeFunction<String, Unknown<'static>, String, Status, false>>,
  ) -> Result<PromiseRaw<'env, Outcome<String>>> {
    let events = events.map(Arc::new);
    let call = Call {
      env,
      client: &self.client,
      operation,
      args,
      options,
      abort,
      observation: Observation::new(trace, events.clone()),
      events,
    };
    match call.operation.as_str() {
      "resendUserInvite" => {
        call.spawn(
          |platform, args: UserInviteIdArgs| async move { platform.roq_platform().resend_user_invite(&args).await },
        )
      }
      "cancelUserInvite" => {
        call.spawn(
          |platform, args: UserInviteIdArgs| async move { platform.roq_platform().cancel_user_invite(&args).await },
        )
      }
      "userInvite" => {
        call.spawn(|platform, args: IdArgs| async move { platform.roq_platform().user_invite(&args).await })
      }
      "userInvites" => {
        call.spawn(|platform, args: UserInvitesArgs| async move { platform.roq_platform().user_invites(&args).await })
      }
      "acceptUserInvite" => {
        call.spawn(
          |platform, args: AcceptUserInvite| async move { platform.roq_platform().accept_user_invite(&args).await },
        )
      }
      "checkUserInviteToken" => call
        .spawn(|platform, args: TokenArgs| async move { platform.roq_platform().check_user_invite_token(&args).await }),
      "updateUserInvite" => call.spawn(|platform, args: UpdateUserInviteArgs| async move {
        platform.roq_platform().update_user_invite(&args).await
      }),
      "graphqlRequest" => {
        call.spawn(|platform, args: GraphqlRequest| async move { platform.roq_platform().graphql_request(&args).await })
      }
      other => Err(Error::new(
        Status::InvalidArg,
        format!("NativeClient.run: no operation is named {other:?}"),
      )),
    }
  }
}
