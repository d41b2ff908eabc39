//! [`Paths`]: the znode layout of one cluster (described in the module docs).

/// The znodes of one cluster, under `<root>/<cluster>`.
#[derive(Debug, Clone)]
pub(crate) struct Paths {
    base: String,
}

impl Paths {
    pub(crate) fn new(root: &str, cluster: &str) -> Paths {
        let root = root.trim_end_matches('/');
        Paths {
            base: format!("{root}/{cluster}"),
        }
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    pub(crate) fn members(&self) -> String {
        format!("{}/members", self.base)
    }

    pub(crate) fn member(&self, id: &str) -> String {
        format!("{}/members/{id}", self.base)
    }

    pub(crate) fn controller(&self) -> String {
        format!("{}/controller", self.base)
    }

    pub(crate) fn keyspaces(&self) -> String {
        format!("{}/keyspaces", self.base)
    }

    pub(crate) fn keyspace(&self, name: &str) -> String {
        format!("{}/keyspaces/{name}", self.base)
    }

    pub(crate) fn partition(&self, keyspace: &str, partition: u32) -> String {
        format!("{}/partitions/{keyspace}/{partition}", self.base)
    }

    pub(crate) fn candidates(&self, keyspace: &str, partition: u32) -> String {
        format!("{}/candidates", self.partition(keyspace, partition))
    }

    pub(crate) fn epoch(&self, keyspace: &str, partition: u32) -> String {
        format!("{}/epoch", self.partition(keyspace, partition))
    }

    pub(crate) fn master(&self, keyspace: &str, partition: u32) -> String {
        format!("{}/master", self.partition(keyspace, partition))
    }
}
