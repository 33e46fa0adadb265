//! The screening hot path allocates nothing: `Compiled::status` over
//! records already built, and `Compiled::statuses` into a buffer that is
//! reused, counted by an instrumented global allocator; and
//! `Compiled::evaluate` allocates nothing for a decided verdict.

use std::alloc::System;

use rulec::eval::Status;
use rulec::records::from_json_str;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn screening_built_records_allocates_nothing() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let rules = rulec::Rules::load(format!("{root}/nct03473496.rules")).unwrap();
    let program = rules.program();
    let compiled = rules.compiled();
    let text = std::fs::read_to_string(format!("{root}/patients/nct03473496.jsonl")).unwrap();
    let records: Vec<_> = text
        .lines()
        .enumerate()
        .map(|(n, line)| from_json_str(program, line, n + 1).record)
        .collect();
    let index = jiff::civil::date(2026, 1, 15);
    let mut statuses = Vec::with_capacity(records.len());
    // Every status occurs, so every path through the criteria is taken.
    compiled.statuses(&records, index, &mut statuses).unwrap();
    for status in [Status::Eligible, Status::Ineligible, Status::Undetermined] {
        assert!(statuses.contains(&status), "{status:?}");
    }

    let region = Region::new(GLOBAL);
    let mut eligible = 0;
    for record in &records {
        if compiled.status(record, index).unwrap() == Status::Eligible {
            eligible += 1;
        }
    }
    compiled.statuses(&records, index, &mut statuses).unwrap();
    let change = region.change();
    assert_eq!(change.allocations, 0, "{change:?}");
    assert_eq!(change.reallocations, 0, "{change:?}");
    assert!(eligible > 0);

    // A full verdict that is decided allocates nothing: its outcomes are
    // held inline and the criteria's ids are shared with the program.
    // (Kept in this test: the counter is global, and tests run in
    // parallel.) An undetermined one allocates for its missing fields,
    // which shows the counter counts.
    let (mut decided, mut undetermined) = (0, 0);
    for record in &records {
        let region = Region::new(GLOBAL);
        let verdict = compiled.evaluate(record, index).unwrap();
        let change = region.change();
        if verdict.status() == Status::Undetermined {
            undetermined += 1;
            assert!(change.allocations > 0, "{change:?}");
        } else {
            decided += 1;
            assert_eq!(change.allocations, 0, "{change:?}");
        }
        drop(verdict);
    }
    assert!(decided > 0 && undetermined > 0);
}
