use affinity_avro::Avro;

#[derive(Avro)]
struct Matrix {
    row: [i32; 4],
}

fn main() {}
