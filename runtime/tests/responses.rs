//! Responses: typed decoding through `Call` and `ResponseCall`, documented and undocumented
//! error statuses, decode errors that keep the raw response, error messages, and the limit on
//! body size.

mod common;

use common::*;
use openapi_rustgen_runtime::{
    BodyMode, ByteStream, Bytes, Call, ClientCore, Error, HeaderMap, RawResponse, ResponseCall,
    ResponseValue, StatusCode, Timeout, stream_success,
};
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Deserialize, Debug, PartialEq)]
struct Pet {
    name: String,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Problem {
    code: u32,
}

#[derive(Debug, PartialEq)]
enum GetPetError {
    NotFound(Problem),
    Gone,
    Teapot(String),
}

/// What the generator writes for an operation documenting 200, 404, 410 and 418.
fn decode_pet(raw: RawResponse) -> Result<ResponseValue<Pet>, Error<GetPetError>> {
    match raw.status_code() {
        200 => raw.json(),
        404 => Err(raw.api_error(GetPetError::NotFound)),
        410 => Err(raw.api_error_empty(GetPetError::Gone)),
        418 => Err(raw.api_error_text(GetPetError::Teapot)),
        _ => Err(raw.unexpected()),
    }
}

async fn serve(status: u16, body: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/pet"))
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("x-request-id", "r-1")
                .set_body_string(body),
        )
        .mount(&server)
        .await;
    server
}

fn response(status: u16, body: &'static [u8]) -> RawResponse {
    let mut headers = HeaderMap::new();
    headers.insert("x-request-id", "r-1".parse().unwrap());
    RawResponse::buffered(StatusCode::from_u16(status).unwrap(), headers, body)
}

