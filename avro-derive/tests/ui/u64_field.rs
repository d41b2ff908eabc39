use affinity_avro::Avro;

#[derive(Avro)]
struct Counter {
    hits: u64,
    sizes: Vec<usize>,
}

fn main() {}
