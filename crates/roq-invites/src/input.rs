//! Reading what a caller passed (as JSON) into the typed requests, with errors that name the
//! field path and say what to pass instead: `userInvites.userInvites[3].email: expected a
//! string, got the number 3`.

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Parses `json` as a `T`. `what` names the argument in messages when the problem is at its root
/// (e.g. `options`).
pub fn from_json<T: DeserializeOwned>(json: &str, what: &str) -> Result<T> {
  // Every argument is a value; serde would call a missing one "EOF while parsing a value".
  if matches!(json.trim(), "" | "null") {
    return Err(Error::invalid_argument(format!(
      "{what}: expected an object, got null or undefined"
    )));
  }
  let value = parse(json).map_err(|e| {
    let path = e.path().to_string();
    let message = e.into_inner().to_string();
    if path == "." && message.starts_with("expected value") {
      // What serde says of a root it cannot take as the enum or struct it wants; for an object,
      // of one that names more than one of an enum's variants (both shapes of an argument).
      if let Ok(keys) = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(json)
        && keys.len() > 1
      {
        let keys: Vec<&str> = keys.keys().map(String::as_str).collect();
        let (last, rest) = keys.split_last().unwrap_or((&"", &[]));
        return Error::invalid_argument(format!(
          "{what}: has the keys {} and {last}; pass only one of them",
          rest.join(", ")
        ));
      }
      return Error::invalid_argument(format!("{what}: expected an object, got {}", describe(json)));
    }
    Error::invalid_argument(explain(&path, what, &message))
  })?;
  Ok(value)
}

/// Parses `json` as a `T`, straight from the text. serde alone first; only when that fails, once
/// more with the path tracked (which costs an allocation for every key), to say where.
pub(crate) fn parse<T: DeserializeOwned>(
  json: &str,
) -> std::result::Result<T, serde_path_to_error::Error<serde_json::Error>> {
  match serde_json::from_str(json) {
    Ok(value) => Ok(value),
    Err(_) => serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(json)),
  }
}

/// A JSON value's kind, in JavaScript words.
fn describe(json: &str) -> String {
  match json.trim_start().chars().next() {
    Some('[') => "an array".to_owned(),
    Some('"') => "a string".to_owned(),
    Some('t' | 'f') => "a boolean".to_owned(),
    Some(_) => format!("the number {}", json.trim()),
    None => "nothing".to_owned(),
  }
}

/// Rewrites serde's message for a JavaScript caller, with the path in front (`what` when the
/// problem is the argument itself).
fn explain(path: &str, what: &str, message: &str) -> String {
  let at_root = path == ".";
  // serde adds " at line 1 column 42": the position in our JSON text, meaningless to the caller.
  let message = message.split(" at line ").next().unwrap_or(message);
  if let Some(field) = between(message, "missing field `", "`") {
    return if at_root {
      format!("{field}: is required")
    } else {
      format!("{path}.{field}: is required")
    };
  }
  let path = if at_root { what } else { path };
  if let Some(field) = between(message, "unknown field `", "`") {
    // The path already ends with the unknown field.
    let known = alternatives(message);
    return match closest(field, &known) {
      Some(meant) => format!("{path}: is not a known field; did you mean {meant}?"),
      None => format!("{path}: is not a known field; the fields are {known}"),
    };
  }
  if ["surrogate", "hex escape", "unicode code point"]
    .iter()
    .any(|words| message.contains(words))
  {
    return format!("{path}: contains an unpaired UTF-16 surrogate (a broken character); pass well-formed text");
  }
  if let Some(rest) = message.strip_prefix("invalid value: ")
    && let Some((got, expected)) = rest.split_once(", expected ")
  {
    return format!("{path}: expected {}, got {}", js_type(expected), js_value(got));
  }
  if let Some(rest) = message.strip_prefix("invalid type: ")
    && let Some((got, expected)) = rest.split_once(", expected ")
  {
    return format!("{path}: expected {}, got {}", js_type(expected), js_value(got));
  }
  if let Some(variant) = between(message, "unknown variant `", "`") {
    return format!("{path}: {variant:?} is not one of {}", alternatives(message));
  }
  format!("{path}: {message}")
}

/// The known name `field` was most likely meant to be, if one is close enough.
fn closest<'a>(field: &str, known: &'a str) -> Option<&'a str> {
  let names: Vec<&str> = known
    .split([',', ' '])
    .filter(|name| !name.is_empty() && *name != "or")
    .collect();
  if let [only] = names.as_slice() {
    return Some(only);
  }
  names
    .into_iter()
    .map(|name| (strsim::jaro_winkler(&field.to_lowercase(), &name.to_lowercase()), name))
    .filter(|(score, _)| *score >= 0.85)
    .max_by(|a, b| a.0.total_cmp(&b.0))
    .map(|(_, name)| name)
}

/// serde's "expected one of `a`, `b`, `c`" (or "expected `a` or `b`") as "a, b or c".
fn alternatives(message: &str) -> String {
  let listed = message.split_once(", expected ").map_or("", |(_, rest)| rest);
  let names: Vec<&str> = listed
    .trim_start_matches("one of ")
    .split(['`', ','])
    .map(str::trim)
    .filter(|n| !n.is_empty() && *n != "or")
    .collect();
  match names.split_last() {
    Some((last, [])) => (*last).to_owned(),
    Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    None => "none".to_owned(),
  }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
  let rest = text.split_once(start)?.1;
  Some(rest.split_once(end)?.0)
}

