use affinity_avro::Avro;

#[derive(Avro)]
enum Never {}

fn main() {}
