//! Checks of what a caller passes beyond its types, before anything is sent.
//!
//! A problem with the call itself (an empty list, a name longer than the platform keeps, a NUL
//! character, a key that would pollute JavaScript prototypes) rejects the whole call with
//! `INVALID_ARGUMENT` and the field's path. A bad address is a problem of one entry: it is
//! reported with its index, and the other entries are sent.

use std::fmt::Display;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::types::{AcceptUserInvite, EntryView, JsonObject, SendUserInvites, UpdateUserInviteArgs};

use roq_rules::{
  IdProblem, MAX_DATA_BYTES, MAX_DATA_DEPTH, MAX_ID, MAX_INVITES_PER_CALL, MAX_LOCALE, MAX_NAME, MAX_ROLES, check_id,
};

/// Keys that, once parsed into a JavaScript object, can change its prototype.
const PROTOTYPE_KEYS: [&str; 3] = ["__proto__", "constructor", "prototype"];

// Paths are `Display`, not `String`: a path is written only when there is a problem to report,
// not for every field of every entry of a list of thousands.

fn invalid(path: &dyn Display, problem: impl Display) -> Error {
  Error::invalid_argument(format!("{path}: {problem}"))
}

/// `list[index]`.
struct Item<'a>(&'a dyn Display, usize);

impl Display for Item<'_> {
  fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    write!(f, "{}[{}]", self.0, self.1)
  }
}

/// Checks a whole send; the first problem found is the error.
pub(crate) fn check_send(request: &SendUserInvites) -> Result<()> {
  let root = request.root();
  let list = format!("{root}.userInvites");
  if request.is_empty() {
    return Err(invalid(&list, "must not be empty; pass at least one invite"));
  }
  if request.len() > MAX_INVITES_PER_CALL {
    return Err(invalid(
      &list,
      format!(
        "has {} invites; at most {MAX_INVITES_PER_CALL} can be sent in one call: split the list",
        request.len()
      ),
    ));
  }
  // V2's tenant is required by its type: it is always there to check.
  optional_id(&format_args!("{root}.tenantId"), request.list_tenant_id())?;
  for index in 0..request.len() {
    check_entry(&Item(&list, index), &request.entry(index))?;
  }
  Ok(())
}

