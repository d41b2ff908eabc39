//! Every queue of a session is bounded, and what happens at the bound.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use affinity_protocol::SessionError;
use affinity_protocol::frame::{ClientFrame, Published, ServerFrame, encode};
use affinity_protocol::session::{Config, Event, Session};
use support::*;

fn config(f: impl FnOnce(&mut Config)) -> Config {
    let mut c = Config::default();
    f(&mut c);
    c
}

#[test]
fn subscriptions_are_bounded() {
    let mut s = Session::new(config(|c| c.max_subscriptions = 2));
    let a = s.subscribe("ks", "st", vec![1]).unwrap();
    s.subscribe("ks", "st", vec![2]).unwrap();
    assert_eq!(
        s.subscribe("ks", "st", vec![3]),
        Err(SessionError::TooManySubscriptions { max: 2 })
    );
    assert_eq!(s.subscriptions().count(), 2);
    s.unsubscribe(a).unwrap();
    assert!(s.subscribe("ks", "st", vec![3]).is_ok());
}

#[test]
fn publishes_queued_or_in_flight_are_bounded() {
    let mut s = Session::new(config(|c| c.max_publishes = 2));
    let first = s.publish("ks", vec![], vec![1]).unwrap(); // queued while disconnected
    s.connected(Duration::ZERO);
    assert_eq!(sent(&mut s).len(), 1); // now in flight
    s.publish("ks", vec![], vec![2]).unwrap(); // queued
    assert_eq!(
        s.publish("ks", vec![], vec![3]),
        Err(SessionError::TooManyPublishes { max: 2 })
    );
    // The refused publish took no id and queued nothing.
    assert_eq!(sent(&mut s).len(), 1);
    s.handle_frame(&encode(&ServerFrame::Published(Published {
        request_id: first.0,
    })));
    let next = s.publish("ks", vec![], vec![3]).unwrap();
    assert_eq!(next.0, first.0 + 2);
}

#[test]
fn frames_over_the_size_limit_are_refused() {
    let mut s = Session::new(config(|c| c.max_frame_size = 64));
    let key = vec![0; 100];
    assert!(matches!(
        s.subscribe("ks", "st", key.clone()),
        Err(SessionError::FrameTooLarge { max: 64, .. })
    ));
    assert!(matches!(
        s.publish("ks", vec![], key),
        Err(SessionError::FrameTooLarge { max: 64, .. })
    ));
    assert_eq!(s.subscriptions().count(), 0);
    // The check covers the largest Subscribe the subscription can send (ids and resume_from at
    // their longest), so a later resume never exceeds it.
    let sub = s.subscribe("ks", "st", vec![0; 30]).unwrap();
    s.connected(Duration::ZERO);
    let w = one_subscribe(&mut s).sub_id;
    s.handle_frame(&deleted(w, i64::MAX - 1));
    s.disconnected(Duration::ZERO);
    s.connected(Duration::ZERO);
    let again = std::iter::from_fn(|| s.poll_transmit()).collect::<Vec<_>>();
    assert_eq!(again.len(), 1);
    assert!(again[0].len() <= 64);
    assert_eq!(
        s.subscription(sub).unwrap().last_offset(),
        Some(i64::MAX - 1)
    );
}

#[test]
fn held_frames_past_the_bound_resubscribe_instead() {
    let mut s = Session::new(config(|c| c.max_held_frames = 2));
    let sub = s.subscribe("ks", "st", vec![]).unwrap();
    s.connected(Duration::ZERO);
    let w = one_subscribe(&mut s).sub_id;
    s.handle_frame(&snapshot(w, 5, 1, "a")); // held: schema unknown
    s.handle_frame(&delta(w, 5, 6, 2)); // held behind it
    s.handle_frame(&delta(w, 6, 7, 3)); // no room
    assert_eq!(events(&mut s), [Event::NeedSchema(COUNTER_ID)]);
    let frames = sent(&mut s);
    let [ClientFrame::Unsubscribe(u), ClientFrame::Subscribe(again)] = frames.as_slice() else {
        panic!("{frames:?}")
    };
    assert_eq!((u.sub_id, again.resume_from), (w, None));
    // The held frames went with the old id: the schema arriving now changes nothing.
    s.provide_schema(COUNTER_ID, counter_schema());
    assert!(events(&mut s).is_empty());
    assert_eq!(s.subscription(sub).unwrap().last_offset(), None);
    // The server answers the resubscription.
    s.handle_frame(&snapshot(again.sub_id, 7, 3, "a"));
    assert_eq!(values(&events(&mut s)), [(sub, 7, Some(counter(3, "a")))]);
}

