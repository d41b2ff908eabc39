//! Compiling a resolution plan: one [`Step`] per (writer node, reader node) pair met, memoised so
//! that recursive schemas compile to a finite, cyclic plan.

use std::collections::HashMap;

use super::ResolveError;
use super::matching::{Scalar, name_rank, pair_fields, scalar, select_branch};
use super::path;
use crate::Value;
use crate::schema::{Kind, NodeId, Schema};

/// The index of a step in a plan.
pub(crate) type StepId = usize;

/// What to do to read one writer value as a reader value.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// A scalar, possibly promoted.
    Scalar(Scalar),
    /// A fixed of this size (the same on both sides).
    Fixed(usize),
    /// An enum: for each writer symbol, the reader symbol it becomes, if any.
    Enum {
        /// Writer symbol index → reader symbol index.
        map: Box<[Option<u32>]>,
        /// The writer enum, for the names in error messages.
        writer: NodeId,
        /// Where, for error messages.
        path: Box<str>,
    },
    /// An array: its items' step, and the writer's item node (for block-count bounds).
    Array { items: StepId, writer_items: NodeId },
    /// A map: its values' step, and the writer's value node.
    Map {
        values: StepId,
        writer_values: NodeId,
    },
    /// A record.
    Record(Box<RecordStep>),
    /// A writer union: one step per writer branch.
    WriterUnion(Box<[StepId]>),
    /// A non-union writer read into reader union branch `branch`.
    ReaderUnion { branch: u32, step: StepId },
    /// Writer data that the reader cannot read; an error only when the data occurs.
    Fail(Box<str>),
}

/// A record's plan: the writer's fields in writer order, then the reader's defaults.
#[derive(Debug, Clone)]
pub(crate) struct RecordStep {
    /// One entry per writer field, in writer order.
    pub(crate) fields: Box<[FieldStep]>,
    /// Reader fields the writer lacks: (reader position, default).
    pub(crate) defaults: Box<[(usize, Value)]>,
    /// How many fields the reader's record has.
    pub(crate) len: usize,
}

/// One writer field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FieldStep {
    /// Read it into reader field `pos`.
    Read { pos: usize, step: StepId },
    /// Skip it (the reader has no such field); the writer node to skip.
    Skip(NodeId),
}

/// A compiled plan.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) steps: Vec<Step>,
    pub(crate) root: StepId,
}

/// Compiles the plan to read `writer`'s root as `reader`'s root.
pub(crate) fn compile(writer: &Schema, reader: &Schema) -> Result<Plan, ResolveError> {
    let mut c = Compiler {
        ws: writer,
        rs: reader,
        steps: Vec::new(),
        memo: HashMap::new(),
        failed: HashMap::new(),
    };
    let root = c.compile(writer.root(), reader.root(), &path::root(reader))?;
    Ok(Plan {
        steps: c.steps,
        root,
    })
}

struct Compiler<'s> {
    ws: &'s Schema,
    rs: &'s Schema,
    steps: Vec<Step>,
    /// Record pairs compiled or being compiled (a cycle refers back to the step in progress).
    memo: HashMap<(NodeId, NodeId), StepId>,
    /// Record pairs that do not resolve.
    failed: HashMap<(NodeId, NodeId), ResolveError>,
}

