//! Bearer tokens that are fetched and refreshed: OAuth2 client credentials (RFC 6749 §4.4), or
//! any other flow behind [`TokenProvider`].

use std::fmt;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::{BoxFuture, Secret, TokenError};

/// Supplies bearer tokens to a client. `token(None)` returns a token (cached or new);
/// `token(Some(rejected))` is called after the server answered 401 to `rejected`, and returns
/// a fresh one unless another call has refreshed it already.
pub trait TokenProvider: Send + Sync + 'static {
    /// A token to send.
    fn token<'a>(
        &'a self,
        rejected: Option<&'a Secret>,
    ) -> BoxFuture<'a, Result<Secret, TokenError>>;
}

/// How the client authenticates to the token endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAuth {
    /// HTTP basic authentication with the client id and secret (RFC 6749 §2.3.1, the default).
    Basic,
    /// `client_id` and `client_secret` in the form body.
    Body,
}

/// The OAuth2 client credentials grant: posts `grant_type=client_credentials` (with the
/// scopes) to the token endpoint, caches the token until shortly before `expires_in` runs out,
/// and fetches a new one when it has, or when the API rejected it. Concurrent calls share one
/// fetch.
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    auth: ClientAuth,
    margin: Duration,
    http: reqwest::Client,
    cached: tokio::sync::Mutex<Option<(Secret, Option<Instant>)>>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scopes", &self.scopes)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<f64>,
}

#[derive(Deserialize)]
struct TokenErrorBody {
    error: Option<String>,
    error_description: Option<String>,
}

impl ClientCredentials {
    /// Tokens from `token_url` for this client.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        ClientCredentials {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: Vec::new(),
            auth: ClientAuth::Basic,
            margin: Duration::from_secs(30),
            http: super::client::default_http_client().unwrap_or_default(),
            cached: tokio::sync::Mutex::new(None),
        }
    }

    /// The scopes to ask for (sent space-separated).
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// How to authenticate to the token endpoint.
    pub fn with_client_auth(mut self, auth: ClientAuth) -> Self {
        self.auth = auth;
        self
    }

    /// How long before `expires_in` runs out a token is replaced (30 s by default).
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// The HTTP client for the token endpoint.
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    async fn fetch(&self) -> Result<(Secret, Option<Instant>), TokenError> {
        let mut form = vec![("grant_type", "client_credentials".to_owned())];
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.join(" ")));
        }
        let mut request = self.http.post(&self.token_url);
        match self.auth {
            ClientAuth::Basic => {
                request = request.basic_auth(
                    form_urlencode(&self.client_id),
                    Some(form_urlencode(self.client_secret.expose())),
                );
            }
            ClientAuth::Body => {
                form.push(("client_id", self.client_id.clone()));
                form.push(("client_secret", self.client_secret.expose().to_owned()));
            }
        }
        let pairs: Vec<(String, String)> =
            form.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let started = Instant::now();
        let response = request
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .body(super::encode::encode_form(&pairs))
            .send()
            .await
            .map_err(|err| TokenError::Transport(err.without_url()))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|err| TokenError::Transport(err.without_url()))?;
        if !status.is_success() {
            let parsed: Option<TokenErrorBody> = serde_json::from_slice(&body).ok();
            return Err(TokenError::Rejected {
                status,
                error: parsed.as_ref().and_then(|p| p.error.clone()),
                description: parsed.and_then(|p| p.error_description),
            });
        }
        let token: TokenResponse =
            serde_json::from_slice(&body).map_err(|err| TokenError::Invalid(err.to_string()))?;
        if let Some(kind) = &token.token_type {
            if !kind.eq_ignore_ascii_case("bearer") {
                return Err(TokenError::Invalid(format!(
                    "token type `{kind}` is not a bearer token"
                )));
            }
        }
        let expires = token
            .expires_in
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| started + Duration::from_secs_f64(s).saturating_sub(self.margin));
        Ok((Secret::new(token.access_token), expires))
    }
}

/// RFC 6749 §2.3.1: client credentials are form-urlencoded before basic authentication.
fn form_urlencode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, super::encode::NOT_FORM_SAFE)
        .to_string()
        .replace("%20", "+")
}

impl TokenProvider for ClientCredentials {
    fn token<'a>(
        &'a self,
        rejected: Option<&'a Secret>,
    ) -> BoxFuture<'a, Result<Secret, TokenError>> {
        Box::pin(async move {
            // Held across the fetch: concurrent calls wait for one fetch and share its token.
            let mut cached = self.cached.lock().await;
            if let Some((token, expires)) = &*cached {
                let fresh = expires.is_none_or(|at| Instant::now() < at);
                let was_rejected = rejected.is_some_and(|r| r == token);
                if fresh && !was_rejected {
                    return Ok(token.clone());
                }
            }
            let (token, expires) = self.fetch().await?;
            *cached = Some((token.clone(), expires));
            Ok(token)
        })
    }
}

/// A fixed token, as a provider (for tests, or tokens managed elsewhere).
#[derive(Clone, Debug)]
pub struct StaticToken(pub Secret);

impl TokenProvider for StaticToken {
    fn token<'a>(
        &'a self,
        _rejected: Option<&'a Secret>,
    ) -> BoxFuture<'a, Result<Secret, TokenError>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}
