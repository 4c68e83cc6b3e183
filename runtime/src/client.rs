//! The shared part of every generated client: base URL, HTTP client, time limits, retries,
//! credentials and hooks, and the loop that sends one call.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use percent_encoding::utf8_percent_encode;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue,
};
use tokio::time::Instant;

use super::encode::{NOT_UNRESERVED, cookie_octets, header_value};
use super::retry::{is_idempotent, is_retryable_status, retry_after};
use super::{
    ApiKeyLocation, Attempt, BoxFuture, ByteStream, Credential, Error, Hook, Next, RawBody,
    RawResponse, Request, ResponseHead, RetryPolicy, SchemeKind, Secret, SecurityScheme, Timeout,
    TokenProvider,
};

/// Default limit on establishing a connection (the default HTTP client only).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default deadline of a whole call: attempts, waits between them and body reads together.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);
/// Default limit on how long a streamed body may go without data.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit on the size of a body read into memory.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 32 * 1024 * 1024;

/// Whether a call reads the success body into memory or hands it over as a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyMode {
    /// Read every body whole (within the body-size limit).
    Buffered,
    /// Leave success bodies on the connection; error bodies are still read whole.
    Streamed,
}

/// The HTTP client this runtime builds when none is given: a connect timeout, and the TLS
/// stack the crate's features chose.
pub fn default_http_client() -> Result<reqwest::Client, reqwest::Error> {
    #[cfg(feature = "rustls")]
    {
        // With `rustls-no-provider`, reqwest needs a process-wide provider; `ring` builds
        // without a C toolchain. An error means another one is installed already: fine.
        // rustls 0.23.48 deprecates ring's provider because it has no post-quantum key
        // exchange; that is the trade of this feature (`rustls-aws-lc` has one), and ring
        // offers no other way to make its provider.
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        let _ = provider.install_default();
    }
    reqwest::Client::builder()
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
        .build()
}

/// The time limits and sizes of a client.
#[derive(Clone, Debug)]
struct Limits {
    attempt: Option<Duration>,
    deadline: Option<Duration>,
    idle: Option<Duration>,
    max_body: u64,
}

/// The state every generated `Client` wraps. Cloning is cheap (the HTTP client's pool is
/// shared).
#[derive(Clone)]
pub struct ClientCore {
    base_url: String,
    http: Result<reqwest::Client, Arc<str>>,
    limits: Limits,
    retry: RetryPolicy,
    credentials: BTreeMap<&'static str, Credential>,
    hooks: Vec<Arc<dyn Hook>>,
    idempotency_header: Option<HeaderName>,
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCore")
            .field("base_url", &self.base_url)
            .field("limits", &self.limits)
            .field("retry", &self.retry)
            .field("credentials", &self.credentials)
            .field("hooks", &self.hooks.len())
            .field("idempotency_header", &self.idempotency_header)
            .finish()
    }
}

/// Auth resolved for one call.
#[derive(Default)]
struct AppliedAuth {
    headers: HeaderMap,
    query: Vec<(String, String)>,
    cookies: Vec<String>,
    basic: Option<(String, Secret)>,
    /// The provider of the bearer token sent, and the token: a 401 asks it for a new one.
    tokens: Option<(Arc<dyn TokenProvider>, Secret)>,
}

impl ClientCore {
    /// A client for `base_url` (a trailing '/' is trimmed) with the default HTTP client and
    /// limits, and [`RetryPolicy::default`].
    pub fn new(base_url: impl Into<String>) -> Self {
        let mut core = ClientCore {
            base_url: String::new(),
            http: default_http_client().map_err(|err| Arc::from(err.to_string())),
            limits: Limits {
                attempt: None,
                deadline: Some(DEFAULT_DEADLINE),
                idle: Some(DEFAULT_IDLE_TIMEOUT),
                max_body: DEFAULT_MAX_BODY_SIZE,
            },
            retry: RetryPolicy::default(),
            credentials: BTreeMap::new(),
            hooks: Vec::new(),
            idempotency_header: None,
        };
        core.set_base_url(base_url);
        core
    }

