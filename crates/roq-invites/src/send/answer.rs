//! The send mutations' answer, read in place: each created invite's fields are checked as
//! [`UserInvite`] reads them, but kept as the JSON text they came in, so that a caller who takes
//! results as JSON (the Node binding) gets them written from the platform's bytes, not rebuilt
//! from a copy of every string (which was most of a send's CPU).

use std::borrow::Cow;
use std::fmt::Write;

use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::value::RawValue;

use super::attribution::Answered;
use crate::types::{CreateUserInviteError, UserInviteStatus};

/// `CreateUserInvitesModel`, borrowed from the answer's text.
#[derive(Deserialize)]
pub(super) struct SendAnswer<'a> {
  #[serde(borrow, default)]
  pub success: Option<Vec<AnsweredInvite<'a>>>,
  #[serde(default)]
  pub errors: Option<Vec<CreateUserInviteError>>,
}

/// The created invite's fields, listed once: each one's JSON name, how it is read, and its place
/// in the array [`AnsweredInvite::write_json`] writes. The list makes the struct, the writer and
/// [`SENT_INVITE_FIELDS`], from which `npm run types` generates lib/sent-invite.js, the reader on
/// the JavaScript side; so the two sides cannot disagree on which position is which field.
macro_rules! answered_invite {
  ($($(#[$attr:meta])* $name:literal => $field:ident: $type:ty,)*) => {
    /// One created invite: every field [`UserInvite`](crate::types::UserInvite) has, each checked
    /// to be of its type and kept as its JSON text (`None` for `null` or absent).
    #[derive(Deserialize)]
    pub(super) struct AnsweredInvite<'a> {
      $($(#[$attr])* #[serde(rename = $name)] $field: $type,)*
    }

    /// The names of a created invite's fields in the order the binding writes them, as an array
    /// per invite (see [`SentJson`](crate::SentJson)): `UserInvite`'s fields in their declared
    /// order, then `index` and `outcome`. lib/sent-invite.js, which reads the arrays back into
    /// objects, is generated from it.
    pub const SENT_INVITE_FIELDS: &[&str] = &[$($name,)* "index", "outcome"];

    impl AnsweredInvite<'_> {
      /// Appends the invite as the JSON array lib/sent-invite.js reads: the fields in
      /// [`SENT_INVITE_FIELDS`]' order, then `index` and `outcome` (`"created"`).
      pub(super) fn write_json(&self, index: usize, out: &mut String) {
        out.push('[');
        $(
          self.$field.write_json(out);
          out.push(',');
        )*
        let _ = write!(out, "{index}");
        out.push_str(",\"created\"]");
      }
    }
  };
}

answered_invite! {
  #[serde(borrow)]
  "id" => id: Text<'a>,
  #[serde(borrow)]
  "email" => email: Text<'a>,
  #[serde(borrow, default)]
  "firstName" => first_name: Option<Text<'a>>,
  #[serde(borrow, default)]
  "lastName" => last_name: Option<Text<'a>>,
  #[serde(borrow, default)]
  "locale" => locale: Option<Text<'a>>,
  #[serde(borrow, default)]
  "data" => data: Option<Object<'a>>,
  "status" => status: UserInviteStatus,
  #[serde(borrow, default)]
  "statusUpdatedAt" => status_updated_at: Option<Text<'a>>,
  #[serde(borrow)]
  "createdByUserId" => created_by_user_id: Text<'a>,
  #[serde(borrow, default)]
  "acceptedByUserId" => accepted_by_user_id: Option<Text<'a>>,
  #[serde(borrow, default)]
  "tenantId" => tenant_id: Option<Text<'a>>,
  #[serde(borrow, default)]
  "roleKeys" => role_keys: Option<Texts<'a>>,
  #[serde(borrow)]
  "userTokenId" => user_token_id: Text<'a>,
  #[serde(borrow)]
  "createdAt" => created_at: Text<'a>,
  #[serde(borrow, default)]
  "updatedAt" => updated_at: Option<Text<'a>>,
}

/// A field, written into the array as the JSON text it came in.
trait WriteJson {
  fn write_json(&self, out: &mut String);
}

impl<const FIRST: u8> WriteJson for Raw<'_, FIRST> {
  fn write_json(&self, out: &mut String) {
    out.push_str(self.0.get());
  }
}

impl WriteJson for Texts<'_> {
  fn write_json(&self, out: &mut String) {
    out.push_str(self.0.get());
  }
}

