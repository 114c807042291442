//! `NativeClient`: the client behind `RoqClient` and its `roqPlatform`.

use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use roq_invites::input::from_json;
use roq_invites::{Client, ClientOptions, Config, SendUserInvites};
use serde::Deserialize;

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
    let client = self.client.clone();
    spawn_json(env, async move {
      let request: SendUserInvites = from_json(&args, "sendUserInvites argument")?;
      client.send_user_invites(&request).await
    })
  }
}
