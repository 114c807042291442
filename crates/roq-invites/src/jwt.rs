//! Reading a JWT's claims without verifying it: for a token's `exp` (`auth.rs`, to know when to
//! fetch a new one) and a session's payload (`session.rs`). Whoever relies on a claim's truth
//! checks the token elsewhere: the platform verifies every token it is sent.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

/// The claims of a JWT (three base64url parts, the middle one a JSON object), decoded without
/// verifying the signature; `None` for anything else.
pub(crate) fn payload(token: &str) -> Option<Map<String, Value>> {
  let mut parts = token.split('.');
  let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
  if parts.next().is_some() {
    return None;
  }
  let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
  serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
  use serde_json::json;

  use super::*;

  #[test]
  fn reads_the_middle_part_of_three_and_nothing_else() {
    let claims = URL_SAFE_NO_PAD.encode(br#"{"exp":5,"sub":"u"}"#);
    assert_eq!(
      payload(&format!("h.{claims}.s")).map(Value::Object),
      Some(json!({ "exp": 5, "sub": "u" }))
    );
    assert_eq!(
      payload(&format!("h.{claims}==.s")).map(Value::Object),
      Some(json!({ "exp": 5, "sub": "u" })),
      "padding is tolerated"
    );
    let array = URL_SAFE_NO_PAD.encode(b"[1]");
    for bad in [
      "opaque-token".to_owned(),
      "a.b".to_owned(),
      "a.!!!.c".to_owned(),
      format!("h.{claims}.s.extra"),
      format!("h.{array}.s"),
    ] {
      assert_eq!(payload(&bad), None, "{bad}");
    }
  }
}
