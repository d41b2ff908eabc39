//! Affinity's Avro core in one program.
//!
//! Run it with `cargo run -p example-avro`.

use affinity_avro::{Avro, Schema, decode_value, from_slice, to_vec};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let point: Option<i64> = Some(42);
    let bytes = to_vec(&point);
    println!("schema  {}", <Option<i64>>::schema());
    println!("binary  {bytes:?}");
    let back: Option<i64> = from_slice(&bytes)?;
    println!("decoded {back:?}");
    let dynamic = decode_value(&Schema::parse(r#"["null","long"]"#)?, &bytes)?;
    println!("dynamic {dynamic:?}");
    Ok(())
}