impl WriteJson for UserInviteStatus {
  fn write_json(&self, out: &mut String) {
    out.push('"');
    out.push_str(self.as_str());
    out.push('"');
  }
}

impl<T: WriteJson> WriteJson for Option<T> {
  fn write_json(&self, out: &mut String) {
    match self {
      Some(value) => value.write_json(out),
      None => out.push_str("null"),
    }
  }
}

impl Answered for AnsweredInvite<'_> {
  fn email(&self) -> Cow<'_, str> {
    self.email.decoded()
  }
}

/// A JSON value of the kind whose text starts with `FIRST`, as its text.
struct Raw<'a, const FIRST: u8>(&'a RawValue);

/// A JSON string, as its text (quotes and escapes included).
type Text<'a> = Raw<'a, b'"'>;

/// A JSON object (the schema's `JsonObject`), as its text.
type Object<'a> = Raw<'a, b'{'>;

impl<'a> Text<'a> {
  /// The string it stands for: the text between the quotes when it has no escape in it.
  fn decoded(&self) -> Cow<'a, str> {
    let text = self.0.get();
    match text.get(1..text.len() - 1) {
      Some(inner) if !inner.contains('\\') => Cow::Borrowed(inner),
      // The text was read as a JSON string, so it reads as one again.
      _ => Cow::Owned(serde_json::from_str(text).unwrap_or_default()),
    }
  }
}

impl<'de: 'a, 'a, const FIRST: u8> Deserialize<'de> for Raw<'a, FIRST> {
  fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
    let raw = <&RawValue>::deserialize(deserializer)?;
    if raw.get().as_bytes().first() == Some(&FIRST) {
      return Ok(Self(raw));
    }
    let expected = if FIRST == b'"' { "a string" } else { "an object" };
    Err(de::Error::custom(format!("expected {expected}")))
  }
}

/// A JSON array of strings, as its text.
struct Texts<'a>(&'a RawValue);

impl<'de: 'a, 'a> Deserialize<'de> for Texts<'a> {
  fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
    let raw = <&RawValue>::deserialize(deserializer)?;
    // Each element checked to be a string; role keys are few.
    serde_json::from_str::<Vec<Text<'_>>>(raw.get()).map_err(de::Error::custom)?;
    Ok(Self(raw))
  }
}

#[cfg(test)]
mod tests {
  use serde_json::Value;

  use super::*;
  use crate::types::{InviteOutcome, SentInvite, UserInvite};

  /// The invite `write_json` wrote, as the object of its fields.
  fn written(invite: &AnsweredInvite) -> Value {
    let mut array = String::new();
    invite.write_json(0, &mut array);
    let values: Vec<Value> = serde_json::from_str(&array).unwrap();
    SENT_INVITE_FIELDS.iter().map(|f| f.to_string()).zip(values).collect()
  }

  const INVITE: &str = r#"{"acceptedByUserId":null,"createdAt":"2024-01-01T00:00:00.000Z","createdByUserId":"u1","data":{"team":"Blue \"B\""},"email":"Ada\u0040example.com","firstName":"Ada","id":"i1","locale":"en-US","lastName":null,"roleKeys":["member"],"status":"pending","statusUpdatedAt":"2024-01-01T00:00:00.000Z","tenantId":"t1","updatedAt":"2024-01-01T00:00:00.000Z","userTokenId":"k1","extra":5}"#;

