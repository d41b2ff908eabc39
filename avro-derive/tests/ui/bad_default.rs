use affinity_avro::Avro;

#[derive(Avro)]
struct Settings {
    #[avro(default = "{\"retries\": 3")]
    limits: String,
    #[avro(default = "5")]
    timeout: Option<i64>,
}

fn main() {}
