//! Webhook delivery: after each committed change of an invite, every configured URL receives a
//! POST of the event (see [`crate::platform::history`]) with the header
//! `roq-platform-webhook-key`, as the platform calls an app's URL; on localhost, as the Stripe CLI
//! does for Stripe.
//!
//! Deliveries are rows written in the transaction of the change, so the store never depends on
//! a receiver, and a slow or dead receiver never holds up an answer: a task of its own sends them
//! after the commit. A non-2xx answer, a timeout or a broken connection is retried with
//! exponential backoff (by the emulator's clock, so a test can move it on), then given up and
//! recorded. Events of one invite go to one URL in the order they happened: the next waits until
//! the one before has been delivered or given up.

pub(crate) mod config;
pub(crate) mod deliveries;
pub(crate) mod expiry_task;
pub(crate) mod sender;
pub(crate) mod tls;