/// serde's names for what it wanted, in JavaScript words.
fn js_type(expected: &str) -> &str {
  match expected {
    "a string" | "a borrowed string" => "a string",
    "u64" | "u32" | "usize" => "a whole number of 0 or more",
    "i64" | "i32" | "f64" => "a number",
    "a sequence" => "an array",
    "a map" => "an object",
    "a boolean" => "true or false",
    other if other.starts_with("struct ") || other.starts_with("enum ") => "an object",
    other => other,
  }
}

/// serde's description of what it got (`integer \`3\``), in JavaScript words.
fn js_value(got: &str) -> String {
  let quoted = between(got, "`", "`");
  match got.split(' ').next().unwrap_or(got) {
    "integer" | "floating" => format!("the number {}", quoted.unwrap_or("")),
    // serde quotes strings itself: `string "admin"`.
    "string" => format!("the string {}", got.trim_start_matches("string ")),
    "boolean" => quoted.unwrap_or("a boolean").to_owned(),
    "sequence" => "an array".to_owned(),
    "map" => "an object".to_owned(),
    "null" | "unit" => "null".to_owned(),
    _ => got.to_owned(),
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::types::SendUserInvites;

  fn message(json: &str) -> String {
    from_json::<SendUserInvites>(json, "args")
      .unwrap_err()
      .message()
      .to_owned()
  }

  #[test]
  fn names_the_path_and_the_types_in_javascript_words() {
    let wrong_type = r#"{"userInvites":{"userInvites":[{"createdByUserId":"u","email":3}]}}"#;
    assert_eq!(
      message(wrong_type),
      "userInvites.userInvites[0].email: expected a string, got the number 3"
    );
    let missing = r#"{"data":{"tenantId":"t","userInvites":[{"email":"a@b.co"}]}}"#;
    assert_eq!(message(missing), "data.userInvites[0].createdByUserId: is required");
    let not_a_list = r#"{"data":{"tenantId":"t","userInvites":{}}}"#;
    assert_eq!(
      message(not_a_list),
      "data.userInvites: expected an array, got an object"
    );
    assert_eq!(message("null"), "args: expected an object, got null or undefined");
    let options = from_json::<crate::ClientOptions>(r#"{"host":"h","environmentId":"e"}"#, "options").unwrap_err();
    assert_eq!(options.message(), "apiKey: is required");
    assert_eq!(message("[]"), "args: expected an object, got an array");
    assert_eq!(message("\"x\""), "args: \"x\" is not one of userInvites or data");
    let both = r#"{"userInvites":{"userInvites":[]},"data":{"tenantId":"t","userInvites":[]}}"#;
    assert_eq!(
      message(both),
      "args: has the keys data and userInvites; pass only one of them"
    );
  }

  #[test]
  fn explains_numbers_and_broken_text_in_javascript_words() {
    let options = |json: &str| {
      from_json::<crate::ClientOptions>(json, "options")
        .unwrap_err()
        .message()
        .to_owned()
    };
    let base = r#""host":"https://x.io","environmentId":"e","apiKey":"k""#;
    assert_eq!(
      options(&format!("{{{base},\"timeoutMs\":-1}}")),
      "timeoutMs: expected a whole number of 0 or more, got the number -1"
    );
    assert_eq!(
      options(&format!("{{{base},\"timeoutMs\":1.5}}")),
      "timeoutMs: expected a whole number of 0 or more, got the number 1.5"
    );
    assert_eq!(
      options(&format!("{{{base},\"timeOut\":5}}")),
      "timeOut: is not a known field; did you mean timeoutMs?"
    );
    let broken =
      r#"{"data":{"tenantId":"t","userInvites":[{"createdByUserId":"u","email":"a@b.co","firstName":"\ud800"}]}}"#;
    assert_eq!(
      message(broken),
      "data.userInvites[0].firstName: contains an unpaired UTF-16 surrogate (a broken character); pass well-formed text"
    );
  }

  #[test]
  fn names_the_path_past_raw_json_and_of_a_data_that_is_not_an_object() {
    let after_data = r#"{"data":{"tenantId":"t","userInvites":[{"injectableVariables":{"a":[1,{"b":2}]},"createdByUserId":"u","email":3}]}}"#;
    assert_eq!(
      message(after_data),
      "data.userInvites[0].email: expected a string, got the number 3"
    );
    let not_an_object = r#"{"userInvites":{"userInvites":[{"createdByUserId":"u","email":"a@b.co","data":[1]}]}}"#;
    assert_eq!(
      message(not_an_object),
      "userInvites.userInvites[0].data: expected an object, got an array"
    );
  }

  #[test]
  fn names_unknown_fields_and_what_was_expected() {
    let typo = r#"{"data":{"tenantId":"t","userInvites":[{"createdById":"u","email":"a@b.co"}]}}"#;
    let text = message(typo);
    assert!(
      text == "data.userInvites[0].createdById: is not a known field; did you mean createdByUserId?",
      "{text}"
    );
    assert!(text.contains("createdByUserId"), "{text}");
    assert!(message(r#"{"invites":{}}"#).contains("\"invites\" is not one of userInvites or data"));
  }
}
