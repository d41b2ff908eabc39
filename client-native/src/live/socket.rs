//! Opening the live WebSocket.

use std::time::Duration;

use affinity_protocol::frame::SUBPROTOCOL;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::http::header::SEC_WEBSOCKET_PROTOCOL;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async_with_config};

use crate::ClientError;

/// An open live WebSocket.
pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens the live WebSocket at `url`, offering the protocol's subprotocol
/// ([`SUBPROTOCOL`], which the server must echo), with messages limited to `max_frame` bytes
/// and the handshake to `timeout`.
pub(crate) async fn open(
    url: &str,
    max_frame: usize,
    timeout: Duration,
) -> Result<Socket, ClientError> {
    let mut request = url
        .into_client_request()
        .map_err(|e| ClientError::WebSocket(e.into()))?;
    request.headers_mut().insert(
        SEC_WEBSOCKET_PROTOCOL,
        HeaderValue::from_static(SUBPROTOCOL),
    );
    let config = WebSocketConfig::default()
        .max_message_size(Some(max_frame))
        .max_frame_size(Some(max_frame));
    // Nagle off: frames are small and latency matters more than packing.
    let handshake = connect_async_with_config(request, Some(config), true);
    let (socket, _response) = tokio::time::timeout(timeout, handshake)
        .await
        .map_err(|_| ClientError::Timeout(timeout))?
        .map_err(|e| ClientError::WebSocket(e.into()))?;
    Ok(socket)
}
