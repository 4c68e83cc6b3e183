//! Tests of the client runtime copied into generated clients, against a real HTTP server
//! (wiremock on 127.0.0.1).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use vendor_clients::runtime::{
    ApiKeyLocation, Body, Bytes, ClientCore, Credential, Error, HeaderMap, Method, MultipartPart,
    Nullable, QueryStyle, RawResponse, Request, RetryPolicy, SchemeKind, Secret,
    SecurityRequirement, SecurityScheme, StatusCode, Validate, ValidationError, check_max_items,
    check_max_length, check_maximum, check_min_items, check_min_length, check_minimum,
    check_multiple_of, check_pattern, header_value, path_segment, push_query,
};
use wiremock::matchers::{
    basic_auth, bearer_token, body_string_contains, header, header_regex, method, path, query_param,
};
use wiremock::{Mock, MockServer, ResponseTemplate};

// ----- shared fixtures --------------------------------------------------------------------------

const BEARER: SecurityScheme = SecurityScheme {
    name: "bearerAuth",
    kind: SchemeKind::Bearer,
};
const BASIC: SecurityScheme = SecurityScheme {
    name: "basicAuth",
    kind: SchemeKind::Basic,
};
const KEY_HEADER: SecurityScheme = SecurityScheme {
    name: "headerKey",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Header,
        name: "X-API-Key",
    },
};
const KEY_QUERY: SecurityScheme = SecurityScheme {
    name: "queryKey",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Query,
        name: "api_key",
    },
};
const KEY_COOKIE: SecurityScheme = SecurityScheme {
    name: "cookieKey",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Cookie,
        name: "session",
    },
};
const KEY_COOKIE_2: SecurityScheme = SecurityScheme {
    name: "cookieKey2",
    kind: SchemeKind::ApiKey {
        location: ApiKeyLocation::Cookie,
        name: "tenant",
    },
};

const ONLY_BEARER: &[SecurityRequirement] = &[&[&BEARER]];

/// Retries with 1ms backoffs so tests stay fast.
fn fast_retry(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(1),
        retry_non_idempotent: false,
    }
}

fn client(server: &MockServer) -> ClientCore {
    let mut core = ClientCore::new(format!("{}/", server.uri()));
    core.set_retry_policy(fast_retry(3));
    core
}

fn get(path: &str) -> Request {
    Request::new("testOp", Method::GET, path)
}

fn with_security(mut request: Request, security: &'static [SecurityRequirement]) -> Request {
    request.security = security;
    request
}

async fn ok_for_any(server: &MockServer) {
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(server)
        .await;
}

/// A port on 127.0.0.1 with nothing listening.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

// ----- Nullable ---------------------------------------------------------------------------------

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Patch {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    nickname: Nullable<String>,
}

