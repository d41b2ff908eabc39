//! A raw `/live` WebSocket client: sends exact frames (or bytes that are not frames) and sees
//! exactly what the server sends.

use std::net::SocketAddr;
use std::time::Duration;

use affinity_avro::{Avro, apply_delta, from_slice, to_vec};
use affinity_protocol::frame::{
    ClientFrame, Delta, ErrorCode, ErrorFrame, Ping, SUBPROTOCOL, ServerFrame, Snapshot, Subscribe,
    Unsubscribe, decode, encode,
};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::model::KEYSPACE;
use crate::wait::{finishes_within, within};

/// How the server ended a connection.
#[derive(Debug)]
pub enum Ended {
    /// A Close frame, with its code and reason if it had them.
    Closed(Option<CloseFrame>),
    /// The TCP connection ended (or failed) without a Close frame.
    Dropped(String),
}

/// One raw `/live` connection.
#[derive(Debug)]
pub struct RawLive {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl RawLive {
    /// Opens `/live` on `addr`, offering the live subprotocol.
    pub async fn connect(addr: SocketAddr) -> RawLive {
        let mut request = format!("ws://{addr}/live").into_client_request().unwrap();
        request
            .headers_mut()
            .insert("sec-websocket-protocol", SUBPROTOCOL.parse().unwrap());
        let (ws, response) = within(
            "the /live handshake",
            tokio_tungstenite::connect_async(request),
        )
        .await
        .unwrap();
        assert_eq!(
            response
                .headers()
                .get("sec-websocket-protocol")
                .and_then(|v| v.to_str().ok()),
            Some(SUBPROTOCOL),
            "the server speaks the live subprotocol"
        );
        RawLive { ws }
    }

    /// The client's end of the TCP connection.
    pub fn local_addr(&self) -> SocketAddr {
        match self.ws.get_ref() {
            MaybeTlsStream::Plain(tcp) => tcp.local_addr().unwrap(),
            _ => unreachable!("a ws:// connection is plain TCP"),
        }
    }

    /// Sends a frame.
    pub async fn send(&mut self, frame: &ClientFrame) {
        self.send_bytes(encode(frame)).await;
    }

    /// Sends `bytes` as one binary message, whatever they are.
    pub async fn send_bytes(&mut self, bytes: Vec<u8>) {
        within(
            "sending a binary message",
            self.ws.send(Message::binary(bytes)),
        )
        .await
        .unwrap();
    }

    /// Sends a text message (the protocol has none).
    pub async fn send_text(&mut self, text: &str) {
        within(
            "sending a text message",
            self.ws.send(Message::text(text.to_owned())),
        )
        .await
        .unwrap();
    }

    /// Subscribes `sub_id` to the Avro-encoded `key` of `state` in the test keyspace.
    pub async fn subscribe(
        &mut self,
        sub_id: i64,
        state: &str,
        key: Vec<u8>,
        resume_from: Option<i64>,
    ) {
        self.send(&ClientFrame::Subscribe(Subscribe {
            sub_id,
            keyspace: KEYSPACE.to_owned(),
            state: state.to_owned(),
            key,
            resume_from,
        }))
        .await;
    }

    /// Ends subscription `sub_id`.
    pub async fn unsubscribe(&mut self, sub_id: i64) {
        self.send(&ClientFrame::Unsubscribe(Unsubscribe { sub_id }))
            .await;
    }

    /// Sends a Ping.
    pub async fn ping(&mut self, nonce: i64) {
        self.send(&ClientFrame::Ping(Ping { nonce })).await;
    }

    /// The next binary message's bytes; panics if the connection ends first.
    pub async fn recv_bytes(&mut self) -> Vec<u8> {
        match within("a frame from the server", self.next_binary()).await {
            Ok(bytes) => bytes,
            Err(ended) => panic!("the connection ended while a frame was expected: {ended:?}"),
        }
    }

    /// The next frame; panics if the connection ends first.
    pub async fn recv(&mut self) -> ServerFrame {
        let bytes = self.recv_bytes().await;
        decode::<ServerFrame>(&bytes).unwrap()
    }

    /// The next frame, which must be a Snapshot.
    pub async fn recv_snapshot(&mut self) -> Snapshot {
        match self.recv().await {
            ServerFrame::Snapshot(s) => s,
            other => panic!("expected a Snapshot, got {other:?}"),
        }
    }

