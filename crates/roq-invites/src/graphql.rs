//! GraphQL over HTTP as the platform speaks it: the request body, and the reading of an answer.
//!
//! An answer is a success only if the HTTP status is 2xx, `data` is not null and `errors` is
//! empty (the rule the official SDK applies). Errors carry the platform's
//! `errors[0].extensions.response {statusCode, errorCode, message}` when it sends one.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::documents::Operation;
use crate::error::{Error, ErrorCode, Result};
use crate::input::parse;
use crate::transport::Reply;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Request<'a> {
  query: &'a str,
  /// Absent when there are none, as the official SDK sends it.
  #[serde(skip_serializing_if = "Option::is_none")]
  variables: Option<&'a RawValue>,
  #[serde(skip_serializing_if = "Option::is_none")]
  operation_name: Option<&'a str>,
}

/// The JSON body of a GraphQL request.
pub(crate) fn request_body<V: Serialize>(operation: &Operation, variables: &V) -> Result<Vec<u8>> {
  let encode_error =
    |e: serde_json::Error| Error::invalid_argument(format!("{}: could not encode the variables: {e}", operation.name));
  let variables = serde_json::value::to_raw_value(variables).map_err(encode_error)?;
  let variables = Some(variables.as_ref()).filter(|v| !matches!(v.get(), "{}" | "null"));
  serde_json::to_vec(&Request {
    query: operation.document,
    variables,
    operation_name: operation.operation_name,
  })
  .map_err(encode_error)
}

#[derive(Deserialize)]
struct Envelope<'a> {
  #[serde(borrow, default)]
  data: Option<&'a RawValue>,
  #[serde(default)]
  errors: Option<Vec<GraphqlError>>,
}

#[derive(Deserialize)]
struct GraphqlError {
  #[serde(default)]
  message: Option<String>,
  #[serde(default)]
  extensions: Option<Extensions>,
}

#[derive(Deserialize)]
struct Extensions {
  #[serde(default)]
  response: Option<PlatformResponse>,
  #[serde(default)]
  code: Option<String>,
}

/// NestJS's error response, which the platform puts in `extensions.response`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlatformResponse {
  #[serde(default)]
  status_code: Option<u16>,
  #[serde(default)]
  error_code: Option<String>,
  /// A string, or a list of strings (class-validator).
  #[serde(default)]
  message: Option<Value>,
}

/// Reads the answer to `operation` and deserializes `data.<root field>` into `T`.
pub(crate) fn decode<T: DeserializeOwned>(operation: &Operation, reply: &Reply) -> Result<T> {
  decode_answer(operation, reply).map_err(|error| {
    // A server error, or an answer we cannot read, may come after the work was done; a 503
    // says the platform did not take the request (as 429 and 408 do).
    let unknown = error.status_code().is_some_and(|s| s >= 500 && s != 503) || error.code() == ErrorCode::ProtocolError;
    let error = if unknown { error.with_outcome_unknown() } else { error };
    match reply.retry_after {
      Some(after) => error.with_retry_after(after),
      None => error,
    }
  })
}

fn decode_answer<T: DeserializeOwned>(operation: &Operation, reply: &Reply) -> Result<T> {
  if reply.is_json
    && reply.is_success()
    && let Some(root_field) = operation.root_field
    && let Some(value) = read_success(&reply.body, root_field)
  {
    return Ok(value);
  }
  let name = operation.name;
  let envelope: Option<Envelope> = if reply.is_json {
    serde_json::from_slice(&reply.body).ok()
  } else {
    None
  };

  if let Some(error) = envelope
    .as_ref()
    .and_then(|e| e.errors.as_ref())
    .and_then(|e| e.first())
  {
    // A document of the caller's that does not fit is the caller's mistake; one of ours, a
    // platform that does not speak the protocol we know.
    return Err(graphql_error(name, error, reply.status, operation.root_field.is_none()));
  }
  if !reply.is_success() {
    let error = Error::new(
      ErrorCode::from_http_status(reply.status),
      format!(
        "{name}: the platform answered HTTP {} with {}",
        reply.status,
        reply.snippet()
      ),
    );
    return Err(error.with_status(reply.status));
  }
  let Some(envelope) = envelope else {
    return Err(Error::protocol(format!(
      "{name}: the platform answered with something that is not GraphQL JSON: {}",
      reply.snippet()
    )));
  };
  let data = envelope
    .data
    .filter(|raw| raw.get() != "null")
    .ok_or_else(|| Error::protocol(format!("{name}: the platform answered without data and without errors")))?;
  let Some(root_field) = operation.root_field else {
    // A document of the caller's: `data` as it came.
    return serde_json::from_str(data.get())
      .map_err(|e| Error::protocol(format!("{name}: `data` is not readable ({e})")));
  };
  // Only the root field is read, straight from the text into `T`.
  let fields: HashMap<&str, &RawValue> =
    serde_json::from_str(data.get()).map_err(|e| Error::protocol(format!("{name}: `data` is not an object ({e})")))?;
  let field = fields
    .get(root_field)
    .filter(|raw| raw.get() != "null")
    .ok_or_else(|| Error::protocol(format!("{name}: the answer has no `data.{root_field}`")))?;
  parse(field.get()).map_err(|e| {
    Error::protocol(format!(
      "{name}: the answer does not match the schema at data.{root_field}.{}: {}",
      e.path(),
      e.inner()
    ))
  })
}

