//! The client session against a scripted server: conversations, resume, gaps, schemas,
//! malformed frames, unsubscribing and publishing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use affinity_avro::{DecodeError, Schema, Value};
use affinity_protocol::ProtocolError;
use affinity_protocol::frame::{
    ClientFrame, ErrorCode, Pong, Published, ServerFrame, Unsubscribe, encode,
};
use affinity_protocol::session::{Event, Session, SubId, Target};
use support::*;

#[test]
fn subscribe_snapshot_deltas_delete_and_snapshot_again() {
    let mut s = Session::default();
    let sub = s.subscribe("ks", "counters", vec![0x02]).unwrap();
    assert!(
        sent(&mut s).is_empty(),
        "nothing is sent before a connection"
    );
    s.connected(Duration::ZERO);
    let subscribe = one_subscribe(&mut s);
    assert_eq!(
        (
            subscribe.keyspace.as_str(),
            subscribe.state.as_str(),
            subscribe.key.as_slice(),
            subscribe.resume_from
        ),
        ("ks", "counters", &[0x02][..], None)
    );
    let w = subscribe.sub_id;

    s.handle_frame(&snapshot(w, 5, 1, "a"));
    assert_eq!(events(&mut s), [Event::NeedSchema(COUNTER_ID)]);
    s.provide_schema(COUNTER_ID, counter_schema());
    s.handle_frame(&delta(w, 5, 6, 2));
    s.handle_frame(&delta(w, 6, 9, 3)); // offsets need not be consecutive
    s.handle_frame(&deleted(w, 10));
    s.handle_frame(&snapshot(w, 12, 4, "b"));
    let evs = events(&mut s);
    assert_eq!(
        values(&evs),
        [
            (sub, 5, Some(counter(1, "a"))),
            (sub, 6, Some(counter(2, "a"))),
            (sub, 9, Some(counter(3, "a"))),
            (sub, 10, None),
            (sub, 12, Some(counter(4, "b"))),
        ]
    );
    let Event::Value {
        schema, schema_id, ..
    } = &evs[0]
    else {
        panic!("a value")
    };
    assert_eq!(
        (schema.as_ref(), *schema_id),
        (&*counter_schema(), COUNTER_ID)
    );
    let held = s.subscription(sub).unwrap();
    assert_eq!(held.last_offset(), Some(12));
    assert_eq!(held.value(), Some(&counter(4, "b")));
    assert_eq!(held.schema_id(), Some(COUNTER_ID));
    assert!(sent(&mut s).is_empty(), "no resubscription was needed");
}

#[test]
fn a_key_never_written_is_deleted_at_minus_one_then_appears() {
    let (mut s, sub, w) = subscribed();
    s.handle_frame(&deleted(w, -1));
    s.handle_frame(&snapshot(w, 0, 1, "new"));
    assert_eq!(
        values(&events(&mut s)),
        [(sub, -1, None), (sub, 0, Some(counter(1, "new")))]
    );
}

#[test]
fn reconnect_resumes_from_the_last_offset_under_a_fresh_id() {
    let (mut s, sub, w) = subscribed();
    s.handle_frame(&snapshot(w, 5, 1, "a"));
    s.handle_frame(&delta(w, 5, 7, 2));
    events(&mut s);

    s.disconnected(Duration::from_secs(100));
    assert!(!s.is_connected());
    assert!(sent(&mut s).is_empty());
    s.handle_frame(&delta(w, 7, 8, 3)); // a late frame of the closed connection
    assert!(events(&mut s).is_empty());
    let at = s.poll_timeout().expect("a reconnect is scheduled");
    assert!(at > Duration::from_secs(100));
    s.handle_timeout(at);
    assert_eq!(events(&mut s), [Event::Reconnect]);

    s.connected(at);
    let resubscribe = one_subscribe(&mut s);
    assert_eq!(resubscribe.resume_from, Some(7));
    assert_ne!(resubscribe.sub_id, w);
    let w2 = resubscribe.sub_id;
    s.handle_frame(&delta(w, 7, 8, 3)); // the old id means nothing on the new connection
    s.handle_frame(&snapshot(w2, 7, 2, "a")); // stale: not newer than what we hold
    s.handle_frame(&delta(w2, 7, 8, 3));
    assert_eq!(values(&events(&mut s)), [(sub, 8, Some(counter(3, "a")))]);
}

