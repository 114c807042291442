//! Bounded work for any document: the limits on what one GraphQL request may ask of the
//! emulator, and the extension that keeps them on both endpoints. Real clients stay far below
//! each (docs/emulator.md's limits table has what the largest real document uses); a document past one
//! is refused, with the limit and its value named, before any resolver runs.
//!
//! In order: the document's length, before it is parsed; its shape (`document_shape.rs`) as
//! soon as it is parsed, before async-graphql's validation walks its fragments again at every
//! spread; then its cost, as async-graphql computes it in validation from the `complexity` of
//! the fields below; and, once answered, the number of errors in the answer. async-graphql's own `limit_depth` and
//! `limit_complexity` would say only "Query is nested too deep." or "Query is too complex.", so
//! the extension compares the numbers itself. The sizes of a request body and of an answer,
//! which the client must agree with, are the rulebook's (`roq_rules`); `server/graphql.rs`
//! keeps them. Once a document is parsed, its operation is noted for the request log
//! (`request_note.rs`).

use std::sync::Arc;

use async_graphql::extensions::{
  Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest, NextRequest, NextValidation,
};
use async_graphql::{Request, Response, ServerError, ServerResult, ValidationResult};
use roq_rules::{DEFAULT_PAGE_SIZE, MAX_INVITES_PER_REQUEST, MAX_PAGE_SIZE, MAX_ROLES};

use super::document_shape::{DocumentShape, Measured};
use super::parsed_documents::ParsedDocuments;
use super::request_note::note_operation;

/// The text of a document, in bytes: parsing takes time in proportion to it. Our client's and
/// ROQ's SDKs' documents are under 1 KiB; graphql-js's introspection query, about 2 KiB.
pub const MAX_DOCUMENT_BYTES: usize = 128 * 1024;

/// Fields nested in one another, fragments written out where they are spread. Our client and
/// ROQ's SDKs use 3; graphql-js's introspection query, 15.
pub const MAX_DEPTH: usize = 20;

/// Selection sets nested below an operation's, fragments and inline fragments included:
/// async-graphql's own bound on its recursion (its default), set here so that both agree.
pub const MAX_NESTING: usize = 32;

/// Fields in a document, each fragment counted where it is spread.
pub const MAX_FIELDS: usize = 2000;

/// Aliased fields in a document, each fragment counted where it is spread.
pub const MAX_ALIASES: usize = 100;

/// Directives (`@include`, `@skip`, ...) in a document, each fragment counted where it is spread.
pub const MAX_DIRECTIVES: usize = 50;

/// The cost of a document: a field costs 1 and the fields below it; a page of invites, its
/// fields once per invite of its `limit`; a send, its fields once per invite it may take.
pub const MAX_COMPLEXITY: usize = 100_000;

/// Errors in one answer; the rest are counted in one last error.
pub const MAX_ERRORS: usize = 100;

/// The cost of `userInvites`: its fields once for each invite the page may hold (the default
/// page when `limit` is absent; a `limit` past the largest page is refused by the listing).
pub fn page_cost(limit: Option<i32>, child_complexity: usize) -> usize {
  let invites = limit.map_or(DEFAULT_PAGE_SIZE, |limit| {
    usize::try_from(limit).unwrap_or(0).min(MAX_PAGE_SIZE)
  });
  invites.saturating_mul(child_complexity).saturating_add(1)
}

/// The cost of a send: its fields (`success`, `errors`) once for each invite a request may take.
pub fn send_cost(child_complexity: usize) -> usize {
  MAX_INVITES_PER_REQUEST
    .saturating_mul(child_complexity)
    .saturating_add(1)
}

/// The cost of an invite's `roles`: their fields once for each role an invite may have.
pub fn roles_cost(child_complexity: usize) -> usize {
  MAX_ROLES.saturating_mul(child_complexity).saturating_add(1)
}

/// The extension that keeps the limits; `schema::build` adds it. It parses each document, so
/// it also keeps the documents it has parsed (and checked) for the next request that sends one.
#[derive(Clone, Default)]
pub struct DocumentLimits {
  parsed: Arc<ParsedDocuments>,
}

