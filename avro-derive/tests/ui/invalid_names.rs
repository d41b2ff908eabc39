use affinity_avro::Avro;

#[derive(Avro)]
#[avro(name = "1st", namespace = "com..example", alias = "old-name")]
struct First {
    #[avro(rename = "first-name", alias = "given name")]
    name: String,
    größe: i32,
}

#[derive(Avro)]
enum Level {
    #[avro(rename = "very-low")]
    Low,
}

fn main() {}
