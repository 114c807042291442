//! Whom webhook deliveries over HTTPS trust, and why a receiver's certificate was refused, for
//! the attempt to say.

use std::sync::Arc;

use url::Url;

use crate::webhooks::config::Webhooks;

/// Whom deliveries over HTTPS trust: the roots given; else, where a receiver is `https://`,
/// the machine's store (which may be empty: that receiver's attempts then say why); else none,
/// so that nothing is read from the machine.
pub(crate) fn client_config(webhooks: &Webhooks) -> Option<rustls::ClientConfig> {
  if let Some(tls) = &webhooks.tls {
    return Some(tls.clone());
  }
  let mut roots = rustls::RootCertStore::empty();
  if webhooks
    .targets
    .iter()
    .any(|t| Url::parse(&t.url).is_ok_and(|url| url.scheme() == "https"))
  {
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
  }
  let provider = Arc::new(rustls::crypto::ring::default_provider());
  let config = rustls::ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions();
  Some(config.ok()?.with_root_certificates(roots).with_no_client_auth())
}

/// Why the receiver's certificate was refused, if it was (the client's transport.rs has the same
/// walk: the crates share no code but the rulebook). An io::Error's `source()` skips the error it
/// wraps, so it is looked inside.
pub(crate) fn certificate_problem(error: &reqwest::Error) -> Option<&rustls::CertificateError> {
  let mut link: Option<&(dyn std::error::Error + 'static)> = Some(error);
  while let Some(current) = link {
    if let Some(rustls::Error::InvalidCertificate(problem)) = current.downcast_ref() {
      return Some(problem);
    }
    link = match current.downcast_ref::<std::io::Error>() {
      Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
      None => current.source(),
    };
  }
  None
}
