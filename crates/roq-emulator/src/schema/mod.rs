//! The GraphQL schema: the invite part of the platform's schema, with the exact type, field and
//! argument names of reference/roq-golden/invites-schema.graphql, so that the documents of the
//! official SDK validate against it. Requests are parsed and routed by root field, never by
//! `operationName`.
//!
//! One concept per file: scalars, enums, inputs and models (the types), the query root and the
//! two mutation roots (merged here), the context helpers they share, and the limits on what one
//! document may ask (`limits.rs`, measuring with `document_shape.rs`). The schema only maps
//! GraphQL to the data layer (`platform/`), which knows nothing of it.

mod context;
mod document_shape;
mod enums;
mod inputs;
mod lifecycle;
mod limits;
mod models;
mod parsed_documents;
mod query;
mod request_note;
mod scalars;
mod send;

use std::sync::Arc;

use async_graphql::{EmptySubscription, MergedObject, Schema, SchemaBuilder};

use crate::platform::Platform;

use self::lifecycle::LifecycleMutation;
use self::limits::{DocumentLimits, MAX_NESTING};
pub use self::query::Query;
use self::send::SendMutation;

pub type RoqSchema = Schema<Query, Mutation, EmptySubscription>;

/// The mutations: sending, and what happens to an invite afterwards.
#[derive(MergedObject, Default)]
pub struct Mutation(SendMutation, LifecycleMutation);

pub fn build(platform: Arc<Platform>) -> RoqSchema {
  builder().data(platform).finish()
}

/// The schema with its limits, before the platform is added.
fn builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
  Schema::build(Query, Mutation::default(), EmptySubscription)
    .limit_recursive_depth(MAX_NESTING)
    .extension(DocumentLimits::default())
}

#[cfg(test)]
mod tests {
  use std::collections::BTreeMap;

  use async_graphql::parser::parse_schema;
  use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

  /// Every type of a schema, as `kind name` and its members (`field(args): Type`, enum values).
  fn shape(sdl: &str) -> BTreeMap<String, Vec<String>> {
    let document = parse_schema(sdl).expect("valid SDL");
    let mut types = BTreeMap::new();
    for definition in document.definitions {
      let TypeSystemDefinition::Type(ty) = definition else {
        continue;
      };
      let ty = ty.node;
      let (kind, mut members): (&str, Vec<String>) = match ty.kind {
        TypeKind::Object(object) => (
          "type",
          object
            .fields
            .iter()
            .map(|f| {
              let mut args: Vec<String> = f
                .node
                .arguments
                .iter()
                .map(|a| format!("{}: {}", a.node.name.node, a.node.ty.node))
                .collect();
              args.sort();
              format!("{}({}): {}", f.node.name.node, args.join(", "), f.node.ty.node)
            })
            .collect(),
        ),
        TypeKind::InputObject(input) => (
          "input",
          input
            .fields
            .iter()
            .map(|f| format!("{}: {}", f.node.name.node, f.node.ty.node))
            .collect(),
        ),
        TypeKind::Enum(e) => ("enum", e.values.iter().map(|v| v.node.value.node.to_string()).collect()),
        TypeKind::Scalar => ("scalar", Vec::new()),
        _ => continue,
      };
      members.sort();
      types.insert(format!("{kind} {}", ty.name.node), members);
    }
    types
  }

  #[test]
  fn the_schema_has_every_type_field_and_argument_of_the_reference_sdl() {
    let reference = shape(include_str!("../../../../reference/roq-golden/invites-schema.graphql"));
    let ours = shape(
      &super::Schema::build(super::Query, super::Mutation::default(), super::EmptySubscription)
        .finish()
        .sdl(),
    );
    for (name, members) in &reference {
      let Some(our_members) = ours.get(name) else {
        panic!("{name} is missing")
      };
      for member in members {
        assert!(
          our_members.contains(member),
          "{name}: {member} is missing or differs; ours: {our_members:?}"
        );
      }
    }
  }
}