#[tokio::test]
async fn a_json_body_is_decoded_through_call_and_response_call() {
    let server = serve(200, r#"{"name": "Rex"}"#).await;
    let core = client(&server);
    let pet = Call::new(&core, Ok(get("/pet")), decode_pet).await.unwrap();
    assert_eq!(pet, Pet { name: "Rex".into() });

    let value = ResponseCall::new(&core, Ok(get("/pet")), decode_pet)
        .await
        .unwrap();
    assert_eq!(value.status(), StatusCode::OK);
    assert_eq!(value.headers()["x-request-id"], "r-1");
    assert_eq!(value.name, "Rex");
    let (head, pet) = value.into_parts();
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(pet.name, "Rex");

    // `send().with_response()` of a builder: the `Call` of `send()`, turned before it is polled.
    let value = Call::new(&core, Ok(get("/pet")), decode_pet)
        .with_response()
        .await
        .unwrap();
    assert_eq!(value.headers()["x-request-id"], "r-1");
    assert_eq!(value.into_inner(), Pet { name: "Rex".into() });
}

#[tokio::test]
async fn the_same_response_reads_as_text_and_bytes() {
    let server = serve(200, r#"{"name":"Rex"}"#).await;
    let core = client(&server);
    let text = send(&core, get("/pet"))
        .await
        .unwrap()
        .text::<()>()
        .unwrap();
    assert_eq!(text.into_inner(), r#"{"name":"Rex"}"#);
    let bytes = send(&core, get("/pet")).await.unwrap();
    assert_eq!(body_of(bytes), Bytes::from_static(br#"{"name":"Rex"}"#));
}

#[tokio::test]
async fn a_documented_error_status_is_decoded_and_keeps_the_response() {
    let server = serve(404, r#"{"code": 7}"#).await;
    let err = Call::new(&client(&server), Ok(get("/pet")), decode_pet)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(err.headers().unwrap()["x-request-id"], "r-1");
    assert_eq!(err.raw_body().unwrap(), r#"{"code": 7}"#);
    assert_eq!(
        err.api_body(),
        Some(&GetPetError::NotFound(Problem { code: 7 }))
    );
    let message = err.to_string();
    assert!(
        message.contains("404") && message.contains("\"code\": 7"),
        "{message}"
    );
    assert!(matches!(&err, Error::Api(api) if api.head.status == 404));
    assert_eq!(
        err.into_api_body(),
        Some(GetPetError::NotFound(Problem { code: 7 }))
    );
}

#[tokio::test]
async fn documented_errors_without_content_or_with_text() {
    let server = serve(410, "").await;
    let err = Call::new(&client(&server), Ok(get("/pet")), decode_pet)
        .await
        .unwrap_err();
    assert_eq!(err.api_body(), Some(&GetPetError::Gone));

    let server = serve(418, "short and stout").await;
    let err = Call::new(&client(&server), Ok(get("/pet")), decode_pet)
        .await
        .unwrap_err();
    assert_eq!(
        err.api_body(),
        Some(&GetPetError::Teapot("short and stout".into()))
    );
    assert_eq!(err.raw_body().unwrap(), "short and stout");
}

#[tokio::test]
async fn a_documented_error_whose_body_does_not_decode_is_a_decode_error() {
    let server = serve(404, "<html>not json</html>").await;
    let err = Call::new(&client(&server), Ok(get("/pet")), decode_pet)
        .await
        .unwrap_err();
    match &err {
        Error::Decode(decode) => {
            assert_eq!(decode.head.status, StatusCode::NOT_FOUND);
            assert_eq!(decode.raw, "<html>not json</html>");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(err.api_body(), None);
}

#[tokio::test]
async fn an_undocumented_status_keeps_the_raw_body() {
    let server = serve(500, "boom").await;
    let err = Call::new(&client(&server), Ok(get("/pet")), decode_pet)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedStatus(raw) if raw.raw == "boom"),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(
        err.to_string(),
        "undocumented response: status 500 Internal Server Error: boom"
    );
}

#[tokio::test]
async fn a_request_that_could_not_be_built_is_returned_without_sending() {
    let server = serve(200, "{}").await;
    let core = client(&server);
    let request = Err(Error::InvalidRequest("bad value".into()));
    let err = Call::new(&core, request, decode_pet).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m == "bad value"),
        "{err:?}"
    );
    assert_eq!(request_count(&server).await, 0);
}

#[test]
fn a_json_decode_error_keeps_the_response() {
    let err = response(200, b"{\"nom\": 1}")
        .json::<Pet, ()>()
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::OK));
    assert_eq!(err.headers().unwrap()["x-request-id"], "r-1");
    match &err {
        Error::Decode(decode) => {
            assert_eq!(decode.raw, Bytes::from_static(b"{\"nom\": 1}"));
            assert!(decode.message.contains("name"), "{}", decode.message);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(err.raw_body().unwrap(), "{\"nom\": 1}");
    assert!(err.to_string().contains("200"), "{err}");
}

#[test]
fn invalid_utf8_text_is_a_decode_error() {
    let err = response(200, b"\xff\xfe").text::<()>().unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.raw == b"\xff\xfe"[..]),
        "{err:?}"
    );
}

#[test]
fn unexpected_and_api_errors_keep_the_response() {
    let err = response(418, b"short and stout").unexpected::<()>();
    assert_eq!(err.status(), Some(StatusCode::IM_A_TEAPOT));
    assert_eq!(err.headers().unwrap()["x-request-id"], "r-1");
    assert!(matches!(&err, Error::UnexpectedStatus(raw) if raw.raw == "short and stout"));
    assert!(err.to_string().contains("418") && err.to_string().contains("short and stout"));

    let err = response(404, b"{}").api_error_empty("not found");
    assert!(matches!(
        &err,
        Error::Api(api) if api.head.status == StatusCode::NOT_FOUND && api.body == "not found"
    ));
    assert_eq!(err.headers().unwrap()["x-request-id"], "r-1");
    assert_eq!(err.raw_body().unwrap(), "{}");

    let err = response(400, b"\x00\x01").api_error_bytes(|raw| raw.len());
    assert_eq!(err.api_body(), Some(&2));
}

#[test]
fn api_bodies_can_be_mapped_and_request_errors_widened() {
    let err = response(404, b"{\"code\": 3}").api_error(GetPetError::NotFound);
    let mapped = err.map_api_body(|e| format!("{e:?}"));
    assert_eq!(
        mapped.api_body().map(String::as_str),
        Some("NotFound(Problem { code: 3 })")
    );
    assert_eq!(mapped.status(), Some(StatusCode::NOT_FOUND));

    let widened: Error<GetPetError> = Error::Timeout(Timeout::Client).widen();
    assert!(widened.is_timeout());
    assert_eq!(widened.status(), None);
}

#[test]
fn success_bodies_wrap_into_enums() {
    #[derive(Debug, PartialEq)]
    enum Success {
        Json(Pet),
        Text(String),
        Binary(Bytes),
        Empty,
    }
    let json = response(200, br#"{"name":"a"}"#).json_as::<_, _, ()>(Success::Json);
    assert_eq!(
        json.unwrap().into_inner(),
        Success::Json(Pet { name: "a".into() })
    );
    let text = response(200, b"hi").text_as::<_, ()>(Success::Text);
    assert_eq!(text.unwrap().into_inner(), Success::Text("hi".into()));
    let bytes = response(200, b"\x01").bytes_as::<_, ()>(Success::Binary);
    assert_eq!(
        bytes.unwrap().into_inner(),
        Success::Binary(Bytes::from_static(b"\x01"))
    );
    let empty = response(204, b"ignored")
        .empty_as::<_, ()>(Success::Empty)
        .unwrap();
    assert_eq!(empty.status(), StatusCode::NO_CONTENT);
    assert_eq!(empty.into_inner(), Success::Empty);
    let unit = response(204, b"").empty::<()>().unwrap();
    assert_eq!(unit.status(), StatusCode::NO_CONTENT);
}

#[test]
fn error_display_truncates_long_bodies() {
    let long = RawResponse::buffered(
        StatusCode::INTERNAL_SERVER_ERROR,
        HeaderMap::new(),
        "é".repeat(5000),
    );
    let message = long.unexpected::<()>().to_string();
    // At most 200 characters of the body, then an ellipsis.
    let prefix = "undocumented response: status 500 Internal Server Error: ";
    assert!(message.starts_with(prefix), "{message}");
    assert_eq!(
        message.chars().count(),
        prefix.chars().count() + 201,
        "{message}"
    );
    assert!(message.ends_with('…'), "{message}");

    let decode = response(200, b"x".repeat(1000).leak())
        .json::<Pet, ()>()
        .unwrap_err();
    let message = decode.to_string();
    assert!(message.chars().count() < 400, "{message}");
    assert!(message.ends_with('…'), "{message}");
}

#[test]
fn error_display_neutralizes_control_characters_and_never_shows_headers() {
    let mut headers = HeaderMap::new();
    headers.insert("set-cookie", "session=top-secret".parse().unwrap());
    let raw = RawResponse::buffered(
        StatusCode::BAD_REQUEST,
        headers,
        "line one\r\nFAKE: log line\x1b[31m",
    );
    let message = raw.unexpected::<()>().to_string();
    assert!(!message.contains('\n') && !message.contains('\r') && !message.contains('\x1b'));
    assert!(message.contains("line one  FAKE: log line"), "{message}");
    assert!(!message.contains("top-secret"), "{message}");
}

// ----- body size --------------------------------------------------------------------------------

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let server = MockServer::start().await;
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(100)))
        .mount(&server)
        .await;
    Mock::given(path("/big-error"))
        .respond_with(ResponseTemplate::new(500).set_body_string("y".repeat(100)))
        .mount(&server)
        .await;
    Mock::given(path("/fits"))
        .respond_with(ResponseTemplate::new(200).set_body_string("z".repeat(10)))
        .mount(&server)
        .await;
    let mut core = client(&server);
    core.set_max_body_size(10);
    for (route, status) in [("/big", 200), ("/big-error", 500)] {
        let err = send(&core, get(route)).await.unwrap_err();
        match &err {
            Error::BodyTooLarge { head, limit } => {
                assert_eq!(head.status.as_u16(), status);
                assert_eq!(*limit, 10);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(err.to_string().contains("limit of 10 bytes"), "{err}");
    }
    // Not retried: the size does not change.
    assert_eq!(request_count(&server).await, 2);
    assert_eq!(body_of(send(&core, get("/fits")).await.unwrap()).len(), 10);
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_refused_as_it_arrives() {
    let (listener, url) = raw_listener().await;
    tokio::spawn(async move {
        // No Content-Length: the limit is checked as chunks arrive, and the body never ends.
        let (mut stream, _) = answer(
            &listener,
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n",
        )
        .await;
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        let _ = stream.shutdown().await;
    });
    let mut core = client_for(url);
    core.set_max_body_size(12);
    let err = bounded(send(&core, get("/x"))).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 12, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_streamed_body_is_limited_when_collected() {
    let server = MockServer::start().await;
    Mock::given(path("/dl"))
        .respond_with(ResponseTemplate::new(200).set_body_string("0123456789"))
        .mount(&server)
        .await;
    let mut core = client(&server);
    // The client's limit applies to bodies read into memory, not to streams.
    core.set_max_body_size(4);
    let body = download(&core).await.collect(100).await.unwrap();
    assert_eq!(body, "0123456789");
    let err = download(&core).await.collect(5).await.unwrap_err();
    assert!(
        matches!(&err, Error::BodyTooLarge { head, limit: 5 } if head.status == StatusCode::OK),
        "{err:?}"
    );
}

async fn download(core: &ClientCore) -> ByteStream {
    let raw = core.execute(get("/dl"), BodyMode::Streamed).await.unwrap();
    raw.byte_stream::<()>().unwrap().into_inner()
}

#[tokio::test]
async fn stream_success_streams_successes_and_decodes_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/dl"))
        .respond_with(ResponseTemplate::new(200).set_body_string("file"))
        .mount(&server)
        .await;
    Mock::given(path("/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_string(r#"{"code": 1}"#))
        .mount(&server)
        .await;
    let core = client(&server);
    let raw = core.execute(get("/dl"), BodyMode::Streamed).await.unwrap();
    let stream = stream_success(raw, decode_pet).unwrap().into_inner();
    assert_eq!(stream.head().unwrap().status, StatusCode::OK);
    assert_eq!(stream.collect(100).await.unwrap(), "file");

    let raw = core
        .execute(get("/missing"), BodyMode::Streamed)
        .await
        .unwrap();
    let err = stream_success(raw, decode_pet).unwrap_err();
    assert_eq!(
        err.api_body(),
        Some(&GetPetError::NotFound(Problem { code: 1 }))
    );

    // A streamed call through `Call::streamed` with a buffered decoder still gets a body for
    // errors, which are always read whole.
    let err = Call::streamed(&core, Ok(get("/missing")), decode_pet)
        .await
        .unwrap_err();
    assert_eq!(err.raw_body().unwrap(), r#"{"code": 1}"#);
}
