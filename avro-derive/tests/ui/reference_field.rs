use affinity_avro::Avro;

#[derive(Avro)]
struct Name {
    text: &'static str,
}

fn main() {}
