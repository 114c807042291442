//! The rulebook: what the roq-invites client and the ROQ Platform emulator must agree on.
//!
//! The client checks a call before sending it, and the emulator answers as the platform does; if
//! they disagreed on what an email or an id is, or on how long a name may be, a call the client let through
//! would be refused entry by entry, or one the platform takes would be refused here. So each such
//! rule lives once, in this crate, which depends on neither side. Each side still words its own
//! messages: the client names the caller's field, the emulator answers as the platform would.
//!
//! The same goes for the security rules both keep: which URLs a secret or a person may be sent
//! to (the client's `host`, the emulator's webhook receivers and accept link).

mod email;
mod enums;
mod ids;
mod limits;
mod traceparent;
mod urls;

pub use email::{email_key, is_email};
pub use enums::{SortOrder, UserInviteSearchKey, UserInviteSortField, UserInviteStatus};
pub use ids::{IdProblem, check_id, is_request_id};
pub use limits::*;
pub use traceparent::trace_id_of_traceparent;
pub use urls::{UrlProblem, is_loopback, link_url, secret_url};
