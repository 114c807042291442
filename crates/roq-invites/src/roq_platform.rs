//! `client.roq_platform()`: the platform's invite operations, as async-openai hangs each API
//! area off its client (`client.invites()`). The handle borrows the client, so it costs nothing
//! to make; the operations are in the files of their resource (`send`, `listing`, `lifecycle`,
//! `graphql_request`).

use crate::client::Client;

/// The invite operations of the ROQ Platform, acting as the client's identity with its call
/// options. Get one with [`Client::roq_platform`].
#[derive(Clone, Copy, Debug)]
pub struct RoqPlatform<'c> {
  pub(crate) client: &'c Client,
}

impl Client {
  /// The platform's invite operations: `client.roq_platform().send_user_invites(&request)`.
  pub fn roq_platform(&self) -> RoqPlatform<'_> {
    RoqPlatform { client: self }
  }
}