impl ExtensionFactory for DocumentLimits {
  fn create(&self) -> Arc<dyn Extension> {
    Arc::new(self.clone())
  }
}

#[async_graphql::async_trait::async_trait]
impl Extension for DocumentLimits {
  async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
    let mut response = next.run(ctx).await;
    leave_out_errors_past_the_limit(&mut response.errors);
    response
  }

  async fn prepare_request(
    &self,
    ctx: &ExtensionContext<'_>,
    request: Request,
    next: NextPrepareRequest<'_>,
  ) -> ServerResult<Request> {
    let mut request = next.run(ctx, request).await?;
    if request.query.len() > MAX_DOCUMENT_BYTES {
      return Err(refusal(format!(
        "the document is {} bytes long; the emulator allows {MAX_DOCUMENT_BYTES}",
        request.query.len()
      )));
    }
    // Parsed once, here, or not at all if it was sent before; async-graphql takes the parsed
    // document from the request. A kept document has passed the shape check.
    if let Some(document) = self.parsed.get(&request.query) {
      request.set_parsed_query(document);
      note_operation(&mut request);
      return Ok(request);
    }
    request.parsed_query()?;
    // Before the shape is checked: a refused document's row names it too.
    note_operation(&mut request);
    check_shape(DocumentShape::of(request.parsed_query()?, MAX_NESTING))?;
    let document = request.parsed_query()?.clone();
    self.parsed.keep(&request.query, document);
    Ok(request)
  }

  async fn validation(
    &self,
    ctx: &ExtensionContext<'_>,
    next: NextValidation<'_>,
  ) -> Result<ValidationResult, Vec<ServerError>> {
    let result = next.run(ctx).await?;
    if result.complexity > MAX_COMPLEXITY {
      return Err(vec![refusal(format!(
        "the document costs {}; the emulator allows {MAX_COMPLEXITY} (a field costs 1 and the fields below it, \
         a page of invites its fields times its limit, a send its fields times {MAX_INVITES_PER_REQUEST}): \
         ask for fewer invites or fewer fields",
        result.complexity
      ))]);
    }
    Ok(result)
  }
}

fn check_shape(measured: Measured) -> ServerResult<()> {
  // Measuring stops past the deepest nesting allowed, so a shape is never nested deeper.
  let shape = match measured {
    Measured::Shape(shape) => shape,
    Measured::NestedDeeperThan(levels) => {
      return Err(refusal(format!(
        "the document nests selections more than {levels} levels deep, fragments included; \
         the emulator allows {MAX_NESTING}"
      )));
    }
  };
  let refused = |what: String, max: usize| Err(refusal(format!("the document {what}; the emulator allows {max}")));
  if shape.depth > MAX_DEPTH {
    return refused(format!("is {} levels deep", shape.depth), MAX_DEPTH);
  }
  if shape.aliases > MAX_ALIASES {
    return refused(format!("has {} aliases", shape.aliases), MAX_ALIASES);
  }
  if shape.fields > MAX_FIELDS {
    return refused(
      format!(
        "asks for {} fields, each fragment counted where it is spread",
        shape.fields
      ),
      MAX_FIELDS,
    );
  }
  if shape.directives > MAX_DIRECTIVES {
    return refused(format!("has {} directives", shape.directives), MAX_DIRECTIVES);
  }
  Ok(())
}

/// An error about the document itself, with the code Apollo Server gives one (nothing ran).
fn refusal(message: String) -> ServerError {
  let mut error = ServerError::new(message, None);
  error
    .extensions
    .get_or_insert_default()
    .set("code", "GRAPHQL_VALIDATION_FAILED");
  error
}

fn leave_out_errors_past_the_limit(errors: &mut Vec<ServerError>) {
  if errors.len() <= MAX_ERRORS {
    return;
  }
  let left_out = errors.len() - (MAX_ERRORS - 1);
  errors.truncate(MAX_ERRORS - 1);
  errors.push(ServerError::new(
    format!("{left_out} more errors left out; the emulator reports at most {MAX_ERRORS} in one answer"),
    None,
  ));
}

#[cfg(test)]
mod tests;
