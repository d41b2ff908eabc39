use affinity_avro::Avro;

#[derive(Avro)]
#[avro(doc = "A shape.", alias = "Figure")]
enum Shape {
    #[avro(default)]
    Circle { radius: f64 },
    Square { side: f64 },
}

fn main() {}
