use affinity_avro::Avro;

#[derive(Avro)]
struct Cached {
    id: i64,
    #[avro(skip, rename = "cache")]
    local: Vec<String>,
    #[avro(skip, default = "0")]
    hits: i64,
}

fn main() {}
