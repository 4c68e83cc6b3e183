//! A request-signing hook, the case hooks exist for: an HMAC-SHA256 over
//! method, path and body, set on every attempt (retries included) and
//! verified by the server on 127.0.0.1 with the shared key.

mod common;

use common::*;
use hmac::{Hmac, Mac};
use openapi_rustgen_runtime::{
    Attempt, Body, Bytes, HeaderValue, Hook, HookError, Method, Operation, Request, reqwest,
};
use sha2::Sha256;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &[u8] = b"shared-secret";

/// An idempotent operation with a body, so that a 503 is retried.
static PUT_OP: Operation = Operation {
    id: "putThing",
    method: Method::PUT,
    route: "/things/{id}",
    security: &[],
    accept: None,
};

fn signature(method: &str, path: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY).unwrap();
    mac.update(method.as_bytes());
    mac.update(b"\n");
    mac.update(path.as_bytes());
    mac.update(b"\n");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

struct Signer;

impl Hook for Signer {
    fn on_request(&self, _: &Attempt, request: &mut reqwest::Request) -> Result<(), HookError> {
        let body = request
            .body()
            .and_then(|b| b.as_bytes())
            .unwrap_or_default()
            .to_vec();
        let signed = signature(request.method().as_str(), request.url().path(), &body);
        let value = HeaderValue::from_str(&signed).map_err(|e| HookError::new(e.to_string()))?;
        request.headers_mut().insert("x-signature", value);
        Ok(())
    }
}

/// The server side: accepts only requests whose signature checks out.
struct Verified;

impl wiremock::Match for Verified {
    fn matches(&self, request: &wiremock::Request) -> bool {
        let expected = signature(request.method.as_str(), request.url.path(), &request.body);
        request
            .headers
            .get("x-signature")
            .and_then(|v| v.to_str().ok())
            == Some(expected.as_str())
    }
}

#[tokio::test]
async fn a_signing_hook_signs_every_attempt_and_the_server_verifies_it() {
    let server = MockServer::start().await;
    // The first attempt fails: the retry must be signed too.
    Mock::given(Verified)
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(Verified)
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let mut core = client(&server);
    core.add_hook(std::sync::Arc::new(Signer));
    let mut request = Request::new(&PUT_OP, "/things/1");
    request.body(Body::Json(Bytes::from_static(br#"{"name":"a"}"#)));
    let response = send(&core, request).await.expect("a verified request");
    assert_eq!(response.status_code(), 200);
}

#[tokio::test]
async fn an_unsigned_request_fails_verification() {
    let server = MockServer::start().await;
    Mock::given(Verified)
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    // Without the signer the server refuses (wiremock answers 404 to what
    // no mock matches).
    let core = client(&server);
    let mut request = Request::new(&PUT_OP, "/things/1");
    request.body(Body::Json(Bytes::from_static(b"{}")));
    let response = send(&core, request).await.expect("an answer");
    assert_eq!(response.status_code(), 404);
}
