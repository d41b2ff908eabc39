//! A schema back to JSON, in full form.

use std::collections::HashSet;

use serde_json::{Map, Value as Json};

use super::{Kind, Logical, Name, Node, NodeId, Order, Schema};

pub(super) fn to_json(schema: &Schema) -> String {
    let json = node(schema, schema.root(), None, &mut HashSet::new());
    json.to_string()
}

/// How a reference to `name` is written inside `enclosing`: the simple name where the
/// namespaces agree, otherwise the full name.
fn reference(name: &Name, enclosing: Option<&str>) -> Json {
    if name.namespace() == enclosing {
        Json::String(name.name().to_owned())
    } else {
        Json::String(name.fullname().to_owned())
    }
}

fn named_header(
    obj: &mut Map<String, Json>,
    ty: &str,
    name: &Name,
    aliases: &[Name],
    doc: Option<&String>,
    enclosing: Option<&str>,
) {
    obj.insert("type".into(), Json::String(ty.into()));
    obj.insert("name".into(), Json::String(name.name().into()));
    if name.namespace() != enclosing {
        obj.insert(
            "namespace".into(),
            Json::String(name.namespace().unwrap_or("").into()),
        );
    }
    if !aliases.is_empty() {
        obj.insert(
            "aliases".into(),
            Json::Array(
                aliases
                    .iter()
                    .map(|a| reference(a, name.namespace()))
                    .collect(),
            ),
        );
    }
    if let Some(doc) = doc {
        obj.insert("doc".into(), Json::String(doc.clone()));
    }
}

fn node(
    schema: &Schema,
    id: NodeId,
    enclosing: Option<&str>,
    defined: &mut HashSet<NodeId>,
) -> Json {
    let Node { kind, logical } = schema.node(id);
    if let Some(name) = kind.name()
        && !defined.insert(id)
    {
        return reference(name, enclosing);
    }
    let mut obj = Map::new();
    match kind {
        Kind::Null
        | Kind::Boolean
        | Kind::Int
        | Kind::Long
        | Kind::Float
        | Kind::Double
        | Kind::Bytes
        | Kind::String => {
            if logical.is_none() {
                return Json::String(kind.type_name().into());
            }
            obj.insert("type".into(), Json::String(kind.type_name().into()));
        }
        Kind::Array(items) => {
            obj.insert("type".into(), "array".into());
            obj.insert("items".into(), node(schema, *items, enclosing, defined));
        }
        Kind::Map(values) => {
            obj.insert("type".into(), "map".into());
            obj.insert("values".into(), node(schema, *values, enclosing, defined));
        }
        Kind::Union(branches) => {
            return Json::Array(
                branches
                    .iter()
                    .map(|b| node(schema, *b, enclosing, defined))
                    .collect(),
            );
        }
        Kind::Record(r) => {
            named_header(
                &mut obj,
                "record",
                &r.name,
                &r.aliases,
                r.doc.as_ref(),
                enclosing,
            );
            let ns = r.name.namespace();
            let fields = r
                .fields
                .iter()
                .map(|f| {
                    let mut fo = Map::new();
                    fo.insert("name".into(), Json::String(f.name.clone()));
                    fo.insert("type".into(), node(schema, f.schema, ns, defined));
                    if let Some(d) = &f.default_json {
                        fo.insert("default".into(), d.clone());
                    }
                    if let Some(doc) = &f.doc {
                        fo.insert("doc".into(), Json::String(doc.clone()));
                    }
                    if !f.aliases.is_empty() {
                        fo.insert(
                            "aliases".into(),
                            Json::Array(
                                f.aliases.iter().map(|a| Json::String(a.clone())).collect(),
                            ),
                        );
                    }
                    match f.order {
                        Order::Ascending => {}
                        Order::Descending => {
                            fo.insert("order".into(), "descending".into());
                        }
                        Order::Ignore => {
                            fo.insert("order".into(), "ignore".into());
                        }
                    }
                    Json::Object(fo)
                })
                .collect();
            obj.insert("fields".into(), Json::Array(fields));
        }
        Kind::Enum(e) => {
            named_header(
                &mut obj,
                "enum",
                &e.name,
                &e.aliases,
                e.doc.as_ref(),
                enclosing,
            );
            obj.insert(
                "symbols".into(),
                Json::Array(e.symbols.iter().map(|s| Json::String(s.clone())).collect()),
            );
            if let Some(d) = &e.default {
                obj.insert("default".into(), Json::String(d.clone()));
            }
        }
        Kind::Fixed(f) => {
            named_header(
                &mut obj,
                "fixed",
                &f.name,
                &f.aliases,
                f.doc.as_ref(),
                enclosing,
            );
            obj.insert("size".into(), f.size.into());
        }
    }
    if let Some(l) = logical {
        let name = match l {
            Logical::Decimal { precision, scale } => {
                obj.insert("precision".into(), (*precision).into());
                obj.insert("scale".into(), (*scale).into());
                "decimal"
            }
            Logical::Uuid => "uuid",
            Logical::Date => "date",
            Logical::TimeMillis => "time-millis",
            Logical::TimeMicros => "time-micros",
            Logical::TimestampMillis => "timestamp-millis",
            Logical::TimestampMicros => "timestamp-micros",
            Logical::TimestampNanos => "timestamp-nanos",
            Logical::LocalTimestampMillis => "local-timestamp-millis",
            Logical::LocalTimestampMicros => "local-timestamp-micros",
            Logical::LocalTimestampNanos => "local-timestamp-nanos",
            Logical::Duration => "duration",
        };
        obj.insert("logicalType".into(), name.into());
    }
    Json::Object(obj)
}

#[cfg(test)]
mod tests {
    use crate::Schema;

    #[test]
    fn full_form_round_trips() {
        let text = r#"{"type":"record","name":"R","namespace":"a","aliases":["Old"],"doc":"the R","fields":[
            {"name":"id","type":{"type":"string","logicalType":"uuid"},"doc":"key"},
            {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"},"default":0,"order":"descending"},
            {"name":"kids","type":{"type":"array","items":"R"},"default":[]},
            {"name":"e","type":{"type":"enum","name":"E","namespace":"b","symbols":["X","Y"],"default":"Y"}},
            {"name":"e2","type":"b.E"},
            {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}}]}"#;
        let s = Schema::parse(text).unwrap_or_else(|e| panic!("{e}"));
        let again = Schema::parse(&s.to_json()).unwrap_or_else(|e| panic!("{e}: {}", s.to_json()));
        assert_eq!(s.nodes(), again.nodes());
        assert_eq!(s.to_json(), again.to_json());
    }
}
