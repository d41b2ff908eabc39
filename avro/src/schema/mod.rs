//! The Avro schema model.
//!
//! A [`Schema`] is an arena of [`Node`]s: every reference to a named
//! type points at the node that defines it, so recursive schemas need no special handling and
//! walking a schema never looks a name up. Parse one from JSON with [`Schema::parse`]; write
//! it back with [`Schema::to_json`]; its [Parsing Canonical Form] and its Rabin fingerprint
//! (CRC-64-AVRO) are computed once, at parse time.
//!
//! [Parsing Canonical Form]: https://avro.apache.org/docs/1.12.0/specification/#parsing-canonical-form-for-schemas

pub(crate) mod canonical;
mod default;
mod fingerprint;
mod name;
mod parse;
mod to_json;

use std::collections::HashMap;
use std::fmt;

pub use fingerprint::rabin_fingerprint;
pub use name::Name;

use crate::{SchemaError, Value};

/// The index of a node in a [`Schema`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    /// The node's index in [`Schema::nodes`].
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A parsed, validated Avro schema.
#[derive(Clone)]
pub struct Schema {
    nodes: Vec<Node>,
    root: NodeId,
    names: HashMap<String, NodeId>,
    min_sizes: Vec<usize>,
    canonical: String,
    fingerprint: u64,
}

/// One type in a schema: its kind and, where it has one, its logical type.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The underlying Avro type.
    pub kind: Kind,
    /// The logical type annotating it, if it is one this implementation knows and it is valid
    /// for the underlying type (the specification says to ignore any other).
    pub logical: Option<Logical>,
}

/// The Avro types.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `null`.
    Null,
    /// `boolean`.
    Boolean,
    /// `int`: 32-bit signed.
    Int,
    /// `long`: 64-bit signed.
    Long,
    /// `float`: 32-bit IEEE 754.
    Float,
    /// `double`: 64-bit IEEE 754.
    Double,
    /// `bytes`.
    Bytes,
    /// `string`: UTF-8.
    String,
    /// `array` of the items' type.
    Array(NodeId),
    /// `map` from strings to the values' type.
    Map(NodeId),
    /// A union of its branches.
    Union(Vec<NodeId>),
    /// A named `record`.
    Record(Record),
    /// A named `enum`.
    Enum(Enum),
    /// A named `fixed`.
    Fixed(Fixed),
}

/// Logical types (Avro 1.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Logical {
    /// `decimal` on `bytes` or `fixed`: an unscaled two's-complement big-endian integer.
    Decimal {
        /// Total number of digits.
        precision: u32,
        /// Digits after the point.
        scale: u32,
    },
    /// `uuid` on `string` (or `fixed` of size 16).
    Uuid,
    /// `date` on `int`: days since the Unix epoch.
    Date,
    /// `time-millis` on `int`.
    TimeMillis,
    /// `time-micros` on `long`.
    TimeMicros,
    /// `timestamp-millis` on `long`.
    TimestampMillis,
    /// `timestamp-micros` on `long`.
    TimestampMicros,
    /// `timestamp-nanos` on `long`.
    TimestampNanos,
    /// `local-timestamp-millis` on `long`.
    LocalTimestampMillis,
    /// `local-timestamp-micros` on `long`.
    LocalTimestampMicros,
    /// `local-timestamp-nanos` on `long`.
    LocalTimestampNanos,
    /// `duration` on `fixed` of size 12.
    Duration,
}

/// A record type.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Its full name.
    pub name: Name,
    /// Other full names it answers to in schema resolution.
    pub aliases: Vec<Name>,
    /// Documentation.
    pub doc: Option<String>,
    /// Its fields, in order.
    pub fields: Vec<Field>,
}

impl Record {
    /// The position of the field called `name`.
    pub fn field_position(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

/// A field of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Its name.
    pub name: String,
    /// Other names it answers to in schema resolution.
    pub aliases: Vec<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// Its type.
    pub schema: NodeId,
    /// Its default, as written in the schema (JSON; for a union, a value of the first branch).
    pub default_json: Option<serde_json::Value>,
    /// Its default as a value of the field's type, checked at parse time.
    pub default: Option<Value>,
    /// Its sort order.
    pub order: Order,
}

/// A field's sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// `ascending` (the default).
    #[default]
    Ascending,
    /// `descending`.
    Descending,
    /// `ignore`.
    Ignore,
}

/// An enum type.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Its full name.
    pub name: Name,
    /// Other full names it answers to in schema resolution.
    pub aliases: Vec<Name>,
    /// Documentation.
    pub doc: Option<String>,
    /// Its symbols, in order.
    pub symbols: Vec<String>,
    /// The symbol a reader uses for a writer's symbol it does not know.
    pub default: Option<String>,
}

/// A fixed type.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixed {
    /// Its full name.
    pub name: Name,
    /// Other full names it answers to in schema resolution.
    pub aliases: Vec<Name>,
    /// Documentation.
    pub doc: Option<String>,
    /// Its size in bytes.
    pub size: usize,
}

