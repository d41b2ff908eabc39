//! [`Transport`]: one HTTP exchange over hyper-util's pooled client, with a timeout and a bound
//! on the response body.

use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use http::{Method, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper_util::client::legacy::Client as Hyper;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::ClientError;

/// A response read whole.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// hyper-util's legacy client (connection pool, HTTP/1.1) with the client's limits.
#[derive(Clone, Debug)]
pub(crate) struct Transport {
    hyper: Hyper<HttpConnector, Full<Bytes>>,
    timeout: Duration,
    max_body: usize,
}

impl Transport {
    pub(crate) fn new(timeout: Duration, max_body: usize) -> Self {
        Transport {
            hyper: Hyper::builder(TokioExecutor::new()).build_http(),
            timeout,
            max_body,
        }
    }

    /// Sends one request and reads its whole answer, whatever its status.
    pub(crate) async fn send(
        &self,
        method: Method,
        uri: Uri,
        accept: &'static str,
        body: Option<(&'static str, Vec<u8>)>,
    ) -> Result<Reply, ClientError> {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(ACCEPT, HeaderValue::from_static(accept));
        let body = match body {
            Some((content_type, bytes)) => {
                request = request.header(CONTENT_TYPE, HeaderValue::from_static(content_type));
                Full::new(Bytes::from(bytes))
            }
            None => Full::new(Bytes::new()),
        };
        let request = request
            .body(body)
            .map_err(|e| ClientError::Transport(e.into()))?;
        let exchange = async {
            let response = self
                .hyper
                .request(request)
                .await
                .map_err(|e| ClientError::Transport(e.into()))?;
            let (parts, body) = response.into_parts();
            let body = Limited::new(body, self.max_body)
                .collect()
                .await
                .map_err(|e| {
                    if e.downcast_ref::<LengthLimitError>().is_some() {
                        ClientError::BodyTooLarge { max: self.max_body }
                    } else {
                        ClientError::Transport(e)
                    }
                })?
                .to_bytes();
            Ok(Reply {
                status: parts.status,
                headers: parts.headers,
                body,
            })
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| ClientError::Timeout(self.timeout))?
    }
}
