//! Property tests: whatever arrives, the session never panics, offsets never go backwards, and
//! bytes that are not a frame change nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::HashMap;
use std::time::Duration;

use affinity_avro::encode_value;
use affinity_protocol::ProtocolError;
use affinity_protocol::frame::{
    ClientFrame, Delta, Published, ServerFrame, Snapshot, decode, encode,
};
use affinity_protocol::session::{Event, Session, SubId};
use proptest::prelude::*;
use support::*;

/// A session with two subscriptions, one with a value, one with a frame held for schema 9.
fn busy_session() -> (Session, i64, i64) {
    let mut s = Session::default();
    s.provide_schema(COUNTER_ID, counter_schema());
    s.subscribe("ks", "st", vec![1]).unwrap();
    s.subscribe("ks", "st", vec![2]).unwrap();
    s.connected(Duration::ZERO);
    let frames = sent(&mut s);
    let wires: Vec<i64> = frames
        .iter()
        .map(|f| match f {
            ClientFrame::Subscribe(x) => x.sub_id,
            other => panic!("{other:?}"),
        })
        .collect();
    s.handle_frame(&snapshot(wires[0], 5, 1, "a"));
    s.handle_frame(&snapshot_with(wires[1], 3, 9, vec![0x02]));
    events(&mut s);
    (s, wires[0], wires[1])
}

