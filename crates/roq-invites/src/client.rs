//! The client: a configuration, one HTTP connection pool, one token cache, one retry budget,
//! one pacing gate, and an identity. Its operations hang off [`Client::roq_platform`]; each goes through
//! [`Client::execute`] (or, for a batch of a send, [`Client::attempt`]) and the one attempt loop,
//! [`Client::retrying`], which owns backoff, the budget and the deadline.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use crate::attempt::{Attempt, Attempts};
use crate::auth::{Identity, TokenCache, bearer_header};
use crate::config::{Config, check_max_retries, check_timeout};
use crate::documents::Operation;
use crate::error::{Error, ErrorCode, Result, scrub};
use crate::graphql;
use crate::observe::{Observer, WaitKind};
use crate::pacing::Pacing;
use crate::retry_budget::RetryBudget;
use crate::trace_context::TraceContext;
use crate::transport::{Call, Reply, Transport};

/// A client of the ROQ Platform's invite API. Cheap to clone; clones share the connection pool,
/// the token cache, the retry budget and the pacing gate.
#[derive(Clone)]
pub struct Client {
  shared: Arc<Shared>,
  identity: Identity,
  call: CallOptions,
}

/// What every client made from one `Client::new` shares.
struct Shared {
  config: Config,
  transport: Transport,
  tokens: TokenCache,
  budget: RetryBudget,
  /// `Basic base64(environmentId:apiKey)`, sent on every server GraphQL call.
  server_authorization: HeaderValue,
  /// Closed by a 429's `Retry-After`: every request of the family waits for it.
  pacing: Pacing,
}

/// Settings for the calls of one client: see [`Client::with_call_options`].
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
  /// How long a call may take, retries included; the configuration's timeout if absent.
  pub timeout: Option<Duration>,
  /// How many times a failed call is retried; the configuration's policy if absent.
  pub max_retries: Option<u32>,
  /// Cancels the call (`ABORTED`) when cancelled.
  pub cancel: Option<CancellationToken>,
  /// The caller's trace, sent on every request of the call (`traceparent`, `tracestate`).
  pub trace: Option<TraceContext>,
  /// Receives a record of each attempt and wait of the call, as they happen; none when nobody
  /// observes the call, and then nothing is recorded.
  pub observer: Option<Observer>,
}

/// Whether an attempt whose outcome is unknown (the answer was lost) may simply be repeated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Replay {
  /// Repeating it cannot do anything twice: reads, and updates to the same values.
  Safe,
  /// Repeating it could (a second mail, a second acceptance): only failures that show the
  /// platform did nothing are retried, and the caller reconciles the rest.
  Never,
}

