//! The front end's work, counted rather than timed (timings depend on the
//! machine and its load; counts do not): how many calls pest makes to
//! parse a rule file, per byte, and how many blocks checking it allocates,
//! per criterion. The generated file is the one the `front`
//! benchmark reads, 14 kinds of criterion over the seed trial's fields.
//!
//! pest's own call limit and an instrumented allocator do the counting,
//! so these tests are a file of their own: both are global to the process,
//! and nothing else may run while they count.

use std::alloc::System;
use std::num::NonZeroUsize;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Both counts are global to the process: the tests take turns.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[path = "shared/many_criteria.rs"]
mod shared;
use shared::many_criteria;

/// The fewest pest calls (rules, sequences, repetitions, lookaheads) that
/// parse `source`: the smallest call limit under which it parses.
fn pest_calls(source: &str) -> usize {
    assert!(rulec::syntax::parse(source).is_ok());
    let (mut low, mut high) = (1_usize, 1_usize << 34);
    while low < high {
        let mid = low + (high - low) / 2;
        pest::set_call_limit(NonZeroUsize::new(mid));
        if rulec::syntax::parse(source).is_ok() {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    pest::set_call_limit(None);
    low
}

/// The grammar tries its alternatives in an order and behind cheap
/// lookaheads that spare pest most failed attempts (`grammar/rules.pest`:
/// `primary`, `test`, `string_inner`, `literal`'s `unit_start`), and skips
/// whitespace in few calls (`WHITESPACE`): 4.1 calls a byte on this file,
/// where it took 8.2, then 6.0. A change that brings failed attempts back
/// shows here.
#[test]
fn parsing_takes_few_pest_calls_per_byte() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let source = many_criteria(1_400);
    let calls = pest_calls(&source);
    #[expect(clippy::cast_precision_loss, reason = "a ratio for a message")]
    let per_byte = calls as f64 / source.len() as f64;
    eprintln!(
        "{calls} pest calls for {} bytes: {per_byte:.1} a byte",
        source.len()
    );
    assert!(per_byte <= 4.3, "{per_byte:.1} pest calls a byte");
}

/// What pest spends on one more criterion of a kind, in calls: a block of
/// 101 such criteria less a block of one, over 100 (so the file around
/// them does not count).
fn calls_per_criterion(criterion: &str) -> usize {
    let block = |n: usize| format!("inclusion {{\n{}}}\n", format!("  {criterion}\n").repeat(n));
    (pest_calls(&block(101)) - pest_calls(&block(1))) / 100
}

/// The commonest shapes of criterion, each bounded on its own, so that a
/// regression shows where it is: whitespace between tokens (every
/// criterion), a bare name, a number without a unit (tried as a unit only
/// behind `unit_start`), a quantity, a multiple of the upper limit and
/// `and`. Each took some 40 to 85 calls more before `WHITESPACE` took a
/// line break and its indent in one try and `unit_start` spared a number's
/// failed unit: 143, 234, 262, 206 and 241, now 103, 149, 202, 156, 175.
#[test]
fn each_kind_of_criterion_takes_few_pest_calls() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for (criterion, bound) in [
        ("c1: x", 105),
        ("c1 \"a label\": x", 120),
        ("c1: x > 60", 152),
        ("c1: x > 60 g/L", 205),
        ("c1: x < 3 x ULN", 160),
        ("c1: x and y", 178),
    ] {
        let calls = calls_per_criterion(criterion);
        eprintln!("{calls} pest calls for `{criterion}`");
        assert!(
            calls <= bound,
            "`{criterion}`: {calls} pest calls, more than {bound}"
        );
    }
}

/// Checking reads each unit once (a file writes the same few again and
/// again) and names the value a criterion bounds only when it has a
/// message to put it in: 21.3 blocks a criterion on this file, where it
/// took 26.8.
#[test]
fn checking_allocates_little_per_criterion() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let n = 1_400;
    let file = rulec::syntax::parse(&many_criteria(n)).unwrap();
    let region = Region::new(GLOBAL);
    let checked = rulec::check::check(&file, &rulec::check::NoImports);
    let allocations = region.change().allocations;
    assert!(checked.program.is_some());
    #[expect(clippy::cast_precision_loss, reason = "a ratio for a message")]
    let per_criterion = allocations as f64 / n as f64;
    eprintln!("{allocations} blocks for {n} criteria: {per_criterion:.1} a criterion");
    assert!(
        per_criterion <= 23.0,
        "{per_criterion:.1} blocks a criterion"
    );
}
