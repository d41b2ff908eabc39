//! The `/live` route: the WebSocket upgrade.

use std::sync::Arc;

use affinity_protocol::frame::SUBPROTOCOL;
use axum::Router;
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::response::Response;
use axum::routing::get;

use super::{LiveContext, connection};

/// Small socket buffers: most live frames are deltas of a few bytes, and an idle connection
/// should cost little (the target is ≤ 10 KiB of RSS per idle connection).
///
/// tungstenite allocates the read buffer when the socket is upgraded and fills all of it on
/// every read, so its whole size is resident in every connection, idle or not. Client frames
/// (Subscribe, Unsubscribe, Ping, small Publishes) are tens of bytes; a larger message still
/// arrives whole — the buffer grows to the frame's length and is read in chunks of this size.
/// At 4 KiB this buffer alone was a third of an idle connection's RSS (framework/BENCHMARKS.md).
const READ_BUFFER: usize = 1024;
const WRITE_BUFFER: usize = 4 * 1024;

/// The router serving `/live`.
pub(crate) fn routes(ctx: Arc<LiveContext>) -> Router {
    Router::new().route("/live", get(upgrade)).with_state(ctx)
}

async fn upgrade(State(ctx): State<Arc<LiveContext>>, ws: WebSocketUpgrade) -> Response {
    let max = ctx.limits.max_frame_size;
    ws.protocols([SUBPROTOCOL])
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| connection::serve(socket, ctx))
}
