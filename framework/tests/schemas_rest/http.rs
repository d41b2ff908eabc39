//! A node-like server for the `/schemas` routes on a loopback port, and a small HTTP client.

use std::sync::Arc;
use std::time::Duration;

use affinity::registry::schema_routes;
use affinity_avro::SchemaRegistry;
use axum::body::Bytes;
use http::{Method, Request, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

/// How long any one request may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// `schema_routes` nested at `/schemas`, served on 127.0.0.1 until dropped.
pub(crate) struct Server {
    /// `http://127.0.0.1:PORT`.
    pub(crate) root: String,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub(crate) async fn start(registry: Arc<dyn SchemaRegistry>) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let root = format!("http://{}", listener.local_addr().unwrap());
        let app = axum::Router::new().nest("/schemas", schema_routes(registry));
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Server { root, task }
    }

    /// The base URL a Confluent client is given.
    pub(crate) fn base(&self) -> String {
        format!("{}/schemas", self.root)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// An answer: status, `Content-Type` and body.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// Asserts a Confluent error: status, `error_code`, and a message.
    pub(crate) fn assert_error(&self, status: u16, code: u64) {
        let json = self.json();
        assert_eq!(
            (self.status, json["error_code"].as_u64()),
            (status, Some(code)),
            "{json}"
        );
        assert!(
            json["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{json}"
        );
        assert_eq!(
            self.content_type.as_deref(),
            Some(affinity::registry::rest::CONTENT_TYPE)
        );
    }
}

/// The HTTP client, with paths relative to the registry's base URL.
pub(crate) struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
}

/// The media type Confluent clients send.
pub(crate) const V1_JSON: &str = "application/vnd.schemaregistry.v1+json";

impl Http {
    pub(crate) fn new(server: &Server) -> Http {
        Http {
            client: Client::builder(TokioExecutor::new()).build_http(),
            base: server.base(),
        }
    }

    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<Bytes>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let request = request.body(Full::new(body.into())).unwrap();
        let response = tokio::time::timeout(TIMEOUT, self.client.request(request))
            .await
            .expect("request timed out")
            .unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned());
        let body = tokio::time::timeout(TIMEOUT, response.into_body().collect())
            .await
            .expect("body timed out")
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            content_type,
            body,
        }
    }

    pub(crate) async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None, Bytes::new()).await
    }

    pub(crate) async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None, Bytes::new()).await
    }

    pub(crate) async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(Method::POST, path, Some(V1_JSON), body.to_string())
            .await
    }

    pub(crate) async fn put(&self, path: &str, body: &Value) -> Reply {
        self.send(Method::PUT, path, Some(V1_JSON), body.to_string())
            .await
    }
}
