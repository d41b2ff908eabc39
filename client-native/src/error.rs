//! [`ClientError`]: everything a call or a subscription can fail with.

use std::time::Duration;

use affinity_avro::{DecodeError, JsonError, ResolveError};
use affinity_protocol::SessionError;
use affinity_protocol::frame::ErrorCode;
use http::StatusCode;

/// A boxed transport error (hyper, tungstenite or the connector under them).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error of an HTTP call, a live subscription or a publish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The base URL (or a path joined to it) is not a usable URL.
    #[error("invalid URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL as given or as joined.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The client was built outside a tokio runtime; it needs one for its driver task.
    #[error("the client must be created inside a tokio runtime")]
    NoRuntime,
    /// The server answered an HTTP call with a status other than 2xx.
    #[error("HTTP {status}: {message}")]
    Status {
        /// The status.
        status: StatusCode,
        /// The error code of the server's JSON error body (`{"error": …, "code": …}`), if it
        /// had one.
        code: Option<String>,
        /// The server's message: the `error` of its JSON error body, or its plain-text body.
        message: String,
    },
    /// The request could not be sent or its answer not read (connection refused, reset…).
    #[error("HTTP transport error: {0}")]
    Transport(#[source] BoxError),
    /// The live WebSocket could not be opened.
    #[error("cannot open the live WebSocket: {0}")]
    WebSocket(#[source] BoxError),
    /// An HTTP call or a WebSocket handshake took longer than its timeout.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// A response body is larger than
    /// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes).
    #[error("the response body exceeds {max} bytes")]
    BodyTooLarge {
        /// The limit.
        max: usize,
    },
    /// A response has a content type that is neither Avro binary nor JSON.
    #[error("unexpected content type `{0}`")]
    ContentType(String),
    /// A response header the client reads has a value it cannot use.
    #[error("the response header `{name}` has the unusable value `{value}`")]
    BadHeader {
        /// The header.
        name: &'static str,
        /// Its value (lossy for non-ASCII).
        value: String,
    },
    /// A body or value is not valid Avro binary of its writer schema, or cannot be read as the
    /// requested type.
    #[error("cannot decode the value: {0}")]
    Decode(#[from] DecodeError),
    /// A JSON body is not valid Avro-JSON of its writer schema.
    #[error("cannot read the JSON body: {0}")]
    Json(#[from] JsonError),
    /// The writer schema of a value can never be read as the requested type.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// The writer schema named by a response or a live frame could not be fetched from the
    /// server's schema registry, or is not a valid schema.
    #[error("cannot get schema {id}: {reason}")]
    Schema {
        /// The registry id.
        id: i32,
        /// Why.
        reason: String,
    },
    /// The server ended a subscription or rejected a publish (an Error frame).
    #[error("server error {code}: {message}")]
    Server {
        /// What went wrong.
        code: ErrorCode,
        /// The server's message.
        message: String,
    },
    /// The live connection was lost after a publish was sent and before it was answered: it
    /// may or may not have been applied.
    #[error("the connection was lost before the publish was answered; it may have been applied")]
    PublishInDoubt,
    /// The live session refused the request (too many subscriptions or publishes, a frame too
    /// large); nothing was sent.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The client has shut down.
    #[error("the client has shut down")]
    Closed,
}
