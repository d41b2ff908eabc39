//! The node configuration as a user meets it: files written to a temporary directory,
//! environment overrides passed in, and the exact messages printed for every mistake.

#[path = "config/support.rs"]
mod support;

#[path = "config/code.rs"]
mod code;
#[path = "config/env.rs"]
mod env;
#[path = "config/file.rs"]
mod file;
#[path = "config/rules.rs"]
mod rules;
