//! `text/event-stream` bodies (server-sent events), parsed as the WHATWG HTML standard says.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use serde::de::DeserializeOwned;

use super::{ByteStream, Error};

/// One server-sent event.
#[derive(Clone, Debug, PartialEq)]
pub struct SseEvent<T> {
    /// The event type (`event:`), `message` when the event names none.
    pub event: String,
    /// The event's data (`data:` lines joined by newlines), decoded.
    pub data: T,
    /// The last event ID the stream has set (`id:`), if any.
    pub id: Option<String>,
    /// The reconnection time the server asked for (`retry:`), if it did.
    pub retry: Option<Duration>,
}

/// An event before its data is decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawEvent {
    pub event: String,
    pub data: String,
    pub id: Option<String>,
    pub retry: Option<Duration>,
}

/// The event-stream parser: bytes in (split anywhere, even inside a character), events out.
/// Lines end with CRLF, LF or CR; a leading BOM is dropped; comments are skipped; an event is
/// dispatched at a blank line, and one left incomplete at the end is dropped.
#[derive(Debug, Default)]
pub(crate) struct SseParser {
    line: Vec<u8>,
    /// The last byte fed was a CR, so a LF right after it ends no line.
    after_cr: bool,
    /// The first line was seen (only it may start with a BOM).
    started: bool,
    data: String,
    has_data: bool,
    event: String,
    last_id: Option<String>,
    retry: Option<Duration>,
    /// The last `retry:` value, kept (unlike `retry`, which goes with the next event).
    reconnection_time: Option<Duration>,
}

impl SseParser {
    pub fn feed(&mut self, bytes: &[u8], out: &mut VecDeque<RawEvent>) {
        for &byte in bytes {
            let after_cr = std::mem::replace(&mut self.after_cr, false);
            match byte {
                b'\n' if after_cr => {}
                b'\r' => {
                    self.after_cr = true;
                    self.end_line(out);
                }
                b'\n' => self.end_line(out),
                other => self.line.push(other),
            }
        }
    }

    fn end_line(&mut self, out: &mut VecDeque<RawEvent>) {
        let bytes = std::mem::take(&mut self.line);
        let mut line = String::from_utf8_lossy(&bytes).into_owned();
        if !self.started {
            self.started = true;
            if let Some(rest) = line.strip_prefix('\u{feff}') {
                line = rest.to_owned();
            }
        }
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_str(), ""),
        };
        match field {
            "event" => self.event = value.to_owned(),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(ms) = value.parse::<u64>() {
                    self.retry = Some(Duration::from_millis(ms));
                    self.reconnection_time = self.retry;
                }
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut VecDeque<RawEvent>) {
        let event = std::mem::take(&mut self.event);
        if !std::mem::replace(&mut self.has_data, false) {
            return;
        }
        let data = std::mem::take(&mut self.data);
        out.push_back(RawEvent {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data,
            id: self.last_id.clone().filter(|id| !id.is_empty()),
            retry: self.retry.take(),
        });
    }

    /// The bytes of the event being read: its line so far, its data and its type.
    fn held(&self) -> usize {
        self.line.len() + self.data.len() + self.event.len()
    }

    /// The last event ID seen, to resume with `Last-Event-ID`.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_id.as_deref().filter(|id| !id.is_empty())
    }
}

/// How an event's data becomes `T`: JSON of the documented schema, or the text as it is.
type DecodeData<T> = fn(&str) -> Result<T, String>;

fn decode_json<T: DeserializeOwned>(data: &str) -> Result<T, String> {
    serde_json::from_str(data).map_err(|err| err.to_string())
}

fn decode_text(data: &str) -> Result<String, String> {
    Ok(data.to_owned())
}

/// A `text/event-stream` response as a stream of [`SseEvent`]s (`futures_core::Stream`). With
/// JSON data, an event whose data is `[DONE]` (the end marker of OpenAI-style streaming APIs)
/// ends the stream, and data that does not decode is an [`Error::Decode`] item (the stream
/// goes on after it). An event longer than the client's body limit ([`Error::BodyTooLarge`])
/// ends it.
pub struct EventStream<T> {
    body: ByteStream,
    parser: SseParser,
    ready: VecDeque<RawEvent>,
    decode: DecodeData<T>,
    json: bool,
    finished: bool,
    /// The stream ended at a `[DONE]` event, not with its connection.
    done_marker: bool,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> EventStream<T> {
    /// Events whose data is JSON of type `T`.
    pub fn json(body: ByteStream) -> Self {
        EventStream::with_decoder(body, decode_json::<T>, true)
    }
}

impl EventStream<String> {
    /// Events whose data is text.
    pub fn text(body: ByteStream) -> Self {
        EventStream::with_decoder(body, decode_text, false)
    }
}

impl<T> EventStream<T> {
    fn with_decoder(body: ByteStream, decode: DecodeData<T>, json: bool) -> Self {
        EventStream {
            body,
            parser: SseParser::default(),
            ready: VecDeque::new(),
            decode,
            json,
            finished: false,
            done_marker: false,
        }
    }

