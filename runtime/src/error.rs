//! The error of a call, with typed access to documented error bodies.

use std::convert::Infallible;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::{ResponseHead, ValidationError};

/// What went wrong with one call; `E` is the operation's enum of documented error bodies.
///
/// Request-building code uses `Error` (that is, `Error<Infallible>`): nothing was received.
/// Every variant is small (responses are boxed), so `Result<T, Error<E>>` stays cheap to move.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = Infallible> {
    /// A value broke a constraint of the spec; nothing was sent.
    Validation(ValidationError),
    /// The request could not be built (a value that does not encode, a header or cookie value
    /// a request cannot carry); nothing was sent. The offending value is never included.
    InvalidRequest(String),
    /// No credential set on the client satisfies the operation's security requirements.
    MissingCredentials {
        /// The operation's `operationId`.
        operation_id: &'static str,
        /// The schemes of the operation's first security requirement.
        schemes: Vec<&'static str>,
    },
    /// No connection could be made (after retries).
    Connect(reqwest::Error),
    /// The call's deadline or an attempt's timeout ran out (after retries).
    Timeout(Timeout),
    /// The connection failed while sending the request or reading the response (after retries);
    /// the error's URL, which may carry an API key, has been removed.
    Transport(reqwest::Error),
    /// The response body is larger than the client's limit; the rest was not read.
    BodyTooLarge {
        /// Status and headers of the response.
        head: Box<ResponseHead>,
        /// The limit, in bytes (`Client::with_max_body_size`).
        limit: u64,
    },
    /// A documented error status, with its decoded body.
    Api(Box<ApiError<E>>),
    /// A status the spec does not document, with the raw body.
    UnexpectedStatus(Box<RawError>),
    /// The response body does not match the documented schema.
    Decode(Box<DecodeError>),
    /// A hook refused the request or the response.
    Hook(HookError),
    /// A token could not be obtained (OAuth2 and other token providers).
    Token(TokenError),
}

/// Which time limit ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timeout {
    /// The whole call's deadline (attempts, waits between them and body reads together).
    Deadline(Duration),
    /// One attempt's timeout.
    Attempt(Duration),
    /// No data arrived on a streamed body for this long.
    Idle(Duration),
    /// A timeout of the HTTP client itself (`reqwest::ClientBuilder::timeout`).
    Client,
}

/// A documented error response: status, headers, the decoded body and the raw one.
#[derive(Debug)]
pub struct ApiError<E> {
    /// Status and headers.
    pub head: ResponseHead,
    /// The decoded body, one variant per documented status.
    pub body: E,
    /// The body as received.
    pub raw: Bytes,
}

/// A response that is not what the spec documents: status, headers and raw body.
#[derive(Debug)]
pub struct RawError {
    /// Status and headers.
    pub head: ResponseHead,
    /// The body as received.
    pub raw: Bytes,
}

/// A body that did not decode.
#[derive(Debug)]
pub struct DecodeError {
    /// Status and headers.
    pub head: ResponseHead,
    /// The body as received.
    pub raw: Bytes,
    /// What the decoder reported.
    pub message: String,
}

/// An error raised by a [`Hook`](super::Hook).
#[derive(Debug)]
pub struct HookError(pub Box<dyn std::error::Error + Send + Sync>);

impl HookError {
    /// Wraps any error.
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        HookError(error.into())
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A token could not be obtained.
#[derive(Debug)]
#[non_exhaustive]
pub enum TokenError {
    /// The token endpoint could not be reached or read.
    Transport(reqwest::Error),
    /// The token endpoint answered with an error (RFC 6749 §5.2: `error`, `error_description`).
    Rejected {
        /// The HTTP status.
        status: StatusCode,
        /// The `error` code, when the body has one (`invalid_client`, ...).
        error: Option<String>,
        /// The `error_description`, when the body has one.
        description: Option<String>,
    },
    /// The token endpoint's answer is not a token response.
    Invalid(String),
    /// A user-supplied token provider failed.
    Provider(Box<dyn std::error::Error + Send + Sync>),
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::Transport(err) => write!(f, "token endpoint unreachable: {err}"),
            TokenError::Rejected {
                status,
                error,
                description,
            } => {
                write!(f, "token request rejected with status {status}")?;
                if let Some(error) = error {
                    write!(f, ": {}", summary(error.as_bytes()))?;
                }
                if let Some(description) = description {
                    write!(f, " ({})", summary(description.as_bytes()))?;
                }
                Ok(())
            }
            TokenError::Invalid(message) => write!(f, "invalid token response: {message}"),
            TokenError::Provider(err) => write!(f, "token provider failed: {err}"),
        }
    }
}

impl<E> Error<E> {
    /// The response status, for errors that carry a response.
    pub fn status(&self) -> Option<StatusCode> {
        self.head().map(|head| head.status)
    }

