//! Request bodies on the wire: JSON, form, text, binary (in memory, streamed, from a file) and
//! multipart, each with its content type.

mod common;

use common::*;
use openapi_rustgen_runtime::{
    Body, Bytes, Error, FormField, MultipartPart, QueryStyle, Request, Upload,
};
use serde::Serialize;
use wiremock::matchers::{body_string_contains, header_regex, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Posts `request` to a server that answers 204 and returns what it received.
async fn post(request: Request) -> wiremock::Request {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let response = send(&client(&server), request).await.unwrap();
    assert_eq!(response.status_code(), 204);
    server.received_requests().await.unwrap().remove(0)
}

async fn post_body(body: Body) -> wiremock::Request {
    let mut request = Request::new(&POST_OP, "/upload");
    request.body(body);
    post(request).await
}

fn content_type(request: &wiremock::Request) -> &str {
    request.headers["content-type"].to_str().unwrap()
}

#[derive(Serialize)]
struct NewPet {
    name: &'static str,
    tags: Vec<&'static str>,
    age: Option<u8>,
    owner: Owner,
}

#[derive(Serialize)]
struct Owner {
    id: u32,
}

fn new_pet() -> NewPet {
    NewPet {
        name: "Rex & co",
        tags: vec!["a", "b c"],
        age: None,
        owner: Owner { id: 7 },
    }
}

#[tokio::test]
async fn a_json_body_has_the_json_content_type() {
    let received = post_body(Body::Json(Bytes::from_static(br#"{"a":[1,2]}"#))).await;
    assert_eq!(content_type(&received), "application/json");
    assert_eq!(received.body, br#"{"a":[1,2]}"#);

    let mut request = Request::new(&POST_OP, "/upload");
    request.json_body(&new_pet()).unwrap();
    let received = post(request).await;
    assert_eq!(content_type(&received), "application/json");
    assert_eq!(
        String::from_utf8(received.body).unwrap(),
        r#"{"name":"Rex & co","tags":["a","b c"],"age":null,"owner":{"id":7}}"#
    );
}

#[tokio::test]
async fn a_form_body_is_urlencoded() {
    let fields = vec![
        ("name".to_owned(), "a b&c=d".to_owned()),
        ("city".to_owned(), "Zürich+*~".to_owned()),
    ];
    let received = post_body(Body::Form(fields)).await;
    assert_eq!(content_type(&received), "application/x-www-form-urlencoded");
    assert_eq!(
        String::from_utf8(received.body).unwrap(),
        "name=a+b%26c%3Dd&city=Z%C3%BCrich%2B*%7E"
    );
}

#[tokio::test]
async fn a_form_body_from_an_object_repeats_arrays_and_sends_nested_objects_as_json() {
    let mut request = Request::new(&POST_OP, "/upload");
    request.form_body(&new_pet()).unwrap();
    let received = post(request).await;
    assert_eq!(content_type(&received), "application/x-www-form-urlencoded");
    assert_eq!(
        String::from_utf8(received.body).unwrap(),
        "name=Rex+%26+co&tags=a&tags=b+c&owner=%7B%22id%22%3A7%7D"
    );
    // Only objects make forms.
    let err = Request::new(&POST_OP, "/upload")
        .form_body(&[1, 2])
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
}

#[tokio::test]
async fn a_form_body_sends_properties_in_the_style_their_encoding_gives() {
    #[derive(Serialize)]
    struct Charge {
        metadata: serde_json::Value,
        expand: Vec<&'static str>,
        items: serde_json::Value,
        colors: Vec<&'static str>,
        owner: serde_json::Value,
        name: &'static str,
    }
    let body = Charge {
        metadata: serde_json::json!({"note": "a&b"}),
        expand: vec!["customer", "invoice"],
        items: serde_json::json!([{"price": "p_1"}]),
        colors: vec!["red", "green"],
        owner: serde_json::json!({"id": 7}),
        name: "Rex",
    };
    let fields = [
        FormField {
            name: "metadata",
            style: QueryStyle::DeepObject,
            explode: true,
        },
        FormField {
            name: "expand",
            style: QueryStyle::DeepObject,
            explode: true,
        },
        FormField {
            name: "items",
            style: QueryStyle::DeepObject,
            explode: true,
        },
        FormField {
            name: "colors",
            style: QueryStyle::PipeDelimited,
            explode: false,
        },
    ];
    let mut request = Request::new(&POST_OP, "/upload");
    request.form_body_with(&body, &fields).unwrap();
    let received = post(request).await;
    assert_eq!(content_type(&received), "application/x-www-form-urlencoded");
    // Unlisted properties keep the defaults of `form_body` (the owner as JSON text).
    assert_eq!(
        String::from_utf8(received.body).unwrap(),
        "metadata%5Bnote%5D=a%26b&expand%5B0%5D=customer&expand%5B1%5D=invoice\
         &items%5B0%5D%5Bprice%5D=p_1&colors=red%7Cgreen&owner=%7B%22id%22%3A7%7D&name=Rex"
    );
}

#[tokio::test]
async fn text_and_binary_bodies_carry_their_content_type() {
    let received = post_body(Body::Text {
        content: "héllo".into(),
        content_type: "text/plain; charset=utf-8",
    })
    .await;
    assert_eq!(content_type(&received), "text/plain; charset=utf-8");
    assert_eq!(received.body, "héllo".as_bytes());

    let content = Bytes::from_static(&[0, 159, 146, 150]);
    let received = post_body(Body::Binary {
        content: Upload::from(content.clone()),
        content_type: "application/octet-stream",
    })
    .await;
    assert_eq!(content_type(&received), "application/octet-stream");
    assert_eq!(received.body, content);
    assert_eq!(received.headers["content-length"], "4");

    let mut request = Request::new(&POST_OP, "/upload");
    request
        .encoded_body(&serde_json::json!({"k": 1}), "application/vnd.custom+json")
        .unwrap();
    let received = post(request).await;
    assert_eq!(content_type(&received), "application/vnd.custom+json");
    assert_eq!(received.body, br#"{"k":1}"#);
}

#[tokio::test]
async fn a_streamed_upload_is_sent_with_its_length_or_chunked() {
    let chunks = || {
        futures_util::stream::iter([
            Ok::<_, std::io::Error>(Bytes::from_static(b"hello ")),
            Ok(Bytes::from_static(b"world")),
        ])
    };
    let upload = Upload::from_stream(chunks(), Some(11));
    assert!(!upload.is_repeatable());
    assert_eq!(upload.len(), Some(11));
    let received = post_body(Body::Binary {
        content: upload,
        content_type: "application/octet-stream",
    })
    .await;
    assert_eq!(received.body, b"hello world");
    assert_eq!(received.headers["content-length"], "11");

    let received = post_body(Body::Binary {
        content: Upload::from_stream(chunks(), None),
        content_type: "application/octet-stream",
    })
    .await;
    assert_eq!(received.body, b"hello world");
    assert_eq!(received.headers["transfer-encoding"], "chunked");
}

#[tokio::test]
async fn a_file_upload_is_read_as_it_is_sent() {
    let path = std::env::temp_dir().join(format!("runtime-upload-{}.bin", std::process::id()));
    std::fs::write(&path, b"file body \x00\xff").unwrap();
    let upload = Upload::from_file(&path).await.unwrap();
    assert_eq!(upload.len(), Some(12));
    let received = post_body(Body::Binary {
        content: upload,
        content_type: "application/octet-stream",
    })
    .await;
    std::fs::remove_file(&path).unwrap();
    assert_eq!(received.body, b"file body \x00\xff");
    assert!(Upload::from_file("/nonexistent/file").await.is_err());
}

#[tokio::test]
async fn a_multipart_body_reaches_the_server() {
    let server = MockServer::start().await;
    Mock::given(header_regex(
        "content-type",
        "^multipart/form-data; boundary=",
    ))
    .and(body_string_contains("name=\"meta\""))
    .and(body_string_contains("{\"kind\":\"photo\"}"))
    .and(body_string_contains("Content-Type: application/json"))
    .and(body_string_contains("name=\"file\"; filename=\"a.txt\""))
    .and(body_string_contains("Content-Type: text/plain"))
    .and(body_string_contains("file contents"))
    .and(body_string_contains("name=\"count\""))
    .and(body_string_contains("name=\"blob\"; filename=\"blob\""))
    .and(body_string_contains(
        "Content-Type: application/octet-stream",
    ))
    .respond_with(ResponseTemplate::new(201))
    .expect(1)
    .mount(&server)
    .await;
    let mut request = Request::new(&POST_OP, "/upload");
    request.body(Body::Multipart(vec![
        MultipartPart::json("meta", &serde_json::json!({"kind": "photo"})).unwrap(),
        MultipartPart {
            name: "file".into(),
            content: Upload::from(&b"file contents"[..]),
            file_name: Some("a.txt".into()),
            content_type: Some("text/plain".into()),
        },
        MultipartPart::value("count", &3).unwrap(),
        MultipartPart::file("blob", vec![1u8, 2, 3]),
    ]));
    let response = send(&client(&server), request).await.unwrap();
    assert_eq!(response.status_code(), 201);
    let received = server.received_requests().await.unwrap().remove(0);
    let body = String::from_utf8_lossy(&received.body);
    assert!(body.contains("name=\"count\"\r\n\r\n3\r\n"), "{body}");
}

#[tokio::test]
async fn a_multipart_body_from_an_object_has_one_text_part_per_field() {
    let received = post_body(Body::multipart(&new_pet()).unwrap()).await;
    assert!(content_type(&received).starts_with("multipart/form-data; boundary="));
    let body = String::from_utf8_lossy(&received.body);
    for part in [
        "name=\"name\"\r\n\r\nRex & co\r\n",
        "name=\"tags\"\r\n\r\na\r\n",
        "name=\"tags\"\r\n\r\nb c\r\n",
        "name=\"owner\"\r\n\r\n{\"id\":7}\r\n",
    ] {
        assert!(body.contains(part), "{part:?} not in {body}");
    }
    assert!(!body.contains("name=\"age\""), "{body}");
}

#[tokio::test]
async fn a_multipart_part_with_a_bad_content_type_fails_without_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let mut request = Request::new(&POST_OP, "/upload");
    request.body(Body::Multipart(vec![MultipartPart {
        name: "file".into(),
        content: Upload::from(Bytes::new()),
        file_name: None,
        content_type: Some("not a mime".into()),
    }]));
    let err = send(&client(&server), request).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("`file`")),
        "{err:?}"
    );
    assert_eq!(request_count(&server).await, 0);
}

#[tokio::test]
async fn requests_without_a_body_send_no_content_type() {
    let server = MockServer::start().await;
    ok_for_any(&server).await;
    send(&client(&server), get("/x")).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(!requests[0].headers.contains_key("content-type"));
    assert!(requests[0].body.is_empty());
}

#[test]
fn bodies_in_memory_expose_their_bytes() {
    let form = Body::Form(vec![("a".into(), "b c".into())]);
    assert_eq!(form.as_bytes().unwrap(), "a=b+c");
    assert!(form.is_repeatable());
    let text = Body::Text {
        content: "t".into(),
        content_type: "text/plain",
    };
    assert_eq!(text.as_bytes().unwrap(), "t");
    let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::new())]);
    let streamed = Body::Binary {
        content: Upload::from_stream(stream, None),
        content_type: "application/octet-stream",
    };
    assert!(streamed.as_bytes().is_none());
    assert!(!streamed.is_repeatable());
    assert!(
        Body::Multipart(vec![MultipartPart::text("a", "b")])
            .as_bytes()
            .is_none()
    );
    assert!(Upload::from(Vec::new()).is_empty());
}
