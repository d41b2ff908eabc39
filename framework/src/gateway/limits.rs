//! [`RequestLimitsLayer`]: the request timeout and body limit, both answering with [`ApiError`]
//! bodies.
//!
//! tower-http has both (`TimeoutLayer`, `RequestBodyLimitLayer`), but they answer with an
//! empty or plain-text body; this answers with the JSON error body every other gateway error
//! has. It is a typed tower service, not `axum::middleware::from_fn`: a `from_fn` layer clones
//! the inner service (the route's boxed service) and boxes a `Next` and a future on every
//! request, which showed in the point-read benchmark's profile (framework/BENCHMARKS.md).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::response::{IntoResponse, Response};
use http::Request;
use http::header::CONTENT_LENGTH;
use http_body_util::Limited;
use tokio::time::Timeout;
use tower::{Layer, Service};

use super::{ApiError, AvroRejection};

/// The request body limit, left in request extensions for the extractors' messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimit(pub(crate) usize);

/// Refuses a request whose `Content-Length` is over `body_limit` before anything reads it (413),
/// caps the body of every other at `body_limit` bytes (a longer chunked body fails when read;
/// the [`Avro`](super::Avro) extractor and axum's own extractors answer `413`), and answers
/// `504` with [`ApiError::Timeout`] when the inner service takes longer than `timeout` to
/// produce the response head (the handler's future is dropped: cancelled).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestLimitsLayer {
    pub(crate) body_limit: usize,
    pub(crate) timeout: Duration,
}

impl<S> Layer<S> for RequestLimitsLayer {
    type Service = RequestLimits<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestLimits {
            inner,
            limits: *self,
        }
    }
}

/// The service of [`RequestLimitsLayer`].
#[derive(Debug, Clone)]
pub(crate) struct RequestLimits<S> {
    inner: S,
    limits: RequestLimitsLayer,
}

impl<S> Service<Request<Body>> for RequestLimits<S>
where
    S: Service<Request<Body>, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = LimitsFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let limit = self.limits.body_limit;
        let declared = request
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|len| len > limit as u64) {
            let refusal = ApiError::from(AvroRejection::PayloadTooLarge { limit: Some(limit) })
                .into_response();
            return LimitsFuture::Refused {
                response: Some(refusal),
            };
        }
        let (mut parts, body) = request.into_parts();
        // A request without a body (most GETs) has nothing to cap.
        let body = if body.is_end_stream() {
            body
        } else {
            Body::new(Limited::new(body, limit))
        };
        parts.extensions.insert(BodyLimit(limit));
        let future = self.inner.call(Request::from_parts(parts, body));
        LimitsFuture::Running {
            inner: tokio::time::timeout(self.limits.timeout, future),
            timeout: self.limits.timeout,
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`RequestLimits`].
    #[project = LimitsProjection]
    pub(crate) enum LimitsFuture<F> {
        /// Refused from the head.
        Refused { response: Option<Response> },
        /// Running the inner service, against the clock.
        Running { #[pin] inner: Timeout<F>, timeout: Duration },
    }
}

impl<F, E> Future for LimitsFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            LimitsProjection::Refused { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                None => Poll::Ready(Ok(
                    ApiError::internal("a refused request was polled again").into_response()
                )),
            },
            LimitsProjection::Running { inner, timeout } => match inner.poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(Ok(result)) => Poll::Ready(result),
                Poll::Ready(Err(_elapsed)) => {
                    // Inside the request's tracing span: method, route and path are on it.
                    tracing::warn!(timeout = ?timeout, "request timed out");
                    Poll::Ready(Ok(ApiError::Timeout.into_response()))
                }
            },
        }
    }
}
