//! What `/cluster` shows of a keyspace: for each partition, its master, its replicas, and this
//! node's replica (role, epoch, lag).

use serde_json::{Value, json};

use super::KeyspaceRef;
use crate::partition::{Handler, Role};

impl<H: Handler> KeyspaceRef<H> {
    /// The partitions as `/cluster` shows them.
    pub(crate) fn view(&self, local: &str) -> Value {
        let assignment = self.inner.assignment.as_ref().map(|a| a.borrow().clone());
        let partitions: Vec<Value> = self
            .inner
            .partitions
            .iter()
            .enumerate()
            .map(|(p, handle)| {
                let p = p as u32;
                let status = handle.status();
                let role = status.role();
                // Who the coordinator says masters it; in embedded mode, this node.
                let (master, epoch) = match handle.master_info() {
                    Some(Some(info)) => (Some(info.member.id.to_string()), info.epoch),
                    Some(None) => (None, 0),
                    None => (Some(local.to_owned()), 0),
                };
                let replicas: Vec<String> = match &assignment {
                    Some(a) => a.replicas(p).iter().map(ToString::to_string).collect(),
                    None => vec![local.to_owned()],
                };
                let here = match role {
                    Role::Remote => Value::Null,
                    _ => json!({
                        "role": role.as_str(),
                        "epoch": status.epoch(),
                        "lag": status.lag(),
                        "replayed": status.replayed(),
                        "catch_up": status.catch_up().map(|c| json!({
                            "records": c.records,
                            "ms": c.took.as_secs_f64() * 1000.0,
                        })),
                    }),
                };
                json!({
                    "partition": p,
                    "master": master,
                    "epoch": epoch,
                    "replicas": replicas,
                    "here": here,
                })
            })
            .collect();
        Value::Array(partitions)
    }
}
