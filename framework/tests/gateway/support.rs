//! A real server on 127.0.0.1 with the gateway's layers, and an HTTP client for it.

// Test helpers: a failure to bind, connect or read is the test's failure.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use affinity::config::HttpConfig;
use affinity::gateway::{ApiError, Avro, Gateway, GatewayLayers, Readiness, ops_routes};
use affinity::metrics::{HttpMetrics, Metrics};
use affinity_avro::Avro as AvroType;
use axum::Router;
use axum::extract::Path;
use axum::routing::{get, put};
use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Every wait in these tests is bounded by this.
pub(crate) const WAIT: Duration = Duration::from_secs(10);

#[derive(AvroType, Clone, Debug, PartialEq)]
#[avro(namespace = "com.example.test")]
pub(crate) struct Vertex {
    pub(crate) id: i64,
    pub(crate) edges: Vec<i64>,
    pub(crate) label: Option<String>,
}

/// The subject `Vertex` is registered under: its full name.
pub(crate) const SUBJECT: &str = "com.example.test.Vertex";

/// What the test app needs besides its routes.
pub(crate) struct Setup {
    pub(crate) config: HttpConfig,
    pub(crate) gateway: Gateway,
    pub(crate) readiness: Readiness,
    pub(crate) metrics: Metrics,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            config: HttpConfig::default(),
            gateway: Gateway::with_registry(Arc::new(affinity_avro::MemoryRegistry::new())),
            readiness: Readiness::new(),
            metrics: Metrics::new(),
        }
    }
}

/// Echoes a vertex with its edges sorted (so a test sees the handler ran).
async fn put_vertex(Avro(mut v): Avro<Vertex>) -> Avro<Vertex> {
    v.edges.sort_unstable();
    Avro(v)
}

async fn get_vertex(Path(id): Path<i64>) -> Result<Avro<Vertex>, ApiError> {
    if id < 0 {
        return Err(ApiError::NotFound);
    }
    Ok(Avro(Vertex {
        id,
        edges: (0..id).collect(),
        label: Some(format!("vertex {id}")),
    }))
}

async fn error(Path(kind): Path<String>) -> Result<Avro<Vertex>, ApiError> {
    Err(match kind.as_str() {
        "bad_request" => ApiError::BadRequest("id must be positive".into()),
        "not_found" => ApiError::NotFound,
        "conflict" => ApiError::Conflict("vertex 7 exists".into()),
        "unavailable" => ApiError::Unavailable {
            retry_after: Duration::from_millis(2500),
        },
        "timeout" => ApiError::Timeout,
        _ => ApiError::internal("secret detail: /var/lib/affinity/db is corrupt"),
    })
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(60)).await;
    "late"
}

/// The test application: the routes above plus the ops routes, under the gateway's layers.
pub(crate) fn app(setup: &Setup) -> Router {
    let routes = Router::new()
        .route("/vertex", put(put_vertex).post(put_vertex))
        .route("/vertex/{id}", get(get_vertex))
        .route("/error/{kind}", get(error))
        .route("/slow", get(slow))
        .route("/text", get(|| async { "plain text, not Avro" }))
        .merge(ops_routes(setup.readiness.clone(), setup.metrics.clone()));
    GatewayLayers::new(&setup.config)
        .gateway(setup.gateway.clone())
        .metrics(HttpMetrics::register(&setup.metrics).unwrap())
        .apply(routes)
}

/// A server on a random loopback port, stopped when dropped.
pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    client: Client<HttpConnector, Full<Bytes>>,
    stop: Option<oneshot::Sender<()>>,
    _task: JoinHandle<()>,
}

impl Server {
    pub(crate) async fn start(app: Router) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Server {
            addr,
            client: Client::builder(TokioExecutor::new()).build_http(),
            stop: Some(stop),
            _task: task,
        }
    }

    pub(crate) fn client(&self) -> Client<HttpConnector, Full<Bytes>> {
        self.client.clone()
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A request to `path` with these headers and body.
    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Request<Full<Bytes>> {
        let mut builder = Request::builder().method(method).uri(self.url(path));
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Full::new(body.into())).unwrap()
    }

    pub(crate) async fn send(&self, request: Request<Full<Bytes>>) -> Reply {
        let exchange = async {
            let response = self.client.request(request).await.unwrap();
            let (parts, body) = response.into_parts();
            let body = body.collect().await.unwrap().to_bytes();
            Reply {
                status: parts.status,
                headers: parts.headers,
                body,
            }
        };
        tokio::time::timeout(WAIT, exchange).await.unwrap()
    }

    /// Sends a request built by [`request`](Self::request).
    pub(crate) async fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Reply {
        self.send(self.request(method, path, headers, body)).await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A response, read whole.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    pub(crate) fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.body))
    }

    /// The `code` and `error` of an error body, checking its shape and content type.
    pub(crate) fn error(&self) -> (String, String) {
        assert_eq!(self.header("content-type"), Some("application/json"));
        let json = self.json();
        let object = json.as_object().unwrap();
        assert_eq!(
            object.len(),
            2,
            "error body has exactly error and code: {json}"
        );
        (
            object["code"].as_str().unwrap().to_owned(),
            object["error"].as_str().unwrap().to_owned(),
        )
    }
}
