//! Building a [`NodeConfig`] from its sources: a TOML file, the environment, [`NodeConfig::set`],
//! and checking it.

use std::ffi::OsStr;
use std::path::Path;

use super::env::apply_env;
use super::error::{ConfigError, ConfigIssue, Origin, Problem};
use super::file::apply_toml;
use super::keys::{self, KEYSPACES, Spelling};
use super::model::NodeConfig;
use super::validate::validate;
use super::value::{Input, Raw};

impl NodeConfig {
    /// Loads the configuration file `path`, applies the process's `AFFINITY_…` environment
    /// overrides and validates the result: [`load_with_env`](Self::load_with_env) with
    /// [`std::env::vars_os`].
    ///
    /// # Errors
    /// [`ConfigError::Read`] if the file cannot be read, [`ConfigError::Syntax`] if it is not
    /// TOML, [`ConfigError::Invalid`] with every unknown, mistyped or invalid key.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        Self::load_with_env(path, std::env::vars_os())
    }

    /// Loads the configuration file `path`, applies the overrides among `env` (name, value
    /// pairs; other variables are ignored) and validates the result.
    ///
    /// # Errors
    /// As [`load`](Self::load).
    pub fn load_with_env<I, K, V>(path: impl AsRef<Path>, env: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml_str(&text, path, env)
    }

    /// The configuration in the TOML document `text`, read from the file `path` (named in
    /// errors; relative paths in the document are relative to its directory), with the
    /// overrides among `env` applied, validated.
    ///
    /// ```
    /// use affinity::config::NodeConfig;
    ///
    /// let toml = "[http]\nlisten = \"0.0.0.0:9000\"\n";
    /// let env = [("AFFINITY_HTTP__REQUEST_TIMEOUT", "5s")];
    /// let config = NodeConfig::from_toml_str(toml, "node.toml", env)?;
    /// assert_eq!(config.http.listen.port(), 9000);
    /// assert_eq!(config.http.request_timeout.as_secs(), 5);
    ///
    /// let err = NodeConfig::from_toml_str("[http]\nlisten = 9000\n", "node.toml", env).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "invalid node configuration: node.toml:2:10: `http.listen`: expected an IP address \
    ///      and port such as \"127.0.0.1:8080\", found integer 9000"
    /// );
    /// # Ok::<(), affinity::config::ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// [`ConfigError::Syntax`] if `text` is not TOML, [`ConfigError::Invalid`] with every
    /// unknown, mistyped or invalid key.
    pub fn from_toml_str<I, K, V>(
        text: &str,
        path: impl AsRef<Path>,
        env: I,
    ) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let mut config = NodeConfig::default();
        let mut issues = Vec::new();
        apply_toml(&mut config, text, path.as_ref(), &mut issues)?;
        apply_env(&mut config, env, &mut issues);
        config.checked(issues)
    }

    /// The default configuration with the process's `AFFINITY_…` environment overrides applied,
    /// validated: for a node run without a configuration file.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] with every unknown, mistyped or invalid override.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_env_vars(std::env::vars_os())
    }

    /// The default configuration with the overrides among `env` applied, validated.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_env_vars<I, K, V>(env: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let mut config = NodeConfig::default();
        let mut issues = Vec::new();
        apply_env(&mut config, env, &mut issues);
        config.checked(issues)
    }

    /// Sets `key` (a dotted path such as `http.listen` or `keyspaces.graph.partitions`) from
    /// `value`, written as in an environment override (see the [module docs](super)). Does not
    /// validate rules that involve other keys; call [`validate`](Self::validate) when done.
    ///
    /// ```
    /// use affinity::config::NodeConfig;
    ///
    /// let mut config = NodeConfig::default();
    /// config.set("http.body_limit", "16MiB")?;
    /// assert_eq!(config.http.body_limit, 16 << 20);
    /// let err = config.set("http.body_limt", "1").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "invalid node configuration: NodeConfig::set: unknown key `http.body_limt` \
    ///      (did you mean `http.body_limit`?)"
    /// );
    /// # Ok::<(), affinity::config::ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] if there is no such key or `value` is not of its type; the
    /// configuration is unchanged.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let path: Vec<&str> = key.split('.').collect();
        let input = Input {
            raw: Raw::Text(value),
            base_dir: None,
        };
        match keys::assign(self, &path, &input, Spelling::Dotted) {
            Ok(()) => {
                if let [KEYSPACES, name, _] = path.as_slice() {
                    let table = format!("{KEYSPACES}.{name}");
                    self.origins.record_first(&table, Origin::Set);
                }
                self.origins.record(key, Origin::Set);
                Ok(())
            }
            Err(problem) => Err(ConfigError::Invalid(vec![ConfigIssue::new(
                key,
                Some(Origin::Set),
                problem,
            )])),
        }
    }

    /// Checks the rules beyond the keys' types (see the [module docs](super)): non-zero sizes
    /// and durations, well-formed names, origins and addresses, and the keys that the Kafka
    /// mode needs. Loading validates; call this after changing a configuration in code.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] with every rule broken.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let issues = validate(self);
        if issues.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Invalid(issues))
        }
    }

    /// Checks that every keyspace the configuration has overrides for is one of `declared`
    /// (the keyspaces the node's code defines), so that a misspelt keyspace name is an error
    /// instead of an override that silently does nothing.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] with an unknown key `keyspaces.<name>` for each other keyspace.
    pub fn check_keyspaces<'a>(
        &self,
        declared: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), ConfigError> {
        let declared: Vec<&str> = declared.into_iter().collect();
        let issues: Vec<ConfigIssue> = self
            .keyspaces
            .keys()
            .filter(|name| !declared.contains(&name.as_str()))
            .map(|name| {
                let key = format!("{KEYSPACES}.{name}");
                let hint = if declared.is_empty() {
                    "the node declares no keyspaces".to_owned()
                } else {
                    format!("the node's keyspaces are {}", declared.join(", "))
                };
                let origin = self.origins.get(&key).cloned();
                ConfigIssue::new(key, origin, Problem::UnknownKey { hint })
            })
            .collect();
        if issues.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Invalid(issues))
        }
    }

    /// `self` if there are no `issues` and it is valid.
    fn checked(self, issues: Vec<ConfigIssue>) -> Result<Self, ConfigError> {
        if !issues.is_empty() {
            // Rules between keys would be checked against values that failed to load.
            return Err(ConfigError::Invalid(issues));
        }
        self.validate()?;
        Ok(self)
    }
}
