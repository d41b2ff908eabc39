//! The matching rules of schema resolution shared by the [`Resolver`](super::Resolver) and the
//! compatibility checks: scalar promotions, named-type names, union branch choice and record
//! field pairing.

use crate::schema::{Kind, Name, NodeId, Record, Schema};

/// How a writer scalar is read as a reader scalar: the same type, or one of the promotions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scalar {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    IntToLong,
    IntToFloat,
    IntToDouble,
    LongToFloat,
    LongToDouble,
    FloatToDouble,
    StringToBytes,
    BytesToString,
}

impl Scalar {
    /// Whether the writer's and the reader's types are the same.
    pub(crate) fn is_same_type(self) -> bool {
        matches!(
            self,
            Scalar::Null
                | Scalar::Boolean
                | Scalar::Int
                | Scalar::Long
                | Scalar::Float
                | Scalar::Double
                | Scalar::Bytes
                | Scalar::String
        )
    }
}

/// The scalar resolution of writer kind `w` as reader kind `r`, if both are scalars and the
/// writer's type is the reader's or promotes to it.
pub(crate) fn scalar(w: &Kind, r: &Kind) -> Option<Scalar> {
    Some(match (w, r) {
        (Kind::Null, Kind::Null) => Scalar::Null,
        (Kind::Boolean, Kind::Boolean) => Scalar::Boolean,
        (Kind::Int, Kind::Int) => Scalar::Int,
        (Kind::Long, Kind::Long) => Scalar::Long,
        (Kind::Float, Kind::Float) => Scalar::Float,
        (Kind::Double, Kind::Double) => Scalar::Double,
        (Kind::Bytes, Kind::Bytes) => Scalar::Bytes,
        (Kind::String, Kind::String) => Scalar::String,
        (Kind::Int, Kind::Long) => Scalar::IntToLong,
        (Kind::Int, Kind::Float) => Scalar::IntToFloat,
        (Kind::Int, Kind::Double) => Scalar::IntToDouble,
        (Kind::Long, Kind::Float) => Scalar::LongToFloat,
        (Kind::Long, Kind::Double) => Scalar::LongToDouble,
        (Kind::Float, Kind::Double) => Scalar::FloatToDouble,
        (Kind::String, Kind::Bytes) => Scalar::StringToBytes,
        (Kind::Bytes, Kind::String) => Scalar::BytesToString,
        _ => return None,
    })
}

/// How well a writer node matches a reader node, best first; used to pick a reader union branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rank {
    /// The same type (for named types: the same full name).
    Exact,
    /// A named type matched by its unqualified name or a reader alias.
    Named,
    /// A promotion (`int` → `long`, `string` → `bytes`, …).
    Promoted,
}

/// Whether a writer's named type answers to a reader's name: the same full name (`Exact`), the
/// same unqualified name, or a reader alias with the writer's full or unqualified name (`Named`).
pub(crate) fn name_rank(writer: &Name, reader: &Name, reader_aliases: &[Name]) -> Option<Rank> {
    if writer.fullname() == reader.fullname() {
        return Some(Rank::Exact);
    }
    let alias = reader_aliases
        .iter()
        .any(|a| a.fullname() == writer.fullname() || a.name() == writer.name());
    (writer.name() == reader.name() || alias).then_some(Rank::Named)
}

/// Whether writer node `w` matches reader node `r` on its own (not looking inside records,
/// arrays or maps), and how well.
pub(crate) fn shallow_match(ws: &Schema, w: NodeId, rs: &Schema, r: NodeId) -> Option<Rank> {
    let (wk, rk) = (&ws.node(w).kind, &rs.node(r).kind);
    if let Some(s) = scalar(wk, rk) {
        return Some(if s.is_same_type() {
            Rank::Exact
        } else {
            Rank::Promoted
        });
    }
    match (wk, rk) {
        (Kind::Array(_), Kind::Array(_)) | (Kind::Map(_), Kind::Map(_)) => Some(Rank::Exact),
        (Kind::Record(a), Kind::Record(b)) => name_rank(&a.name, &b.name, &b.aliases),
        (Kind::Enum(a), Kind::Enum(b)) => name_rank(&a.name, &b.name, &b.aliases),
        (Kind::Fixed(a), Kind::Fixed(b)) if a.size == b.size => {
            name_rank(&a.name, &b.name, &b.aliases)
        }
        _ => None,
    }
}

