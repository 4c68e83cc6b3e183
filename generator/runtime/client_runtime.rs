// Runtime support shared by every generated client module.
//
// This file is copied verbatim into generated output (as `pub mod runtime { .. }` or
// `src/runtime.rs`), so it holds only outer items: no inner attributes or inner doc comments.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use regex::Regex;
use reqwest::RequestBuilder;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE, RETRY_AFTER};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use bytes::Bytes;
pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
pub use reqwest::{Method, StatusCode};

// ---------------------------------------------------------------------------------------------
// Secrets and nullable fields
// ---------------------------------------------------------------------------------------------

/// A credential value whose `Debug` and `Display` never show the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// Returns the secret itself; call only where it must go on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// A field that is both optional and nullable: absent (leave unchanged), explicit null (clear),
/// or a value.
///
/// Generated fields carry
/// `#[serde(default, skip_serializing_if = "runtime::Nullable::is_absent")]` so that
/// `Absent` is omitted on output and a missing field deserializes to `Absent`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// The field is not present.
    #[default]
    Absent,
    /// The field is present with the value `null`.
    Null,
    /// The field is present with a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// True for [`Nullable::Absent`].
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// True for [`Nullable::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, if there is one, by value.
    pub fn into_value(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Borrows the contents.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(v),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Absent is normally skipped by the field attribute; if it is not, null is the
            // closest representation.
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
            Nullable::Value(v) => v.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}

// ---------------------------------------------------------------------------------------------
// Tagged unions whose variants leave the tag out
// ---------------------------------------------------------------------------------------------

/// Encodes a union variant as its payload's object with the tag property added (a payload of
/// `()` gives an object with the tag alone).
pub fn encode_with_tag<S: Serializer, T: Serialize + ?Sized>(
    serializer: S,
    tag: &str,
    value: &str,
    payload: &T,
) -> Result<S::Ok, S::Error> {
    let mut object = match serde_json::to_value(payload).map_err(serde::ser::Error::custom)? {
        serde_json::Value::Object(object) => object,
        serde_json::Value::Null => serde_json::Map::new(),
        _ => {
            return Err(serde::ser::Error::custom(format!(
                "variant `{value}` does not encode as an object"
            )));
        }
    };
    object.insert(tag.to_owned(), serde_json::Value::String(value.to_owned()));
    object.serialize(serializer)
}

/// Decodes a union variant from its object without the tag property (which the variant's type
/// does not have, and which must not land in its additional properties).
pub fn decode_without_tag<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    mut value: serde_json::Value,
    tag: &str,
) -> Result<T, E> {
    if let Some(object) = value.as_object_mut() {
        object.remove(tag);
    }
    serde_json::from_value(value).map_err(E::custom)
}

// ---------------------------------------------------------------------------------------------
// Configuration: retries and security
// ---------------------------------------------------------------------------------------------

/// Retry policy for transient failures (connection errors, timeouts, 429 and 503).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    /// Upper bound of the first jittered delay; doubles on every retry.
    pub initial_backoff: Duration,
    /// Cap on any delay, including one asked for by `Retry-After`.
    pub max_backoff: Duration,
    /// Also retry POST and PATCH, which may not be safe to repeat.
    pub retry_non_idempotent: bool,
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// "Full jitter" delay before retry number `attempt + 1`.
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt).unwrap_or(u32::MAX);
        let cap = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            retry_non_idempotent: false,
        }
    }
}

/// Where an apiKey goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// The kind of a security scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemeKind {
    /// HTTP bearer authentication.
    Bearer,
    /// HTTP basic authentication.
    Basic,
    /// An API key named `name` sent in `location`.
    ApiKey {
        /// Where the key goes.
        location: ApiKeyLocation,
        /// The header, query parameter or cookie name.
        name: &'static str,
    },
}

/// One entry of `components.securitySchemes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The scheme's key in `components.securitySchemes`.
    pub name: &'static str,
    /// How the credential is sent.
    pub kind: SchemeKind,
}

/// One alternative of an operation's `security`: all listed schemes together. An empty slice
/// means "anonymous is allowed".
pub type SecurityRequirement = &'static [&'static SecurityScheme];