    /// Continues a stream that a lost connection cut: events without an `id:` of their own
    /// carry `id`, as they would have on the first connection.
    pub(crate) fn resume_after(mut self, id: Option<String>) -> Self {
        self.parser.last_id = id;
        self
    }

    /// The reconnection time the server last asked for (`retry:`).
    pub(crate) fn reconnection_time(&self) -> Option<Duration> {
        self.parser.reconnection_time
    }

    /// Whether the stream ended at a `[DONE]` event (the server's end), rather than with its
    /// connection.
    pub(crate) fn ended_by_server(&self) -> bool {
        self.done_marker
    }

    /// The last event ID the server set, to resume a stream with `Last-Event-ID`.
    pub fn last_event_id(&self) -> Option<&str> {
        self.parser.last_event_id()
    }

    /// The next event; `None` at the end of the stream.
    pub async fn next(&mut self) -> Option<Result<SseEvent<T>, Error>>
    where
        T: Unpin,
    {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    fn decode(&mut self, raw: RawEvent) -> Option<Result<SseEvent<T>, Error>> {
        if self.json && raw.data.trim() == "[DONE]" {
            self.finished = true;
            self.done_marker = true;
            return None;
        }
        let data = match (self.decode)(&raw.data) {
            Ok(data) => data,
            Err(message) => {
                let message = format!("event `{}`: {message}", raw.event);
                return Some(Err(self.body.item_error(raw.data.as_bytes(), message)));
            }
        };
        Some(Ok(SseEvent {
            event: raw.event,
            data,
            id: raw.id,
            retry: raw.retry,
        }))
    }
}

impl<T> Stream for EventStream<T>
where
    T: Unpin,
{
    type Item = Result<SseEvent<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.finished {
                return Poll::Ready(None);
            }
            if let Some(raw) = this.ready.pop_front() {
                match this.decode(raw) {
                    Some(item) => return Poll::Ready(Some(item)),
                    None => return Poll::Ready(None),
                }
            }
            // An event that never ends (no blank line, or a line without end) stops at the limit.
            if this.body.record_too_large(this.parser.held()) {
                this.finished = true;
                return Poll::Ready(Some(Err(this.body.record_limit_error())));
            }
            match Pin::new(&mut this.body).poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => this.parser.feed(&chunk, &mut this.ready),
                Poll::Ready(Some(Err(err))) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(err)));
                }
                Poll::Ready(None) => {
                    this.finished = true;
                    return Poll::Ready(None);
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in_pieces(text: &[u8], split: usize) -> Vec<RawEvent> {
        let mut parser = SseParser::default();
        let mut out = VecDeque::new();
        for piece in text.chunks(split.max(1)) {
            parser.feed(piece, &mut out);
        }
        out.into_iter().collect()
    }

    fn event(event: &str, data: &str, id: Option<&str>) -> RawEvent {
        RawEvent {
            event: event.into(),
            data: data.into(),
            id: id.map(Into::into),
            retry: None,
        }
    }

    #[test]
    fn fields_comments_and_multi_line_data() {
        let text = "\u{feff}: comment\r\nevent: add\r\ndata: one\r\ndata:two\r\nid: 7\r\n\r\ndata\n\nretry: 250\ndata: x\n\n";
        let events = parse_in_pieces(text.as_bytes(), 1000);
        assert_eq!(events[0], event("add", "one\ntwo", Some("7")));
        // A bare `data` line is an empty data line; the id stays the last one set.
        assert_eq!(events[1], event("message", "", Some("7")));
        assert_eq!(events[2].retry, Some(Duration::from_millis(250)));
        assert_eq!(events.len(), 3);
    }

    #[test]
    fn any_split_parses_the_same() {
        let text = "data: h\u{e9}llo \u{1F600}\r\rdata: a\rdata: b\r\n\r\nid: 1\nevent: e\ndata: {\"k\": 1}\n\n: end\ndata: cut";
        let whole = parse_in_pieces(text.as_bytes(), text.len());
        assert_eq!(whole.len(), 3);
        assert_eq!(whole[0].data, "h\u{e9}llo \u{1F600}");
        assert_eq!(whole[1].data, "a\nb");
        for split in 1..text.len() {
            assert_eq!(
                parse_in_pieces(text.as_bytes(), split),
                whole,
                "split {split}"
            );
        }
    }

    #[test]
    fn events_without_data_are_not_dispatched() {
        let events = parse_in_pieces(b"event: ping\n\nid: 3\n\ndata: x\n\n", 3);
        assert_eq!(events, vec![event("message", "x", Some("3"))]);
    }

    #[test]
    fn ids_with_nul_and_bad_retry_values_are_ignored() {
        let events = parse_in_pieces(b"id: a\0b\nretry: 1x\ndata: y\n\n", 2);
        assert_eq!(events[0].id, None);
        assert_eq!(events[0].retry, None);
    }
}
