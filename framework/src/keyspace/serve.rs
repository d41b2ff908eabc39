//! Serving a request that another node forwarded over its peer link: it runs only if this
//! node masters the partition now; a watch is served by any replica here.

use affinity_avro::to_vec;
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::{AskError, GetError, KeyspaceRef};
use crate::feed::FeedReader;
use crate::partition::{Context, Handler, Role};
use crate::peer::{Code, Done, Get, Outcome, Refused, RequestBody, Watch};

impl<H: Handler> KeyspaceRef<H> {
    /// Runs a forwarded request on this node's replica of `partition` if it is the master,
    /// answering by `deadline`.
    pub(crate) async fn serve_forwarded(
        &self,
        partition: u32,
        body: RequestBody,
        deadline: Instant,
    ) -> Outcome {
        let handle = match self.handle(partition) {
            Ok(handle) => handle,
            Err(e) => return refuse(Code::NoSuchPartition, e.to_string()),
        };
        if handle.status().role() != Role::Master {
            return refuse(
                Code::NotMaster,
                format!("this node is not the master of partition {partition}"),
            );
        }
        match body {
            RequestBody::Ask(message) => {
                let Some(remote) = self.inner.remotes.by_kind(message.kind) else {
                    return unknown_message(message.kind);
                };
                let (reply, answer) = oneshot::channel();
                let job = match remote.ask_job(&message.body, reply) {
                    Ok(job) => job,
                    Err(e) => return refuse(Code::BadMessage, e.to_string()),
                };
                if let Err(e) = handle.send_here(deadline, job).await {
                    return refused(e);
                }
                match tokio::time::timeout_at(deadline, answer).await {
                    Ok(Ok(Ok(reply))) => Outcome::Done(Done { reply }),
                    Ok(Ok(Err(e))) => refused(e),
                    Ok(Err(_)) => refused(AskError::Failed),
                    Err(_) => refused(AskError::Timeout),
                }
            }
            RequestBody::Tell(tell) => {
                let Some(remote) = self.inner.remotes.by_kind(tell.message.kind) else {
                    return unknown_message(tell.message.kind);
                };
                let job = match remote.tell_job(&tell.message.body) {
                    Ok(job) => job,
                    Err(e) => return refuse(Code::BadMessage, e.to_string()),
                };
                match handle.send_here(deadline, job).await {
                    Ok(()) => Outcome::Done(Done { reply: Vec::new() }),
                    Err(e) => refused(e),
                }
            }
            // The peer server handles the frames of a watch itself.
            RequestBody::Watch(_) | RequestBody::More(_) | RequestBody::Cancel(_) => refuse(
                Code::BadMessage,
                "not a request for a partition's master".to_owned(),
            ),
            RequestBody::Get(get) => self.serve_get(partition, get, deadline).await,
            RequestBody::Publish(publish) => {
                let Some(decode) = &self.inner.publish else {
                    return refuse(
                        Code::Rejected,
                        format!("keyspace `{}` accepts no published messages", self.name()),
                    );
                };
                let (reply, outcome) = oneshot::channel();
                let job = match decode(&publish.key, &publish.message, reply) {
                    Ok(job) => job,
                    Err(e) => return refuse(Code::BadMessage, e.to_string()),
                };
                if let Err(e) = handle.send_here(deadline, job).await {
                    return refused(e);
                }
                match tokio::time::timeout_at(deadline, outcome).await {
                    Ok(Ok(Ok(()))) => Outcome::Done(Done { reply: Vec::new() }),
                    Ok(Ok(Err(message))) => refuse(Code::Rejected, message),
                    Ok(Err(_)) => refused(AskError::Failed),
                    Err(_) => refused(AskError::Timeout),
                }
            }
        }
    }
}

impl<H: Handler> KeyspaceRef<H> {
    /// The feed of the key another node's subscriber watches, from this node's replica of
    /// `partition` in whatever role (offsets are the log's on every replica); refused with
    /// `NotMaster` when this node has none that serves, so the watcher finds another.
    pub(crate) async fn serve_watch(
        &self,
        partition: u32,
        watch: &Watch,
    ) -> Result<FeedReader, Outcome> {
        let handle = self
            .handle(partition)
            .map_err(|e| refuse(Code::NoSuchPartition, e.to_string()))?;
        // The nodes run the same build, so these hold unless one of them is broken.
        let index = self
            .state_named(&watch.state)
            .map_err(|e| refuse(Code::BadMessage, e.to_string()))?;
        let store_key = self
            .store_key(index, &watch.key)
            .map_err(|e| refuse(Code::BadMessage, e.to_string()))?;
        if self.inner.partitioner.partition(&watch.key) != partition {
            return Err(refuse(
                Code::BadMessage,
                format!("the key is not in partition {partition}"),
            ));
        }
        if handle.status().role() == Role::Remote {
            return Err(refuse(
                Code::NotMaster,
                format!("this node has no replica of partition {partition} that serves"),
            ));
        }
        let feed = handle
            .call_here(self.deadline(), move |_: &mut H, ctx: &mut Context<'_>| {
                ctx.core.feed(index, &store_key)
            })
            .await
            .map_err(refused)?;
        feed.map_err(|e| refuse(Code::Failed, e.to_string()))
    }
}

impl<H: Handler> KeyspaceRef<H> {
    /// Reads a key's stored record for another node (see [`KeyspaceRef::get`]).
    async fn serve_get(&self, partition: u32, get: Get, deadline: Instant) -> Outcome {
        // The nodes run the same build, so these hold unless one of them is broken.
        let index = match self.state_named(&get.state) {
            Ok(index) => index,
            Err(e) => return refuse(Code::BadMessage, e.to_string()),
        };
        let store_key = match self.store_key(index, &get.key) {
            Ok(key) => key,
            Err(e) => return refuse(Code::BadMessage, e.to_string()),
        };
        if self.inner.partitioner.partition(&get.key) != partition {
            return refuse(
                Code::BadMessage,
                format!("the key is not in partition {partition}"),
            );
        }
        match self.read_here(partition, index, store_key, deadline).await {
            Ok(record) => Outcome::Done(Done {
                reply: to_vec(&record),
            }),
            Err(GetError::Ask(e)) => refused(e),
            // The store's error travels as a message (the caller's `StateError::OnMaster`).
            Err(GetError::State(e)) => refuse(Code::Rejected, e.to_string()),
        }
    }
}

fn refuse(code: Code, reason: String) -> Outcome {
    Outcome::Refused(Refused { code, reason })
}

fn unknown_message(kind: i64) -> Outcome {
    refuse(
        Code::UnknownMessage,
        format!(
            "message kind {kind:#x} is not a remote message of this keyspace here (do the nodes run the same build?)"
        ),
    )
}

/// The refusal that carries `error` back to the caller.
fn refused(error: AskError) -> Outcome {
    let code = match &error {
        AskError::Timeout => Code::Timeout,
        AskError::Stopped => Code::Stopped,
        AskError::NotWritten { .. } => Code::NotWritten,
        _ => Code::Failed,
    };
    let reason = match error {
        AskError::NotWritten { reason } => reason,
        other => other.to_string(),
    };
    refuse(code, reason)
}