/// A credential set on the client. `Debug` redacts secrets.
#[derive(Clone, Debug)]
pub enum Credential {
    /// A bearer token.
    Bearer(Secret),
    /// A user name and password for basic authentication.
    Basic {
        /// The user name (not treated as secret).
        username: String,
        /// The password.
        password: Secret,
    },
    /// An API key.
    ApiKey(Secret),
}

impl Credential {
    /// Whether this credential can be used for a scheme of `kind`.
    fn fits(&self, kind: &SchemeKind) -> bool {
        matches!(
            (self, kind),
            (Credential::Bearer(_), SchemeKind::Bearer)
                | (Credential::Basic { .. }, SchemeKind::Basic)
                | (Credential::ApiKey(_), SchemeKind::ApiKey { .. })
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Requests and responses
// ---------------------------------------------------------------------------------------------

/// Request body, already encoded by generated code (kept owned so it can be re-sent on retry).
#[derive(Clone, Debug)]
pub enum Body {
    /// Serialized JSON, sent as `application/json`.
    Json(Vec<u8>),
    /// Pairs sent as `application/x-www-form-urlencoded`.
    Form(Vec<(String, String)>),
    /// Text with its media type.
    Text {
        /// The text.
        content: String,
        /// The `Content-Type` value.
        content_type: &'static str,
    },
    /// Raw bytes with their media type.
    Binary {
        /// The bytes.
        content: Bytes,
        /// The `Content-Type` value.
        content_type: &'static str,
    },
    /// Parts sent as `multipart/form-data`.
    Multipart(Vec<MultipartPart>),
}

impl Body {
    /// `value` as a JSON body.
    #[allow(clippy::result_large_err)] // see the note on `Error`
    pub fn json<T: Serialize + ?Sized, E>(value: &T) -> Result<Self, Error<E>> {
        serde_json::to_vec(value)
            .map(Body::Json)
            .map_err(|e| Error::Encode(e.to_string()))
    }

    /// `value` (an object) as form pairs: one per property, arrays repeat
    /// the key, nested objects are sent as JSON text, nulls are left out.
    #[allow(clippy::result_large_err)] // see the note on `Error`
    pub fn form<T: Serialize + ?Sized, E>(value: &T) -> Result<Self, Error<E>> {
        Ok(Body::Form(object_pairs(value)?))
    }

    /// `value` (an object) as multipart text parts, one per pair as for
    /// [`Body::form`].
    #[allow(clippy::result_large_err)] // see the note on `Error`
    pub fn multipart<T: Serialize + ?Sized, E>(value: &T) -> Result<Self, Error<E>> {
        let parts = object_pairs(value)?
            .into_iter()
            .map(|(name, text)| MultipartPart {
                name,
                content: Bytes::from(text),
                file_name: None,
                content_type: None,
            })
            .collect();
        Ok(Body::Multipart(parts))
    }
}

#[allow(clippy::result_large_err)] // see the note on `Error`
fn object_pairs<T: Serialize + ?Sized, E>(
    value: &T,
) -> Result<Vec<(String, String)>, Error<E>> {
    let value = serde_json::to_value(value).map_err(|e| Error::Encode(e.to_string()))?;
    let serde_json::Value::Object(map) = value else {
        return Err(Error::Encode("a form body must be an object".to_owned()));
    };
    let mut pairs = Vec::new();
    for (key, value) in map {
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => {
                pairs.extend(items.iter().map(|item| (key.clone(), query_text(item))));
            }
            other => pairs.push((key, query_text(&other))),
        }
    }
    Ok(pairs)
}

/// A parameter value as the text a path segment, header or text body
/// carries: strings as they are, other scalars in their JSON spelling,
/// arrays joined with `,` (OpenAPI's `simple` style).
#[allow(clippy::result_large_err)] // see the note on `Error`
pub fn param_text<T: Serialize + ?Sized, E>(value: &T) -> Result<String, Error<E>> {
    let value = serde_json::to_value(value).map_err(|e| Error::Encode(e.to_string()))?;
    Ok(match value {
        serde_json::Value::Array(items) => {
            items.iter().map(query_text).collect::<Vec<_>>().join(",")
        }
        other => query_text(&other),
    })
}

/// One part of a `multipart/form-data` body.
#[derive(Clone, Debug)]
pub struct MultipartPart {
    /// The form field name.
    pub name: String,
    /// The part's content.
    pub content: Bytes,
    /// The file name, for file uploads.
    pub file_name: Option<String>,
    /// The part's media type.
    pub content_type: Option<String>,
}

/// Everything the generated method knows about one call.
#[derive(Clone, Debug)]
pub struct Request {
    /// The operation's `operationId`, used in error messages.
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path, already percent-encoded and starting with '/', appended to the base URL as is.
    pub path: String,
    /// Raw (unencoded) query pairs, in order.
    pub query: Vec<(String, String)>,
    /// Header parameters.
    pub headers: HeaderMap,
    /// The body, if any.
    pub body: Option<Body>,
    /// The operation's security alternatives; empty means no auth is applied.
    pub security: &'static [SecurityRequirement],
    /// The `Accept` header value, if any.
    pub accept: Option<&'static str>,
}

impl Request {
    /// A request with no query, headers, body, security or `Accept`.
    pub fn new(operation_id: &'static str, method: Method, path: impl Into<String>) -> Self {
        Request {
            operation_id,
            method,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            security: &[],
            accept: None,
        }
    }
}

/// A response read to the end.
#[derive(Clone, Debug)]
pub struct RawResponse {
    /// The status code.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

#[allow(clippy::result_large_err)] // see the note on `Error`
impl RawResponse {
    /// Decodes the JSON body and wraps it as `Error::Api` with `wrap` (a documented error
    /// status); a body that does not decode gives `Error::Decode` instead.
    pub fn json_error<T: serde::de::DeserializeOwned, E>(
        self,
        wrap: impl FnOnce(T) -> E,
    ) -> Error<E> {
        match self.json::<T, E>() {
            Ok(body) => self.into_api_error(wrap(body)),
            Err(err) => err,
        }
    }

    /// Decodes the body as JSON; on failure the error keeps status, headers and body.
    pub fn json<T: serde::de::DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        serde_json::from_slice(&self.body).map_err(|e| self.decode_error(e.to_string()))
    }

    /// The body as UTF-8 text.
    pub fn text<E>(&self) -> Result<String, Error<E>> {
        String::from_utf8(self.body.to_vec()).map_err(|e| self.decode_error(e.to_string()))
    }

    /// The body as bytes (a cheap clone).
    pub fn bytes(&self) -> Bytes {
        self.body.clone()
    }

    /// Wraps a decoded documented error body into [`Error::Api`].
    pub fn into_api_error<E>(self, body: E) -> Error<E> {
        Error::Api {
            status: self.status,
            headers: self.headers,
            body,
        }
    }

    /// Turns a status the spec does not document into [`Error::UnexpectedStatus`].
    pub fn into_unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus {
            status: self.status,
            headers: self.headers,
            body: self.body,
        }
    }

    fn decode_error<E>(&self, message: String) -> Error<E> {
        Error::Decode {
            status: self.status,
            headers: self.headers.clone(),
            body: self.body.clone(),
            message,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

// Note: `Error` is larger than clippy's `result_large_err` threshold because responses keep
// their `HeaderMap` inline; errors are rare, so functions returning it allow that lint.

/// Errors of one generated operation; `E` is that operation's typed error-body enum.
#[derive(Debug)]
pub enum Error<E> {
    /// A constraint failed before sending.
    Validation(ValidationError),
    /// A header value had CR/LF or bytes a header cannot carry; the value is not included.
    InvalidHeader {
        /// The header name.
        name: &'static str,
    },
    /// No credential set on the client satisfies the operation's security requirements.
    MissingCredentials {
        /// The operation's `operationId`.
        operation_id: &'static str,
        /// The schemes of the operation's first security requirement.
        schemes: Vec<&'static str>,
    },
    /// The request could not be encoded.
    Encode(String),
    /// A transport error or timeout (after retries); its URL has been removed.
    Request(reqwest::Error),
    /// A documented error status with its decoded body.
    Api {
        /// The status code.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The decoded body.
        body: E,
    },
    /// A status the spec does not document.
    UnexpectedStatus {
        /// The status code.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The raw body.
        body: Bytes,
    },
    /// The response body did not match the documented schema.
    Decode {
        /// The status code.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The raw body.
        body: Bytes,
        /// What the decoder reported.
        message: String,
    },
}

impl<E> Error<E> {
    /// The response status, for errors that carry one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::Request(err) => err.status(),
            _ => None,
        }
    }

    /// The response headers, for errors that carry a response.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api { headers, .. }
            | Error::UnexpectedStatus { headers, .. }
            | Error::Decode { headers, .. } => Some(headers),
            _ => None,
        }
    }
}

