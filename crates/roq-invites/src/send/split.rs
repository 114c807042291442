//! How a send is split into batches: in the caller's order, each at most `batchSize` invites and
//! its request at most the rulebook's `MAX_REQUEST_BYTES`, the largest body the platform (and
//! the emulator) takes. Invites with large `data` go in smaller batches.

use roq_rules::MAX_REQUEST_BYTES;

use super::batch::operation;
use crate::error::Result;
use crate::graphql;
use crate::types::SendUserInvites;

/// The batches of a send, made one at a time as they are sent.
pub(super) struct Batches<'a> {
  request: &'a SendUserInvites,
  rest: &'a [usize],
  batch_size: usize,
  /// The bytes of a request around its entries: the document, the tenant, the brackets.
  envelope: usize,
}

impl<'a> Batches<'a> {
  pub(super) fn new(request: &'a SendUserInvites, to_send: &'a [usize], batch_size: usize) -> Result<Self> {
    let envelope = graphql::request_body(operation(request), &request.batch(&[]))?.len();
    Ok(Self {
      request,
      rest: to_send,
      batch_size,
      envelope,
    })
  }
}

impl Iterator for Batches<'_> {
  type Item = Vec<usize>;

  fn next(&mut self) -> Option<Vec<usize>> {
    let mut batch = Vec::new();
    let mut bytes = self.envelope;
    while let Some((&index, rest)) = self.rest.split_first() {
      // A comma before every entry but the first.
      let entry = self.request.entry_json_len(index) + usize::from(!batch.is_empty());
      // One entry alone always goes: the rulebook's limits keep any entry far smaller.
      if !batch.is_empty() && (batch.len() == self.batch_size || bytes + entry > MAX_REQUEST_BYTES) {
        break;
      }
      bytes += entry;
      batch.push(index);
      self.rest = rest;
    }
    (!batch.is_empty()).then_some(batch)
  }
}

#[cfg(test)]
mod tests {
  use roq_rules::{MAX_DATA_BYTES, MAX_INVITES_PER_REQUEST, MAX_LOCALE, MAX_NAME, MAX_ROLES};
  use serde_json::json;

  use super::*;

  fn request(entries: usize, data_bytes: usize) -> SendUserInvites {
    let data = "x".repeat(data_bytes.saturating_sub(12));
    let invites: Vec<_> = (0..entries)
      .map(|i| json!({ "createdByUserId": "u", "email": format!("user{i}@example.com"), "injectableVariables": { "note": data } }))
      .collect();
    serde_json::from_value(json!({ "data": { "tenantId": "t", "userInvites": invites } })).unwrap()
  }

  fn body_len(request: &SendUserInvites, batch: &[usize]) -> usize {
    graphql::request_body(operation(request), &request.batch(batch))
      .unwrap()
      .len()
  }

  #[test]
  fn small_invites_go_batch_size_at_a_time() {
    let request = request(2500, 100);
    let all: Vec<usize> = (0..2500).collect();
    let sizes: Vec<usize> = Batches::new(&request, &all, MAX_INVITES_PER_REQUEST)
      .unwrap()
      .map(|b| b.len())
      .collect();
    assert_eq!(sizes, [1000, 1000, 500]);
  }

  #[test]
  fn large_invites_go_in_batches_whose_requests_the_platform_takes() {
    let request = request(1000, MAX_DATA_BYTES);
    let all: Vec<usize> = (0..1000).collect();
    let batches: Vec<Vec<usize>> = Batches::new(&request, &all, MAX_INVITES_PER_REQUEST).unwrap().collect();
    assert!(batches.len() > 1);
    assert_eq!(batches.concat(), all, "every entry once, in order");
    for batch in &batches {
      let len = body_len(&request, batch);
      assert!(len <= MAX_REQUEST_BYTES, "{len}");
      // Full: one more entry would not have fitted.
      if batch != batches.last().unwrap() {
        let next = batch.last().unwrap() + 1;
        assert!(len + request.entry_json_len(next) + 1 > MAX_REQUEST_BYTES, "{len}");
      }
    }
  }

  #[test]
  fn the_largest_entry_the_rules_allow_is_a_small_part_of_a_request() {
    // Every text at its longest, in characters JSON writes as six bytes each.
    let text = "\u{1}".repeat(MAX_NAME);
    let entry = json!({
      "createdByUserId": text, "email": format!("{}@example.com", "a".repeat(64)), "firstName": text,
      "lastName": text, "locale": "x".repeat(MAX_LOCALE), "roles": vec![&text; MAX_ROLES], "tenantId": text,
      "data": { "note": "\u{1}".repeat(MAX_DATA_BYTES / 6 - 2) },
    });
    let request: SendUserInvites =
      serde_json::from_value(json!({ "userInvites": { "userInvites": [entry] } })).unwrap();
    let len = request.entry_json_len(0);
    assert!(len * 64 < MAX_REQUEST_BYTES, "{len}");
  }
}
