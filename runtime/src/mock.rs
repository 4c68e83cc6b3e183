//! Typed mock servers for tests, on [wiremock].
//!
//! A generated module's `mock` functions return an [`OperationMock`] per operation: it matches
//! the operation's method and route, and answers with a value of the operation's success type,
//! so a test's canned response is checked by the compiler against the spec:
//!
//! ```text
//! let server = runtime::mock::MockServer::start().await;
//! pets::mock::get_pet().ok(&pet).mount(&server).await;
//! let client = pets::Client::with_base_url(server.uri());
//! ```

use std::marker::PhantomData;

use serde::Serialize;
pub use wiremock::{self, Mock, MockBuilder, MockServer, ResponseTemplate, matchers};

use super::operation::Operation;

/// How the success body goes on the wire.
pub type Encoder<T> = fn(&T, ResponseTemplate) -> ResponseTemplate;

/// A mock of one operation: its method and route are matched; add matchers with
/// [`OperationMock::and`], then answer with [`OperationMock::ok`] (the documented success) or
/// [`OperationMock::status`] (any status and JSON body, for errors).
#[must_use = "a mock does nothing until it is mounted on a server"]
pub struct OperationMock<T: ?Sized, B = ()> {
    builder: MockBuilder,
    success: u16,
    encode: Encoder<T>,
    _body: PhantomData<fn(&T, &B)>,
}

impl<T: ?Sized, B> OperationMock<T, B> {
    /// Matches `operation`; [`Self::ok`] answers `success` with the body encoded by `encode`.
    pub fn new(operation: &Operation, success: u16, encode: Encoder<T>) -> Self {
        let builder = Mock::given(matchers::method(operation.method.as_str()))
            .and(matchers::path_regex(route_pattern(operation.route)));
        OperationMock {
            builder,
            success,
            encode,
            _body: PhantomData,
        }
    }

    /// Also requires `matcher` (a query parameter, a header, a body: see [`matchers`]).
    pub fn and(self, matcher: impl wiremock::Match + 'static) -> Self {
        OperationMock {
            builder: self.builder.and(matcher),
            ..self
        }
    }

    /// Also requires the query parameter `name` to be `value` (as sent on the wire).
    pub fn query(self, name: &str, value: &str) -> Self {
        self.and(matchers::query_param(name, value))
    }

    /// Also requires the header `name` to be `value`.
    pub fn header(self, name: &str, value: &str) -> Self {
        self.and(matchers::header(name, value))
    }

    /// Also requires the request path to be `path` (the route with its parameters filled in,
    /// percent-encoded as sent).
    pub fn path(self, path: &str) -> Self {
        self.and(matchers::path(path))
    }

    /// Answers with the documented success status and `body`.
    pub fn ok(self, body: &T) -> Mock {
        let template = (self.encode)(body, ResponseTemplate::new(self.success));
        self.builder.respond_with(template)
    }

    /// Answers with `status` and `body` as JSON (a documented error, or anything else).
    pub fn status(self, status: u16, body: &impl Serialize) -> Mock {
        self.builder
            .respond_with(json(body, ResponseTemplate::new(status)))
    }

    /// Answers with `template` as it is (delays, headers, malformed bodies).
    pub fn respond_with(self, template: ResponseTemplate) -> Mock {
        self.builder.respond_with(template)
    }
}

impl<T: ?Sized, B: Serialize> OperationMock<T, B> {
    /// Also requires the JSON request body to equal `body`, a value of the operation's
    /// request body type.
    pub fn body(self, body: &B) -> Self {
        match serde_json::to_value(body) {
            Ok(value) => self.and(matchers::body_json(value)),
            // A body that cannot be JSON can never have been sent: match nothing.
            Err(_) => self.and(|_: &wiremock::Request| false),
        }
    }
}

/// A JSON body.
pub fn json<T: Serialize + ?Sized>(body: &T, template: ResponseTemplate) -> ResponseTemplate {
    template.set_body_json(body)
}

/// A `text/plain` body.
pub fn text(body: &str, template: ResponseTemplate) -> ResponseTemplate {
    template.set_body_raw(body.as_bytes().to_vec(), "text/plain")
}

/// An `application/octet-stream` body.
pub fn bytes(body: &[u8], template: ResponseTemplate) -> ResponseTemplate {
    template.set_body_raw(body.to_vec(), "application/octet-stream")
}

/// A `text/event-stream` body, given as the text of its events.
pub fn event_stream(body: &str, template: ResponseTemplate) -> ResponseTemplate {
    template.set_body_raw(body.as_bytes().to_vec(), "text/event-stream")
}

/// An `application/x-ndjson` body, given as its lines.
pub fn json_lines(body: &str, template: ResponseTemplate) -> ResponseTemplate {
    template.set_body_raw(body.as_bytes().to_vec(), "application/x-ndjson")
}

/// No body.
pub fn empty(_: &(), template: ResponseTemplate) -> ResponseTemplate {
    template
}

/// The route as a regex on the end of the request path (a base URL may add a prefix): each
/// `{param}` matches one non-empty segment, or what is left of it.
fn route_pattern(route: &str) -> String {
    let mut pattern = String::new();
    let mut rest = route;
    while let Some(open) = rest.find('{') {
        pattern.push_str(&regex::escape(&rest[..open]));
        match rest[open..].find('}') {
            Some(close) => {
                pattern.push_str("[^/]+");
                rest = &rest[open + close + 1..];
            }
            None => {
                rest = &rest[open..];
                break;
            }
        }
    }
    pattern.push_str(&regex::escape(rest));
    pattern.push('$');
    pattern
}

#[cfg(test)]
mod tests {
    use super::route_pattern;

    #[test]
    fn routes_become_anchored_patterns() {
        assert_eq!(route_pattern("/pets/{id}"), "/pets/[^/]+$");
        assert_eq!(route_pattern("/a.b/{x}.json"), "/a\\.b/[^/]+\\.json$");
        assert_eq!(route_pattern("/plain"), "/plain$");
        let re = regex::Regex::new(&route_pattern("/pets/{id}/toys")).unwrap();
        assert!(re.is_match("/pets/p%2F1/toys"));
        assert!(!re.is_match("/pets/a/b/toys"));
        assert!(!re.is_match("/pets//toys"));
        assert!(re.is_match("/v2/pets/1/toys"), "under a base path");
    }
}
