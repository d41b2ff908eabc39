use affinity_avro::Avro;

#[derive(Avro)]
struct Offset {
    delta: isize,
}

fn main() {}
