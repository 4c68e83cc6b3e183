//! Placeholder: replaced by the conformance runner.
fn main() {}