/// At most 200 characters of a body, for error messages.
fn body_snippet(body: &[u8]) -> String {
    const MAX_CHARS: usize = 200;
    let text = String::from_utf8_lossy(body);
    let mut snippet: String = text.chars().take(MAX_CHARS).collect();
    if text.chars().nth(MAX_CHARS).is_some() {
        snippet.push('…');
    }
    snippet
}

impl<E> fmt::Display for Error<E> {
    // Header values are never printed: they may carry credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(e) => write!(f, "invalid request: {e}"),
            Error::InvalidHeader { name } => write!(f, "invalid value for header `{name}`"),
            Error::MissingCredentials {
                operation_id,
                schemes,
            } => write!(
                f,
                "operation `{operation_id}` needs credentials for: {}",
                schemes.join(", ")
            ),
            Error::Encode(message) => write!(f, "could not encode the request: {message}"),
            Error::Request(err) => write!(f, "request failed: {err}"),
            Error::Api { status, .. } => write!(f, "API error: status {status}"),
            Error::UnexpectedStatus { status, body, .. } => {
                write!(f, "unexpected status {status}")?;
                if !body.is_empty() {
                    write!(f, ": {}", body_snippet(body))?;
                }
                Ok(())
            }
            Error::Decode {
                status,
                body,
                message,
                ..
            } => write!(
                f,
                "could not decode response with status {status}: {message}; body: {}",
                body_snippet(body)
            ),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Request(err) => Some(err),
            Error::Validation(err) => Some(err),
            _ => None,
        }
    }
}

