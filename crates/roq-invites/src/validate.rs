//! Checks of what a caller passes beyond its types, before anything is sent.
//!
//! A problem with the call itself (an empty list, a name longer than the platform keeps, a NUL
//! character, a key that would pollute JavaScript prototypes) rejects the whole call with
//! `INVALID_ARGUMENT` and the field's path. A bad address is a problem of one entry: it is
//! reported with its index, and the other entries are sent.

use std::fmt::Display;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::types::{AcceptUserInvite, JsonObject, SendUserInvites, UpdateUserInviteArgs};

/// The most invites one `sendUserInvites` call takes; split larger lists.
pub const MAX_INVITES_PER_CALL: usize = 100_000;
const MAX_ID: usize = 255;
const MAX_NAME: usize = 255;
const MAX_LOCALE: usize = 35;
const MAX_ROLES: usize = 50;
const MAX_DATA_BYTES: usize = 64 * 1024;
const MAX_DATA_DEPTH: usize = 32;
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
  match request {
    SendUserInvites::V1(v1) => {
      optional_id(&format_args!("{root}.tenantId"), v1.tenant_id.as_deref())?;
      for (i, e) in v1.user_invites.iter().enumerate() {
        let entry = Item(&list, i);
        check_entry(
          &entry,
          &e.created_by_user_id,
          &e.email,
          [&e.first_name, &e.last_name],
          &e.locale,
          &e.roles,
        )?;
        optional_id(&format_args!("{entry}.tenantId"), e.tenant_id.as_deref())?;
        check_data(&format_args!("{entry}.data"), e.data.as_ref())?;
      }
    }
    SendUserInvites::V2(v2) => {
      id(&format_args!("{root}.tenantId"), &v2.tenant_id)?;
      for (i, e) in v2.user_invites.iter().enumerate() {
        let entry = Item(&list, i);
        check_entry(
          &entry,
          &e.created_by_user_id,
          &e.email,
          [&e.first_name, &e.last_name],
          &e.locale,
          &e.roles,
        )?;
        check_data(
          &format_args!("{entry}.injectableVariables"),
          e.injectable_variables.as_ref(),
        )?;
      }
    }
  }
  Ok(())
}

fn check_entry(
  entry: &Item,
  created_by_user_id: &str,
  email: &str,
  [first_name, last_name]: [&Option<String>; 2],
  locale: &Option<String>,
  roles: &Option<Vec<String>>,
) -> Result<()> {
  id(&format_args!("{entry}.createdByUserId"), created_by_user_id)?;
  no_nul(&format_args!("{entry}.email"), email)?;
  text(&format_args!("{entry}.firstName"), first_name.as_deref(), MAX_NAME)?;
  text(&format_args!("{entry}.lastName"), last_name.as_deref(), MAX_NAME)?;
  text(&format_args!("{entry}.locale"), locale.as_deref(), MAX_LOCALE)?;
  if let Some(locale) = locale
    .as_deref()
    .filter(|l| !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
  {
    return Err(invalid(
      &format_args!("{entry}.locale"),
      format!("{locale:?} is not a locale; pass a language tag like \"en-US\""),
    ));
  }
  if let Some(roles) = roles {
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
  Ok(())
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

/// A required id or token: not blank, not too long, no NUL.
pub(crate) fn id(path: &dyn Display, value: &str) -> Result<()> {
  if value.trim().is_empty() {
    return Err(invalid(path, "must not be empty"));
  }
  text(path, Some(value), MAX_ID)
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

fn no_nul(path: &dyn Display, value: &str) -> Result<()> {
  if value.contains('\0') {
    return Err(invalid(path, "contains a NUL character (\\u0000); remove it"));
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

/// An address an invitation can be delivered to: RFC 5322 (without display names or IP
/// literals), at most 254 characters, and a domain with a dot. The emulator applies the same
/// rule (a test keeps the two in step).
pub fn is_email(email: &str) -> bool {
  use email_address::{EmailAddress, Options};
  if email.len() > 254 {
    return false;
  }
  if is_plain_email(email) {
    return true;
  }
  let options = Options::default().without_display_text().without_domain_literal();
  EmailAddress::parse_with_options(email.trim(), options).is_ok_and(|e| e.domain().contains('.'))
}

/// Whether `email` is an address of the usual kind, which RFC 5322 allows: `first.last+tag@
/// mail.example.com` in ASCII letters, digits and `._+-`. Most lists hold only these, and this
/// check costs a tenth of the full parser's; whatever it does not recognise goes to the parser.
fn is_plain_email(email: &str) -> bool {
  let Some((local, domain)) = email.split_once('@') else {
    return false;
  };
  let dot_atom = |text: &str, allowed: fn(u8) -> bool| {
    !text.is_empty()
      && text
        .split('.')
        .all(|part| !part.is_empty() && part.bytes().all(allowed))
  };
  let local_ok = local.len() <= 64 && dot_atom(local, |b| b.is_ascii_alphanumeric() || b"_+-".contains(&b));
  let labels_ok = domain
    .split('.')
    .all(|label| label.len() <= 63 && !label.starts_with('-') && !label.ends_with('-'));
  let tld_ok = domain
    .rsplit_once('.')
    .is_some_and(|(_, tld)| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
  local_ok && tld_ok && labels_ok && dot_atom(domain, |b| b.is_ascii_alphanumeric() || b == b'-')
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
  fn the_quick_check_of_usual_addresses_never_takes_one_the_parser_refuses() {
    use email_address::{EmailAddress, Options};
    let options = Options::default().without_display_text().without_domain_literal();
    let parser = |e: &str| EmailAddress::parse_with_options(e, options).is_ok_and(|a| a.domain().contains('.'));
    let locals = [
      "a",
      "first.last",
      "x+tag",
      "a_b-c",
      ".a",
      "a.",
      "a..b",
      "",
      &"l".repeat(64),
      &"l".repeat(65),
      "A9",
    ];
    let domains = [
      "example.com",
      "sub.example.co.uk",
      "x.io",
      "localhost",
      "-a.com",
      "a-.com",
      "a..com",
      ".com",
      "a.c",
      "a.123",
      &format!("{}.com", "d".repeat(63)),
      &format!("{}.com", "d".repeat(64)),
      "xn--bcher-kva.de",
    ];
    let mut quick = 0;
    for local in locals {
      for domain in domains {
        let email = format!("{local}@{domain}");
        if is_plain_email(&email) {
          quick += 1;
          assert!(
            parser(&email),
            "{email}: taken by the quick check, refused by the parser"
          );
        }
      }
    }
    assert!(quick >= 30, "the quick check took only {quick}");
  }

  #[test]
  fn takes_unusual_valid_emails_and_refuses_junk() {
    for ok in [
      "a@b.co",
      "user+tag@example.com",
      "o'brien@example.ie",
      "\"john..doe\"@example.com",
      "用户@例子.广告",
    ] {
      assert!(is_email(ok), "{ok}");
    }
    for bad in [
      "bob@",
      "@x.io",
      "a b@x.io",
      "a@localhost",
      "a..b@x.io",
      "Ada <a@x.io>",
      "x@[127.0.0.1]",
      "",
    ] {
      assert!(!is_email(bad), "{bad}");
    }
  }
}
