//! What each partition of the `graph` keyspace does: the messages it answers about the
//! vertices and components it owns.

use affinity::keyspace::Published;
use affinity::partition::{Context, Handler, Handles, Message};
use affinity::state::StateError;
use affinity_avro::Avro;

use crate::model::{Component, Rename, Vertex};

/// The states of the keyspace.
pub const VERTICES: &str = "vertices";
/// Components by id.
pub const COMPONENTS: &str = "components";

/// The partition handler. It keeps nothing of its own: everything is in the states.
#[derive(Clone, Debug, Default)]
pub struct GraphPartition;

impl Handler for GraphPartition {}

/// Creates a vertex (alone in its own component) or renames it. Replies with the vertex and
/// whether it is new.
#[derive(Avro, Debug)]
#[avro(namespace = "com.example.graph")]
pub struct UpsertVertex {
    /// The vertex.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// What [`UpsertVertex`] did.
#[derive(Avro, Clone, Debug, PartialEq, Eq)]
#[avro(namespace = "com.example.graph")]
pub struct Upserted {
    /// The vertex as written.
    pub vertex: Vertex,
    /// Whether it is new.
    pub created: bool,
}

impl Message for UpsertVertex {
    type Reply = Result<Upserted, StateError>;
    const IDEMPOTENT: bool = true;
}

impl Handles<UpsertVertex> for GraphPartition {
    fn handle(
        &mut self,
        m: UpsertVertex,
        ctx: &mut Context<'_>,
    ) -> <UpsertVertex as Message>::Reply {
        let mut vertices = ctx.state::<i64, Vertex>(VERTICES)?;
        let mut created = false;
        let vertex = vertices.update(&m.id, |old| {
            Some(match old {
                Some(v) => Vertex { name: m.name, ..v },
                None => {
                    created = true;
                    Vertex {
                        id: m.id,
                        name: m.name,
                        edges: Vec::new(),
                        component: m.id,
                    }
                }
            })
        })?;
        Ok(Upserted {
            vertex: vertex.unwrap_or_else(|| unreachable_vertex(m.id)),
            created,
        })
    }
}

/// Renames vertex `id` if it exists; replies with it, or `None` (nothing written) if it does
/// not.
#[derive(Avro, Debug)]
#[avro(namespace = "com.example.graph")]
pub struct RenameVertex {
    /// The vertex.
    pub id: i64,
    /// Its new name.
    pub name: String,
}

impl Message for RenameVertex {
    type Reply = Result<Option<Vertex>, StateError>;
    const IDEMPOTENT: bool = true;
}

impl Handles<RenameVertex> for GraphPartition {
    fn handle(
        &mut self,
        m: RenameVertex,
        ctx: &mut Context<'_>,
    ) -> <RenameVertex as Message>::Reply {
        rename(ctx, m.id, m.name)
    }
}

/// Renames vertex `id` if it exists; its edges and component stay.
fn rename(ctx: &mut Context<'_>, id: i64, name: String) -> Result<Option<Vertex>, StateError> {
    ctx.state::<i64, Vertex>(VERTICES)?
        .update(&id, |old| old.map(|v| Vertex { name, ..v }))
}

/// Why a published [`Rename`] was refused; the publisher receives the message.
#[derive(Debug, thiserror::Error)]
pub enum RenameError {
    /// Only existing vertices are renamed (creating one also creates its component).
    #[error("vertex {0} does not exist")]
    NoVertex(i64),
    /// The state failed.
    #[error(transparent)]
    State(#[from] StateError),
}

impl Message for Rename {
    type Reply = Result<Vertex, RenameError>;
}

impl Handles<Published<i64, Rename>> for GraphPartition {
    /// Renames the vertex the message was published to; its edges and component stay.
    fn handle(
        &mut self,
        p: Published<i64, Rename>,
        ctx: &mut Context<'_>,
    ) -> Result<Vertex, RenameError> {
        rename(ctx, p.key, p.message.name)?.ok_or(RenameError::NoVertex(p.key))
    }
}

/// `update` with a closure that always returns `Some` returns `Some`; this keeps the code free
/// of a panic path all the same.
fn unreachable_vertex(id: i64) -> Vertex {
    Vertex {
        id,
        name: String::new(),
        edges: Vec::new(),
        component: id,
    }
}

/// Adds (`connect: true`) or removes an edge from `from` to `to` on `from`'s side. Replies
/// with the vertex, or `None` if `from` does not exist.
#[derive(Avro, Debug)]
#[avro(namespace = "com.example.graph")]
pub struct SetEdge {
    /// The vertex whose edge list changes.
    pub from: i64,
    /// The other end.
    pub to: i64,
    /// Add or remove.
    pub connect: bool,
}

impl Message for SetEdge {
    type Reply = Result<Option<Vertex>, StateError>;
    const IDEMPOTENT: bool = true;
}

impl Handles<SetEdge> for GraphPartition {
    fn handle(&mut self, m: SetEdge, ctx: &mut Context<'_>) -> <SetEdge as Message>::Reply {
        ctx.state::<i64, Vertex>(VERTICES)?.update(&m.from, |old| {
            let mut v = old?;
            let at = v.edges.binary_search(&m.to);
            match (at, m.connect) {
                (Err(i), true) => v.edges.insert(i, m.to),
                (Ok(i), false) => {
                    v.edges.remove(i);
                }
                _ => {}
            }
            Some(v)
        })
    }
}

/// Sets a vertex's component (nothing is written if it is already that).
#[derive(Avro, Debug)]
#[avro(namespace = "com.example.graph")]
pub struct SetComponent {
    /// The vertex.
    pub vertex: i64,
    /// Its component.
    pub component: i64,
}

impl Message for SetComponent {
    type Reply = Result<(), StateError>;
    const IDEMPOTENT: bool = true;
}

impl Handles<SetComponent> for GraphPartition {
    fn handle(
        &mut self,
        m: SetComponent,
        ctx: &mut Context<'_>,
    ) -> <SetComponent as Message>::Reply {
        ctx.state::<i64, Vertex>(VERTICES)?
            .update(&m.vertex, |old| {
                old.map(|v| Vertex {
                    component: m.component,
                    ..v
                })
            })?;
        Ok(())
    }
}

/// Writes a component (nothing is written if it is unchanged), or deletes the component `id`
/// when `members` is empty.
#[derive(Avro, Debug)]
#[avro(namespace = "com.example.graph")]
pub struct SetMembers {
    /// The component.
    pub id: i64,
    /// Its members, ascending; empty to delete it.
    pub members: Vec<i64>,
}

impl Message for SetMembers {
    type Reply = Result<(), StateError>;
    const IDEMPOTENT: bool = true;
}

impl Handles<SetMembers> for GraphPartition {
    fn handle(&mut self, m: SetMembers, ctx: &mut Context<'_>) -> <SetMembers as Message>::Reply {
        let id = m.id;
        let members = m.members;
        ctx.state::<i64, Component>(COMPONENTS)?.update(&id, |_| {
            (!members.is_empty()).then_some(Component { id, members })
        })?;
        Ok(())
    }
}
