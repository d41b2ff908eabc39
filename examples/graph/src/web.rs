//! The live page: `/app/` serves the page (`examples/graph/web`, or `--web DIR`) and `/pkg/`
//! the built `@affinity/client` package (`js-package`, or `--pkg DIR`, e.g. the package
//! installed from its tarball); the page imports `/pkg/dist/index.js`.

use std::path::PathBuf;

use axum::Router;
use tower_http::services::ServeDir;

/// Where the page and the package are read from.
#[derive(Clone, Debug)]
pub struct WebDirs {
    /// The page's directory (its `index.html` is served at `/app/`).
    pub page: PathBuf,
    /// The `@affinity/client` package directory (with its built `dist/`), served at `/pkg/`.
    pub package: PathBuf,
}

impl Default for WebDirs {
    /// The page in this crate and the package in the workspace (built by `dev/build-js`).
    fn default() -> Self {
        let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        WebDirs {
            page: crate_dir.join("web"),
            package: crate_dir.join("../../js-package"),
        }
    }
}

/// The routes serving the page and the package.
pub fn routes(dirs: &WebDirs) -> Router {
    Router::new()
        .nest_service("/app", ServeDir::new(&dirs.page))
        .nest_service("/pkg", ServeDir::new(&dirs.package))
}
