//! The client: a configuration, one HTTP connection pool, one token cache, and an identity.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::auth::{Identity, TokenCache, bearer_header};
use crate::config::Config;
use crate::documents::Operation;
use crate::error::{Error, ErrorCode, Result};
use crate::graphql;
use crate::transport::Transport;

/// A client of the ROQ Platform's invite API. Cheap to clone; clones share the connection pool
/// and the token cache.
#[derive(Clone)]
pub struct Client {
  shared: Arc<Shared>,
  identity: Identity,
}

/// What every client made from one `Client::new` shares.
struct Shared {
  config: Config,
  transport: Transport,
  tokens: TokenCache,
  /// `Basic base64(environmentId:apiKey)`, sent on every server GraphQL call.
  server_authorization: HeaderValue,
}

impl Client {
  /// A client acting as the environment's service account.
  pub fn new(config: Config) -> Result<Self> {
    let credentials = format!("{}:{}", config.environment_id(), config.api_key().expose_secret());
    let mut server_authorization = HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(credentials)))
      .expect("base64 is always a valid header value");
    server_authorization.set_sensitive(true);
    let shared = Shared {
      transport: Transport::new(config.timeout())?,
      config,
      tokens: TokenCache::default(),
      server_authorization,
    };
    Ok(Self {
      shared: Arc::new(shared),
      identity: Identity::ServiceAccount,
    })
  }

  /// A client configured from `ROQ_PLATFORM_URL`, `ROQ_ENVIRONMENT_ID` and `ROQ_API_KEY`.
  pub fn from_env() -> Result<Self> {
    Self::new(Config::from_env()?)
  }

  pub fn config(&self) -> &Config {
    &self.shared.config
  }

  /// The same client acting as the environment's service account.
  pub fn as_super_admin(&self) -> Self {
    Self {
      shared: Arc::clone(&self.shared),
      identity: Identity::ServiceAccount,
    }
  }

  /// The same client acting as the platform user `user_id`; `expires_in` is passed to the
  /// platform's user-token endpoint as given.
  pub fn as_user(&self, user_id: &str, expires_in: Option<u64>) -> Result<Self> {
    let user_id = user_id.trim();
    if user_id.is_empty() {
      return Err(Error::invalid_argument(
        "userId: must not be empty; pass the ROQ user id to act as",
      ));
    }
    let identity = Identity::User {
      user_id: user_id.to_owned(),
      expires_in,
    };
    Ok(Self {
      shared: Arc::clone(&self.shared),
      identity,
    })
  }

  /// The same client acting as the signed-in user of a ROQ BaaS app, from its session JWT (the
  /// `roq-session-token` cookie).
  pub fn with_baas_token(&self, session_jwt: &str) -> Result<Self> {
    let identity = Identity::from_baas_session(session_jwt)?;
    Ok(Self {
      shared: Arc::clone(&self.shared),
      identity,
    })
  }

  /// Runs one GraphQL operation and reads `data.<root field>` as `T`. A token the platform
  /// rejects is dropped and fetched again, once, before the error reaches the caller.
  pub(crate) async fn execute<V: Serialize, T: DeserializeOwned>(
    &self,
    operation: &Operation,
    variables: &V,
  ) -> Result<T> {
    let body = Bytes::from(graphql::request_body(operation, variables)?);
    let mut may_refresh = TokenCache::can_refresh(&self.identity);
    loop {
      let bearer = self.bearer().await?;
      let result = self.post_graphql(operation, &bearer, body.clone()).await;
      match result {
        Err(e) if e.code() == ErrorCode::Unauthorized && may_refresh => {
          self.shared.tokens.forget(&self.identity, &bearer).await;
          may_refresh = false;
        }
        other => return other.map_err(|e| self.redact(e, &bearer)),
      }
    }
  }

  async fn post_graphql<T: DeserializeOwned>(
    &self,
    operation: &Operation,
    bearer: &SecretString,
    body: Bytes,
  ) -> Result<T> {
    let mut headers = HeaderMap::with_capacity(2);
    headers.insert("roq-platform-authorization", bearer_header(bearer)?);
    headers.insert(
      "roq-platform-server-authorization",
      self.shared.server_authorization.clone(),
    );
    let url = self.shared.config.endpoint("v01/server/graphql");
    let reply = self.shared.transport.post_json(url, headers, body).await?;
    graphql::decode(operation, &reply)
  }

  async fn bearer(&self) -> Result<SecretString> {
    let Shared {
      config,
      transport,
      tokens,
      ..
    } = &*self.shared;
    let bearer = tokens.bearer(&self.identity, config, transport).await;
    bearer.map_err(|e| self.redact(e, &SecretString::from(String::new())))
  }

  /// Removes every secret from an error's message: a server that echoes what it was sent must
  /// not make us print the API key or a token.
  fn redact(&self, error: Error, bearer: &SecretString) -> Error {
    let secrets = [
      self.shared.config.api_key().expose_secret(),
      bearer.expose_secret(),
      self
        .shared
        .server_authorization
        .to_str()
        .unwrap_or_default()
        .trim_start_matches("Basic "),
    ];
    error.redact(&secrets)
  }
}

impl fmt::Debug for Client {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.debug_struct("Client")
      .field("config", &self.shared.config)
      .field("identity", &self.identity)
      .finish()
  }
}
