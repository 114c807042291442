//! `connectEmulator(...)`'s URL, by the rulebook's rule for where a secret may go (the
//! environment's credentials travel to it as Basic auth): `https://`, or `http://` to this
//! machine only, in `connectEmulator`'s own words. JavaScript asks here rather than keeping a copy
//! of the rule, which had drifted from it.

use napi_derive::napi;
use roq_invites::rules::{UrlProblem, secret_url};
use roq_invites::{Error, Result};

use crate::outcome::{Outcome, outcome};

/// The origin of the emulator at `url` (what `RemoteEmulator.url` is), or why `connectEmulator`
/// refuses it (`INVALID_ARGUMENT`).
#[napi]
pub fn remote_emulator_origin(url: String) -> Outcome<String> {
  outcome(origin(&url))
}

fn origin(url: &str) -> Result<String> {
  // Quoted as JavaScript's JSON.stringify quotes it, for the message of a JavaScript function.
  let quoted = serde_json::to_string(url).unwrap_or_default();
  let checked = secret_url(url).map_err(|problem| {
    Error::invalid_argument(match problem {
      UrlProblem::NotAUrl => {
        format!("connectEmulator: url {quoted} is not a URL; pass the emulator's address, e.g. http://127.0.0.1:4077")
      }
      UrlProblem::Credentials => {
        "connectEmulator: url must not contain a user name or password; pass environmentId and apiKey instead"
          .to_owned()
      }
      UrlProblem::NoHost | UrlProblem::Scheme(_) | UrlProblem::ClearText => {
        format!("connectEmulator: url {quoted} must be https://, or http:// to localhost")
      }
    })
  })?;
  Ok(checked.origin().ascii_serialization())
}
