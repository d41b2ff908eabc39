use affinity_avro::Avro;

#[derive(Avro)]
enum Status {
    #[avro(default)]
    Active,
    #[avro(default, alias = "Gone")]
    Deleted,
    #[avro(rename = "Active")]
    Enabled,
}

fn main() {}
