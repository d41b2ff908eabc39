//! The gateway layer: puts the [`Gateway`] context in request extensions, negotiates the
//! response format before the handler runs, and adds `Affinity-Schema-Id` to Avro responses.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use affinity_avro::{Schema, SchemaId};
use http::{HeaderValue, Request, Response};
use tokio::task::futures::TaskLocalFuture;
use tower::{Layer, Service};

use super::accept::{NotAcceptable, negotiate};
use super::{Format, Gateway, SCHEMA_ID_HEADER};

/// What the gateway layer gives the responders of one request (see [`layer`]).
#[derive(Clone)]
struct Scope {
    format: Result<Format, NotAcceptable>,
    gateway: Gateway,
}

tokio::task_local! {
    static SCOPE: Scope;
}

/// The response format negotiated for the request being handled: what the gateway layer
/// found in `Accept`, or Avro-JSON outside the layer. For custom responders that want to answer
/// as [`Avro<T>`](super::Avro) does.
pub fn response_format() -> Result<Format, NotAcceptable> {
    SCOPE
        .try_with(|scope| scope.format.clone())
        .unwrap_or(Ok(Format::Json))
}

/// The schema id already known for `schema` in the request's gateway context, if any: the
/// responder sets `Affinity-Schema-Id` itself then, and the layer has nothing to do.
pub(crate) fn known_schema_id(schema: &Schema) -> Option<SchemaId> {
    SCOPE
        .try_with(|scope| scope.gateway.schema_id(schema))
        .ok()
        .flatten()
}

/// The schema of an Avro response body whose id is not known yet, left in the response
/// extensions for the layer (which registers it).
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
/// The schema id is the other half: the task-local also carries the [`Gateway`], and `Avro<T>`
/// sets `Affinity-Schema-Id` from the ids it knows. Finding an id the first time may have to
/// register the schema, which is async, and `IntoResponse` is not: then `Avro<T>` leaves its
/// schema in the response extensions and this layer, after the inner service answered,
/// registers it and sets the header.
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
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = GatewayFuture<S::Future, R>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let scope = Scope {
            format: negotiate(request.headers()),
            gateway: self.gateway.clone(),
        };
        request.extensions_mut().insert(self.gateway.clone());
        // Services that answer in `call` see the scope as well as those answering in their
        // future.
        let inner = &mut self.inner;
        let future = SCOPE.sync_scope(scope.clone(), || inner.call(request));
        GatewayFuture {
            state: State::Answering {
                inner: SCOPE.scope(scope, future),
            },
        }
    }
}

type Registering = Pin<Box<dyn Future<Output = Option<SchemaId>> + Send>>;

pin_project_lite::pin_project! {
    /// The future of [`GatewayService`]: the inner service's, then, the first time a response
    /// type is sent, the registration of its schema.
    pub struct GatewayFuture<F, R> {
        #[pin]
        state: State<F, R>,
    }
}

pin_project_lite::pin_project! {
    #[project = StateProjection]
    enum State<F, R> {
        Answering { #[pin] inner: TaskLocalFuture<Scope, F> },
        Registering { registering: Registering, response: Option<Response<R>> },
    }
}

impl<F, R, E> Future for GatewayFuture<F, R>
where
    F: Future<Output = Result<Response<R>, E>>,
{
    type Output = Result<Response<R>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.project().state;
        loop {
            match state.as_mut().project() {
                StateProjection::Answering { mut inner } => {
                    let mut response = std::task::ready!(inner.as_mut().poll(cx))?;
                    let Some(ResponseSchema(schema)) =
                        response.extensions_mut().remove::<ResponseSchema>()
                    else {
                        return Poll::Ready(Ok(response));
                    };
                    if response.headers().contains_key(SCHEMA_ID_HEADER) {
                        return Poll::Ready(Ok(response));
                    }
                    // The scope is not needed any more: its gateway registers the schema.
                    let Some(Scope { gateway, .. }) = inner.take_value() else {
                        return Poll::Ready(Ok(response));
                    };
                    state.set(State::Registering {
                        registering: Box::pin(
                            async move { gateway.response_schema_id(schema).await },
                        ),
                        response: Some(response),
                    });
                }
                StateProjection::Registering {
                    registering,
                    response,
                } => {
                    let id = std::task::ready!(registering.as_mut().poll(cx));
                    let Some(mut response) = response.take() else {
                        // Polled again after it answered (a caller's bug): nothing more comes.
                        return Poll::Pending;
                    };
                    if let Some(id) = id {
                        response
                            .headers_mut()
                            .insert(SCHEMA_ID_HEADER, HeaderValue::from(id.0));
                    }
                    return Poll::Ready(Ok(response));
                }
            }
        }
    }
}

impl<F, R> std::fmt::Debug for GatewayFuture<F, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewayFuture").finish_non_exhaustive()
    }
}
