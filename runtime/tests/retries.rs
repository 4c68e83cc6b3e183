//! Retries (503, 429, connection failures, timeouts), `Retry-After`, idempotency, and the time
//! limits of a call.

mod common;

use std::time::{Duration, Instant};

use common::*;
use openapi_rustgen_runtime::{
    Body, Bytes, Error, Method, Request, RetryPolicy, StatusCode, Timeout, Upload,
};
use tokio::io::AsyncWriteExt;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn mount_once(server: &MockServer, template: ResponseTemplate) {
    Mock::given(path("/r"))
        .respond_with(template)
        .up_to_n_times(1)
        .mount(server)
        .await;
}

async fn mount_always(server: &MockServer, template: ResponseTemplate) {
    Mock::given(path("/r"))
        .respond_with(template)
        .mount(server)
        .await;
}

fn post(path: &str) -> Request {
    Request::new(&POST_OP, path)
}

#[tokio::test]
async fn retries_503_then_succeeds() {
    let server = MockServer::start().await;
    mount_once(&server, ResponseTemplate::new(503)).await;
    mount_always(&server, ResponseTemplate::new(200).set_body_string("ok")).await;
    let response = send(&client(&server), get("/r")).await.unwrap();
    assert_eq!(response.head().status, StatusCode::OK);
    assert_eq!(body_of(response), "ok");
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn short_retry_after_values_are_honoured() {
    let server = MockServer::start().await;
    mount_once(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "0"),
    )
    .await;
    // An HTTP-date in the past means "retry now".
    mount_once(
        &server,
        ResponseTemplate::new(503).insert_header("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
    )
    .await;
    mount_always(&server, ResponseTemplate::new(200)).await;
    let started = Instant::now();
    let response = send(&client(&server), get("/r")).await.unwrap();
    assert_eq!(response.status_code(), 200);
    assert_eq!(request_count(&server).await, 3);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_retry_after_delay_is_waited_instead_of_the_backoff() {
    let server = MockServer::start().await;
    mount_once(
        &server,
        ResponseTemplate::new(503).insert_header("retry-after", "1"),
    )
    .await;
    mount_always(&server, ResponseTemplate::new(200)).await;
    let mut core = client(&server);
    core.set_retry_policy(RetryPolicy {
        max_backoff: Duration::from_secs(5),
        // Backoffs of at most 1 ms: a wait of a second can only come from Retry-After.
        initial_backoff: Duration::from_millis(1),
        ..fast_retry(1)
    });
    let started = Instant::now();
    let response = send(&core, get("/r")).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(response.status_code(), 200);
    assert_eq!(request_count(&server).await, 2);
    assert!(elapsed >= Duration::from_millis(950), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
}

/// Changed on purpose: the old runtime cut a long `Retry-After` down to `max_backoff` and
/// retried early; the new one does not retry against the server's wish, it returns the
/// response at once and `Error::retry_after` tells the wait.
#[tokio::test]
async fn a_retry_after_over_max_backoff_returns_the_response_without_waiting() {
    let server = MockServer::start().await;
    mount_always(
        &server,
        ResponseTemplate::new(503)
            .insert_header("retry-after", "7200")
            .set_body_string("later"),
    )
    .await;
    let started = Instant::now();
    let response = send(&client(&server), get("/r")).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(response.head().status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(request_count(&server).await, 1);
    let err = response.unexpected::<()>();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7200)));
    assert_eq!(err.raw_body().unwrap(), "later");
}

#[tokio::test]
async fn a_retry_after_past_the_deadline_returns_the_response_without_waiting() {
    let server = MockServer::start().await;
    mount_always(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "10"),
    )
    .await;
    let mut core = client(&server);
    core.set_retry_policy(RetryPolicy {
        max_backoff: Duration::from_secs(60),
        ..fast_retry(3)
    });
    core.set_deadline(Some(Duration::from_secs(5)));
    let started = Instant::now();
    let response = send(&core, get("/r")).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(response.status_code(), 429);
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn post_is_not_retried_by_default() {
    let server = MockServer::start().await;
    mount_once(&server, ResponseTemplate::new(503)).await;
    mount_always(&server, ResponseTemplate::new(200)).await;
    let response = send(&client(&server), post("/r")).await.unwrap();
    assert_eq!(response.head().status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn post_is_retried_when_allowed() {
    let server = MockServer::start().await;
    mount_once(&server, ResponseTemplate::new(503)).await;
    mount_always(&server, ResponseTemplate::new(201)).await;
    let mut core = client(&server);
    core.set_retry_policy(RetryPolicy {
        retry_non_idempotent: true,
        ..fast_retry(3)
    });
    let mut request = post("/r");
    request.body(Body::Json(Bytes::from_static(br#"{"a":1}"#)));
    let response = send(&core, request).await.unwrap();
    assert_eq!(response.head().status, StatusCode::CREATED);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    // The body is sent again in full on the retry.
    assert!(requests.iter().all(|r| r.body == br#"{"a":1}"#));
}

#[tokio::test]
async fn post_with_an_idempotency_key_is_retried_with_the_same_key() {
    let server = MockServer::start().await;
    mount_once(&server, ResponseTemplate::new(503)).await;
    mount_always(&server, ResponseTemplate::new(201)).await;
    let mut core = client(&server);
    core.set_idempotency_header(Some("Idempotency-Key"));
    let response = send(&core, post("/r")).await.unwrap();
    assert_eq!(response.status_code(), 201);
    // A GET gets no key.
    send(&core, get("/r")).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    let key = requests[0].headers["idempotency-key"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(key.len(), 32);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()), "{key}");
    assert_eq!(requests[1].headers["idempotency-key"], key.as_str());
    assert!(!requests[2].headers.contains_key("idempotency-key"));

    // A key the call sets itself is kept; a new call gets a new key.
    let mut own = post("/r");
    own.header("Idempotency-Key", "mine", false).unwrap();
    send(&core, own).await.unwrap();
    send(&core, post("/r")).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[3].headers["idempotency-key"], "mine");
    assert_ne!(requests[4].headers["idempotency-key"], key.as_str());
}

#[tokio::test]
async fn a_streamed_upload_is_not_retried() {
    let server = MockServer::start().await;
    mount_once(&server, ResponseTemplate::new(503)).await;
    mount_always(&server, ResponseTemplate::new(200)).await;
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"data"))]);
    let mut request = Request::new(op("put", Method::PUT, &[], None), "/r");
    request.body(Body::Binary {
        content: Upload::from_stream(chunks, Some(4)),
        content_type: "application/octet-stream",
    });
    let response = send(&client(&server), request).await.unwrap();
    assert_eq!(response.status_code(), 503);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].body, b"data");
}

