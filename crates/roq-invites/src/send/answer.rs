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

/// One created invite: every field [`UserInvite`] has, each checked to be of its type and kept as
/// its JSON text (`None` for `null` or absent).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AnsweredInvite<'a> {
  #[serde(borrow)]
  id: Text<'a>,
  #[serde(borrow)]
  email: Text<'a>,
  #[serde(borrow, default)]
  first_name: Option<Text<'a>>,
  #[serde(borrow, default)]
  last_name: Option<Text<'a>>,
  #[serde(borrow, default)]
  locale: Option<Text<'a>>,
  #[serde(borrow, default)]
  data: Option<Object<'a>>,
  status: UserInviteStatus,
  #[serde(borrow, default)]
  status_updated_at: Option<Text<'a>>,
  #[serde(borrow)]
  created_by_user_id: Text<'a>,
  #[serde(borrow, default)]
  accepted_by_user_id: Option<Text<'a>>,
  #[serde(borrow, default)]
  tenant_id: Option<Text<'a>>,
  #[serde(borrow, default)]
  role_keys: Option<Texts<'a>>,
  #[serde(borrow)]
  user_token_id: Text<'a>,
  #[serde(borrow)]
  created_at: Text<'a>,
  #[serde(borrow, default)]
  updated_at: Option<Text<'a>>,
}

impl AnsweredInvite<'_> {
  /// Appends the invite as the JSON array `lib/client.js`'s `sentInvite` reads: the fields in
  /// `UserInvite`'s order, then `index` and `outcome` (`"created"`).
  pub(super) fn write_json(&self, index: usize, out: &mut String) {
    out.push('[');
    let text = |out: &mut String, value: Option<&RawValue>| {
      out.push_str(value.map_or("null", RawValue::get));
      out.push(',');
    };
    text(out, Some(self.id.0));
    text(out, Some(self.email.0));
    text(out, self.first_name.as_ref().map(|t| t.0));
    text(out, self.last_name.as_ref().map(|t| t.0));
    text(out, self.locale.as_ref().map(|t| t.0));
    text(out, self.data.as_ref().map(|t| t.0));
    out.push('"');
    out.push_str(self.status.as_str());
    out.push_str("\",");
    text(out, self.status_updated_at.as_ref().map(|t| t.0));
    text(out, Some(self.created_by_user_id.0));
    text(out, self.accepted_by_user_id.as_ref().map(|t| t.0));
    text(out, self.tenant_id.as_ref().map(|t| t.0));
    text(out, self.role_keys.as_ref().map(|t| t.0));
    text(out, Some(self.user_token_id.0));
    text(out, Some(self.created_at.0));
    text(out, self.updated_at.as_ref().map(|t| t.0));
    let _ = write!(out, "{index}");
    out.push_str(",\"created\"]");
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
  use crate::types::UserInvite;

  /// `UserInvite`'s fields, in the order `write_json` writes them (and `lib/client.js` reads them).
  const FIELDS: [&str; 15] = [
    "id",
    "email",
    "firstName",
    "lastName",
    "locale",
    "data",
    "status",
    "statusUpdatedAt",
    "createdByUserId",
    "acceptedByUserId",
    "tenantId",
    "roleKeys",
    "userTokenId",
    "createdAt",
    "updatedAt",
  ];

  /// The invite `write_json` wrote, as the object of its fields.
  fn written(invite: &AnsweredInvite) -> Value {
    let mut array = String::new();
    invite.write_json(0, &mut array);
    let values: Vec<Value> = serde_json::from_str(&array).unwrap();
    FIELDS.iter().map(|f| f.to_string()).zip(values).collect()
  }

  const INVITE: &str = r#"{"acceptedByUserId":null,"createdAt":"2024-01-01T00:00:00.000Z","createdByUserId":"u1","data":{"team":"Blue \"B\""},"email":"Ada\u0040example.com","firstName":"Ada","id":"i1","locale":"en-US","lastName":null,"roleKeys":["member"],"status":"pending","statusUpdatedAt":"2024-01-01T00:00:00.000Z","tenantId":"t1","updatedAt":"2024-01-01T00:00:00.000Z","userTokenId":"k1","extra":5}"#;

  #[test]
  fn reads_each_field_as_the_typed_model_does() {
    let json = format!(r#"{{"success":[{INVITE}],"errors":[]}}"#);
    let answer = serde_json::from_str::<SendAnswer>(&json).unwrap();
    let invite = &answer.success.as_ref().unwrap()[0];
    let typed: UserInvite = serde_json::from_str(INVITE).unwrap();
    assert_eq!(written(invite), serde_json::to_value(typed).unwrap());
    assert_eq!(invite.email(), "Ada@example.com");
    let mut out = String::new();
    invite.write_json(7, &mut out);
    assert!(out.ends_with(r#""2024-01-01T00:00:00.000Z",7,"created"]"#), "{out}");
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
