//! [`ClientBuilder`]: a client's options.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use affinity_protocol::session::{Config, Session};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::ClientError;
use crate::client::{Client, Shared};
use crate::context::Context;
use crate::endpoints::Endpoints;
use crate::live::{Driver, DriverParts};
use crate::rest::{Encoding, Transport};
use crate::schemas::Schemas;

/// How many commands (subscribe, publish, connect) may wait for the driver task; callers wait
/// for room beyond that.
const COMMAND_CAPACITY: usize = 256;

/// Options of a [`Client`]; start with [`Client::builder`].
///
/// ```no_run
/// # async fn f() -> Result<(), affinity_client::ClientError> {
/// use std::time::Duration;
/// use affinity_client::{Client, Encoding};
/// let client = Client::builder("http://127.0.0.1:8080")
///     .encoding(Encoding::Json)
///     .request_timeout(Duration::from_secs(5))
///     .connect()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    base: String,
    encoding: Encoding,
    session: Config,
    connect_timeout: Duration,
    request_timeout: Duration,
    max_response_bytes: usize,
    expect_continue_over: usize,
    schemas_path: String,
    subscription_buffer: usize,
}

impl ClientBuilder {
    pub(crate) fn new(base: &str) -> Self {
        ClientBuilder {
            base: base.to_owned(),
            encoding: Encoding::default(),
            session: Config::default(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_response_bytes: 16 << 20,
            expect_continue_over: 64 << 10,
            schemas_path: "/schemas".to_owned(),
            subscription_buffer: 16,
        }
    }

    /// The encoding of HTTP bodies (default [`Encoding::Binary`]).
    pub fn encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// The live session's limits and timings: subscriptions, heartbeats, reconnect backoff…
    /// (default [`Config::default`]).
    pub fn session(mut self, config: Config) -> Self {
        self.session = config;
        self
    }

    /// How long opening the live WebSocket may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one HTTP call (or schema fetch) may take, body included (default 30 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The largest HTTP response body read (default 16 MiB); larger ones are
    /// [`ClientError::BodyTooLarge`].
    pub fn max_response_bytes(mut self, max: usize) -> Self {
        self.max_response_bytes = max;
        self
    }

    /// Request bodies longer than this many bytes (default 64 KiB) are sent with
    /// `Expect: 100-continue`: the body waits for the server's `100 Continue` (at most 1 s, then
    /// it is sent anyway). A server that refuses the request from its head — a `413` for a body
    /// over its limit, a `415` — then answers before any of the body is written, and the call
    /// returns that answer ([`ClientError::Status`]) instead of failing on the connection the
    /// server closed. Costs one round trip per large body; `usize::MAX` never sends it.
    pub fn expect_continue_over(mut self, bytes: usize) -> Self {
        self.expect_continue_over = bytes;
        self
    }

    /// Where the server mounts its Confluent-compatible schema registry API, relative to the
    /// base URL (default `/schemas`: schemas are fetched from `/schemas/schemas/ids/{id}`).
    pub fn schemas_path(mut self, path: &str) -> Self {
        self.schemas_path = path.to_owned();
        self
    }

    /// How many undelivered values each subscription buffers (default 16, at least 1). A
    /// consumer further behind skips the oldest of them: it always gets the latest value, in
    /// order, but not every intermediate one. 1 makes each subscription a latest-value cell.
    pub fn subscription_buffer(mut self, updates: usize) -> Self {
        self.subscription_buffer = updates.max(1);
        self
    }

    /// Builds the client and starts its driver task. Nothing is connected yet: the live
    /// WebSocket opens at the first subscribe, publish or [`Client::ensure_connected`]. Must be
    /// called inside a tokio runtime.
    pub fn build(self) -> Result<Client, ClientError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| ClientError::NoRuntime)?;
        let endpoints = Endpoints::parse(&self.base, &self.schemas_path)?;
        let live_url = endpoints.live();
        let ctx = Arc::new(Context {
            endpoints,
            transport: Transport::new(
                self.request_timeout,
                self.max_response_bytes,
                self.expect_continue_over,
            ),
            encoding: self.encoding,
            schemas: Schemas::default(),
            resolvers: Default::default(),
        });
        let (commands, commands_rx) = mpsc::channel(COMMAND_CAPACITY);
        let (dropped, dropped_rx) = mpsc::channel(self.session.max_subscriptions.max(16));
        let cancel = CancellationToken::new();
        let driver = Driver::new(DriverParts {
            session: Session::new(self.session),
            ctx: ctx.clone(),
            live_url,
            connect_timeout: self.connect_timeout,
            commands: commands_rx,
            dropped: dropped_rx,
            cancel: cancel.clone(),
        });
        let task = runtime.spawn(driver.run());
        Ok(Client::from_shared(Arc::new(Shared {
            ctx,
            commands,
            dropped,
            cancel,
            buffer: self.subscription_buffer,
            task: Mutex::new(Some(task)),
        })))
    }

    /// Builds the client and opens its live WebSocket; fails if that first attempt fails.
    pub async fn connect(self) -> Result<Client, ClientError> {
        let client = self.build()?;
        client.ensure_connected().await?;
        Ok(client)
    }
}
