//! One attempt, as the attempt loop (`retry.rs`) sees it: what it came to ([`Attempt`]), and
//! what the loop runs ([`Attempts`]): a single call (`client.rs`) or one batch of a send
//! (`send/batch.rs`). What may be sent again after a lost answer is the attempt's to say: a read
//! may, a mutation may not, and a batch of a send may once the platform has been asked which of
//! its invites it created.

use crate::error::Error;

/// What one attempt came to.
pub(crate) enum Attempt<T> {
  Done(T),
  /// It failed; `replayable` says whether another attempt cannot do anything twice.
  Failed {
    error: Error,
    replayable: bool,
  },
}

/// Something the attempt loop runs: a single call ([`crate::client`]), or one batch of a send,
/// which reconciles before it says a lost answer may be replayed (`send::batch`).
pub(crate) trait Attempts {
  type Output;

  /// Makes one attempt. (A method returning a `Send` future, rather than an async closure, so
  /// that the compiler can see the future of a whole call is `Send`.)
  fn attempt(&mut self) -> impl Future<Output = Attempt<Self::Output>> + Send;
}
