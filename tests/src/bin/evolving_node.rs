//! `evolving-node`: a node whose `profiles` value type evolves between runs, for the JS client's
//! "a type evolved between writes" test (js-package/test). Run it with `--version 1`, write,
//! stop it, then run it with `--version 2` on the same data directory: version 2 of `Profile`
//! widens `visits` from `int` to `long` and adds `plan` with a default, so the node's embedded
//! registry holds both writer schemas and a subscriber sees values of both.
//!
//! Usage: `evolving-node --version 1|2 --listen 127.0.0.1:PORT --data DIR`
//!
//! Routes (bodies and answers in Avro or JSON, as the gateway negotiates):
//! `GET /profiles/{id}` (404 when absent), `PUT /profiles/{id}` (the stored profile).
//! Keyspace `evolve`, state `profiles` (`long` → `Profile`). Stops on SIGINT or SIGTERM.

use std::path::PathBuf;
use std::process::ExitCode;

use affinity::config::NodeConfig;
use affinity::gateway::{ApiError, Avro};
use affinity::keyspace::{Keyspace, KeyspaceRef};
use affinity::node::Node;
use affinity_avro::Avro as AvroType;
use affinity_e2e::{App, Get, Put};
use axum::Router;
use axum::extract::Path;
use axum::routing::get;

/// The keyspace.
const KEYSPACE: &str = "evolve";
/// The state whose value type evolves.
const PROFILES: &str = "profiles";

/// Version 1 of the profile.
#[derive(AvroType, Clone, Debug)]
#[avro(namespace = "evolve", name = "Profile")]
struct ProfileV1 {
    /// The id.
    id: i64,
    /// The name.
    name: String,
    /// Visits, an `int`.
    visits: i32,
}

/// Version 2: `visits` widened to `long`, `plan` added with a default.
#[derive(AvroType, Clone, Debug)]
#[avro(namespace = "evolve", name = "Profile")]
struct ProfileV2 {
    /// The id.
    id: i64,
    /// The name.
    name: String,
    /// Visits, now a `long`.
    visits: i64,
    /// The plan; values written by version 1 read as "free".
    #[avro(default = "\"free\"")]
    plan: String,
}

/// The routes for profile type `P`.
fn routes<P: AvroType + Clone + Send + Sync + 'static>() -> Router {
    async fn get_one<P: AvroType + Clone + Send + Sync + 'static>(
        ks: KeyspaceRef<App>,
        Path(id): Path<i64>,
    ) -> Result<Avro<P>, ApiError> {
        ks.ask(&id, Get::<i64, P>::new(PROFILES, id))
            .await?
            .map_err(ApiError::internal)?
            .map(Avro)
            .ok_or(ApiError::NotFound)
    }
    async fn put_one<P: AvroType + Clone + Send + Sync + 'static>(
        ks: KeyspaceRef<App>,
        Path(id): Path<i64>,
        Avro(profile): Avro<P>,
    ) -> Result<Avro<P>, ApiError> {
        let put = Put {
            state: PROFILES,
            key: id,
            value: profile.clone(),
        };
        ks.ask(&id, put).await?.map_err(ApiError::internal)?;
        Ok(Avro(profile))
    }
    Router::new().route("/profiles/{id}", get(get_one::<P>).put(put_one::<P>))
}

async fn serve<P: AvroType + Clone + Send + Sync + 'static>(
    config: NodeConfig,
) -> Result<(), String> {
    let keyspace = Keyspace::new(KEYSPACE)
        .partitions(2)
        .state::<i64, P>(PROFILES)
        .handler(App);
    Node::new(config)
        .keyspace(keyspace)
        .router(routes::<P>())
        .run()
        .await
        .map_err(|e| e.to_string())
}

fn flag<'a>(args: &'a [String], name: &str) -> Result<&'a str, String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
        .ok_or_else(|| format!("missing {name}"))
}

async fn run(args: &[String]) -> Result<(), String> {
    let mut config = NodeConfig::default();
    config.http.listen = flag(args, "--listen")?
        .parse()
        .map_err(|e| format!("--listen: {e}"))?;
    config.node.data_dir = Some(PathBuf::from(flag(args, "--data")?));
    println!(
        "evolving-node: serving http://{} (Profile version {})",
        config.http.listen,
        flag(args, "--version")?
    );
    match flag(args, "--version")? {
        "1" => serve::<ProfileV1>(config).await,
        "2" => serve::<ProfileV2>(config).await,
        other => Err(format!("--version must be 1 or 2, not {other}")),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("evolving-node: {e}");
            ExitCode::FAILURE
        }
    }
}
