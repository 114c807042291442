//! The limits on the details a person is given by: names, a locale, and an invite's data, wherever
//! they are given (a send, an update, a session, a snapshot), by the rulebook's limits.

use serde_json::{Map, Value};

use roq_rules::{MAX_DATA_BYTES, MAX_DATA_DEPTH, MAX_LOCALE, MAX_NAME};

/// The limits on an invite's names, locale and data, when it is created or updated.
pub(crate) fn check_details(
  first_name: Option<&str>,
  last_name: Option<&str>,
  locale: Option<&str>,
  data: Option<&Map<String, Value>>,
) -> Result<(), String> {
  for (field, value, max) in [
    ("firstName", first_name, MAX_NAME),
    ("lastName", last_name, MAX_NAME),
    ("locale", locale, MAX_LOCALE),
  ] {
    if value.is_some_and(|v| v.chars().count() > max) {
      return Err(format!("{field} is longer than {max} characters"));
    }
  }
  if data.is_some_and(|d| serde_json::to_string(d).map_or(0, |t| t.len()) > MAX_DATA_BYTES) {
    return Err(format!("data is larger than {} KiB", MAX_DATA_BYTES / 1024));
  }
  if data.is_some_and(|d| d.values().any(|value| deeper_than(value, MAX_DATA_DEPTH - 1))) {
    return Err(format!("data is nested more than {MAX_DATA_DEPTH} levels deep"));
  }
  Ok(())
}

/// Whether `value` holds a value more than `levels` levels below it (the rulebook's depth: the
/// values of `data` itself are one level down, as the client counts).
fn deeper_than(value: &Value, levels: usize) -> bool {
  let mut children: Box<dyn Iterator<Item = &Value>> = match value {
    Value::Array(items) => Box::new(items.iter()),
    Value::Object(map) => Box::new(map.values()),
    _ => return false,
  };
  match levels.checked_sub(1) {
    None => children.next().is_some(),
    Some(below) => children.any(|child| deeper_than(child, below)),
  }
}

#[cfg(test)]
mod tests {
  use serde_json::json;

  use super::*;

  #[test]
  fn data_nests_at_most_as_deep_as_the_client_allows() {
    let nested = |levels: usize| {
      let mut value = json!(1);
      for _ in 0..levels {
        value = json!({ "a": value });
      }
      value.as_object().unwrap().clone()
    };
    // `data` with a value 32 levels down (as the client counts: its own values are 1 down).
    assert!(check_details(None, None, None, Some(&nested(32))).is_ok());
    assert!(
      check_details(
        None,
        None,
        None,
        Some(&json!({ "a": [[{}]] }).as_object().unwrap().clone())
      )
      .is_ok()
    );
    assert_eq!(
      check_details(None, None, None, Some(&nested(33))).unwrap_err(),
      "data is nested more than 32 levels deep"
    );
  }
}
