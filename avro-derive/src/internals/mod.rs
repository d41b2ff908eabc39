//! The parsed model of a `#[derive(Avro)]` input and its checks.

pub(crate) mod ast;
pub(crate) mod attr;
pub(crate) mod check;
pub(crate) mod ctxt;
pub(crate) mod json;
pub(crate) mod name;
pub(crate) mod ty;