#[test]
fn a_gap_resubscribes_from_the_last_offset_and_applies_nothing() {
    let (mut s, sub, w) = subscribed();
    s.handle_frame(&snapshot(w, 5, 1, "a"));
    events(&mut s);
    s.handle_frame(&delta(w, 6, 7, 9)); // we never saw offset 6
    s.handle_frame(&delta(w, 7, 8, 10)); // in flight behind it: ignored
    assert!(events(&mut s).is_empty());
    assert_eq!(s.subscription(sub).unwrap().value(), Some(&counter(1, "a")));
    let frames = sent(&mut s);
    let [
        ClientFrame::Unsubscribe(Unsubscribe { sub_id: old }),
        ClientFrame::Subscribe(again),
    ] = frames.as_slice()
    else {
        panic!("expected Unsubscribe then Subscribe, got {frames:?}")
    };
    assert_eq!(*old, w);
    assert_eq!(again.resume_from, Some(5));
    // The server resumes with the changes after 5.
    s.handle_frame(&delta(again.sub_id, 5, 8, 10));
    assert_eq!(values(&events(&mut s)), [(sub, 8, Some(counter(10, "a")))]);
}

#[test]
fn a_delta_before_any_value_resubscribes() {
    let (mut s, _, w) = subscribed();
    s.handle_frame(&delta(w, 1, 2, 3));
    assert!(events(&mut s).is_empty());
    let frames = sent(&mut s);
    assert!(
        matches!(frames.as_slice(), [ClientFrame::Unsubscribe(_), ClientFrame::Subscribe(f)] if f.resume_from.is_none())
    );
}

#[test]
fn a_delta_that_does_not_apply_asks_for_a_fresh_snapshot() {
    let (mut s, sub, w) = subscribed();
    s.handle_frame(&snapshot(w, 5, 1, "a"));
    events(&mut s);
    let bad = encode(&ServerFrame::Delta(affinity_protocol::frame::Delta {
        sub_id: w,
        offset: 6,
        base_offset: 5,
        schema_id: COUNTER_ID,
        delta: vec![0b100], // Counter has no field 2
    }));
    s.handle_frame(&bad);
    let evs = events(&mut s);
    assert!(
        matches!(
            evs.as_slice(),
            [Event::BadFrame { sub: Some(x), error: ProtocolError::BadDelta { offset: 6, base_offset: 5, error: DecodeError::InvalidDelta(_) } }] if *x == sub
        ),
        "{evs:?}"
    );
    assert_eq!(s.subscription(sub).unwrap().value(), Some(&counter(1, "a")));
    assert_eq!(s.subscription(sub).unwrap().last_offset(), Some(5));
    let frames = sent(&mut s);
    assert!(
        matches!(frames.as_slice(), [ClientFrame::Unsubscribe(_), ClientFrame::Subscribe(f)] if f.resume_from.is_none()),
        "{frames:?}"
    );
}

#[test]
fn a_delta_in_another_schema_asks_for_a_fresh_snapshot() {
    let (mut s, _, w) = subscribed();
    s.handle_frame(&snapshot(w, 5, 1, "a"));
    events(&mut s);
    s.handle_frame(&encode(&ServerFrame::Delta(
        affinity_protocol::frame::Delta {
            sub_id: w,
            offset: 6,
            base_offset: 5,
            schema_id: 99,
            delta: set_n(2),
        },
    )));
    assert!(
        events(&mut s).is_empty(),
        "not applied, no schema asked for"
    );
    let frames = sent(&mut s);
    assert!(
        matches!(frames.as_slice(), [ClientFrame::Unsubscribe(_), ClientFrame::Subscribe(f)] if f.resume_from.is_none())
    );
}

#[test]
fn stale_frames_are_dropped() {
    let (mut s, sub, w) = subscribed();
    s.handle_frame(&snapshot(w, 5, 1, "a"));
    s.handle_frame(&snapshot(w, 5, 2, "same offset"));
    s.handle_frame(&snapshot(w, 4, 3, "older"));
    s.handle_frame(&deleted(w, 3));
    s.handle_frame(&delta(w, 3, 5, 4));
    assert_eq!(values(&events(&mut s)), [(sub, 5, Some(counter(1, "a")))]);
    assert!(sent(&mut s).is_empty(), "stale is not a gap");
}