impl<E> From<ValidationError> for Error<E> {
    fn from(err: ValidationError) -> Self {
        Error::Validation(err)
    }
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/// A constraint failure: which field (a path such as `body.phones[0].phone`) and which rule
/// (e.g. `maxLength = 500`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    /// Path of the offending value.
    pub field: String,
    /// The rule it broke.
    pub rule: String,
}

impl ValidationError {
    /// Builds an error for `field` breaking `rule`.
    pub fn new(field: impl Into<String>, rule: impl Into<String>) -> Self {
        ValidationError {
            field: field.into(),
            rule: rule.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` violates {}", self.field, self.rule)
    }
}

impl std::error::Error for ValidationError {}

/// Implemented by every generated model; containers delegate.
pub trait Validate {
    /// Checks every constraint; `path` names this value in errors.
    fn validate(&self, path: &str) -> Result<(), ValidationError>;
}

/// Joins a property name onto a path: `join_path("body", "name")` is `body.name`, and
/// `join_path("", "name")` is `name`.
pub fn join_path(path: &str, property: &str) -> String {
    if path.is_empty() {
        property.to_owned()
    } else {
        format!("{path}.{property}")
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        self.as_ref().map_or(Ok(()), |v| v.validate(path))
    }
}

impl<T: Validate> Validate for Nullable<T> {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        self.value().map_or(Ok(()), |v| v.validate(path))
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        (**self).validate(path)
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        self.iter()
            .enumerate()
            .try_for_each(|(i, v)| v.validate(&format!("{path}[{i}]")))
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        self.iter()
            .try_for_each(|(k, v)| v.validate(&join_path(path, k)))
    }
}

fn check(ok: bool, field: &str, rule: impl FnOnce() -> String) -> Result<(), ValidationError> {
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(field, rule()))
    }
}

/// Checks `minLength` (counted in characters).
pub fn check_min_length(field: &str, value: &str, min: u64) -> Result<(), ValidationError> {
    check(value.chars().count() as u64 >= min, field, || {
        format!("minLength = {min}")
    })
}

/// Checks `maxLength` (counted in characters).
pub fn check_max_length(field: &str, value: &str, max: u64) -> Result<(), ValidationError> {
    check(value.chars().count() as u64 <= max, field, || {
        format!("maxLength = {max}")
    })
}

/// Checks a `pattern` as an unanchored regex search, as JSON Schema specifies: `regex` is the
/// spec's `pattern` translated to the regex crate's syntax (by the generator), `pattern` is
/// the original, shown in the error. A regex that does not compile fails with the rule
/// `pattern (invalid regex)`; the generator only emits regexes that compile.
pub fn check_pattern(
    field: &str,
    value: &str,
    pattern: &'static str,
    regex: &'static str,
) -> Result<(), ValidationError> {
    // Patterns are `'static` literals from generated code, so the cache stays small; invalid
    // patterns are cached as `None` so they are not recompiled on every call.
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<Regex>>>> = OnceLock::new();
    let regex = {
        let mut cache = CACHE
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .entry(regex)
            .or_insert_with(|| Regex::new(regex).ok())
            .clone()
    };
    match regex {
        Some(regex) => check(regex.is_match(value), field, || {
            format!("pattern = {pattern}")
        }),
        None => Err(ValidationError::new(field, "pattern (invalid regex)")),
    }
}

/// Checks `minimum` (or `exclusiveMinimum` when `exclusive`); NaN always fails.
pub fn check_minimum(
    field: &str,
    value: f64,
    min: f64,
    exclusive: bool,
) -> Result<(), ValidationError> {
    if exclusive {
        check(value > min, field, || format!("exclusiveMinimum = {min}"))
    } else {
        check(value >= min, field, || format!("minimum = {min}"))
    }
}

/// Checks `maximum` (or `exclusiveMaximum` when `exclusive`); NaN always fails.
pub fn check_maximum(
    field: &str,
    value: f64,
    max: f64,
    exclusive: bool,
) -> Result<(), ValidationError> {
    if exclusive {
        check(value < max, field, || format!("exclusiveMaximum = {max}"))
    } else {
        check(value <= max, field, || format!("maximum = {max}"))
    }
}

/// Checks `minItems`.
pub fn check_min_items(field: &str, len: usize, min: u64) -> Result<(), ValidationError> {
    check(len as u64 >= min, field, || format!("minItems = {min}"))
}

/// Checks `maxItems`.
pub fn check_max_items(field: &str, len: usize, max: u64) -> Result<(), ValidationError> {
    check(len as u64 <= max, field, || format!("maxItems = {max}"))
}

/// Checks `multipleOf`, tolerating floating-point rounding (so 0.3 is a multiple of 0.1).
pub fn check_multiple_of(field: &str, value: f64, factor: f64) -> Result<(), ValidationError> {
    let quotient = value / factor;
    let ok = factor > 0.0
        && quotient.is_finite()
        && (quotient - quotient.round()).abs() <= 1e-9 * quotient.abs().max(1.0);
    check(ok, field, || format!("multipleOf = {factor}"))
}

// ---------------------------------------------------------------------------------------------
// Request-building helpers
// ---------------------------------------------------------------------------------------------

/// Everything except RFC 3986 unreserved characters (ALPHA / DIGIT / - . _ ~).
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What `application/x-www-form-urlencoded` leaves alone (space becomes '+' separately).
const NOT_FORM_SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// Percent-encodes one path segment so the value can never change the route: everything but
/// RFC 3986 unreserved characters is encoded (so '/', '?', '#', '%', spaces and non-ASCII all
/// become %XX of their UTF-8 bytes). Because URL parsers treat "." and ".." as dot-segments, an
/// empty value, "." or ".." is rejected with the rule `path segment`.
pub fn path_segment(field: &str, value: &dyn fmt::Display) -> Result<String, ValidationError> {
    let raw = value.to_string();
    if raw.is_empty() || raw == "." || raw == ".." {
        return Err(ValidationError::new(field, "path segment"));
    }
    Ok(utf8_percent_encode(&raw, NOT_UNRESERVED).to_string())
}

/// Query parameter serialization per OpenAPI `style`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form` (the default).
    Form,
    /// `style: spaceDelimited`.
    SpaceDelimited,
    /// `style: pipeDelimited`.
    PipeDelimited,
    /// `style: deepObject`.
    DeepObject,
}

/// A scalar as query text: strings raw, other scalars as JSON text; nested containers (which
/// OpenAPI leaves undefined) as compact JSON.
fn query_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn push_deep(query: &mut Vec<(String, String)>, name: String, value: &serde_json::Value) {
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                push_deep(query, format!("{name}[{k}]"), v);
            }
        }
        // Arrays inside a deep object are undefined by OpenAPI; repeat the key per item.
        serde_json::Value::Array(items) => {
            for item in items.iter().filter(|v| !v.is_null()) {
                query.push((name.clone(), query_text(item)));
            }
        }
        scalar => query.push((name, query_text(scalar))),
    }
}

