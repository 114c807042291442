//! What a GraphQL request tells the request log (`request_log.rs`) of itself: the operation, as
//! its document names it, and the invites its resolvers created or changed. The endpoint puts a
//! [`GraphqlNote`] in the request's data; without one (a test's schema) nothing is noted.

use std::any::TypeId;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, Selection};

use crate::request_log::GraphqlNote;

/// Notes the operation of `request`'s document, once it is parsed (it is, after the limits'
/// first check).
pub(super) fn note_operation(request: &mut async_graphql::Request) {
  let Some(note) = request
    .data
    .get(&TypeId::of::<Arc<GraphqlNote>>())
    .and_then(|data| data.downcast_ref::<Arc<GraphqlNote>>())
    .map(Arc::clone)
  else {
    return;
  };
  // Taken out and put back: the document is borrowed from the request while it is read.
  let wanted = request.operation_name.take();
  if let Ok(document) = request.parsed_query()
    && let Some(name) = operation_name(document, wanted.as_deref())
  {
    note.set_operation(name);
  }
  request.operation_name = wanted;
}

/// Notes `count` invites that a resolver created or changed, whose ids `ids` gives (the first
/// few are kept).
pub(super) fn note_invites<'a>(ctx: &Context<'_>, count: usize, ids: impl IntoIterator<Item = &'a str>) {
  if let Some(note) = ctx.data_opt::<Arc<GraphqlNote>>() {
    note.add_invites(count, ids);
  }
}

/// The operation's name as the document gives it: the one `operationName` picks, or the only
/// one; for an anonymous operation (`{ userInvites { totalCount } }`), its first root field's
/// name (not an alias). None when `operationName` picks none, or the document has several
/// operations and it picks none of them.
fn operation_name<'a>(document: &'a ExecutableDocument, wanted: Option<&str>) -> Option<&'a str> {
  match &document.operations {
    DocumentOperations::Single(operation) => {
      if wanted.is_some_and(|wanted| !wanted.is_empty()) {
        return None;
      }
      operation
        .node
        .selection_set
        .node
        .items
        .iter()
        .find_map(|selection| match &selection.node {
          Selection::Field(field) => Some(field.node.name.node.as_str()),
          _ => None,
        })
    }
    DocumentOperations::Multiple(operations) => {
      let name = match wanted {
        Some(wanted) => operations.get_key_value(wanted)?.0,
        None if operations.len() == 1 => operations.keys().next()?,
        None => return None,
      };
      Some(name.as_str())
    }
  }
}

#[cfg(test)]
mod tests {
  use async_graphql::parser::parse_query;

  use super::*;

  #[test]
  fn the_operation_is_named_as_the_document_names_it() {
    let name = |text: &str, wanted: Option<&str>| {
      let document = parse_query(text).unwrap();
      operation_name(&document, wanted).map(str::to_owned)
    };
    let sdk =
      "mutation sendUserInvites($data: UserInvitesCreateV2Dto!) { sendUserInvitesV2(data: $data) { success { id } } }";
    assert_eq!(name(sdk, None).as_deref(), Some("sendUserInvites"));
    assert_eq!(name(sdk, Some("sendUserInvites")).as_deref(), Some("sendUserInvites"));
    assert_eq!(name(sdk, Some("another")), None);
    // Anonymous: the first root field, by its name, not its alias; fragments are not followed.
    assert_eq!(
      name("{ userInvites { totalCount } }", None).as_deref(),
      Some("userInvites")
    );
    assert_eq!(
      name(
        "query { first: userInvite(id: \"1\") { id } userInvites { totalCount } }",
        None
      )
      .as_deref(),
      Some("userInvite")
    );
    assert_eq!(
      name("{ ...F } fragment F on Query { userInvites { totalCount } }", None),
      None
    );
    assert_eq!(name("{ userInvites { totalCount } }", Some("Q")), None);
    assert_eq!(
      name("{ userInvites { totalCount } }", Some("")).as_deref(),
      Some("userInvites")
    );
    // Several operations: the one picked, or none.
    let two = "query A { userInvites { totalCount } } query B { userInvite(id: \"1\") { id } }";
    assert_eq!(name(two, Some("B")).as_deref(), Some("B"));
    assert_eq!(name(two, None), None);
  }
}
