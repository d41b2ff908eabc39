use affinity_avro::Avro;

#[derive(Avro)]
struct Point(i64, i64);

fn main() {}
