//! [`can_read`]: whether a reader schema reads every datum of a writer schema.

use std::collections::HashSet;

use super::Incompatibility;
use crate::resolve::matching::{name_rank, pair_fields, scalar, select_branch};
use crate::resolve::path;
use crate::schema::{Kind, Name, NodeId, Schema};

/// Checks that `reader` can read every datum written with `writer`, and lists every problem
/// found when it cannot.
///
/// This is stricter than [`crate::Resolver::new`], which only rejects writers whose data can
/// never be read: here every branch of a writer union must resolve, every writer enum symbol
/// must be known to the reader (or the reader enum must have a default), and so on. When this
/// passes, resolving never fails on data that is valid for `writer`.
///
/// ```
/// use affinity_avro::{Schema, can_read};
/// let v1 = Schema::parse(r#"{"type":"record","name":"P","fields":[{"name":"x","type":"int"}]}"#)?;
/// let v2 = Schema::parse(r#"{"type":"record","name":"P","fields":[
///     {"name":"x","type":"long"},{"name":"y","type":"string"}]}"#)?;
/// let problems = can_read(&v2, &v1).unwrap_err();
/// assert_eq!(problems.len(), 1);
/// assert_eq!(problems[0].path, "P.y");
/// assert!(can_read(&v1, &v2).is_err()); // long cannot be read as int
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn can_read(reader: &Schema, writer: &Schema) -> Result<(), Vec<Incompatibility>> {
    let mut c = Checker {
        ws: writer,
        rs: reader,
        seen: HashSet::new(),
        problems: Vec::new(),
    };
    c.check(writer.root(), reader.root(), &path::root(reader));
    if c.problems.is_empty() {
        Ok(())
    } else {
        Err(c.problems)
    }
}

struct Checker<'s> {
    ws: &'s Schema,
    rs: &'s Schema,
    /// Record pairs checked or being checked: each is checked once, which also ends recursion.
    seen: HashSet<(NodeId, NodeId)>,
    problems: Vec<Incompatibility>,
}

impl Checker<'_> {
    fn problem(&mut self, path: &str, message: String) {
        self.problems.push(Incompatibility::new(path, message));
    }

    fn names(&mut self, path: &str, kind: &str, w: &Name, r: &Name, aliases: &[Name]) -> bool {
        if name_rank(w, r, aliases).is_some() {
            return true;
        }
        self.problem(
            path,
            format!(
                "the writer's {kind} {w} does not match the reader's {kind} {r} (by full name, \
                 unqualified name or the reader's aliases)"
            ),
        );
        false
    }

    fn check(&mut self, w: NodeId, r: NodeId, path: &str) {
        let (ws, rs) = (self.ws, self.rs);
        let (wk, rk) = (&ws.node(w).kind, &rs.node(r).kind);
        if scalar(wk, rk).is_some() {
            return;
        }
        match (wk, rk) {
            (Kind::Union(branches), _) => {
                for &b in branches {
                    self.check(b, r, &path::branch(path, ws, b));
                }
            }
            (_, Kind::Union(branches)) => match select_branch(ws, w, rs, branches) {
                Some(i) => self.check(w, branches[i], path),
                None => self.problem(
                    path,
                    format!(
                        "no branch of the reader's union can read the writer's {}",
                        path::describe(ws, w)
                    ),
                ),
            },
            (Kind::Array(wi), Kind::Array(ri)) => self.check(*wi, *ri, &path::items(path)),
            (Kind::Map(wv), Kind::Map(rv)) => self.check(*wv, *rv, &path::values(path)),
            (Kind::Record(wr), Kind::Record(rr)) => {
                if !self.seen.insert((w, r))
                    || !self.names(path, "record", &wr.name, &rr.name, &rr.aliases)
                {
                    return;
                }
                for (rf, pair) in rr.fields.iter().zip(pair_fields(wr, rr)) {
                    let fpath = path::field(path, &rf.name);
                    match pair {
                        Some(j) => self.check(wr.fields[j].schema, rf.schema, &fpath),
                        None if rf.default.is_some() => {}
                        None => self.problem(
                            &fpath,
                            format!(
                                "the reader's field `{}` is not in the writer's {} and has no \
                                 default",
                                rf.name, wr.name
                            ),
                        ),
                    }
                }
            }
            (Kind::Enum(we), Kind::Enum(re)) => {
                if !self.names(path, "enum", &we.name, &re.name, &re.aliases) {
                    return;
                }
                let has_default = re.default.as_ref().is_some_and(|d| re.symbols.contains(d));
                let missing: Vec<&str> = we
                    .symbols
                    .iter()
                    .filter(|s| !re.symbols.contains(s))
                    .map(String::as_str)
                    .collect();
                if !missing.is_empty() && !has_default {
                    self.problem(
                        path,
                        format!(
                            "the reader's enum {} lacks the writer's symbols {} and has no default",
                            re.name,
                            missing.join(", ")
                        ),
                    );
                }
            }
            (Kind::Fixed(wf), Kind::Fixed(rf)) => {
                if self.names(path, "fixed", &wf.name, &rf.name, &rf.aliases) && wf.size != rf.size
                {
                    self.problem(
                        path,
                        format!(
                            "the writer's fixed {} has {} bytes, the reader's {}",
                            wf.name, wf.size, rf.size
                        ),
                    );
                }
            }
            _ => self.problem(
                path,
                format!(
                    "the writer's {} cannot be read as {}",
                    path::describe(ws, w),
                    path::describe(rs, r)
                ),
            ),
        }
    }
}
