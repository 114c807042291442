//! The invite types of the platform's schema (reference/roq-golden/invites-schema.graphql).
//!
//! Field names are the schema's (camelCase on the wire and in JavaScript). Inputs reject unknown
//! fields, so a misspelt key is an error instead of a silently dropped value.
//!
//! One file per resource: the invite itself, sending, listing, and the lifecycle after sending.
//! The enums both sides spell come from the rulebook (roq-rules).

mod invite;
mod lifecycle;
mod listing;
mod send;

pub use invite::*;
pub use lifecycle::*;
pub use listing::*;
pub use roq_rules::{SortOrder, UserInviteSearchKey, UserInviteSortField, UserInviteStatus};
pub use send::*;

pub use crate::json_object::JsonObject;