    /// The base URL, without a trailing '/'.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Replaces the base URL (a trailing '/' is trimmed).
    pub fn set_base_url(&mut self, base_url: impl Into<String>) {
        let mut base_url = base_url.into();
        while base_url.ends_with('/') {
            base_url.pop();
        }
        self.base_url = base_url;
    }

    /// Replaces the HTTP client (proxies, TLS settings, pools); its own connect timeout
    /// applies.
    pub fn set_http_client(&mut self, http: reqwest::Client) {
        self.http = Ok(http);
    }

    /// The HTTP client, for token providers and tests.
    pub fn http_client(&self) -> Option<&reqwest::Client> {
        self.http.as_ref().ok()
    }

    /// Limits each attempt, its body read included (none by default: the deadline applies).
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.limits.attempt = timeout;
    }

    /// Limits the whole call: attempts, waits between them and body reads (for streamed
    /// bodies: until the response head); `None` removes the limit. 60 s by default.
    pub fn set_deadline(&mut self, deadline: Option<Duration>) {
        self.limits.deadline = deadline;
    }

    /// Limits how long a streamed body may go without data; 30 s by default.
    pub fn set_idle_timeout(&mut self, idle: Option<Duration>) {
        self.limits.idle = idle;
    }

    /// Limits the size of a body read into memory, and of each event or record a stream holds
    /// while reading it; 32 MiB by default.
    pub fn set_max_body_size(&mut self, bytes: u64) {
        self.limits.max_body = bytes;
    }

    /// Replaces the retry policy.
    pub fn set_retry_policy(&mut self, retry: RetryPolicy) {
        self.retry = retry;
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Sets the credential for the security scheme named `scheme`.
    pub fn set_credential(&mut self, scheme: &'static str, credential: Credential) {
        self.credentials.insert(scheme, credential);
    }

    /// Removes the credential for the security scheme named `scheme`.
    pub fn clear_credential(&mut self, scheme: &'static str) {
        self.credentials.remove(scheme);
    }

    /// Adds a hook, run after the ones added before it.
    pub fn add_hook(&mut self, hook: Arc<dyn Hook>) {
        self.hooks.push(hook);
    }

    /// Sends a fresh idempotency key in header `name` with every POST and PATCH that does not
    /// set one itself (the same key on every retry of a call), which makes those calls safe to
    /// retry; `None` stops it.
    pub fn set_idempotency_header(&mut self, name: Option<&'static str>) {
        self.idempotency_header = name.and_then(|n| HeaderName::from_bytes(n.as_bytes()).ok());
    }

    fn credential_for(&self, scheme: &SecurityScheme) -> Option<&Credential> {
        self.credentials
            .get(scheme.name)
            .filter(|c| c.fits(&scheme.kind))
    }

    /// Picks the first non-empty requirement whose schemes all have credentials; falls back to
    /// anonymous when some requirement is empty.
    async fn resolve_auth(&self, request: &Request) -> Result<AppliedAuth, Error> {
        let security = request.operation.security;
        let mut auth = AppliedAuth::default();
        if security.is_empty() {
            return Ok(auth);
        }
        let satisfied = security
            .iter()
            .find(|req| !req.is_empty() && req.iter().all(|s| self.credential_for(s).is_some()));
        let Some(requirement) = satisfied else {
            if security.iter().any(|req| req.is_empty()) {
                return Ok(auth);
            }
            return Err(Error::MissingCredentials {
                operation_id: request.operation.id,
                schemes: security[0].iter().map(|s| s.name).collect(),
            });
        };
        for scheme in requirement.iter() {
            let Some(credential) = self.credential_for(scheme) else {
                continue;
            };
            match (credential, scheme.kind) {
                (Credential::Bearer(token), _) => {
                    auth.headers.insert(AUTHORIZATION, bearer(token)?)
                }
                (Credential::Tokens(provider), _) => {
                    // Sent per attempt: a 401 may replace it.
                    let token = provider.token(None).await.map_err(Error::Token)?;
                    auth.tokens = Some((provider.clone(), token));
                    None
                }
                (Credential::Basic { username, password }, _) => {
                    auth.basic = Some((username.clone(), password.clone()));
                    None
                }
                (Credential::ApiKey(key), SchemeKind::ApiKey { location, name }) => {
                    apply_api_key(&mut auth, location, name, key)?;
                    None
                }
                _ => None,
            };
        }
        Ok(auth)
    }

    fn url(&self, request: &Request, extra_query: &[(String, String)]) -> Result<String, Error> {
        let (mut url, query): (String, &[(String, String)]) = match &request.url {
            // A next-page URL carries its own query; credentials are not sent
            // to another origin.
            Some(next) => {
                let next = resolve_link(&format!("{}{}", self.base_url, request.path), next);
                if origin(&next) != origin(&self.base_url) {
                    return Err(Error::InvalidRequest(
                        "the next page is on another origin than the base URL; it is not fetched"
                            .to_owned(),
                    ));
                }
                (next, &[])
            }
            None => (format!("{}{}", self.base_url, request.path), &request.query),
        };
        let mut first = !url.contains('?');
        for (k, v) in query.iter().chain(extra_query) {
            url.push(if first { '?' } else { '&' });
            first = false;
            url.extend(utf8_percent_encode(k, NOT_UNRESERVED));
            url.push('=');
            url.extend(utf8_percent_encode(v, NOT_UNRESERVED));
        }
        Ok(url)
    }

    /// Sends one call: auth, hooks, retries per the policy, all within the deadline. With
    /// [`BodyMode::Buffered`] the body is read before returning (so a failure while reading
    /// is retried too); with [`BodyMode::Streamed`], success bodies are left to the caller.
    pub fn execute(
        &self,
        request: Request,
        mode: BodyMode,
    ) -> BoxFuture<'_, Result<RawResponse, Error>> {
        #[cfg(feature = "tracing")]
        let span = call_span(request.operation);
        let call = self.call(request, mode);
        #[cfg(feature = "tracing")]
        let call = tracing::Instrument::instrument(call, span);
        Box::pin(async move {
            match self.limits.deadline {
                Some(deadline) => tokio::time::timeout(deadline, call)
                    .await
                    .unwrap_or(Err(Error::Timeout(Timeout::Deadline(deadline)))),
                None => call.await,
            }
        })
    }

    async fn call(&self, request: Request, mode: BodyMode) -> Result<RawResponse, Error> {
        let started = Instant::now();
        let deadline = self.limits.deadline.map(|d| started + d);
        let http = match &self.http {
            Ok(http) => http,
            Err(message) => {
                return Err(Error::InvalidRequest(format!(
                    "no HTTP client could be built: {message}"
                )));
            }
        };
        let operation = request.operation;
        let mut auth = self.resolve_auth(&request).await?;
        let url = self.url(&request, &auth.query)?;
        let headers = self.request_headers(&request, &auth)?;
        let repeatable = request.body.as_ref().is_none_or(super::Body::is_repeatable);
        let keyed = self
            .idempotency_header
            .as_ref()
            .is_some_and(|name| headers.contains_key(name));
        let idempotent =
            is_idempotent(&operation.method) || self.retry.retry_non_idempotent || keyed;
        let may_repeat = repeatable && idempotent;
        let mut attempt = 0u32;
        let mut refreshed = false;
        loop {
            attempt += 1;
            let info = Attempt {
                operation,
                number: attempt,
            };
            let retries_left = may_repeat && attempt <= self.retry.max_retries;
            let backoff = self.retry.backoff(attempt - 1);
            let mut http_request = http
                .request(operation.method.clone(), &url)
                .headers(headers.clone());
            if let Some(token) = auth.tokens.as_ref().map(|(_, token)| token) {
                http_request = http_request.header(AUTHORIZATION, bearer(token)?);
            }
            if let Some((username, password)) = &auth.basic {
                http_request = http_request.basic_auth(username, Some(password.expose()));
            }
            if let Some(body) = &request.body {
                http_request = body.attach(http_request)?;
            }
            let mut http_request = http_request
                .build()
                .map_err(|err| Error::InvalidRequest(err.without_url().to_string()))?;
            for hook in &self.hooks {
                hook.on_request(&info, &mut http_request)
                    .map_err(Error::Hook)?;
            }
            let exchange = self.exchange(http, &info, http_request, mode);
            #[cfg(feature = "tracing")]
            let exchange = tracing::Instrument::instrument(
                exchange,
                tracing::debug_span!("attempt", number = attempt),
            );
            let outcome = match self.limits.attempt {
                Some(limit) => tokio::time::timeout(limit, exchange)
                    .await
                    .unwrap_or(Err(Error::Timeout(Timeout::Attempt(limit)))),
                None => exchange.await,
            };
            let response = match outcome {
                Ok(response) => response,
                Err(err) if retries_left && is_transient(&err) => {
                    if !wait(deadline, backoff).await {
                        return Err(err);
                    }
                    continue;
                }
                Err(err) => return Err(err),
            };
            let status = response.head.status;
            // A body that cannot be sent again (a stream) is not retried with a new token
            // either: the 401 is returned.
            if status == reqwest::StatusCode::UNAUTHORIZED && !refreshed && repeatable {
                if let Some((provider, rejected)) = auth.tokens.clone() {
                    // One refresh, and one more attempt with the new token.
                    refreshed = true;
                    let token = provider
                        .token(Some(&rejected))
                        .await
                        .map_err(Error::Token)?;
                    auth.tokens = Some((provider, token));
                    attempt -= 1;
                    continue;
                }
            }
            if retries_left && is_retryable_status(status) {
                let asked = retry_after(&response.head.headers);
                let delay = asked.unwrap_or(backoff);
                // A wait longer than the policy allows, or than the deadline leaves, is not
                // waited: the response is returned now (`Error::retry_after` tells the wait).
                if delay <= self.retry.max_backoff && wait(deadline, delay).await {
                    continue;
                }
            }
            #[cfg(feature = "tracing")]
            {
                let span = tracing::Span::current();
                span.record("status", status.as_u16());
                span.record("attempts", attempt);
            }
            return Ok(response);
        }
    }

    /// One attempt: the hooks' `around` chain, the response head, and the body when it is read
    /// whole.
    async fn exchange(
        &self,
        http: &reqwest::Client,
        info: &Attempt,
        request: reqwest::Request,
        mode: BodyMode,
    ) -> Result<RawResponse, Error> {
        #[cfg(feature = "tracing")]
        let started = std::time::Instant::now();
        let next = Next {
            hooks: &self.hooks,
            http,
            attempt: info,
        };
        let response = next.run(request).await?;
        let mut head = ResponseHead {
            status: response.status(),
            headers: response.headers().clone(),
        };
        for hook in &self.hooks {
            hook.on_response(info, &mut head).map_err(Error::Hook)?;
        }
        #[cfg(feature = "tracing")]
        tracing::debug!(
            attempt = info.number,
            status = head.status.as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "response"
        );
        if mode == BodyMode::Streamed && head.status.is_success() {
            let body =
                ByteStream::from_response(&head, response, self.limits.idle, self.limits.max_body);
            return Ok(RawResponse {
                head,
                body: RawBody::Streamed(body),
            });
        }
        let body = read_body(&head, response, self.limits.max_body).await?;
        Ok(RawResponse {
            head,
            body: RawBody::Buffered(body),
        })
    }

    /// The call's own headers: parameters, `Accept`, `Content-Type`, auth, cookies and the
    /// idempotency key.
    fn request_headers(&self, request: &Request, auth: &AppliedAuth) -> Result<HeaderMap, Error> {
        let mut headers = request.headers.clone();
        headers.extend(auth.headers.clone());
        if let Some(accept) = request.operation.accept {
            headers.insert(ACCEPT, header_value("Accept", accept)?);
        }
        if let Some(content_type) = request.body.as_ref().and_then(|b| b.content_type()) {
            headers.insert(CONTENT_TYPE, header_value("Content-Type", content_type)?);
        }
        let mut cookies: Vec<String> = request
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        cookies.extend(auth.cookies.iter().cloned());
        if !cookies.is_empty() {
            let mut value = header_value("Cookie", &cookies.join("; "))?;
            value.set_sensitive(!auth.cookies.is_empty());
            headers.insert(COOKIE, value);
        }
        if let Some(name) = &self.idempotency_header {
            if !is_idempotent(&request.operation.method) && !headers.contains_key(name) {
                let key = format!("{:032x}", fastrand::u128(..));
                headers.insert(
                    name.clone(),
                    HeaderValue::from_str(&key).expect("hex is a header value"),
                );
            }
        }
        Ok(headers)
    }
}

