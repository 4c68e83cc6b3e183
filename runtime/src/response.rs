//! Responses: what a call returns on success, and what generated decoders read.

use std::ops::{Deref, DerefMut};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::{ApiError, ByteStream, DecodeError, Error, EventStream, JsonLines, RawError};

/// Status and headers of a response.
#[derive(Clone, Debug)]
pub struct ResponseHead {
    /// The status code.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
}

impl ResponseHead {
    /// A `200 OK` head without headers.
    pub fn empty() -> Self {
        ResponseHead {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
        }
    }
}

/// A successful response: the typed body with the status and headers it came with
/// (`send().with_response()` of every request builder).
#[derive(Clone, Debug)]
pub struct ResponseValue<T> {
    head: ResponseHead,
    body: T,
}

impl<T> ResponseValue<T> {
    /// A response value, for tests and mocks.
    pub fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        ResponseValue {
            head: ResponseHead { status, headers },
            body,
        }
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.head.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// The body, dropping status and headers.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// Status, headers and body.
    pub fn into_parts(self) -> (ResponseHead, T) {
        (self.head, self.body)
    }

    /// The same response with its body mapped.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue {
            head: self.head,
            body: f(self.body),
        }
    }
}

impl<T> Deref for ResponseValue<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T> DerefMut for ResponseValue<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.body
    }
}

/// The body of a received response: read whole, or left on the connection to stream.
#[derive(Debug)]
pub(crate) enum RawBody {
    Buffered(Bytes),
    Streamed(ByteStream),
}

/// A response as the client received it, for a generated decoder to map onto the operation's
/// documented statuses. Error statuses are always read whole (within the body-size limit);
/// success bodies of streaming calls stay on the connection.
#[derive(Debug)]
pub struct RawResponse {
    pub(crate) head: ResponseHead,
    pub(crate) body: RawBody,
}

impl RawResponse {
    /// The status code as a number, for matching.
    pub fn status_code(&self) -> u16 {
        self.head.status.as_u16()
    }

    /// The status and headers.
    pub fn head(&self) -> &ResponseHead {
        &self.head
    }

    /// A buffered response, for tests of decoders.
    pub fn buffered(status: StatusCode, headers: HeaderMap, body: impl Into<Bytes>) -> Self {
        RawResponse {
            head: ResponseHead { status, headers },
            body: RawBody::Buffered(body.into()),
        }
    }

    fn into_bytes<E>(self) -> Result<(ResponseHead, Bytes), Error<E>> {
        match self.body {
            RawBody::Buffered(bytes) => Ok((self.head, bytes)),
            // Decoders ask for a buffered body only on calls that buffer.
            RawBody::Streamed(_) => Err(Error::InvalidRequest(
                "a streamed body was decoded as a buffered one".to_owned(),
            )),
        }
    }

