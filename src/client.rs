//! `NativeClient`: the client behind `RoqClient` and its `roqPlatform`.

use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use roq_invites::input::from_json;
use roq_invites::{
  AcceptUserInvite, Client, ClientOptions, Config, IdArgs, SendUserInvites, TokenArgs, UpdateUserInviteArgs,
  UserInviteIdArgs, UserInvitesArgs,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{spawn_json, to_js};

#[napi]
pub struct NativeClient {
  client: Client,
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

#[napi]
impl NativeClient {
  /// `options`: JSON of `{ host, environmentId, apiKey, timeoutMs? }`.
  #[napi(constructor)]
  pub fn new(env: Env, options: String) -> Result<Self> {
    let client = from_json::<ClientOptions>(&options, "options")
      .and_then(Config::from_options)
      .and_then(Client::new);
    client.map(|client| Self { client }).map_err(|e| to_js(&env, &e))
  }

  /// A client configured from `ROQ_PLATFORM_URL`, `ROQ_ENVIRONMENT_ID` and `ROQ_API_KEY`.
  #[napi(factory)]
  pub fn from_env(env: Env) -> Result<Self> {
    Client::from_env()
      .map(|client| Self { client })
      .map_err(|e| to_js(&env, &e))
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

  /// `args`: JSON of `{ userInvites: {...} }` (V1) or `{ data: {...} }` (V2); resolves to the
  /// JSON of `{ success, errors }`.
  #[napi]
  pub fn send_user_invites<'env>(&self, env: &'env Env, args: String) -> Result<PromiseRaw<'env, String>> {
    self.call(env, args, "sendUserInvites", |c, a: SendUserInvites| async move {
      c.send_user_invites(&a).await
    })
  }

  /// `args`: JSON of `{ userInviteId }`; resolves to the JSON of the invite.
  #[napi]
  pub fn resend_user_invite<'env>(&self, env: &'env Env, args: String) -> Result<PromiseRaw<'env, String>> {
    self.call(env, args, "resendUserInvite", |c, a: UserInviteIdArgs| async move {
      c.resend_user_invite(&a).await
    })
  }

  /// `args`: JSON of `{ userInviteId }`; resolves to the JSON of the invite.
  #[napi]
  pub fn cancel_user_invite<'env>(&self, env: &'env Env, args: String) -> Result<PromiseRaw<'env, String>> {
    self.call(env, args, "cancelUserInvite", |c, a: UserInviteIdArgs| async move {
      c.cancel_user_invite(&a).await
    })
  }

  /// `args`: JSON of `{ id }`; resolves to the JSON of the invite.
  #[napi]
  pub fn user_invite<'env>(&self, env: &'env Env, args: String) -> Result<PromiseRaw<'env, String>> {
    self.call(env, args, "userInvite", |c, a: IdArgs| async move {
      c.user_invite(&a).await
    })
  }

  /// `args`: JSON of `{ filter?, limit?, offset?, order?, search? }`; resolves to the JSON of
  /// `{ data, totalCount }`.
  #[napi]
  pub fn user_invites<'env>(&self, env: &'env Env, args: String) -> Result<PromiseRaw<'env, String>> {
    self.call(env, args, "userInvites", |c, a: UserInvitesArgs| async move {
      c.user_invites(&a).await
    })
  }

  /// `args`: JSON of `{ data: { token } }` (V2) or `{ acceptUserInvite: { token } }` (V1).
  #[napi]
  pub fn accept_user_invite<'env>(&self, env: &'env Env, args: String) -> Result<PromiseRaw<'env, String>> {
    self.call(env, args, "acceptUserInvite", |c, a: AcceptUserInvite| async move {
      c.accept_user_invite(&a).await
    })
  }

  /// `args`: JSON of `{ token }`; resolves to the JSON of `{ isValid, isExpired, email }`.
  #[napi]
  pub fn check_user_invite_token<'env>(&self, env: &'env Env, args: String) -> Result<PromiseRaw<'env, String>> {
    self.call(env, args, "checkUserInviteToken", |c, a: TokenArgs| async move {
      c.check_user_invite_token(&a).await
    })
  }

  /// `args`: JSON of `{ id, userInvite }`; resolves to the JSON of the invite.
  #[napi]
  pub fn update_user_invite<'env>(&self, env: &'env Env, args: String) -> Result<PromiseRaw<'env, String>> {
    self.call(env, args, "updateUserInvite", |c, a: UpdateUserInviteArgs| async move {
      c.update_user_invite(&a).await
    })
  }
}

impl NativeClient {
  /// Reads `args` as an `A` and runs `operation` with it on a clone of the client; the promise
  /// resolves to the JSON of the result.
  fn call<'env, A, T, F, Fut>(
    &self,
    env: &'env Env,
    args: String,
    operation_name: &'static str,
    operation: F,
  ) -> Result<PromiseRaw<'env, String>>
  where
    A: DeserializeOwned + Send + 'static,
    T: Serialize + Send + 'static,
    F: FnOnce(Client, A) -> Fut + Send + 'static,
    Fut: Future<Output = roq_invites::Result<T>> + Send + 'static,
  {
    let client = self.client.clone();
    spawn_json(env, async move {
      let args: A = from_json(&args, &format!("{operation_name} argument"))?;
      operation(client, args).await
    })
  }
}
