//! What an id is: a tenant's, a user's, an invite's, a role key, a token. Both sides take an id
//! exactly as it is given (neither trims it: `" acme"` and `"acme"` are two tenants), and both
//! refuse the same ones.

use crate::{MAX_ID, MAX_REQUEST_ID};

/// Why a text is not an id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdProblem {
  /// Empty, or nothing but whitespace: no tenant or user is called that, and a form or a
  /// variable left blank by mistake must not name one (or, in a reset, every one).
  Blank,
  /// Longer than [`MAX_ID`] characters (`length` of them).
  TooLong { length: usize },
  /// Contains U+0000, which C strings, SQLite's text functions and many terminals cut at.
  Nul,
}

/// Whether `id` is an id: 1 to [`MAX_ID`] characters, not all whitespace, without NUL. It is
/// not trimmed or changed in any other way; what passes is the id, exactly.
pub fn check_id(id: &str) -> Result<(), IdProblem> {
  if id.trim().is_empty() {
    return Err(IdProblem::Blank);
  }
  if id.contains('\0') {
    return Err(IdProblem::Nul);
  }
  // Bytes first: a text of at most `MAX_ID` bytes has at most `MAX_ID` characters.
  if id.len() > MAX_ID {
    let length = id.chars().count();
    if length > MAX_ID {
      return Err(IdProblem::TooLong { length });
    }
  }
  Ok(())
}

/// Whether `id` is a request id (`x-request-id`): 1 to [`MAX_REQUEST_ID`] characters of
/// `[A-Za-z0-9._:-]`. The emulator answers with a caller's own id only when it is one, and the
/// client keeps the id a platform answered with only when it is one: nothing else (a newline, a
/// secret's `=` or `/`, markup) is ever echoed, logged or shown.
pub fn is_request_id(id: &[u8]) -> bool {
  (1..=MAX_REQUEST_ID).contains(&id.len())
    && id
      .iter()
      .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn an_id_is_taken_as_given_and_refused_when_blank_too_long_or_with_nul() {
    for id in [
      "acme",
      " acme",
      "acme ",
      "a b",
      "ü",
      &"x".repeat(MAX_ID),
      &"é".repeat(MAX_ID),
    ] {
      assert_eq!(check_id(id), Ok(()), "{id:?}");
    }
    for (id, problem) in [
      ("", IdProblem::Blank),
      (" ", IdProblem::Blank),
      ("\t\n\u{3000}", IdProblem::Blank),
      ("a\0", IdProblem::Nul),
      (&"x".repeat(MAX_ID + 1), IdProblem::TooLong { length: MAX_ID + 1 }),
      (&"é".repeat(MAX_ID + 1), IdProblem::TooLong { length: MAX_ID + 1 }),
    ] {
      assert_eq!(check_id(id), Err(problem), "{id:?}");
    }
  }
}
