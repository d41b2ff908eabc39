use affinity_avro::Avro;

#[derive(Avro)]
struct Key {
    letter: char,
}

fn main() {}