#[tokio::test]
async fn put_and_delete_are_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/r"))
        .respond_with(ResponseTemplate::new(503))
        .expect(8)
        .mount(&server)
        .await;
    let core = client(&server);
    for method in [Method::PUT, Method::DELETE] {
        let response = send(&core, Request::new(op("idem", method, &[], None), "/r"))
            .await
            .unwrap();
        assert_eq!(response.status_code(), 503);
    }
    // max_retries is 3 in `client`: 4 attempts each.
    assert_eq!(request_count(&server).await, 8);
}

#[tokio::test]
async fn disabled_policy_sends_once() {
    let server = MockServer::start().await;
    mount_always(&server, ResponseTemplate::new(503)).await;
    let mut core = client(&server);
    core.set_retry_policy(RetryPolicy::disabled());
    assert_eq!(core.retry_policy().max_retries, 0);
    let response = send(&core, get("/r")).await.unwrap();
    assert_eq!(response.head().status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(request_count(&server).await, 1);
}

#[test]
fn the_default_policy() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.max_retries, 3);
    assert_eq!(policy.initial_backoff, Duration::from_millis(200));
    assert_eq!(policy.max_backoff, Duration::from_secs(20));
    assert!(!policy.retry_non_idempotent);
}

#[tokio::test]
async fn max_retries_is_respected_and_the_last_response_returned() {
    let server = MockServer::start().await;
    Mock::given(path("/r"))
        .respond_with(ResponseTemplate::new(429).set_body_string("slow down"))
        .expect(3)
        .mount(&server)
        .await;
    let mut core = client(&server);
    core.set_retry_policy(fast_retry(2));
    let response = send(&core, get("/r")).await.unwrap();
    assert_eq!(response.head().status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body_of(response), "slow down");
}

