//! [`Config`]: the bounds and timings of a session.

use std::time::Duration;

use crate::frame::MAX_FRAME_SIZE;

/// A session's limits and timings. Every queue the session keeps is bounded by one of these.
/// Build it with `..Config::default()`, so that fields added later need no change.
///
/// ```
/// use std::time::Duration;
/// use affinity_protocol::session::Config;
/// let config = Config { ping_interval: Duration::from_secs(5), ..Config::default() };
/// assert_eq!(config.pong_timeout, Duration::from_secs(10));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The most subscriptions the session holds at once (default 4096); `subscribe` past it is
    /// [`SessionError::TooManySubscriptions`](crate::SessionError::TooManySubscriptions).
    pub max_subscriptions: usize,
    /// The most publishes queued or awaiting their acknowledgement (default 256); `publish` past
    /// it is [`SessionError::TooManyPublishes`](crate::SessionError::TooManyPublishes) and queues
    /// nothing.
    pub max_publishes: usize,
    /// The most frames held while a schema they need is fetched (default 1024).
    pub max_held_frames: usize,
    /// The most bytes of frames held while a schema they need is fetched (default 8 MiB).
    pub max_held_bytes: usize,
    /// Past this many undelivered events (default 4096), a new value of a subscription replaces
    /// that subscription's older undelivered value instead of queueing behind it (values are
    /// coalesced, never reordered, as DESIGN §4 allows), and [`Event::BadFrame`](super::Event::BadFrame)
    /// diagnostics are dropped. A driver that drains events after each input never gets here.
    pub max_events: usize,
    /// The largest frame sent or accepted (default [`MAX_FRAME_SIZE`]).
    pub max_frame_size: usize,
    /// How often a Ping is sent on a live connection (default 15 s).
    pub ping_interval: Duration,
    /// How long after a Ping, without any frame received, the connection is declared dead
    /// (default 10 s).
    pub pong_timeout: Duration,
    /// The first reconnect delay after a connection is lost (default 250 ms); it doubles with
    /// each failed attempt.
    pub reconnect_min: Duration,
    /// The longest reconnect delay (default 30 s).
    pub reconnect_max: Duration,
    /// Seeds the reconnect jitter (each delay is drawn from its upper half), so that many
    /// clients do not reconnect at once. Give each client a different seed (any value).
    pub jitter_seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_subscriptions: 4096,
            max_publishes: 256,
            max_held_frames: 1024,
            max_held_bytes: 8 << 20,
            max_events: 4096,
            max_frame_size: MAX_FRAME_SIZE,
            ping_interval: Duration::from_secs(15),
            pong_timeout: Duration::from_secs(10),
            reconnect_min: Duration::from_millis(250),
            reconnect_max: Duration::from_secs(30),
            jitter_seed: 0x9e37_79b9_7f4a_7c15,
        }
    }
}