impl Kind {
    /// The type's name as the specification spells it (`"record"`, `"int"`, …).
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Boolean => "boolean",
            Kind::Int => "int",
            Kind::Long => "long",
            Kind::Float => "float",
            Kind::Double => "double",
            Kind::Bytes => "bytes",
            Kind::String => "string",
            Kind::Array(_) => "array",
            Kind::Map(_) => "map",
            Kind::Union(_) => "union",
            Kind::Record(_) => "record",
            Kind::Enum(_) => "enum",
            Kind::Fixed(_) => "fixed",
        }
    }

    /// The full name of a named type.
    pub fn name(&self) -> Option<&Name> {
        match self {
            Kind::Record(r) => Some(&r.name),
            Kind::Enum(e) => Some(&e.name),
            Kind::Fixed(f) => Some(&f.name),
            _ => None,
        }
    }
}

impl Schema {
    /// Parses a schema from its JSON text.
    ///
    /// ```
    /// let s = affinity_avro::Schema::parse(r#"{"type":"record","name":"P","namespace":"ex",
    ///     "fields":[{"name":"x","type":"long","default":0}]}"#)?;
    /// assert_eq!(s.canonical_form(), r#"{"name":"ex.P","type":"record","fields":[{"name":"x","type":"long"}]}"#);
    /// # Ok::<(), affinity_avro::SchemaError>(())
    /// ```
    pub fn parse(json: &str) -> Result<Schema, SchemaError> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| SchemaError::Json(e.to_string()))?;
        Schema::from_json(&value)
    }

    /// Builds a schema from parsed JSON.
    pub fn from_json(json: &serde_json::Value) -> Result<Schema, SchemaError> {
        let (nodes, root, names) = parse::parse(json)?;
        let min_sizes = min_sizes(&nodes);
        let mut schema = Schema {
            nodes,
            root,
            names,
            min_sizes,
            canonical: String::new(),
            fingerprint: 0,
        };
        schema.canonical = canonical::canonical_form(&schema);
        schema.fingerprint = rabin_fingerprint(schema.canonical.as_bytes());
        Ok(schema)
    }

    /// The root node's id.
    #[inline]
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// The root node.
    #[inline]
    pub fn root_node(&self) -> &Node {
        self.node(self.root)
    }

    /// A node by id. Ids come from this schema; an id from another schema may panic.
    #[inline]
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// All nodes, in the order the parser met them.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The node that defines the named type with this full name.
    pub fn named(&self, fullname: &str) -> Option<NodeId> {
        self.names.get(fullname).copied()
    }

    /// The fewest bytes a value of this node encodes to (a lower bound for recursive types).
    #[inline]
    pub fn min_size(&self, id: NodeId) -> usize {
        self.min_sizes[id.index()]
    }

    /// The Parsing Canonical Form.
    pub fn canonical_form(&self) -> &str {
        &self.canonical
    }

    /// The 64-bit Rabin fingerprint (CRC-64-AVRO) of the canonical form.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The schema as JSON in full form: docs, aliases, defaults, logical types and orders kept,
    /// each named type defined once and referenced by name after.
    pub fn to_json(&self) -> String {
        to_json::to_json(self)
    }
}

impl PartialEq for Schema {
    /// Two schemas are equal when their canonical forms are: docs, aliases, defaults and logical
    /// types do not count (compare [`Schema::to_json`] for that).
    fn eq(&self, other: &Self) -> bool {
        self.canonical == other.canonical
    }
}

impl Eq for Schema {}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Schema").field(&self.to_json()).finish()
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl std::str::FromStr for Schema {
    type Err = SchemaError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Schema::parse(s)
    }
}

/// The fewest bytes each node encodes to. Records in progress count as zero, which makes the
/// result a lower bound for recursive records — safe for its one use, bounding allocations.
fn min_sizes(nodes: &[Node]) -> Vec<usize> {
    #[derive(Clone, Copy)]
    enum State {
        Todo,
        InProgress,
        Done(usize),
    }
    fn visit(nodes: &[Node], id: usize, state: &mut [State]) -> usize {
        match state[id] {
            State::Done(n) => return n,
            State::InProgress => return 0,
            State::Todo => {}
        }
        state[id] = State::InProgress;
        let n = match &nodes[id].kind {
            Kind::Null => 0,
            Kind::Boolean | Kind::Int | Kind::Long | Kind::Bytes | Kind::String => 1,
            Kind::Array(_) | Kind::Map(_) | Kind::Union(_) | Kind::Enum(_) => 1,
            Kind::Float => 4,
            Kind::Double => 8,
            Kind::Fixed(f) => f.size,
            Kind::Record(r) => {
                let fields: Vec<usize> = r.fields.iter().map(|f| f.schema.index()).collect();
                fields
                    .into_iter()
                    .map(|f| visit(nodes, f, state))
                    .fold(0usize, usize::saturating_add)
            }
        };
        state[id] = State::Done(n);
        n
    }
    let mut state = vec![State::Todo; nodes.len()];
    (0..nodes.len())
        .map(|i| visit(nodes, i, &mut state))
        .collect()
}
