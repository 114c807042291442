//! Ids as every endpoint takes them: a tenant's and a user's (and a role key) mean the same in the
//! send, a session, a user's token, an update and a reset. Each is taken exactly as given, never
//! trimmed (`" acme"` is not `"acme"`), and refused, with the one message below, where the
//! rulebook's `check_id` refuses it: empty or blank, longer than `MAX_ID` characters, or with NUL.

use roq_rules::MAX_ID;

/// `Ok` for an id; otherwise the emulator's one message for `field`, whatever is wrong with it.
pub(crate) fn check_id(field: &str, value: &str) -> Result<(), String> {
  roq_rules::check_id(value)
    .map_err(|_| format!("{field} must be 1 to {MAX_ID} characters, not blank, and without NUL"))
}
