//! A raw HTTP client: exact requests, exact answers (status, headers, body bytes).

use std::net::SocketAddr;

use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::wait::within;

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl Reply {
    /// A header's value as text (empty when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "the body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The `code` and `error` of a gateway error body `{"error": …, "code": …}`.
    pub fn error(&self) -> (String, String) {
        let json = self.json();
        let text = |k: &str| {
            json[k]
                .as_str()
                .unwrap_or_else(|| panic!("no `{k}` in the error body {json}"))
                .to_owned()
        };
        (text("code"), text("error"))
    }
}

/// A raw HTTP/1.1 client of one server.
#[derive(Clone, Debug)]
pub struct Http {
    addr: SocketAddr,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Http {
    /// A client of the server at `addr`.
    pub fn new(addr: SocketAddr) -> Self {
        Http {
            addr,
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// Sends one request (bounded by [`WAIT`](crate::WAIT)) and reads the whole answer.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.addr));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Full::new(body.into())).unwrap();
        within("an HTTP exchange", async {
            let response = self.client.request(request).await.unwrap();
            let (parts, body) = response.into_parts();
            let body = body.collect().await.unwrap().to_bytes();
            Reply {
                status: parts.status,
                headers: parts.headers,
                body,
            }
        })
        .await
    }

    /// `GET path` with `Accept: accept`.
    pub async fn get(&self, path: &str, accept: &str) -> Reply {
        self.send(Method::GET, path, &[("accept", accept)], Bytes::new())
            .await
    }

    /// `method path` with a body of media type `content_type` and `Accept: accept`.
    pub async fn with_body(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        accept: &str,
        body: impl Into<Bytes>,
    ) -> Reply {
        self.send(
            method,
            path,
            &[("content-type", content_type), ("accept", accept)],
            body,
        )
        .await
    }

    /// Sends `head` with `Content-Length` and then the whole `body` on a fresh TCP connection,
    /// and returns the answer's status code and the whole answer as text. The server may
    /// answer before it has read the body; the rest of the body is then not sent (a write that
    /// fails because the server closed is not an error here: its answer is read).
    ///
    /// (hyper's client reports such an early answer as a failed request — a broken pipe or an
    /// incomplete message — rather than returning it; this reads what the server said.)
    pub async fn declared(&self, head: &str, body: &[u8]) -> (u16, String) {
        within("an HTTP exchange", async {
            let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
            let head = format!(
                "{head}\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                self.addr,
                body.len()
            );
            stream.write_all(head.as_bytes()).await.unwrap();
            let _ = stream.write_all(body).await;
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer).await;
            status_of(String::from_utf8_lossy(&answer).into_owned())
        })
        .await
    }

    /// Sends `head` with `Content-Length` and `Expect: 100-continue` on a fresh TCP connection,
    /// and the body only if the server answers `100 Continue` — as curl does for large bodies
    /// — then returns the final answer's status code and the whole answer as text. A server
    /// that refuses the request from its head answers without reading a body that never came.
    pub async fn expect_continue(&self, head: &str, body: &[u8]) -> (u16, String) {
        within("an HTTP exchange with Expect: 100-continue", async {
            let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
            let head = format!(
                "{head}\r\nHost: {}\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
                self.addr,
                body.len()
            );
            stream.write_all(head.as_bytes()).await.unwrap();
            let mut answer = Vec::new();
            let mut buf = [0u8; 4096];
            // The first answer's head: 100 Continue, or the final answer.
            while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = stream.read(&mut buf).await.unwrap();
                assert!(n > 0, "the server closed before answering");
                answer.extend_from_slice(&buf[..n]);
            }
            if answer.starts_with(b"HTTP/1.1 100") {
                let end = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                answer.drain(..end);
                stream.write_all(body).await.unwrap();
            }
            let _ = stream.read_to_end(&mut answer).await;
            status_of(String::from_utf8_lossy(&answer).into_owned())
        })
        .await
    }

    /// Sends `head` and then `body` in chunks of `chunk` bytes with chunked transfer encoding
    /// on a fresh TCP connection, and returns the status line's code and the rest of the
    /// answer as text. The server may answer before it has read the whole body; what it does
    /// not read is not sent.
    pub async fn chunked(&self, head: &str, body: &[u8], chunk: usize) -> (u16, String) {
        within("a chunked HTTP exchange", async {
            let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
            let head = format!(
                "{head}\r\nHost: {}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                self.addr
            );
            stream.write_all(head.as_bytes()).await.unwrap();
            for piece in body.chunks(chunk) {
                let mut framed = format!("{:x}\r\n", piece.len()).into_bytes();
                framed.extend_from_slice(piece);
                framed.extend_from_slice(b"\r\n");
                if stream.write_all(&framed).await.is_err() {
                    break; // The server answered and closed: read what it said.
                }
            }
            let _ = stream.write_all(b"0\r\n\r\n").await;
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer).await;
            status_of(String::from_utf8_lossy(&answer).into_owned())
        })
        .await
    }
}

/// The status code of an answer's status line, and the answer.
fn status_of(text: String) -> (u16, String) {
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    (code, text)
}
