//! JSON → schema nodes, with every rule of the specification checked.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value as Json};

use super::default::default_value;
use super::name::validate_identifier;
use super::{Enum, Field, Fixed, Kind, Logical, Name, Node, NodeId, Order, Record};
use crate::SchemaError;

/// The parser's output: the nodes, the root, and the named types by full name.
pub(super) type Parsed = (Vec<Node>, NodeId, HashMap<String, NodeId>);

pub(super) fn parse(json: &Json) -> Result<Parsed, SchemaError> {
    let mut p = Parser {
        nodes: Vec::new(),
        names: HashMap::new(),
        named: HashMap::new(),
        defaults: Vec::new(),
    };
    let root = p.node(json, None, "")?;
    // Defaults are checked once every type exists, so a field may default to a value of a
    // record that is still being defined where the field appears.
    for (record, field, path) in std::mem::take(&mut p.defaults) {
        let Kind::Record(r) = &p.nodes[record.index()].kind else {
            continue;
        };
        let f = &r.fields[field];
        let Some(json) = &f.default_json else {
            continue;
        };
        let value = default_value(&p.nodes, f.schema, json).map_err(|message| {
            SchemaError::InvalidDefault {
                field: path.clone(),
                message,
            }
        })?;
        if let Kind::Record(r) = &mut p.nodes[record.index()].kind {
            r.fields[field].default = Some(value);
        }
    }
    Ok((p.nodes, root, p.names))
}

struct Parser {
    nodes: Vec<Node>,
    names: HashMap<String, NodeId>,
    /// The full name of each named node, known from the moment its definition starts (its node
    /// is a placeholder until the definition ends, and a recursive reference may meet it).
    named: HashMap<NodeId, String>,
    /// (record, field index, path) of fields with defaults to check at the end.
    defaults: Vec<(NodeId, usize, String)>,
}

fn primitive(name: &str) -> Option<Kind> {
    Some(match name {
        "null" => Kind::Null,
        "boolean" => Kind::Boolean,
        "int" => Kind::Int,
        "long" => Kind::Long,
        "float" => Kind::Float,
        "double" => Kind::Double,
        "bytes" => Kind::Bytes,
        "string" => Kind::String,
        _ => return None,
    })
}

fn join(path: &str, part: &str) -> String {
    if path.is_empty() {
        part.to_owned()
    } else {
        format!("{path}.{part}")
    }
}

fn opt_str<'a>(
    obj: &'a Map<String, Json>,
    key: &str,
    path: &str,
) -> Result<Option<&'a str>, SchemaError> {
    match obj.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => Ok(Some(s)),
        Some(_) => Err(SchemaError::invalid(
            path,
            format!("`{key}` must be a string"),
        )),
    }
}

fn string_list(obj: &Map<String, Json>, key: &str, path: &str) -> Result<Vec<String>, SchemaError> {
    match obj.get(key) {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| SchemaError::invalid(path, format!("`{key}` must hold strings")))
            })
            .collect(),
        Some(_) => Err(SchemaError::invalid(
            path,
            format!("`{key}` must be an array of strings"),
        )),
    }
}

impl Parser {
    fn push(&mut self, kind: Kind, logical: Option<Logical>) -> NodeId {
        let id = NodeId(self.nodes.len() as u32);
        self.nodes.push(Node { kind, logical });
        id
    }

    fn node(
        &mut self,
        json: &Json,
        enclosing: Option<&str>,
        path: &str,
    ) -> Result<NodeId, SchemaError> {
        match json {
            Json::String(s) => self.reference(s, enclosing),
            Json::Array(branches) => self.union(branches, enclosing, path),
            Json::Object(obj) => self.object(obj, enclosing, path),
            _ => Err(SchemaError::invalid(
                path,
                format!("expected a schema (string, object or array), found {json}"),
            )),
        }
    }

    /// Resolves a reference to a named type. A simple name is looked up in the enclosing
    /// namespace first and then, as Apache Avro's Java parser does, in the null namespace: the
    /// specification has no other way to refer to a type without a namespace from inside one.
    fn reference(&mut self, s: &str, enclosing: Option<&str>) -> Result<NodeId, SchemaError> {
        if let Some(kind) = primitive(s) {
            return Ok(self.push(kind, None));
        }
        let name = Name::resolve(s, None, enclosing)
            .map_err(|_| SchemaError::UnknownName(s.to_owned()))?;
        let found = self.names.get(name.fullname()).or_else(|| {
            (!s.contains('.') && enclosing.is_some())
                .then(|| self.names.get(s))
                .flatten()
        });
        found
            .copied()
            .ok_or_else(|| SchemaError::UnknownName(name.fullname().to_owned()))
    }

