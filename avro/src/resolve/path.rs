//! Paths into a pair of schemas, for error messages: `Order.items[].price`.

use crate::schema::{Kind, NodeId, Schema};

/// The path of a schema's root: a named type's simple name, otherwise empty.
pub(crate) fn root(schema: &Schema) -> String {
    schema
        .root_node()
        .kind
        .name()
        .map(|n| n.name().to_owned())
        .unwrap_or_default()
}

/// The path of a record field.
pub(crate) fn field(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// The path of an array's items.
pub(crate) fn items(path: &str) -> String {
    format!("{path}[]")
}

/// The path of a map's values.
pub(crate) fn values(path: &str) -> String {
    format!("{path}{{}}")
}

/// The path of a writer union's branch `id`.
pub(crate) fn branch(path: &str, schema: &Schema, id: NodeId) -> String {
    let kind = &schema.node(id).kind;
    match kind.name() {
        Some(n) => format!("{path}<{}>", n.name()),
        None => format!("{path}<{}>", kind.type_name()),
    }
}

/// A node for messages: `record ex.Order`, `int`, `array`.
pub(crate) fn describe(schema: &Schema, id: NodeId) -> String {
    let kind = &schema.node(id).kind;
    match kind {
        Kind::Array(items) => format!("array of {}", describe_shallow(schema, *items)),
        Kind::Map(values) => format!("map of {}", describe_shallow(schema, *values)),
        _ => describe_shallow(schema, id),
    }
}

fn describe_shallow(schema: &Schema, id: NodeId) -> String {
    let kind = &schema.node(id).kind;
    match kind.name() {
        Some(n) => format!("{} {}", kind.type_name(), n),
        None => kind.type_name().to_owned(),
    }
}
