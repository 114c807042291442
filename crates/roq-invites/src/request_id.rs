//! Request ids: every request to the platform carries `x-request-id`, a new UUID (version 4,
//! lower-case, hyphenated) per attempt, and the platform (the emulator does) answers with one.
//! A failure names the request by the answer's id when it is one by [`is_request_id`]'s rule
//! (the rulebook's, which the emulator applies to the ids it is sent), else by the one we sent,
//! so that the platform's logs can be searched for it.

use reqwest::header::{HeaderName, HeaderValue};
use roq_rules::is_request_id;

/// The header both ways.
pub(crate) const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A request id we made: a version 4 UUID as text, kept on the stack.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct RequestId([u8; 36]);

impl RequestId {
  /// A new random id.
  pub fn new() -> Self {
    let mut text = [0; 36];
    uuid::Uuid::new_v4().hyphenated().encode_lower(&mut text);
    Self(text)
  }

  pub fn as_str(&self) -> &str {
    // Only ASCII hex digits and hyphens are ever written.
    std::str::from_utf8(&self.0).unwrap_or_default()
  }

  pub fn header_value(&self) -> HeaderValue {
    HeaderValue::from_bytes(&self.0).expect("hex digits and hyphens are a valid header value")
  }
}

impl std::fmt::Debug for RequestId {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    f.write_str(self.as_str())
  }
}

/// The id an answer's `x-request-id` names, if it is one by [`is_request_id`]'s rule.
pub(crate) fn answered(value: Option<&HeaderValue>) -> Option<String> {
  let value = value?.as_bytes();
  // Checked as ASCII just above, so the text is the bytes.
  is_request_id(value).then(|| String::from_utf8_lossy(value).into_owned())
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn makes_lower_case_hyphenated_version_4_uuids() {
    let id = RequestId::new();
    let text = id.as_str();
    assert_eq!(text.len(), 36);
    let groups: Vec<&str> = text.split('-').collect();
    assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12]);
    assert!(
      text
        .chars()
        .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
    );
    assert!(groups[2].starts_with('4'), "{text}");
    assert!(matches!(&groups[3][..1], "8" | "9" | "a" | "b"), "{text}");
    assert_ne!(RequestId::new(), id);
    assert!(is_request_id(text.as_bytes()));
  }

  #[test]
  fn takes_an_answered_id_only_by_the_rule() {
    let header = |v: &str| HeaderValue::from_str(v).unwrap();
    assert_eq!(answered(Some(&header("req:1.a_b-C"))).as_deref(), Some("req:1.a_b-C"));
    assert_eq!(answered(Some(&header(&"a".repeat(128)))).map(|v| v.len()), Some(128));
    for bad in ["", "a b", "a/b", "é", &"a".repeat(129)] {
      let value = HeaderValue::from_bytes(bad.as_bytes()).unwrap();
      assert_eq!(answered(Some(&value)), None, "{bad:?}");
    }
    assert_eq!(answered(None), None);
  }
}
