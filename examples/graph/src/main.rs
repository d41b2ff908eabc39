//! The graph example's command line: `serve` (the default) or `watch <component>`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use affinity::NodeConfig;
use affinity::node::Node;
use tracing_subscriber::EnvFilter;

const USAGE: &str = "\
usage: example-graph [serve] [--listen ADDR] [--data DIR] [--config FILE] [--web DIR] [--pkg DIR]
       example-graph watch COMPONENT_ID [--server URL]

serve   runs the graph on one node (default 127.0.0.1:8080, data in <temp>/affinity-example-graph)
watch   prints a component, then every change to it, from a running server

--web and --pkg: the live page's directory (served at /app/) and the built @affinity/client
package (served at /pkg/; dev/build-js builds it)";

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("watch") => watch(&args[1..]).await,
        Some("serve") => serve(&args[1..]).await,
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => serve(&args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}

/// The value after `flag` in `args`, if the flag is there.
fn flag<'a>(args: &'a [String], flag: &str) -> Result<Option<&'a str>, String> {
    match args.iter().position(|a| a == flag) {
        None => Ok(None),
        Some(i) => args
            .get(i + 1)
            .map(|v| Some(v.as_str()))
            .ok_or_else(|| format!("{flag} needs a value")),
    }
}

async fn serve(args: &[String]) -> Result<(), String> {
    let mut config = match flag(args, "--config")? {
        Some(path) => NodeConfig::load(path).map_err(|e| e.to_string())?,
        None => {
            let mut config = NodeConfig::from_env().map_err(|e| e.to_string())?;
            if config.node.data_dir.is_none() {
                config.node.data_dir = Some(std::env::temp_dir().join("affinity-example-graph"));
            }
            config
        }
    };
    if let Some(listen) = flag(args, "--listen")? {
        config.http.listen = listen
            .parse::<SocketAddr>()
            .map_err(|e| format!("--listen {listen}: {e}"))?;
    }
    if let Some(dir) = flag(args, "--data")? {
        config.node.data_dir = Some(PathBuf::from(dir));
    }
    let mut web = example_graph::web::WebDirs::default();
    if let Some(dir) = flag(args, "--web")? {
        web.page = PathBuf::from(dir);
    }
    if let Some(dir) = flag(args, "--pkg")? {
        web.package = PathBuf::from(dir);
    }
    let addr = config.http.listen;
    println!(
        "graph example: serving http://{addr} with data in {}",
        config.data_dir().display()
    );
    println!("try:");
    println!(
        "  curl -X PUT http://{addr}/vertex/1 -H 'content-type: application/json' -d '{{\"name\":\"one\"}}'"
    );
    println!(
        "  curl -X PUT http://{addr}/vertex/2 -H 'content-type: application/json' -d '{{\"name\":\"two\"}}'"
    );
    println!("  curl -X POST http://{addr}/connect/1/2");
    println!("  curl http://{addr}/component/1");
    println!("  cargo run -p example-graph -- watch 1 --server http://{addr}");
    println!("  open http://{addr}/app/ (the live page; needs dev/build-js)");
    Node::new(config)
        .keyspace(example_graph::keyspace())
        .router(example_graph::api::router().merge(example_graph::web::routes(&web)))
        .run()
        .await
        .map_err(|e| e.to_string())
}

async fn watch(args: &[String]) -> Result<(), String> {
    let id = args
        .first()
        .ok_or("watch needs a component id")?
        .parse::<i64>()
        .map_err(|e| format!("component id: {e}"))?;
    let base = flag(args, "--server")?.unwrap_or("http://127.0.0.1:8080");
    example_graph::watch::watch(base, id)
        .await
        .map_err(|e| e.to_string())
}
