//! Heartbeats and reconnect backoff, on a fake clock.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use affinity_protocol::frame::{ClientFrame, Ping, Pong, ServerFrame, encode};
use affinity_protocol::session::{Config, Event, Session};
use support::*;

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

fn pong(nonce: i64) -> Vec<u8> {
    encode(&ServerFrame::Pong(Pong { nonce }))
}

#[test]
fn pings_every_interval_and_a_silent_connection_dies() {
    let mut s = Session::default(); // ping every 15 s, dead 10 s after an unanswered ping
    assert_eq!(
        s.poll_timeout(),
        None,
        "no timer before the first connection"
    );
    s.connected(secs(0.0));
    assert_eq!(s.poll_timeout(), Some(secs(15.0)));
    s.handle_timeout(secs(10.0)); // early: nothing happens
    assert!(sent(&mut s).is_empty());

    s.handle_timeout(secs(15.0));
    assert_eq!(sent(&mut s), [ClientFrame::Ping(Ping { nonce: 1 })]);
    assert_eq!(
        s.poll_timeout(),
        Some(secs(25.0)),
        "the pong deadline comes first"
    );
    s.handle_frame(&pong(1));
    assert_eq!(
        s.poll_timeout(),
        Some(secs(30.0)),
        "answered: only the next ping"
    );

    s.handle_timeout(secs(30.0));
    assert_eq!(sent(&mut s), [ClientFrame::Ping(Ping { nonce: 2 })]);
    s.handle_timeout(secs(39.9));
    assert!(events(&mut s).is_empty());
    s.handle_timeout(secs(40.0));
    assert_eq!(events(&mut s), [Event::ConnectionDead]);
    assert_eq!(s.poll_timeout(), None, "dead: the driver takes over");
    s.handle_timeout(secs(60.0));
    assert!(events(&mut s).is_empty(), "reported once");
}

#[test]
fn any_frame_answers_a_ping() {
    let (mut s, _, w) = subscribed();
    s.handle_timeout(secs(15.0));
    sent(&mut s);
    s.handle_frame(&snapshot(w, 1, 1, "a"));
    s.handle_timeout(secs(25.0));
    assert!(
        !events(&mut s).contains(&Event::ConnectionDead),
        "a snapshot is as good as a pong"
    );
    assert_eq!(s.poll_timeout(), Some(secs(30.0)));
}

#[test]
fn the_deadline_runs_from_the_oldest_unanswered_ping() {
    let mut s = Session::new(Config {
        ping_interval: secs(5.0),
        pong_timeout: secs(12.0),
        ..Config::default()
    });
    s.connected(secs(0.0));
    s.handle_timeout(secs(5.0)); // ping 1: deadline 17
    s.handle_timeout(secs(10.0)); // ping 2: the deadline stays 17
    s.handle_timeout(secs(15.0)); // ping 3
    assert_eq!(
        sent(&mut s).len(),
        1,
        "one ping slot: unsent pings are not piled up"
    );
    assert_eq!(s.poll_timeout(), Some(secs(17.0)));
    s.handle_timeout(secs(17.0));
    assert_eq!(events(&mut s), [Event::ConnectionDead]);
}

#[test]
fn reconnects_back_off_exponentially_with_jitter_and_reset_once_heard() {
    let mut s = Session::default(); // 250 ms doubling to 30 s, each in its upper half
    s.connected(secs(0.0));
    let mut now = secs(1.0);
    let mut delays = Vec::new();
    for _ in 0..12 {
        s.disconnected(now);
        let at = s.poll_timeout().expect("a reconnect is scheduled");
        s.handle_timeout(at - Duration::from_nanos(1));
        assert!(events(&mut s).is_empty(), "not before its time");
        s.handle_timeout(at);
        assert_eq!(events(&mut s), [Event::Reconnect]);
        assert_eq!(s.poll_timeout(), None, "the driver is connecting");
        delays.push(at - now);
        now = at;
        // The attempt fails: the loop reports it as another disconnection.
    }
    for (i, d) in delays.iter().enumerate() {
        let full = (0.25 * f64::from(1u32 << i)).min(30.0);
        assert!(
            *d > secs(full / 2.0) && *d <= secs(full),
            "attempt {i}: {d:?} outside ({}, {full}] s",
            full / 2.0
        );
    }
    // A connection that delivers a frame resets the backoff.
    s.connected(now);
    s.handle_frame(&pong(0));
    s.disconnected(now);
    let d = s.poll_timeout().unwrap() - now;
    assert!(d > secs(0.125) && d <= secs(0.25), "{d:?}");
    // One that never delivers anything does not.
    s.connected(now);
    s.disconnected(now);
    let d = s.poll_timeout().unwrap() - now;
    assert!(d > secs(0.25) && d <= secs(0.5), "{d:?}");
}

#[test]
fn jitter_differs_by_seed() {
    let delay = |seed| {
        let mut s = Session::new(Config {
            jitter_seed: seed,
            ..Config::default()
        });
        s.disconnected(Duration::ZERO);
        s.poll_timeout().unwrap()
    };
    assert_eq!(delay(1), delay(1));
    assert_ne!(delay(1), delay(2));
}