/// The common case of an answer, read in place: `data.<root field>` of an answer without errors,
/// as a `T` that may borrow from its text. `None` otherwise, and [`decode`] says what is wrong.
pub(crate) fn read_in_place<'a, T: Deserialize<'a>>(operation: &Operation, reply: &'a Reply) -> Option<T> {
  let root_field = operation.root_field?;
  if reply.is_json && reply.is_success() {
    read_success(&reply.body, root_field)
  } else {
    None
  }
}

/// The common case, in one pass over the text: an answer without errors whose
/// `data.<root_field>` reads as a `T`, straight from the text. Anything else is `None`, and
/// [`decode_answer`] reads the answer again, carefully, to say what is wrong with it.
fn read_success<'a, T: Deserialize<'a>>(body: &'a [u8], root_field: &str) -> Option<T> {
  // UTF-8 checked once for the whole text: from a slice, serde_json checks each string anew.
  let text = std::str::from_utf8(body).ok()?;
  let mut deserializer = serde_json::Deserializer::from_str(text);
  let value = Success {
    root_field,
    value: PhantomData,
  }
  .deserialize(&mut deserializer)
  .ok()?;
  deserializer.end().ok()?;
  value
}

/// Reads `{"data": {"<root_field>": T, ...}, "errors": ...}` into `Some(T)`; `None` if there are
/// errors, or no `T`.
struct Success<'a, T> {
  root_field: &'a str,
  value: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Success<'_, T> {
  type Value = Option<T>;

  fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Option<T>, D::Error> {
    deserializer.deserialize_map(self)
  }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Success<'_, T> {
  type Value = Option<T>;

  fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("a GraphQL answer")
  }

  fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Option<T>, A::Error> {
    let mut value = None;
    let mut has_errors = false;
    while let Some(key) = map.next_key::<Cow<'de, str>>()? {
      match key.as_ref() {
        "data" => {
          value = map.next_value_seed(Field {
            name: self.root_field,
            value: PhantomData,
          })?;
        }
        "errors" => {
          has_errors = !map
            .next_value::<Option<Vec<IgnoredAny>>>()?
            .unwrap_or_default()
            .is_empty()
        }
        _ => {
          map.next_value::<IgnoredAny>()?;
        }
      }
    }
    Ok(value.filter(|_| !has_errors))
  }
}

/// `data`: the value of its field `name` as a `T`; the other fields are skipped.
struct Field<'a, T> {
  name: &'a str,
  value: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Field<'_, T> {
  type Value = Option<T>;

  fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Option<T>, D::Error> {
    deserializer.deserialize_option(self)
  }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Field<'_, T> {
  type Value = Option<T>;

  fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("the data of a GraphQL answer")
  }

  fn visit_none<E>(self) -> std::result::Result<Option<T>, E> {
    Ok(None)
  }

  fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Option<T>, D::Error> {
    deserializer.deserialize_map(self)
  }

  fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Option<T>, A::Error> {
    let mut value = None;
    while let Some(key) = map.next_key::<Cow<'de, str>>()? {
      if key == self.name {
        value = map.next_value::<Option<T>>()?;
      } else {
        map.next_value::<IgnoredAny>()?;
      }
    }
    Ok(value)
  }
}

