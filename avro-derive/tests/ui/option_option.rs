use affinity_avro::Avro;

#[derive(Avro)]
struct Patch {
    name: Option<Option<String>>,
    boxed: Option<Box<Option<i64>>>,
}

fn main() {}
