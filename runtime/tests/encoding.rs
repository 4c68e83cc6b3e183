//! Parameters on the wire: path segments, query styles, headers and cookies, none of which a
//! value can break out of.

mod common;

use common::*;
use openapi_rustgen_runtime::{
    ClientCore, Error, Method, PathStyle, QueryStyle, Request, ValidationError, cookie_param,
    header_param, header_value, json_text, param_text, path_param, path_segment, push_query,
};
use serde::Serialize;
use wiremock::matchers::{header, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

// ----- path -------------------------------------------------------------------------------------

#[test]
fn path_segments_encode_everything_but_unreserved() {
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
        let segment = path_segment("id", &raw).unwrap();
        assert_eq!(segment, encoded, "for {raw:?}");
    }
    assert_eq!(
        path_param("id", &42, PathStyle::Simple, false).unwrap(),
        "42"
    );
    assert_eq!(
        path_param("id", &true, PathStyle::Simple, false).unwrap(),
        "true"
    );
}

#[test]
fn path_segments_refuse_dot_segments_and_empty() {
    for raw in ["", ".", ".."] {
        let err = path_segment("petId", &raw).unwrap_err();
        match err {
            Error::Validation(v) => assert_eq!(v, ValidationError::new("petId", "path segment")),
            other => panic!("unexpected {other:?}"),
        }
    }
    // A list that joins to a dot segment is refused too; label and matrix styles always start
    // with their prefix, so they cannot be one.
    assert!(path_param("id", &[".."], PathStyle::Simple, false).is_err());
    assert_eq!(
        path_param("id", "..", PathStyle::Label, false).unwrap(),
        "..."
    );
    assert_eq!(
        path_param("id", "", PathStyle::Matrix, false).unwrap(),
        ";id"
    );
}

#[test]
fn path_styles_encode_their_items() {
    assert_eq!(
        path_param("id", &["a/b", "c d"], PathStyle::Label, true).unwrap(),
        ".a%2Fb.c%20d"
    );
    assert_eq!(
        path_param("id", &["x;y", "z"], PathStyle::Matrix, false).unwrap(),
        ";id=x%3By,z"
    );
}

#[tokio::test]
async fn a_path_segment_reaches_the_server_as_one_segment() {
    let server = MockServer::start().await;
    Mock::given(path("/items/a%2Fb%3Fc%23d%20.."))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let segment = path_param("id", &"a/b?c#d ..", PathStyle::Simple, false).unwrap();
    let response = send(&client(&server), get(&format!("/items/{segment}")))
        .await
        .unwrap();
    assert_eq!(response.status_code(), 200);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), None);
}

// ----- query ------------------------------------------------------------------------------------

fn query_of<T: Serialize + ?Sized>(
    value: &T,
    style: QueryStyle,
    explode: bool,
) -> Vec<(String, String)> {
    let mut query = Vec::new();
    push_query(&mut query, "p", value, style, explode).unwrap();
    query
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
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
    assert_eq!(
        query_of(&Vec::<u8>::new(), QueryStyle::Form, true),
        pairs(&[])
    );
    // Null items are left out.
    assert_eq!(
        query_of(&[Some(1), None, Some(3)], QueryStyle::Form, false),
        pairs(&[("p", "1,3")])
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
    // Properties keep declaration order (serde_json's `preserve_order`); nulls are left out.
    assert_eq!(
        query_of(&color, QueryStyle::Form, true),
        pairs(&[("r", "100"), ("name", "x y")])
    );
    assert_eq!(
        query_of(&color, QueryStyle::Form, false),
        pairs(&[("p", "r,100,name,x y")])
    );
    assert_eq!(
        query_of(&color, QueryStyle::PipeDelimited, false),
        pairs(&[("p", "r|100|name|x y")])
    );
    let spaced = query_of(
        &serde_json::json!({"k": "v"}),
        QueryStyle::SpaceDelimited,
        false,
    );
    assert_eq!(spaced, pairs(&[("p", "k v")]));
    assert_eq!(
        query_of(&color, QueryStyle::DeepObject, true),
        pairs(&[("p[r]", "100"), ("p[name]", "x y")])
    );
    assert_eq!(
        query_of(&serde_json::json!({}), QueryStyle::Form, false),
        pairs(&[])
    );
}

#[test]
fn push_query_deep_object_nests() {
    let filter = serde_json::json!({
        "owner": {"name": "al", "age": null},
        "tags": ["a", "b"],
        "items": [{"id": 7}, {"id": 8, "q": [1]}],
        "n": 1
    });
    assert_eq!(
        query_of(&filter, QueryStyle::DeepObject, true),
        pairs(&[
            ("p[owner][name]", "al"),
            ("p[tags][0]", "a"),
            ("p[tags][1]", "b"),
            ("p[items][0][id]", "7"),
            ("p[items][1][id]", "8"),
            ("p[items][1][q][0]", "1"),
            ("p[n]", "1"),
        ])
    );
    assert_eq!(
        query_of(&["x", "y"], QueryStyle::DeepObject, true),
        pairs(&[("p[0]", "x"), ("p[1]", "y")])
    );
}

#[test]
fn push_query_appends_after_existing_pairs() {
    let mut query = vec![("first".to_owned(), "1".to_owned())];
    push_query(&mut query, "ids", &[3, 4], QueryStyle::Form, true).unwrap();
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
    request.query("q", "a b&c=d+é#").unwrap();
    request
        .query_styled(
            "p",
            &serde_json::json!({"k": "v"}),
            QueryStyle::DeepObject,
            true,
        )
        .unwrap();
    request.query("unset", &None::<String>).unwrap();
    request
        .query_styled("ids", &[1, 2], QueryStyle::PipeDelimited, false)
        .unwrap();
    send(&client(&server), request).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].url.query(),
        Some("q=a%20b%26c%3Dd%2B%C3%A9%23&p%5Bk%5D=v&ids=1%7C2")
    );
}