    fn union(
        &mut self,
        branches: &[Json],
        enclosing: Option<&str>,
        path: &str,
    ) -> Result<NodeId, SchemaError> {
        let mut ids = Vec::with_capacity(branches.len());
        let mut seen = HashSet::new();
        for (i, b) in branches.iter().enumerate() {
            let id = self.node(b, enclosing, &join(path, &format!("[{i}]")))?;
            let key = match (self.named.get(&id), &self.nodes[id.index()].kind) {
                (Some(name), _) => name.clone(),
                (None, Kind::Union(_)) => {
                    return Err(SchemaError::invalid(
                        path,
                        "a union may not directly contain a union",
                    ));
                }
                (None, other) => other.type_name().to_owned(),
            };
            if !seen.insert(key.clone()) {
                return Err(SchemaError::invalid(
                    path,
                    format!("union contains `{key}` more than once"),
                ));
            }
            ids.push(id);
        }
        Ok(self.push(Kind::Union(ids), None))
    }

    fn object(
        &mut self,
        obj: &Map<String, Json>,
        enclosing: Option<&str>,
        path: &str,
    ) -> Result<NodeId, SchemaError> {
        let ty = match obj.get("type") {
            Some(Json::String(t)) => t.as_str(),
            Some(nested @ (Json::Object(_) | Json::Array(_))) => {
                return self.node(nested, enclosing, path);
            }
            Some(_) => {
                return Err(SchemaError::invalid(
                    path,
                    "`type` must be a string, object or array",
                ));
            }
            None => return Err(SchemaError::invalid(path, "missing `type`")),
        };
        match ty {
            "record" | "error" => self.record(obj, enclosing, path),
            "enum" => self.enumeration(obj, enclosing, path),
            "fixed" => self.fixed(obj, enclosing, path),
            "array" => {
                let items = obj
                    .get("items")
                    .ok_or_else(|| SchemaError::invalid(path, "array without `items`"))?;
                let items = self.node(items, enclosing, &join(path, "items"))?;
                Ok(self.push(Kind::Array(items), None))
            }
            "map" => {
                let values = obj
                    .get("values")
                    .ok_or_else(|| SchemaError::invalid(path, "map without `values`"))?;
                let values = self.node(values, enclosing, &join(path, "values"))?;
                Ok(self.push(Kind::Map(values), None))
            }
            other => match primitive(other) {
                Some(kind) => {
                    let logical = logical(obj, &kind);
                    Ok(self.push(kind, logical))
                }
                None => self.reference(other, enclosing),
            },
        }
    }

    /// Reads `name`, `namespace` and `aliases` of a named type and reserves its node.
    fn define(
        &mut self,
        obj: &Map<String, Json>,
        enclosing: Option<&str>,
        path: &str,
    ) -> Result<(Name, Vec<Name>, NodeId), SchemaError> {
        let raw = opt_str(obj, "name", path)?
            .ok_or_else(|| SchemaError::invalid(path, "named type without `name`"))?;
        let name = Name::resolve(raw, opt_str(obj, "namespace", path)?, enclosing)?;
        let aliases = string_list(obj, "aliases", path)?
            .iter()
            .map(|a| Name::resolve(a, name.namespace(), None))
            .collect::<Result<Vec<_>, _>>()?;
        if self.names.contains_key(name.fullname()) || primitive(name.fullname()).is_some() {
            return Err(SchemaError::DuplicateName(name.fullname().to_owned()));
        }
        let id = self.push(Kind::Null, None);
        self.names.insert(name.fullname().to_owned(), id);
        self.named.insert(id, name.fullname().to_owned());
        Ok((name, aliases, id))
    }

    fn record(
        &mut self,
        obj: &Map<String, Json>,
        enclosing: Option<&str>,
        path: &str,
    ) -> Result<NodeId, SchemaError> {
        let (name, aliases, id) = self.define(obj, enclosing, path)?;
        let path = name.fullname().to_owned();
        let doc = opt_str(obj, "doc", &path)?.map(str::to_owned);
        let Some(Json::Array(raw_fields)) = obj.get("fields") else {
            return Err(SchemaError::invalid(
                &path,
                "record without a `fields` array",
            ));
        };
        let mut fields = Vec::with_capacity(raw_fields.len());
        let mut seen = HashSet::new();
        for raw in raw_fields {
            let Json::Object(f) = raw else {
                return Err(SchemaError::invalid(&path, "a field must be an object"));
            };
            let fname = opt_str(f, "name", &path)?
                .ok_or_else(|| SchemaError::invalid(&path, "field without `name`"))?;
            validate_identifier(fname).map_err(|_| SchemaError::InvalidName(fname.to_owned()))?;
            let fpath = join(&path, fname);
            if !seen.insert(fname.to_owned()) {
                return Err(SchemaError::invalid(
                    &path,
                    format!("field `{fname}` appears more than once"),
                ));
            }
            let ty = f
                .get("type")
                .ok_or_else(|| SchemaError::invalid(&fpath, "field without `type`"))?;
            let schema = self.node(ty, name.namespace(), &fpath)?;
            let order = match opt_str(f, "order", &fpath)? {
                None | Some("ascending") => Order::Ascending,
                Some("descending") => Order::Descending,
                Some("ignore") => Order::Ignore,
                Some(o) => {
                    return Err(SchemaError::invalid(&fpath, format!("unknown order `{o}`")));
                }
            };
            if f.contains_key("default") {
                self.defaults.push((id, fields.len(), fpath.clone()));
            }
            fields.push(Field {
                name: fname.to_owned(),
                aliases: string_list(f, "aliases", &fpath)?,
                doc: opt_str(f, "doc", &fpath)?.map(str::to_owned),
                schema,
                default_json: f.get("default").cloned(),
                default: None,
                order,
            });
        }
        self.nodes[id.index()].kind = Kind::Record(Record {
            name,
            aliases,
            doc,
            fields,
        });
        Ok(id)
    }