    /// Decodes a JSON body.
    pub fn json<T: DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
        let (head, raw) = self.into_bytes()?;
        match serde_json::from_slice(&raw) {
            Ok(body) => Ok(ResponseValue { head, body }),
            Err(err) => Err(decode_error(head, raw, err.to_string())),
        }
    }

    /// The body as UTF-8 text.
    pub fn text<E>(self) -> Result<ResponseValue<String>, Error<E>> {
        let (head, raw) = self.into_bytes()?;
        match std::str::from_utf8(&raw) {
            Ok(text) => Ok(ResponseValue {
                body: text.to_owned(),
                head,
            }),
            Err(err) => Err(decode_error(head, raw, err.to_string())),
        }
    }

    /// The body as text, for a response documented as any media type (`*/*`) with a string
    /// schema: a JSON string when the response says it is JSON (`application/json`, `+json`)
    /// and holds one, else the text as it is (servers often send such strings raw, whatever
    /// their `Content-Type`).
    pub fn text_or_json<E>(self) -> Result<ResponseValue<String>, Error<E>> {
        let is_json = self
            .head
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .map(|essence| {
                let essence = essence.trim().to_ascii_lowercase();
                essence == "application/json" || essence.ends_with("+json")
            })
            .unwrap_or(false);
        if !is_json {
            return self.text();
        }
        let (head, raw) = self.into_bytes()?;
        match serde_json::from_slice::<String>(&raw) {
            Ok(body) => Ok(ResponseValue { head, body }),
            Err(_) => RawResponse {
                head,
                body: RawBody::Buffered(raw),
            }
            .text(),
        }
    }

    /// The body as bytes.
    pub fn bytes<E>(self) -> Result<ResponseValue<Bytes>, Error<E>> {
        let (head, body) = self.into_bytes()?;
        Ok(ResponseValue { head, body })
    }

    /// A response documented without content (its body, if any, is ignored).
    pub fn empty<E>(self) -> Result<ResponseValue<()>, Error<E>> {
        Ok(ResponseValue {
            head: self.head,
            body: (),
        })
    }

    /// The body as a stream of chunks, without reading it.
    pub fn byte_stream<E>(self) -> Result<ResponseValue<ByteStream>, Error<E>> {
        let body = match self.body {
            RawBody::Streamed(stream) => stream,
            RawBody::Buffered(bytes) => ByteStream::from_bytes(bytes),
        };
        Ok(ResponseValue {
            head: self.head,
            body,
        })
    }

    /// Decodes a JSON body into one variant of a success enum.
    pub fn json_as<B: DeserializeOwned, T, E>(
        self,
        wrap: fn(B) -> T,
    ) -> Result<ResponseValue<T>, Error<E>> {
        self.json::<B, E>().map(|value| value.map(wrap))
    }

    /// A text body as one variant of a success enum.
    pub fn text_as<T, E>(self, wrap: fn(String) -> T) -> Result<ResponseValue<T>, Error<E>> {
        self.text::<E>().map(|value| value.map(wrap))
    }

    /// A binary body as one variant of a success enum.
    pub fn bytes_as<T, E>(self, wrap: fn(Bytes) -> T) -> Result<ResponseValue<T>, Error<E>> {
        self.bytes::<E>().map(|value| value.map(wrap))
    }

    /// A success without content, as one variant of a success enum.
    pub fn empty_as<T, E>(self, body: T) -> Result<ResponseValue<T>, Error<E>> {
        Ok(ResponseValue {
            head: self.head,
            body,
        })
    }

    /// A `text/event-stream` body as a stream of events whose `data` is JSON of type `T`.
    pub fn event_stream<T: DeserializeOwned, E>(
        self,
    ) -> Result<ResponseValue<EventStream<T>>, Error<E>> {
        self.byte_stream().map(|value| value.map(EventStream::json))
    }

    /// A `text/event-stream` body as a stream of events whose `data` is text.
    pub fn text_event_stream<E>(self) -> Result<ResponseValue<EventStream<String>>, Error<E>> {
        self.byte_stream().map(|value| value.map(EventStream::text))
    }

    /// A JSON Lines / NDJSON / JSON text sequence body as a stream of items.
    pub fn json_lines<T: DeserializeOwned, E>(
        self,
    ) -> Result<ResponseValue<JsonLines<T>>, Error<E>> {
        self.byte_stream().map(|value| value.map(JsonLines::new))
    }

    /// A documented error status with a JSON body, wrapped by `wrap` into the operation's
    /// error enum; a body that does not decode gives [`Error::Decode`].
    pub fn api_error<B: DeserializeOwned, E>(self, wrap: fn(B) -> E) -> Error<E> {
        match self.into_bytes::<E>() {
            Ok((head, raw)) => match serde_json::from_slice(&raw) {
                Ok(body) => api(head, wrap(body), raw),
                Err(err) => decode_error(head, raw, err.to_string()),
            },
            Err(err) => err,
        }
    }

    /// A documented error status with a text body.
    pub fn api_error_text<E>(self, wrap: fn(String) -> E) -> Error<E> {
        match self.text::<E>() {
            Ok(value) => {
                let raw = Bytes::from(value.body.clone());
                api(value.head, wrap(value.body), raw)
            }
            Err(err) => err,
        }
    }

    /// A documented error status with a binary body.
    pub fn api_error_bytes<E>(self, wrap: fn(Bytes) -> E) -> Error<E> {
        match self.into_bytes::<E>() {
            Ok((head, raw)) => api(head, wrap(raw.clone()), raw),
            Err(err) => err,
        }
    }

    /// A documented error status without content.
    pub fn api_error_empty<E>(self, body: E) -> Error<E> {
        match self.into_bytes::<E>() {
            Ok((head, raw)) => api(head, body, raw),
            Err(err) => err,
        }
    }

    /// A status the operation does not document.
    pub fn unexpected<E>(self) -> Error<E> {
        match self.into_bytes::<E>() {
            Ok((head, raw)) => Error::UnexpectedStatus(Box::new(RawError { head, raw })),
            Err(err) => err,
        }
    }
}

fn api<E>(head: ResponseHead, body: E, raw: Bytes) -> Error<E> {
    Error::Api(Box::new(ApiError { head, body, raw }))
}

fn decode_error<E>(head: ResponseHead, raw: Bytes, message: String) -> Error<E> {
    Error::Decode(Box::new(DecodeError { head, raw, message }))
}
