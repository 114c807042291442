//! Whom HTTPS trusts, decided by the caller rather than read from the machine.
//!
//! The Node binding hands over the certificates Node itself trusts in that process (its bundled
//! roots, `NODE_EXTRA_CA_CERTS`, the system store when Node is told to use it), so that the addon
//! needs no CA bundle on the machine (slim container images have none) and trusts a proxy that
//! re-signs TLS exactly when Node does. A Rust caller that gives none gets the operating system's
//! verifier, as a Rust program expects (see `Transport::new`).

use std::fmt;
use std::sync::{Arc, OnceLock};

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::error::{Error, ErrorCode, Result};

/// A set of root certificates, ready for TLS. Cheap to clone; clients made from it share it.
#[derive(Clone)]
pub struct TrustedRoots {
  tls: Arc<rustls::ClientConfig>,
  count: usize,
}

impl TrustedRoots {
  /// The certificates in `pem` (each any number of `CERTIFICATE` blocks), and the machine's own
  /// store (`SSL_CERT_FILE`, `SSL_CERT_DIR` and the usual places, the keychain on macOS, the
  /// system store on Windows) if `machine_store`. A certificate that cannot be a root is skipped,
  /// as Node skips one in `NODE_EXTRA_CA_CERTS`.
  pub fn new<'a>(pem: impl IntoIterator<Item = &'a str>, machine_store: bool) -> Result<Self> {
    let mut store = rustls::RootCertStore::empty();
    for text in pem {
      store.add_parsable_certificates(CertificateDer::pem_slice_iter(text.as_bytes()).flatten());
    }
    if machine_store {
      store.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    }
    let count = store.len();
    Ok(Self {
      tls: Arc::new(client_config(store)?),
      count,
    })
  }

  /// No roots at all: for a plain-HTTP host, which needs none, so that nothing is read or parsed.
  pub fn none() -> Result<Self> {
    static NONE: OnceLock<TrustedRoots> = OnceLock::new();
    if let Some(none) = NONE.get() {
      return Ok(none.clone());
    }
    let none = Self::new([], false)?;
    Ok(NONE.get_or_init(|| none).clone())
  }

  /// How many roots it holds.
  pub fn len(&self) -> usize {
    self.count
  }

  pub fn is_empty(&self) -> bool {
    self.count == 0
  }

  /// The TLS settings for reqwest: these roots, ring, TLS 1.2 and 1.3, HTTP/1.1.
  pub fn tls_config(&self) -> rustls::ClientConfig {
    (*self.tls).clone()
  }
}

fn client_config(roots: rustls::RootCertStore) -> Result<rustls::ClientConfig> {
  let provider = Arc::new(rustls::crypto::ring::default_provider());
  let mut config = rustls::ClientConfig::builder_with_provider(provider)
    .with_safe_default_protocol_versions()
    .map_err(|e| Error::new(ErrorCode::NetworkError, format!("could not set up TLS: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
  // reqwest is built without HTTP/2 (transport.rs): say so in the handshake.
  config.alpn_protocols = vec![b"http/1.1".to_vec()];
  Ok(config)
}

impl fmt::Debug for TrustedRoots {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "TrustedRoots({} certificates)", self.count)
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  /// A public root (Let's Encrypt's ISRG Root X2), as Node's bundle holds it.
  const ISRG_ROOT_X2: &str = "-----BEGIN CERTIFICATE-----
MIICGzCCAaGgAwIBAgIQQdKd0XLq7qeAwSxs6S+HUjAKBggqhkjOPQQDAzBPMQsw
CQYDVQQGEwJVUzEpMCcGA1UEChMgSW50ZXJuZXQgU2VjdXJpdHkgUmVzZWFyY2gg
R3JvdXAxFTATBgNVBAMTDElTUkcgUm9vdCBYMjAeFw0yMDA5MDQwMDAwMDBaFw00
MDA5MTcxNjAwMDBaME8xCzAJBgNVBAYTAlVTMSkwJwYDVQQKEyBJbnRlcm5ldCBT
ZWN1cml0eSBSZXNlYXJjaCBHcm91cDEVMBMGA1UEAxMMSVNSRyBSb290IFgyMHYw
EAYHKoZIzj0CAQYFK4EEACIDYgAEzZvVn4CDCuwJSvMWSj5cz3es3mcFDR0HttwW
+1qLFNvicWDEukWVEYmO6gbf9yoWHKS5xcUy4APgHoIYOIvXRdgKam7mAHf7AlF9
ItgKbppbd9/w+kHsOdx1ymgHDB/qo0IwQDAOBgNVHQ8BAf8EBAMCAQYwDwYDVR0T
AQH/BAUwAwEB/zAdBgNVHQ4EFgQUfEKWrt5LSDv6kviejM9ti6lyN5UwCgYIKoZI
zj0EAwMDaAAwZQIwe3lORlCEwkSHRhtFcP9Ymd70/aTSVaYgLXTWNLxBo1BfASdW
tL4ndQavEi51mI38AjEAi/V3bNTIZargCyzuFJ0nN6T5U6VR5CmD1/iQMVtCnwr1
/q4AaOeMSQ+2b1tbFfLn
-----END CERTIFICATE-----
";

  #[test]
  fn takes_every_certificate_of_the_pem_text_and_skips_what_is_not_one() {
    let roots = TrustedRoots::new([ISRG_ROOT_X2, "not a certificate", ""], false).unwrap();
    assert_eq!(roots.len(), 1);
    let garbled = ISRG_ROOT_X2.replace("MIICGzCC", "MIICGzCX");
    assert_eq!(TrustedRoots::new([garbled.as_str()], false).unwrap().len(), 0);
    assert_eq!(format!("{roots:?}"), "TrustedRoots(1 certificates)");
  }

  #[test]
  fn none_is_empty_and_made_once() {
    let (a, b) = (TrustedRoots::none().unwrap(), TrustedRoots::none().unwrap());
    assert!(a.is_empty());
    assert!(Arc::ptr_eq(&a.tls, &b.tls));
  }
}
