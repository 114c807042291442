//! The documents parsed so far, by their text: a test suite sends the same few documents
//! thousands of times (our client's send, the SDK's), and parsing one (pest, at every character)
//! was a fifth of the emulator's CPU for a one-invite send. A parsed document is a value that
//! execution takes apart, so each request gets its own copy; copying is far cheaper than parsing.
//!
//! Only documents that passed the limits' shape check are kept, and only small ones (real
//! clients' are under 1 KiB, graphql-js's introspection about 2 KiB), so the cache stays small
//! whatever callers send: at most [`CAPACITY`] documents of at most [`MAX_CACHED_BYTES`] each,
//! the least recently used given up first.

use std::sync::Mutex;

use async_graphql::parser::types::ExecutableDocument;
use hashlink::LruCache;

/// How many documents are kept.
pub const CAPACITY: usize = 64;

/// The longest document text that is kept, in bytes.
pub const MAX_CACHED_BYTES: usize = 16 * 1024;

/// Parsed documents by their text, shared by every request of a schema.
pub struct ParsedDocuments {
  documents: Mutex<LruCache<String, ExecutableDocument>>,
}

impl Default for ParsedDocuments {
  fn default() -> Self {
    Self {
      documents: Mutex::new(LruCache::new(CAPACITY)),
    }
  }
}

impl ParsedDocuments {
  /// A copy of the document parsed from `text`, if it is kept.
  pub fn get(&self, text: &str) -> Option<ExecutableDocument> {
    self.lock().get(text).cloned()
  }

  /// Keeps `document`, parsed from `text`, if the text is small enough.
  pub fn keep(&self, text: &str, document: ExecutableDocument) {
    if text.len() <= MAX_CACHED_BYTES {
      self.lock().insert(text.to_owned(), document);
    }
  }

  fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<String, ExecutableDocument>> {
    // A panic while holding the lock leaves a whole cache: a map of finished documents.
    self.documents.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
  }
}

#[cfg(test)]
mod tests {
  use async_graphql::parser::parse_query;

  use super::*;

  #[test]
  fn a_kept_document_is_given_back_and_the_cache_stays_bounded() {
    let cache = ParsedDocuments::default();
    let text = |i: usize| format!("query Q{i} {{ userInvites {{ totalCount }} }}");
    for i in 0..=CAPACITY {
      cache.keep(&text(i), parse_query(text(i)).unwrap());
    }
    // The first one was the least recently used when the last came in.
    assert!(cache.get(&text(0)).is_none());
    let again = cache.get(&text(CAPACITY)).expect("the last document is kept");
    assert_eq!(
      format!("{again:?}"),
      format!("{:?}", parse_query(text(CAPACITY)).unwrap())
    );
    assert_eq!(cache.lock().len(), CAPACITY);
  }

  #[test]
  fn a_long_document_is_not_kept() {
    let cache = ParsedDocuments::default();
    let long = format!(
      "query {{ userInvites {{ totalCount }} }} #{}",
      "x".repeat(MAX_CACHED_BYTES)
    );
    cache.keep(&long, parse_query(&long).unwrap());
    assert!(cache.get(&long).is_none());
  }
}
