//! `JsonObject` (the schema's scalar for `data` and `injectableVariables`): a caller's JSON
//! object, kept as the text it came in. We check it and pass it on; we never rebuild it, so
//! numbers, key order and escapes reach the platform exactly as the caller wrote them.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// A JSON object, as its text.
#[derive(Clone, Serialize)]
#[serde(transparent)]
pub struct JsonObject(Box<RawValue>);

impl JsonObject {
  /// The object's JSON text, as it came.
  pub fn as_str(&self) -> &str {
    self.0.get()
  }

  /// The JSON of `value`, if it is an object.
  pub fn from_value(value: &impl Serialize) -> serde_json::Result<Self> {
    serde_json::from_str(&serde_json::to_string(value)?)
  }

  /// The object as a `serde_json` map, to read it.
  pub fn to_map(&self) -> serde_json::Map<String, serde_json::Value> {
    serde_json::from_str(self.as_str()).unwrap_or_default()
  }

  /// Whether the object has no NUL character in it, no key that is a JavaScript prototype key,
  /// and no value nested deeper than `max_depth`: one pass over the text, nothing built. When it
  /// is false, `validate` walks the object again to say where.
  pub(crate) fn is_clean(&self, prototype_keys: &[&str], max_depth: usize) -> bool {
    let scan = Scan {
      prototype_keys,
      depth: 0,
      max_depth,
    };
    scan
      .deserialize(&mut serde_json::Deserializer::from_str(self.as_str()))
      .is_ok()
  }
}

impl<'de> Deserialize<'de> for JsonObject {
  fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
    let raw = Box::<RawValue>::deserialize(deserializer)?;
    if raw.get().starts_with('{') {
      return Ok(Self(raw));
    }
    // Not an object: serde's own words for what it is ("invalid type: sequence, expected a map").
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(raw.get()) {
      Err(error) => Err(de::Error::custom(error)),
      Ok(_) => Ok(Self(raw)),
    }
  }
}

/// Two objects are equal when their texts are.
impl PartialEq for JsonObject {
  fn eq(&self, other: &Self) -> bool {
    self.as_str() == other.as_str()
  }
}

/// Its text: `data` is the caller's, not a secret.
impl fmt::Debug for JsonObject {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(self.as_str())
  }
}

/// The pass of [`JsonObject::is_clean`]: a visitor that fails at the first thing it must not let
/// through, and keeps nothing.
#[derive(Clone, Copy)]
struct Scan<'a> {
  prototype_keys: &'a [&'a str],
  depth: usize,
  max_depth: usize,
}

impl Scan<'_> {
  fn deeper<E: de::Error>(self) -> Result<Self, E> {
    if self.depth >= self.max_depth {
      return Err(E::custom("too deep"));
    }
    Ok(Self {
      depth: self.depth + 1,
      ..self
    })
  }
}

fn no_nul<E: de::Error>(text: &str) -> Result<(), E> {
  if text.contains('\0') {
    return Err(E::custom("NUL"));
  }
  Ok(())
}

impl<'de> DeserializeSeed<'de> for Scan<'_> {
  type Value = ();

  fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
    deserializer.deserialize_any(self)
  }
}

impl<'de> Visitor<'de> for Scan<'_> {
  type Value = ();

  fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("any JSON value")
  }

  fn visit_bool<E>(self, _: bool) -> Result<(), E> {
    Ok(())
  }

  fn visit_i64<E>(self, _: i64) -> Result<(), E> {
    Ok(())
  }

  fn visit_u64<E>(self, _: u64) -> Result<(), E> {
    Ok(())
  }

  fn visit_f64<E>(self, _: f64) -> Result<(), E> {
    Ok(())
  }

  fn visit_unit<E>(self) -> Result<(), E> {
    Ok(())
  }

  fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
    no_nul(text)
  }

  fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
    let inner = self.deeper()?;
    while items.next_element_seed(inner)?.is_some() {}
    Ok(())
  }

  fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<(), A::Error> {
    let inner = self.deeper()?;
    while entries.next_key_seed(Key(self.prototype_keys))?.is_some() {
      entries.next_value_seed(inner)?;
    }
    Ok(())
  }
}

/// A key of an object: no NUL, and not a prototype key.
struct Key<'a>(&'a [&'a str]);

impl<'de> DeserializeSeed<'de> for Key<'_> {
  type Value = ();

  fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
    deserializer.deserialize_str(self)
  }
}

impl<'de> Visitor<'de> for Key<'_> {
  type Value = ();

  fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("a key")
  }

  fn visit_str<E: de::Error>(self, key: &str) -> Result<(), E> {
    if self.0.contains(&key) {
      return Err(E::custom("prototype key"));
    }
    no_nul(key)
  }
}

/// In TypeScript, `JsonObject` (declared beside the generated types, in types.d.ts).
#[cfg(feature = "typescript")]
impl ts_rs::TS for JsonObject {
  type WithoutGenerics = Self;
  type OptionInnerType = Self;

  fn name(_: &ts_rs::Config) -> String {
    "JsonObject".into()
  }

  fn inline(cfg: &ts_rs::Config) -> String {
    Self::name(cfg)
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn object(json: &str) -> serde_json::Result<JsonObject> {
    serde_json::from_str(json)
  }

  #[test]
  fn keeps_the_text_as_it_came() {
    let text = r#"{"b":1.50,"a":"\u00e9","n":12345678901234567890}"#;
    assert_eq!(object(text).unwrap().as_str(), text);
    assert_eq!(serde_json::to_string(&object(text).unwrap()).unwrap(), text);
  }

  #[test]
  fn takes_only_objects() {
    for json in ["[1]", "\"x\"", "3", "true"] {
      let error = object(json).unwrap_err().to_string();
      assert!(error.contains("expected a map"), "{json}: {error}");
    }
  }

  #[test]
  fn finds_what_must_not_pass_in_one_scan() {
    let clean = |json: &str| object(json).unwrap().is_clean(&["__proto__"], 3);
    assert!(clean(r#"{"a":{"b":[1,"x",null]}}"#));
    assert!(!clean(r#"{"a":{"__proto__":1}}"#));
    assert!(!clean(r#"{"\u005f_proto__":1}"#));
    assert!(!clean(r#"{"a":"x\u0000"}"#));
    assert!(!clean(r#"{"a\u0000":1}"#));
    assert!(clean(r#"{"a":{"b":{"c":1}}}"#));
    assert!(!clean(r#"{"a":{"b":{"c":{"d":1}}}}"#));
  }
}
