use affinity_avro::Avro;

#[derive(Avro)]
#[avro(fixed)]
struct Words([u16; 4]);

#[derive(Avro)]
#[avro(fixed)]
struct Record {
    bytes: [u8; 4],
}

fn main() {}
