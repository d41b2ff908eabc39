//! A scripted test server on loopback, written with axum: the live protocol at `/live` (each
//! accepted WebSocket is handed to the test as a [`Conn`] to script), the Confluent schema API
//! at `/schemas/schemas/ids/{id}`, and a few Avro endpoints. Plus the test types and helpers.

#![allow(
    dead_code,
    unreachable_pub,
    missing_docs,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic
)]

mod conn;
mod routes;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use affinity_avro::delta::value_delta;
use affinity_avro::{Avro, Schema, Value, encode_value};
use affinity_client::{Client, ClientBuilder, SessionConfig};
use affinity_protocol::frame::{Delta, ServerFrame, Snapshot};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub use conn::Conn;

/// The longest any single wait in a test may take.
pub const WAIT: Duration = Duration::from_secs(10);

/// Awaits `f`, failing the test after [`WAIT`].
pub async fn within<F: Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(WAIT, f)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

/// The reader type of the tests.
#[derive(Avro, Clone, Debug, PartialEq)]
#[avro(namespace = "test")]
pub struct Counter {
    pub n: i64,
    pub name: String,
}

pub fn c(n: i64, name: &str) -> Counter {
    Counter {
        n,
        name: name.to_owned(),
    }
}

/// The registry id of [`Counter`]'s own schema.
pub const COUNTER_ID: i32 = 1;
/// Another writer of `test.Counter`: `n` is an int (promoted to long), fields are in another
/// order, and `extra` is a field the reader does not have.
pub const EVOLVED: &str = r#"{"type":"record","name":"Counter","namespace":"test","fields":[
    {"name":"extra","type":"boolean"},{"name":"name","type":"string"},{"name":"n","type":"int"}]}"#;
pub const EVOLVED_ID: i32 = 2;

/// A writer schema with its registry id; builds the frames and bodies the server sends.
#[derive(Clone, Debug)]
pub struct Writer {
    pub id: i32,
    pub schema: Schema,
}

impl Writer {
    pub fn counter() -> Writer {
        Writer {
            id: COUNTER_ID,
            schema: Counter::schema().clone(),
        }
    }

    pub fn evolved() -> Writer {
        Writer {
            id: EVOLVED_ID,
            schema: Schema::parse(EVOLVED).unwrap(),
        }
    }

    /// A value of this writer for the counter `n`, `name` (`extra` is true in an evolved one).
    pub fn value(&self, n: i64, name: &str) -> Value {
        if self.schema.fingerprint() != Counter::fingerprint() {
            Value::Record(vec![
                Value::Boolean(true),
                Value::String(name.into()),
                Value::Int(i32::try_from(n).unwrap()),
            ])
        } else {
            Value::Record(vec![Value::Long(n), Value::String(name.into())])
        }
    }

    pub fn bytes(&self, value: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        encode_value(&self.schema, value, &mut out).unwrap();
        out
    }

    pub fn snapshot(&self, sub_id: i64, offset: i64, value: &Value) -> ServerFrame {
        ServerFrame::Snapshot(Snapshot {
            sub_id,
            offset,
            schema_id: self.id,
            value: self.bytes(value),
        })
    }

    /// The delta from `old` at `base_offset` to `new` at `offset`, computed by affinity-avro.
    pub fn delta(
        &self,
        sub_id: i64,
        base_offset: i64,
        offset: i64,
        old: &Value,
        new: &Value,
    ) -> ServerFrame {
        ServerFrame::Delta(Delta {
            sub_id,
            offset,
            base_offset,
            schema_id: self.id,
            delta: value_delta(&self.schema, old, new).unwrap(),
        })
    }
}

/// A stored item: its writer schema id, the schema and the Avro binary value.
pub type Item = (i32, Schema, Vec<u8>);

/// What the server shares between its handlers and the test.
#[derive(Debug)]
pub struct State {
    pub(crate) conns: mpsc::Sender<Conn>,
    pub(crate) schemas: Mutex<HashMap<i32, String>>,
    pub(crate) schema_fetches: AtomicUsize,
    /// Items of `/items/{id}`: the writer schema (id and schema) and the Avro binary value.
    pub(crate) items: Mutex<HashMap<i64, Item>>,
    /// `Content-Type` and `Accept` of the last `/items` request.
    pub(crate) last_request: Mutex<(Option<String>, Option<String>)>,
}

/// The server, listening on 127.0.0.1 at a free port until dropped.
pub struct TestServer {
    pub base: String,
    pub state: Arc<State>,
    conns: mpsc::Receiver<Conn>,
    task: JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    pub async fn start() -> TestServer {
        let (tx, conns) = mpsc::channel(16);
        let state = Arc::new(State {
            conns: tx,
            schemas: Mutex::new(HashMap::from([
                (COUNTER_ID, Counter::schema().to_json()),
                (EVOLVED_ID, EVOLVED.to_owned()),
            ])),
            schema_fetches: AtomicUsize::new(0),
            items: Mutex::new(HashMap::new()),
            last_request: Mutex::new((None, None)),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = routes::router(state.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        TestServer {
            base,
            state,
            conns,
            task,
        }
    }

    /// A client of this server that reconnects within tens of milliseconds.
    pub fn client(&self) -> ClientBuilder {
        Client::builder(&self.base).session(SessionConfig {
            reconnect_min: Duration::from_millis(20),
            reconnect_max: Duration::from_millis(200),
            ..SessionConfig::default()
        })
    }

    /// The next live WebSocket a client opens.
    pub async fn accept(&mut self) -> Conn {
        within("a live connection", self.conns.recv())
            .await
            .expect("the server runs")
    }

    /// Fails if a client opens a live WebSocket within `d`.
    pub async fn no_connection_within(&mut self, d: Duration) {
        if let Ok(Some(_)) = tokio::time::timeout(d, self.conns.recv()).await {
            panic!("an unexpected second connection");
        }
    }

    pub fn schema_fetches(&self) -> usize {
        self.state.schema_fetches.load(Ordering::SeqCst)
    }

    pub fn put_item(&self, id: i64, writer: &Writer, value: &Value) {
        let bytes = writer.bytes(value);
        self.state
            .items
            .lock()
            .unwrap()
            .insert(id, (writer.id, writer.schema.clone(), bytes));
    }

    /// An item's writer schema id and Avro binary value.
    pub fn item(&self, id: i64) -> Option<(i32, Vec<u8>)> {
        let items = self.state.items.lock().unwrap();
        items.get(&id).map(|(id, _, bytes)| (*id, bytes.clone()))
    }

    /// Registers `writer`'s schema under its id.
    pub fn register(&self, writer: &Writer) {
        self.state
            .schemas
            .lock()
            .unwrap()
            .insert(writer.id, writer.schema.to_json());
    }

    pub fn last_request(&self) -> (Option<String>, Option<String>) {
        self.state.last_request.lock().unwrap().clone()
    }
}