#[test]
fn frames_wait_for_their_schema_and_then_run_in_order() {
    let mut s = Session::default();
    let a = s.subscribe("ks", "counters", vec![0x02]).unwrap();
    let b = s.subscribe("ks", "counters", vec![0x04]).unwrap();
    s.connected(Duration::ZERO);
    let frames = sent(&mut s);
    let [ClientFrame::Subscribe(fa), ClientFrame::Subscribe(fb)] = frames.as_slice() else {
        panic!("{frames:?}")
    };
    let (wa, wb) = (fa.sub_id, fb.sub_id);
    let other =
        Schema::parse(r#"{"type":"record","name":"One","fields":[{"name":"x","type":"int"}]}"#)
            .unwrap();

    s.handle_frame(&snapshot(wa, 5, 1, "a")); // schema 1 unknown: held
    s.handle_frame(&snapshot_with(wb, 3, 2, vec![0x02])); // schema 2 unknown: held
    s.handle_frame(&delta(wa, 5, 6, 2)); // behind a's snapshot
    s.handle_frame(&deleted(wa, 7)); // behind too, though it needs no schema
    s.handle_frame(&snapshot(wa, 8, 3, "c")); // schema 1 again: asked for once
    assert_eq!(
        events(&mut s),
        [Event::NeedSchema(COUNTER_ID), Event::NeedSchema(2)]
    );
    assert_eq!(s.subscription(a).unwrap().last_offset(), None);

    s.provide_schema(2, other);
    assert_eq!(
        values(&events(&mut s)),
        [(b, 3, Some(Value::Record(vec![Value::Int(1)])))]
    );
    s.provide_schema(COUNTER_ID, counter_schema());
    assert_eq!(
        values(&events(&mut s)),
        [
            (a, 5, Some(counter(1, "a"))),
            (a, 6, Some(counter(2, "a"))),
            (a, 7, None),
            (a, 8, Some(counter(3, "c"))),
        ]
    );
    // Nothing is held any more: a new frame runs at once.
    s.handle_frame(&delta(wa, 8, 9, 4));
    assert_eq!(values(&events(&mut s)), [(a, 9, Some(counter(4, "c")))]);
}

#[test]
fn malformed_frames_are_reported_and_change_nothing() {
    let (mut s, sub, w) = subscribed();
    s.handle_frame(&snapshot(w, 5, 1, "a"));
    events(&mut s);
    let before = table(&s);
    let mut truncated = delta(w, 5, 6, 2);
    truncated.pop();
    for bytes in [
        &[][..],
        &[0xff][..],
        &truncated[..],
        &[0x0a, 0x02, 0x00][..],
    ] {
        s.handle_frame(bytes);
        let evs = events(&mut s);
        assert!(
            matches!(
                evs.as_slice(),
                [Event::BadFrame {
                    sub: None,
                    error: ProtocolError::Malformed(_)
                }]
            ),
            "{bytes:?}: {evs:?}"
        );
    }
    // A snapshot whose value does not decode with its schema.
    s.handle_frame(&snapshot_with(w, 6, COUNTER_ID, vec![0x02]));
    let evs = events(&mut s);
    assert!(
        matches!(evs.as_slice(), [Event::BadFrame { sub: Some(x), error: ProtocolError::BadValue { offset: 6, .. } }] if *x == sub),
        "{evs:?}"
    );
    // A delta whose offset does not increase.
    s.handle_frame(&delta(w, 6, 6, 2));
    let evs = events(&mut s);
    assert!(matches!(
        evs.as_slice(),
        [Event::BadFrame {
            error: ProtocolError::OffsetNotIncreasing { .. },
            ..
        }]
    ));
    assert_eq!(table(&s), before);
    assert!(sent(&mut s).is_empty());
    // A frame kind from a newer server is skipped silently.
    s.handle_frame(&[0x0c, 0x01, 0x02]);
    assert!(events(&mut s).is_empty());
    // Too large for the configured limit.
    let mut small = Session::new(affinity_protocol::session::Config {
        max_frame_size: 4,
        ..Default::default()
    });
    small.connected(Duration::ZERO);
    small.handle_frame(&[0; 5]);
    assert!(matches!(
        events(&mut small).as_slice(),
        [Event::BadFrame {
            error: ProtocolError::FrameTooLarge { len: 5, max: 4 },
            ..
        }]
    ));
}

#[test]
fn unsubscribe_stops_events_and_tells_the_server() {
    let (mut s, sub, w) = subscribed();
    s.handle_frame(&snapshot(w, 5, 1, "a"));
    s.handle_frame(&delta(w, 5, 6, 2));
    s.unsubscribe(sub).unwrap();
    assert!(events(&mut s).is_empty(), "undelivered events are dropped");
    assert_eq!(
        sent(&mut s),
        [ClientFrame::Unsubscribe(Unsubscribe { sub_id: w })]
    );
    s.handle_frame(&delta(w, 6, 7, 3));
    assert!(events(&mut s).is_empty());
    assert!(s.subscription(sub).is_none());
    assert_eq!(
        s.unsubscribe(sub),
        Err(affinity_protocol::SessionError::UnknownSubscription(sub))
    );

    // A subscription never sent needs no Unsubscribe.
    let quick = s.subscribe("ks", "counters", vec![]).unwrap();
    s.unsubscribe(quick).unwrap();
    assert!(sent(&mut s).is_empty());
}

#[test]
fn an_error_for_a_subscription_ends_it() {
    let (mut s, sub, w) = subscribed();
    s.handle_frame(&error(Some(w), None, ErrorCode::UnknownKeyspace));
    assert_eq!(
        events(&mut s),
        [Event::Error {
            target: Target::Subscription(sub),
            code: ErrorCode::UnknownKeyspace,
            message: "UnknownKeyspace!".into()
        }]
    );
    assert!(s.subscription(sub).is_none());
    assert!(sent(&mut s).is_empty(), "the server already forgot it");
    // Errors for ids the session does not know are ignored; one naming nothing is the connection's.
    s.handle_frame(&error(Some(w), None, ErrorCode::Internal));
    s.handle_frame(&error(None, Some(77), ErrorCode::Internal));
    s.handle_frame(&error(None, None, ErrorCode::Unauthorized));
    assert_eq!(
        events(&mut s),
        [Event::Error {
            target: Target::Connection,
            code: ErrorCode::Unauthorized,
            message: "Unauthorized!".into()
        }]
    );
}

#[test]
fn publishes_are_acknowledged_failed_or_in_doubt() {
    let mut s = Session::default();
    let early = s.publish("ks", vec![2], vec![1]).unwrap();
    assert!(sent(&mut s).is_empty(), "waits for a connection");
    s.connected(Duration::ZERO);
    let second = s.publish("ks", vec![2], vec![2]).unwrap();
    let frames = sent(&mut s);
    let ids: Vec<i64> = frames
        .iter()
        .map(|f| match f {
            ClientFrame::Publish(p) => p.request_id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids, [early.0, second.0]);

    s.handle_frame(&encode(&ServerFrame::Published(Published {
        request_id: early.0,
    })));
    s.handle_frame(&encode(&ServerFrame::Published(Published {
        request_id: early.0,
    }))); // a duplicate answer: ignored
    let third = s.publish("ks", vec![2], vec![3]).unwrap();
    sent(&mut s);
    s.handle_frame(&error(None, Some(third.0), ErrorCode::BadMessage));
    let fourth = s.publish("ks", vec![2], vec![4]).unwrap(); // queued, not sent
    s.disconnected(Duration::from_secs(1));
    assert_eq!(
        events(&mut s),
        [
            Event::Published { request: early },
            Event::Error {
                target: Target::Request(third),
                code: ErrorCode::BadMessage,
                message: "BadMessage!".into()
            },
            Event::PublishInDoubt { request: second },
        ]
    );
    s.connected(Duration::from_secs(2));
    assert!(matches!(
        sent(&mut s).as_slice(),
        [ClientFrame::Publish(p)] if p.request_id == fourth.0 && p.message == [4]
    ));
}

#[test]
fn pongs_and_unknown_acknowledgements_change_nothing() {
    let (mut s, _, w) = subscribed();
    s.handle_frame(&snapshot(w, 1, 1, "a"));
    events(&mut s);
    let before = table(&s);
    s.handle_frame(&encode(&ServerFrame::Pong(Pong { nonce: 5 })));
    s.handle_frame(&encode(&ServerFrame::Published(Published {
        request_id: 5,
    })));
    s.handle_frame(&deleted(w + 1000, 9));
    assert!(events(&mut s).is_empty());
    assert_eq!(table(&s), before);
    assert_eq!(s.subscriptions().next().map(|(id, _)| id), Some(SubId(1)));
}