impl Client {
  /// A client acting as the environment's service account.
  pub fn new(config: Config) -> Result<Self> {
    let credentials = format!("{}:{}", config.environment_id(), config.api_key().expose_secret());
    let mut server_authorization = HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(credentials)))
      .expect("base64 is always a valid header value");
    server_authorization.set_sensitive(true);
    let shared = Shared {
      transport: Transport::new(&config)?,
      config,
      tokens: TokenCache::default(),
      budget: RetryBudget::default(),
      server_authorization,
      pacing: Pacing::default(),
    };
    Ok(Self {
      shared: Arc::new(shared),
      identity: Identity::ServiceAccount,
      call: CallOptions::default(),
    })
  }

  /// A client configured from `ROQ_PLATFORM_URL`, `ROQ_ENVIRONMENT_ID` and `ROQ_API_KEY`.
  pub fn from_env() -> Result<Self> {
    Self::new(Config::from_env()?)
  }

  pub fn config(&self) -> &Config {
    &self.shared.config
  }

  /// The same client acting as the environment's service account.
  pub fn as_super_admin(&self) -> Self {
    Self {
      identity: Identity::ServiceAccount,
      ..self.clone()
    }
  }

  /// The same client acting as the platform user `user_id`; `expires_in` (seconds) is passed
  /// to the platform's user-token endpoint.
  pub fn as_user(&self, user_id: &str, expires_in: Option<u64>) -> Result<Self> {
    // Taken exactly, as every id is (the rulebook's `check_id`): " u1" is not "u1".
    if user_id.trim().is_empty() {
      return Err(Error::invalid_argument(
        "userId: must not be empty; pass the ROQ user id to act as",
      ));
    }
    crate::validate::id(&"userId", user_id)?;
    Ok(Self {
      identity: Identity::User {
        user_id: user_id.to_owned(),
        expires_in,
      },
      ..self.clone()
    })
  }

  /// The same client acting as the signed-in user of a ROQ BaaS app, from its session JWT (the
  /// `roq-session-token` cookie).
  pub fn with_baas_token(&self, session_jwt: &str) -> Result<Self> {
    Ok(Self {
      identity: Identity::from_baas_session(session_jwt)?,
      ..self.clone()
    })
  }

  /// The same client with other settings for its calls (a deadline, retries, cancellation).
  pub fn with_call_options(&self, call: CallOptions) -> Result<Self> {
    call.timeout.map(check_timeout).transpose()?;
    call.max_retries.map(check_max_retries).transpose()?;
    Ok(Self { call, ..self.clone() })
  }

  pub(crate) fn call_options(&self) -> &CallOptions {
    &self.call
  }

  /// The call's observer, when someone observes it.
  pub(crate) fn observer(&self) -> Option<&Observer> {
    self.call.observer.as_ref()
  }

  /// The same client with another observer (a scope of the call's own: see `observe.rs`).
  pub(crate) fn with_observer(&self, observer: Observer) -> Self {
    let mut client = self.clone();
    client.call.observer = Some(observer);
    client
  }

  /// The retry budget this client's family shares.
  pub(crate) fn budget(&self) -> &RetryBudget {
    &self.shared.budget
  }

  /// The pacing gate this client's family shares.
  pub(crate) fn pacing(&self) -> &Pacing {
    &self.shared.pacing
  }

  /// When a call starting now must be done.
  pub(crate) fn deadline(&self) -> Instant {
    Instant::now() + self.call.timeout.unwrap_or(self.shared.config.timeout())
  }

  /// Runs one GraphQL operation and reads `data.<root field>` as `T`, retrying through the one
  /// attempt loop ([`Client::retrying`]); after an attempt whose outcome is unknown, only a
  /// [`Replay::Safe`] operation is repeated.
  pub(crate) async fn execute<V: Serialize, T: DeserializeOwned + Send>(
    &self,
    operation: &Operation<'_>,
    variables: &V,
    replay: Replay,
  ) -> Result<T> {
    self
      .execute_with(operation, variables, replay, self.deadline(), &HeaderMap::new())
      .await
  }

  /// [`Client::execute`] until `deadline`, with the caller's `headers` sent as well (ours win
  /// over them).
  pub(crate) async fn execute_with<V: Serialize, T: DeserializeOwned + Send>(
    &self,
    operation: &Operation<'_>,
    variables: &V,
    replay: Replay,
    deadline: Instant,
    headers: &HeaderMap,
  ) -> Result<T> {
    // An observed call's attempt loop counts its resends in a scope of its own.
    let scoped;
    let client = match self.observer() {
      Some(observer) => {
        let mutation = replay == Replay::Never || operation.document.trim_start().starts_with("mutation");
        scoped = self.with_observer(observer.for_operation(operation.operation_name, mutation));
        &scoped
      }
      None => self,
    };
    let mut call = SingleCall {
      client,
      operation,
      body: Bytes::from(graphql::request_body(operation, variables)?),
      replay,
      deadline,
      headers,
      output: PhantomData,
    };
    client.retrying(deadline, &mut call).await
  }

  /// One attempt at a GraphQL operation: a token (fetched again, once, if the platform rejects
  /// it), then the request. Its failure says whether it may be repeated under `replay`.
  pub(crate) async fn attempt<T: DeserializeOwned>(
    &self,
    operation: &Operation<'_>,
    body: Bytes,
    replay: Replay,
    deadline: Instant,
    headers: &HeaderMap,
  ) -> Attempt<T> {
    let decode = |reply: &Reply| graphql::decode(operation, reply);
    self.attempt_reading(body, replay, deadline, headers, decode).await
  }

  /// [`Client::attempt`], with each answer handed to `read`, which may work on it in place
  /// rather than decode it into an owned value first. A failure of `read` is the attempt's.
  pub(crate) async fn attempt_reading<T>(
    &self,
    body: Bytes,
    replay: Replay,
    deadline: Instant,
    headers: &HeaderMap,
    read: impl Fn(&Reply) -> Result<T>,
  ) -> Attempt<T> {
    let holds_secret = |text: &str| self.holds_secret(text);
    let call = Call::new(
      &self.shared.config,
      &self.shared.transport,
      deadline,
      &self.call,
      &holds_secret,
    );
    // A failure names the request it came from: the answer's id, else the one sent last.
    let named = |error: Error| error.or_request_id(call.last_sent().as_ref().map(|id| id.as_str()));
    let mut may_refresh = TokenCache::can_refresh(&self.identity);
    loop {
      // Nothing has been sent yet: whatever stops the wait, the attempt may be made again.
      if let Err(error) = self.wait_for_pacing(deadline).await {
        return Attempt::Failed {
          error,
          replayable: true,
        };
      }
      // Token requests are always safe to repeat: nothing has been sent to GraphQL yet.
      let bearer = match self
        .guard(deadline, self.shared.tokens.bearer(&self.identity, &call))
        .await
      {
        Ok(bearer) => bearer,
        Err(error) => {
          return Attempt::Failed {
            error: named(self.redact(error, None)),
            replayable: true,
          };
        }
      };
      let error = match self
        .guard(
          deadline,
          self.post_graphql(&call, &bearer, body.clone(), headers, &read),
        )
        .await
      {
        Ok(value) => return Attempt::Done(value),
        Err(error) if error.code() == ErrorCode::Unauthorized && may_refresh => {
          if let Some(observer) = self.observer() {
            observer.token_refresh();
          }
          self.shared.tokens.forget(&self.identity, &bearer).await;
          may_refresh = false;
          continue;
        }
        Err(error) => error,
      };
      let replayable = replay == Replay::Safe || !error.outcome_unknown();
      return Attempt::Failed {
        error: named(self.redact(error, Some(&bearer))),
        replayable,
      };
    }
  }

  async fn post_graphql<T>(
    &self,
    call: &Call<'_>,
    bearer: &SecretString,
    body: Bytes,
    extra: &HeaderMap,
    read: &impl Fn(&Reply) -> Result<T>,
  ) -> Result<T> {
    // The caller's headers first; the platform's two always overwrite them, as the SDK does.
    let mut headers = extra.clone();
    headers.insert("roq-platform-authorization", bearer_header(bearer)?);
    headers.insert(
      "roq-platform-server-authorization",
      self.shared.server_authorization.clone(),
    );
    let reply = call.post("v01/server/graphql", headers, body).await?;
    read(&reply).map_err(|error| error.or_request_id(Some(&reply.request_id)))
  }

  /// Waits while the pacing gate is closed; if it opens only past `deadline`, the call ends now
  /// with `RATE_LIMITED` (for good: waiting longer cannot help it).
  async fn wait_for_pacing(&self, deadline: Instant) -> Result<()> {
    let Some(opens) = self.shared.pacing.closed_until() else {
      return Ok(());
    };
    if opens >= deadline {
      let limit = self.call.timeout.unwrap_or(self.shared.config.timeout());
      let message = format!(
        "the platform is rate limiting this client (HTTP 429) and asked it to wait {} ms more (Retry-After), past this call's deadline (timeoutMs, {} ms); raise timeoutMs, or send fewer requests at once",
        opens.saturating_duration_since(Instant::now()).as_millis(),
        limit.as_millis()
      );
      return Err(Error::new(ErrorCode::RateLimited, message).with_status(429).lasting());
    }
    let started = Instant::now();
    let waited = self
      .guard(deadline, async {
        tokio::time::sleep_until(opens.into()).await;
        Ok(())
      })
      .await;
    if let Some(observer) = self.observer() {
      observer.waited(WaitKind::RateLimit, Some("429".to_owned()), started);
    }
    waited
  }

  /// Runs `work` unless the call is cancelled (`ABORTED`) or its deadline passes (`TIMEOUT`)
  /// first.
  pub(crate) async fn guard<T>(&self, deadline: Instant, work: impl Future<Output = Result<T>>) -> Result<T> {
    let cancelled = async {
      match &self.call.cancel {
        Some(token) => token.cancelled().await,
        None => std::future::pending().await,
      }
    };
    tokio::select! {
      result = work => result,
      () = cancelled => Err(Error::new(ErrorCode::Aborted, "the call was aborted").with_outcome_unknown()),
      () = tokio::time::sleep_until(deadline.into()) => Err(self.deadline_error()),
    }
  }

  fn deadline_error(&self) -> Error {
    let limit = self.call.timeout.unwrap_or(self.shared.config.timeout());
    Error::new(
      ErrorCode::Timeout,
      format!(
        "the call did not complete within timeoutMs ({} ms), retries included; raise timeoutMs or check the platform",
        limit.as_millis()
      ),
    )
    .with_outcome_unknown()
  }

  /// Removes every secret from an error's message: a server that echoes what it was sent must
  /// not make us print the API key or a token.
  pub(crate) fn redact(&self, error: Error, bearer: Option<&SecretString>) -> Error {
    self.with_secrets(bearer, |secrets| error.redact(secrets))
  }

  /// A text from the platform (e.g. why it refused an invite) without our secrets in it.
  pub(crate) fn redact_text(&self, text: &str) -> String {
    self.with_secrets(None, |secrets| scrub(text, secrets))
  }

  /// Whether `text` holds one of this client's secrets, in any case (as [`scrub`] finds them).
  fn holds_secret(&self, text: &str) -> bool {
    let bearer = match &self.identity {
      Identity::Baas { access_token } => Some(access_token),
      _ => None,
    };
    self.with_secrets(bearer, |secrets| scrub(text, secrets) != text)
  }

  /// Runs `work` with every secret this client knows: the API key, the Basic credentials, the
  /// bearer of the call, and every token in the cache.
  fn with_secrets<T>(&self, bearer: Option<&SecretString>, work: impl FnOnce(&[&str]) -> T) -> T {
    let cached = self.shared.tokens.known_tokens();
    let mut secrets = vec![
      self.shared.config.api_key().expose_secret(),
      self
        .shared
        .server_authorization
        .to_str()
        .unwrap_or_default()
        .trim_start_matches("Basic "),
    ];
    secrets.extend(bearer.map(|b| b.expose_secret()));
    secrets.extend(cached.iter().map(|t| t.expose_secret()));
    work(&secrets)
  }
}

/// One GraphQL operation, as the attempt loop runs it.
struct SingleCall<'a, T> {
  client: &'a Client,
  operation: &'a Operation<'a>,
  body: Bytes,
  replay: Replay,
  deadline: Instant,
  headers: &'a HeaderMap,
  output: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned + Send> Attempts for SingleCall<'_, T> {
  type Output = T;

  fn attempt(&mut self) -> impl Future<Output = Attempt<T>> + Send {
    let body = self.body.clone();
    self
      .client
      .attempt(self.operation, body, self.replay, self.deadline, self.headers)
  }
}

impl fmt::Debug for Client {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.debug_struct("Client")
      .field("config", &self.shared.config)
      .field("identity", &self.identity)
      .field("call", &self.call)
      .finish()
  }
}
