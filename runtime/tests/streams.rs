//! Bodies read as they arrive: the idle timeout, server-sent events, JSON Lines, and
//! pagination by `Link` header.

mod common;

use std::time::{Duration, Instant};

use common::*;
use openapi_rustgen_runtime::{
    BodyMode, ByteStream, ClientCore, Credential, Error, EventStream, HeaderMap, Method, Operation,
    Pages, RawResponse, Reconnect, ReconnectingEvents, Request, ResponseCall, ResponseValue,
    RetryPolicy, SseEvent, Timeout, next_link,
};
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use wiremock::matchers::{path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn stream_of(core: &ClientCore, path: &str) -> ByteStream {
    let raw = core.execute(get(path), BodyMode::Streamed).await.unwrap();
    raw.byte_stream::<()>().unwrap().into_inner()
}

// ----- idle timeout -----------------------------------------------------------------------------

#[tokio::test]
async fn a_server_that_stops_sending_mid_body_hits_the_idle_timeout() {
    let (listener, url) = raw_listener().await;
    tokio::spawn(async move {
        let (stream, _) = answer(
            &listener,
            b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nfirst",
        )
        .await;
        // Keeps the connection open without sending the rest.
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(stream);
    });
    let mut core = client_for(url);
    core.set_idle_timeout(Some(Duration::from_millis(200)));
    bounded(async {
        let mut body = stream_of(&core, "/dl").await;
        assert_eq!(body.head().unwrap().status, 200);
        assert_eq!(body.next().await.unwrap().unwrap(), "first");
        let started = Instant::now();
        let err = body.next().await.unwrap().unwrap_err();
        assert!(
            matches!(err, Error::Timeout(Timeout::Idle(d)) if d == Duration::from_millis(200)),
            "{err:?}"
        );
        assert!(
            started.elapsed() >= Duration::from_millis(150),
            "{:?}",
            started.elapsed()
        );
        assert!(err.to_string().contains("no data"), "{err}");
        // The stream ends after its error.
        assert!(body.next().await.is_none());
    })
    .await;
}

/// Writes a chunked response: the head, then each piece as a chunk `gap` apart.
async fn trickle(
    listener: tokio::net::TcpListener,
    pieces: &'static [&'static str],
    gap: Duration,
) {
    let (mut stream, _) = answer(
        &listener,
        b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n",
    )
    .await;
    for piece in pieces {
        tokio::time::sleep(gap).await;
        let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
        stream.write_all(chunk.as_bytes()).await.unwrap();
        stream.flush().await.unwrap();
    }
    stream.write_all(b"0\r\n\r\n").await.unwrap();
    stream.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_slow_but_steady_stream_outlives_the_idle_timeout_and_the_deadline() {
    let (listener, url) = raw_listener().await;
    tokio::spawn(trickle(
        listener,
        &["a", "b", "c", "d", "e"],
        Duration::from_millis(100),
    ));
    let mut core = client_for(url);
    core.set_idle_timeout(Some(Duration::from_millis(400)));
    // The deadline covers a streamed call until its head only.
    core.set_deadline(Some(Duration::from_millis(200)));
    let started = Instant::now();
    let body = bounded(async { stream_of(&core, "/dl").await.collect(1024).await })
        .await
        .unwrap();
    assert_eq!(body, "abcde");
    assert!(
        started.elapsed() >= Duration::from_millis(450),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_buffered_read_of_a_stalled_body_hits_the_attempt_timeout() {
    let (listener, url) = raw_listener().await;
    tokio::spawn(async move {
        let (stream, _) = answer(
            &listener,
            b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nfirst",
        )
        .await;
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(stream);
    });
    let mut core = client_for(url);
    core.set_retry_policy(RetryPolicy::disabled());
    core.set_timeout(Some(Duration::from_millis(200)));
    let err = bounded(send(&core, get("/dl"))).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout(Timeout::Attempt(_))),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_connection_closed_mid_stream_is_a_transport_error() {
    let (listener, url) = raw_listener().await;
    tokio::spawn(async move {
        let (stream, _) = answer(
            &listener,
            b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npart",
        )
        .await;
        drop(stream);
    });
    let core = client_for(url);
    let err = bounded(async { stream_of(&core, "/dl").await.collect(1024).await })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

// ----- server-sent events -----------------------------------------------------------------------

#[derive(Deserialize, Debug, PartialEq)]
struct Tick {
    n: u32,
}

#[tokio::test]
async fn server_sent_events_are_decoded_until_done() {
    let server = MockServer::start().await;
    let body = "event: add\ndata: {\"n\":1}\nid: 1\n\n: keep-alive\n\ndata: {\"n\":\ndata: 2}\nretry: 1500\n\ndata: [DONE]\n\ndata: {\"n\":3}\n\n";
    Mock::given(path("/events"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/event-stream"))
        .mount(&server)
        .await;
    let core = client(&server);
    let raw = core
        .execute(get("/events"), BodyMode::Streamed)
        .await
        .unwrap();
    let mut events = raw.event_stream::<Tick, ()>().unwrap().into_inner();
    let first = events.next().await.unwrap().unwrap();
    assert_eq!(
        first,
        SseEvent {
            event: "add".into(),
            data: Tick { n: 1 },
            id: Some("1".into()),
            retry: None,
        }
    );
    let second = events.next().await.unwrap().unwrap();
    assert_eq!(second.event, "message");
    // Data lines are joined by newlines; the last ID carries over.
    assert_eq!(second.data, Tick { n: 2 });
    assert_eq!(second.id.as_deref(), Some("1"));
    assert_eq!(second.retry, Some(Duration::from_millis(1500)));
    // `[DONE]` ends a JSON stream: the event after it is not read.
    assert!(events.next().await.is_none());
    assert_eq!(events.last_event_id(), Some("1"));
}

#[tokio::test]
async fn an_event_that_does_not_decode_is_an_error_and_the_stream_goes_on() {
    let server = MockServer::start().await;
    let body = "data: {\"n\":1}\n\nevent: oops\ndata: not json\n\ndata: {\"n\":2}\n\n";
    Mock::given(path("/events"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/event-stream"))
        .mount(&server)
        .await;
    let core = client(&server);
    let raw = core
        .execute(get("/events"), BodyMode::Streamed)
        .await
        .unwrap();
    let mut events = raw.event_stream::<Tick, ()>().unwrap().into_inner();
    assert_eq!(events.next().await.unwrap().unwrap().data, Tick { n: 1 });
    match events.next().await.unwrap().unwrap_err() {
        Error::Decode(decode) => {
            assert_eq!(decode.raw, "not json");
            assert!(decode.message.contains("oops"), "{}", decode.message);
            assert_eq!(decode.head.status, 200);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(events.next().await.unwrap().unwrap().data, Tick { n: 2 });
    assert!(events.next().await.is_none());

    // As text, every event decodes.
    let raw = core
        .execute(get("/events"), BodyMode::Streamed)
        .await
        .unwrap();
    let mut events = raw.text_event_stream::<()>().unwrap().into_inner();
    let mut data = Vec::new();
    while let Some(event) = events.next().await {
        data.push(event.unwrap().data);
    }
    assert_eq!(data, ["{\"n\":1}", "not json", "{\"n\":2}"]);
}

#[tokio::test]
async fn events_arrive_as_the_server_sends_them() {
    let (listener, url) = raw_listener().await;
    let (sent_first, mut go_on) = tokio::sync::mpsc::channel::<()>(1);
    tokio::spawn(async move {
        let (mut stream, _) = answer(
            &listener,
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n",
        )
        .await;
        let chunk = |text: &str| format!("{:x}\r\n{text}\r\n", text.len());
        stream
            .write_all(chunk("data: {\"n\":1}\n\n").as_bytes())
            .await
            .unwrap();
        stream.flush().await.unwrap();
        // The second event is sent only once the client has seen the first.
        go_on.recv().await;
        stream
            .write_all(chunk("data: {\"n\":2}\n\n").as_bytes())
            .await
            .unwrap();
        stream.write_all(b"0\r\n\r\n").await.unwrap();
        stream.shutdown().await.unwrap();
    });
    let core = client_for(url);
    bounded(async {
        let raw = core
            .execute(get("/events"), BodyMode::Streamed)
            .await
            .unwrap();
        let mut events = raw.event_stream::<Tick, ()>().unwrap().into_inner();
        assert_eq!(events.next().await.unwrap().unwrap().data, Tick { n: 1 });
        sent_first.send(()).await.unwrap();
        assert_eq!(events.next().await.unwrap().unwrap().data, Tick { n: 2 });
        assert!(events.next().await.is_none());
    })
    .await;
}

// ----- JSON Lines -------------------------------------------------------------------------------

#[tokio::test]
async fn json_lines_are_decoded_record_by_record() {
    let server = MockServer::start().await;
    let body = "{\"n\":1}\n\n{\"n\":2}\r\nnot json\n\u{1e}{\"n\":3}";
    Mock::given(path("/lines"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/x-ndjson"))
        .mount(&server)
        .await;
    let core = client(&server);
    let raw = core
        .execute(get("/lines"), BodyMode::Streamed)
        .await
        .unwrap();
    let mut lines = raw.json_lines::<Tick, ()>().unwrap().into_inner();
    assert_eq!(lines.next().await.unwrap().unwrap(), Tick { n: 1 });
    assert_eq!(lines.next().await.unwrap().unwrap(), Tick { n: 2 });
    assert!(matches!(lines.next().await.unwrap(), Err(Error::Decode(_))));
    assert_eq!(lines.next().await.unwrap().unwrap(), Tick { n: 3 });
    assert!(lines.next().await.is_none());
}

// ----- records that never end -----------------------------------------------------------------

/// Serves `first` and then, chunk by chunk, `filler` over and over (never a record's end)
/// until the client hangs up; how many bytes it wrote.
async fn endless_after(
    listener: tokio::net::TcpListener,
    content_type: &'static str,
    first: &'static str,
    filler: &'static [u8],
) -> usize {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{first}\r\n",
        first.len()
    );
    let (mut stream, _) = answer(&listener, head.as_bytes()).await;
    let piece = filler.repeat(64 * 1024 / filler.len());
    let chunk = [
        format!("{:x}\r\n", piece.len()).into_bytes(),
        piece,
        b"\r\n".to_vec(),
    ]
    .concat();
    let mut written = 0;
    while stream.write_all(&chunk).await.is_ok() {
        written += chunk.len();
        if written > 64 * 1024 * 1024 {
            break;
        }
    }
    written
}

#[tokio::test]
async fn an_event_or_a_record_that_never_ends_stops_at_the_body_limit() {
    for (content_type, first, filler) in [
        // One `data:` line without an end, after a whole event.
        (
            "text/event-stream",
            "data: {\"n\":1}\n\ndata: ",
            b"x".as_slice(),
        ),
        // Data lines that never meet the blank line that ends an event.
        (
            "text/event-stream",
            "data: {\"n\":1}\n\n",
            b"data: x\n".as_slice(),
        ),
        // A JSON line without a newline, after a whole one.
        ("application/x-ndjson", "{\"n\":1}\n[", b"1,".as_slice()),
    ] {
        let (listener, url) = raw_listener().await;
        let server = tokio::spawn(endless_after(listener, content_type, first, filler));
        let mut core = client_for(url);
        core.set_max_body_size(1024 * 1024);
        bounded(async {
            let raw = core.execute(get("/s"), BodyMode::Streamed).await.unwrap();
            let (first, err) = if content_type == "text/event-stream" {
                let mut events = raw.event_stream::<Tick, ()>().unwrap().into_inner();
                let first = events.next().await.unwrap().unwrap().data;
                let err = events.next().await.unwrap().unwrap_err();
                assert!(
                    events.next().await.is_none(),
                    "{content_type}: ends after the error"
                );
                (first, err)
            } else {
                let mut lines = raw.json_lines::<Tick, ()>().unwrap().into_inner();
                let first = lines.next().await.unwrap().unwrap();
                let err = lines.next().await.unwrap().unwrap_err();
                assert!(
                    lines.next().await.is_none(),
                    "{content_type}: ends after the error"
                );
                (first, err)
            };
            assert_eq!(first, Tick { n: 1 }, "{content_type}");
            assert!(
                matches!(
                    err,
                    Error::BodyTooLarge {
                        limit: 1_048_576,
                        ..
                    }
                ),
                "{content_type}: {err:?}"
            );
        })
        .await;
        // The client stopped reading near the limit, not at the server's 64 MiB.
        let written = server.await.unwrap();
        assert!(
            written < 16 * 1024 * 1024,
            "{content_type}: {written} bytes sent"
        );
    }
}

// ----- pagination -------------------------------------------------------------------------------

static LIST_OP: Operation = Operation {
    id: "listItems",
    method: Method::GET,
    route: "/items",
    security: ONLY_BEARER,
    accept: Some("application/json"),
};

/// What a generated request builder of a paginated operation holds.
#[derive(Clone)]
struct ListItems<'a> {
    core: &'a ClientCore,
    next_url: Option<String>,
}

fn decode_items(raw: RawResponse) -> Result<ResponseValue<Vec<u32>>, Error<()>> {
    match raw.status_code() {
        200 => raw.json(),
        _ => Err(raw.unexpected()),
    }
}

fn send_page(builder: ListItems<'_>) -> ResponseCall<'_, Vec<u32>, ()> {
    let mut request = Request::new(&LIST_OP, "/items");
    request.url = builder.next_url;
    ResponseCall::new(builder.core, Ok(request), decode_items)
}

fn advance<'a>(
    builder: &ListItems<'a>,
    _: &Vec<u32>,
    headers: &HeaderMap,
) -> Option<ListItems<'a>> {
    let url = next_link(headers)?;
    Some(ListItems {
        core: builder.core,
        next_url: Some(url),
    })
}

fn pages(core: &ClientCore) -> Pages<'_, ListItems<'_>, Vec<u32>, ()> {
    let first = ListItems {
        core,
        next_url: None,
    };
    Pages::new(first, send_page, advance)
}

/// Three pages: `[1, 2]`, `[3, 4]` and `[5]`, linked by `Link` headers (`next` written as
/// `link(n)`), or page 2 failing with `page_two`.
async fn list_server(link: impl Fn(&str, u32) -> String, page_two: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/items"))
        .and(query_param("page", "2"))
        .respond_with(page_two.insert_header("link", link(&server.uri(), 3).as_str()))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/items"))
        .and(query_param("page", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json([5]))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/items"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json([1, 2])
                .insert_header("link", link(&server.uri(), 2).as_str()),
        )
        .mount(&server)
        .await;
    server
}

fn absolute(uri: &str, page: u32) -> String {
    format!(
        "<{uri}/items?page={}>; rel=\"prev\", <{uri}/items?page={page}>; rel=\"next\"",
        page - 1
    )
}

fn page_two() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json([3, 4])
}

fn authorized(server: &MockServer) -> ClientCore {
    let mut core = client(server);
    core.set_credential("bearerAuth", Credential::Bearer("tok".into()));
    core
}

#[tokio::test]
async fn pages_follow_the_link_header_to_the_last_page() {
    let server = list_server(absolute, page_two()).await;
    let core = authorized(&server);
    let mut pages = pages(&core);
    let mut seen = Vec::new();
    while let Some(page) = bounded(pages.next()).await {
        seen.push(page.unwrap());
    }
    assert_eq!(seen, [vec![1, 2], vec![3, 4], vec![5]]);
    let requests = server.received_requests().await.unwrap();
    let queries: Vec<_> = requests
        .iter()
        .map(|r| r.url.query().map(str::to_owned))
        .collect();
    assert_eq!(
        queries,
        [None, Some("page=2".to_owned()), Some("page=3".to_owned())]
    );
    // Every page is sent with the operation's credentials and Accept.
    assert!(
        requests
            .iter()
            .all(|r| r.headers["authorization"] == "Bearer tok")
    );
    assert!(
        requests
            .iter()
            .all(|r| r.headers["accept"] == "application/json")
    );
}

#[tokio::test]
async fn items_fetch_a_page_only_when_needed() {
    let server = list_server(absolute, page_two()).await;
    let core = authorized(&server);
    let mut items = pages(&core).items(|page| page);
    assert_eq!(items.next().await.unwrap().unwrap(), 1);
    assert_eq!(items.next().await.unwrap().unwrap(), 2);
    assert_eq!(request_count(&server).await, 1);
    assert_eq!(items.next().await.unwrap().unwrap(), 3);
    assert_eq!(request_count(&server).await, 2);
    let mut rest = Vec::new();
    while let Some(item) = items.next().await {
        rest.push(item.unwrap());
    }
    assert_eq!(rest, [4, 5]);
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn an_error_ends_the_pages_after_it_is_yielded() {
    let server = list_server(absolute, ResponseTemplate::new(500)).await;
    let core = authorized(&server);
    let mut pages = pages(&core);
    assert_eq!(pages.next().await.unwrap().unwrap(), [1, 2]);
    let err = pages.next().await.unwrap().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert!(pages.next().await.is_none());

    let mut items = self::pages(&core).items(|page| page);
    assert_eq!(items.next().await.unwrap().unwrap(), 1);
    assert_eq!(items.next().await.unwrap().unwrap(), 2);
    assert!(items.next().await.unwrap().is_err());
    assert!(items.next().await.is_none());
}

#[tokio::test]
async fn a_next_page_on_another_origin_is_not_fetched() {
    let other = MockServer::start().await;
    let other_uri = other.uri();
    let server = list_server(
        move |_, page| format!("<{other_uri}/items?page={page}>; rel=\"next\""),
        page_two(),
    )
    .await;
    let core = authorized(&server);
    let mut pages = pages(&core);
    assert_eq!(pages.next().await.unwrap().unwrap(), [1, 2]);
    let err = pages.next().await.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("origin")),
        "{err:?}"
    );
    assert_eq!(request_count(&other).await, 0);
}

/// Found by this port: RFC 8288 allows a relative `Link` target, which the client took for
/// another origin and refused.
#[tokio::test]
async fn a_relative_next_link_is_resolved_against_the_base_url() {
    // An absolute path, then a query only (relative to the page's URL).
    let link = |_: &str, page| match page {
        2 => "</items?page=2>; rel=\"next\"".to_owned(),
        _ => "<?page=3>; rel=\"next\"".to_owned(),
    };
    let server = list_server(link, page_two()).await;
    let core = authorized(&server);
    let mut items = pages(&core).items(|page| page);
    let mut all = Vec::new();
    while let Some(item) = bounded(items.next()).await {
        all.push(item.unwrap());
    }
    assert_eq!(all, [1, 2, 3, 4, 5]);
}

// ----- reconnecting event streams --------------------------------------------------------------

fn decode_ticks(raw: RawResponse) -> Result<ResponseValue<EventStream<Tick>>, Error> {
    if raw.head().status.is_success() {
        raw.event_stream()
    } else {
        Err(raw.unexpected())
    }
}

#[tokio::test]
async fn a_reconnecting_stream_gives_up_after_its_attempts_in_a_row() {
    let (listener, url) = raw_listener().await;
    // Every connection ends at once, without an event.
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = answer(
                &listener,
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            )
            .await;
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            stream.shutdown().await.ok();
        }
    });
    let core = client_for(url);
    let policy = Reconnect::new()
        .delay(Duration::from_millis(1))
        .max_attempts(2);
    bounded(async {
        let mut events = ReconnectingEvents::new(&core, Ok(get("/events")), decode_ticks, policy);
        assert!(events.next().await.is_none());
    })
    .await;
    // The first connection and two more.
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_reconnecting_stream_ends_with_the_connect_error_when_the_server_stays_down() {
    let mut core = client_for(format!("http://127.0.0.1:{}", closed_port()));
    core.set_retry_policy(fast_retry(0));
    let policy = Reconnect::new()
        .delay(Duration::from_millis(1))
        .max_attempts(2);
    bounded(async {
        let mut events = ReconnectingEvents::new(&core, Ok(get("/events")), decode_ticks, policy);
        let err = events.next().await.unwrap().unwrap_err();
        assert!(err.is_connect(), "{err:?}");
        assert!(events.next().await.is_none());
    })
    .await;
}

#[tokio::test]
async fn a_reconnecting_stream_waits_at_most_the_policy_maximum_whatever_the_server_asks() {
    let (listener, url) = raw_listener().await;
    tokio::spawn(async move {
        // Asks for an hour between connections, then ends the stream.
        let (mut first, _) = answer(
            &listener,
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\nretry: 3600000\ndata: {\"n\":1}\n\n",
        )
        .await;
        first.shutdown().await.ok();
        answer(
            &listener,
            b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n",
        )
        .await;
    });
    let core = client_for(url);
    let policy = Reconnect::new().max_delay(Duration::from_millis(50));
    bounded(async {
        let mut events = ReconnectingEvents::new(&core, Ok(get("/events")), decode_ticks, policy);
        let first = events.next().await.unwrap().unwrap();
        assert_eq!(first.data.n, 1);
        assert_eq!(first.retry, Some(Duration::from_secs(3600)));
        let started = Instant::now();
        assert!(events.next().await.is_none());
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    })
    .await;
}

#[tokio::test]
async fn a_request_that_cannot_be_built_is_the_only_item() {
    let core = client_for("http://127.0.0.1:9");
    let mut events = ReconnectingEvents::new(
        &core,
        Err(Error::InvalidRequest("bad".into())),
        decode_ticks,
        Reconnect::new(),
    );
    assert!(matches!(
        events.next().await,
        Some(Err(Error::InvalidRequest(_)))
    ));
    assert!(events.next().await.is_none());
}
