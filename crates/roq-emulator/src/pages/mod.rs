//! The emulator's HTML pages (maud): the accept page an invitation mail links to, and the
//! dashboard with its Reset confirmation, all in one layout.

pub(crate) mod accept;
pub(crate) mod dashboard;
pub(crate) mod dashboard_bar;
pub(crate) mod dashboard_requests;
pub(crate) mod dashboard_reset;
pub(crate) mod layout;
