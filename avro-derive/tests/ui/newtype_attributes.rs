use affinity_avro::Avro;

#[derive(Avro)]
#[avro(namespace = "com.example")]
struct UserId(i64);

#[derive(Avro)]
struct Email(#[avro(rename = "address")] String);

#[derive(Avro)]
enum Contact {
    #[avro(rename = "Mail")]
    Email(String),
    Phone { number: String },
}

fn main() {}
