//! placeholder, replaced by the patients generator
fn main() {}
