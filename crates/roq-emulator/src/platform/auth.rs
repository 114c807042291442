//! Credentials and tokens: the environment id and API key, HS256 JWTs with `exp` (checked against
//! the emulator's clock, so tests can expire them without waiting), and the two headers of the
//! server GraphQL endpoint.
//!
//! HS256 is signed with ring's HMAC (already here as rustls's provider) rather than a JWT crate:
//! jsonwebtoken picks the algorithm at run time, so RSA and elliptic curves stayed in the addon.

use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::Rng as _;
use ring::hmac;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::platform::Platform;
use crate::principal::Principal;
use crate::problem::Problem;

/// 256 random bits as text: API keys and signing secrets.
pub(crate) fn random_text() -> String {
  URL_SAFE_NO_PAD.encode(rand::rng().random::<[u8; 32]>())
}

/// The service account's email, a constant of the platform.
pub const SERVICE_ACCOUNT_EMAIL: &str = "project-service-account@roq.tech";

/// The environment's credentials and the key tokens are signed with.
pub struct Credentials {
  pub environment_id: String,
  pub api_key: String,
  signing_key: hmac::Key,
  /// How long a token is valid, in seconds.
  pub token_lifetime_secs: i64,
}

impl Credentials {
  pub fn new(environment_id: String, api_key: String, signing_secret: &[u8], token_lifetime_secs: i64) -> Self {
    Self {
      environment_id,
      api_key,
      signing_key: hmac::Key::new(hmac::HMAC_SHA256, signing_secret),
      token_lifetime_secs,
    }
  }

  /// Signs `claims` as an HS256 JWT with the emulator's key.
  pub fn sign(&self, claims: &impl Serialize) -> Result<String, Problem> {
    let claims = serde_json::to_vec(claims).map_err(|e| Problem::Internal(format!("could not sign a token: {e}")))?;
    let mut token = format!("{JWT_HEADER}.{}", URL_SAFE_NO_PAD.encode(claims));
    let signature = hmac::sign(&self.signing_key, token.as_bytes());
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature.as_ref()));
    Ok(token)
  }

  /// The claims of a token this emulator signed; `None` for anything else. The signature is
  /// checked in constant time, before the claims are read.
  fn verify<T: serde::de::DeserializeOwned>(&self, token: &str) -> Option<T> {
    let (signed, signature) = token.rsplit_once('.')?;
    let (header, claims) = signed.split_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    hmac::verify(&self.signing_key, signed.as_bytes(), &signature).ok()?;
    (header == JWT_HEADER).then_some(())?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).ok()?).ok()
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
  /// A user token's reset generation at its issue (see `reset.rs`); 0 in a token of an emulator
  /// from before generations. A service account's token has none: no reset touches it.
  #[serde(rename = "resetGeneration", default, skip_serializing_if = "Option::is_none")]
  reset_generation: Option<i64>,
}

const INVALID_TOKEN: &str = "Token is invalid or expired";

const RESET_TOKEN: &str =
  "Token was issued before a reset of the emulator removed its user; sign in again (a new session or user token)";

/// `{"alg":"HS256","typ":"JWT"}`, base64url: the one header the emulator signs and accepts.
const JWT_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

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
  /// `generation` is the reset generation read where the user was found or registered, under
  /// the store's lock ([`crate::platform::reset::Resets::generation`]).
  pub fn issue_user_token(&self, user_id: &str, expires_in: Option<i64>, generation: i64) -> Result<String, Problem> {
    let lifetime = expires_in.unwrap_or(self.credentials.token_lifetime_secs);
    self.issue(
      TokenKind::User,
      user_id.to_owned(),
      Some((user_id.to_owned(), generation)),
      lifetime,
    )
  }

  fn issue(
    &self,
    kind: TokenKind,
    sub: String,
    user: Option<(String, i64)>,
    lifetime_secs: i64,
  ) -> Result<String, Problem> {
    let iat = self.clock.now_ms() / 1000;
    let (user_id, reset_generation) = user.unzip();
    let claims = Claims {
      sub,
      kind,
      environment_id: self.credentials.environment_id.clone(),
      user_id,
      iat,
      exp: iat.saturating_add(lifetime_secs),
      jti: uuid::Uuid::new_v4().to_string(),
      reset_generation,
    };
    self.credentials.sign(&claims)
  }

  /// Who a `Bearer <token>` header belongs to: the signature, the environment and `exp` (by the
  /// emulator's clock) are checked, and a user's token must not be older than a reset that
  /// removed its user (`reset.rs`).
  pub fn principal(&self, authorization: Option<&str>) -> Result<Principal, Problem> {
    let token = authorization
      .and_then(|h| h.strip_prefix("Bearer "))
      .ok_or_else(|| Problem::Unauthorized(INVALID_TOKEN.into()))?;
    let claims: Claims = self
      .credentials
      .verify(token.trim())
      .ok_or_else(|| Problem::Unauthorized(INVALID_TOKEN.into()))?;
    if claims.exp.saturating_mul(1000) <= self.clock.now_ms()
      || claims.environment_id != self.credentials.environment_id
    {
      return Err(Problem::Unauthorized(INVALID_TOKEN.into()));
    }
    match (claims.kind, claims.user_id) {
      (TokenKind::ServiceAccount, _) => Ok(Principal::ServiceAccount),
      (TokenKind::User, Some(user_id)) => {
        if self.reset_since(&user_id, claims.reset_generation.unwrap_or(0))? {
          return Err(Problem::Unauthorized(RESET_TOKEN.into()));
        }
        Ok(Principal::User { user_id })
      }
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

#[cfg(test)]
mod tests {
  use super::*;

  fn credentials(secret: &[u8]) -> Credentials {
    Credentials::new("env".into(), "key".into(), secret, 60)
  }

  #[test]
  fn a_token_verifies_only_with_its_key_and_header_and_unchanged() {
    let ours = credentials(b"secret");
    let token = ours.sign(&serde_json::json!({ "sub": "u1" })).unwrap();
    let claims: serde_json::Value = ours.verify(&token).unwrap();
    assert_eq!(claims["sub"], "u1");

    assert!(credentials(b"other").verify::<serde_json::Value>(&token).is_none());
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let (_, claims) = signed.split_once('.').unwrap();
    let unsigned = format!("{}.{claims}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#));
    assert!(ours.verify::<serde_json::Value>(&unsigned).is_none());
    let other_claims = URL_SAFE_NO_PAD.encode(r#"{"sub":"admin"}"#);
    assert!(
      ours
        .verify::<serde_json::Value>(&format!("{JWT_HEADER}.{other_claims}.{signature}"))
        .is_none()
    );
  }
}
