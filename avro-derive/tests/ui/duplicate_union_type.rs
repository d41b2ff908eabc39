use affinity_avro::Avro;

#[derive(Avro)]
enum Message {
    Text(String),
    Note(String),
}

#[derive(Avro)]
enum Number {
    Long(i64),
    Unsigned(u32),
}

fn main() {}
