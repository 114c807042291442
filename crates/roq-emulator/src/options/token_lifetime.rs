//! `expiresIn`: how long a token that a caller asks for lives, as the caller gives it. It comes
//! in on `POST /v01/authorize` (a user's token: `@roq/nodejs` sends `asUser(id, expiresIn)` as it
//! was given, a JSON number or a string) and with a development session.
//!
//! It is read as whole seconds, a number or a string of digits, or a string of digits with a unit
//! (`"90s"`, `"15m"`, `"2h"`, `"7d"`), up to [`MAX_EXPIRES_IN_SECS`]. Nothing else is guessed at:
//! not a fraction, an exponent, a sign or a space. The reading uses checked integers only, so no
//! value, however large, wraps into a token that expired long ago or never does.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The longest lifetime a caller may ask for: 365 days. A year is past any real session (the
/// platform's own tokens last an hour) and leaves room for a test that moves the emulator's clock
/// on by months, while `exp`, in seconds or milliseconds, stays far inside every integer that
/// holds it (JavaScript's safe integers included).
pub const MAX_EXPIRES_IN_SECS: u64 = 365 * 86_400;

/// What the messages show of a value: enough to recognise it, never a whole megabyte.
const SHOWN_CHARS: usize = 40;

/// `expiresIn` as the caller gave it; [`ExpiresIn::seconds`] reads it. Kept raw, so that a wrong
/// value gets this module's message, naming the forms, instead of a parser's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExpiresIn(pub Value);

impl From<u64> for ExpiresIn {
  fn from(seconds: u64) -> Self {
    Self(Value::from(seconds))
  }
}

impl ExpiresIn {
  /// The lifetime in seconds, 1 to [`MAX_EXPIRES_IN_SECS`]; else a message that names
  /// `expiresIn` and what to pass.
  pub fn seconds(&self) -> Result<i64, String> {
    let given = &self.0;
    let seconds = match given {
      Value::Number(number) => match (number.as_u64(), number.as_f64()) {
        (Some(whole), _) => Some(whole),
        (None, Some(float)) if float >= 1.0 && float.fract() != 0.0 => {
          return Err(format!(
            "expiresIn must be a whole number of seconds; got {}",
            shown(given)
          ));
        }
        // A whole float (3600.0, 1e300): to an integer only when it is within the maximum.
        // Negatives and fractions below 1 fall through to "at least 1".
        (None, Some(float)) if float >= 1.0 => (float <= MAX_EXPIRES_IN_SECS as f64).then_some(float as u64),
        _ => Some(0),
      },
      Value::String(text) => from_text(text).ok_or_else(|| wrong_form(given))?,
      _ => return Err(wrong_form(given)),
    };
    match seconds {
      Some(0) => Err(format!("expiresIn must be at least 1 second; got {}", shown(given))),
      // At most MAX_EXPIRES_IN_SECS, which fits an i64 with room to spare.
      Some(seconds) if seconds <= MAX_EXPIRES_IN_SECS => Ok(seconds as i64),
      _ => Err(format!(
        "expiresIn must be at most {MAX_EXPIRES_IN_SECS} seconds (365 days, \"365d\"); got {}",
        shown(given)
      )),
    }
  }
}

/// Seconds from `"3600"`, `"90s"`, `"15m"`, `"2h"` or `"7d"`: `Some(None)` for a number too large
/// for any integer (so, past the maximum), `None` for text of another form.
fn from_text(text: &str) -> Option<Option<u64>> {
  let (digits, unit) = match text.as_bytes().last()? {
    b'0'..=b'9' => (text, 1),
    b's' => (&text[..text.len() - 1], 1),
    b'm' => (&text[..text.len() - 1], 60),
    b'h' => (&text[..text.len() - 1], 3600),
    b'd' => (&text[..text.len() - 1], 86_400),
    _ => return None,
  };
  if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
    return None;
  }
  // Only overflow can make these fail: the text is all digits.
  Some(digits.parse::<u64>().ok().and_then(|n| n.checked_mul(unit)))
}

fn wrong_form(given: &Value) -> String {
  format!(
    "expiresIn must be whole seconds (e.g. 3600) or a string like \"90s\", \"15m\", \"2h\" or \"7d\"; got {}",
    shown(given)
  )
}

fn shown(value: &Value) -> String {
  let text = value.to_string();
  match text.char_indices().nth(SHOWN_CHARS) {
    Some((cut, _)) => format!("{}…", &text[..cut]),
    None => text,
  }
}

#[cfg(test)]
mod tests {
  use serde_json::json;

  use super::*;

  fn seconds(value: Value) -> Result<i64, String> {
    ExpiresIn(value).seconds()
  }

  #[test]
  fn reads_whole_seconds_or_a_number_with_a_unit() {
    for (given, expected) in [
      (json!(3600), 3600),
      (json!(1), 1),
      (json!(3600.0), 3600),
      (json!("90"), 90),
      (json!("90s"), 90),
      (json!("15m"), 900),
      (json!("2h"), 7200),
      (json!("7d"), 604_800),
      (json!("365d"), 31_536_000),
      (json!(31_536_000), 31_536_000),
    ] {
      assert_eq!(seconds(given.clone()), Ok(expected), "{given}");
    }
  }

  #[test]
  fn refuses_what_is_not_a_positive_whole_duration_with_the_forms_named() {
    let form = "expiresIn must be whole seconds (e.g. 3600) or a string like \"90s\", \"15m\", \"2h\" or \"7d\"";
    for (given, message) in [
      (json!(0), "expiresIn must be at least 1 second; got 0".to_owned()),
      (json!(-5), "expiresIn must be at least 1 second; got -5".to_owned()),
      (
        json!(-1e300),
        "expiresIn must be at least 1 second; got -1e+300".to_owned(),
      ),
      (json!(0.5), "expiresIn must be at least 1 second; got 0.5".to_owned()),
      (
        json!("0m"),
        "expiresIn must be at least 1 second; got \"0m\"".to_owned(),
      ),
      (
        json!(1.5),
        "expiresIn must be a whole number of seconds; got 1.5".to_owned(),
      ),
      (json!("soon"), format!("{form}; got \"soon\"")),
      (json!("5y"), format!("{form}; got \"5y\"")),
      (json!("1.5h"), format!("{form}; got \"1.5h\"")),
      (json!("-5"), format!("{form}; got \"-5\"")),
      (json!("1e3"), format!("{form}; got \"1e3\"")),
      (json!(" 15m"), format!("{form}; got \" 15m\"")),
      (json!("15 m"), format!("{form}; got \"15 m\"")),
      (json!("m"), format!("{form}; got \"m\"")),
      (json!(""), format!("{form}; got \"\"")),
      (json!(true), format!("{form}; got true")),
      (json!(null), format!("{form}; got null")),
      (json!([60]), format!("{form}; got [60]")),
    ] {
      assert_eq!(seconds(given.clone()), Err(message), "{given}");
    }
  }

  #[test]
  fn a_huge_value_is_refused_and_never_wraps() {
    let most = "expiresIn must be at most 31536000 seconds (365 days, \"365d\"); got";
    for given in [
      json!(31_536_001),
      json!("366d"),
      json!(1e300),
      json!(9_223_372_036_854_775_808_u64),
      json!(u64::MAX),
      json!("99999999999999999d"),
      json!("18446744073709551616"),
      json!("9".repeat(500)),
    ] {
      let refused = seconds(given.clone()).unwrap_err();
      assert!(refused.starts_with(most), "{given}: {refused}");
      assert!(refused.chars().count() < most.len() + SHOWN_CHARS + 4, "{refused}");
    }
  }
}
