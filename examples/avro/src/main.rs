//! Affinity's Avro core in one program: a derived type, its schema, the binary and JSON
//! encodings, a delta, reading data written with an older schema, and the Confluent framing with
//! a schema registry.
//!
//! Run it with `cargo run -p example-avro`.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use affinity_avro::{
    Avro, MemoryRegistry, Schema, SchemaRegistry, Value, apply_delta, decode_frame, delta,
    encode_value, from_slice, from_slice_with, json, to_framed, to_vec,
};

/// A vertex of a graph, as the graph example stores it.
#[derive(Avro, Clone, Debug, PartialEq)]
#[avro(namespace = "com.example.graph")]
pub struct Vertex {
    /// The vertex's id.
    pub id: i64,
    /// A name to show.
    pub label: String,
    /// Outgoing edges.
    pub edges: Vec<Edge>,
    /// The connected component, once known. Optional fields default to null, so adding one is
    /// a compatible change.
    pub component: Option<i64>,
}

/// An edge to another vertex.
#[derive(Avro, Clone, Debug, PartialEq)]
#[avro(namespace = "com.example.graph")]
pub struct Edge {
    /// The vertex it points to.
    pub to: i64,
    /// Its weight.
    pub weight: f64,
}

/// The schema an older producer wrote with: no `component`, and weights as `float`.
const VERTEX_V1: &str = r#"{"type":"record","name":"Vertex","namespace":"com.example.graph","fields":[
    {"name":"id","type":"long"},
    {"name":"label","type":"string"},
    {"name":"edges","type":{"type":"array","items":{"type":"record","name":"Edge","fields":[
        {"name":"to","type":"long"},{"name":"weight","type":"float"}]}}}]}"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let v = Vertex {
        id: 42,
        label: "answer".into(),
        edges: vec![Edge { to: 7, weight: 0.5 }, Edge { to: 9, weight: 2.0 }],
        component: None,
    };

    println!("schema       {}", Vertex::schema());
    println!("fingerprint  {:016x}", Vertex::fingerprint());

    let bytes = to_vec(&v);
    println!("binary       {} bytes: {}", bytes.len(), hex(&bytes));
    assert_eq!(from_slice::<Vertex>(&bytes)?, v);
    println!("json         {}", json::to_json_string(&v));

    // A subscriber holding `v` receives only what changed.
    let mut changed = v.clone();
    changed.component = Some(7);
    let d = delta::delta(&v, &changed);
    println!(
        "delta        {} bytes (the full value is {}): {}",
        d.len(),
        to_vec(&changed).len(),
        hex(&d)
    );
    assert_eq!(apply_delta(&v, &d)?, changed);

    // Data an older producer wrote: resolved into today's type per the Avro specification.
    let v1 = Schema::parse(VERTEX_V1)?;
    let edge = |to, weight| Value::Record(vec![Value::Long(to), Value::Float(weight)]);
    let old = Value::Record(vec![
        Value::Long(1),
        Value::String("old".into()),
        Value::Array(vec![edge(2, 1.5)]),
    ]);
    let mut old_bytes = Vec::new();
    encode_value(&v1, &old, &mut old_bytes)?;
    let read: Vertex = from_slice_with(&v1, &old_bytes)?;
    println!("evolved      {read:?}");

    // Kafka records carry a registry id in the Confluent framing.
    let registry = MemoryRegistry::new();
    let id = ready(registry.register("graph-vertices-value", Vertex::schema()))??;
    let framed = to_framed(id.0, &v);
    let (frame_id, body) = decode_frame(&framed)?;
    let writer = ready(registry.schema_by_id(affinity_avro::SchemaId(frame_id)))??;
    println!("framed       schema id {frame_id}, {} bytes", framed.len());
    assert_eq!(from_slice_with::<Vertex>(&writer, body)?, v);
    Ok(())
}

/// The in-memory registry's futures are ready at once, so one poll gets the answer; a server
/// awaits them on its runtime instead.
fn ready<T>(f: impl Future<Output = T>) -> Result<T, &'static str> {
    match pin!(f).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Ok(v),
        Poll::Pending => Err("the in-memory registry answers at once"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
