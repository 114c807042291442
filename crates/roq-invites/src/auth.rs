//! Who a client acts as, and the tokens that prove it (reference/roq-protocol.md §2-4).
//!
//! Tokens are cached per client family (a client and every `as_user`/`as_super_admin` made from
//! it), keyed as the official SDK keys them, and refreshed shortly before their `exp`. Unlike the
//! SDK, concurrent calls on a cold cache fetch once, and a token endpoint that fails is an error
//! (the SDK goes on with `Bearer undefined`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{Error, ErrorCode, Result};
use crate::jwt;
use crate::transport::{Call, Reply};

/// The service account's email: a constant of the platform (and the SDK's cache key for it).
pub(crate) const SERVICE_ACCOUNT_EMAIL: &str = "project-service-account@roq.tech";

/// How long a token without a readable `exp` is kept (the SDK's default cache TTL).
const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(3600);

/// The longest a token is used before its `exp`: a call must not start with a token that
/// expires on the way to the platform.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

/// Whom calls are made as.
#[derive(Clone, Debug)]
pub(crate) enum Identity {
  /// The environment's service account (`asSuperAdmin()`, the default).
  ServiceAccount,
  /// A platform user, with a token the service account asks for (`asUser(id)`).
  User { user_id: String, expires_in: Option<u64> },
  /// The signed-in user of a ROQ BaaS app, with the access token from its session cookie.
  Baas { access_token: SecretString },
}

impl Identity {
  /// The identity of `withBaasToken(sessionJwt)`: the session JWT's `roqAccessToken` claim,
  /// read without verifying anything (the platform verifies the access token itself).
  pub fn from_baas_session(session_jwt: &str) -> Result<Self> {
    let access_token = crate::session::access_token(session_jwt)?;
    if HeaderValue::from_str(access_token.expose_secret()).is_err() {
      return Err(Error::invalid_argument(
        "sessionJwt: its roqAccessToken is not a valid token; pass the value of the app's roq-session-token cookie",
      ));
    }
    Ok(Self::Baas { access_token })
  }

  /// The key the token is cached under, as the SDK keys it; `None` for tokens we do not fetch.
  fn cache_key(&self) -> Option<&str> {
    match self {
      Self::ServiceAccount => Some(SERVICE_ACCOUNT_EMAIL),
      Self::User { user_id, .. } => Some(user_id),
      Self::Baas { .. } => None,
    }
  }
}

/// A cached token and when to stop using it.
struct Token {
  secret: SecretString,
  refresh_at: Instant,
}

type Slot = Arc<tokio::sync::Mutex<Option<Token>>>;

/// The tokens of one client family. Each key has its own async lock, so concurrent first calls
/// wait for one fetch instead of each fetching.
#[derive(Default)]
pub(crate) struct TokenCache {
  slots: Mutex<HashMap<String, Slot>>,
}

impl TokenCache {
  /// The tokens held now, to keep them out of error messages. A slot being refreshed is skipped:
  /// its old token is gone, and its new one has not been used yet.
  pub fn known_tokens(&self) -> Vec<SecretString> {
    let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
    slots
      .values()
      .filter_map(|slot| slot.try_lock().ok()?.as_ref().map(|t| t.secret.clone()))
      .collect()
  }

  fn slot(&self, key: &str) -> Slot {
    let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
    Arc::clone(slots.entry(key.to_owned()).or_default())
  }

  /// The bearer token for `identity`, fetched (once, however many calls ask) when missing or
  /// about to expire.
  pub async fn bearer(&self, identity: &Identity, call: &Call<'_>) -> Result<SecretString> {
    match identity {
      Identity::Baas { access_token } => Ok(access_token.clone()),
      Identity::ServiceAccount => self.service_token(call).await,
      Identity::User { user_id, expires_in } => {
        self
          .get_or_fetch(user_id, || async {
            let service = self.service_token(call).await?;
            match fetch_user_token(call, &service, user_id, *expires_in).await {
              // The service token itself may be what was refused (e.g. the platform restarted).
              Err(e) if e.code() == ErrorCode::Unauthorized => {
                self.forget_key(SERVICE_ACCOUNT_EMAIL, &service).await;
                let service = self.service_token(call).await?;
                fetch_user_token(call, &service, user_id, *expires_in).await
              }
              fetched => fetched,
            }
          })
          .await
      }
    }
  }

