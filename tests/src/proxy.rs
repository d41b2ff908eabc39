//! A loopback TCP proxy the test can cut: every connection through it drops at once, and new
//! ones are refused until it is restored — a network failure between a client and the node.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

#[derive(Debug)]
struct Shared {
    upstream: SocketAddr,
    open: AtomicBool,
    refused: AtomicUsize,
    accepted: AtomicUsize,
    /// Cancelled by a cut: ends every connection made before it.
    generation: Mutex<CancellationToken>,
    tasks: TaskTracker,
}

/// A proxy from a loopback port to `upstream`. Dropping it stops it and its connections.
#[derive(Debug)]
pub struct Proxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: CancellationToken,
    accept: JoinHandle<()>,
}

impl Proxy {
    /// A proxy to `upstream` on a random loopback port, open.
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            upstream,
            open: AtomicBool::new(true),
            refused: AtomicUsize::new(0),
            accepted: AtomicUsize::new(0),
            generation: Mutex::new(CancellationToken::new()),
            tasks: TaskTracker::new(),
        });
        let stop = CancellationToken::new();
        let accept = tokio::spawn(accept_loop(listener, shared.clone(), stop.clone()));
        Proxy {
            addr,
            shared,
            stop,
            accept,
        }
    }

    /// The proxy's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Drops every connection through the proxy and refuses new ones until
    /// [`restore`](Self::restore).
    pub fn cut(&self) {
        self.shared.open.store(false, Ordering::SeqCst);
        let mut generation = self
            .shared
            .generation
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        generation.cancel();
        *generation = CancellationToken::new();
    }

    /// Lets connections through again.
    pub fn restore(&self) {
        self.shared.open.store(true, Ordering::SeqCst);
    }

    /// How many connections were refused while cut.
    pub fn refused(&self) -> usize {
        self.shared.refused.load(Ordering::SeqCst)
    }

    /// How many connections were let through.
    pub fn accepted(&self) -> usize {
        self.shared.accepted.load(Ordering::SeqCst)
    }

    /// Waits until every connection task has ended (after a cut, they end at once).
    pub async fn connections_closed(&self) {
        // Tasks accepted from now on are not waited for: only the ones running.
        let tasks = self.shared.tasks.clone();
        tasks.close();
        tasks.wait().await;
        tasks.reopen();
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.cancel();
        self.cut();
        self.accept.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, stop: CancellationToken) {
    loop {
        let accepted = tokio::select! {
            () = stop.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((client, _)) = accepted else { continue };
        if !shared.open.load(Ordering::SeqCst) {
            shared.refused.fetch_add(1, Ordering::SeqCst);
            drop(client);
            continue;
        }
        shared.accepted.fetch_add(1, Ordering::SeqCst);
        let cut = shared
            .generation
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let upstream = shared.upstream;
        shared.tasks.spawn(async move {
            tokio::select! {
                () = cut.cancelled() => {}
                () = pump(client, upstream) => {}
            }
        });
    }
}

/// Copies both ways until either side closes.
async fn pump(mut client: TcpStream, upstream: SocketAddr) {
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
}