/// Appends query parameter `name` serialized per OpenAPI `style`/`explode`.
///
/// `null` pushes nothing, and so do empty arrays and objects. Scalars push one pair.
/// Arrays push one pair per item when exploded, else one pair joined by ',' / ' ' / '|'
/// for form / spaceDelimited / pipeDelimited. Objects: exploded form pushes one pair per
/// property, unexploded styles push `name=k1,v1,k2,v2` (with the style's delimiter), and
/// deepObject pushes `name[k]=v` (nested: `name[k][k2]=v`). Null items and properties
/// are skipped.
#[allow(clippy::result_large_err)] // see the note on `Error`
pub fn push_query<T: Serialize + ?Sized, E>(
    query: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    style: QueryStyle,
    explode: bool,
) -> Result<(), Error<E>> {
    let value = serde_json::to_value(value).map_err(|e| Error::Encode(e.to_string()))?;
    let delimiter = match style {
        QueryStyle::SpaceDelimited => " ",
        QueryStyle::PipeDelimited => "|",
        QueryStyle::Form | QueryStyle::DeepObject => ",",
    };
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Object(map) if style == QueryStyle::DeepObject => {
            for (k, v) in &map {
                push_deep(query, format!("{name}[{k}]"), v);
            }
        }
        serde_json::Value::Object(map) if explode => {
            let present = map.iter().filter(|(_, v)| !v.is_null());
            query.extend(present.map(|(k, v)| (k.clone(), query_text(v))));
        }
        serde_json::Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .flat_map(|(k, v)| [k.clone(), query_text(v)])
                .collect();
            if !parts.is_empty() {
                query.push((name.to_owned(), parts.join(delimiter)));
            }
        }
        serde_json::Value::Array(items) => {
            let texts = items.iter().filter(|v| !v.is_null()).map(query_text);
            if explode {
                query.extend(texts.map(|t| (name.to_owned(), t)));
            } else {
                let joined: Vec<String> = texts.collect();
                if !joined.is_empty() {
                    query.push((name.to_owned(), joined.join(delimiter)));
                }
            }
        }
        scalar => query.push((name.to_owned(), query_text(&scalar))),
    }
    Ok(())
}