  async fn service_token(&self, call: &Call<'_>) -> Result<SecretString> {
    self
      .get_or_fetch(SERVICE_ACCOUNT_EMAIL, || fetch_service_token(call))
      .await
  }

  async fn get_or_fetch<F, Fut>(&self, key: &str, fetch: F) -> Result<SecretString>
  where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<SecretString>>,
  {
    let slot = self.slot(key);
    let mut cached = slot.lock().await;
    if let Some(token) = cached.as_ref().filter(|t| Instant::now() < t.refresh_at) {
      return Ok(token.secret.clone());
    }
    let secret = fetch().await?;
    *cached = Some(Token {
      refresh_at: refresh_at(secret.expose_secret()),
      secret: secret.clone(),
    });
    Ok(secret)
  }

  /// Forgets `identity`'s token if it is still `rejected`, so that the next call fetches a new
  /// one (a token the platform refused, e.g. after the platform restarted).
  pub async fn forget(&self, identity: &Identity, rejected: &SecretString) {
    if let Some(key) = identity.cache_key() {
      self.forget_key(key, rejected).await;
    }
  }

  async fn forget_key(&self, key: &str, rejected: &SecretString) {
    let slot = self.slot(key);
    let mut cached = slot.lock().await;
    if cached
      .as_ref()
      .is_some_and(|t| t.secret.expose_secret() == rejected.expose_secret())
    {
      *cached = None;
    }
  }

  /// Whether a rejected token of `identity` can be replaced by fetching again.
  pub fn can_refresh(identity: &Identity) -> bool {
    identity.cache_key().is_some()
  }
}

/// When to stop using a token: shortly before its `exp`, and never later than the SDK's TTL.
fn refresh_at(token: &str) -> Instant {
  let now = Instant::now();
  let exp = jwt::payload(token).and_then(|claims| claims.get("exp").and_then(Value::as_f64));
  let Some(exp) = exp else {
    return now + DEFAULT_TOKEN_TTL;
  };
  let unix_now = SystemTime::now()
    .duration_since(UNIX_EPOCH)
    .unwrap_or_default()
    .as_secs_f64();
  let lifetime = Duration::try_from_secs_f64(exp - unix_now).unwrap_or_default();
  // Keep a margin before exp: 30 s, or half the lifetime for tokens that live less than a minute.
  let usable = lifetime.saturating_sub(EXPIRY_MARGIN.min(lifetime / 2));
  now + usable.min(DEFAULT_TOKEN_TTL)
}

async fn fetch_service_token(call: &Call<'_>) -> Result<SecretString> {
  let config = call.config();
  let body = json!({
    "email": SERVICE_ACCOUNT_EMAIL,
    "environmentId": config.environment_id(),
    "apiKey": config.api_key().expose_secret(),
  });
  request_token(
    call,
    "v01/authorize/serviceAccount",
    HeaderMap::new(),
    &body,
    "the service account",
  )
  .await
}

