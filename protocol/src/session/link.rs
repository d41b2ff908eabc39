//! The connection's life: connecting, losing it, heartbeats and reconnect backoff.
//!
//! The session has no clock: the driver passes `now` (a [`Duration`] since any fixed instant of
//! its choosing, e.g. `Instant` at start-up or `performance.now()`) and calls
//! [`Session::handle_timeout`] at the instant [`Session::poll_timeout`] names.
//!
//! - While connected, a Ping is queued every [`Config::ping_interval`](super::Config::ping_interval).
//!   If no frame at all arrives within [`Config::pong_timeout`](super::Config::pong_timeout) of
//!   a Ping (counted from the oldest unanswered one), [`Event::ConnectionDead`] is emitted once;
//!   the driver closes the socket and calls [`Session::disconnected`].
//! - After a loss, [`Event::Reconnect`] comes after a backoff: [`Config::reconnect_min`](super::Config::reconnect_min),
//!   doubling per failed attempt up to [`Config::reconnect_max`](super::Config::reconnect_max),
//!   each delay drawn from its upper half. An attempt counts as failed until a frame is
//!   received on the new connection.

use std::time::Duration;

use super::{Event, Session};

/// Whether a connection is up, and its timers.
#[derive(Debug)]
pub(crate) enum Link {
    Disconnected {
        /// When to emit [`Event::Reconnect`]; `None` while the driver is connecting (or before
        /// the first connection, which the driver opens on its own).
        reconnect_at: Option<Duration>,
    },
    Connected {
        next_ping: Duration,
        /// When the oldest unanswered Ping times out.
        pong_deadline: Option<Duration>,
        /// [`Event::ConnectionDead`] was emitted.
        dead: bool,
    },
}

impl Default for Link {
    fn default() -> Self {
        Link::Disconnected { reconnect_at: None }
    }
}

impl Link {
    pub(crate) fn is_connected(&self) -> bool {
        matches!(self, Link::Connected { .. })
    }

    /// A frame arrived: every Ping so far is answered.
    pub(crate) fn heard(&mut self) {
        if let Link::Connected { pong_deadline, .. } = self {
            *pong_deadline = None;
        }
    }
}

impl Session {
    /// The driver opened a connection (at `now`). Every subscription is (re)sent, resuming from
    /// its last offset; publishes queued while disconnected follow.
    pub fn connected(&mut self, now: Duration) {
        self.lose_connection();
        self.outbox.reset_connection();
        self.link = Link::Connected {
            next_ping: now.saturating_add(self.config.ping_interval),
            pong_deadline: None,
            dead: false,
        };
        for sub in self.table.ids() {
            self.table.rewire(sub);
            self.outbox.to_subscribe.push_back(sub);
        }
    }

    /// The connection closed or an attempt to open one failed (at `now`). Publishes sent and
    /// unanswered become [`Event::PublishInDoubt`]; subscriptions stay, to be resumed;
    /// [`Event::Reconnect`] follows after the backoff.
    pub fn disconnected(&mut self, now: Duration) {
        self.lose_connection();
        self.failures = self.failures.saturating_add(1);
        let delay = self.backoff();
        self.link = Link::Disconnected {
            reconnect_at: Some(now.saturating_add(delay)),
        };
    }

    /// Time has come (`now`) for what [`Session::poll_timeout`] announced: a Ping, a dead
    /// connection, or a reconnect.
    pub fn handle_timeout(&mut self, now: Duration) {
        match &mut self.link {
            Link::Connected {
                next_ping,
                pong_deadline,
                dead,
            } => {
                if *dead {
                    return;
                }
                if pong_deadline.is_some_and(|d| now >= d) {
                    *dead = true;
                    self.events.push(Event::ConnectionDead);
                    return;
                }
                if now >= *next_ping {
                    self.next_nonce += 1;
                    self.outbox.ping = Some(self.next_nonce);
                    if pong_deadline.is_none() {
                        *pong_deadline = Some(now.saturating_add(self.config.pong_timeout));
                    }
                    *next_ping = now.saturating_add(self.config.ping_interval);
                }
            }
            Link::Disconnected { reconnect_at } => {
                if reconnect_at.is_some_and(|t| now >= t) {
                    *reconnect_at = None;
                    self.events.push(Event::Reconnect);
                }
            }
        }
    }

    /// When [`Session::handle_timeout`] should next be called, if at all.
    pub fn poll_timeout(&self) -> Option<Duration> {
        match &self.link {
            Link::Connected { dead: true, .. } => None,
            Link::Connected {
                next_ping,
                pong_deadline,
                ..
            } => Some(pong_deadline.map_or(*next_ping, |d| d.min(*next_ping))),
            Link::Disconnected { reconnect_at } => *reconnect_at,
        }
    }

    /// Forgets everything tied to the current connection, if there is one.
    fn lose_connection(&mut self) {
        if !self.link.is_connected() {
            return;
        }
        for request in std::mem::take(&mut self.outbox.in_flight) {
            self.events.push(Event::PublishInDoubt { request });
        }
        self.outbox.reset_connection();
        self.held.clear();
        self.requested.clear();
        for sub in self.table.ids() {
            // Unsent under a fresh id: late frames of the old connection are ignored.
            self.table.rewire(sub);
        }
        self.link = Link::default();
    }

    /// The next reconnect delay: exponential in the failures, jittered into its upper half.
    fn backoff(&mut self) -> Duration {
        let exponent = self.failures.saturating_sub(1).min(20);
        let full = self
            .config
            .reconnect_min
            .saturating_mul(1 << exponent)
            .min(self.config.reconnect_max);
        let half = full / 2;
        let span = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        // xorshift64: a small deterministic generator, enough to spread clients apart.
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        let jitter = if span == 0 { 0 } else { x % span };
        full - Duration::from_nanos(jitter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Config;

    #[test]
    fn backoff_doubles_into_its_upper_half_and_caps() {
        let mut s = Session::new(Config {
            reconnect_min: Duration::from_millis(100),
            reconnect_max: Duration::from_millis(1000),
            ..Config::default()
        });
        for (failures, full_ms) in [
            (1, 100),
            (2, 200),
            (3, 400),
            (4, 800),
            (5, 1000),
            (40, 1000),
        ] {
            s.failures = failures;
            for _ in 0..50 {
                let d = s.backoff();
                let full = Duration::from_millis(full_ms);
                assert!(d > full / 2 && d <= full, "{failures}: {d:?}");
            }
        }
    }

    #[test]
    fn a_zero_backoff_is_allowed() {
        let mut s = Session::new(Config {
            reconnect_min: Duration::ZERO,
            ..Config::default()
        });
        s.disconnected(Duration::from_secs(3));
        assert_eq!(s.poll_timeout(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn hearing_anything_clears_the_pong_deadline() {
        let mut link = Link::Connected {
            next_ping: Duration::from_secs(30),
            pong_deadline: Some(Duration::from_secs(25)),
            dead: false,
        };
        link.heard();
        assert!(matches!(
            link,
            Link::Connected {
                pong_deadline: None,
                ..
            }
        ));
        assert!(link.is_connected());
        assert!(!Link::default().is_connected());
    }
}