/// `push_query` with OpenAPI's default style for query parameters (`form`, exploded).
#[allow(clippy::result_large_err)] // see the note on `Error`
pub fn push_form<T: Serialize + ?Sized, E>(
    query: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
) -> Result<(), Error<E>> {
    push_query(query, name, value, QueryStyle::Form, true)
}

/// A header value; rejects CR, LF and any other byte `HeaderValue` refuses (including
/// non-ASCII), without echoing the value.
#[allow(clippy::result_large_err)] // see the note on `Error`
pub fn header_value<E>(name: &'static str, value: &str) -> Result<HeaderValue, Error<E>> {
    HeaderValue::from_str(value).map_err(|_| Error::InvalidHeader { name })
}

/// Encodes pairs as `application/x-www-form-urlencoded` (space as '+').
fn encode_form(pairs: &[(String, String)]) -> String {
    let encode = |s: &str| {
        utf8_percent_encode(s, NOT_FORM_SAFE)
            .to_string()
            .replace("%20", "+")
    };
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    encoded.join("&")
}

// ---------------------------------------------------------------------------------------------
// The client core
// ---------------------------------------------------------------------------------------------

/// The shared part of every generated client: base URL, HTTP client, timeout, retries and
/// credentials.
#[derive(Clone, Debug)]
pub struct ClientCore {
    base_url: String,
    http: reqwest::Client,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    credentials: BTreeMap<&'static str, Credential>,
}

/// Auth resolved for one call: headers and query pairs to add, plus basic credentials, which
/// reqwest encodes itself.
#[derive(Default)]
struct AppliedAuth {
    headers: HeaderMap,
    query: Vec<(String, String)>,
    basic: Option<(String, Secret)>,
}

