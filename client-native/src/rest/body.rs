//! [`RequestBody`]: a request body that, when large, waits for the server's `100 Continue`.
//!
//! Why: a server may answer before it has read the body — `413` for a `Content-Length` over its
//! limit, `415`, `401` — and close the connection. hyper's HTTP/1 client writes the body while
//! it reads, and a write that fails on the closed connection fails the whole exchange, even
//! though the server's answer is already in the socket: the caller saw a transport error
//! instead of the `413` (1 to 3 times in 20 with a 3 MiB body on loopback). With
//! `Expect: 100-continue` (RFC 9110 §10.1.1) the body is held back until the server asks for it
//! with `100 Continue` — hyper's server does when the handler starts reading the body — so a
//! server that refuses from the head answers before a single body byte is written, and the
//! answer is read intact.
//!
//! A server (or proxy) that never sends `100 Continue` costs at most [`CONTINUE_WAIT`]: then the
//! body is sent anyway, as RFC 9110 asks of clients. Once the exchange is over (the answer read
//! whole), a body still held back ends in an error, which makes hyper close that connection
//! instead of keeping it with a request half sent.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;
use hyper::body::{Body, Frame, SizeHint};
use tokio::sync::Notify;

/// How long a held-back body waits for `100 Continue` before it is sent anyway (curl waits 1 s).
pub(crate) const CONTINUE_WAIT: Duration = Duration::from_secs(1);

/// The signals between the exchange and its held-back body.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    /// The server sent `100 Continue`.
    go: Notify,
    /// The exchange is over; the body will not be sent.
    abandon: Notify,
}

impl Gate {
    /// Called with each informational (1xx) response hyper reads.
    pub(crate) fn informational(&self, status: StatusCode) {
        if status == StatusCode::CONTINUE {
            // `notify_one` keeps the permit if the body is not waiting yet.
            self.go.notify_one();
        }
    }

    /// The exchange is over: a body still held back gives up.
    pub(crate) fn abandon(&self) {
        self.abandon.notify_one();
    }
}

/// The body was never sent: the exchange ended (the server answered) before `100 Continue`.
#[derive(Debug, thiserror::Error)]
#[error("the request body was not sent: the server answered before asking for it")]
pub(crate) struct NotSent;

type Wait = Pin<Box<dyn Future<Output = Result<(), NotSent>> + Send>>;

/// A request body sent whole, at once or after the server's `100 Continue` (see the module).
pub(crate) struct RequestBody {
    data: Option<Bytes>,
    /// Present while the body is held back.
    wait: Option<Wait>,
}

impl RequestBody {
    /// No body.
    pub(crate) fn empty() -> Self {
        RequestBody {
            data: None,
            wait: None,
        }
    }

    /// `data`, sent with the head.
    pub(crate) fn now(data: Bytes) -> Self {
        RequestBody {
            data: Some(data).filter(|d| !d.is_empty()),
            wait: None,
        }
    }

    /// `data`, held back until `gate` lets it go or [`CONTINUE_WAIT`] passes.
    pub(crate) fn after_continue(data: Bytes, gate: Arc<Gate>) -> Self {
        let wait: Wait = Box::pin(async move {
            tokio::select! {
                () = gate.go.notified() => Ok(()),
                () = tokio::time::sleep(CONTINUE_WAIT) => Ok(()),
                () = gate.abandon.notified() => Err(NotSent),
            }
        });
        RequestBody {
            data: Some(data).filter(|d| !d.is_empty()),
            wait: Some(wait),
        }
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = NotSent;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, NotSent>>> {
        if self.data.is_none() {
            return Poll::Ready(None);
        }
        if let Some(wait) = self.wait.as_mut() {
            let outcome = std::task::ready!(wait.as_mut().poll(cx));
            self.wait = None;
            if let Err(not_sent) = outcome {
                self.data = None;
                return Poll::Ready(Some(Err(not_sent)));
            }
        }
        Poll::Ready(self.data.take().map(|data| Ok(Frame::data(data))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.data.as_ref().map_or(0, |d| d.len() as u64))
    }
}

impl std::fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestBody")
            .field("len", &self.data.as_ref().map(Bytes::len))
            .field("held_back", &self.wait.is_some())
            .finish()
    }
}
