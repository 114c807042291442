//! `NativeClient`: the client behind `RoqClient` and its `roqPlatform`, one method per operation,
//! and `AbortHandle`, which the JavaScript side cancels when a call's `AbortSignal` fires.
//!
//! Each operation takes its argument and options as JSON text and parses them on the runtime's
//! threads, straight into the operation's types (serde names the path of any mistake).

use std::time::Duration;

use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use roq_invites::input::from_json;
use roq_invites::{
  AcceptUserInvite, CallOptions, Client, ClientOptions, Config, GraphqlRequest, IdArgs, TokenArgs,
  UpdateUserInviteArgs, UserInviteIdArgs, UserInvitesArgs,
};
use serde::Deserialize;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use crate::network::{self, NativeRoots};
use crate::outcome::{Outcome, outcome, spawn_json};

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

/// The client with a call's options: its deadline, retries and cancellation.
pub(crate) fn for_call(
  client: &Client,
  timeout_ms: Option<u64>,
  max_retries: Option<u32>,
  cancel: Option<CancellationToken>,
) -> roq_invites::Result<Client> {
  client.with_call_options(CallOptions {
    timeout: timeout_ms.map(Duration::from_millis),
    max_retries,
    cancel,
  })
}

impl NativeClient {
  /// Runs one operation: parses `args` as its `A` and `options` as its options on the runtime,
  /// runs `operation` as this client, and settles with the JSON of what it gives (or the failure).
  fn run<'env, A, T, F, Fut>(
    &self,
    env: &'env Env,
    what: &'static str,
    args: String,
    options: String,
    abort: Option<&AbortHandle>,
    operation: F,
  ) -> Result<PromiseRaw<'env, Outcome<String>>>
  where
    A: DeserializeOwned,
    T: Serialize,
    F: FnOnce(Client, A) -> Fut + Send + 'static,
    Fut: Future<Output = roq_invites::Result<T>> + Send,
  {
    let client = self.client.clone();
    let cancel = abort.map(|handle| handle.token.clone());
    spawn_json(env, async move {
      let options: OperationOptions = from_json(&options, &format!("{what} options"))?;
      let client = for_call(&client, options.timeout_ms, options.max_retries, cancel)?;
      let args: A = from_json(&args, &format!("{what} argument"))?;
      operation(client, args).await
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

  #[napi]
  pub fn resend_user_invite<'env>(
    &self,
    env: &'env Env,
    args: String,
    options: String,
    abort: Option<&AbortHandle>,
  ) -> Result<PromiseRaw<'env, Outcome<String>>> {
    self.run(
      env,
      "resendUserInvite",
      args,
      options,
      abort,
      |client, args: UserInviteIdArgs| async move { client.roq_platform().resend_user_invite(&args).await },
    )
  }

  #[napi]
  pub fn cancel_user_invite<'env>(
    &self,
    env: &'env Env,
    args: String,
    options: String,
    abort: Option<&AbortHandle>,
  ) -> Result<PromiseRaw<'env, Outcome<String>>> {
    self.run(
      env,
      "cancelUserInvite",
      args,
      options,
      abort,
      |client, args: UserInviteIdArgs| async move { client.roq_platform().cancel_user_invite(&args).await },
    )
  }

  #[napi]
  pub fn user_invite<'env>(
    &self,
    env: &'env Env,
    args: String,
    options: String,
    abort: Option<&AbortHandle>,
  ) -> Result<PromiseRaw<'env, Outcome<String>>> {
    self.run(
      env,
      "userInvite",
      args,
      options,
      abort,
      |client, args: IdArgs| async move { client.roq_platform().user_invite(&args).await },
    )
  }

  #[napi]
  pub fn user_invites<'env>(
    &self,
    env: &'env Env,
    args: String,
    options: String,
    abort: Option<&AbortHandle>,
  ) -> Result<PromiseRaw<'env, Outcome<String>>> {
    self.run(
      env,
      "userInvites",
      args,
      options,
      abort,
      |client, args: UserInvitesArgs| async move { client.roq_platform().user_invites(&args).await },
    )
  }

  #[napi]
  pub fn accept_user_invite<'env>(
    &self,
    env: &'env Env,
    args: String,
    options: String,
    abort: Option<&AbortHandle>,
  ) -> Result<PromiseRaw<'env, Outcome<String>>> {
    self.run(
      env,
      "acceptUserInvite",
      args,
      options,
      abort,
      |client, args: AcceptUserInvite| async move { client.roq_platform().accept_user_invite(&args).await },
    )
  }

  #[napi]
  pub fn check_user_invite_token<'env>(
    &self,
    env: &'env Env,
    args: String,
    options: String,
    abort: Option<&AbortHandle>,
  ) -> Result<PromiseRaw<'env, Outcome<String>>> {
    self.run(
      env,
      "checkUserInviteToken",
      args,
      options,
      abort,
      |client, args: TokenArgs| async move { client.roq_platform().check_user_invite_token(&args).await },
    )
  }

  #[napi]
  pub fn update_user_invite<'env>(
    &self,
    env: &'env Env,
    args: String,
    options: String,
    abort: Option<&AbortHandle>,
  ) -> Result<PromiseRaw<'env, Outcome<String>>> {
    self.run(
      env,
      "updateUserInvite",
      args,
      options,
      abort,
      |client, args: UpdateUserInviteArgs| async move { client.roq_platform().update_user_invite(&args).await },
    )
  }

  /// `args`: JSON of `{ query, variables?, operationName?, headers? }`.
  #[napi]
  pub fn graphql_request<'env>(
    &self,
    env: &'env Env,
    args: String,
    options: String,
    abort: Option<&AbortHandle>,
  ) -> Result<PromiseRaw<'env, Outcome<String>>> {
    self.run(
      env,
      "graphqlRequest",
      args,
      options,
      abort,
      |client, args: GraphqlRequest| async move { client.roq_platform().graphql_request(&args).await },
    )
  }
}
