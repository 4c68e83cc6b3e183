//! The futures a request builder's `send` returns: the HTTP exchange (compiled once, here) and
//! the operation's decoder (a plain function the generator writes).

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{
    BodyMode, BoxFuture, ByteStream, ClientCore, Error, RawResponse, Request, ResponseValue,
};

/// Maps a response onto an operation's documented statuses.
pub type Decoder<T, E = Infallible> = fn(RawResponse) -> Decoded<T, E>;

/// What a [`Decoder`] makes of a response: the typed success value with the
/// response's status and headers, or the error. Named so that a decoder's
/// signature stays short whatever its success type.
pub type Decoded<T, E = Infallible> = Result<ResponseValue<T>, Error<E>>;

enum State<'a, T, E> {
    /// The request could not be built: the error, returned on the first poll.
    Failed(Option<Error>),
    Sending(BoxFuture<'a, Result<RawResponse, Error>>, Decoder<T, E>),
    Done,
}

struct Pending<'a, T, E>(State<'a, T, E>);

impl<'a, T, E> Pending<'a, T, E> {
    fn new(
        core: &'a ClientCore,
        request: Result<Request, Error>,
        mode: BodyMode,
        decode: Decoder<T, E>,
    ) -> Self {
        Pending(match request {
            Ok(request) => State::Sending(core.execute(request, mode), decode),
            Err(err) => State::Failed(Some(err)),
        })
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<ResponseValue<T>, Error<E>>> {
        let result = match &mut self.0 {
            State::Failed(err) => Err(err.take().map_or_else(polled_after_done, Error::widen)),
            State::Sending(exchange, decode) => match exchange.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(raw)) => decode(raw),
                Poll::Ready(Err(err)) => Err(err.widen()),
            },
            State::Done => Err(polled_after_done()),
        };
        self.0 = State::Done;
        Poll::Ready(result)
    }
}

fn polled_after_done<E>() -> Error<E> {
    Error::InvalidRequest("the call was polled after it completed".to_owned())
}

/// The future of a call that resolves to the typed body (what `send()` and `.await` on a
/// request builder give). `E` is the operation's error enum; an operation that documents
/// no error response has none (`Infallible`, the default).
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, T, E = Infallible>(Pending<'a, T, E>);

/// The future of a call that resolves to the typed body with the response's status and
/// headers (`send().with_response()` of a request builder).
#[must_use = "a call does nothing until it is awaited"]
pub struct ResponseCall<'a, T, E = Infallible>(Pending<'a, T, E>);

impl<'a, T, E> Call<'a, T, E> {
    /// Sends `request` (or returns its error), reading the body whole, then `decode`s it.
    pub fn new(
        core: &'a ClientCore,
        request: Result<Request, Error>,
        decode: Decoder<T, E>,
    ) -> Self {
        Call(Pending::new(core, request, BodyMode::Buffered, decode))
    }

    /// Sends `request` and leaves a success body on the connection for `decode` to stream.
    pub fn streamed(
        core: &'a ClientCore,
        request: Result<Request, Error>,
        decode: Decoder<T, E>,
    ) -> Self {
        Call(Pending::new(core, request, BodyMode::Streamed, decode))
    }

    /// The same call, resolving to the typed body with the response's status and headers
    /// (`client.op().send().with_response().await`).
    pub fn with_response(self) -> ResponseCall<'a, T, E> {
        ResponseCall(self.0)
    }
}

impl<'a, T, E> ResponseCall<'a, T, E> {
    /// See [`Call::new`].
    pub fn new(
        core: &'a ClientCore,
        request: Result<Request, Error>,
        decode: Decoder<T, E>,
    ) -> Self {
        ResponseCall(Pending::new(core, request, BodyMode::Buffered, decode))
    }

    /// See [`Call::streamed`].
    pub fn streamed(
        core: &'a ClientCore,
        request: Result<Request, Error>,
        decode: Decoder<T, E>,
    ) -> Self {
        ResponseCall(Pending::new(core, request, BodyMode::Streamed, decode))
    }
}

impl<T, E> Future for Call<'_, T, E> {
    type Output = Result<T, Error<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0
            .poll(cx)
            .map(|result| result.map(ResponseValue::into_inner))
    }
}

impl<T, E> Future for ResponseCall<'_, T, E> {
    type Output = Result<ResponseValue<T>, Error<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.poll(cx)
    }
}

impl<T, E> fmt::Debug for Call<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Call(..)")
    }
}

impl<T, E> fmt::Debug for ResponseCall<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResponseCall(..)")
    }
}

/// The decoder of a streamed call of an operation whose success body is binary: success
/// statuses give the body as a stream, the others go through the operation's own decoder
/// (which reads documented error bodies).
pub fn stream_success<T, E>(
    response: RawResponse,
    decode: Decoder<T, E>,
) -> Result<ResponseValue<ByteStream>, Error<E>> {
    if response.head.status.is_success() {
        response.byte_stream()
    } else {
        decode(response).map(|value| value.map(|_| ByteStream::from_bytes(bytes::Bytes::new())))
    }
}
