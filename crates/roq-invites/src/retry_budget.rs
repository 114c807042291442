//! The retry budget of a client family, so that a failing platform is not stormed: a token
//! bucket as in aws-sdk-rust, 500 tokens, a retry costs 5 (10 after a timeout or a broken
//! connection), and every success puts one back. When it runs dry, failures are returned at once.

use std::sync::{Mutex, PoisonError};

use crate::error::{Error, ErrorCode};

const BUDGET_CAPACITY: u32 = 500;
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;

/// The retry budget of a client family.
pub(crate) struct RetryBudget {
  tokens: Mutex<u32>,
}

impl Default for RetryBudget {
  fn default() -> Self {
    Self {
      tokens: Mutex::new(BUDGET_CAPACITY),
    }
  }
}

impl RetryBudget {
  /// Takes the cost of retrying after `error`; false when the budget cannot pay it.
  pub fn try_spend(&self, error: &Error) -> bool {
    let cost = match error.code() {
      ErrorCode::NetworkError | ErrorCode::Timeout => TIMEOUT_RETRY_COST,
      _ => RETRY_COST,
    };
    let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
    if *tokens < cost {
      return false;
    }
    *tokens -= cost;
    true
  }

  /// A success puts a token back.
  pub fn refund(&self) {
    let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
    *tokens = (*tokens + 1).min(BUDGET_CAPACITY);
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn the_budget_runs_dry_and_refills_on_success() {
    let budget = RetryBudget::default();
    let error = Error::from_platform(503, None, "x");
    let spent = (0..200).take_while(|_| budget.try_spend(&error)).count();
    assert_eq!(spent, 100);
    assert!(!budget.try_spend(&error));
    for _ in 0..5 {
      budget.refund();
    }
    assert!(budget.try_spend(&error));
  }
}
