//! [`Conn`]: one accepted live WebSocket, scripted by the test.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use affinity_protocol::frame::{
    ClientFrame, Pong, Publish, ServerFrame, Subscribe, Unsubscribe, decode, encode,
};
use axum::extract::ws::{Message, WebSocket};
use tokio::sync::mpsc;

use super::{State, within};

enum Out {
    Frame(ServerFrame),
    /// Drop the socket without a closing handshake, as a crashed server would.
    Drop,
}

/// A live connection: what the client sent (Pings answered by the server itself unless
/// told otherwise) and a way to send frames or drop the connection.
pub struct Conn {
    frames: mpsc::Receiver<ClientFrame>,
    out: mpsc::Sender<Out>,
    pings: Arc<AtomicUsize>,
    answer_pings: Arc<AtomicBool>,
}

/// Runs an upgraded socket: forwards client frames to the test's [`Conn`] and the test's
/// frames to the client.
pub(crate) async fn serve(mut socket: WebSocket, state: Arc<State>) {
    let (frames_tx, frames) = mpsc::channel(4096);
    let (out, mut out_rx) = mpsc::channel(4096);
    let pings = Arc::new(AtomicUsize::new(0));
    let answer_pings = Arc::new(AtomicBool::new(true));
    let conn = Conn {
        frames,
        out,
        pings: pings.clone(),
        answer_pings: answer_pings.clone(),
    };
    if state.conns.send(conn).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            message = socket.recv() => {
                let bytes = match message {
                    Some(Ok(Message::Binary(bytes))) => bytes,
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                    Some(Ok(_)) => continue,
                };
                let frame = decode::<ClientFrame>(&bytes).expect("the client sends valid frames");
                if let ClientFrame::Ping(p) = frame {
                    pings.fetch_add(1, Ordering::SeqCst);
                    if answer_pings.load(Ordering::SeqCst) {
                        let pong = encode(&ServerFrame::Pong(Pong { nonce: p.nonce }));
                        if socket.send(Message::Binary(pong.into())).await.is_err() {
                            return;
                        }
                    }
                } else if frames_tx.send(frame).await.is_err() {
                    return;
                }
            }
            out = out_rx.recv() => match out {
                Some(Out::Frame(f)) => {
                    if socket.send(Message::Binary(encode(&f).into())).await.is_err() {
                        return;
                    }
                }
                Some(Out::Drop) | None => return,
            }
        }
    }
}

impl Conn {
    /// The next frame the client sends (Pings excepted).
    pub async fn recv(&mut self) -> ClientFrame {
        within("a client frame", self.frames.recv())
            .await
            .expect("the connection is open")
    }

    /// The next frame, which must be a Subscribe.
    pub async fn subscribe(&mut self) -> Subscribe {
        match self.recv().await {
            ClientFrame::Subscribe(s) => s,
            other => panic!("expected a Subscribe, got {other:?}"),
        }
    }

    /// The next frame, which must be an Unsubscribe.
    pub async fn unsubscribe(&mut self) -> Unsubscribe {
        match self.recv().await {
            ClientFrame::Unsubscribe(u) => u,
            other => panic!("expected an Unsubscribe, got {other:?}"),
        }
    }

    /// The next frame, which must be a Publish.
    pub async fn publish(&mut self) -> Publish {
        match self.recv().await {
            ClientFrame::Publish(p) => p,
            other => panic!("expected a Publish, got {other:?}"),
        }
    }

    /// Fails if the client sends a frame (other than a Ping) within `d`.
    pub async fn silent_for(&mut self, d: Duration) {
        if let Ok(Some(f)) = tokio::time::timeout(d, self.frames.recv()).await {
            panic!("unexpected frame {f:?}");
        }
    }

    /// Whether the connection ended (the client closed it) within `d`; frames sent before
    /// are skipped.
    pub async fn closed_within(&mut self, d: Duration) -> bool {
        let end = async { while self.frames.recv().await.is_some() {} };
        tokio::time::timeout(d, end).await.is_ok()
    }

    pub async fn send(&self, frame: ServerFrame) {
        self.out
            .send(Out::Frame(frame))
            .await
            .expect("the connection is open");
    }

    /// Drops the connection abruptly.
    pub async fn drop_connection(self) {
        let _ = self.out.send(Out::Drop).await;
    }

    pub fn pings(&self) -> usize {
        self.pings.load(Ordering::SeqCst)
    }

    pub fn answer_pings(&self, answer: bool) {
        self.answer_pings.store(answer, Ordering::SeqCst);
    }
}
