//! Credentials: where each kind goes, which security alternative is used, what happens
//! without one, and that secrets stay out of `Debug`, `Display` and errors.

mod common;

use std::sync::Arc;

use common::*;
use openapi_rustgen_runtime::{
    ClientCore, Credential, Error, RetryPolicy, Secret, SecurityRequirement, StaticToken,
    StatusCode,
};
use wiremock::matchers::{basic_auth, bearer_token, header, method, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn bearer_token_is_sent() {
    let server = MockServer::start().await;
    Mock::given(bearer_token("tok-1"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let mut core = client(&server);
    core.set_credential("bearerAuth", Credential::Bearer("tok-1".into()));
    let response = send(&core, secured("/me", ONLY_BEARER)).await.unwrap();
    assert_eq!(response.head().status, StatusCode::OK);
}

#[tokio::test]
async fn a_static_token_provider_is_a_bearer_credential() {
    let server = MockServer::start().await;
    Mock::given(bearer_token("fixed"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let mut core = client(&server);
    let provider = StaticToken(Secret::new("fixed"));
    core.set_credential("bearerAuth", Credential::Tokens(Arc::new(provider)));
    let response = send(&core, secured("/me", ONLY_BEARER)).await.unwrap();
    assert_eq!(response.status_code(), 200);
}

#[tokio::test]
async fn basic_credentials_are_sent() {
    let server = MockServer::start().await;
    Mock::given(basic_auth("alice", "pw:1"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let mut core = client(&server);
    core.set_credential(
        "basicAuth",
        Credential::Basic {
            username: "alice".into(),
            password: "pw:1".into(),
        },
    );
    const SEC: &[SecurityRequirement] = &[&[&BASIC]];
    let response = send(&core, secured("/me", SEC)).await.unwrap();
    assert_eq!(response.head().status, StatusCode::OK);
}

#[tokio::test]
async fn api_keys_go_to_header_query_and_cookie() {
    let server = MockServer::start().await;
    Mock::given(header("x-api-key", "hk"))
        .and(query_param("api_key", "q k&="))
        .and(query_param("page", "2"))
        .and(header("cookie", "lang=en; session=ck; tenant=t1"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let mut core = client(&server);
    core.set_credential("headerKey", Credential::ApiKey("hk".into()));
    core.set_credential("queryKey", Credential::ApiKey("q k&=".into()));
    core.set_credential("cookieKey", Credential::ApiKey("ck".into()));
    core.set_credential("cookieKey2", Credential::ApiKey("t1".into()));
    const SEC: &[SecurityRequirement] = &[&[&KEY_HEADER, &KEY_QUERY, &KEY_COOKIE, &KEY_COOKIE_2]];
    let mut request = secured("/me", SEC);
    request.query("page", &2).unwrap();
    // A cookie parameter of the operation itself is kept next to the apiKey cookies.
    request.cookie("lang", "en").unwrap();
    let response = send(&core, request).await.unwrap();
    assert_eq!(response.status_code(), 200);
    let requests = server.received_requests().await.unwrap();
    // The query key is percent-encoded after the operation's own query.
    assert_eq!(requests[0].url.query(), Some("page=2&api_key=q%20k%26%3D"));
}

#[tokio::test]
async fn a_cookie_api_key_that_needs_encoding_is_refused_without_sending() {
    let server = MockServer::start().await;
    ok_for_any(&server).await;
    let mut core = client(&server);
    core.set_credential("cookieKey", Credential::ApiKey("a;b=c".into()));
    const SEC: &[SecurityRequirement] = &[&[&KEY_COOKIE]];
    let err = send(&core, secured("/me", SEC)).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("session")),
        "{err:?}"
    );
    assert!(!err.to_string().contains("a;b=c"), "{err}");
    assert_eq!(request_count(&server).await, 0);
}

#[tokio::test]
async fn an_api_key_header_with_a_newline_is_refused_without_echoing_it() {
    let server = MockServer::start().await;
    ok_for_any(&server).await;
    let mut core = client(&server);
    core.set_credential("headerKey", Credential::ApiKey("k\r\nX-Evil: 1".into()));
    const SEC: &[SecurityRequirement] = &[&[&KEY_HEADER]];
    let err = send(&core, secured("/me", SEC)).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(_)), "{err:?}");
    assert!(!err.to_string().contains("X-Evil"), "{err}");
    assert_eq!(request_count(&server).await, 0);
}

#[tokio::test]
async fn first_satisfied_alternative_wins() {
    let server = MockServer::start().await;
    Mock::given(header("x-api-key", "hk"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let mut core = client(&server);
    core.set_credential("headerKey", Credential::ApiKey("hk".into()));
    core.set_credential("bearerAuth", Credential::Bearer("tok".into()));
    // Basic is not set, so the first alternative is skipped; the second applies the key only.
    const SEC: &[SecurityRequirement] = &[&[&BASIC, &BEARER], &[&KEY_HEADER], &[&BEARER]];
    send(&core, secured("/me", SEC)).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(!requests[0].headers.contains_key("authorization"));
}

#[tokio::test]
async fn all_schemes_of_an_alternative_are_applied_together() {
    let server = MockServer::start().await;
    Mock::given(header("x-api-key", "hk"))
        .and(bearer_token("tok"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let mut core = client(&server);
    core.set_credential("headerKey", Credential::ApiKey("hk".into()));
    core.set_credential("bearerAuth", Credential::Bearer("tok".into()));
    const SEC: &[SecurityRequirement] = &[&[&BEARER, &KEY_HEADER]];
    let response = send(&core, secured("/me", SEC)).await.unwrap();
    assert_eq!(response.status_code(), 200);
}

#[tokio::test]
async fn empty_requirement_allows_anonymous_but_credentials_are_preferred() {
    let server = MockServer::start().await;
    ok_for_any(&server).await;
    let mut core = client(&server);
    const SEC: &[SecurityRequirement] = &[&[], &[&BEARER]];
    send(&core, secured("/a", SEC)).await.unwrap();
    core.set_credential("bearerAuth", Credential::Bearer("tok".into()));
    send(&core, secured("/b", SEC)).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert!(!requests[0].headers.contains_key("authorization"));
    assert_eq!(requests[1].headers["authorization"], "Bearer tok");
}

#[tokio::test]
async fn no_security_means_no_auth_even_with_credentials_set() {
    let server = MockServer::start().await;
    ok_for_any(&server).await;
    let mut core = client(&server);
    core.set_credential("bearerAuth", Credential::Bearer("tok".into()));
    core.set_credential("queryKey", Credential::ApiKey("qk".into()));
    send(&core, get("/public")).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(!requests[0].headers.contains_key("authorization"));
    assert_eq!(requests[0].url.query(), None);
}

#[tokio::test]
async fn missing_credentials_fail_without_sending() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let mut core = client(&server);
    // A credential of the wrong kind counts as not set; so does a cleared one.
    core.set_credential("bearerAuth", Credential::ApiKey("k".into()));
    core.set_credential("headerKey", Credential::ApiKey("k".into()));
    core.clear_credential("headerKey");
    const SEC: &[SecurityRequirement] = &[&[&BEARER, &BASIC], &[&KEY_HEADER]];
    let err = send(&core, secured("/me", SEC)).await.unwrap_err();
    match &err {
        Error::MissingCredentials {
            operation_id,
            schemes,
        } => {
            assert_eq!(*operation_id, "securedOp");
            assert_eq!(schemes, &["bearerAuth", "basicAuth"]);
        }
        other => panic!("unexpected {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("securedOp") && message.contains("bearerAuth"),
        "{message}"
    );
    assert_eq!(request_count(&server).await, 0);
}

// ----- secrets ----------------------------------------------------------------------------------

#[test]
fn secrets_are_redacted_in_debug_and_display() {
    let secret = Secret::new("hunter2");
    assert_eq!(format!("{secret:?}"), "Secret(***)");
    assert!(!format!("{secret}").contains("hunter2"));
    assert_eq!(secret.expose(), "hunter2");
    assert_eq!(Secret::from("a"), Secret::from(String::from("a")));

    let credentials = [
        Credential::Bearer("hunter2".into()),
        Credential::ApiKey("hunter2".into()),
        Credential::Basic {
            username: "alice".into(),
            password: "hunter2".into(),
        },
        Credential::Tokens(Arc::new(StaticToken("hunter2".into()))),
    ];
    let mut core = ClientCore::new("http://127.0.0.1:1");
    for (credential, scheme) in credentials.iter().zip(["a", "b", "c", "d"]) {
        let debug = format!("{credential:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        core.set_credential(scheme, credential.clone());
    }
    let debug = format!("{core:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("alice"), "{debug}");
}

#[tokio::test]
async fn a_transport_error_does_not_leak_a_query_api_key() {
    let mut core = ClientCore::new(format!("http://127.0.0.1:{}", closed_port()));
    core.set_retry_policy(RetryPolicy::disabled());
    core.set_credential("queryKey", Credential::ApiKey("s3cr3t-key".into()));
    const SEC: &[SecurityRequirement] = &[&[&KEY_QUERY]];
    let err = bounded(send(&core, secured("/pets", SEC)))
        .await
        .unwrap_err();
    let Error::Connect(inner) = &err else {
        panic!("expected Error::Connect, got {err:?}")
    };
    assert!(inner.is_connect());
    assert!(inner.url().is_none());
    assert!(err.is_connect());
    let mut source = std::error::Error::source(&err);
    let mut texts = vec![err.to_string(), format!("{err:?}")];
    while let Some(cause) = source {
        texts.push(cause.to_string());
        source = cause.source();
    }
    for text in texts {
        assert!(!text.contains("s3cr3t-key"), "leaked in {text}");
    }
}
