use affinity_avro::Avro;

#[derive(Avro)]
struct Handle {
    raw: *const i64,
}

fn main() {}