  #[test]
  fn reads_each_field_as_the_typed_model_does() {
    let json = format!(r#"{{"success":[{INVITE}],"errors":[]}}"#);
    let answer = serde_json::from_str::<SendAnswer>(&json).unwrap();
    let invite = &answer.success.as_ref().unwrap()[0];
    let typed = SentInvite {
      invite: serde_json::from_str(INVITE).unwrap(),
      index: 0,
      outcome: InviteOutcome::Created,
    };
    assert_eq!(written(invite), serde_json::to_value(typed).unwrap());
    assert_eq!(invite.email(), "Ada@example.com");
    let mut out = String::new();
    invite.write_json(7, &mut out);
    assert!(out.ends_with(r#""2024-01-01T00:00:00.000Z",7,"created"]"#), "{out}");
  }

  /// The keys of a JSON object, in the order they are written.
  fn keys_in_order(json: &str) -> Vec<String> {
    struct Keys(Vec<String>);
    impl<'de> Deserialize<'de> for Keys {
      fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
          type Value = Keys;
          fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
          }
          fn visit_map<M: de::MapAccess<'de>>(self, mut map: M) -> Result<Keys, M::Error> {
            let mut keys = Vec::new();
            while let Some((key, de::IgnoredAny)) = map.next_entry::<String, de::IgnoredAny>()? {
              keys.push(key);
            }
            Ok(Keys(keys))
          }
        }
        deserializer.deserialize_map(Visitor)
      }
    }
    serde_json::from_str::<Keys>(json).unwrap().0
  }

  #[test]
  fn the_fields_are_in_the_order_a_typed_sent_invite_writes_them() {
    // The arrays and the typed results (refusals' neighbours, invites found after a lost answer)
    // reach JavaScript as objects of one shape, keys in one order.
    let typed = SentInvite {
      invite: serde_json::from_str::<UserInvite>(INVITE).unwrap(),
      index: 3,
      outcome: InviteOutcome::Resent,
    };
    assert_eq!(
      keys_in_order(&serde_json::to_string(&typed).unwrap()),
      SENT_INVITE_FIELDS
    );
  }

  #[test]
  fn absent_and_null_fields_are_null() {
    let json = r#"{"success":[{"id":"i","email":"a@x.io","status":"accepted","createdByUserId":"u","userTokenId":"k","createdAt":"c"}]}"#;
    let answer = serde_json::from_str::<SendAnswer>(json).unwrap();
    let mut out = String::new();
    answer.success.as_ref().unwrap()[0].write_json(0, &mut out);
    assert_eq!(
      out,
      r#"["i","a@x.io",null,null,null,null,"accepted",null,"u",null,null,null,"k","c",null,0,"created"]"#
    );
  }

  #[test]
  fn refuses_what_the_typed_model_refuses() {
    let with = |field: &str, value: &str| {
      let mut invite: serde_json::Map<String, serde_json::Value> = serde_json::from_str(INVITE).unwrap();
      invite.insert(field.into(), serde_json::from_str(value).unwrap());
      let json = format!(r#"{{"success":[{}]}}"#, serde_json::Value::Object(invite));
      let typed = serde_json::from_str::<crate::types::CreateUserInvitesModel>(&json).is_ok();
      (serde_json::from_str::<SendAnswer>(&json).is_ok(), typed)
    };
    for (field, value) in [
      ("id", "5"),
      ("email", "null"),
      ("firstName", "[]"),
      ("data", "\"x\""),
      ("data", "[1]"),
      ("status", "\"gone\""),
      ("roleKeys", "[1]"),
      ("roleKeys", "\"member\""),
      ("createdAt", "null"),
      ("userTokenId", "{}"),
    ] {
      assert_eq!(with(field, value), (false, false), "{field}: {value}");
    }
    for (field, value) in [
      ("firstName", "null"),
      ("data", "{}"),
      ("roleKeys", "[]"),
      ("status", "\"expired\""),
    ] {
      assert_eq!(with(field, value), (true, true), "{field}: {value}");
    }
    let missing = r#"{"success":[{"id":"i","email":"a@x.io","status":"pending"}]}"#;
    assert!(serde_json::from_str::<SendAnswer>(missing).is_err());
  }
}