    fn enumeration(
        &mut self,
        obj: &Map<String, Json>,
        enclosing: Option<&str>,
        path: &str,
    ) -> Result<NodeId, SchemaError> {
        let (name, aliases, id) = self.define(obj, enclosing, path)?;
        let path = name.fullname().to_owned();
        let symbols = match obj.get("symbols") {
            Some(Json::Array(_)) => string_list(obj, "symbols", &path)?,
            _ => {
                return Err(SchemaError::invalid(
                    &path,
                    "enum without a `symbols` array",
                ));
            }
        };
        let mut seen = HashSet::new();
        for s in &symbols {
            validate_identifier(s).map_err(|_| SchemaError::InvalidName(s.clone()))?;
            if !seen.insert(s.as_str()) {
                return Err(SchemaError::invalid(
                    &path,
                    format!("symbol `{s}` appears more than once"),
                ));
            }
        }
        let default = opt_str(obj, "default", &path)?.map(str::to_owned);
        if let Some(d) = &default
            && !symbols.contains(d)
        {
            return Err(SchemaError::invalid(
                &path,
                format!("default `{d}` is not one of the symbols"),
            ));
        }
        let doc = opt_str(obj, "doc", &path)?.map(str::to_owned);
        self.nodes[id.index()].kind = Kind::Enum(Enum {
            name,
            aliases,
            doc,
            symbols,
            default,
        });
        Ok(id)
    }

    fn fixed(
        &mut self,
        obj: &Map<String, Json>,
        enclosing: Option<&str>,
        path: &str,
    ) -> Result<NodeId, SchemaError> {
        let (name, aliases, id) = self.define(obj, enclosing, path)?;
        let path = name.fullname().to_owned();
        let size = obj
            .get("size")
            .and_then(Json::as_u64)
            .and_then(|s| usize::try_from(s).ok())
            .ok_or_else(|| {
                SchemaError::invalid(&path, "fixed without a non-negative integer `size`")
            })?;
        let doc = opt_str(obj, "doc", &path)?.map(str::to_owned);
        let kind = Kind::Fixed(Fixed {
            name,
            aliases,
            doc,
            size,
        });
        self.nodes[id.index()] = Node {
            logical: logical(obj, &kind),
            kind,
        };
        Ok(id)
    }
}

/// The logical type of a node, if it names one this implementation knows and its attributes are
/// valid for the underlying type; otherwise `None`, as the specification asks.
fn logical(obj: &Map<String, Json>, kind: &Kind) -> Option<Logical> {
    let name = obj.get("logicalType")?.as_str()?;
    let l = match (name, kind) {
        ("date", Kind::Int) => Logical::Date,
        ("time-millis", Kind::Int) => Logical::TimeMillis,
        ("time-micros", Kind::Long) => Logical::TimeMicros,
        ("timestamp-millis", Kind::Long) => Logical::TimestampMillis,
        ("timestamp-micros", Kind::Long) => Logical::TimestampMicros,
        ("timestamp-nanos", Kind::Long) => Logical::TimestampNanos,
        ("local-timestamp-millis", Kind::Long) => Logical::LocalTimestampMillis,
        ("local-timestamp-micros", Kind::Long) => Logical::LocalTimestampMicros,
        ("local-timestamp-nanos", Kind::Long) => Logical::LocalTimestampNanos,
        ("uuid", Kind::String) => Logical::Uuid,
        ("uuid", Kind::Fixed(f)) if f.size == 16 => Logical::Uuid,
        ("duration", Kind::Fixed(f)) if f.size == 12 => Logical::Duration,
        ("decimal", Kind::Bytes | Kind::Fixed(_)) => {
            let precision = u32::try_from(obj.get("precision")?.as_u64()?).ok()?;
            let scale = match obj.get("scale") {
                None => 0,
                Some(s) => u32::try_from(s.as_u64()?).ok()?,
            };
            if precision == 0 || scale > precision {
                return None;
            }
            if let Kind::Fixed(f) = kind {
                // The largest precision a two's-complement number of `size` bytes can hold.
                let bits = (8 * f.size as u32).saturating_sub(1);
                let max = (f64::from(bits) * std::f64::consts::LOG10_2).floor() as u32;
                if precision > max {
                    return None;
                }
            }
            Logical::Decimal { precision, scale }
        }
        _ => return None,
    };
    Some(l)
}
