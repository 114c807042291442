//! The custom scalars: `JsonObject` and `Date`.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use serde_json::Map;

use crate::clock::iso;

/// `JsonObject`: any JSON object.
#[derive(Clone, Debug)]
pub struct JsonObject(pub Map<String, serde_json::Value>);

#[Scalar(name = "JsonObject")]
impl ScalarType for JsonObject {
  fn parse(value: Value) -> InputValueResult<Self> {
    match value.into_json() {
      Ok(serde_json::Value::Object(map)) => Ok(Self(map)),
      Ok(other) => Err(InputValueError::custom(format!("expected a JSON object, got {other}"))),
      Err(e) => Err(InputValueError::custom(e)),
    }
  }

  fn is_valid(value: &Value) -> bool {
    matches!(value, Value::Object(_))
  }

  fn to_value(&self) -> Value {
    Value::from_json(serde_json::Value::Object(self.0.clone())).unwrap_or(Value::Null)
  }
}

/// `Date`: an ISO-8601 date with milliseconds.
pub struct Date(String);

#[Scalar(name = "Date")]
impl ScalarType for Date {
  fn parse(value: Value) -> InputValueResult<Self> {
    match value {
      Value::String(text) => Ok(Self(text)),
      other => Err(InputValueError::expected_type(other)),
    }
  }

  fn to_value(&self) -> Value {
    Value::String(self.0.clone())
  }
}

pub(super) fn date(ms: i64) -> Date {
  Date(iso(ms))
}