/// The span of one call: what was called, never the URL (its query may carry an API key),
/// headers or bodies.
#[cfg(feature = "tracing")]
fn call_span(operation: &super::Operation) -> tracing::Span {
    tracing::info_span!(
        "api_call",
        operation = operation.id,
        method = %operation.method,
        route = operation.route,
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
    )
}

fn bearer(token: &Secret) -> Result<HeaderValue, Error> {
    let mut value = header_value("Authorization", &format!("Bearer {}", token.expose()))?;
    value.set_sensitive(true);
    Ok(value)
}

fn apply_api_key(
    auth: &mut AppliedAuth,
    location: ApiKeyLocation,
    name: &'static str,
    key: &Secret,
) -> Result<(), Error> {
    match location {
        ApiKeyLocation::Header => {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::InvalidRequest(format!("`{name}` is not a header name")))?;
            let mut value = header_value(name, key.expose())?;
            value.set_sensitive(true);
            auth.headers.insert(header, value);
        }
        ApiKeyLocation::Query => auth.query.push((name.to_owned(), key.expose().to_owned())),
        ApiKeyLocation::Cookie => {
            // A key is sent as it is or not at all: one that would need encoding is refused.
            if cookie_octets(key.expose()) != key.expose() {
                return Err(Error::InvalidRequest(format!(
                    "the API key for cookie `{name}` has characters a cookie cannot carry"
                )));
            }
            auth.cookies.push(format!("{name}={}", key.expose()));
        }
    }
    Ok(())
}