#[test]
fn nullable_serializes_absent_null_and_value() {
    let json = |nickname| serde_json::to_string(&Patch { nickname }).unwrap();
    assert_eq!(json(Nullable::Absent), "{}");
    assert_eq!(json(Nullable::Null), r#"{"nickname":null}"#);
    assert_eq!(json(Nullable::Value("x".into())), r#"{"nickname":"x"}"#);
}

#[test]
fn nullable_deserializes_missing_null_and_value() {
    let parse = |s| serde_json::from_str::<Patch>(s).unwrap().nickname;
    assert_eq!(parse("{}"), Nullable::Absent);
    assert_eq!(parse(r#"{"nickname":null}"#), Nullable::Null);
    assert_eq!(
        parse(r#"{"nickname":"x"}"#),
        Nullable::Value("x".to_owned())
    );
}

#[test]
fn nullable_accessors_and_conversions() {
    let value: Nullable<u8> = 5.into();
    assert_eq!(value.value(), Some(&5));
    assert_eq!(value.as_ref(), Nullable::Value(&5));
    assert_eq!(value.clone().into_value(), Some(5));
    assert!(!value.is_absent() && !value.is_null());
    assert_eq!(Nullable::<u8>::from(None), Nullable::Null);
    assert!(Nullable::<u8>::from(None).is_null());
    assert_eq!(Nullable::<u8>::from(Some(1)), Nullable::Value(1));
    assert!(Nullable::<u8>::default().is_absent());
    assert_eq!(Nullable::<u8>::Null.into_value(), None);
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
    ];
    let mut core = ClientCore::new("http://127.0.0.1:1");
    for (credential, scheme) in credentials.iter().zip(["a", "b", "c"]) {
        assert!(!format!("{credential:?}").contains("hunter2"));
        core.set_credential(scheme, credential.clone());
    }
    assert!(!format!("{core:?}").contains("hunter2"));
}

#[tokio::test]
async fn request_error_does_not_leak_query_api_key() {
    let mut core = ClientCore::new(format!("http://127.0.0.1:{}", closed_port()));
    core.set_retry_policy(RetryPolicy::disabled());
    core.set_credential("queryKey", Credential::ApiKey("s3cr3t-key".into()));
    const SEC: &[SecurityRequirement] = &[&[&KEY_QUERY]];
    let err = core
        .execute::<()>(with_security(get("/pets"), SEC))
        .await
        .unwrap_err();
    let Error::Request(inner) = &err else {
        panic!("expected Error::Request, got {err:?}")
    };
    assert!(inner.is_connect());
    assert!(inner.url().is_none());
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("s3cr3t-key"), "leaked in {text}");
    }
}

// ----- auth -------------------------------------------------------------------------------------

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
    let response = core
        .execute::<()>(with_security(get("/me"), ONLY_BEARER))
        .await
        .unwrap();
    assert_eq!(response.status, StatusCode::OK);
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
    let response = core
        .execute::<()>(with_security(get("/me"), SEC))
        .await
        .unwrap();
    assert_eq!(response.status, StatusCode::OK);
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
    let mut request = with_security(get("/me"), SEC);
    request.query.push(("page".into(), "2".into()));
    // A cookie parameter of the operation itself is kept next to the apiKey cookies.
    request.headers.insert("cookie", "lang=en".parse().unwrap());
    core.execute::<()>(request).await.unwrap();
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
    core.execute::<()>(with_security(get("/me"), SEC))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(!requests[0].headers.contains_key("authorization"));
}

#[tokio::test]
async fn empty_requirement_allows_anonymous_but_credentials_are_preferred() {
    let server = MockServer::start().await;
    ok_for_any(&server).await;
    let mut core = client(&server);
    const SEC: &[SecurityRequirement] = &[&[], &[&BEARER]];
    core.execute::<()>(with_security(get("/a"), SEC))
        .await
        .unwrap();
    core.set_credential("bearerAuth", Credential::Bearer("tok".into()));
    core.execute::<()>(with_security(get("/b"), SEC))
        .await
        .unwrap();

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
    core.execute::<()>(get("/public")).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(!requests[0].headers.contains_key("authorization"));
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
    let err = core
        .execute::<()>(with_security(get("/me"), SEC))
        .await
        .unwrap_err();
    match &err {
        Error::MissingCredentials {
            operation_id,
            schemes,
        } => {
            assert_eq!(*operation_id, "testOp");
            assert_eq!(schemes, &["bearerAuth", "basicAuth"]);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("testOp"));
    assert_eq!(request_count(&server).await, 0);
}

// ----- path segments ----------------------------------------------------------------------------

#[test]
fn path_segment_encodes_everything_but_unreserved() {
    let cases = [
        ("/", "%2F"),
        ("?", "%3F"),
        ("#", "%23"),
        ("%", "%25"),
        ("a b", "a%20b"),
        ("é", "%C3%A9"),
        ("...", "..."),
        ("a.b-c_d~e", "a.b-c_d~e"),
        ("../x", "..%2Fx"),
        (";,=&+:@", "%3B%2C%3D%26%2B%3A%40"),
    ];
    for (raw, encoded) in cases {
        assert_eq!(path_segment("id", &raw).unwrap(), encoded, "for {raw:?}");
    }
    assert_eq!(path_segment("id", &42).unwrap(), "42");
}

#[test]
fn path_segment_rejects_dot_segments_and_empty() {
    for raw in ["", ".", ".."] {
        let err = path_segment("petId", &raw).unwrap_err();
        assert_eq!(
            err,
            ValidationError {
                field: "petId".into(),
                rule: "path segment".into()
            }
        );
    }
}

#[tokio::test]
async fn path_segment_reaches_server_as_one_segment() {
    let server = MockServer::start().await;
    Mock::given(path("/items/a%2Fb%3Fc%23d%20.."))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let segment = path_segment("id", &"a/b?c#d ..").unwrap();
    let response = client(&server)
        .execute::<()>(get(&format!("/items/{segment}")))
        .await
        .unwrap();
    assert_eq!(response.status, StatusCode::OK);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), None);
}

