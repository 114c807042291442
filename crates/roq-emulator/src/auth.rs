//! Credentials and tokens: the environment id and API key, HS256 JWTs with `exp` (checked against
//! the emulator's clock, so tests can expire them without waiting), and the two headers of the
//! server GraphQL endpoint.

use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::platform::{Platform, Principal, Problem};

/// The service account's email, a constant of the platform.
pub const SERVICE_ACCOUNT_EMAIL: &str = "project-service-account@roq.tech";

/// The environment's credentials and the key tokens are signed with.
pub struct Credentials {
  pub environment_id: String,
  pub api_key: String,
  encoding: EncodingKey,
  decoding: DecodingKey,
  /// How long a token is valid, in seconds.
  pub token_lifetime_secs: i64,
}

impl Credentials {
  pub fn new(environment_id: String, api_key: String, signing_secret: &[u8], token_lifetime_secs: i64) -> Self {
    Self {
      environment_id,
      api_key,
      encoding: EncodingKey::from_secret(signing_secret),
      decoding: DecodingKey::from_secret(signing_secret),
      token_lifetime_secs,
    }
  }

  /// Signs `claims` as an HS256 JWT with the emulator's key.
  pub fn sign(&self, claims: &impl Serialize) -> Result<String, Problem> {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
      .map_err(|e| Problem::Internal(format!("could not sign a token: {e}")))
  }

  /// Compares digests, so the time taken does not depend on how much of a guess was right.
  fn matches(&self, environment_id: &str, api_key: &str) -> bool {
    let digest = |env: &str, key: &str| {
      Sha256::new()
        .chain_update(env)
        .chain_update([0])
        .chain_update(key)
        .finalize()
    };
    digest(environment_id, api_key) == digest(&self.environment_id, &self.api_key)
  }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum TokenKind {
  ServiceAccount,
  User,
}

/// What the emulator's tokens carry: the claims a platform access token carries, as far as the
/// docs show them.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
  sub: String,
  kind: TokenKind,
  #[serde(rename = "roqEnvironmentId")]
  environment_id: String,
  #[serde(rename = "roqUserId", default, skip_serializing_if = "Option::is_none")]
  user_id: Option<String>,
  iat: i64,
  exp: i64,
  /// Makes every token unique, even two issued in the same second.
  jti: String,
}

const INVALID_TOKEN: &str = "Token is invalid or expired";

impl Platform {
  /// Checks the environment id and API key a token request carries.
  pub fn check_api_key(&self, environment_id: &str, api_key: &str) -> Result<(), Problem> {
    if self.credentials.matches(environment_id, api_key) {
      Ok(())
    } else {
      Err(Problem::Unauthorized("The environment id or API key is wrong".into()))
    }
  }

  pub fn issue_service_account_token(&self) -> Result<String, Problem> {
    self.issue(
      TokenKind::ServiceAccount,
      "service-account".into(),
      None,
      self.credentials.token_lifetime_secs,
    )
  }

  /// A token for `user_id`, valid for `expires_in` seconds (or the default lifetime).
  pub fn issue_user_token(&self, user_id: &str, expires_in: Option<i64>) -> Result<String, Problem> {
    let lifetime = expires_in.unwrap_or(self.credentials.token_lifetime_secs);
    self.issue(TokenKind::User, user_id.to_owned(), Some(user_id.to_owned()), lifetime)
  }

  fn issue(
    &self,
    kind: TokenKind,
    sub: String,
    user_id: Option<String>,
    lifetime_secs: i64,
  ) -> Result<String, Problem> {
    let iat = self.clock.now_ms() / 1000;
    let claims = Claims {
      sub,
      kind,
      environment_id: self.credentials.environment_id.clone(),
      user_id,
      iat,
      exp: iat + lifetime_secs,
      jti: uuid::Uuid::new_v4().to_string(),
    };
    self.credentials.sign(&claims)
  }

  /// Who a `Bearer <token>` header belongs to: the signature, the environment and `exp` (by the
  /// emulator's clock) are checked.
  pub fn principal(&self, authorization: Option<&str>) -> Result<Principal, Problem> {
    let token = authorization
      .and_then(|h| h.strip_prefix("Bearer "))
      .ok_or_else(|| Problem::Unauthorized(INVALID_TOKEN.into()))?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false; // checked below, against the emulator's clock
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Claims>(token.trim(), &self.credentials.decoding, &validation)
      .map_err(|_| Problem::Unauthorized(INVALID_TOKEN.into()))?
      .claims;
    if claims.exp * 1000 <= self.clock.now_ms() || claims.environment_id != self.credentials.environment_id {
      return Err(Problem::Unauthorized(INVALID_TOKEN.into()));
    }
    match (claims.kind, claims.user_id) {
      (TokenKind::ServiceAccount, _) => Ok(Principal::ServiceAccount),
      (TokenKind::User, Some(user_id)) => Ok(Principal::User { user_id }),
      (TokenKind::User, None) => Err(Problem::Unauthorized(INVALID_TOKEN.into())),
    }
  }

  /// Checks `roq-platform-server-authorization: Basic base64(environmentId:apiKey)`.
  pub fn check_server_authorization(&self, header: Option<&str>) -> Result<(), Problem> {
    let refused = || {
      Problem::Unauthorized(
        "The roq-platform-server-authorization header is missing or wrong; send Basic base64(environmentId:apiKey)"
          .into(),
      )
    };
    let encoded = header.and_then(|h| h.strip_prefix("Basic ")).ok_or_else(refused)?;
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| refused())?;
    let decoded = String::from_utf8(decoded).map_err(|_| refused())?;
    let (environment_id, api_key) = decoded.split_once(':').ok_or_else(refused)?;
    self.check_api_key(environment_id, api_key).map_err(|_| refused())
  }

  /// The emulator's own endpoints and pages take the environment's credentials as HTTP Basic
  /// auth (`curl -u <environmentId>:<apiKey>`, or a browser's sign-in prompt), or in the
  /// platform's server header.
  pub fn check_emulator_access(&self, headers: &HeaderMap) -> Result<(), Problem> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let basic = header("authorization").or_else(|| header("roq-platform-server-authorization"));
    self.check_server_authorization(basic).map_err(|_| {
      Problem::Unauthorized("Pass the environment's credentials: curl -u <environmentId>:<apiKey> ...".into())
    })
  }
}
