use affinity_avro::Avro;

struct NotAvro;

#[derive(Avro)]
struct Holder {
    inner: NotAvro,
}

fn main() {}