// ----- query serialization ----------------------------------------------------------------------

fn query_of<T: Serialize + ?Sized>(
    value: &T,
    style: QueryStyle,
    explode: bool,
) -> Vec<(String, String)> {
    let mut query = Vec::new();
    push_query::<T, ()>(&mut query, "p", value, style, explode).unwrap();
    query
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Object properties come in serde_json's map order (declaration order with its
/// `preserve_order` feature, sorted without), so compare those sorted.
fn sorted(mut query: Vec<(String, String)>) -> Vec<(String, String)> {
    query.sort();
    query
}

#[test]
fn push_query_scalars_and_null() {
    for style in [
        QueryStyle::Form,
        QueryStyle::SpaceDelimited,
        QueryStyle::PipeDelimited,
        QueryStyle::DeepObject,
    ] {
        assert_eq!(query_of("a b", style, true), pairs(&[("p", "a b")]));
        assert_eq!(query_of(&7, style, false), pairs(&[("p", "7")]));
        assert_eq!(query_of(&1.5, style, false), pairs(&[("p", "1.5")]));
        assert_eq!(query_of(&true, style, true), pairs(&[("p", "true")]));
        assert_eq!(query_of(&None::<u8>, style, true), pairs(&[]));
    }
}

#[test]
fn push_query_arrays_per_style() {
    let items = ["a", "b c", "d"];
    let exploded = pairs(&[("p", "a"), ("p", "b c"), ("p", "d")]);
    assert_eq!(query_of(&items, QueryStyle::Form, true), exploded);
    assert_eq!(query_of(&items, QueryStyle::SpaceDelimited, true), exploded);
    assert_eq!(query_of(&items, QueryStyle::PipeDelimited, true), exploded);
    assert_eq!(
        query_of(&items, QueryStyle::Form, false),
        pairs(&[("p", "a,b c,d")])
    );
    assert_eq!(
        query_of(&items, QueryStyle::SpaceDelimited, false),
        pairs(&[("p", "a b c d")])
    );
    assert_eq!(
        query_of(&items, QueryStyle::PipeDelimited, false),
        pairs(&[("p", "a|b c|d")])
    );
    assert_eq!(
        query_of(&[1, 2], QueryStyle::Form, false),
        pairs(&[("p", "1,2")])
    );
    assert_eq!(
        query_of(&Vec::<u8>::new(), QueryStyle::Form, false),
        pairs(&[])
    );
}

#[derive(Serialize)]
struct Color {
    r: u8,
    g: Option<u8>,
    name: &'static str,
}

#[test]
fn push_query_objects_per_style() {
    let color = Color {
        r: 100,
        g: None,
        name: "x y",
    };
    assert_eq!(
        sorted(query_of(&color, QueryStyle::Form, true)),
        pairs(&[("name", "x y"), ("r", "100")])
    );
    let form = query_of(&color, QueryStyle::Form, false);
    assert!(
        form == pairs(&[("p", "r,100,name,x y")]) || form == pairs(&[("p", "name,x y,r,100")]),
        "{form:?}"
    );
    let piped = query_of(&color, QueryStyle::PipeDelimited, false);
    assert!(
        piped == pairs(&[("p", "r|100|name|x y")]) || piped == pairs(&[("p", "name|x y|r|100")]),
        "{piped:?}"
    );
    let spaced = query_of(
        &serde_json::json!({"k": "v"}),
        QueryStyle::SpaceDelimited,
        false,
    );
    assert_eq!(spaced, pairs(&[("p", "k v")]));
    assert_eq!(
        sorted(query_of(&color, QueryStyle::DeepObject, true)),
        pairs(&[("p[name]", "x y"), ("p[r]", "100")])
    );
}

#[test]
fn push_query_deep_object_nests() {
    let filter =
        serde_json::json!({"owner": {"name": "al", "age": null}, "tags": ["a", "b"], "n": 1});
    assert_eq!(
        sorted(query_of(&filter, QueryStyle::DeepObject, true)),
        pairs(&[
            ("p[n]", "1"),
            ("p[owner][name]", "al"),
            ("p[tags]", "a"),
            ("p[tags]", "b")
        ])
    );
}

#[test]
fn push_query_appends_after_existing_pairs() {
    let mut query = vec![("first".to_owned(), "1".to_owned())];
    push_query::<_, ()>(&mut query, "ids", &[3, 4], QueryStyle::Form, true).unwrap();
    assert_eq!(query, pairs(&[("first", "1"), ("ids", "3"), ("ids", "4")]));
}

#[tokio::test]
async fn query_values_are_percent_encoded_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(query_param("q", "a b&c=d+é#"))
        .and(query_param("p[k]", "v"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let mut request = get("/search");
    push_query::<_, ()>(
        &mut request.query,
        "q",
        "a b&c=d+é#",
        QueryStyle::Form,
        true,
    )
    .unwrap();
    push_query::<_, ()>(
        &mut request.query,
        "p",
        &serde_json::json!({"k": "v"}),
        QueryStyle::DeepObject,
        true,
    )
    .unwrap();
    client(&server).execute::<()>(request).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].url.query(),
        Some("q=a%20b%26c%3Dd%2B%C3%A9%23&p%5Bk%5D=v")
    );
}