impl ClientCore {
    /// A client for `base_url` (a trailing '/' is trimmed) with a default HTTP client, no
    /// timeout and [`RetryPolicy::default`].
    pub fn new(base_url: impl Into<String>) -> Self {
        let mut core = ClientCore {
            base_url: String::new(),
            http: reqwest::Client::new(),
            timeout: None,
            retry: RetryPolicy::default(),
            credentials: BTreeMap::new(),
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

    /// Replaces the HTTP client (for proxies, TLS settings, connection pools...).
    pub fn set_http_client(&mut self, http: reqwest::Client) {
        self.http = http;
    }

    /// Sets a timeout for each attempt (not for the whole call including retries).
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
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

    fn credential_for(&self, scheme: &SecurityScheme) -> Option<&Credential> {
        self.credentials
            .get(scheme.name)
            .filter(|c| c.fits(&scheme.kind))
    }

    /// Picks the first non-empty requirement whose schemes all have credentials; falls back to
    /// anonymous when some requirement is empty.
    #[allow(clippy::result_large_err)] // see the note on `Error`
    fn resolve_auth<E>(&self, request: &Request) -> Result<AppliedAuth, Error<E>> {
        let mut auth = AppliedAuth::default();
        if request.security.is_empty() {
            return Ok(auth);
        }
        let satisfied = request.security.iter().find(|req| {
            !req.is_empty() && req.iter().all(|s| self.credential_for(s).is_some())
        });
        let Some(requirement) = satisfied else {
            if request.security.iter().any(|req| req.is_empty()) {
                return Ok(auth);
            }
            return Err(Error::MissingCredentials {
                operation_id: request.operation_id,
                schemes: request.security[0].iter().map(|s| s.name).collect(),
            });
        };
        let mut cookies = Vec::new();
        for scheme in requirement.iter() {
            match (self.credential_for(scheme), scheme.kind) {
                (Some(Credential::Bearer(token)), _) => {
                    let mut value =
                        header_value("Authorization", &format!("Bearer {}", token.expose()))?;
                    value.set_sensitive(true);
                    auth.headers.insert(AUTHORIZATION, value);
                }
                (Some(Credential::Basic { username, password }), _) => {
                    auth.basic = Some((username.clone(), password.clone()));
                }
                (Some(Credential::ApiKey(key)), SchemeKind::ApiKey { location, name }) => {
                    match location {
                        ApiKeyLocation::Header => {
                            let header = HeaderName::from_bytes(name.as_bytes())
                                .map_err(|_| Error::InvalidHeader { name })?;
                            let mut value = header_value(name, key.expose())?;
                            value.set_sensitive(true);
                            auth.headers.insert(header, value);
                        }
                        ApiKeyLocation::Query => {
                            auth.query.push((name.to_owned(), key.expose().to_owned()))
                        }
                        ApiKeyLocation::Cookie => {
                            cookies.push(format!("{name}={}", key.expose()))
                        }
                    }
                }
                _ => {}
            }
        }
        if !cookies.is_empty() {
            // Keep cookies the operation itself sends (cookie parameters) alongside the keys.
            if let Some(existing) = request.headers.get(COOKIE).and_then(|v| v.to_str().ok()) {
                cookies.insert(0, existing.to_owned());
            }
            let mut value = header_value("Cookie", &cookies.join("; "))?;
            value.set_sensitive(true);
            auth.headers.insert(COOKIE, value);
        }
        Ok(auth)
    }

    fn url(&self, request: &Request, extra_query: &[(String, String)]) -> String {
        let mut url = format!("{}{}", self.base_url, request.path);
        for (i, (k, v)) in request.query.iter().chain(extra_query).enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.extend(utf8_percent_encode(k, NOT_UNRESERVED));
            url.push('=');
            url.extend(utf8_percent_encode(v, NOT_UNRESERVED));
        }
        url
    }

    /// Applies auth, sends with retries, and reads the whole body.
    ///
    /// A 429 or 503 response, a connection error or a timeout is retried per the
    /// [`RetryPolicy`] (only for idempotent methods unless `retry_non_idempotent`). After the
    /// last attempt a 429/503 is returned as a normal response, for the caller to map.
    pub async fn execute<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        let auth = self.resolve_auth(&request)?;
        let url = self.url(&request, &auth.query);
        let mut headers = request.headers.clone();
        headers.extend(auth.headers);
        if let Some(accept) = request.accept {
            headers.insert(ACCEPT, header_value("Accept", accept)?);
        }
        if let Some(content_type) = request
            .body
            .as_ref()
            .map(content_type)
            .transpose()?
            .flatten()
        {
            headers.insert(CONTENT_TYPE, content_type);
        }
        let policy = &self.retry;
        let repeatable = policy.retry_non_idempotent || is_idempotent(&request.method);

        let mut attempt = 0u32;
        loop {
            let mut builder = self
                .http
                .request(request.method.clone(), &url)
                .headers(headers.clone());
            if let Some((username, password)) = &auth.basic {
                builder = builder.basic_auth(username, Some(password.expose()));
            }
            if let Some(timeout) = self.timeout {
                builder = builder.timeout(timeout);
            }
            if let Some(body) = &request.body {
                builder = attach_body(builder, body)?;
            }
            let may_retry = repeatable && attempt < policy.max_retries;
            let delay = match send(builder).await {
                Ok(response) if may_retry && is_retryable_status(response.status) => {
                    retry_after(&response.headers, policy.max_backoff)
                        .unwrap_or_else(|| policy.backoff(attempt))
                }
                Ok(response) => return Ok(response),
                Err(err) if may_retry && (err.is_connect() || err.is_timeout()) => {
                    policy.backoff(attempt)
                }
                // The URL may carry an apiKey in its query: keep it out of error messages.
                Err(err) => return Err(Error::Request(err.without_url())),
            };
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            attempt += 1;
        }
    }
}

fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}

fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE
}

/// The delay a `Retry-After` header asks for (delta-seconds or an HTTP-date), capped at `max`.
fn retry_after(headers: &HeaderMap, max: Duration) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let delay = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let at = httpdate::parse_http_date(value).ok()?;
            at.duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO)
        }
    };
    Some(delay.min(max))
}

/// Sends one attempt and reads the whole body, so a failure while reading is retried too.
async fn send(builder: RequestBuilder) -> Result<RawResponse, reqwest::Error> {
    let response = builder.send().await?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

/// The `Content-Type` a body is sent with; reqwest sets multipart's itself (with the boundary).
#[allow(clippy::result_large_err)] // see the note on `Error`
fn content_type<E>(body: &Body) -> Result<Option<HeaderValue>, Error<E>> {
    Ok(match body {
        Body::Json(_) => Some(HeaderValue::from_static("application/json")),
        Body::Form(_) => Some(HeaderValue::from_static(
            "application/x-www-form-urlencoded",
        )),
        Body::Text { content_type, .. } | Body::Binary { content_type, .. } => {
            Some(header_value("Content-Type", content_type)?)
        }
        Body::Multipart(_) => None,
    })
}

/// Attaches the body to one attempt; it is rebuilt every time because reqwest consumes it.
/// Encoding is deterministic, so a failure happens on the first attempt, before sending.
#[allow(clippy::result_large_err)] // see the note on `Error`
fn attach_body<E>(builder: RequestBuilder, body: &Body) -> Result<RequestBuilder, Error<E>> {
    Ok(match body {
        Body::Json(json) => builder.body(json.clone()),
        Body::Form(pairs) => builder.body(encode_form(pairs)),
        Body::Text { content, .. } => builder.body(content.clone()),
        Body::Binary { content, .. } => builder.body(content.clone()),
        Body::Multipart(parts) => builder.multipart(multipart_form(parts)?),
    })
}

/// Rebuilds the multipart form; reqwest consumes it on every send.
#[allow(clippy::result_large_err)] // see the note on `Error`
fn multipart_form<E>(parts: &[MultipartPart]) -> Result<reqwest::multipart::Form, Error<E>> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        let mut piece = reqwest::multipart::Part::bytes(part.content.to_vec());
        if let Some(file_name) = &part.file_name {
            piece = piece.file_name(file_name.clone());
        }
        if let Some(content_type) = &part.content_type {
            piece = piece.mime_str(content_type).map_err(|_| {
                Error::Encode(format!(
                    "invalid content type for multipart part `{}`",
                    part.name
                ))
            })?;
        }
        form = form.part(part.name.clone(), piece);
    }
    Ok(form)
}
