//! JSON Lines, NDJSON and JSON text sequences (RFC 7464): one JSON value per record.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;

use super::{ByteStream, Error};

/// A stream of JSON records (`application/x-ndjson`, `application/jsonl`,
/// `application/json-seq`), each decoded into `T` as soon as its line is complete. Records end
/// at a newline or start at an RS (0x1E) character; blank records are skipped. A record that
/// does not decode is an [`Error::Decode`] item, and the stream goes on after it; one longer
/// than the client's body limit ([`Error::BodyTooLarge`]) ends it.
pub struct JsonLines<T> {
    body: ByteStream,
    pending: Vec<u8>,
    ready: VecDeque<Vec<u8>>,
    finished: bool,
    item: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for JsonLines<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLines").finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> JsonLines<T> {
    /// Records of type `T` from a body.
    pub fn new(body: ByteStream) -> Self {
        JsonLines {
            body,
            pending: Vec::new(),
            ready: VecDeque::new(),
            finished: false,
            item: PhantomData,
        }
    }

    /// The next record; `None` at the end of the body.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    fn split(&mut self, chunk: &[u8]) {
        for &byte in chunk {
            if byte == b'\n' || byte == 0x1e {
                let record = std::mem::take(&mut self.pending);
                self.push(record);
            } else {
                self.pending.push(byte);
            }
        }
    }

    fn push(&mut self, record: Vec<u8>) {
        if !record.iter().all(u8::is_ascii_whitespace) {
            self.ready.push_back(record);
        }
    }

    fn decode(&self, record: &[u8]) -> Result<T, Error> {
        serde_json::from_slice(record).map_err(|err| self.body.item_error(record, err.to_string()))
    }
}

impl<T: DeserializeOwned> Stream for JsonLines<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(record) = this.ready.pop_front() {
                return Poll::Ready(Some(this.decode(&record)));
            }
            if this.finished {
                return Poll::Ready(None);
            }
            // A record that never ends (a server that sends no newline) stops at the limit.
            if this.body.record_too_large(this.pending.len()) {
                this.finished = true;
                return Poll::Ready(Some(Err(this.body.record_limit_error())));
            }
            match Pin::new(&mut this.body).poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => this.split(&chunk),
                Poll::Ready(Some(Err(err))) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(err)));
                }
                Poll::Ready(None) => {
                    this.finished = true;
                    let rest = std::mem::take(&mut this.pending);
                    this.push(rest);
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