// ----- headers ----------------------------------------------------------------------------------

#[test]
fn header_value_rejects_control_characters_without_echoing() {
    for bad in ["a\r\nb", "a\nb", "a\0b"] {
        let err = header_value::<()>("X-Trace", bad).unwrap_err();
        assert!(matches!(err, Error::InvalidHeader { name: "X-Trace" }));
        assert!(!err.to_string().contains("a\r\nb"));
        assert!(err.to_string().contains("X-Trace"));
    }
    assert_eq!(header_value::<()>("X-Trace", "abc 123").unwrap(), "abc 123");
}

#[tokio::test]
async fn header_parameters_and_accept_are_sent() {
    let server = MockServer::start().await;
    Mock::given(header("x-trace", "t-1"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let mut request = get("/x");
    request
        .headers
        .insert("x-trace", header_value::<()>("X-Trace", "t-1").unwrap());
    request.accept = Some("application/json");
    client(&server).execute::<()>(request).await.unwrap();
}

#[test]
fn base_url_trailing_slash_is_trimmed() {
    let mut core = ClientCore::new("http://example.test/v1/");
    assert_eq!(core.base_url(), "http://example.test/v1");
    core.set_base_url("http://other.test//");
    assert_eq!(core.base_url(), "http://other.test");
}

// ----- retries and timeouts ---------------------------------------------------------------------

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

#[tokio::test]
async fn retries_503_then_succeeds() {
    let server = MockServer::start().await;
    mount_once(&server, ResponseTemplate::new(503)).await;
    mount_always(&server, ResponseTemplate::new(200).set_body_string("ok")).await;
    let response = client(&server).execute::<()>(get("/r")).await.unwrap();
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body, "ok");
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn retry_after_is_honored_and_capped() {
    let server = MockServer::start().await;
    mount_once(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "0"),
    )
    .await;
    // Two hours, but capped at max_backoff (1ms).
    mount_once(
        &server,
        ResponseTemplate::new(503).insert_header("retry-after", "7200"),
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
    let response = client(&server).execute::<()>(get("/r")).await.unwrap();
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(request_count(&server).await, 4);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn retry_after_delay_is_waited_up_to_max_backoff() {
    let server = MockServer::start().await;
    mount_once(
        &server,
        ResponseTemplate::new(503).insert_header("retry-after", "1"),
    )
    .await;
    mount_always(&server, ResponseTemplate::new(200)).await;
    let mut core = client(&server);
    core.set_retry_policy(RetryPolicy {
        max_backoff: Duration::from_millis(150),
        ..fast_retry(1)
    });
    let started = Instant::now();
    let response = core.execute::<()>(get("/r")).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(response.status, StatusCode::OK);
    // One second was asked for, capped at 150ms; the 1ms jitter backoff was not used.
    assert!(elapsed >= Duration::from_millis(150), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(900), "{elapsed:?}");
}

#[tokio::test]
async fn post_is_not_retried_by_default() {
    let server = MockServer::start().await;
    mount_once(&server, ResponseTemplate::new(503)).await;
    mount_always(&server, ResponseTemplate::new(200)).await;
    let response = client(&server)
        .execute::<()>(Request::new("create", Method::POST, "/r"))
        .await
        .unwrap();
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
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
    let mut request = Request::new("create", Method::POST, "/r");
    request.body = Some(Body::Json(br#"{"a":1}"#.to_vec()));
    let response = core.execute::<()>(request).await.unwrap();
    assert_eq!(response.status, StatusCode::CREATED);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    // The body is sent again in full on the retry.
    assert!(requests.iter().all(|r| r.body == br#"{"a":1}"#));
}

#[tokio::test]
async fn disabled_policy_sends_once() {
    let server = MockServer::start().await;
    mount_always(&server, ResponseTemplate::new(503)).await;
    let mut core = client(&server);
    core.set_retry_policy(RetryPolicy::disabled());
    assert_eq!(core.retry_policy().max_retries, 0);
    let response = core.execute::<()>(get("/r")).await.unwrap();
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn max_retries_is_respected_and_last_response_returned() {
    let server = MockServer::start().await;
    Mock::given(path("/r"))
        .respond_with(ResponseTemplate::new(429).set_body_string("slow down"))
        .expect(3)
        .mount(&server)
        .await;
    let mut core = client(&server);
    core.set_retry_policy(fast_retry(2));
    let response = core.execute::<()>(get("/r")).await.unwrap();
    assert_eq!(response.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.body, "slow down");
}

#[tokio::test]
async fn other_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/r"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server).execute::<()>(get("/r")).await.unwrap();
    assert_eq!(response.status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn connection_refused_becomes_request_error_after_retries() {
    let mut core = ClientCore::new(format!("http://127.0.0.1:{}", closed_port()));
    core.set_retry_policy(fast_retry(2));
    let err = core.execute::<()>(get("/r")).await.unwrap_err();
    match &err {
        Error::Request(inner) => assert!(inner.is_connect()),
        other => panic!("unexpected {other:?}"),
    }
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn connection_errors_are_retried_until_the_server_is_up() {
    let port = closed_port();
    let mut core = ClientCore::new(format!("http://127.0.0.1:{port}"));
    core.set_retry_policy(RetryPolicy {
        max_retries: 500,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(10),
        retry_non_idempotent: false,
    });
    let call = tokio::spawn(async move { core.execute::<()>(get("/r")).await });
    tokio::time::sleep(Duration::from_millis(30)).await;
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let server = MockServer::builder().listener(listener).start().await;
    ok_for_any(&server).await;
    let response = call.await.unwrap().unwrap();
    assert_eq!(response.status, StatusCode::OK);
}

#[tokio::test]
async fn timeout_yields_request_error() {
    let server = MockServer::start().await;
    mount_always(
        &server,
        ResponseTemplate::new(200).set_delay(Duration::from_millis(500)),
    )
    .await;
    let mut core = client(&server);
    core.set_timeout(Some(Duration::from_millis(50)));
    core.set_retry_policy(fast_retry(1));
    let err = core.execute::<()>(get("/r")).await.unwrap_err();
    match &err {
        Error::Request(inner) => assert!(inner.is_timeout(), "{inner:?}"),
        other => panic!("unexpected {other:?}"),
    }
    // A timeout counts as transient: one retry was made.
    assert_eq!(request_count(&server).await, 2);
}

// ----- responses --------------------------------------------------------------------------------

fn response(status: u16, body: &'static [u8]) -> RawResponse {
    let mut headers = HeaderMap::new();
    headers.insert("x-request-id", "r-1".parse().unwrap());
    RawResponse {
        status: StatusCode::from_u16(status).unwrap(),
        headers,
        body: Bytes::from_static(body),
    }
}

#[derive(Deserialize, Debug, PartialEq)]
struct Pet {
    name: String,
}

#[tokio::test]
async fn json_response_is_decoded() {
    let server = MockServer::start().await;
    Mock::given(path("/pet"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"name": "Rex"})))
        .mount(&server)
        .await;
    let raw = client(&server).execute::<()>(get("/pet")).await.unwrap();
    assert_eq!(raw.json::<Pet, ()>().unwrap(), Pet { name: "Rex".into() });
    assert_eq!(raw.text::<()>().unwrap(), r#"{"name":"Rex"}"#);
    assert_eq!(raw.bytes(), raw.body);
}

#[test]
fn json_decode_error_keeps_response() {
    let raw = response(200, b"{\"nom\": 1}");
    let err = raw.json::<Pet, ()>().unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert_eq!(err.headers().unwrap()["x-request-id"], "r-1");
    match &err {
        Error::Decode { body, message, .. } => {
            assert_eq!(body, &raw.body);
            assert!(message.contains("name"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("200"));
}

#[test]
fn invalid_utf8_text_is_a_decode_error() {
    let err = response(200, b"\xff\xfe").text::<()>().unwrap_err();
    assert!(matches!(err, Error::Decode { .. }));
}

#[test]
fn unexpected_and_api_errors_keep_the_response() {
    let err = response(418, b"short and stout").into_unexpected::<()>();
    assert_eq!(err.status(), Some(StatusCode::IM_A_TEAPOT));
    assert_eq!(err.headers().unwrap()["x-request-id"], "r-1");
    assert!(matches!(&err, Error::UnexpectedStatus { body, .. } if body == "short and stout"));
    assert!(err.to_string().contains("418") && err.to_string().contains("short and stout"));

    let err = response(404, b"{}").into_api_error("not found");
    assert!(matches!(
        err,
        Error::Api {
            status: StatusCode::NOT_FOUND,
            body: "not found",
            ..
        }
    ));
    assert_eq!(err.headers().unwrap()["x-request-id"], "r-1");
}

#[test]
fn error_display_truncates_long_bodies() {
    let long = RawResponse {
        body: Bytes::from("é".repeat(5000)),
        ..response(500, b"")
    };
    let message = long.into_unexpected::<()>().to_string();
    assert!(message.chars().count() < 250, "{message}");
    assert!(message.ends_with('…'), "{message}");
}

// ----- validation -------------------------------------------------------------------------------

fn rule<T>(result: Result<T, ValidationError>) -> String {
    result.err().map(|e| e.rule).unwrap_or_default()
}

#[test]
fn string_length_checks_count_characters() {
    assert!(check_min_length("f", "éé", 2).is_ok());
    assert_eq!(rule(check_min_length("f", "é", 2)), "minLength = 2");
    assert!(check_max_length("f", "ééé", 3).is_ok());
    assert_eq!(rule(check_max_length("f", "abcd", 3)), "maxLength = 3");
}

#[test]
fn pattern_check_searches_unanchored() {
    assert!(check_pattern("f", "xx-123-yy", "[0-9]+", "[0-9]+").is_ok());
    assert!(check_pattern("f", "abc", "^[a-c]+$", "^[a-c]+$").is_ok());
    assert_eq!(
        rule(check_pattern("f", "abcd", "^[a-c]+$", "^[a-c]+$")),
        "pattern = ^[a-c]+$"
    );
    // Cached patterns keep working.
    assert!(check_pattern("f", "abc", "^[a-c]+$", "^[a-c]+$").is_ok());
    assert_eq!(
        rule(check_pattern("f", "abc", "(unclosed", "(unclosed")),
        "pattern (invalid regex)"
    );
}

#[test]
fn numeric_checks() {
    assert!(check_minimum("f", 1.0, 1.0, false).is_ok());
    assert_eq!(
        rule(check_minimum("f", 1.0, 1.0, true)),
        "exclusiveMinimum = 1"
    );
    assert_eq!(rule(check_minimum("f", 0.5, 1.0, false)), "minimum = 1");
    assert!(check_maximum("f", 2.0, 2.0, false).is_ok());
    assert_eq!(
        rule(check_maximum("f", 2.0, 2.0, true)),
        "exclusiveMaximum = 2"
    );
    assert_eq!(rule(check_maximum("f", 2.5, 2.0, false)), "maximum = 2");
    assert!(check_minimum("f", f64::NAN, 0.0, false).is_err());
    assert!(check_multiple_of("f", 10.0, 2.5).is_ok());
    assert!(check_multiple_of("f", 0.3, 0.1).is_ok());
    assert!(check_multiple_of("f", -6.0, 3.0).is_ok());
    assert_eq!(rule(check_multiple_of("f", 7.0, 2.0)), "multipleOf = 2");
}

#[test]
fn item_count_checks() {
    assert!(check_min_items("f", 2, 2).is_ok());
    assert_eq!(rule(check_min_items("f", 1, 2)), "minItems = 2");
    assert!(check_max_items("f", 2, 2).is_ok());
    assert_eq!(rule(check_max_items("f", 3, 2)), "maxItems = 2");
}

struct Item {
    name: String,
}

impl Validate for Item {
    fn validate(&self, path: &str) -> Result<(), ValidationError> {
        check_max_length(&format!("{path}.name"), &self.name, 3)
    }
}

fn item(name: &str) -> Item {
    Item { name: name.into() }
}

#[test]
fn containers_delegate_with_paths() {
    let items = vec![item("ok"), item("too long")];
    let err = items.validate("items").unwrap_err();
    assert_eq!(
        err,
        ValidationError {
            field: "items[1].name".into(),
            rule: "maxLength = 3".into()
        }
    );
    assert_eq!(err.to_string(), "`items[1].name` violates maxLength = 3");

    assert!(None::<Item>.validate("x").is_ok());
    assert_eq!(
        Some(item("long")).validate("body.item").unwrap_err().field,
        "body.item.name"
    );
    assert_eq!(
        Box::new(item("long")).validate("b").unwrap_err().field,
        "b.name"
    );
    assert!(Nullable::<Item>::Null.validate("n").is_ok());
    assert!(Nullable::<Item>::Absent.validate("n").is_ok());
    assert_eq!(
        Nullable::Value(item("long"))
            .validate("n")
            .unwrap_err()
            .field,
        "n.name"
    );

    let map = BTreeMap::from([
        ("good".to_owned(), item("a")),
        ("bad".to_owned(), item("long")),
    ]);
    assert_eq!(map.validate("tags").unwrap_err().field, "tags.bad.name");
    let nested = Some(vec![Some(item("a")), None, Some(item("long"))]);
    assert_eq!(
        nested.validate("body.list").unwrap_err().field,
        "body.list[2].name"
    );
}

#[test]
fn validation_error_converts_into_error() {
    let err: Error<()> = ValidationError {
        field: "f".into(),
        rule: "minLength = 1".into(),
    }
    .into();
    assert!(err.to_string().contains("`f` violates minLength = 1"));
    assert!(std::error::Error::source(&err).is_some());
}

// ----- bodies -----------------------------------------------------------------------------------

async fn post_body(body: Body) -> wiremock::Request {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let mut request = Request::new("upload", Method::POST, "/upload");
    request.body = Some(body);
    let response = client(&server).execute::<()>(request).await.unwrap();
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    server.received_requests().await.unwrap().remove(0)
}

#[tokio::test]
async fn json_body_has_json_content_type() {
    let received = post_body(Body::Json(br#"{"a":[1,2]}"#.to_vec())).await;
    assert_eq!(received.headers["content-type"], "application/json");
    assert_eq!(received.body, br#"{"a":[1,2]}"#);
}

#[tokio::test]
async fn form_body_is_urlencoded() {
    let fields = vec![
        ("name".to_owned(), "a b&c=d".to_owned()),
        ("city".to_owned(), "Zürich+*~".to_owned()),
    ];
    let received = post_body(Body::Form(fields)).await;
    assert_eq!(
        received.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        String::from_utf8(received.body).unwrap(),
        "name=a+b%26c%3Dd&city=Z%C3%BCrich%2B*%7E"
    );
}

#[tokio::test]
async fn text_and_binary_bodies_carry_their_content_type() {
    let received = post_body(Body::Text {
        content: "héllo".into(),
        content_type: "text/plain; charset=utf-8",
    })
    .await;
    assert_eq!(
        received.headers["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(received.body, "héllo".as_bytes());

    let content = Bytes::from_static(&[0, 159, 146, 150]);
    let received = post_body(Body::Binary {
        content: content.clone(),
        content_type: "application/octet-stream",
    })
    .await;
    assert_eq!(received.headers["content-type"], "application/octet-stream");
    assert_eq!(received.body, content);
}

#[tokio::test]
async fn multipart_body_reaches_the_server() {
    let server = MockServer::start().await;
    Mock::given(header_regex(
        "content-type",
        "^multipart/form-data; boundary=",
    ))
    .and(body_string_contains("name=\"meta\""))
    .and(body_string_contains("{\"kind\":\"photo\"}"))
    .and(body_string_contains("name=\"file\"; filename=\"a.txt\""))
    .and(body_string_contains("Content-Type: text/plain"))
    .and(body_string_contains("file contents"))
    .respond_with(ResponseTemplate::new(201))
    .expect(1)
    .mount(&server)
    .await;
    let mut request = Request::new("upload", Method::POST, "/upload");
    request.body = Some(Body::Multipart(vec![
        MultipartPart {
            name: "meta".into(),
            content: Bytes::from_static(br#"{"kind":"photo"}"#),
            file_name: None,
            content_type: Some("application/json".into()),
        },
        MultipartPart {
            name: "file".into(),
            content: Bytes::from_static(b"file contents"),
            file_name: Some("a.txt".into()),
            content_type: Some("text/plain".into()),
        },
    ]));
    let response = client(&server).execute::<()>(request).await.unwrap();
    assert_eq!(response.status, StatusCode::CREATED);
}

#[tokio::test]
async fn multipart_with_bad_content_type_is_an_encode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let mut request = Request::new("upload", Method::POST, "/upload");
    request.body = Some(Body::Multipart(vec![MultipartPart {
        name: "file".into(),
        content: Bytes::new(),
        file_name: None,
        content_type: Some("not a mime".into()),
    }]));
    let err = client(&server).execute::<()>(request).await.unwrap_err();
    assert!(matches!(err, Error::Encode(_)), "{err:?}");
}

#[tokio::test]
async fn requests_without_body_send_no_content_type() {
    let server = MockServer::start().await;
    ok_for_any(&server).await;
    client(&server).execute::<()>(get("/x")).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(!requests[0].headers.contains_key("content-type"));
}