#[test]
fn held_bytes_are_bounded_too() {
    let mut s = Session::new(config(|c| c.max_held_bytes = 20));
    s.subscribe("ks", "st", vec![]).unwrap();
    s.connected(Duration::ZERO);
    let w = one_subscribe(&mut s).sub_id;
    s.handle_frame(&snapshot_with(w, 1, 9, vec![0; 30]));
    assert!(
        events(&mut s).is_empty(),
        "not held, so no schema asked for"
    );
    assert!(matches!(
        sent(&mut s).as_slice(),
        [ClientFrame::Unsubscribe(_), ClientFrame::Subscribe(_)]
    ));
}

#[test]
fn undelivered_values_coalesce_to_the_latest_past_the_bound() {
    let mut s = Session::new(config(|c| c.max_events = 3));
    s.provide_schema(COUNTER_ID, counter_schema());
    let a = s.subscribe("ks", "st", vec![1]).unwrap();
    let b = s.subscribe("ks", "st", vec![2]).unwrap();
    s.connected(Duration::ZERO);
    let wires: Vec<i64> = sent(&mut s)
        .iter()
        .map(|f| match f {
            ClientFrame::Subscribe(x) => x.sub_id,
            other => panic!("{other:?}"),
        })
        .collect();
    s.handle_frame(&snapshot(wires[1], 1, 100, "b"));
    s.handle_frame(&snapshot(wires[0], 1, 0, "a"));
    for n in 2..50 {
        s.handle_frame(&delta(wires[0], n - 1, n, n));
    }
    let got = values(&events(&mut s));
    // Each subscription's values stay in order and its latest is never lost.
    assert_eq!(got.len(), 3);
    assert_eq!(got[0], (b, 1, Some(counter(100, "b"))));
    assert_eq!(got[2], (a, 49, Some(counter(49, "a"))));
    assert!(got[1].0 == a && got[1].1 < 49);
    assert_eq!(s.subscription(a).unwrap().value(), Some(&counter(49, "a")));
}

#[test]
fn a_storm_of_gaps_sends_one_resubscription() {
    let (mut s, _, w) = subscribed();
    s.handle_frame(&snapshot(w, 1, 1, "a"));
    for n in 10..1000 {
        s.handle_frame(&delta(w, n, n + 1, n));
    }
    let frames = sent(&mut s);
    assert!(
        matches!(frames.as_slice(), [ClientFrame::Unsubscribe(_), ClientFrame::Subscribe(f)] if f.resume_from == Some(1)),
        "{frames:?}"
    );
}

#[test]
fn control_frames_never_outnumber_the_subscriptions() {
    let mut s = Session::default();
    s.provide_schema(COUNTER_ID, counter_schema());
    let subs: Vec<_> = (0..50u8)
        .map(|i| s.subscribe("ks", "st", vec![i]).unwrap())
        .collect();
    s.connected(Duration::ZERO);
    // Reconnect over and over without the driver sending anything: each connection needs one
    // Subscribe per subscription, nothing piles up.
    for t in 1..20 {
        s.disconnected(Duration::from_secs(t));
        s.connected(Duration::from_secs(t));
    }
    let frames = sent(&mut s);
    assert_eq!(frames.len(), subs.len());
    assert!(
        frames
            .iter()
            .all(|f| matches!(f, ClientFrame::Subscribe(x) if x.resume_from.is_none()))
    );
}
