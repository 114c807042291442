//! The proxy a client reaches the platform through, if any. None unless the caller gives one:
//! reqwest would read `HTTPS_PROXY` by itself, and Node does not (it reads the proxy variables
//! only when `NODE_USE_ENV_PROXY=1` or `--use-env-proxy` asks, a convention the binding follows,
//! `NO_PROXY` included, in lib/network.js).

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::{Error, Result};

/// An HTTP proxy (`http://` or `https://`, with credentials if it needs them). HTTPS to the
/// platform goes through it as a tunnel (CONNECT), so the proxy sees the host, not the API key.
/// `Debug` shows its origin, never its credentials.
#[derive(Clone)]
pub struct Proxy {
  url: SecretString,
  origin: String,
}

impl Proxy {
  pub fn new(url: &str) -> Result<Self> {
    let parsed = Url::parse(url.trim())
      .ok()
      .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
      .ok_or_else(|| {
        Error::invalid_argument("proxy: is not an http:// or https:// URL; set it like http://proxy.example.com:3128")
      })?;
    Ok(Self {
      origin: parsed.origin().ascii_serialization(),
      url: SecretString::from(url.trim().to_owned()),
    })
  }

  pub(crate) fn to_reqwest(&self) -> Result<reqwest::Proxy> {
    reqwest::Proxy::all(self.url.expose_secret())
      .map_err(|_| Error::invalid_argument(format!("proxy: {} is not usable", self.origin)))
  }
}

impl fmt::Debug for Proxy {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.debug_tuple("Proxy").field(&self.origin).finish()
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn shows_where_the_proxy_is_never_its_credentials() {
    let proxy = Proxy::new("http://alice:s3cret@proxy.example.com:3128").unwrap();
    assert_eq!(format!("{proxy:?}"), r#"Proxy("http://proxy.example.com:3128")"#);
    assert!(proxy.to_reqwest().is_ok());
  }

  #[test]
  fn takes_only_http_and_https_proxies() {
    for url in ["socks5://proxy:1080", "proxy:3128", "http://", ""] {
      let error = Proxy::new(url).unwrap_err();
      assert_eq!(
        error.message(),
        "proxy: is not an http:// or https:// URL; set it like http://proxy.example.com:3128",
        "{url}"
      );
    }
  }
}
