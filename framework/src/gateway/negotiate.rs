//! The gateway layer: puts the [`Gateway`] context in request extensions, negotiates the
//! response format before the handler runs, and adds `Affinity-Schema-Id` to Avro responses.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use affinity_avro::Schema;
use http::{HeaderValue, Request, Response};
use tower::{Layer, Service};

use super::accept::{NotAcceptable, negotiate};
use super::{Format, Gateway, SCHEMA_ID_HEADER};

tokio::task_local! {
    static RESPONSE_FORMAT: Result<Format, NotAcceptable>;
}

/// The response format negotiated for the request being handled: what the gateway layer
/// found in `Accept`, or Avro-JSON outside the layer. For custom responders that want to answer
/// as [`Avro<T>`](super::Avro) does.
pub fn response_format() -> Result<Format, NotAcceptable> {
    RESPONSE_FORMAT
        .try_with(Clone::clone)
        .unwrap_or(Ok(Format::Json))
}

/// The schema of an Avro response body, left in the response extensions for the layer.
#[derive(Clone, Copy)]
pub(crate) struct ResponseSchema(pub(crate) &'static Schema);

/// The gateway layer for `gateway`: puts the [`Gateway`] context in request extensions,
/// negotiates the response format from `Accept` before the handler runs, and adds
/// `Affinity-Schema-Id` to [`Avro<T>`](super::Avro) responses. Add it with
/// [`axum::Router::layer`]; [`GatewayLayers`](super::GatewayLayers) includes it.
///
/// # Why a task-local
///
/// `IntoResponse` sees only the value, never the request, so [`Avro<T>`](super::Avro) cannot
/// read `Accept` when it turns into a response. axum's own `Json` needs no request (it has one
/// format); tower-http's compression reads `Accept-Encoding` in its service and rewrites the
/// response body afterwards, which for Avro would mean encoding the value before knowing the
/// format and again after. Instead, this layer parses `Accept` when the request arrives and
/// runs the inner service inside a tokio task-local holding the result; `Avro<T>` reads it
/// while axum turns the handler's return value into a response — within the same task, so
/// handler signatures stay plain and the value is encoded once, in the negotiated format. A
/// response built outside the request's task (in a spawned task) does not see it and uses
/// Avro-JSON, the default; so does one built without the layer.
///
/// The schema id is the other half: looking it up may have to register the schema, which is
/// async, and `IntoResponse` is not. `Avro<T>` leaves its schema in the response extensions
/// and this layer, after the inner service answered, sets the header.
pub fn layer(gateway: Gateway) -> GatewayLayer {
    GatewayLayer { gateway }
}

/// The layer [`layer`] returns.
#[derive(Debug, Clone)]
pub struct GatewayLayer {
    gateway: Gateway,
}

impl<S> Layer<S> for GatewayLayer {
    type Service = GatewayService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        GatewayService {
            inner,
            gateway: self.gateway.clone(),
        }
    }
}

/// The service of [`GatewayLayer`].
#[derive(Debug, Clone)]
pub struct GatewayService<S> {
    inner: S,
    gateway: Gateway,
}

impl<S, B, R> Service<Request<B>> for GatewayService<S>
where
    S: Service<Request<B>, Response = Response<R>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    R: Send + 'static,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<R>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let format = negotiate(request.headers());
        request.extensions_mut().insert(self.gateway.clone());
        let gateway = self.gateway.clone();
        // Services that answer in `call` see the format as well as those answering in their
        // future.
        let inner = &mut self.inner;
        let future = RESPONSE_FORMAT.sync_scope(format.clone(), || inner.call(request));
        let future = RESPONSE_FORMAT.scope(format, future);
        Box::pin(async move {
            let mut response = future.await?;
            let schema = response.extensions().get::<ResponseSchema>().copied();
            if let Some(ResponseSchema(schema)) = schema
                && !response.headers().contains_key(SCHEMA_ID_HEADER)
                && let Some(id) = gateway.response_schema_id(schema).await
            {
                response
                    .headers_mut()
                    .insert(SCHEMA_ID_HEADER, HeaderValue::from(id.0));
            }
            Ok(response)
        })
    }
}
