//! [`Endpoints`]: the URLs a client derives from its base URL.

use http::Uri;

use crate::ClientError;

/// The server's base URL split into what the client joins paths to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Endpoints {
    /// `host:port`.
    authority: String,
    /// The base path without a trailing slash (`""` for the root, `/api` for a prefix).
    prefix: String,
    /// Where the Confluent REST API is nested, relative to the base (`/schemas`).
    schemas: String,
}

impl Endpoints {
    /// Parses a base URL such as `http://127.0.0.1:8080` or `http://host/api/`. Only `http` is
    /// supported (the client is built without TLS); a query or fragment is refused.
    pub(crate) fn parse(base: &str, schemas_path: &str) -> Result<Self, ClientError> {
        let invalid = |reason: &str| ClientError::InvalidUrl {
            url: base.to_owned(),
            reason: reason.to_owned(),
        };
        let uri: Uri = base
            .parse()
            .map_err(|e: http::uri::InvalidUri| invalid(&e.to_string()))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => {
                return Err(invalid(
                    "https is not supported: this client is built without TLS (use http, e.g. behind a local proxy)",
                ));
            }
            Some(other) => return Err(invalid(&format!("unsupported scheme `{other}`"))),
            None => return Err(invalid("no scheme: expected http://host:port")),
        }
        let authority = uri
            .authority()
            .ok_or_else(|| invalid("no host"))?
            .as_str()
            .to_owned();
        if authority.contains('@') {
            return Err(invalid("credentials in the URL are not supported"));
        }
        if uri.query().is_some() {
            return Err(invalid("a base URL has no query"));
        }
        let prefix = uri.path().trim_end_matches('/').to_owned();
        let schemas = format!("/{}", schemas_path.trim_matches('/'));
        Ok(Endpoints {
            authority,
            prefix,
            schemas,
        })
    }

    /// The HTTP URL of `path` (which may omit its leading `/`) under the base.
    pub(crate) fn http(&self, path: &str) -> Result<Uri, ClientError> {
        self.join("http", path)
    }

    /// The URL of the live WebSocket: `ws://host:port<prefix>/live`.
    pub(crate) fn live(&self) -> String {
        format!("ws://{}{}/live", self.authority, self.prefix)
    }

    /// The URL of the writer schema with registry id `id`: Confluent's `/schemas/ids/{id}`
    /// under the registry's mount point.
    pub(crate) fn schema(&self, id: i32) -> Result<Uri, ClientError> {
        self.http(&format!("{}/schemas/ids/{id}", self.schemas))
    }

    fn join(&self, scheme: &str, path: &str) -> Result<Uri, ClientError> {
        let slash = if path.starts_with('/') { "" } else { "/" };
        let url = format!("{scheme}://{}{}{slash}{path}", self.authority, self.prefix);
        url.parse()
            .map_err(|e: http::uri::InvalidUri| ClientError::InvalidUrl {
                reason: e.to_string(),
                url,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_joined_under_the_base() {
        let e = Endpoints::parse("http://127.0.0.1:8080", "/schemas").unwrap();
        assert_eq!(e.live(), "ws://127.0.0.1:8080/live");
        assert_eq!(
            e.http("vertex/42").unwrap().to_string(),
            "http://127.0.0.1:8080/vertex/42"
        );
        assert_eq!(
            e.schema(7).unwrap().to_string(),
            "http://127.0.0.1:8080/schemas/schemas/ids/7"
        );
        let e = Endpoints::parse("http://[::1]:9/api/", "registry/").unwrap();
        assert_eq!(e.live(), "ws://[::1]:9/api/live");
        assert_eq!(
            e.http("/x?y=1").unwrap().to_string(),
            "http://[::1]:9/api/x?y=1"
        );
        assert_eq!(
            e.schema(-1).unwrap().to_string(),
            "http://[::1]:9/api/registry/schemas/ids/-1"
        );
    }

    #[test]
    fn unusable_bases_are_refused() {
        for base in [
            "127.0.0.1:8080",
            "https://127.0.0.1",
            "ftp://h",
            "http://u:p@h",
            "http://h/?q",
            "not a url",
        ] {
            assert!(
                matches!(
                    Endpoints::parse(base, "/schemas"),
                    Err(ClientError::InvalidUrl { .. })
                ),
                "{base}"
            );
        }
        let e = Endpoints::parse("http://h", "/schemas").unwrap();
        assert!(e.http("/a b").is_err());
    }
}
