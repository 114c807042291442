//! The first pass over a snapshot's text: that it is JSON, that no object in it, at any depth,
//! names a key twice, and what its `version` says. serde's derived structs refuse a repeated
//! field they know, but a `Map` or a `Value` (an invite's `data`, an event's `payload`) keeps the
//! last silently, while a reviewer of the file reads the first; so the whole text is walked once,
//! without building it, and a repeated key is refused with its path.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Why the text was refused: not JSON (serde_json's message), or a mistake of its own.
pub(super) enum Refusal {
  NotJson(serde_json::Error),
  Mistake(String),
}

/// Walks `text`; the root's `version`, if it has one.
pub(super) fn check(text: &[u8]) -> Result<Option<Value>, Refusal> {
  let mut mistake = None;
  let mut deserializer = serde_json::Deserializer::from_slice(text);
  let walked = Root {
    version: None,
    mistake: &mut mistake,
  };
  let version = deserializer
    .deserialize_any(walked)
    .and_then(|version| deserializer.end().map(|()| version));
  match (version, mistake) {
    (_, Some(mistake)) => Err(Refusal::Mistake(mistake)),
    (Ok(version), None) => Ok(version),
    (Err(error), None) => Err(Refusal::NotJson(error)),
  }
}

/// Where a value is: `invites[2].data.team`. Kept on the stack as the walk goes down, and
/// written only for a mistake.
struct At<'a> {
  parent: Option<&'a At<'a>>,
  step: Step<'a>,
}

enum Step<'a> {
  Key(&'a str),
  Index(usize),
}

impl fmt::Display for At<'_> {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if let Some(parent) = self.parent {
      parent.fmt(f)?;
    }
    match self.step {
      Step::Key(key) if self.parent.is_none() => f.write_str(key),
      Step::Key(key) => write!(f, ".{key}"),
      Step::Index(i) => write!(f, "[{i}]"),
    }
  }
}

fn twice(at: Option<&At>, key: &str) -> String {
  let what = format!(
    "{key:?} appears twice in one object; keep one (a reader of the file sees the first, the import would take the last)"
  );
  match at {
    Some(at) => format!("{at}: {what}"),
    None => what,
  }
}

/// The keys of one object seen so far: a list for the few keys of most objects, a set past them.
#[derive(Default)]
struct Seen<'de> {
  few: Vec<Cow<'de, str>>,
  many: HashSet<Cow<'de, str>>,
}

impl<'de> Seen<'de> {
  const FEW: usize = 16;

  /// False if `key` was seen already.
  fn insert(&mut self, key: Cow<'de, str>) -> bool {
    if self.many.is_empty() {
      if self.few.contains(&key) {
        return false;
      }
      if self.few.len() < Self::FEW {
        self.few.push(key);
        return true;
      }
      self.many.extend(self.few.drain(..));
    }
    self.many.insert(key)
  }
}

/// The root: an object, whose `version` is kept.
struct Root<'m> {
  version: Option<Value>,
  mistake: &'m mut Option<String>,
}

impl<'de> Visitor<'de> for Root<'_> {
  type Value = Option<Value>;

  fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
    f.write_str("a JSON object")
  }

  fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
    let mut seen = Seen::default();
    while let Some(key) = map.next_key_seed(Key)? {
      if !seen.insert(key.clone()) {
        *self.mistake = Some(twice(None, &key));
        return Err(de::Error::custom("a key appears twice"));
      }
      if key == "version" {
        self.version = Some(map.next_value()?);
      } else {
        let at = At {
          parent: None,
          step: Step::Key(&key),
        };
        map.next_value_seed(Walk {
          at: &at,
          mistake: self.mistake,
        })?;
      }
    }
    Ok(self.version)
  }

  fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
    Err(self.not_an_object())
  }
  fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
    Err(self.not_an_object())
  }
  fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
    Err(self.not_an_object())
  }
  fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
    Err(self.not_an_object())
  }
  fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
    Err(self.not_an_object())
  }
  fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
    Err(self.not_an_object())
  }
  fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
    Err(self.not_an_object())
  }
}

impl Root<'_> {
  fn not_an_object<E: de::Error>(self) -> E {
    *self.mistake = Some("expected a JSON object with \"version\", \"invites\", …".to_owned());
    E::custom("not an object")
  }
}

