//! Response bodies read as they arrive.

use std::fmt;
use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;

use super::{Error, ResponseHead, Timeout};

type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>;

/// A response body as a stream of chunks (`futures_core::Stream`), read from the connection
/// as the caller polls it: nothing is buffered beyond one chunk. A transport failure, or no
/// data for the client's idle timeout, ends it with an error.
///
/// Without the `futures` crate, [`ByteStream::next`] reads it chunk by chunk.
pub struct ByteStream {
    chunks: Chunks,
    head: Option<Box<ResponseHead>>,
    idle: Option<(Duration, Pin<Box<tokio::time::Sleep>>)>,
    /// The most a reader of records (events, JSON lines) may hold of one: the client's body
    /// limit, so that a record that never ends cannot take all memory.
    record_limit: Option<u64>,
    done: bool,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream").finish_non_exhaustive()
    }
}

impl ByteStream {
    /// A stream of one chunk (an empty body gives none).
    pub fn from_bytes(bytes: Bytes) -> Self {
        let once = (!bytes.is_empty()).then_some(Ok(bytes));
        ByteStream::from_stream(futures_util::stream::iter(once))
    }

    /// Wraps any stream of chunks.
    pub fn from_stream(stream: impl Stream<Item = Result<Bytes, Error>> + Send + 'static) -> Self {
        ByteStream {
            chunks: Box::pin(stream),
            head: None,
            idle: None,
            record_limit: None,
            done: false,
        }
    }

    /// The body of a response, with an idle timeout and a limit on each record read from it.
    pub(crate) fn from_response(
        head: &ResponseHead,
        response: reqwest::Response,
        idle: Option<Duration>,
        record_limit: u64,
    ) -> Self {
        let chunks = futures_util::StreamExt::map(response.bytes_stream(), |chunk| {
            chunk.map_err(super::client::transport_error)
        });
        let mut stream = ByteStream::from_stream(chunks);
        stream.head = Some(Box::new(head.clone()));
        stream.idle = idle.map(|after| (after, Box::pin(tokio::time::sleep(after))));
        stream.record_limit = Some(record_limit);
        stream
    }

    /// Whether a reader holding `held` bytes of one record is past the record limit.
    pub(crate) fn record_too_large(&self, held: usize) -> bool {
        self.record_limit
            .is_some_and(|limit| u64::try_from(held).unwrap_or(u64::MAX) > limit)
    }

    /// The error of a record past the limit; the body is not read further.
    pub(crate) fn record_limit_error(&mut self) -> Error {
        self.done = true;
        Error::BodyTooLarge {
            head: self
                .head
                .clone()
                .unwrap_or_else(|| Box::new(ResponseHead::empty())),
            limit: self.record_limit.unwrap_or(u64::MAX),
        }
    }

    /// The status and headers of the response the body belongs to.
    pub fn head(&self) -> Option<&ResponseHead> {
        self.head.as_deref()
    }

    /// An error for a record of the body that did not decode (`raw`).
    pub(crate) fn item_error(&self, raw: &[u8], message: String) -> Error {
        Error::Decode(Box::new(super::DecodeError {
            head: self
                .head
                .as_deref()
                .cloned()
                .unwrap_or_else(ResponseHead::empty),
            raw: Bytes::copy_from_slice(raw),
            message,
        }))
    }

    /// The next chunk; `None` at the end of the body.
    pub async fn next(&mut self) -> Option<Result<Bytes, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Reads the rest of the body into memory, failing past `limit` bytes.
    pub async fn collect(mut self, limit: u64) -> Result<Bytes, Error> {
        let mut out = bytes::BytesMut::new();
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            if (out.len() + chunk.len()) as u64 > limit {
                return Err(Error::BodyTooLarge {
                    head: self
                        .head
                        .take()
                        .unwrap_or_else(|| Box::new(ResponseHead::empty())),
                    limit,
                });
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out.freeze())
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let this = &mut *self;
        match this.chunks.as_mut().poll_next(cx) {
            Poll::Ready(item) => {
                if let Some((after, sleep)) = &mut this.idle {
                    sleep.as_mut().reset(tokio::time::Instant::now() + *after);
                }
                if !matches!(item, Some(Ok(_))) {
                    this.done = true;
                }
                Poll::Ready(item)
            }
            Poll::Pending => {
                let Some((after, sleep)) = &mut this.idle else {
                    return Poll::Pending;
                };
                let after = *after;
                ready!(sleep.as_mut().poll(cx));
                this.done = true;
                Poll::Ready(Some(Err(Error::Timeout(Timeout::Idle(after)))))
            }
        }
    }
}