#[tokio::test]
async fn other_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/r"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let response = send(&client(&server), get("/r")).await.unwrap();
    assert_eq!(response.head().status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn connection_refused_is_a_connect_error_after_retries() {
    let mut core = client_for(format!("http://127.0.0.1:{}", closed_port()));
    core.set_retry_policy(fast_retry(2));
    let err = bounded(send(&core, get("/r"))).await.unwrap_err();
    match &err {
        Error::Connect(inner) => assert!(inner.is_connect()),
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.is_connect() && !err.is_timeout());
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(err.status(), None);
    assert!(err.to_string().starts_with("could not connect"), "{err}");
}

#[tokio::test]
async fn connection_errors_are_retried_until_the_server_is_up() {
    let port = closed_port();
    let mut core = client_for(format!("http://127.0.0.1:{port}"));
    core.set_retry_policy(RetryPolicy {
        max_retries: 500,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(10),
        retry_non_idempotent: false,
    });
    let call = tokio::spawn(async move { send(&core, get("/r")).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let server = MockServer::builder().listener(listener).start().await;
    ok_for_any(&server).await;
    let response = bounded(call).await.unwrap().unwrap();
    assert_eq!(response.head().status, StatusCode::OK);
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_retried() {
    let (listener, url) = raw_listener().await;
    let server = tokio::spawn(async move {
        // Promises 10 bytes, sends 3 and hangs up.
        let (stream, first) = answer(
            &listener,
            b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc",
        )
        .await;
        drop(stream);
        let (mut stream, second) = answer(
            &listener,
            b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nwhole",
        )
        .await;
        stream.shutdown().await.unwrap();
        (first, second)
    });
    let core = client_for(url);
    let response = bounded(send(&core, get("/r"))).await.unwrap();
    assert_eq!(body_of(response), "whole");
    let (first, second) = server.await.unwrap();
    assert!(first.starts_with("GET /r HTTP/1.1"), "{first}");
    assert!(second.starts_with("GET /r HTTP/1.1"), "{second}");
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_a_transport_error_when_not_retried() {
    let (listener, url) = raw_listener().await;
    tokio::spawn(async move {
        let (stream, _) = answer(
            &listener,
            b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc",
        )
        .await;
        drop(stream);
    });
    let mut core = client_for(url);
    core.set_retry_policy(RetryPolicy::disabled());
    let err = bounded(send(&core, get("/r"))).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.to_string().starts_with("connection failed"), "{err}");
}

#[tokio::test]
async fn an_attempt_timeout_is_retried_then_returned() {
    let server = MockServer::start().await;
    mount_always(
        &server,
        ResponseTemplate::new(200).set_delay(Duration::from_millis(500)),
    )
    .await;
    let mut core = client(&server);
    core.set_timeout(Some(Duration::from_millis(50)));
    core.set_retry_policy(fast_retry(1));
    let err = bounded(send(&core, get("/r"))).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout(Timeout::Attempt(d)) if d == Duration::from_millis(50)),
        "{err:?}"
    );
    assert!(err.is_timeout());
    // A timeout counts as transient: one retry was made.
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn the_deadline_bounds_the_whole_call() {
    let server = MockServer::start().await;
    mount_always(
        &server,
        ResponseTemplate::new(200).set_delay(Duration::from_secs(5)),
    )
    .await;
    let mut core = client(&server);
    core.set_deadline(Some(Duration::from_millis(200)));
    let started = Instant::now();
    let err = bounded(send(&core, get("/r"))).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        matches!(err, Error::Timeout(Timeout::Deadline(d)) if d == Duration::from_millis(200)),
        "{err:?}"
    );
    assert!(err.to_string().contains("deadline"), "{err}");
}

#[tokio::test]
async fn the_deadline_bounds_retries_on_a_server_that_keeps_failing() {
    let server = MockServer::start().await;
    mount_always(&server, ResponseTemplate::new(503)).await;
    let mut core = client(&server);
    core.set_retry_policy(RetryPolicy {
        max_retries: 1000,
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(20),
        retry_non_idempotent: false,
    });
    core.set_deadline(Some(Duration::from_millis(400)));
    let started = Instant::now();
    // Either the last 503 (a wait would pass the deadline) or the deadline error.
    let outcome = bounded(send(&core, get("/r"))).await;
    assert!(started.elapsed() < Duration::from_secs(2));
    match outcome {
        Ok(response) => assert_eq!(response.status_code(), 503),
        Err(err) => assert!(
            matches!(err, Error::Timeout(Timeout::Deadline(_))),
            "{err:?}"
        ),
    }
    let count = request_count(&server).await;
    assert!((2..1000).contains(&count), "{count}");
}