/// Any value below the root.
struct Walk<'a, 'm> {
  at: &'a At<'a>,
  mistake: &'m mut Option<String>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_, '_> {
  type Value = ();

  fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
    deserializer.deserialize_any(self)
  }
}

impl<'de> Visitor<'de> for Walk<'_, '_> {
  type Value = ();

  fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
    f.write_str("a JSON value")
  }

  fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
    let mut seen = Seen::default();
    while let Some(key) = map.next_key_seed(Key)? {
      if !seen.insert(key.clone()) {
        *self.mistake = Some(twice(Some(self.at), &key));
        return Err(de::Error::custom("a key appears twice"));
      }
      let at = At {
        parent: Some(self.at),
        step: Step::Key(&key),
      };
      map.next_value_seed(Walk {
        at: &at,
        mistake: self.mistake,
      })?;
    }
    Ok(())
  }

  fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
    let mut i = 0;
    loop {
      let at = At {
        parent: Some(self.at),
        step: Step::Index(i),
      };
      let walk = Walk {
        at: &at,
        mistake: self.mistake,
      };
      if seq.next_element_seed(walk)?.is_none() {
        return Ok(());
      }
      i += 1;
    }
  }

  fn visit_str<E>(self, _: &str) -> Result<(), E> {
    Ok(())
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
}

/// An object's key, borrowed from the text when it has no escape in it.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
  type Value = Cow<'de, str>;

  fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
    deserializer.deserialize_str(self)
  }
}

impl<'de> Visitor<'de> for Key {
  type Value = Cow<'de, str>;

  fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
    f.write_str("a key")
  }

  fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Self::Value, E> {
    Ok(Cow::Borrowed(key))
  }

  fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
    Ok(Cow::Owned(key.to_owned()))
  }

  fn visit_string<E>(self, key: String) -> Result<Self::Value, E> {
    Ok(Cow::Owned(key))
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn mistake(text: &str) -> String {
    match check(text.as_bytes()) {
      Err(Refusal::Mistake(mistake)) => mistake,
      Err(Refusal::NotJson(error)) => format!("not JSON: {error}"),
      Ok(version) => format!("fine: {version:?}"),
    }
  }

  #[test]
  fn a_key_twice_in_any_object_is_refused_by_its_path() {
    let why =
      " appears twice in one object; keep one (a reader of the file sees the first, the import would take the last)";
    for (text, path) in [
      (r#"{"version": 1, "invites": [], "invites": []}"#, r#""invites""#),
      (r#"{"version": 1, "version": 1}"#, r#""version""#),
      (
        r#"{"invites": [{}, {}, {"data": {"team": {"name": "a", "size": 2, "name": "b"}}}]}"#,
        r#"invites[2].data.team: "name""#,
      ),
      (
        r#"{"invites": [{"history": [{"payload": {"data": {"current": {"x": [1, {"k": 1, "k": 2}]}}}}]}]}"#,
        r#"invites[0].history[0].payload.data.current.x[1]: "k""#,
      ),
      // An escape does not hide a repeat: "\u0061" is "a".
      (r#"{"a": {"a": 1, "\u0061": 2}}"#, r#"a: "a""#),
    ] {
      assert_eq!(mistake(text), format!("{path}{why}"), "{text}");
    }
    // Past the few keys kept in a list: the set.
    let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
    let text = format!(r#"{{"data": {{{}, "k33": 0}}}}"#, many.join(", "));
    assert_eq!(mistake(&text), format!(r#"data: "k33"{why}"#));
  }

  #[test]
  fn the_version_is_read_and_anything_but_an_object_is_refused() {
    assert_eq!(
      mistake(r#"{"invites": [{"a": 1}], "version": 1}"#),
      "fine: Some(Number(1))"
    );
    assert_eq!(mistake(r#"{"invites": []}"#), "fine: None");
    for text in ["[]", "1", "\"a\"", "null", "true"] {
      assert_eq!(
        mistake(text),
        "expected a JSON object with \"version\", \"invites\", …",
        "{text}"
      );
    }
    assert!(mistake("{\"version\": 1} x").starts_with("not JSON: trailing characters"));
    assert!(mistake("\0\0\0").starts_with("not JSON: expected value"));
  }
}
