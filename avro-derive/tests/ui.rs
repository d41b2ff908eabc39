//! Every compile error of `#[derive(Avro)]`, with its exact message and span.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
