//! How the emulator is started: its command line, the URLs it is given, and the lifetime a caller
//! asks for a token.

pub mod command_line;
pub(crate) mod configured_urls;
pub(crate) mod token_lifetime;
