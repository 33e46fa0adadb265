//! Reads Bulk Data NDJSON the way `rulec eval` does before screening (the
//! index, then each patient's resources), screening nothing: the read
//! layer's own cost and memory, which scripts/bench-fhir measures beside
//! `rulec eval` on the same files.
//!
//! ```sh
//! cargo run --release -p rulec --example bulk_read -- examples/patients/fhir
//! ```

use std::error::Error;
use std::time::Instant;

/// The process's peak resident memory, from /proc (Linux), in kB.
fn peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args().nth(1).ok_or("bulk_read PATH")?;
    let start = Instant::now();
    let bulk = rulec::fhir::Bulk::open(&[path.into()])?;
    let indexed = start.elapsed();
    let (mut patients, mut resources) = (0_usize, 0_usize);
    for group in bulk.patients() {
        patients += 1;
        resources += group.resources.len();
    }
    println!(
        "{patients} patients, {resources} resources: index {:.2} s, read {:.2} s, peak {} kB",
        indexed.as_secs_f64(),
        (start.elapsed() - indexed).as_secs_f64(),
        peak_kb().map_or_else(|| "?".to_owned(), |kb| kb.to_string())
    );
    Ok(())
}
