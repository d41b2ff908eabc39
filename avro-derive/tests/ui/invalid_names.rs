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

#[derive(Avro)]
#[avro(name = "string")]
struct Text {
    value: String,
}

#[derive(Avro)]
enum Value {
    #[allow(non_camel_case_types)]
    long { value: i64 },
}

fn main() {}
