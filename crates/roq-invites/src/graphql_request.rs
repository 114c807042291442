//! `graphqlRequest`: any document, for the fields and operations we have no method for, sent as
//! our own operations are (the identity's tokens, both ROQ headers, deadlines, retries, error
//! mapping and scrubbing).
//!
//! Whether it may be sent again after a lost answer depends on what it does: a document that
//! only queries is retried like our queries; one with a mutation is never sent twice.

use async_graphql_parser::types::OperationType;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::client::Replay;
use crate::documents::Operation;
use crate::error::{Error, Result};
use crate::roq_platform::RoqPlatform;

/// What `graphqlRequest(query, variables?, options?)` sends.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GraphqlRequest {
  pub query: String,
  /// A JSON object, passed on as it is.
  #[serde(default)]
  pub variables: Option<Box<RawValue>>,
  /// Which operation of the document to run, when it has several.
  #[serde(default)]
  pub operation_name: Option<String>,
  /// More headers to send; the platform's two are always ours.
  #[serde(default)]
  pub headers: Vec<(String, String)>,
}

/// Headers that describe the request itself: a caller's value would break it.
const OURS: [&str; 5] = [
  "host",
  "content-length",
  "content-type",
  "transfer-encoding",
  "connection",
];

impl GraphqlRequest {
  /// Checks the document (it must parse), says whether it may be repeated, and names the
  /// operation to send as `operationName`: the one asked for, or the document's only one (as
  /// graphql-request, under the official SDK, names it).
  fn inspect(&self) -> Result<(Replay, Option<String>)> {
    let document = async_graphql_parser::parse_query(&self.query)
      .map_err(|e| Error::invalid_argument(format!("query: is not a GraphQL document: {e}")))?;
    let names: Vec<Option<String>> = document
      .operations
      .iter()
      .map(|(name, _)| name.map(|n| n.to_string()))
      .collect();
    let operation_name = match (&self.operation_name, names.as_slice()) {
      (Some(wanted), _) => Some(wanted.clone()),
      (None, [only]) => only.clone(),
      (None, _) => None,
    };
    let mut replay = Replay::Safe;
    for (name, operation) in document.operations.iter() {
      let chosen = self
        .operation_name
        .as_deref()
        .is_none_or(|wanted| name.map(|n| n.as_str()) == Some(wanted));
      match operation.node.ty {
        OperationType::Subscription => {
          return Err(Error::invalid_argument(
            "query: subscriptions are not sent over HTTP; use a query or a mutation",
          ));
        }
        OperationType::Mutation if chosen => replay = Replay::Never,
        _ => {}
      }
    }
    Ok((replay, operation_name))
  }

  fn header_map(&self) -> Result<HeaderMap> {
    let mut headers = HeaderMap::with_capacity(self.headers.len());
    for (name, value) in &self.headers {
      let invalid = |why: &str| Error::invalid_argument(format!("headers.{name}: {why}"));
      let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("is not a header name"))?;
      if OURS.contains(&header.as_str()) {
        return Err(invalid("is set by roq-invites; leave it out"));
      }
      let value =
        HeaderValue::from_str(value).map_err(|_| invalid("is not a header value (text without line breaks)"))?;
      headers.append(header, value);
    }
    Ok(headers)
  }
}

impl RoqPlatform<'_> {
  /// Runs any GraphQL document on the server endpoint as this client's identity and resolves
  /// to its `data`, as the platform sent it.
  pub async fn graphql_request(&self, request: &GraphqlRequest) -> Result<Box<RawValue>> {
    let (replay, operation_name) = request.inspect()?;
    if let Some(variables) = &request.variables
      && !variables.get().trim_start().starts_with('{')
    {
      return Err(Error::invalid_argument(
        "variables: expected an object of the document's variables, e.g. { id: '...' }",
      ));
    }
    let operation = Operation {
      name: operation_name.as_deref().unwrap_or("graphqlRequest"),
      operation_name: operation_name.as_deref(),
      root_field: None,
      document: &request.query,
    };
    let client = self.client;
    client
      .execute_with(
        &operation,
        &request.variables,
        replay,
        client.deadline(),
        &request.header_map()?,
      )
      .await
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::error::ErrorCode;

  fn request(query: &str, operation_name: Option<&str>) -> GraphqlRequest {
    GraphqlRequest {
      query: query.into(),
      operation_name: operation_name.map(str::to_owned),
      ..GraphqlRequest::default()
    }
  }

  #[test]
  fn a_query_may_be_repeated_and_a_mutation_never() {
    assert_eq!(
      request("{ userInvites { totalCount } }", None).inspect().unwrap().0,
      Replay::Safe
    );
    assert_eq!(
      request("query q { userInvite(id: \"x\") { id } }", None)
        .inspect()
        .unwrap()
        .0,
      Replay::Safe
    );
    let mutation = "mutation m($id: ID!) { cancelUserInvite(id: $id) { id } }";
    assert_eq!(request(mutation, None).inspect().unwrap().0, Replay::Never);
    let both = format!("query q {{ userInvites {{ totalCount }} }} {mutation}");
    assert_eq!(request(&both, Some("q")).inspect().unwrap().0, Replay::Safe);
    assert_eq!(request(&both, Some("m")).inspect().unwrap().0, Replay::Never);
    assert_eq!(request(&both, None).inspect().unwrap().0, Replay::Never);
    // The operation sent: the one asked for, or the document's only one.
    assert_eq!(
      request("query q { x }", None).inspect().unwrap().1.as_deref(),
      Some("q")
    );
    assert_eq!(request("{ x }", None).inspect().unwrap().1, None);
    assert_eq!(request(&both, None).inspect().unwrap().1, None);
  }

  #[test]
  fn refuses_what_cannot_be_sent() {
    for (request, expected) in [
      (request("{ userInvites { ", None), "query: is not a GraphQL document"),
      (
        request("subscription s { x }", None),
        "query: subscriptions are not sent over HTTP",
      ),
    ] {
      let error = request.inspect().unwrap_err();
      assert_eq!(error.code(), ErrorCode::InvalidArgument);
      assert!(error.message().starts_with(expected), "{error}");
    }
    for (name, value, expected) in [
      (
        "content-type",
        "text/plain",
        "headers.content-type: is set by roq-invites",
      ),
      ("bad name", "x", "headers.bad name: is not a header name"),
      ("x-trace", "a\nb", "headers.x-trace: is not a header value"),
    ] {
      let request = GraphqlRequest {
        headers: vec![(name.into(), value.into())],
        ..GraphqlRequest::default()
      };
      assert!(request.header_map().unwrap_err().message().starts_with(expected));
    }
  }
}
