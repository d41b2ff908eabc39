use affinity_avro::Avro;

#[derive(Avro)]
struct Big {
    balance: i128,
}

fn main() {}
