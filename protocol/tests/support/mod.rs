//! A scripted server for session tests: builds server frames, reads what the session sends.

#![allow(dead_code, unreachable_pub, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use affinity_avro::{Schema, Value, encode_value};
use affinity_protocol::frame::{
    ClientFrame, Deleted, Delta, ErrorCode, ErrorFrame, ServerFrame, Snapshot, Subscribe, decode,
    encode,
};
use affinity_protocol::session::{Event, Session, SubId};

/// `record Counter { long n; string name; }`, registered as [`COUNTER_ID`].
pub const COUNTER: &str = r#"{"type":"record","name":"Counter","namespace":"test","fields":[
    {"name":"n","type":"long"},{"name":"name","type":"string"}]}"#;
pub const COUNTER_ID: i32 = 1;

pub fn counter_schema() -> Arc<Schema> {
    Arc::new(Schema::parse(COUNTER).expect("test schema"))
}

pub fn counter(n: i64, name: &str) -> Value {
    Value::Record(vec![Value::Long(n), Value::String(name.into())])
}

pub fn counter_bytes(n: i64, name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    encode_value(&counter_schema(), &counter(n, name), &mut out).expect("encodes");
    out
}

/// The delta setting `n` only.
pub fn set_n(n: i64) -> Vec<u8> {
    let mut out = vec![0b01];
    affinity_avro::binary::write_long(&mut out, n);
    out
}

pub fn snapshot(wire: i64, offset: i64, n: i64, name: &str) -> Vec<u8> {
    encode(&ServerFrame::Snapshot(Snapshot {
        sub_id: wire,
        offset,
        schema_id: COUNTER_ID,
        value: counter_bytes(n, name),
    }))
}

pub fn snapshot_with(wire: i64, offset: i64, schema_id: i32, value: Vec<u8>) -> Vec<u8> {
    encode(&ServerFrame::Snapshot(Snapshot {
        sub_id: wire,
        offset,
        schema_id,
        value,
    }))
}

pub fn delta(wire: i64, base_offset: i64, offset: i64, n: i64) -> Vec<u8> {
    encode(&ServerFrame::Delta(Delta {
        sub_id: wire,
        offset,
        base_offset,
        schema_id: COUNTER_ID,
        delta: set_n(n),
    }))
}

pub fn deleted(wire: i64, offset: i64) -> Vec<u8> {
    encode(&ServerFrame::Deleted(Deleted {
        sub_id: wire,
        offset,
    }))
}

pub fn error(sub_id: Option<i64>, request_id: Option<i64>, code: ErrorCode) -> Vec<u8> {
    encode(&ServerFrame::Error(ErrorFrame {
        sub_id,
        request_id,
        code,
        message: format!("{code}!"),
    }))
}

/// Every frame the session has to send, decoded.
pub fn sent(s: &mut Session) -> Vec<ClientFrame> {
    std::iter::from_fn(|| s.poll_transmit())
        .map(|b| decode::<ClientFrame>(&b).expect("the session sends valid frames"))
        .collect()
}

/// The one Subscribe the session has to send.
pub fn one_subscribe(s: &mut Session) -> Subscribe {
    match sent(s).as_slice() {
        [ClientFrame::Subscribe(sub)] => sub.clone(),
        other => panic!("expected one Subscribe, got {other:?}"),
    }
}

/// Every undelivered event.
pub fn events(s: &mut Session) -> Vec<Event> {
    std::iter::from_fn(|| s.poll_event()).collect()
}

/// A value event as the tests compare it: (sub, offset, value), or a deletion with `None`.
pub fn values(events: &[Event]) -> Vec<(SubId, i64, Option<Value>)> {
    events
        .iter()
        .map(|e| match e {
            Event::Value {
                sub, offset, value, ..
            } => (*sub, *offset, Some(value.clone())),
            Event::Deleted { sub, offset } => (*sub, *offset, None),
            other => panic!("expected a value event, got {other:?}"),
        })
        .collect()
}

/// A connected session with the counter schema and one subscription whose Subscribe was sent:
/// the session, the subscription and its wire id.
pub fn subscribed() -> (Session, SubId, i64) {
    let mut s = Session::default();
    s.provide_schema(COUNTER_ID, counter_schema());
    let sub = s
        .subscribe("ks", "counters", vec![0x02])
        .expect("subscribes");
    s.connected(std::time::Duration::ZERO);
    let wire = one_subscribe(&mut s).sub_id;
    (s, sub, wire)
}

/// One row of [`table`]: id, `keyspace/state`, key, last offset, value.
pub type Row = (SubId, String, Vec<u8>, Option<i64>, Option<Value>);

/// Everything a user can observe of the subscription table.
pub fn table(s: &Session) -> Vec<Row> {
    s.subscriptions()
        .map(|(id, sub)| {
            (
                id,
                format!("{}/{}", sub.keyspace(), sub.state()),
                sub.key().to_vec(),
                sub.last_offset(),
                sub.value().cloned(),
            )
        })
        .collect()
}
