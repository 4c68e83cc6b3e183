//! Paginated list operations as streams of pages and of items.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use reqwest::header::HeaderMap;

use super::{Error, ResponseCall, ResponseValue};

/// Sends one page's request.
pub type SendPage<'a, B, P, E = Infallible> = fn(B) -> ResponseCall<'a, P, E>;
/// The request of the page after `page` (made from the request that fetched it), or `None`
/// when `page` is the last.
pub type NextPage<B, P> = fn(&B, &P, &HeaderMap) -> Option<B>;

/// The pages of a list operation, fetched one at a time as the stream is polled: it stops
/// after the last page, and an error ends it (after yielding the error). Built by the `pages()`
/// method of a paginated operation's request builder.
pub struct Pages<'a, B, P, E = Infallible> {
    next: Option<B>,
    in_flight: Option<(B, ResponseCall<'a, P, E>)>,
    send: SendPage<'a, B, P, E>,
    advance: NextPage<B, P>,
}

impl<B, P, E> fmt::Debug for Pages<'_, B, P, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

impl<'a, B: Clone, P, E> Pages<'a, B, P, E> {
    /// Pages from `first` on.
    pub fn new(first: B, send: SendPage<'a, B, P, E>, advance: NextPage<B, P>) -> Self {
        Pages {
            next: Some(first),
            in_flight: None,
            send,
            advance,
        }
    }

    /// The next page; `None` after the last.
    pub async fn next(&mut self) -> Option<Result<P, Error<E>>> {
        std::future::poll_fn(|cx| self.poll_page(cx)).await
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<P, Error<E>>>> {
        if self.in_flight.is_none() {
            let Some(request) = self.next.take() else {
                return Poll::Ready(None);
            };
            let call = (self.send)(request.clone());
            self.in_flight = Some((request, call));
        }
        let (_, call) = self.in_flight.as_mut().expect("set above");
        let result = match Pin::new(call).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        let (request, _) = self.in_flight.take().expect("set above");
        Poll::Ready(Some(result.map(|page: ResponseValue<P>| {
            self.next = (self.advance)(&request, &page, page.headers());
            page.into_inner()
        })))
    }

    /// The items of every page, in order.
    pub fn items<I>(self, items: fn(P) -> Vec<I>) -> Items<'a, I, E>
    where
        B: Clone + Send + 'a,
        P: 'a,
        I: 'a,
        E: 'a,
    {
        Items {
            pages: Box::new(PagesOfItems { pages: self, items }),
            ready: VecDeque::new(),
        }
    }
}

impl<B: Clone + Unpin, P, E> Stream for Pages<'_, B, P, E> {
    type Item = Result<P, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::into_inner(self).poll_page(cx)
    }
}

/// The items of a list operation across its pages (the `items()` method of a paginated
/// operation's request builder): the next page is fetched only when the items of the one
/// before are used up, so `take(n)` fetches no page it does not need.
///
/// Only the item and error types are in its name: the page type and the builder are kept
/// behind one box, so that `items()`'s signature stays short whatever the page type is
/// (clippy's `type_complexity` counted them all).
pub struct Items<'a, I, E = Infallible> {
    pages: Box<dyn PageItems<I, E> + Send + 'a>,
    ready: VecDeque<I>,
}

/// The pages of a list, each turned into its items.
trait PageItems<I, E> {
    fn poll_items(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Vec<I>, Error<E>>>>;
    /// No page after this one (after an error).
    fn stop(&mut self);
}

struct PagesOfItems<'a, B, P, I, E> {
    pages: Pages<'a, B, P, E>,
    items: fn(P) -> Vec<I>,
}

impl<B: Clone, P, I, E> PageItems<I, E> for PagesOfItems<'_, B, P, I, E> {
    fn poll_items(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Vec<I>, Error<E>>>> {
        self.pages
            .poll_page(cx)
            .map(|page| page.map(|page| page.map(self.items)))
    }

    fn stop(&mut self) {
        self.pages.next = None;
    }
}

impl<I, E> fmt::Debug for Items<'_, I, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}

impl<I, E> Items<'_, I, E> {
    /// The next item; `None` after the last item of the last page.
    pub async fn next(&mut self) -> Option<Result<I, Error<E>>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<I, Error<E>>>> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_items(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(err))) => {
                    self.pages.stop();
                    return Poll::Ready(Some(Err(err)));
                }
                Poll::Ready(Some(Ok(items))) => self.ready.extend(items),
            }
        }
    }
}

impl<I: Unpin, E> Stream for Items<'_, I, E> {
    type Item = Result<I, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::into_inner(self).poll_item(cx)
    }
}

/// The `rel="next"` target of an RFC 8288 `Link` header, if any.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(split_links)
        .find_map(|(target, params)| {
            params
                .split(';')
                .filter_map(|p| p.trim().split_once('='))
                .any(|(key, value)| {
                    key.trim().eq_ignore_ascii_case("rel")
                        && value
                            .trim()
                            .trim_matches('"')
                            .split_ascii_whitespace()
                            .any(|rel| rel.eq_ignore_ascii_case("next"))
                })
                .then(|| target.to_owned())
        })
}

/// `<target>; params, <target>; params` → (target, params) pairs; commas inside `<...>` or
/// quotes do not split.
fn split_links(value: &str) -> Vec<(&str, &str)> {
    let mut links = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let target = &rest[open + 1..open + close];
        let after = &rest[open + close + 1..];
        let mut in_quotes = false;
        let end = after
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    in_quotes = !in_quotes;
                }
                c == ',' && !in_quotes
            })
            .map_or(after.len(), |(i, _)| i);
        links.push((target, &after[..end]));
        rest = &after[end..];
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::LINK,
            r#"<https://api.example.com/items?page=1>; rel="prev", <https://api.example.com/items?page=3&a=1,2>; rel="next last""#
                .parse()
                .unwrap(),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://api.example.com/items?page=3&a=1,2")
        );
        headers.insert(reqwest::header::LINK, "<x>; rel=prev".parse().unwrap());
        assert_eq!(next_link(&headers), None);
    }
}
