use affinity_avro::Avro;

// One lifetime, the input's: a second is an error, and so is a borrow of anything but `str`
// or `[u8]` for it.
#[derive(Avro)]
struct View<'a, 'b> {
    name: std::borrow::Cow<'a, str>,
    other: &'b str,
    text: &'a String,
    list: Vec<std::borrow::Cow<'a, String>>,
}

fn main() {}
