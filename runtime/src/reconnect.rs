//! Opt-in reconnection of server-sent event streams, as an `EventSource` does (WHATWG HTML,
//! "Server-sent events"): when the connection drops, wait the reconnection time (the server's
//! `retry:`, else the policy's), send the request again with `Last-Event-ID`, and go on.

use std::convert::Infallible;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use futures_util::stream::{self, BoxStream};
use http::{HeaderValue, StatusCode};

use super::{BodyMode, ClientCore, Decoder, Error, EventStream, Request, SseEvent};

/// How a [`ReconnectingEvents`] stream reconnects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reconnect {
    delay: Duration,
    max_delay: Duration,
    max_attempts: u32,
}

impl Default for Reconnect {
    /// Three seconds between attempts until the server says otherwise (what browsers wait),
    /// at most one minute whatever the server says, and five attempts in a row.
    fn default() -> Self {
        Reconnect {
            delay: Duration::from_secs(3),
            max_delay: Duration::from_secs(60),
            max_attempts: 5,
        }
    }
}

impl Reconnect {
    /// The default policy (see [`Reconnect::default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// The wait before reconnecting until the server sets one with `retry:`.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// The longest wait, whatever the server asks for.
    pub fn max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// How many reconnections in a row may fail (or bring no event) before the stream ends
    /// with the last error; an event resets the count.
    pub fn max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }
}

/// A `text/event-stream` response that survives dropped connections: a stream of
/// [`SseEvent`]s across as many connections as it takes (`futures_core::Stream`).
///
/// It ends when the server ends it (a `[DONE]` event, or `204 No Content` on reconnecting),
/// with an error that a new connection cannot mend (a status other than success, a hook's
/// refusal), or when [`Reconnect::max_attempts`] reconnections in a row failed (the last
/// error is its last item). An event whose data does not decode is an error item and the
/// stream goes on.
pub struct ReconnectingEvents<'a, T, E = Infallible> {
    inner: BoxStream<'a, Result<SseEvent<T>, Error<E>>>,
}

impl<T, E> fmt::Debug for ReconnectingEvents<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReconnectingEvents").finish_non_exhaustive()
    }
}

impl<'a, T, E> ReconnectingEvents<'a, T, E>
where
    T: Unpin + Send + 'a,
    E: Send + 'a,
{
    /// Sends `request` (or yields its error), decodes the response with the operation's
    /// `decode`, and reconnects as `policy` says. Only for idempotent requests: the request
    /// is sent again as it is, but for `Last-Event-ID`.
    pub fn new(
        core: &'a ClientCore,
        request: Result<Request, Error>,
        decode: Decoder<EventStream<T>, E>,
        policy: Reconnect,
    ) -> Self {
        let session = match request {
            Ok(request) => Ok(Session {
                core,
                delay: policy.delay,
                policy,
                request,
                decode,
                events: None,
                last_id: None,
                failures: 0,
            }),
            Err(err) => Err(err.widen()),
        };
        let inner = stream::unfold(Some(session), |state| async move {
            match state? {
                Err(err) => Some((Err(err), None)),
                Ok(mut session) => {
                    let item = session.next().await?;
                    let go_on = item.is_ok() || session.events.is_some();
                    Some((item, go_on.then_some(Ok(session))))
                }
            }
        });
        ReconnectingEvents {
            inner: Box::pin(inner),
        }
    }

    /// The next event; `None` at the end of the stream.
    pub async fn next(&mut self) -> Option<Result<SseEvent<T>, Error<E>>> {
        futures_util::StreamExt::next(&mut self.inner).await
    }
}

impl<T, E> Stream for ReconnectingEvents<'_, T, E> {
    type Item = Result<SseEvent<T>, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

struct Session<'a, T, E> {
    core: &'a ClientCore,
    policy: Reconnect,
    request: Request,
    decode: Decoder<EventStream<T>, E>,
    /// The open connection's events; `None` between connections.
    events: Option<EventStream<T>>,
    last_id: Option<String>,
    delay: Duration,
    /// Reconnections in a row that brought no event.
    failures: u32,
}

/// Why a connection gave no events.
enum Lost<E> {
    /// The connection dropped or could not be made: reconnecting may mend it.
    Connection(Error<E>),
    /// The server ended the stream (`204 No Content`).
    Ended,
    /// An error a new connection would meet again.
    Fatal(Error<E>),
}

impl<T: Unpin, E> Session<'_, T, E> {
    /// The next event across connections; after an error item the stream goes on only when
    /// `events` is still open (a decode error).
    async fn next(&mut self) -> Option<Result<SseEvent<T>, Error<E>>> {
        let mut last_error = None;
        loop {
            let Some(events) = self.events.as_mut() else {
                if self.failures > self.policy.max_attempts {
                    return last_error.map(Err);
                }
                match self.connect().await {
                    Ok(events) => self.events = Some(events),
                    Err(Lost::Ended) => return None,
                    Err(Lost::Fatal(err)) => return Some(Err(err)),
                    Err(Lost::Connection(err)) => {
                        last_error = Some(err);
                        self.wait().await;
                    }
                }
                continue;
            };
            match events.next().await {
                Some(Ok(event)) => {
                    self.failures = 0;
                    self.last_id = events.last_event_id().map(str::to_owned);
                    return Some(Ok(event));
                }
                Some(Err(err @ Error::Decode(_))) => return Some(Err(err.widen())),
                Some(Err(err)) if is_connection_error(&err) => last_error = Some(err.widen()),
                Some(Err(err)) => {
                    self.events = None;
                    return Some(Err(err.widen()));
                }
                None if events.ended_by_server() => {
                    self.events = None;
                    return None;
                }
                None => {}
            }
            // The connection ended or broke: reconnect after the wait.
            let events = self.events.take()?;
            if let Some(asked) = events.reconnection_time() {
                self.delay = asked;
            }
            self.wait().await;
        }
    }

    async fn wait(&mut self) {
        self.failures += 1;
        tokio::time::sleep(self.delay.min(self.policy.max_delay)).await;
    }

    // `&mut`: a shared borrow held across `await` would need the open stream to be `Sync`.
    async fn connect(&mut self) -> Result<EventStream<T>, Lost<E>> {
        let mut request = self.request.clone();
        // An ID that a header cannot carry is not sent (the server starts afresh).
        if let Some(id) = self.last_id.as_deref() {
            if let Ok(value) = HeaderValue::from_str(id) {
                request.headers.insert("last-event-id", value);
            }
        }
        let raw = match self.core.execute(request, BodyMode::Streamed).await {
            Ok(raw) => raw,
            Err(err) if is_connection_error(&err) => return Err(Lost::Connection(err.widen())),
            Err(err) => return Err(Lost::Fatal(err.widen())),
        };
        if raw.head.status == StatusCode::NO_CONTENT {
            return Err(Lost::Ended);
        }
        match (self.decode)(raw) {
            Ok(value) => Ok(value.into_inner().resume_after(self.last_id.clone())),
            Err(err) => Err(Lost::Fatal(err)),
        }
    }
}

fn is_connection_error(err: &Error) -> bool {
    matches!(
        err,
        Error::Connect(_) | Error::Transport(_) | Error::Timeout(_)
    )
}
