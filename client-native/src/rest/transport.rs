//! [`Transport`]: one HTTP exchange over hyper-util's pooled client, with a timeout and a bound
//! on the response body; large bodies wait for `100 Continue` (see [`super::body`]).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, EXPECT, HeaderMap, HeaderValue};
use http::{Method, Request, StatusCode, Uri};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper_util::client::legacy::Client as Hyper;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::body::{Gate, RequestBody};
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
    hyper: Hyper<HttpConnector, RequestBody>,
    timeout: Duration,
    max_body: usize,
    /// Bodies longer than this are sent with `Expect: 100-continue`.
    expect_continue_over: usize,
}

impl Transport {
    pub(crate) fn new(timeout: Duration, max_body: usize, expect_continue_over: usize) -> Self {
        Transport {
            hyper: Hyper::builder(TokioExecutor::new()).build_http(),
            timeout,
            max_body,
            expect_continue_over,
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
        let mut gate = None;
        let body = match body {
            Some((content_type, bytes)) => {
                request = request.header(CONTENT_TYPE, HeaderValue::from_static(content_type));
                if bytes.len() > self.expect_continue_over {
                    request = request.header(EXPECT, HeaderValue::from_static("100-continue"));
                    let held = Arc::new(Gate::default());
                    gate = Some(held.clone());
                    RequestBody::after_continue(Bytes::from(bytes), held)
                } else {
                    RequestBody::now(Bytes::from(bytes))
                }
            }
            None => RequestBody::empty(),
        };
        let mut request = request
            .body(body)
            .map_err(|e| ClientError::Transport(e.into()))?;
        if let Some(gate) = &gate {
            let gate = gate.clone();
            hyper::ext::on_informational(&mut request, move |response| {
                gate.informational(response.status());
            });
        }
        // However the exchange ends, a body still held back is not sent any more.
        let _abandon = gate.map(Abandon);
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

/// Abandons a held-back body when the exchange is over (answered, failed or timed out).
struct Abandon(Arc<Gate>);

impl Drop for Abandon {
    fn drop(&mut self) {
        self.0.abandon();
    }
}