/// Bytes: anything, or a plausible frame start (a branch, then a live wire id) and anything.
fn frame_bytes() -> impl Strategy<Value = Vec<u8>> {
    let tail = prop::collection::vec(any::<u8>(), 0..48);
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        (0u8..7, prop::sample::select(vec![2u8, 4]), tail).prop_map(|(branch, wire, rest)| {
            let mut v = vec![branch * 2, wire];
            v.extend(rest);
            v
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn bytes_that_are_not_a_frame_change_nothing(bytes in frame_bytes()) {
        let (mut s, _, _) = busy_session();
        let before = table(&s);
        s.handle_frame(&bytes);
        let evs = events(&mut s);
        match decode::<ServerFrame>(&bytes) {
            Err(ProtocolError::UnknownFrame { .. }) => {
                prop_assert!(evs.is_empty());
                prop_assert_eq!(table(&s), before);
                prop_assert!(sent(&mut s).is_empty());
            }
            Err(_) => {
                prop_assert!(matches!(evs.as_slice(), [Event::BadFrame { sub: None, .. }]), "{:?}", evs);
                prop_assert_eq!(table(&s), before);
                prop_assert!(sent(&mut s).is_empty());
            }
            Ok(_) => {
                // A real frame may change things, but never an offset backwards.
                for ((_, _, _, old, _), (_, _, _, new, _)) in before.iter().zip(table(&s).iter()) {
                    prop_assert!(new >= old, "{:?} -> {:?}", old, new);
                }
            }
        }
    }

    #[test]
    fn arbitrary_values_and_deltas_never_corrupt_a_subscription(
        payloads in prop::collection::vec((any::<bool>(), prop::collection::vec(any::<u8>(), 0..24)), 1..20),
    ) {
        let (mut s, w, _) = busy_session();
        let schema = counter_schema();
        for (i, (is_delta, bytes)) in payloads.into_iter().enumerate() {
            let last = s.subscriptions().next().and_then(|(_, x)| x.last_offset()).unwrap_or(0);
            let offset = last + 1 + i as i64;
            let frame = if is_delta {
                ServerFrame::Delta(Delta { sub_id: w, offset, base_offset: last, schema_id: COUNTER_ID, delta: bytes })
            } else {
                ServerFrame::Snapshot(Snapshot { sub_id: w, offset, schema_id: COUNTER_ID, value: bytes })
            };
            s.handle_frame(&encode(&frame));
            let (_, sub) = s.subscriptions().next().unwrap();
            prop_assert!(sub.last_offset() >= Some(last));
            if let Some(v) = sub.value() {
                // Whatever the session holds is a valid Counter.
                prop_assert!(encode_value(&schema, v, &mut Vec::new()).is_ok());
            }
            for e in events(&mut s) {
                match e {
                    Event::Value { offset: o, .. } => prop_assert_eq!(o, offset),
                    Event::BadFrame { .. } => {}
                    other => prop_assert!(false, "unexpected {:?}", other),
                }
            }
            // A bad delta made the session resubscribe: frames for `w` mean nothing now.
            if sent(&mut s).iter().any(|f| matches!(f, ClientFrame::Subscribe(_))) {
                break;
            }
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn any_sequence_of_inputs_keeps_the_invariants(ops in prop::collection::vec(op(), 1..80)) {
        run(ops)?;
    }
}

#[derive(Clone, Debug)]
enum Op {
    Subscribe,
    Unsubscribe(usize),
    Connect,
    Disconnect,
    Snapshot(usize, i64),
    Delta(usize, i64, i64),
    Deleted(usize, i64),
    Provide,
    Publish,
    Ack(i64),
    Tick(u64),
    Transmit,
    Garbage(Vec<u8>),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Subscribe),
        any::<prop::sample::Index>().prop_map(|i| Op::Unsubscribe(i.index(64))),
        Just(Op::Connect),
        Just(Op::Disconnect),
        (0..8usize, 0..20i64).prop_map(|(w, o)| Op::Snapshot(w, o)),
        (0..8usize, 0..20i64, 0..4i64).prop_map(|(w, b, d)| Op::Delta(w, b, b + d)),
        (0..8usize, -1..20i64).prop_map(|(w, o)| Op::Deleted(w, o)),
        Just(Op::Provide),
        Just(Op::Publish),
        (1..6i64).prop_map(Op::Ack),
        (0..40_000u64).prop_map(Op::Tick),
        Just(Op::Transmit),
        Just(Op::Transmit),
        prop::collection::vec(any::<u8>(), 0..12).prop_map(Op::Garbage),
    ]
}

/// Runs `ops` against a session, playing a server that answers with the wire ids the session
/// really sent (old ones included), and checks after every step:
/// - offsets of each subscription's value events strictly increase,
/// - no event concerns a subscription after it was unsubscribed,
/// - everything sent decodes, and what waits to be sent stays within its bounds.
fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut s = Session::default();
    let mut now = Duration::ZERO;
    let mut wires: Vec<i64> = Vec::new();
    let mut last: HashMap<SubId, i64> = HashMap::new();
    let mut gone: Vec<SubId> = Vec::new();
    let mut unsubscribed_since_transmit = 0;
    let wire = |wires: &Vec<i64>, i: usize| wires.get(i % wires.len().max(1)).copied().unwrap_or(1);
    for op in ops {
        match op {
            Op::Subscribe => {
                let _ = s.subscribe("ks", "st", vec![]);
            }
            Op::Unsubscribe(i) => {
                let ids: Vec<SubId> = s.subscriptions().map(|(id, _)| id).collect();
                if let Some(&id) = ids.get(i % ids.len().max(1)) {
                    s.unsubscribe(id).unwrap();
                    gone.push(id);
                    unsubscribed_since_transmit += 1;
                }
            }
            Op::Connect => s.connected(now),
            Op::Disconnect => s.disconnected(now),
            Op::Snapshot(w, o) => s.handle_frame(&snapshot(wire(&wires, w), o, o, "x")),
            Op::Delta(w, b, o) => s.handle_frame(&delta(wire(&wires, w), b, o, o)),
            Op::Deleted(w, o) => s.handle_frame(&deleted(wire(&wires, w), o)),
            Op::Provide => s.provide_schema(COUNTER_ID, counter_schema()),
            Op::Publish => {
                let _ = s.publish("ks", vec![], vec![]);
            }
            Op::Ack(r) => s.handle_frame(&encode(&ServerFrame::Published(Published {
                request_id: r,
            }))),
            Op::Tick(ms) => {
                now += Duration::from_millis(ms);
                s.handle_timeout(now);
            }
            Op::Transmit => {
                let subs = s.subscriptions().count();
                let mut n = 0;
                while let Some(bytes) = s.poll_transmit() {
                    n += 1;
                    if let ClientFrame::Subscribe(x) = decode::<ClientFrame>(&bytes).unwrap() {
                        wires.push(x.sub_id);
                    }
                }
                // A ping, an Unsubscribe and a Subscribe per subscription, an Unsubscribe per
                // subscription dropped since, and the publishes.
                let bound = 1 + 2 * subs + unsubscribed_since_transmit + s.config().max_publishes;
                prop_assert!(n <= bound, "{} frames, bound {}", n, bound);
                unsubscribed_since_transmit = 0;
            }
            Op::Garbage(bytes) => s.handle_frame(&bytes),
        }
        while let Some(e) = s.poll_event() {
            if let Some(sub) = e.sub() {
                prop_assert!(
                    !gone.contains(&sub),
                    "event for unsubscribed {:?}: {:?}",
                    sub,
                    e
                );
            }
            if let Event::Value { sub, offset, .. } | Event::Deleted { sub, offset } = e
                && let Some(prev) = last.insert(sub, offset)
            {
                prop_assert!(offset > prev, "{:?}: offset {} after {}", sub, offset, prev);
            }
        }
    }
    Ok(())
}
