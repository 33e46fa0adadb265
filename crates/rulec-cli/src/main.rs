//! The `rulec` command.
fn main() {}
