use affinity_avro::Avro;

#[derive(Avro)]
#[avro(namspace = "com.example")]
struct Point {
    #[avro(renam = "x_coord")]
    x: i64,
}

#[derive(Avro)]
enum Color {
    #[avro(skip)]
    Red,
    Green,
}

fn main() {}
