//! The environment's credentials: its id and API key, and the key tokens are signed with. Tokens
//! are HS256 JWTs, signed with ring's HMAC (already here as rustls's provider) rather than a JWT
//! crate: jsonwebtoken picks the algorithm at run time, so RSA and elliptic curves stayed in the
//! addon.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng as _;
use ring::hmac;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::problem::Problem;

/// 256 random bits as text: API keys, signing secrets and accept tokens.
pub(crate) fn random_text() -> String {
  URL_SAFE_NO_PAD.encode(rand::rng().random::<[u8; 32]>())
}

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
  pub(crate) fn verify<T: serde::de::DeserializeOwned>(&self, token: &str) -> Option<T> {
    let (signed, signature) = token.rsplit_once('.')?;
    let (header, claims) = signed.split_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    hmac::verify(&self.signing_key, signed.as_bytes(), &signature).ok()?;
    (header == JWT_HEADER).then_some(())?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).ok()?).ok()
  }

  /// Compares digests, so the time taken does not depend on how much of a guess was right.
  pub(crate) fn matches(&self, environment_id: &str, api_key: &str) -> bool {
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

/// `{"alg":"HS256","typ":"JWT"}`, base64url: the one header the emulator signs and accepts.
const JWT_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

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
