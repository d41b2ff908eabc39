use std::collections::{BTreeMap, HashMap};

use affinity_avro::Avro;

#[derive(Avro)]
struct Index {
    by_id: HashMap<i64, String>,
    nested: Vec<BTreeMap<String, BTreeMap<i32, String>>>,
}

fn main() {}
