//! Lingering close for HTTP and WebSocket connections, as nginx's `lingering_close` and the
//! `ws` library do.
//!
//! A server that closes a TCP connection while the client's bytes are still unread makes the
//! kernel answer with a reset, and a reset discards what the client had not read yet: the
//! `413` or the WebSocket Close `1009` that explains why the server is closing never arrives,
//! and a browser reports an abnormal closure (`1006`) instead. Both happen exactly when a
//! client sends more than the server accepts, which is when the explanation matters. So a
//! connection the server drops before the client has finished sends its FIN, then reads and
//! discards what still arrives until the client closes too, for at most [`LINGER`].

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::serve::Listener;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// How long a closed connection keeps reading for its client's FIN. Bounded, so that a
/// client that never stops sending costs a task for this long and no more.
pub(crate) const LINGER: Duration = Duration::from_secs(2);

/// A [`TcpListener`] whose connections linger on close.
#[derive(Debug)]
pub(crate) struct LingeringListener(pub(crate) TcpListener);

impl Listener for LingeringListener {
    type Io = Lingering;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Lingering, SocketAddr) {
        // axum's accept logs and retries the errors of `accept(2)`.
        let (stream, addr) = Listener::accept(&mut self.0).await;
        (
            Lingering {
                stream: Some(stream),
                peer_closed: false,
            },
            addr,
        )
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

/// An accepted connection that lingers when dropped before its client closed it.
#[derive(Debug)]
pub(crate) struct Lingering {
    /// `None` only once dropped.
    stream: Option<TcpStream>,
    /// The client has closed its side (a read returned end of stream).
    peer_closed: bool,
}

impl Lingering {
    fn stream(&mut self) -> io::Result<&mut TcpStream> {
        self.stream
            .as_mut()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotConnected))
    }
}

impl AsyncRead for Lingering {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let wanted = buf.remaining() > 0;
        let stream = match this.stream() {
            Ok(stream) => stream,
            Err(error) => return Poll::Ready(Err(error)),
        };
        let polled = Pin::new(stream).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled
            && wanted
            && buf.filled().len() == before
        {
            this.peer_closed = true;
        }
        polled
    }
}

impl AsyncWrite for Lingering {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut().stream() {
            Ok(stream) => Pin::new(stream).poll_write(cx, buf),
            Err(error) => Poll::Ready(Err(error)),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut().stream() {
            Ok(stream) => Pin::new(stream).poll_write_vectored(cx, bufs),
            Err(error) => Poll::Ready(Err(error)),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.as_ref().is_some_and(|s| s.is_write_vectored())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut().stream() {
            Ok(stream) => Pin::new(stream).poll_flush(cx),
            Err(error) => Poll::Ready(Err(error)),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut().stream() {
            Ok(stream) => Pin::new(stream).poll_shutdown(cx),
            Err(error) => Poll::Ready(Err(error)),
        }
    }
}

impl Drop for Lingering {
    fn drop(&mut self) {
        let Some(stream) = self.stream.take() else {
            return;
        };
        if self.peer_closed {
            return;
        }
        // Outside a runtime (never, for axum's connections) the socket just closes.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(linger(stream));
        }
    }
}

/// Sends FIN, then discards what the client still sends until it closes, fails, or
/// [`LINGER`] has passed.
async fn linger(mut stream: TcpStream) {
    let drained = tokio::time::timeout(LINGER, async {
        // FIN after whatever the server wrote last: the client reads that, then end of stream.
        stream.shutdown().await?;
        let mut sink = [0u8; 8192];
        let mut discarded = 0u64;
        loop {
            match stream.read(&mut sink).await? {
                0 => return Ok::<u64, io::Error>(discarded),
                n => discarded += n as u64,
            }
        }
    })
    .await;
    match drained {
        Ok(Ok(discarded)) if discarded > 0 => {
            tracing::debug!(discarded, "discarded a closed connection's unread bytes");
        }
        Ok(Ok(_)) => {}
        Ok(Err(error)) => tracing::trace!(%error, "lingering close ended by an error"),
        Err(_) => tracing::debug!(
            linger_ms = LINGER.as_millis() as u64,
            "client still sending after the lingering close; resetting"
        ),
    }
}