/// The reader union branch that reads a (non-union) writer node: the first that matches
/// exactly, else the first matching by unqualified name or alias, else the first matching by
/// promotion.
pub(crate) fn select_branch(
    ws: &Schema,
    w: NodeId,
    rs: &Schema,
    branches: &[NodeId],
) -> Option<usize> {
    let mut best: Option<(Rank, usize)> = None;
    for (i, b) in branches.iter().enumerate() {
        if let Some(rank) = shallow_match(ws, w, rs, *b)
            && best.is_none_or(|(r, _)| rank < r)
        {
            best = Some((rank, i));
        }
    }
    best.map(|(_, i)| i)
}

/// For each reader field, the writer field it reads: the writer field with the same name, else
/// the first not yet taken whose name is one of the reader field's aliases.
pub(crate) fn pair_fields(writer: &Record, reader: &Record) -> Vec<Option<usize>> {
    let mut taken = vec![false; writer.fields.len()];
    let mut pairs: Vec<Option<usize>> = reader
        .fields
        .iter()
        .map(|rf| {
            let found = writer.field_position(&rf.name);
            if let Some(j) = found {
                taken[j] = true;
            }
            found
        })
        .collect();
    for (rf, pair) in reader.fields.iter().zip(&mut pairs) {
        if pair.is_some() {
            continue;
        }
        *pair = writer
            .fields
            .iter()
            .zip(&taken)
            .position(|(wf, taken)| !taken && rf.aliases.contains(&wf.name));
        if let Some(j) = *pair {
            taken[j] = true;
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(json: &str) -> Schema {
        Schema::parse(json).unwrap_or_else(|e| panic!("{e}: {json}"))
    }

    fn branches(s: &Schema) -> Vec<NodeId> {
        match &s.root_node().kind {
            Kind::Union(b) => b.clone(),
            _ => panic!("not a union"),
        }
    }

    /// The reader branch chosen for the writer schema `w` in the reader union `r`.
    fn pick(w: &str, r: &str) -> Option<usize> {
        let (w, r) = (schema(w), schema(r));
        select_branch(&w, w.root(), &r, &branches(&r))
    }

    #[test]
    fn exact_beats_named_beats_promoted() {
        assert_eq!(
            pick(r#""int""#, r#"["null","double","long","int"]"#),
            Some(3)
        );
        assert_eq!(pick(r#""int""#, r#"["null","double","long"]"#), Some(1));
        assert_eq!(pick(r#""bytes""#, r#"["null","string"]"#), Some(1));
        assert_eq!(pick(r#""boolean""#, r#"["null","string"]"#), None);
        let rec = |name: &str| format!(r#"{{"type":"record","name":"{name}","fields":[]}}"#);
        let w = rec("a.R");
        // The full name wins over an unqualified match that comes first.
        assert_eq!(
            pick(&w, &format!("[{},{}]", rec("b.R"), rec("a.R"))),
            Some(1)
        );
        assert_eq!(pick(&w, &format!(r#"["null",{}]"#, rec("b.R"))), Some(1));
        let aliased = r#"{"type":"record","name":"S","aliases":["a.R"],"fields":[]}"#;
        assert_eq!(pick(&w, &format!(r#"["null",{aliased}]"#)), Some(1));
        assert_eq!(pick(&w, &format!(r#"["null",{}]"#, rec("S"))), None);
        // Fixeds also need the same size.
        let fixed = |size| format!(r#"{{"type":"fixed","name":"F","size":{size}}}"#);
        assert_eq!(pick(&fixed(4), &format!("[{}]", fixed(5))), None);
        assert_eq!(
            pick(&fixed(4), &format!(r#"["null",{}]"#, fixed(4))),
            Some(1)
        );
        assert_eq!(
            pick(
                r#"{"type":"array","items":"int"}"#,
                r#"["null",{"type":"map","values":"int"},{"type":"array","items":"string"}]"#
            ),
            Some(2)
        );
    }

    #[test]
    fn fields_pair_by_name_then_by_alias_each_writer_field_once() {
        let w = schema(
            r#"{"type":"record","name":"R","fields":[
            {"name":"a","type":"int"},{"name":"b","type":"int"},{"name":"c","type":"int"}]}"#,
        );
        let r = schema(
            r#"{"type":"record","name":"R","fields":[
            {"name":"x","type":"int","aliases":["a","c"]},{"name":"a","type":"int"},
            {"name":"y","type":"int","aliases":["c"]},{"name":"z","type":"int","aliases":["q"]},
            {"name":"b","type":"int"}]}"#,
        );
        let (Kind::Record(wr), Kind::Record(rr)) = (&w.root_node().kind, &r.root_node().kind)
        else {
            panic!("records");
        };
        // `a` goes to the reader's own `a`; `x` then takes `c`, leaving nothing for `y`.
        assert_eq!(pair_fields(wr, rr), [Some(2), Some(0), None, None, Some(1)]);
    }
}
