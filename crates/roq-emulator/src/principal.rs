//! Who is calling: what the token endpoints' and GraphQL's checks of the credentials find, and
//! what every rule of the data layer decides by.

/// Who is calling, once the headers have been checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
  /// The environment's service account: sees and acts on every tenant.
  ServiceAccount,
  /// A platform user: sees and acts on its own tenant only.
  User { user_id: String },
}
