use affinity_avro::Avro;

#[derive(Avro)]
struct Pixel {
    red: Option<u8>,
}

fn main() {}
