//! Composing a type's schema JSON from its parts at run time.

use std::collections::HashSet;

use crate::schema::canonical::json_string;

/// Builds schema JSON for [`crate::Avro::write_schema`]: generated code writes fixed JSON
/// fragments and asks each field's type to write its own schema, so a named type used twice is
/// defined once and referenced by name after, and recursive types terminate.
#[derive(Debug, Default)]
pub struct SchemaWriter {
    out: String,
    defined: HashSet<String>,
    /// The enclosing namespaces, innermost last.
    namespaces: Vec<Option<String>>,
}

impl SchemaWriter {
    /// An empty writer.
    pub fn new() -> Self {
        SchemaWriter::default()
    }

    /// Appends raw JSON.
    #[inline]
    pub fn raw(&mut self, json: &str) {
        self.out.push_str(json);
    }

    /// Appends `s` as a JSON string literal.
    #[inline]
    pub fn string(&mut self, s: &str) {
        json_string(&mut self.out, s);
    }

    fn enclosing(&self) -> Option<&str> {
        self.namespaces.last().and_then(|ns| ns.as_deref())
    }

    /// Starts the named type `name` in `namespace` (`kind` is `record`, `enum` or `fixed`).
    ///
    /// The first time a full name is seen, writes `{"type":kind,"name":…` (and the namespace
    /// where it differs from the enclosing one), enters its namespace and returns `true`: the
    /// caller writes the remaining attributes (each starting with a comma) and then calls
    /// [`SchemaWriter::end_named`]. After that, writes a reference to the name and returns
    /// `false`: the caller writes nothing more.
    ///
    /// A type in the null namespace referenced from inside a namespace is written by its simple
    /// name, which this crate's parser (like Apache Avro's Java parser) resolves by falling back
    /// to the null namespace; parsers without that fallback reject it, so shared types are best
    /// given a namespace.
    pub fn begin_named(&mut self, kind: &str, name: &str, namespace: Option<&str>) -> bool {
        let namespace = namespace.filter(|ns| !ns.is_empty());
        let full = match namespace {
            Some(ns) => format!("{ns}.{name}"),
            None => name.to_owned(),
        };
        if self.defined.contains(&full) {
            let reference = if namespace == self.enclosing() {
                name
            } else {
                full.as_str()
            };
            json_string(&mut self.out, reference);
            return false;
        }
        self.out.push_str(r#"{"type":"#);
        json_string(&mut self.out, kind);
        self.out.push_str(r#","name":"#);
        json_string(&mut self.out, name);
        if namespace != self.enclosing() {
            self.out.push_str(r#","namespace":"#);
            json_string(&mut self.out, namespace.unwrap_or(""));
        }
        self.defined.insert(full);
        self.namespaces.push(namespace.map(str::to_owned));
        true
    }

    /// Ends a named type started with [`SchemaWriter::begin_named`].
    pub fn end_named(&mut self) {
        self.namespaces.pop();
        self.out.push('}');
    }

    /// The JSON written.
    pub fn finish(self) -> String {
        self.out
    }
}
