//! One fan-out subscriber: a raw WebSocket on `/live` with one subscription to the hot key,
//! applying every delta to the quote it holds and timing each change it receives.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use affinity_avro::{apply_delta, from_slice, to_vec};
use affinity_protocol::frame::{
    ClientFrame, Ping, SUBPROTOCOL, ServerFrame, Subscribe, decode, encode,
};
use futures_util::{SinkExt, StreamExt};
use http::HeaderValue;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{WebSocketStream, client_async_with_config};

use crate::error::BenchError;
use crate::fanout_stats::{FanoutStats, Received};
use crate::model::{HOT_KEY, KEYSPACE, QUOTES, Quote, now_micros};

/// Every subscriber pings this often (the server closes a connection silent for two heartbeat
/// intervals, 30 s by default).
const PING_EVERY: Duration = Duration::from_secs(10);
/// The client's read buffer: frames here are a few dozen bytes.
const READ_BUFFER: usize = 4 * 1024;

/// A subscriber's socket.
pub(crate) type Socket = WebSocketStream<TcpStream>;

/// What the driver tells every subscriber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Control {
    /// Stay connected, subscribed to nothing.
    Idle,
    /// Subscribe to the hot key.
    Subscribe,
    /// Close the socket and end.
    Close,
}

/// Opens a `/live` WebSocket to `addr`.
pub(crate) async fn connect(addr: SocketAddr) -> Result<Socket, BenchError> {
    let ws = |e: tokio_tungstenite::tungstenite::Error| BenchError::WebSocket(e.to_string());
    let mut request = format!("ws://{addr}/live")
        .into_client_request()
        .map_err(ws)?;
    request.headers_mut().insert(
        http::header::SEC_WEBSOCKET_PROTOCOL,
        HeaderValue::from_static(SUBPROTOCOL),
    );
    let stream = TcpStream::connect(addr)
        .await
        .map_err(BenchError::io("connecting a subscriber"))?;
    stream
        .set_nodelay(true)
        .map_err(BenchError::io("setting TCP_NODELAY"))?;
    let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER);
    let (socket, _) = client_async_with_config(request, stream, Some(config))
        .await
        .map_err(ws)?;
    Ok(socket)
}

/// Subscriber number `index`: follows `control` until told to close; records what it receives
/// in `stats`. An error means the connection broke.
pub(crate) async fn run(
    index: usize,
    mut socket: Socket,
    stats: Arc<FanoutStats>,
    mut control: watch::Receiver<Control>,
) -> Result<(), BenchError> {
    let ws = |e: tokio_tungstenite::tungstenite::Error| BenchError::WebSocket(e.to_string());
    // Spread the pings over the interval rather than sending them all at once.
    let offset = PING_EVERY.mul_f64((index % 1000) as f64 / 1000.0);
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + offset, PING_EVERY);
    let mut quote: Option<Quote> = None;
    let mut held: i64 = 0;
    let mut subscribed = false;
    let mut nonce = 0;
    loop {
        tokio::select! {
            changed = control.changed() => {
                let command = if changed.is_ok() { *control.borrow_and_update() } else { Control::Close };
                match command {
                    Control::Subscribe if !subscribed => {
                        subscribed = true;
                        let frame = ClientFrame::Subscribe(Subscribe {
                            sub_id: 1,
                            keyspace: KEYSPACE.to_owned(),
                            state: QUOTES.to_owned(),
                            key: to_vec(&HOT_KEY),
                            resume_from: None,
                        });
                        socket.send(Message::Binary(encode(&frame).into())).await.map_err(ws)?;
                    }
                    Control::Close => {
                        let _ = socket.close(None).await;
                        return Ok(());
                    }
                    _ => {}
                }
            }
            _ = ping.tick() => {
                nonce += 1;
                let frame = ClientFrame::Ping(Ping { nonce });
                socket.send(Message::Binary(encode(&frame).into())).await.map_err(ws)?;
            }
            message = socket.next() => match message {
                Some(Ok(Message::Binary(bytes))) => {
                    receive(index, &bytes, &mut quote, &mut held, &stats);
                }
                Some(Ok(Message::Close(_))) | None => {
                    return Err(BenchError::WebSocket("closed by the server".into()));
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(ws(e)),
            },
        }
    }
}

/// Applies one server frame to the quote held.
fn receive(
    index: usize,
    bytes: &[u8],
    quote: &mut Option<Quote>,
    held: &mut i64,
    stats: &FanoutStats,
) {
    match decode::<ServerFrame>(bytes) {
        Ok(ServerFrame::Snapshot(s)) => match from_slice::<Quote>(&s.value) {
            Ok(q) => {
                let first = quote.is_none();
                *held = s.offset;
                let kind = if first {
                    Received::Initial
                } else {
                    Received::Snapshot
                };
                stats.received(index, kind, q.seq, latency(&q));
                *quote = Some(q);
            }
            Err(_) => stats.error(),
        },
        Ok(ServerFrame::Delta(d)) => {
            let Some(current) = quote.as_ref() else {
                stats.gap();
                return;
            };
            if d.base_offset != *held {
                stats.gap();
                return;
            }
            match apply_delta(current, &d.delta) {
                Ok(q) => {
                    *held = d.offset;
                    stats.received(index, Received::Delta, q.seq, latency(&q));
                    *quote = Some(q);
                }
                Err(_) => stats.error(),
            }
        }
        Ok(ServerFrame::Pong(_)) => {}
        Ok(_) | Err(_) => stats.error(),
    }
}

/// Microseconds from the change that produced `q` until now.
fn latency(q: &Quote) -> u64 {
    u64::try_from(now_micros() - q.changed_at_us).unwrap_or(0)
}
