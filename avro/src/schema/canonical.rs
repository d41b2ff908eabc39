//! The Parsing Canonical Form: full names, only the attributes that matter to parsing, in the
//! specification's order, no whitespace, each named type defined once.

use std::collections::HashSet;

use super::{Kind, NodeId, Schema};

pub(super) fn canonical_form(schema: &Schema) -> String {
    let mut out = String::new();
    write(schema, schema.root(), &mut HashSet::new(), &mut out);
    out
}

fn write(schema: &Schema, id: NodeId, defined: &mut HashSet<NodeId>, out: &mut String) {
    let kind = &schema.node(id).kind;
    if let Some(name) = kind.name()
        && !defined.insert(id)
    {
        json_string(out, name.fullname());
        return;
    }
    match kind {
        Kind::Null
        | Kind::Boolean
        | Kind::Int
        | Kind::Long
        | Kind::Float
        | Kind::Double
        | Kind::Bytes
        | Kind::String => {
            json_string(out, kind.type_name());
        }
        Kind::Array(items) => {
            out.push_str(r#"{"type":"array","items":"#);
            write(schema, *items, defined, out);
            out.push('}');
        }
        Kind::Map(values) => {
            out.push_str(r#"{"type":"map","values":"#);
            write(schema, *values, defined, out);
            out.push('}');
        }
        Kind::Union(branches) => {
            out.push('[');
            for (i, b) in branches.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(schema, *b, defined, out);
            }
            out.push(']');
        }
        Kind::Record(r) => {
            out.push_str(r#"{"name":"#);
            json_string(out, r.name.fullname());
            out.push_str(r#","type":"record","fields":["#);
            for (i, f) in r.fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(r#"{"name":"#);
                json_string(out, &f.name);
                out.push_str(r#","type":"#);
                write(schema, f.schema, defined, out);
                out.push('}');
            }
            out.push_str("]}");
        }
        Kind::Enum(e) => {
            out.push_str(r#"{"name":"#);
            json_string(out, e.name.fullname());
            out.push_str(r#","type":"enum","symbols":["#);
            for (i, s) in e.symbols.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(out, s);
            }
            out.push_str("]}");
        }
        Kind::Fixed(f) => {
            out.push_str(r#"{"name":"#);
            json_string(out, f.name.fullname());
            out.push_str(r#","type":"fixed","size":"#);
            out.push_str(&f.size.to_string());
            out.push('}');
        }
    }
}

/// Appends `s` as a JSON string literal.
pub(crate) fn json_string(out: &mut String, s: &str) {
    use std::fmt::Write;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use crate::Schema;

    fn pcf(json: &str) -> String {
        Schema::parse(json)
            .map(|s| s.canonical_form().to_owned())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn canonical_form_follows_the_specification() {
        assert_eq!(pcf(r#"{"type":"int","logicalType":"date"}"#), r#""int""#);
        assert_eq!(
            pcf(
                r#"{"namespace":"x.y","type":"record","name":"R","doc":"d","fields":[
                {"name":"a","type":{"type":"enum","name":"E","symbols":["A","B"],"aliases":["Q"]},"default":"A"},
                {"name":"b","type":"E"},
                {"name":"c","type":{"type":"fixed","name":"other.F","size":2}},
                {"name":"d","type":["null",{"type":"array","items":"R"}]}]}"#
            ),
            r#"{"name":"x.y.R","type":"record","fields":[{"name":"a","type":{"name":"x.y.E","type":"enum","symbols":["A","B"]}},{"name":"b","type":"x.y.E"},{"name":"c","type":{"name":"other.F","type":"fixed","size":2}},{"name":"d","type":["null",{"type":"array","items":"x.y.R"}]}]}"#
        );
    }

    #[test]
    fn a_union_may_reference_the_record_being_defined() {
        let s = r#"{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"],"default":null}]}"#;
        assert_eq!(
            pcf(s),
            r#"{"name":"L","type":"record","fields":[{"name":"next","type":["null","L"]}]}"#
        );
        assert!(
            pcf(r#"{"type":"record","name":"L","fields":[{"name":"n","type":["L","L"]}]}"#)
                .contains("more than once")
        );
    }

    #[test]
    fn a_simple_name_falls_back_to_the_null_namespace() {
        let s = r#"{"type":"record","name":"Outer","namespace":"ns","fields":[
            {"name":"a","type":{"type":"record","name":"Plain","namespace":"","fields":[]}},
            {"name":"b","type":"Plain"}]}"#;
        assert_eq!(
            pcf(s),
            r#"{"name":"ns.Outer","type":"record","fields":[{"name":"a","type":{"name":"Plain","type":"record","fields":[]}},{"name":"b","type":"Plain"}]}"#
        );
        // A type of the enclosing namespace still wins over one without a namespace.
        let s = r#"{"type":"record","name":"Outer","namespace":"ns","fields":[
            {"name":"a","type":{"type":"fixed","name":"F","namespace":"","size":1}},
            {"name":"b","type":{"type":"fixed","name":"F","size":2}},
            {"name":"c","type":"F"}]}"#;
        assert!(
            pcf(s).ends_with(r#"{"name":"c","type":"ns.F"}]}"#),
            "{}",
            pcf(s)
        );
    }
}
