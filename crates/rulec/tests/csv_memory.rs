//! Reading CSV holds one row at a time, however the input is malformed,
//! as counted by an instrumented global allocator: a row from
//! `/dev/zero`, a quote never closed, a header of 10,000 columns.

#![expect(
    clippy::unwrap_used,
    reason = "a test helper fails the test by panicking, as an assertion would"
)]

use std::alloc::System;
use std::io::Read;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const MIB: usize = 1 << 20;

/// Reads every record of `input`: how many, the bytes allocated in all
/// (a bound on the peak), and the most held between two records.
fn read_all(program: &rulec::check::Program, input: impl Read) -> (usize, usize, usize) {
    let region = Region::new(GLOBAL);
    let held = |region: &Region<'_, System>| {
        let change = region.change();
        change
            .bytes_allocated
            .saturating_sub(change.bytes_deallocated)
    };
    let mut records = 0;
    let mut most = 0;
    for read in rulec::records::from_csv(program, input).unwrap() {
        records += 1;
        drop(read);
        most = most.max(held(&region));
    }
    (records, region.change().bytes_allocated, most)
}

#[test]
fn malformed_csv_is_read_in_bounded_memory() {
    let file = rulec::syntax::parse("fields { kps: integer 0..100, note: text }").unwrap();
    let program = rulec::check::check(&file, &rulec::check::NoImports)
        .program
        .unwrap();

    // 100 MiB of NUL bytes on one line, as from /dev/zero: the row is
    // given up at 64 MiB, having allocated no more.
    let zeros = b"id,kps\nr1,5\n"
        .chain(std::io::repeat(0).take(100 * MIB as u64))
        .chain(&b"\nr3,7\n"[..]);
    let (records, allocated, _) = read_all(&program, zeros);
    assert_eq!(records, 3);
    assert!(allocated < 80 * MIB, "{} MiB", allocated / MIB);

    // A quote opened and never closed, before 20 MiB of rows: given up
    // after 1 MiB; no more than a row is ever held.
    let line = b"a-patient-id,50\n";
    let lines = 20 * MIB / line.len();
    let input = b"id,kps\n\"r1,5\n".chain(std::io::Cursor::new(line.repeat(lines)));
    let (records, _, most) = read_all(&program, input);
    assert_eq!(records, lines + 1);
    assert!(most < 2 * MIB, "{} MiB", most / MIB);

    // 10,000 columns are refused at the header, before any row is read.
    let header = (0..10_000)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",")
        + "\n";
    let region = Region::new(GLOBAL);
    let wide = header.as_bytes().chain(std::io::repeat(b'1'));
    assert!(rulec::records::from_csv(&program, wide).is_err());
    let allocated = region.change().bytes_allocated;
    assert!(allocated < 2 * MIB, "{} MiB", allocated / MIB);
}
