use affinity_avro::Avro;

#[derive(Avro)]
#[avro(name = Point, name = "P")]
#[avro]
struct Point {
    #[avro(rename)]
    x: i64,
    #[avro(skip = "yes")]
    y: i64,
    #[avro(rename = "z", rename = "zed")]
    z: i64,
}

fn main() {}
