//! Schema → TypeScript: the declarations of the JS values [`crate::convert`] produces and
//! accepts for a schema, so that application code is typed.

use std::fmt::Write as _;

use affinity_avro::Schema;
use affinity_avro::schema::{Kind, NodeId};
use wasm_bindgen::prelude::*;

use crate::convert::branch_name;
use crate::error::{Kind as ErrorKind, error};

/// TypeScript declarations for `schema` (JSON text): an `interface` per record, a string
/// literal union per enum, and `export type <rootName> = …` for the schema itself.
#[wasm_bindgen(js_name = schemaToTypeScript)]
pub fn schema_to_typescript(schema: &str, root_name: &str) -> Result<String, JsValue> {
    let schema =
        Schema::parse(schema).map_err(|e| error(ErrorKind::Schema, "bad-schema", e.to_string()))?;
    Ok(typescript(&schema, root_name))
}

/// The declarations for `schema`, its root named `root_name`.
pub fn typescript(schema: &Schema, root_name: &str) -> String {
    let mut out = String::new();
    for (i, node) in schema.nodes().iter().enumerate() {
        let Some(name) = node.kind.name() else {
            continue;
        };
        let ts = ident(name.name());
        match &node.kind {
            Kind::Record(r) => {
                if let Some(doc) = &r.doc {
                    let _ = writeln!(out, "/** {} */", doc.replace("*/", "* /"));
                }
                let _ = writeln!(out, "export interface {ts} {{");
                for f in &r.fields {
                    if let Some(doc) = &f.doc {
                        let _ = writeln!(out, "  /** {} */", doc.replace("*/", "* /"));
                    }
                    let optional = if f.default.is_some() { "?" } else { "" };
                    let _ = writeln!(
                        out,
                        "  {}{optional}: {};",
                        prop(&f.name),
                        ty(schema, f.schema)
                    );
                }
                let _ = writeln!(out, "}}\n");
            }
            Kind::Enum(e) => {
                let symbols: Vec<String> = e.symbols.iter().map(|s| format!("{s:?}")).collect();
                let _ = writeln!(out, "export type {ts} = {};\n", symbols.join(" | "));
            }
            Kind::Fixed(_) => {
                let _ = writeln!(out, "export type {ts} = Uint8Array;\n");
            }
            _ => {}
        }
        let _ = i;
    }
    let root = ty(schema, schema.root());
    if root != ident(root_name) {
        let _ = writeln!(out, "export type {} = {root};", ident(root_name));
    }
    out
}

fn ident(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s
}

fn prop(name: &str) -> String {
    if ident(name) == name {
        name.to_owned()
    } else {
        format!("{name:?}")
    }
}

fn ty(schema: &Schema, id: NodeId) -> String {
    match &schema.node(id).kind {
        Kind::Null => "null".into(),
        Kind::Boolean => "boolean".into(),
        Kind::Int | Kind::Float | Kind::Double => "number".into(),
        Kind::Long => "number | bigint".into(),
        Kind::Bytes => "Uint8Array".into(),
        Kind::String => "string".into(),
        Kind::Array(items) => format!("Array<{}>", ty(schema, *items)),
        Kind::Map(values) => format!("Record<string, {}>", ty(schema, *values)),
        Kind::Union(branches) => {
            let non_null: Vec<NodeId> = branches
                .iter()
                .copied()
                .filter(|b| !matches!(schema.node(*b).kind, Kind::Null))
                .collect();
            let has_null = non_null.len() < branches.len();
            let mut parts: Vec<String> = if branches.len() == 2 && has_null {
                vec![format!("({})", ty(schema, non_null[0]))]
            } else {
                non_null
                    .iter()
                    .map(|b| format!("{{ {:?}: {} }}", branch_name(schema, *b), ty(schema, *b)))
                    .collect()
            };
            if has_null {
                parts.push("null".into());
            }
            parts.join(" | ")
        }
        Kind::Record(_) | Kind::Enum(_) | Kind::Fixed(_) => schema
            .node(id)
            .kind
            .name()
            .map_or_else(|| "unknown".into(), |n| ident(n.name())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_enums_unions_and_longs_are_declared() {
        let schema = Schema::parse(
            r#"{"type":"record","name":"Vertex","namespace":"g","fields":[
                {"name":"id","type":"long"},
                {"name":"name","type":["null","string"],"default":null},
                {"name":"kind","type":{"type":"enum","name":"K","symbols":["A","B"]}},
                {"name":"shape","type":["int",{"type":"record","name":"P","fields":[{"name":"x","type":"double"}]}]},
                {"name":"tags","type":{"type":"map","values":"bytes"}}]}"#,
        )
        .unwrap();
        let ts = typescript(&schema, "GraphVertices");
        assert!(ts.contains("export interface Vertex {\n  id: number | bigint;\n  name?: (string) | null;\n  kind: K;\n  shape: { \"int\": number } | { \"g.P\": P };\n  tags: Record<string, Uint8Array>;\n}"), "{ts}");
        assert!(ts.contains("export type K = \"A\" | \"B\";"), "{ts}");
        assert!(ts.contains("export interface P {\n  x: number;\n}"), "{ts}");
        assert!(ts.contains("export type GraphVertices = Vertex;"), "{ts}");
        let key = typescript(&Schema::parse(r#""long""#).unwrap(), "Key");
        assert_eq!(key, "export type Key = number | bigint;\n");
    }
}
