//! What every resolver needs from the context: the platform, the caller, and the platform's
//! problems as GraphQL errors (the shape the official SDK reads).

use std::sync::Arc;

use async_graphql::{Context, ErrorExtensions, value};

use crate::platform::Platform;
use crate::principal::Principal;
use crate::problem::Problem;

/// A problem as the platform reports it: `extensions.response {statusCode, errorCode, message}`,
/// which the official SDK turns into its `HttpException`.
pub fn graphql_error(problem: &Problem) -> async_graphql::Error {
  let (status, code, message) = (
    problem.status_code(),
    problem.error_code(),
    problem.message().to_owned(),
  );
  async_graphql::Error::new(message.clone()).extend_with(|_, e| {
    e.set("code", code);
    e.set(
      "response",
      value!({ "statusCode": status, "errorCode": code, "message": message }),
    );
  })
}

pub(super) fn platform<'a>(ctx: &Context<'a>) -> &'a Platform {
  ctx.data_unchecked::<Arc<Platform>>()
}

pub(super) fn principal<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Principal> {
  ctx.data::<Principal>()
}
