//! [`Halt`]: how a connection's reading half tells its writer to finish.

use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

use futures_util::task::AtomicWaker;

/// A one-way, one-time signal from a connection's reader to its writer.
///
/// The writer waits on it beside every frame it waits for or writes. A cancellation token would
/// do, but waiting on one takes its lock twice per poll (its state, then its waiter list) — once
/// or more per frame, which showed in the fan-out's profile; this is an atomic flag and an
/// atomic waker. The reader halts the writer when it stops, whatever made it stop (the client
/// closed or went silent, the protocol broke, the node shuts down).
#[derive(Debug, Default)]
pub(crate) struct Halt {
    halted: AtomicBool,
    waker: AtomicWaker,
}

impl Halt {
    /// Tells the writer to finish.
    pub(crate) fn halt(&self) {
        self.halted.store(true, Ordering::Release);
        self.waker.wake();
    }

    /// Whether [`halt`](Self::halt) was called.
    pub(crate) fn is_halted(&self) -> bool {
        self.halted.load(Ordering::Acquire)
    }

    /// Completes once [`halt`](Self::halt) was called.
    pub(crate) async fn halted(&self) {
        poll_fn(|cx| {
            if self.is_halted() {
                return Poll::Ready(());
            }
            self.waker.register(cx.waker());
            // Halted between the check and the registration: the wake may have been missed.
            if self.is_halted() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_waiting_writer_wakes_when_halted() {
        let halt = Arc::new(Halt::default());
        let waiting = tokio::spawn({
            let halt = halt.clone();
            async move { halt.halted().await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished());
        halt.halt();
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .unwrap()
            .unwrap();
        // And stays halted.
        assert!(halt.is_halted());
        tokio::time::timeout(Duration::from_secs(5), halt.halted())
            .await
            .unwrap();
    }
}
