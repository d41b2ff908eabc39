use affinity_avro::Avro;

#[derive(Avro)]
struct View<'a> {
    name: std::borrow::Cow<'a, str>,
}

fn main() {}
