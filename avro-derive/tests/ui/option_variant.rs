use affinity_avro::Avro;

#[derive(Avro)]
enum Lookup {
    Found(Option<String>),
    Failed { reason: String },
}

fn main() {}
