use affinity_avro::Avro;

#[derive(Avro)]
struct User {
    name: String,
    #[avro(rename = "name")]
    display_name: String,
}

fn main() {}