/// A `Link` target resolved against the URL of the request it came with (RFC 8288 allows
/// relative references such as `/items?page=2`); absolute targets are kept as they are.
fn resolve_link(context: &str, link: &str) -> String {
    if reqwest::Url::parse(link).is_ok() {
        return link.to_owned();
    }
    reqwest::Url::parse(context)
        .and_then(|context| context.join(link))
        .map_or_else(|_| link.to_owned(), String::from)
}

/// `scheme://host:port` of a URL (lowercase), for same-origin checks.
fn origin(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or_default();
    format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase()
    )
}

/// Failures worth another attempt of an idempotent call.
fn is_transient(err: &Error) -> bool {
    matches!(
        err,
        Error::Connect(_)
            | Error::Transport(_)
            | Error::Timeout(Timeout::Attempt(_) | Timeout::Client)
    )
}

/// Sleeps `delay` unless that would end past the deadline; false when it would.
async fn wait(deadline: Option<Instant>, delay: Duration) -> bool {
    if deadline.is_some_and(|at| Instant::now() + delay >= at) {
        return false;
    }
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    true
}

/// Reads a whole body, refusing one over `limit` bytes (by its `Content-Length`, or as it
/// arrives).
async fn read_body(
    head: &ResponseHead,
    mut response: reqwest::Response,
    limit: u64,
) -> Result<Bytes, Error> {
    let too_large = || Error::BodyTooLarge {
        head: Box::new(head.clone()),
        limit,
    };
    if response
        .content_length()
        .is_some_and(|length| length > limit)
    {
        return Err(too_large());
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// A reqwest error as an [`Error`], without its URL (which may carry an API key).
pub(crate) fn transport_error(err: reqwest::Error) -> Error {
    let err = err.without_url();
    if err.is_connect() {
        Error::Connect(err)
    } else if err.is_timeout() {
        Error::Timeout(Timeout::Client)
    } else if err.is_builder() {
        Error::InvalidRequest(err.to_string())
    } else {
        Error::Transport(err)
    }
}
