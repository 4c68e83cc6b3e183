//! Fixtures shared by the integration tests: security schemes, operations, a client with fast
//! retries, and raw TCP servers for misbehaving peers.
#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;

use openapi_rustgen_runtime::{
    ApiKeyLocation, BodyMode, Bytes, ClientCore, Error, Method, Operation, RawResponse, Request,
    RetryPolicy, SchemeKind, SecurityRequirement, SecurityScheme,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const BEARER: SecurityScheme = SecurityScheme {
    name: "bearerAuth",
    kind: SchemeKind::Bearer,
};
pub const BASIC: SecurityScheme = SecurityScheme {
    name: "basicAuth",
    kind: SchemeKind::Basic,
};
pub const KEY_HEADER: SecurityScheme = SecurityScheme {
    name: "headerKey",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Header,
        name: "X-API-Key",
    },
};
pub const KEY_QUERY: SecurityScheme = SecurityScheme {
    name: "queryKey",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Query,
        name: "api_key",
    },
};
pub const KEY_COOKIE: SecurityScheme = SecurityScheme {
    name: "cookieKey",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Cookie,
        name: "session",
    },
};
pub const KEY_COOKIE_2: SecurityScheme = SecurityScheme {
    name: "cookieKey2",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Cookie,
        name: "tenant",
    },
};

pub const ONLY_BEARER: &[SecurityRequirement] = &[&[&BEARER]];

/// A GET operation without security.
pub static GET_OP: Operation = Operation {
    id: "testOp",
    method: Method::GET,
    route: "/test",
    security: &[],
    accept: None,
};

/// A POST operation without security.
pub static POST_OP: Operation = Operation {
    id: "create",
    method: Method::POST,
    route: "/create",
    security: &[],
    accept: None,
};

/// An operation made at run time (leaked: tests are short-lived).
pub fn op(
    id: &'static str,
    method: Method,
    security: &'static [SecurityRequirement],
    accept: Option<&'static str>,
) -> &'static Operation {
    Box::leak(Box::new(Operation {
        id,
        method,
        route: "/route",
        security,
        accept,
    }))
}

/// Retries with 1 ms backoffs so tests stay fast.
pub fn fast_retry(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(1),
        retry_non_idempotent: false,
    }
}

/// A client for `base_url` with fast retries and a short deadline.
pub fn client_for(base_url: impl Into<String>) -> ClientCore {
    let mut core = ClientCore::new(base_url);
    core.set_retry_policy(fast_retry(3));
    core.set_deadline(Some(Duration::from_secs(20)));
    core
}

/// A client for a wiremock server (the base URL given with a trailing '/').
pub fn client(server: &MockServer) -> ClientCore {
    client_for(format!("{}/", server.uri()))
}

/// A GET request of [`GET_OP`].
pub fn get(path: &str) -> Request {
    Request::new(&GET_OP, path)
}

/// A GET request of an operation with `security`.
pub fn secured(path: &str, security: &'static [SecurityRequirement]) -> Request {
    Request::new(op("securedOp", Method::GET, security, None), path)
}

/// Sends a call, reading the body whole.
pub async fn send(core: &ClientCore, request: Request) -> Result<RawResponse, Error> {
    core.execute(request, BodyMode::Buffered).await
}

/// The body of a buffered response.
pub fn body_of(response: RawResponse) -> Bytes {
    response
        .bytes::<std::convert::Infallible>()
        .unwrap()
        .into_inner()
}

/// Fails the test if `future` takes longer than 10 s.
pub async fn bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), future)
        .await
        .expect("the test took longer than 10 s")
}

pub async fn ok_for_any(server: &MockServer) {
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(server)
        .await;
}

/// A port on 127.0.0.1 with nothing listening.
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// A raw TCP listener on 127.0.0.1 and its base URL.
pub async fn raw_listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    (listener, url)
}

/// Reads a request head (up to the blank line); the tests' requests have no body.
pub async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// Accepts one connection, reads its request head and writes `bytes`; returns the stream (to
/// keep it open, or stall) and the head.
pub async fn answer(listener: &TcpListener, bytes: &[u8]) -> (TcpStream, String) {
    let (mut stream, _) = listener.accept().await.unwrap();
    let head = read_head(&mut stream).await;
    stream.write_all(bytes).await.unwrap();
    stream.flush().await.unwrap();
    (stream, head)
}
