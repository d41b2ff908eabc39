//! The graph's data: what the states hold and what the HTTP API speaks.

use affinity_avro::Avro;

/// A vertex: its name, its neighbours (edges are undirected: each end lists the other) and the
/// id of its connected component, which is the smallest vertex id in it.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "com.example.graph")]
pub struct Vertex {
    /// The vertex id.
    pub id: i64,
    /// A name for people.
    pub name: String,
    /// The neighbours, ascending.
    pub edges: Vec<i64>,
    /// The connected component: the smallest id reachable from this vertex.
    pub component: i64,
}

/// The body of `PUT /vertex/{id}`: what a client may set on a vertex. Edges and components are
/// the graph's to maintain.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "com.example.graph")]
pub struct VertexData {
    /// The vertex's name.
    pub name: String,
}

/// What a live client publishes to a vertex's id to rename it (the keyspace's published
/// message: `client.publish("graph", id, { name })` in the browser). Published messages are
/// handled in the vertex's partition, so this is what one partition can do alone: renaming an
/// existing vertex. Creating vertices and changing edges go through the HTTP API, which
/// coordinates partitions.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "com.example.graph")]
pub struct Rename {
    /// The vertex's new name.
    pub name: String,
}

/// A connected component: its id (the smallest member) and its members, ascending.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "com.example.graph")]
pub struct Component {
    /// The smallest member's id.
    pub id: i64,
    /// Every vertex in the component, ascending.
    pub members: Vec<i64>,
}
