//! [`HttpConnection`]: one keep-alive HTTP/1.1 connection of the load generator.

use std::net::SocketAddr;

use bytes::Bytes;
use http::{HeaderValue, Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

use crate::error::BenchError;

/// One HTTP/1.1 connection, reused for every request (keep-alive). Dropping it closes it.
#[derive(Debug)]
pub(crate) struct HttpConnection {
    host: HeaderValue,
    sender: SendRequest<Empty<Bytes>>,
    driver: JoinHandle<()>,
}

impl Drop for HttpConnection {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

impl HttpConnection {
    /// Connects to `addr`.
    pub(crate) async fn open(addr: SocketAddr) -> Result<HttpConnection, BenchError> {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(BenchError::io("connecting over HTTP"))?;
        stream
            .set_nodelay(true)
            .map_err(BenchError::io("setting TCP_NODELAY"))?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| BenchError::Http(e.to_string()))?;
        let driver = tokio::spawn(async move {
            let _ = connection.await;
        });
        let host =
            HeaderValue::try_from(addr.to_string()).map_err(|e| BenchError::Http(e.to_string()))?;
        Ok(HttpConnection {
            host,
            sender,
            driver,
        })
    }

    /// Sends `method path` with `Accept: accept` and returns the status and the whole body.
    pub(crate) async fn send(
        &mut self,
        method: Method,
        path: &str,
        accept: &'static str,
    ) -> Result<(StatusCode, Bytes), BenchError> {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, self.host.clone())
            .header(header::ACCEPT, accept)
            .body(Empty::new())
            .map_err(|e| BenchError::Http(e.to_string()))?;
        self.sender
            .ready()
            .await
            .map_err(|e| BenchError::Http(e.to_string()))?;
        let response = self
            .sender
            .send_request(request)
            .await
            .map_err(|e| BenchError::Http(e.to_string()))?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| BenchError::Http(e.to_string()))?
            .to_bytes();
        Ok((status, body))
    }
}