    /// The response headers, for errors that carry a response.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.head().map(|head| &head.headers)
    }

    fn head(&self) -> Option<&ResponseHead> {
        match self {
            Error::Api(api) => Some(&api.head),
            Error::UnexpectedStatus(raw) => Some(&raw.head),
            Error::Decode(decode) => Some(&decode.head),
            Error::BodyTooLarge { head, .. } => Some(head),
            _ => None,
        }
    }

    /// The decoded body of a documented error status.
    pub fn api_body(&self) -> Option<&E> {
        match self {
            Error::Api(api) => Some(&api.body),
            _ => None,
        }
    }

    /// The decoded body of a documented error status, by value.
    pub fn into_api_body(self) -> Option<E> {
        match self {
            Error::Api(api) => Some(api.body),
            _ => None,
        }
    }

    /// The raw body of an error response, when one was read.
    pub fn raw_body(&self) -> Option<&Bytes> {
        match self {
            Error::Api(api) => Some(&api.raw),
            Error::UnexpectedStatus(raw) => Some(&raw.raw),
            Error::Decode(decode) => Some(&decode.raw),
            _ => None,
        }
    }

    /// The delay a `Retry-After` header of the response asks for (seconds or an HTTP date),
    /// as when a 429 or 503 came back with a wait longer than the call's deadline allows.
    pub fn retry_after(&self) -> Option<Duration> {
        self.headers().and_then(super::retry::retry_after)
    }

    /// Whether a time limit ran out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// Whether no connection could be made.
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Connect(_))
    }

    /// Maps the documented error body, keeping everything else.
    pub fn map_api_body<F>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::Api(api) => {
                let ApiError { head, body, raw } = *api;
                Error::Api(Box::new(ApiError {
                    head,
                    body: f(body),
                    raw,
                }))
            }
            Error::Validation(e) => Error::Validation(e),
            Error::InvalidRequest(e) => Error::InvalidRequest(e),
            Error::MissingCredentials {
                operation_id,
                schemes,
            } => Error::MissingCredentials {
                operation_id,
                schemes,
            },
            Error::Connect(e) => Error::Connect(e),
            Error::Timeout(t) => Error::Timeout(t),
            Error::Transport(e) => Error::Transport(e),
            Error::BodyTooLarge { head, limit } => Error::BodyTooLarge { head, limit },
            Error::UnexpectedStatus(raw) => Error::UnexpectedStatus(raw),
            Error::Decode(decode) => Error::Decode(decode),
            Error::Hook(e) => Error::Hook(e),
            Error::Token(e) => Error::Token(e),
        }
    }
}

impl Error<Infallible> {
    /// The same error for an operation with documented error bodies of type `E` (an error
    /// raised before any response carries none).
    pub fn widen<E>(self) -> Error<E> {
        self.map_api_body(|never| match never {})
    }
}

/// At most 200 characters of a body, for messages: control characters become spaces, so a
/// hostile body cannot forge lines or escape sequences in a log.
fn summary(body: &[u8]) -> String {
    const MAX_CHARS: usize = 200;
    let text = String::from_utf8_lossy(body);
    let mut out = String::new();
    for (count, c) in text.trim().chars().enumerate() {
        if count == MAX_CHARS {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

fn write_status_and_body(
    f: &mut fmt::Formatter<'_>,
    head: &ResponseHead,
    raw: &Bytes,
) -> fmt::Result {
    write!(f, "status {}", head.status)?;
    if !raw.is_empty() {
        write!(f, ": {}", summary(raw))?;
    }
    Ok(())
}

impl<E> fmt::Display for Error<E> {
    // Header values are never printed: they may carry credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(e) => write!(f, "invalid request: {e}"),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::MissingCredentials {
                operation_id,
                schemes,
            } => write!(
                f,
                "operation `{operation_id}` needs credentials for: {}",
                schemes.join(", ")
            ),
            Error::Connect(err) => write!(f, "could not connect: {err}"),
            Error::Timeout(Timeout::Deadline(after)) => {
                write!(f, "the call's deadline of {after:?} ran out")
            }
            Error::Timeout(Timeout::Attempt(after)) => {
                write!(f, "no response within the attempt timeout of {after:?}")
            }
            Error::Timeout(Timeout::Idle(after)) => {
                write!(f, "no data on the response body for {after:?}")
            }
            Error::Timeout(Timeout::Client) => write!(f, "the HTTP client's timeout ran out"),
            Error::Transport(err) => write!(f, "connection failed: {err}"),
            Error::BodyTooLarge { head, limit } => write!(
                f,
                "response with status {} has a body over the limit of {limit} bytes",
                head.status
            ),
            Error::Api(api) => {
                f.write_str("API error: ")?;
                write_status_and_body(f, &api.head, &api.raw)
            }
            Error::UnexpectedStatus(raw) => {
                f.write_str("undocumented response: ")?;
                write_status_and_body(f, &raw.head, &raw.raw)
            }
            Error::Decode(decode) => {
                write!(
                    f,
                    "could not decode the response ({}) with status {}",
                    decode.message, decode.head.status
                )?;
                if !decode.raw.is_empty() {
                    write!(f, ": {}", summary(&decode.raw))?;
                }
                Ok(())
            }
            Error::Hook(err) => write!(f, "a hook failed: {err}"),
            Error::Token(err) => write!(f, "{err}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connect(err) | Error::Transport(err) => Some(err),
            Error::Validation(err) => Some(err),
            Error::Hook(err) => Some(&*err.0),
            _ => None,
        }
    }
}

impl<E> From<ValidationError> for Error<E> {
    fn from(err: ValidationError) -> Self {
        Error::Validation(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_capped_and_have_no_control_characters() {
        let long = "x".repeat(500);
        let s = summary(long.as_bytes());
        assert_eq!(s.chars().count(), 201);
        assert!(s.ends_with('…'));
        assert_eq!(summary(b"a\nb\x1b[31mc\r"), "a b [31mc");
    }
}
