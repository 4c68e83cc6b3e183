//! Bearer tokens from a `TokenProvider`: one refresh on 401, and the OAuth2 client credentials
//! grant against a token endpoint (fetch, cache, expiry, rejection).

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use openapi_rustgen_runtime::{
    Body, BoxFuture, Bytes, ClientAuth, ClientCredentials, Credential, Error, Method, Request,
    Secret, TokenError, TokenProvider, Upload,
};
use wiremock::matchers::{basic_auth, bearer_token, body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Hands out "old" first, and "new" for a rejected token; records what it was asked.
#[derive(Default)]
struct Rotating {
    asked: Mutex<Vec<Option<String>>>,
}

impl TokenProvider for Rotating {
    fn token<'a>(
        &'a self,
        rejected: Option<&'a Secret>,
    ) -> BoxFuture<'a, Result<Secret, TokenError>> {
        self.asked
            .lock()
            .unwrap()
            .push(rejected.map(|s| s.expose().to_owned()));
        let token = if rejected.is_some() { "new" } else { "old" };
        Box::pin(async move { Ok(Secret::new(token)) })
    }
}

fn asked(provider: &Rotating) -> Vec<Option<String>> {
    provider.asked.lock().unwrap().clone()
}

async fn api_accepting(token: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(bearer_token(token))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    Mock::given(path("/r"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    server
}

fn with_tokens(
    server: &MockServer,
    provider: Arc<dyn TokenProvider>,
) -> openapi_rustgen_runtime::ClientCore {
    let mut core = client(server);
    core.set_credential("bearerAuth", Credential::Tokens(provider));
    core
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_tries_again() {
    let server = api_accepting("new").await;
    let provider = Arc::new(Rotating::default());
    let core = with_tokens(&server, provider.clone());
    let response = send(&core, secured("/r", ONLY_BEARER)).await.unwrap();
    assert_eq!(body_of(response), "ok");
    assert_eq!(asked(&provider), [None, Some("old".to_owned())]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].headers["authorization"], "Bearer old");
    assert_eq!(requests[1].headers["authorization"], "Bearer new");
}

#[tokio::test]
async fn a_second_401_is_returned() {
    let server = api_accepting("never").await;
    let provider = Arc::new(Rotating::default());
    let core = with_tokens(&server, provider.clone());
    let response = send(&core, secured("/r", ONLY_BEARER)).await.unwrap();
    assert_eq!(response.status_code(), 401);
    assert_eq!(asked(&provider).len(), 2);
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn a_refresh_does_not_use_up_a_retry() {
    let server = MockServer::start().await;
    Mock::given(bearer_token("old"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(bearer_token("new"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(bearer_token("new"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let mut core = with_tokens(&server, Arc::new(Rotating::default()));
    core.set_retry_policy(fast_retry(1));
    let response = send(&core, secured("/r", ONLY_BEARER)).await.unwrap();
    assert_eq!(response.status_code(), 200);
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn a_static_bearer_token_is_not_refreshed() {
    let server = api_accepting("new").await;
    let mut core = client(&server);
    core.set_credential("bearerAuth", Credential::Bearer("old".into()));
    let response = send(&core, secured("/r", ONLY_BEARER)).await.unwrap();
    assert_eq!(response.status_code(), 401);
    assert_eq!(request_count(&server).await, 1);
}

/// Found by this port: the refresh sent the request again even when its body was a stream
/// that had already been sent, and the call failed with "a streamed body can be sent only
/// once" instead of returning the 401.
#[tokio::test]
async fn a_401_to_a_streamed_upload_is_returned_without_resending() {
    let server = api_accepting("new").await;
    let provider = Arc::new(Rotating::default());
    let core = with_tokens(&server, provider.clone());
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"data"))]);
    let mut request = Request::new(op("upload", Method::PUT, ONLY_BEARER, None), "/r");
    request.body(Body::Binary {
        content: Upload::from_stream(chunks, Some(4)),
        content_type: "application/octet-stream",
    });
    let response = send(&core, request).await.unwrap();
    assert_eq!(response.status_code(), 401);
    assert_eq!(request_count(&server).await, 1);
}

struct Failing;

impl TokenProvider for Failing {
    fn token<'a>(&'a self, _: Option<&'a Secret>) -> BoxFuture<'a, Result<Secret, TokenError>> {
        Box::pin(async { Err(TokenError::Provider("vault sealed".into())) })
    }
}

#[tokio::test]
async fn a_provider_error_fails_the_call_without_sending() {
    let server = api_accepting("new").await;
    let core = with_tokens(&server, Arc::new(Failing));
    let err = send(&core, secured("/r", ONLY_BEARER)).await.unwrap_err();
    assert!(
        matches!(err, Error::Token(TokenError::Provider(_))),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "token provider failed: vault sealed");
    assert_eq!(request_count(&server).await, 0);
}

// ----- OAuth2 client credentials ----------------------------------------------------------------

fn token_body(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": expires_in,
    }))
}

fn credentials(server: &MockServer) -> ClientCredentials {
    ClientCredentials::new(format!("{}/token", server.uri()), "my client", "s3cret&")
}

#[tokio::test]
async fn client_credentials_fetch_a_token_once_and_cache_it() {
    let idp = MockServer::start().await;
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before basic authentication.
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(basic_auth("my+client", "s3cret%26"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("scope=read+write"))
        .respond_with(token_body("t1", 3600))
        .expect(1)
        .mount(&idp)
        .await;
    let api = api_accepting("t1").await;
    let provider = credentials(&idp).with_scopes(["read", "write"]);
    assert_eq!(provider.token_url(), format!("{}/token", idp.uri()));
    let core = with_tokens(&api, Arc::new(provider));
    for _ in 0..3 {
        let response = send(&core, secured("/r", ONLY_BEARER)).await.unwrap();
        assert_eq!(response.status_code(), 200);
    }
    assert_eq!(request_count(&api).await, 3);
}

#[tokio::test]
async fn concurrent_calls_share_one_token_fetch() {
    let idp = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(token_body("t1", 3600).set_delay(Duration::from_millis(200)))
        .expect(1)
        .mount(&idp)
        .await;
    let api = api_accepting("t1").await;
    let core = with_tokens(&api, Arc::new(credentials(&idp)));
    // Twenty calls at once while the first fetch is under way: one fetch.
    let calls = (0..20).map(|_| send(&core, secured("/r", ONLY_BEARER)));
    for response in futures_util::future::join_all(calls).await {
        assert_eq!(response.unwrap().status_code(), 200);
    }
}

#[tokio::test]
async fn an_expiring_token_is_fetched_again() {
    let idp = MockServer::start().await;
    // Expires within the refresh margin (30 s): stale as soon as it is fetched.
    Mock::given(path("/token"))
        .respond_with(token_body("t1", 10))
        .up_to_n_times(1)
        .mount(&idp)
        .await;
    Mock::given(path("/token"))
        .respond_with(token_body("t2", 3600))
        .mount(&idp)
        .await;
    let api = api_accepting("t1").await;
    Mock::given(bearer_token("t2"))
        .respond_with(ResponseTemplate::new(204))
        .with_priority(1)
        .mount(&api)
        .await;
    let core = with_tokens(&api, Arc::new(credentials(&idp)));
    assert_eq!(
        send(&core, secured("/r", ONLY_BEARER))
            .await
            .unwrap()
            .status_code(),
        200
    );
    assert_eq!(
        send(&core, secured("/r", ONLY_BEARER))
            .await
            .unwrap()
            .status_code(),
        204
    );
    assert_eq!(
        send(&core, secured("/r", ONLY_BEARER))
            .await
            .unwrap()
            .status_code(),
        204
    );
    assert_eq!(request_count(&idp).await, 2);
}

#[tokio::test]
async fn a_rejected_client_credentials_token_is_replaced() {
    let idp = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(token_body("revoked", 3600))
        .up_to_n_times(1)
        .mount(&idp)
        .await;
    Mock::given(path("/token"))
        .respond_with(token_body("t2", 3600))
        .mount(&idp)
        .await;
    let api = api_accepting("t2").await;
    let core = with_tokens(&api, Arc::new(credentials(&idp)));
    let response = send(&core, secured("/r", ONLY_BEARER)).await.unwrap();
    assert_eq!(response.status_code(), 200);
    assert_eq!(request_count(&idp).await, 2);
    assert_eq!(request_count(&api).await, 2);
}

#[tokio::test]
async fn client_credentials_may_go_in_the_body() {
    let idp = MockServer::start().await;
    Mock::given(path("/token"))
        .and(body_string_contains("client_id=my+client"))
        .and(body_string_contains("client_secret=s3cret%26"))
        .respond_with(token_body("t1", 3600))
        .expect(1)
        .mount(&idp)
        .await;
    let api = api_accepting("t1").await;
    let provider = credentials(&idp)
        .with_client_auth(ClientAuth::Body)
        .with_refresh_margin(Duration::ZERO);
    let core = with_tokens(&api, Arc::new(provider));
    assert_eq!(
        send(&core, secured("/r", ONLY_BEARER))
            .await
            .unwrap()
            .status_code(),
        200
    );
    let token_request = idp.received_requests().await.unwrap().remove(0);
    assert!(!token_request.headers.contains_key("authorization"));
    assert!(!String::from_utf8_lossy(&token_request.body).contains("scope="));
}

#[tokio::test]
async fn a_token_endpoint_error_fails_the_call_without_sending_it() {
    let idp = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": "invalid_client",
            "error_description": "unknown\nclient",
        })))
        .mount(&idp)
        .await;
    let api = api_accepting("t1").await;
    let core = with_tokens(&api, Arc::new(credentials(&idp)));
    let err = send(&core, secured("/r", ONLY_BEARER)).await.unwrap_err();
    match &err {
        Error::Token(TokenError::Rejected {
            status,
            error,
            description,
        }) => {
            assert_eq!(status.as_u16(), 401);
            assert_eq!(error.as_deref(), Some("invalid_client"));
            assert_eq!(description.as_deref(), Some("unknown\nclient"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "token request rejected with status 401 Unauthorized: invalid_client (unknown client)"
    );
    assert!(!format!("{err:?}").contains("s3cret"));
    assert_eq!(request_count(&api).await, 0);
}

#[tokio::test]
async fn a_token_response_that_is_not_a_bearer_token_is_invalid() {
    let idp = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "t", "token_type": "mac"
        })))
        .mount(&idp)
        .await;
    let provider = credentials(&idp);
    let err = provider.token(None).await.unwrap_err();
    assert!(
        matches!(&err, TokenError::Invalid(m) if m.contains("mac")),
        "{err:?}"
    );

    let idp = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_string("not json"))
        .mount(&idp)
        .await;
    let err = credentials(&idp).token(None).await.unwrap_err();
    assert!(matches!(err, TokenError::Invalid(_)), "{err:?}");
}

#[tokio::test]
async fn an_unreachable_token_endpoint_is_a_transport_error() {
    let provider = ClientCredentials::new(
        format!("http://127.0.0.1:{}/token?secret=x", closed_port()),
        "id",
        "secret",
    );
    let err = bounded(provider.token(None)).await.unwrap_err();
    match &err {
        TokenError::Transport(inner) => assert!(inner.url().is_none()),
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        err.to_string().starts_with("token endpoint unreachable"),
        "{err}"
    );
}

#[test]
fn client_credentials_debug_hides_the_secret() {
    let provider = ClientCredentials::new("http://idp.test/token", "id", "hunter2");
    let debug = format!("{provider:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("idp.test"), "{debug}");
}
