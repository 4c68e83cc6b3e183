//! What generated code tells the client about each operation, and the requests it builds.

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName};
use serde::Serialize;

use super::encode::{cookie_param, header_param, push_query};
use super::{Body, Error, FormField, QueryStyle, SecurityRequirement};

/// An operation of the spec: generated as one `static` per operation.
#[derive(Debug)]
pub struct Operation {
    /// The `operationId` (or the name the generator made for an operation without one).
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template as the spec writes it, such as `/pets/{petId}`.
    pub route: &'static str,
    /// The security alternatives; empty means no auth is applied.
    pub security: &'static [SecurityRequirement],
    /// The `Accept` header value, if any.
    pub accept: Option<&'static str>,
}

/// Headers the HTTP stack owns: a parameter may not set them.
const FRAMING_HEADERS: &[&str] = &[
    "content-length",
    "transfer-encoding",
    "connection",
    "host",
    "te",
    "trailer",
    "upgrade",
    "keep-alive",
    "proxy-connection",
];

/// One call of an operation, as the generated request builder fills it.
#[derive(Clone, Debug)]
pub struct Request {
    /// The operation.
    pub operation: &'static Operation,
    /// The path, already percent-encoded, starting with '/'; appended to the base URL.
    pub path: String,
    /// Raw (unencoded) query pairs, in order.
    pub query: Vec<(String, String)>,
    /// Header parameters.
    pub headers: HeaderMap,
    /// Cookie parameters, already encoded.
    pub cookies: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Body>,
    /// A whole URL to send to instead of base URL, path and query (the next
    /// page a `Link` header names); it must be on the base URL's origin.
    pub url: Option<String>,
}

impl Request {
    /// A request with no query, headers, cookies or body.
    pub fn new(operation: &'static Operation, path: impl Into<String>) -> Self {
        Request {
            operation,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            body: None,
            url: None,
        }
    }

    /// Adds a query parameter in the default style (`form`, exploded); an unset optional
    /// value (`None`) adds nothing.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        push_query(&mut self.query, name, value, QueryStyle::Form, true)
    }

    /// Adds a query parameter in the given style.
    pub fn query_styled<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
        explode: bool,
    ) -> Result<(), Error> {
        push_query(&mut self.query, name, value, style, explode)
    }

    /// Sets a header parameter (`simple` style); an unset optional value adds nothing. Headers
    /// the HTTP stack owns (`Content-Length`, `Host`, ...) are refused.
    pub fn header<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        explode: bool,
    ) -> Result<(), Error> {
        if FRAMING_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            return Err(Error::InvalidRequest(format!(
                "header `{name}` is set by the HTTP client, not by a parameter"
            )));
        }
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::InvalidRequest(format!("`{name}` is not a header name")))?;
        if let Some(value) = header_param(name, value, explode)? {
            self.headers.insert(header, value);
        }
        Ok(())
    }

    /// Adds a cookie parameter (`form` style, encoded so that it cannot add another cookie); an
    /// unset optional value adds nothing.
    pub fn cookie<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        if let Some(value) = cookie_param(value)? {
            self.cookies.push((name.to_owned(), value));
        }
        Ok(())
    }

    /// Sets a JSON body.
    pub fn json_body<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.body = Some(Body::json(value)?);
        Ok(())
    }

    /// Sets an `application/x-www-form-urlencoded` body.
    pub fn form_body<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.body = Some(Body::form(value)?);
        Ok(())
    }

    /// Sets an `application/x-www-form-urlencoded` body whose properties named in `fields`
    /// are serialized in the style their `encoding` gives (see [`Body::form_with`]).
    pub fn form_body_with<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        fields: &[FormField],
    ) -> Result<(), Error> {
        self.body = Some(Body::form_with(value, fields)?);
        Ok(())
    }

    /// Sets a body of another media type whose content is `value` as JSON
    /// (a schema under `application/octet-stream`, say).
    pub fn encoded_body<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        content_type: &'static str,
    ) -> Result<(), Error> {
        let json =
            serde_json::to_vec(value).map_err(|err| Error::InvalidRequest(err.to_string()))?;
        self.body = Some(Body::Binary {
            content: super::Upload::from(json),
            content_type,
        });
        Ok(())
    }

    /// Sets a body.
    pub fn body(&mut self, body: Body) {
        self.body = Some(body);
    }
}