async fn fetch_user_token(
  call: &Call<'_>,
  service_token: &SecretString,
  user_id: &str,
  expires_in: Option<u64>,
) -> Result<SecretString> {
  let config = call.config();
  let mut body = json!({
    "environmentId": config.environment_id(),
    "apiKey": config.api_key().expose_secret(),
    "userId": user_id,
  });
  if let Some(expires_in) = expires_in {
    body["expiresIn"] = json!(expires_in);
  }
  let mut headers = HeaderMap::new();
  headers.insert("roq-platform-authorization", bearer_header(service_token)?);
  request_token(call, "v01/authorize", headers, &body, &format!("user {user_id:?}")).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenReply {
  #[serde(default)]
  access_token: Option<String>,
  #[serde(default)]
  message: Option<Value>,
  #[serde(default)]
  error_code: Option<String>,
}

async fn request_token(
  call: &Call<'_>,
  path: &str,
  headers: HeaderMap,
  body: &Value,
  whom: &str,
) -> Result<SecretString> {
  let body = serde_json::to_vec(body).expect("a JSON value always encodes");
  let reply = call.post(path, headers, body.into()).await?;
  read_token(path, &reply, whom).map_err(|error| error.or_request_id(Some(&reply.request_id)))
}

/// The token in a token endpoint's answer, or why there is none.
fn read_token(path: &str, reply: &Reply, whom: &str) -> Result<SecretString> {
  let parsed: Option<TokenReply> = if reply.is_json {
    serde_json::from_slice(&reply.body).ok()
  } else {
    None
  };
  if reply.is_success() {
    return match parsed
      .and_then(|p| p.access_token)
      .filter(|t| HeaderValue::from_str(t).is_ok() && !t.is_empty())
    {
      Some(token) => Ok(SecretString::from(token)),
      None => Err(Error::protocol(format!(
        "the token endpoint /{path} answered HTTP {} without an accessToken: {}",
        reply.status,
        reply.snippet()
      ))),
    };
  }
  let said = parsed
    .as_ref()
    .and_then(|p| p.message.as_ref())
    .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_owned))
    .unwrap_or_else(|| reply.snippet());
  let error_code = parsed.and_then(|p| p.error_code);
  let hint = match ErrorCode::from_http_status(reply.status) {
    ErrorCode::Unauthorized | ErrorCode::Forbidden => {
      "; check environmentId and apiKey (ROQ_ENVIRONMENT_ID and ROQ_API_KEY)"
    }
    _ => "",
  };
  Err(Error::from_platform(
    reply.status,
    error_code,
    format!(
      "the platform refused a token for {whom} (HTTP {}: {said}){hint}",
      reply.status
    ),
  ))
}

/// `Bearer <token>`, marked sensitive so that it is never printed.
pub(crate) fn bearer_header(token: &SecretString) -> Result<HeaderValue> {
  let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
    .map_err(|_| Error::protocol("the platform issued a token that cannot be sent in a header"))?;
  value.set_sensitive(true);
  Ok(value)
}

#[cfg(test)]
mod tests {
  use base64::Engine as _;
  use base64::engine::general_purpose::URL_SAFE_NO_PAD;

  use super::*;

  fn jwt(claims: Value) -> String {
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    format!("{}.{}.sig", part(&json!({"alg": "none"})), part(&claims))
  }

  fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
  }

  #[test]
  fn refreshes_shortly_before_exp() {
    let in_an_hour = refresh_at(&jwt(json!({ "exp": unix_now() + 600 })));
    let remaining = in_an_hour - Instant::now();
    assert!(
      remaining > Duration::from_secs(560) && remaining <= Duration::from_secs(570),
      "{remaining:?}"
    );
    assert!(refresh_at(&jwt(json!({ "exp": unix_now() - 5 }))) <= Instant::now());
  }

  #[test]
  fn keeps_tokens_without_exp_for_the_default_ttl() {
    for token in [jwt(json!({ "sub": "x" })), "opaque-token".to_owned()] {
      let remaining = refresh_at(&token) - Instant::now();
      assert!(remaining > Duration::from_secs(3590), "{token}");
    }
  }

  #[test]
  fn reads_the_access_token_of_a_baas_session() {
    let session = jwt(json!({ "roqAccessToken": "abc.def.ghi", "roqUserId": "u1" }));
    let Identity::Baas { access_token } = Identity::from_baas_session(&session).unwrap() else {
      panic!()
    };
    assert_eq!(access_token.expose_secret(), "abc.def.ghi");
  }

  #[test]
  fn rejects_malformed_baas_sessions() {
    for bad in ["", "not-a-jwt", "a.b", "a.!!!.c", &jwt(json!({ "roqUserId": "u1" }))] {
      let err = Identity::from_baas_session(bad).unwrap_err();
      assert_eq!(err.code(), ErrorCode::InvalidArgument, "{bad}");
      assert!(err.message().starts_with("sessionJwt: "), "{err}");
    }
  }
}
