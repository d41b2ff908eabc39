//! Checking that a schema can be a key schema: everything the sort order looks at must have an
//! order (no maps outside ignored fields).

use std::collections::HashSet;

use affinity_avro::Schema;
use affinity_avro::schema::{Kind, Order};

use super::KeyError;

/// What a key schema needs known before encoding.
pub(super) struct KeyShape {
    /// Whether any record field reached by the order is `"order": "ignore"` (keys then carry a
    /// trailer with the ignored fields' values).
    pub(super) has_ignored: bool,
}

/// Walks every node the sort order reaches from the root. Ignored fields are not walked: they
/// may hold anything, maps included.
pub(super) fn check(schema: &Schema) -> Result<KeyShape, KeyError> {
    let mut shape = KeyShape { has_ignored: false };
    let mut seen = HashSet::new();
    // Explicit stack: recursive schemas and deep nesting never touch the call stack.
    let mut todo = vec![(schema.root(), String::new())];
    while let Some((id, path)) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        match &schema.node(id).kind {
            Kind::Map(_) => {
                return Err(KeyError::Unorderable {
                    path: if path.is_empty() {
                        "the root".into()
                    } else {
                        path
                    },
                });
            }
            Kind::Array(items) => todo.push((*items, format!("{path}[]"))),
            Kind::Union(branches) => {
                for (i, b) in branches.iter().enumerate() {
                    todo.push((*b, join(&path, &format!("<branch {i}>"))));
                }
            }
            Kind::Record(r) => {
                for f in r.fields.iter().rev() {
                    if f.order == Order::Ignore {
                        shape.has_ignored = true;
                    } else {
                        todo.push((f.schema, join(&path, &f.name)));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(shape)
}

fn join(path: &str, segment: &str) -> String {
    if path.is_empty() {
        segment.to_owned()
    } else if segment.starts_with('[') {
        format!("{path}{segment}")
    } else {
        format!("{path}.{segment}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Schema {
        Schema::parse(s).unwrap_or_else(|e| unreachable!("test schema: {e}"))
    }

    #[test]
    fn maps_are_rejected_with_their_path_unless_ignored() {
        let s = parse(
            r#"{"type":"record","name":"K","fields":[
                {"name":"a","type":"int"},
                {"name":"b","type":{"type":"array","items":["null",{"type":"map","values":"int"}]}}]}"#,
        );
        assert_eq!(
            check(&s).err(),
            Some(KeyError::Unorderable {
                path: "b[].<branch 1>".into()
            })
        );
        let s = parse(
            r#"{"type":"record","name":"K","fields":[
                {"name":"a","type":"int"},
                {"name":"b","type":{"type":"map","values":"int"},"order":"ignore"}]}"#,
        );
        assert!(check(&s).is_ok_and(|shape| shape.has_ignored));
        let s = parse(r#"{"type":"map","values":"int"}"#);
        assert_eq!(
            check(&s).err(),
            Some(KeyError::Unorderable {
                path: "the root".into()
            })
        );
    }

    #[test]
    fn recursive_schemas_are_walked_once() {
        let s = parse(
            r#"{"type":"record","name":"L","fields":[
                {"name":"v","type":"long"},{"name":"next","type":["null","L"]}]}"#,
        );
        assert!(check(&s).is_ok_and(|shape| !shape.has_ignored));
    }
}