fn graphql_error(operation: &str, error: &GraphqlError, http_status: u16, callers_document: bool) -> Error {
  let extensions = error.extensions.as_ref();
  let message = error.message.clone().unwrap_or_else(|| "unknown error".to_owned());
  if let Some(response) = extensions.and_then(|e| e.response.as_ref())
    && let Some(status) = response.status_code
  {
    let text = response.message.as_ref().map(message_text).unwrap_or(message);
    return Error::from_platform(status, response.error_code.clone(), format!("{operation}: {text}"));
  }
  let code = match extensions.and_then(|e| e.code.as_deref()) {
    _ if !(200..300).contains(&http_status) => ErrorCode::from_http_status(http_status),
    Some("UNAUTHENTICATED") => ErrorCode::Unauthorized,
    Some("FORBIDDEN") => ErrorCode::Forbidden,
    Some("BAD_USER_INPUT") => ErrorCode::InvalidArgument,
    Some("GRAPHQL_VALIDATION_FAILED" | "GRAPHQL_PARSE_FAILED") if callers_document => ErrorCode::InvalidArgument,
    Some("GRAPHQL_VALIDATION_FAILED" | "GRAPHQL_PARSE_FAILED") => ErrorCode::ProtocolError,
    _ if message.starts_with("Variable \"$") => ErrorCode::InvalidArgument,
    _ => ErrorCode::ServerError,
  };
  let error = Error::new(code, format!("{operation}: {message}"));
  if (200..300).contains(&http_status) {
    error
  } else {
    error.with_status(http_status)
  }
}

fn message_text(message: &Value) -> String {
  match message {
    Value::String(text) => text.clone(),
    Value::Array(items) => items.iter().map(message_text).collect::<Vec<_>>().join("; "),
    other => other.to_string(),
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::documents::SEND_USER_INVITES_V2;

  fn reply(status: u16, is_json: bool, body: &str) -> Reply {
    Reply {
      status,
      is_json,
      body: body.as_bytes().to_vec(),
      retry_after: None,
      request_id: "req-1".to_owned(),
      answered_request_id: None,
    }
  }

  fn decode_err(status: u16, is_json: bool, body: &str) -> Error {
    decode::<Value>(&SEND_USER_INVITES_V2, &reply(status, is_json, body)).unwrap_err()
  }

  #[test]
  fn reads_the_root_field() {
    let ok = reply(
      200,
      true,
      r#"{"data":{"sendUserInvitesV2":{"success":[],"errors":[]}}}"#,
    );
    let value: Value = decode(&SEND_USER_INVITES_V2, &ok).unwrap();
    assert_eq!(value["errors"], Value::Array(vec![]));
  }

  #[test]
  fn maps_the_platform_error_shape_whatever_the_http_status() {
    let body = r#"{"errors":[{"message":"Unauthorized","extensions":{"response":{"statusCode":401,"errorCode":"UNAUTHORIZED_EXCEPTION","message":"Token is invalid or expired"}}}],"data":null}"#;
    for status in [200, 401] {
      let err = decode_err(status, true, body);
      assert_eq!(err.code(), ErrorCode::Unauthorized);
      assert_eq!(err.status_code(), Some(401));
      assert_eq!(err.error_code(), Some("UNAUTHORIZED_EXCEPTION"));
      assert_eq!(err.message(), "sendUserInvites: Token is invalid or expired");
    }
  }

  #[test]
  fn maps_answers_that_are_not_successes() {
    assert_eq!(
      decode_err(500, false, "Internal Server Error").code(),
      ErrorCode::ServerError
    );
    assert_eq!(decode_err(500, true, r#"{"message":"boom"}"#).status_code(), Some(500));
    assert_eq!(decode_err(429, false, "slow down").code(), ErrorCode::RateLimited);
    assert_eq!(
      decode_err(200, true, r#"{"data":null}"#).code(),
      ErrorCode::ProtocolError
    );
    assert_eq!(
      decode_err(200, true, r#"{"data":{"sendUserInv"#).code(),
      ErrorCode::ProtocolError
    );
    assert_eq!(decode_err(200, false, "<html>").code(), ErrorCode::ProtocolError);
    let no_ext = decode_err(200, true, r#"{"errors":[{"message":"boom"}],"data":null}"#);
    assert_eq!(
      (no_ext.code(), no_ext.message()),
      (ErrorCode::ServerError, "sendUserInvites: boom")
    );
  }

  #[test]
  fn names_the_path_of_a_field_that_does_not_match() {
    let body = r#"{"data":{"sendUserInvitesV2":{"success":[{"id":1}],"errors":[]}}}"#;
    let err =
      decode::<crate::types::CreateUserInvitesModel>(&SEND_USER_INVITES_V2, &reply(200, true, body)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ProtocolError);
    assert!(err.message().contains("data.sendUserInvitesV2.success[0].id"), "{err}");
  }
}
