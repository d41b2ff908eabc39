//! The graph operations that span partitions: connecting and disconnecting vertices and keeping
//! every vertex's connected component up to date.
//!
//! A vertex and its component record live in the partitions their ids route to, so one
//! operation asks several partitions. Each partition applies its part atomically, but the
//! operation as a whole is not a transaction: [`Graph`] serialises the operations that change
//! the graph's shape with the `shape` [lease], which one operation holds at a
//! time across the whole cluster, whichever node it runs on. (A design where one partition
//! owns each component would let unrelated components change at once.)

use std::collections::{BTreeSet, VecDeque};
use std::time::Duration;

use affinity::gateway::ApiError;
use affinity::keyspace::{AskError, GetError, KeyspaceRef};
use affinity::state::StateError;

use crate::lease::{self, LeaseError};
use crate::model::{Component, Vertex};
use crate::partition::{
    COMPONENTS, GraphPartition, RenameVertex, SetComponent, SetEdge, SetMembers, UpsertVertex,
    Upserted, VERTICES,
};

/// The largest component a connect or disconnect will walk; past it the operation is refused
/// rather than let one request touch an unbounded number of vertices.
pub const MAX_COMPONENT: usize = 100_000;

/// Why a graph operation failed.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// A vertex the operation needs does not exist.
    #[error("vertex {0} does not exist")]
    NoVertex(i64),
    /// A component grew past [`MAX_COMPONENT`].
    #[error("the component is larger than {MAX_COMPONENT} vertices")]
    TooLarge,
    /// A partition did not answer.
    #[error(transparent)]
    Ask(#[from] AskError),
    /// A state failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// A read failed.
    #[error(transparent)]
    Get(#[from] GetError),
    /// Other changes to the graph's shape held it for too long.
    #[error("the graph's shape is being changed by others; try again")]
    Busy,
}

impl From<LeaseError> for GraphError {
    fn from(e: LeaseError) -> Self {
        match e {
            LeaseError::Busy(_) => GraphError::Busy,
            LeaseError::Ask(ask) => GraphError::Ask(ask),
            LeaseError::State(state) => GraphError::State(state),
        }
    }
}

impl From<GraphError> for ApiError {
    fn from(e: GraphError) -> Self {
        match e {
            GraphError::NoVertex(_) => ApiError::NotFound,
            GraphError::TooLarge => ApiError::Conflict(e.to_string()),
            GraphError::Ask(ask) => ask.into(),
            GraphError::State(state) => ApiError::internal(state),
            GraphError::Get(get) => get.into(),
            GraphError::Busy => ApiError::Unavailable {
                retry_after: Duration::from_secs(1),
            },
        }
    }
}

/// The lease held around every change to the graph's shape.
const SHAPE: &str = "shape";

/// The graph over the `graph` keyspace. Cheap to make; an axum extractor in the routes of
/// [`api`](crate::api).
#[derive(Debug, Clone)]
pub struct Graph {
    keyspace: KeyspaceRef<GraphPartition>,
}

impl Graph {
    /// The graph over a running `graph` keyspace.
    pub fn new(keyspace: KeyspaceRef<GraphPartition>) -> Self {
        Graph { keyspace }
    }

    /// The keyspace.
    pub fn keyspace(&self) -> &KeyspaceRef<GraphPartition> {
        &self.keyspace
    }

    /// A vertex: the last value written, read from its partition's store.
    pub async fn vertex(&self, id: i64) -> Result<Option<Vertex>, GraphError> {
        Ok(self.keyspace.get(VERTICES, &id).await?)
    }

    /// Creates or renames vertex `id`. A new vertex is its own component. Renaming leaves the
    /// shape alone, so only a creation holds the `shape` lease.
    pub async fn put_vertex(&self, id: i64, name: String) -> Result<Vertex, GraphError> {
        let rename = RenameVertex {
            id,
            name: name.clone(),
        };
        if let Some(vertex) = self.keyspace.ask(&id, rename).await?? {
            return Ok(vertex);
        }
        lease::hold(&self.keyspace, SHAPE, self.put_vertex_held(id, name)).await?
    }

    /// Connects `a` and `b` and returns their (now common) component.
    pub async fn connect(&self, a: i64, b: i64) -> Result<Component, GraphError> {
        lease::hold(&self.keyspace, SHAPE, self.connect_held(a, b)).await?
    }

    /// Disconnects `a` and `b` and returns `a`'s component (and `b`'s, if they split).
    pub async fn disconnect(&self, a: i64, b: i64) -> Result<Vec<Component>, GraphError> {
        lease::hold(&self.keyspace, SHAPE, self.disconnect_held(a, b)).await?
    }

    async fn put_vertex_held(&self, id: i64, name: String) -> Result<Vertex, GraphError> {
        let Upserted { vertex, created } =
            self.keyspace.ask(&id, UpsertVertex { id, name }).await??;
        if created {
            self.set_members(id, vec![id]).await?;
        }
        Ok(vertex)
    }

    async fn connect_held(&self, a: i64, b: i64) -> Result<Component, GraphError> {
        let (va, vb) = (self.existing(a).await?, self.existing(b).await?);
        self.edge(a, b, true).await?;
        self.edge(b, a, true).await?;
        let component = self.settle(a).await?;
        for old in [va.component, vb.component] {
            if old != component.id {
                self.set_members(old, Vec::new()).await?;
            }
        }
        Ok(component)
    }

    async fn disconnect_held(&self, a: i64, b: i64) -> Result<Vec<Component>, GraphError> {
        let va = self.existing(a).await?;
        self.existing(b).await?;
        self.edge(a, b, false).await?;
        self.edge(b, a, false).await?;
        let mut components = vec![self.settle(a).await?];
        if !components[0].members.contains(&b) {
            components.push(self.settle(b).await?);
        }
        if components.iter().all(|c| c.id != va.component) {
            self.set_members(va.component, Vec::new()).await?;
        }
        Ok(components)
    }

    /// The component with id `id`, read from its partition's store.
    pub async fn component(&self, id: i64) -> Result<Option<Component>, GraphError> {
        Ok(self.keyspace.get(COMPONENTS, &id).await?)
    }

    async fn existing(&self, id: i64) -> Result<Vertex, GraphError> {
        self.vertex(id).await?.ok_or(GraphError::NoVertex(id))
    }

    async fn edge(&self, from: i64, to: i64, connect: bool) -> Result<(), GraphError> {
        self.keyspace
            .ask(&from, SetEdge { from, to, connect })
            .await??
            .map(drop)
            .ok_or(GraphError::NoVertex(from))
    }

    async fn set_members(&self, id: i64, members: Vec<i64>) -> Result<(), GraphError> {
        Ok(self.keyspace.ask(&id, SetMembers { id, members }).await??)
    }

    /// Walks the component of `start`, gives every member the component's id (its smallest
    /// member) and writes the component record.
    async fn settle(&self, start: i64) -> Result<Component, GraphError> {
        let mut seen = BTreeSet::from([start]);
        let mut queue = VecDeque::from([start]);
        while let Some(id) = queue.pop_front() {
            let Some(v) = self.vertex(id).await? else {
                continue;
            };
            for next in v.edges {
                if seen.insert(next) {
                    if seen.len() > MAX_COMPONENT {
                        return Err(GraphError::TooLarge);
                    }
                    queue.push_back(next);
                }
            }
        }
        let members: Vec<i64> = seen.into_iter().collect();
        let id = members.first().copied().unwrap_or(start);
        for &vertex in &members {
            self.keyspace
                .ask(
                    &vertex,
                    SetComponent {
                        vertex,
                        component: id,
                    },
                )
                .await??;
        }
        self.set_members(id, members.clone()).await?;
        Ok(Component { id, members })
    }
}
