//! How unions appear in JSON: nullable unions unwrapped, the others tagged by branch name.

use crate::schema::{Kind, NodeId, Schema};

/// A branch's name in a tagged union: the full name of a named type, the type's name
/// (`"int"`, `"array"`, `"map"`…) otherwise.
pub(crate) fn branch_name(kind: &Kind) -> &str {
    match kind.name() {
        Some(n) => n.fullname(),
        None => kind.type_name(),
    }
}

/// For a union of exactly two branches, `null` and another, the positions of the `null`
/// branch and of the other; such a union is written unwrapped.
pub(crate) fn nullable(schema: &Schema, branches: &[NodeId]) -> Option<(usize, usize)> {
    match branches {
        [a, b] => match (&schema.node(*a).kind, &schema.node(*b).kind) {
            (Kind::Null, Kind::Null) => None,
            (Kind::Null, _) => Some((0, 1)),
            (_, Kind::Null) => Some((1, 0)),
            _ => None,
        },
        _ => None,
    }
}
