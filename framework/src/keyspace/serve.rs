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

#[cfg(test)]
mod tests {
    use affinity_avro::from_slice;

    use super::*;
    use crate::config::{NodeConfig, StoreBackend};
    use crate::keyspace::Keyspace;
    use crate::node::{Node, RunningNode};
    use crate::state::record::Header;

    #[derive(Clone)]
    struct Plain;
    impl Handler for Plain {}

    async fn node(dir: &std::path::Path) -> RunningNode {
        let mut config = NodeConfig::default();
        config.http.listen = "127.0.0.1:0".parse().unwrap();
        config.node.data_dir = Some(dir.to_owned());
        config.store.backend = StoreBackend::Memory;
        let keyspace = Keyspace::new("t")
            .partitions(4)
            .state::<String, i64>("counts")
            .handler(Plain);
        Node::new(config).keyspace(keyspace).start().await.unwrap()
    }

    fn get(state: &str, key: &str) -> RequestBody {
        RequestBody::Get(Get {
            state: state.to_owned(),
            key: to_vec(&key.to_owned()),
        })
    }

    /// What a peer's `Get` is answered with: the stored record, nothing for a missing key, and
    /// a refusal naming the mistake for a request that no node of the same build would send.
    #[tokio::test]
    async fn a_forwarded_get_answers_the_stored_record_or_refuses_a_bad_request() {
        let dir = tempfile::tempdir().unwrap();
        let node = node(dir.path()).await;
        let ks = node.keyspace::<Plain>().unwrap();
        let key = "seven".to_owned();
        ks.call(&key.clone(), move |_, ctx| {
            ctx.state::<String, i64>("counts")
                .unwrap()
                .put(&key, &7)
                .unwrap();
        })
        .await
        .unwrap();
        let deadline = Instant::now() + std::time::Duration::from_secs(5);
        let partition = ks.partition_of(&"seven".to_owned());

        // The stored record the master answered, if any.
        let answered = |outcome| match outcome {
            Outcome::Done(done) => from_slice::<Option<Vec<u8>>>(&done.reply).unwrap(),
            _ => panic!("not answered"),
        };
        let record = answered(
            ks.serve_forwarded(partition, get("counts", "seven"), deadline)
                .await,
        )
        .unwrap();
        let (header, body) = Header::split(&record).unwrap();
        assert_eq!(from_slice::<i64>(body).unwrap(), 7);
        assert_eq!(header.schema_id, ks.inner.states[0].schemas.value_id);

        let missing = ks.partition_of(&"never".to_owned());
        let none = answered(
            ks.serve_forwarded(missing, get("counts", "never"), deadline)
                .await,
        );
        assert_eq!(none, None);

        let refusal = |outcome| match outcome {
            Outcome::Refused(refused) => (refused.code, refused.reason),
            _ => panic!("not refused"),
        };
        let (code, reason) = refusal(
            ks.serve_forwarded(partition, get("nope", "seven"), deadline)
                .await,
        );
        assert_eq!(code, Code::BadMessage);
        assert!(reason.contains("nope"), "{reason}");
        let elsewhere = (partition + 1) % ks.partitions();
        let (code, reason) = refusal(
            ks.serve_forwarded(elsewhere, get("counts", "seven"), deadline)
                .await,
        );
        assert_eq!(code, Code::BadMessage);
        assert!(reason.contains("not in partition"), "{reason}");
        let garbage = RequestBody::Get(Get {
            state: "counts".to_owned(),
            key: vec![0xff],
        });
        let (code, _) = refusal(ks.serve_forwarded(partition, garbage, deadline).await);
        assert_eq!(code, Code::BadMessage);
        node.shutdown().await.unwrap();
    }
}
