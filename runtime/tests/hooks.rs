//! Hooks: what they see of each attempt, what they may change, and how they stop or answer a
//! call.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use openapi_rustgen_runtime::{
    Attempt, BoxFuture, Credential, Error, HeaderValue, Hook, HookError, Next, ResponseHead,
    StatusCode, http, reqwest,
};
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Clone, PartialEq)]
struct Seen {
    operation: &'static str,
    attempt: u32,
    method: String,
    url: String,
    authorization: Option<String>,
    authorization_sensitive: bool,
}

#[derive(Default)]
struct Recorder {
    requests: Mutex<Vec<Seen>>,
    responses: Mutex<Vec<(u32, StatusCode)>>,
}

impl Hook for Recorder {
    fn on_request(
        &self,
        attempt: &Attempt,
        request: &mut reqwest::Request,
    ) -> Result<(), HookError> {
        let authorization = request.headers().get("authorization");
        self.requests.lock().unwrap().push(Seen {
            operation: attempt.operation.id,
            attempt: attempt.number,
            method: request.method().to_string(),
            url: request.url().to_string(),
            authorization: authorization.map(|v| v.to_str().unwrap().to_owned()),
            authorization_sensitive: authorization.is_some_and(HeaderValue::is_sensitive),
        });
        request
            .headers_mut()
            .insert("x-signature", HeaderValue::from_static("signed"));
        Ok(())
    }

    fn on_response(&self, attempt: &Attempt, head: &mut ResponseHead) -> Result<(), HookError> {
        self.responses
            .lock()
            .unwrap()
            .push((attempt.number, head.status));
        head.headers
            .insert("x-seen-by-hook", HeaderValue::from_static("yes"));
        Ok(())
    }
}

#[tokio::test]
async fn a_hook_sees_every_attempt_with_auth_in_place_and_may_change_it() {
    let server = MockServer::start().await;
    Mock::given(path("/r"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/r"))
        .and(header("x-signature", "signed"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let recorder = Arc::new(Recorder::default());
    let mut core = client(&server);
    core.add_hook(recorder.clone());
    core.set_credential("bearerAuth", Credential::Bearer("tok".into()));
    let mut request = secured("/r", ONLY_BEARER);
    request.query("q", "a b").unwrap();
    let response = send(&core, request).await.unwrap();
    assert_eq!(response.status_code(), 200);
    assert_eq!(response.head().headers["x-seen-by-hook"], "yes");

    let seen = recorder.requests.lock().unwrap().clone();
    let expected = |attempt| Seen {
        operation: "securedOp",
        attempt,
        method: "GET".into(),
        url: format!("{}/r?q=a%20b", server.uri()),
        authorization: Some("Bearer tok".into()),
        authorization_sensitive: true,
    };
    assert_eq!(seen, vec![expected(1), expected(2)]);
    assert_eq!(
        *recorder.responses.lock().unwrap(),
        vec![(1, StatusCode::SERVICE_UNAVAILABLE), (2, StatusCode::OK)]
    );
    let received = server.received_requests().await.unwrap();
    assert!(
        received
            .iter()
            .all(|r| r.headers["x-signature"] == "signed")
    );
}

/// Logs each hook's `on_request` and `around` as they run.
struct Logger {
    name: &'static str,
    log: Arc<Mutex<Vec<String>>>,
}

impl Hook for Logger {
    fn on_request(&self, _: &Attempt, _: &mut reqwest::Request) -> Result<(), HookError> {
        self.log
            .lock()
            .unwrap()
            .push(format!("{} request", self.name));
        Ok(())
    }

    fn around<'a>(
        &'a self,
        _: &'a Attempt,
        request: reqwest::Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<reqwest::Response, Error>> {
        Box::pin(async move {
            self.log
                .lock()
                .unwrap()
                .push(format!("{} before", self.name));
            let response = next.run(request).await;
            self.log
                .lock()
                .unwrap()
                .push(format!("{} after", self.name));
            response
        })
    }
}

#[tokio::test]
async fn hooks_run_in_the_order_they_were_added() {
    let server = MockServer::start().await;
    ok_for_any(&server).await;
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut core = client(&server);
    for name in ["outer", "inner"] {
        let log = log.clone();
        core.add_hook(Arc::new(Logger { name, log }));
    }
    send(&core, get("/x")).await.unwrap();
    assert_eq!(
        *log.lock().unwrap(),
        [
            "outer request",
            "inner request",
            "outer before",
            "inner before",
            "inner after",
            "outer after"
        ]
    );
    assert!(format!("{core:?}").contains("hooks: 2"));
}

struct Refuse;

impl Hook for Refuse {
    fn on_request(&self, _: &Attempt, _: &mut reqwest::Request) -> Result<(), HookError> {
        Err(HookError::new("request not signed"))
    }
}

#[tokio::test]
async fn a_hook_error_stops_the_call_before_sending() {
    let server = MockServer::start().await;
    ok_for_any(&server).await;
    let mut core = client(&server);
    core.add_hook(Arc::new(Refuse));
    let err = send(&core, get("/x")).await.unwrap_err();
    assert!(matches!(err, Error::Hook(_)), "{err:?}");
    assert_eq!(err.to_string(), "a hook failed: request not signed");
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(request_count(&server).await, 0);
}

struct RefuseResponse;

impl Hook for RefuseResponse {
    fn on_response(&self, _: &Attempt, head: &mut ResponseHead) -> Result<(), HookError> {
        if head.headers.contains_key("x-bad") {
            return Err(HookError::new("bad response"));
        }
        Ok(())
    }
}

#[tokio::test]
async fn a_hook_may_refuse_a_response() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(200).insert_header("x-bad", "1"))
        .mount(&server)
        .await;
    let mut core = client(&server);
    core.add_hook(Arc::new(RefuseResponse));
    let err = send(&core, get("/x")).await.unwrap_err();
    assert!(
        matches!(&err, Error::Hook(e) if e.to_string() == "bad response"),
        "{err:?}"
    );
    // Not a transient failure: not retried.
    assert_eq!(request_count(&server).await, 1);
}

/// Answers every request itself.
struct Cache;

impl Hook for Cache {
    fn around<'a>(
        &'a self,
        _: &'a Attempt,
        request: reqwest::Request,
        _: Next<'a>,
    ) -> BoxFuture<'a, Result<reqwest::Response, Error>> {
        let body = format!("cached {}", request.url().path());
        Box::pin(async move {
            let response = http::Response::builder()
                .status(200)
                .header("x-cache", "hit")
                .body(body)
                .unwrap();
            Ok(reqwest::Response::from(response))
        })
    }
}

#[tokio::test]
async fn a_hook_may_answer_without_sending() {
    let server = MockServer::start().await;
    ok_for_any(&server).await;
    let mut core = client(&server);
    core.add_hook(Arc::new(Cache));
    let response = send(&core, get("/pets/1")).await.unwrap();
    assert_eq!(response.head().headers["x-cache"], "hit");
    assert_eq!(body_of(response), "cached /pets/1");
    assert_eq!(request_count(&server).await, 0);
}