/// One entry, whichever generation it came in, each field under the name the caller used.
fn check_entry(entry: &Item, e: &EntryView) -> Result<()> {
  id(&format_args!("{entry}.createdByUserId"), e.created_by_user_id)?;
  no_nul(&format_args!("{entry}.email"), e.email)?;
  text(&format_args!("{entry}.firstName"), e.first_name, MAX_NAME)?;
  text(&format_args!("{entry}.lastName"), e.last_name, MAX_NAME)?;
  text(&format_args!("{entry}.locale"), e.locale, MAX_LOCALE)?;
  if let Some(locale) = e
    .locale
    .filter(|l| !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
  {
    return Err(invalid(
      &format_args!("{entry}.locale"),
      format!("{locale:?} is not a locale; pass a language tag like \"en-US\""),
    ));
  }
  if let Some(roles) = e.roles {
    if roles.len() > MAX_ROLES {
      return Err(invalid(
        &format_args!("{entry}.roles"),
        format!("has {} roles; at most {MAX_ROLES} are allowed", roles.len()),
      ));
    }
    for (i, role) in roles.iter().enumerate() {
      id(&Item(&format_args!("{entry}.roles"), i), role)?;
    }
  }
  optional_id(&format_args!("{entry}.tenantId"), e.own_tenant_id)?;
  let (name, data) = e.data;
  check_data(&format_args!("{entry}.{name}"), data)
}

/// The token of `acceptUserInvite`, under the key the caller used.
pub(crate) fn check_accept(args: &AcceptUserInvite) -> Result<()> {
  match args {
    AcceptUserInvite::V1(t) => id(&"acceptUserInvite.token", &t.token),
    AcceptUserInvite::V2(t) => id(&"data.token", &t.token),
  }
}

/// `updateUserInvite`: the id, and the changed fields by the rules of a send.
pub(crate) fn check_update(args: &UpdateUserInviteArgs) -> Result<()> {
  id(&"id", &args.id)?;
  let change = &args.user_invite;
  optional_id(&"userInvite.acceptedByUserId", change.accepted_by_user_id.as_deref())?;
  text(&"userInvite.firstName", change.first_name.as_deref(), MAX_NAME)?;
  text(&"userInvite.lastName", change.last_name.as_deref(), MAX_NAME)?;
  text(&"userInvite.locale", change.locale.as_deref(), MAX_LOCALE)?;
  check_data(&"userInvite.data", change.data.as_ref())
}

/// A required id or token, by the rulebook's rule (`check_id`), which the emulator keeps too:
/// not blank, not too long, no NUL, and sent exactly as given.
pub(crate) fn id(path: &dyn Display, value: &str) -> Result<()> {
  match check_id(value) {
    Ok(()) => Ok(()),
    Err(IdProblem::Blank) => Err(invalid(path, "must not be empty")),
    Err(IdProblem::Nul) => Err(invalid(path, NUL)),
    Err(IdProblem::TooLong { length }) => Err(invalid(
      path,
      format!("is {length} characters long; at most {MAX_ID} are allowed"),
    )),
  }
}

fn optional_id(path: &dyn Display, value: Option<&str>) -> Result<()> {
  value.map_or(Ok(()), |v| id(path, v))
}

fn text(path: &dyn Display, value: Option<&str>, max: usize) -> Result<()> {
  let Some(value) = value else { return Ok(()) };
  no_nul(path, value)?;
  // Bytes first: a text of at most `max` bytes has at most `max` characters.
  if value.len() <= max {
    return Ok(());
  }
  let length = value.chars().count();
  if length > max {
    return Err(invalid(
      path,
      format!("is {length} characters long; at most {max} are allowed"),
    ));
  }
  Ok(())
}

const NUL: &str = "contains a NUL character (\\u0000); remove it";

fn no_nul(path: &dyn Display, value: &str) -> Result<()> {
  if value.contains('\0') {
    return Err(invalid(path, NUL));
  }
  Ok(())
}

/// `data` and `injectableVariables`: small, not too deep, and free of prototype keys and NULs.
fn check_data(path: &dyn Display, data: Option<&JsonObject>) -> Result<()> {
  let Some(data) = data else { return Ok(()) };
  let size = data.as_str().len();
  if size > MAX_DATA_BYTES {
    return Err(invalid(
      path,
      format!(
        "is {size} bytes as JSON; at most {} KiB are allowed",
        MAX_DATA_BYTES / 1024
      ),
    ));
  }
  if data.is_clean(&PROTOTYPE_KEYS, MAX_DATA_DEPTH) {
    return Ok(());
  }
  // Something is wrong: walk it again, slowly, to say what and where.
  check_value(&path.to_string(), &Value::Object(data.to_map()), 0)
}

fn check_value(path: &str, value: &Value, depth: usize) -> Result<()> {
  if depth > MAX_DATA_DEPTH {
    return Err(invalid(
      &path,
      format!("is nested more than {MAX_DATA_DEPTH} levels deep"),
    ));
  }
  match value {
    Value::String(text) => no_nul(&path, text),
    Value::Array(items) => items
      .iter()
      .enumerate()
      .try_for_each(|(i, v)| check_value(&format!("{path}[{i}]"), v, depth + 1)),
    Value::Object(map) => map.iter().try_for_each(|(key, v)| {
      let path = format!("{path}.{key}");
      if PROTOTYPE_KEYS.contains(&key.as_str()) {
        return Err(invalid(
          &path,
          "is not allowed as a key: it can replace the prototype of objects in JavaScript; rename it",
        ));
      }
      no_nul(&path, key)?;
      check_value(&path, v, depth + 1)
    }),
    _ => Ok(()),
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::input::from_json;

  fn check(json: &str) -> Result<()> {
    check_send(&from_json::<SendUserInvites>(json, "args")?)
  }

  fn message(json: &str) -> String {
    check(json).unwrap_err().message().to_owned()
  }

  #[test]
  fn accepts_a_plain_send() {
    assert!(check(r#"{"data":{"tenantId":"t","userInvites":[{"createdByUserId":"u","email":"a@b.co","locale":"en-US","roles":["member"],"injectableVariables":{"team":{"name":"Blue"}}}]}}"#).is_ok());
  }

  #[test]
  fn names_the_field_and_the_fix() {
    let long = "x".repeat(256);
    for (json, expected) in [
      (r#"{"data":{"tenantId":"t","userInvites":[]}}"#.to_owned(), "data.userInvites: must not be empty; pass at least one invite"),
      (r#"{"data":{"tenantId":" ","userInvites":[{"createdByUserId":"u","email":"a@b.co"}]}}"#.to_owned(), "data.tenantId: must not be empty"),
      (r#"{"userInvites":{"userInvites":[{"createdByUserId":"","email":"a@b.co"}]}}"#.to_owned(), "userInvites.userInvites[0].createdByUserId: must not be empty"),
      (format!(r#"{{"userInvites":{{"tenantId":"{long}","userInvites":[{{"createdByUserId":"u","email":"a@b.co"}}]}}}}"#), "userInvites.tenantId: is 256 characters long; at most 255 are allowed"),
      (r#"{"userInvites":{"userInvites":[{"createdByUserId":"u","email":"a@b.co","tenantId":"a\u0000"}]}}"#.to_owned(), "userInvites.userInvites[0].tenantId: contains a NUL character (\\u0000); remove it"),
      (format!(r#"{{"data":{{"tenantId":"t","userInvites":[{{"createdByUserId":"u","email":"a@b.co","firstName":"{long}"}}]}}}}"#), "data.userInvites[0].firstName: is 256 characters long; at most 255 are allowed"),
      (r#"{"data":{"tenantId":"t","userInvites":[{"createdByUserId":"u","email":"a\u0000@b.co"}]}}"#.to_owned(), "data.userInvites[0].email: contains a NUL character (\\u0000); remove it"),
      (r#"{"data":{"tenantId":"t","userInvites":[{"createdByUserId":"u","email":"a@b.co","locale":"en US"}]}}"#.to_owned(), "data.userInvites[0].locale: \"en US\" is not a locale; pass a language tag like \"en-US\""),
      (r#"{"userInvites":{"userInvites":[{"createdByUserId":"u","email":"a@b.co","data":{"a":{"__proto__":{"admin":true}}}}]}}"#.to_owned(), "userInvites.userInvites[0].data.a.__proto__: is not allowed as a key: it can replace the prototype of objects in JavaScript; rename it"),
    ] {
      assert_eq!(message(&json), expected);
    }
    let big = format!(
      r#"{{"data":{{"tenantId":"t","userInvites":[{{"createdByUserId":"u","email":"a@b.co","injectableVariables":{{"blob":"{}"}}}}]}}}}"#,
      "x".repeat(70_000)
    );
    assert!(
      message(&big).starts_with("data.userInvites[0].injectableVariables: is 70011 bytes as JSON; at most 64 KiB")
    );
  }

  #[test]
  fn both_generations_are_checked_alike_each_under_its_own_names() {
    let roles = format!("[{}]", vec!["\"r\""; MAX_ROLES + 1].join(","));
    for (entry, problem) in [
      (
        format!(r#""roles":{roles}"#),
        format!(
          "[0].roles: has {} roles; at most {MAX_ROLES} are allowed",
          MAX_ROLES + 1
        ),
      ),
      (
        r#""roles":[""]"#.to_owned(),
        "[0].roles[0]: must not be empty".to_owned(),
      ),
      (
        r#""locale":"x\u0000""#.to_owned(),
        "[0].locale: contains a NUL character".to_owned(),
      ),
      (
        r#""lastName":"a\u0000""#.to_owned(),
        "[0].lastName: contains a NUL character".to_owned(),
      ),
    ] {
      let v1 = format!(r#"{{"userInvites":{{"userInvites":[{{"createdByUserId":"u","email":"a@b.co",{entry}}}]}}}}"#);
      let v2 =
        format!(r#"{{"data":{{"tenantId":"t","userInvites":[{{"createdByUserId":"u","email":"a@b.co",{entry}}}]}}}}"#);
      assert!(
        message(&v1).starts_with(&format!("userInvites.userInvites{problem}")),
        "{}",
        message(&v1)
      );
      assert!(
        message(&v2).starts_with(&format!("data.userInvites{problem}")),
        "{}",
        message(&v2)
      );
    }
    let proto = r#"{"a":{"__proto__":1}}"#;
    let v1 =
      format!(r#"{{"userInvites":{{"userInvites":[{{"createdByUserId":"u","email":"a@b.co","data":{proto}}}]}}}}"#);
    let v2 = format!(
      r#"{{"data":{{"tenantId":"t","userInvites":[{{"createdByUserId":"u","email":"a@b.co","injectableVariables":{proto}}}]}}}}"#
    );
    assert!(message(&v1).starts_with("userInvites.userInvites[0].data.a.__proto__: is not allowed"));
    assert!(message(&v2).starts_with("data.userInvites[0].injectableVariables.a.__proto__: is not allowed"));
    assert!(
      check(r#"{"userInvites":{"userInvites":[{"createdByUserId":"u","email":"a@b.co"}]}}"#).is_ok(),
      "V1 needs no tenant"
    );
  }
}