    /// The next frame, which must be a Delta; with its size as received.
    pub async fn recv_delta(&mut self) -> (Delta, usize) {
        let bytes = self.recv_bytes().await;
        match decode::<ServerFrame>(&bytes).unwrap() {
            ServerFrame::Delta(d) => (d, bytes.len()),
            other => panic!("expected a Delta, got {other:?}"),
        }
    }

    /// The next frame, which must be an Error.
    pub async fn recv_error(&mut self) -> ErrorFrame {
        match self.recv().await {
            ServerFrame::Error(e) => e,
            other => panic!("expected an Error, got {other:?}"),
        }
    }

    /// Asserts that the next frame is an Error with `code`, `sub_id` and `request_id`, and
    /// returns its message.
    pub async fn expect_error(
        &mut self,
        code: ErrorCode,
        sub_id: Option<i64>,
        request_id: Option<i64>,
    ) -> String {
        let e = self.recv_error().await;
        assert_eq!(
            (e.code, e.sub_id, e.request_id),
            (code, sub_id, request_id),
            "the error frame {e:?}"
        );
        assert!(!e.message.is_empty(), "an error says what went wrong");
        e.message
    }

    /// Asserts that no message arrives within `quiet`.
    pub async fn expect_silence(&mut self, quiet: Duration) {
        if let Some(next) = finishes_within(quiet, self.next_binary()).await {
            let shown = next.map(|b| decode::<ServerFrame>(&b));
            panic!("expected nothing from the server, got {shown:?}");
        }
    }

    /// Waits until the server ends the connection, skipping frames; how it ended.
    pub async fn closed(&mut self) -> Ended {
        within("the server to close the connection", async {
            loop {
                if let Err(ended) = self.next_binary().await {
                    return ended;
                }
            }
        })
        .await
    }

    /// The next binary message, or how the connection ended. Control frames are skipped
    /// (tungstenite answers Pings itself).
    async fn next_binary(&mut self) -> Result<Vec<u8>, Ended> {
        loop {
            match self.ws.next().await {
                Some(Ok(Message::Binary(bytes))) => return Ok(bytes.to_vec()),
                Some(Ok(Message::Close(frame))) => return Err(Ended::Closed(frame)),
                Some(Ok(Message::Text(text))) => panic!("the server sent a text message: {text}"),
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(Ended::Dropped(error.to_string())),
                None => return Err(Ended::Dropped("end of stream".to_owned())),
            }
        }
    }
}

/// The value a client holds after a Snapshot and then Deltas, checking that every Delta applies
/// to the offset it holds.
#[derive(Debug)]
pub struct Held<V> {
    /// The offset of the value held.
    pub offset: i64,
    /// The value, `None` after a Deleted.
    pub value: Option<V>,
}

impl<V: Avro + Clone> Held<V> {
    /// What a Snapshot gives.
    pub fn from_snapshot(s: &Snapshot) -> Self {
        Held {
            offset: s.offset,
            value: Some(from_slice(&s.value).unwrap()),
        }
    }

    /// Applies a frame of the subscription: offsets must only increase, and a Delta must apply
    /// to exactly the offset held.
    pub fn apply(&mut self, frame: &ServerFrame) {
        match frame {
            ServerFrame::Snapshot(s) => {
                assert!(s.offset > self.offset, "a snapshot goes forward: {s:?}");
                *self = Held::from_snapshot(s);
            }
            ServerFrame::Delta(d) => {
                assert_eq!(
                    d.base_offset, self.offset,
                    "a delta chains from the held offset"
                );
                assert!(d.offset > d.base_offset, "a delta goes forward");
                let base = self.value.as_ref().expect("a delta applies to a value");
                self.value = Some(apply_delta(base, &d.delta).unwrap());
                self.offset = d.offset;
            }
            ServerFrame::Deleted(d) => {
                assert!(d.offset > self.offset, "a deletion goes forward");
                self.offset = d.offset;
                self.value = None;
            }
            other => panic!("not a frame of a subscription: {other:?}"),
        }
    }
}

/// The Avro binary encoding of a key.
pub fn key<K: Avro>(key: &K) -> Vec<u8> {
    to_vec(key)
}
