//! Code that runs around every attempt of every call: add or change headers, sign, log,
//! inspect or replace responses.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::{Error, HookError, Operation, ResponseHead};

/// A boxed future, as hooks and token providers return them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a hook knows about the attempt it runs in.
#[derive(Clone, Copy, Debug)]
pub struct Attempt {
    /// The operation called: its id, method, route template and security.
    pub operation: &'static Operation,
    /// 1 for the first attempt, 2 for the first retry, and so on.
    pub number: u32,
}

/// Runs around every attempt of every call of a client (retries included), in the order the
/// hooks were added: `on_request` just before sending (the request is final: auth, headers and
/// body are in place), `around` wrapping the exchange, `on_response` when the status and
/// headers arrive. Every method has a default that does nothing, so a hook implements only
/// what it needs.
pub trait Hook: Send + Sync + 'static {
    /// Changes or checks the request (add a header, sign it); an error stops the call.
    fn on_request(
        &self,
        attempt: &Attempt,
        request: &mut reqwest::Request,
    ) -> Result<(), HookError> {
        let _ = (attempt, request);
        Ok(())
    }

    /// Sees, and may change, the status and headers of each response; an error stops the
    /// call.
    fn on_response(&self, attempt: &Attempt, head: &mut ResponseHead) -> Result<(), HookError> {
        let _ = (attempt, head);
        Ok(())
    }

    /// Wraps the exchange: call `next.run(request)` to send (or don't, and answer yourself;
    /// build a response with `reqwest::Response::from(http::Response<_>)`).
    fn around<'a>(
        &'a self,
        attempt: &'a Attempt,
        request: reqwest::Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<reqwest::Response, Error>> {
        let _ = attempt;
        next.run(request)
    }
}

/// The rest of the chain of [`Hook::around`]s, ending with the HTTP client.
pub struct Next<'a> {
    pub(crate) hooks: &'a [Arc<dyn Hook>],
    pub(crate) http: &'a reqwest::Client,
    pub(crate) attempt: &'a Attempt,
}

impl<'a> Next<'a> {
    /// Sends `request` through the remaining hooks and the HTTP client.
    pub fn run(self, request: reqwest::Request) -> BoxFuture<'a, Result<reqwest::Response, Error>> {
        match self.hooks.split_first() {
            Some((hook, rest)) => hook.around(
                self.attempt,
                request,
                Next {
                    hooks: rest,
                    http: self.http,
                    attempt: self.attempt,
                },
            ),
            None => {
                let http = self.http;
                Box::pin(async move {
                    http.execute(request)
                        .await
                        .map_err(super::client::transport_error)
                })
            }
        }
    }
}