impl Compiler<'_> {
    fn push(&mut self, step: Step) -> StepId {
        self.steps.push(step);
        self.steps.len() - 1
    }

    fn compile(&mut self, w: NodeId, r: NodeId, path: &str) -> Result<StepId, ResolveError> {
        let is_record_pair = matches!(
            (&self.ws.node(w).kind, &self.rs.node(r).kind),
            (Kind::Record(_), Kind::Record(_))
        );
        if !is_record_pair {
            let step = self.step(w, r, path)?;
            return Ok(self.push(step));
        }
        if let Some(e) = self.failed.get(&(w, r)) {
            return Err(e.clone());
        }
        if let Some(&id) = self.memo.get(&(w, r)) {
            return Ok(id);
        }
        let id = self.push(Step::Fail("unfinished plan step".into()));
        self.memo.insert((w, r), id);
        match self.step(w, r, path) {
            Ok(step) => {
                self.steps[id] = step;
                Ok(id)
            }
            Err(e) => {
                self.steps[id] = Step::Fail(e.located().into());
                self.failed.insert((w, r), e.clone());
                Err(e)
            }
        }
    }

    fn step(&mut self, w: NodeId, r: NodeId, path: &str) -> Result<Step, ResolveError> {
        let (ws, rs) = (self.ws, self.rs);
        let (wk, rk) = (&ws.node(w).kind, &rs.node(r).kind);
        if let Some(s) = scalar(wk, rk) {
            return Ok(Step::Scalar(s));
        }
        match (wk, rk) {
            (Kind::Union(branches), _) => self.writer_union(branches, r, path),
            (_, Kind::Union(branches)) => {
                let Some(i) = select_branch(ws, w, rs, branches) else {
                    return Err(ResolveError::new(
                        path,
                        format!(
                            "no branch of the reader's union can read the writer's {}",
                            path::describe(ws, w)
                        ),
                    ));
                };
                let step = self.compile(w, branches[i], path)?;
                Ok(Step::ReaderUnion {
                    branch: i as u32,
                    step,
                })
            }
            (Kind::Array(wi), Kind::Array(ri)) => Ok(Step::Array {
                items: self.compile(*wi, *ri, &path::items(path))?,
                writer_items: *wi,
            }),
            (Kind::Map(wv), Kind::Map(rv)) => Ok(Step::Map {
                values: self.compile(*wv, *rv, &path::values(path))?,
                writer_values: *wv,
            }),
            (Kind::Record(_), Kind::Record(_)) => self.record(w, r, path),
            (Kind::Enum(we), Kind::Enum(re)) => {
                if name_rank(&we.name, &re.name, &re.aliases).is_none() {
                    return Err(names_differ(path, "enum", &we.name, &re.name));
                }
                let default = re
                    .default
                    .as_ref()
                    .and_then(|d| re.symbols.iter().position(|s| s == d));
                let map = we
                    .symbols
                    .iter()
                    .map(|s| {
                        re.symbols
                            .iter()
                            .position(|x| x == s)
                            .or(default)
                            .map(|i| i as u32)
                    })
                    .collect();
                Ok(Step::Enum {
                    map,
                    writer: w,
                    path: path.into(),
                })
            }
            (Kind::Fixed(wf), Kind::Fixed(rf)) => {
                if name_rank(&wf.name, &rf.name, &rf.aliases).is_none() {
                    return Err(names_differ(path, "fixed", &wf.name, &rf.name));
                }
                if wf.size != rf.size {
                    return Err(ResolveError::new(
                        path,
                        format!(
                            "the writer's fixed {} has {} bytes, the reader's {}",
                            wf.name, wf.size, rf.size
                        ),
                    ));
                }
                Ok(Step::Fixed(rf.size))
            }
            _ => Err(ResolveError::new(
                path,
                format!(
                    "the writer's {} cannot be read as {}",
                    path::describe(ws, w),
                    path::describe(rs, r)
                ),
            )),
        }
    }

    /// Each writer branch against the reader node; a branch that does not resolve fails only
    /// if it occurs in the data, but a union none of whose branches resolve never can be read.
    fn writer_union(
        &mut self,
        branches: &[NodeId],
        r: NodeId,
        path: &str,
    ) -> Result<Step, ResolveError> {
        let mut steps = Vec::with_capacity(branches.len());
        let mut first_error = None;
        let mut any_resolved = false;
        for &b in branches {
            let step = match self.compile(b, r, &path::branch(path, self.ws, b)) {
                Ok(step) => {
                    any_resolved = true;
                    step
                }
                Err(e) => {
                    let step = self.push(Step::Fail(e.located().into()));
                    first_error.get_or_insert(e);
                    step
                }
            };
            steps.push(step);
        }
        match first_error {
            Some(e) if !any_resolved => Err(ResolveError::new(
                path,
                format!(
                    "no branch of the writer's union can be read; the first fails at {}",
                    e.located()
                ),
            )),
            _ => Ok(Step::WriterUnion(steps.into())),
        }
    }

    fn record(&mut self, w: NodeId, r: NodeId, path: &str) -> Result<Step, ResolveError> {
        let (ws, rs) = (self.ws, self.rs);
        let (Kind::Record(wr), Kind::Record(rr)) = (&ws.node(w).kind, &rs.node(r).kind) else {
            return Err(ResolveError::new(path, "internal: not a pair of records"));
        };
        if name_rank(&wr.name, &rr.name, &rr.aliases).is_none() {
            return Err(names_differ(path, "record", &wr.name, &rr.name));
        }
        let pairs = pair_fields(wr, rr);
        let mut reader_pos = vec![None; wr.fields.len()];
        let mut defaults = Vec::new();
        for (pos, (rf, pair)) in rr.fields.iter().zip(&pairs).enumerate() {
            match (pair, &rf.default) {
                (Some(j), _) => reader_pos[*j] = Some(pos),
                (None, Some(d)) => defaults.push((pos, d.clone())),
                (None, None) => {
                    return Err(ResolveError::new(
                        &path::field(path, &rf.name),
                        format!(
                            "the reader's field `{}` is not in the writer's {} and has no default",
                            rf.name, wr.name
                        ),
                    ));
                }
            }
        }
        let mut fields = Vec::with_capacity(wr.fields.len());
        for (wf, pos) in wr.fields.iter().zip(reader_pos) {
            fields.push(match pos {
                Some(pos) => {
                    let rf = &rr.fields[pos];
                    let step = self.compile(wf.schema, rf.schema, &path::field(path, &rf.name))?;
                    FieldStep::Read { pos, step }
                }
                None => FieldStep::Skip(wf.schema),
            });
        }
        Ok(Step::Record(Box::new(RecordStep {
            fields: fields.into(),
            defaults: defaults.into(),
            len: rr.fields.len(),
        })))
    }
}

fn names_differ(
    path: &str,
    kind: &str,
    writer: &crate::schema::Name,
    reader: &crate::schema::Name,
) -> ResolveError {
    ResolveError::new(
        path,
        format!(
            "the writer's {kind} {writer} does not match the reader's {kind} {reader} (by full \
             name, unqualified name or the reader's aliases)"
        ),
    )
}
