//! The services of `dev/services up`, as the black-box tests find them: the settings it
//! prints, or a skip with a notice when they are not set — except under `CI=true`, where a
//! missing service is a failure. And names no earlier run used.

#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::time::{SystemTime, UNIX_EPOCH};

/// The values of the environment variables `vars` (e.g. `SERVICES_KAFKA_BOOTSTRAP`), or
/// `None` after a notice that `what` is skipped; panics under `CI=true` instead.
pub(crate) fn require(vars: &[&str], what: &str) -> Option<Vec<String>> {
    let values: Option<Vec<String>> = vars.iter().map(|v| std::env::var(v).ok()).collect();
    if values.is_none() {
        let problem = format!(
            "{} not set: run `eval \"$(dev/services up)\"` first",
            vars.join(" / ")
        );
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{what} needs the services under CI=true: {problem}");
        }
        eprintln!("skipping {what}: {problem}");
    }
    values
}

/// `name` with the process id and the time appended: unique per run, so runs against the
/// same broker or ZooKeeper never see each other's topics or nodes.
pub(crate) fn unique(name: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{name}-{}-{nanos}", std::process::id())
}
