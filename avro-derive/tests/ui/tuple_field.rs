use affinity_avro::Avro;

#[derive(Avro)]
struct Segment {
    ends: (i32, i32),
}

fn main() {}
