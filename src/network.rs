//! How the addon reaches the network as Node does: `NativeRoots`, the certificates Node trusts in
//! this process, parsed once, and the proxy Node would use. Both are decided in lib/network.js,
//! where Node says what it does.

use napi_derive::napi;
use roq_invites::{Config, Proxy, TrustedRoots};

use crate::outcome::{Outcome, outcome};

/// Root certificates, parsed once and shared by every client made with them.
#[napi]
pub struct NativeRoots {
  roots: TrustedRoots,
}

impl NativeRoots {
  pub(crate) fn roots(&self) -> &TrustedRoots {
    &self.roots
  }
}

#[napi]
impl NativeRoots {
  /// How many roots were taken (a certificate that cannot be a root is skipped, as Node skips it).
  #[napi(getter)]
  pub fn count(&self) -> u32 {
    u32::try_from(self.roots.len()).unwrap_or(u32::MAX)
  }
}

/// `certificates`: PEM text, as `tls.getCACertificates()` gives them; `machineStore`: also the
/// machine's own store, for Node's `--use-openssl-ca`.
#[napi]
pub fn trusted_roots(certificates: Vec<String>, machine_store: bool) -> Outcome<NativeRoots> {
  outcome(TrustedRoots::new(certificates.iter().map(String::as_str), machine_store).map(|roots| NativeRoots { roots }))
}

/// `config` with the network settings JavaScript chose.
pub(crate) fn apply(
  mut config: Config,
  roots: Option<&NativeRoots>,
  proxy: Option<String>,
) -> roq_invites::Result<Config> {
  if let Some(native) = roots {
    config = config.with_trusted_roots(native.roots.clone());
  }
  if let Some(proxy) = proxy {
    config = config.with_proxy(Proxy::new(&proxy)?);
  }
  Ok(config)
}