// ----- headers ----------------------------------------------------------------------------------

#[test]
fn header_values_refuse_control_characters_without_echoing() {
    for bad in ["a\r\nb", "a\nb", "a\rb", "a\0b", "caf\u{e9}"] {
        let err = header_value("X-Trace", bad).unwrap_err();
        assert!(matches!(&err, Error::InvalidRequest(_)), "{err:?}");
        let message = err.to_string();
        assert!(!message.contains(bad), "{message}");
        assert!(message.contains("X-Trace"), "{message}");
        assert!(!format!("{err:?}").contains(bad));
    }
    assert_eq!(header_value("X-Trace", "abc 123\tx").unwrap(), "abc 123\tx");
}

#[test]
fn header_params_use_the_simple_style() {
    let value = |v: &serde_json::Value, explode| header_param("X", v, explode).unwrap();
    assert_eq!(value(&serde_json::json!(["a", "b"]), false).unwrap(), "a,b");
    assert_eq!(
        value(&serde_json::json!({"k": 1, "l": 2}), false).unwrap(),
        "k,1,l,2"
    );
    assert_eq!(
        value(&serde_json::json!({"k": 1, "l": 2}), true).unwrap(),
        "k=1,l=2"
    );
    assert!(value(&serde_json::Value::Null, false).is_none());
    assert!(header_param("X", "a\r\nInjected: 1", false).is_err());
}

#[test]
fn request_header_parameters_refuse_bad_values_and_framing_headers() {
    let mut request = get("/x");
    let err = request
        .header("X-Trace", "t\r\nX-Evil: 1", false)
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(_)));
    assert!(!err.to_string().contains("X-Evil"));
    for framing in ["Content-Length", "host", "Transfer-Encoding"] {
        let err = request.header(framing, "1", false).unwrap_err();
        assert!(err.to_string().contains(framing), "{err}");
    }
    assert!(request.header("Bad Name", "1", false).is_err());
    request.header("X-Unset", &None::<u8>, false).unwrap();
    assert!(request.headers.is_empty());
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
    let operation = op("getX", Method::GET, &[], Some("application/json"));
    let mut request = Request::new(operation, "/x");
    request.header("X-Trace", "t-1", false).unwrap();
    request.header("X-Ids", &[1, 2], false).unwrap();
    let response = send(&client(&server), request).await.unwrap();
    assert_eq!(response.status_code(), 200);
    // (wiremock's `header` matcher splits values at commas: compare the raw value.)
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers["x-ids"], "1,2");
}

// ----- cookies ----------------------------------------------------------------------------------

#[test]
fn cookie_params_cannot_add_a_cookie() {
    assert_eq!(
        cookie_param("abc; admin=true").unwrap().unwrap(),
        "abc%3B%20admin=true"
    );
    assert_eq!(
        cookie_param("100%,\"x\"").unwrap().unwrap(),
        "100%25%2C%22x%22"
    );
    // ',' is no cookie-octet either.
    assert_eq!(cookie_param(&[1, 2]).unwrap().unwrap(), "1%2C2");
    assert_eq!(cookie_param(&None::<String>).unwrap(), None);
}

#[tokio::test]
async fn cookie_parameters_are_sent_encoded_in_one_header() {
    let server = MockServer::start().await;
    Mock::given(header("cookie", "lang=en; q=a%3B%20b=c"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let mut request = get("/x");
    request.cookie("lang", "en").unwrap();
    request.cookie("q", "a; b=c").unwrap();
    request.cookie("unset", &None::<String>).unwrap();
    let response = send(&client(&server), request).await.unwrap();
    assert_eq!(response.status_code(), 200);
}

// ----- misc -------------------------------------------------------------------------------------

#[test]
fn param_text_spells_scalars_and_joins_arrays() {
    assert_eq!(param_text("a b").unwrap(), "a b");
    assert_eq!(param_text(&1.5).unwrap(), "1.5");
    assert_eq!(param_text(&[1, 2]).unwrap(), "1,2");
}

#[test]
fn base_url_trailing_slash_is_trimmed() {
    let mut core = ClientCore::new("http://example.test/v1/");
    assert_eq!(core.base_url(), "http://example.test/v1");
    core.set_base_url("http://other.test//");
    assert_eq!(core.base_url(), "http://other.test");
}

#[tokio::test]
async fn the_base_url_path_prefixes_every_request() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/pets"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let core = client_for(format!("{}/v1/", server.uri()));
    assert_eq!(send(&core, get("/pets")).await.unwrap().status_code(), 200);
}

#[test]
fn json_text_is_compact_json_and_nothing_for_null() {
    assert_eq!(
        json_text(&serde_json::json!({"a": [1, "x y"]}))
            .unwrap()
            .as_deref(),
        Some(r#"{"a":[1,"x y"]}"#)
    );
    assert_eq!(json_text("s").unwrap().as_deref(), Some(r#""s""#));
    assert_eq!(json_text(&None::<u8>).unwrap(), None);
}
