//! Every code of the UCUM organisation's table of example codes for
//! electronic messaging (`TableOfExampleUcumCodesForElectronicMessaging.xlsx`)
//! parses, through [`Unit::parse_ucum`] (they are UCUM codes) and through
//! [`Unit::parse`] (as a rule file or record would give them).
//!
//! The table lives outside the repository, at `<workspace
//! root>/../shared/ucum/`; where it is absent the test says so and passes
//! (CI has it). It prints `parsed N / total M` and every refused code with
//! the reason: `cargo test -p rulec --test ucum_examples -- --nocapture`.
//!
//! A code may be refused only through [`REFUSED`], with its reason; a
//! listed code that starts parsing fails the test, so the list cannot go
//! stale.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "a test reports a broken fixture by panicking"
)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use calamine::{Data, Reader, Xlsx, open_workbook};
use rulec::units::Unit;

/// Where the table is, relative to the workspace root.
const FILE: &str = "../shared/ucum/TableOfExampleUcumCodesForElectronicMessaging.xlsx";

/// The header of the column of UCUM codes.
const CODE_HEADER: &str = "UCUM_CODE";

/// Codes of the table that rulec refuses, with the reason, and whether
/// only strict UCUM refuses them.
const REFUSED: &[(&str, &str, Strictness)] = &[
    (
        "[pH]",
        "a logarithmic special unit, refused by design (docs/units.md): record pH as a plain number",
        Strictness::Both,
    ),
    (
        "dB",
        "a logarithmic special unit, refused by design (docs/units.md)",
        Strictness::Both,
    ),
    (
        "Torr",
        "not a UCUM unit: UCUM 2.2's tables (ucum-essence.xml) define no `Torr`; the table lists it beside `mm[Hg]`, which is what to write",
        Strictness::Both,
    ),
    (
        "U/(10.g){feces}",
        "an annotation after a parenthesis, which UCUM's grammar does not allow (it annotates symbols); `Unit::parse` reads it inside the group",
        Strictness::StrictOnly,
    ),
    (
        "g/(8.h){shift}",
        "an annotation after a parenthesis (as above)",
        Strictness::StrictOnly,
    ),
    (
        "g/kg/(8.h){shift}",
        "an annotation after a parenthesis (as above)",
        Strictness::StrictOnly,
    ),
];

/// Which parsers refuse a code of [`REFUSED`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strictness {
    /// `Unit::parse_ucum` and `Unit::parse`.
    Both,
    /// `Unit::parse_ucum` only.
    StrictOnly,
}

/// The codes in the table's UCUM code column, in row order, or `None` if
/// the table is absent.
fn codes() -> Option<Vec<String>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(FILE);
    if !path.exists() {
        eprintln!(
            "skipped: {FILE} not found (it exists in CI); looked for {}",
            path.display()
        );
        return None;
    }
    let mut workbook: Xlsx<_> = open_workbook(&path).expect("the table is a readable .xlsx");
    let sheet = workbook
        .worksheet_range_at(0)
        .expect("the table has a sheet")
        .expect("the first sheet reads");
    // A copyright notice comes first; the header row is the one that
    // names the code column.
    let mut rows = sheet.rows();
    let column = rows
        .by_ref()
        .find_map(|row| {
            row.iter()
                .position(|cell| cell.to_string().trim() == CODE_HEADER)
        })
        .unwrap_or_else(|| panic!("no row names a `{CODE_HEADER}` column"));
    let codes = rows
        .filter_map(|row| row.get(column))
        .filter(|cell| !matches!(cell, Data::Empty))
        .map(|cell| cell.to_string().trim().to_owned())
        .filter(|code| !code.is_empty())
        .collect();
    Some(codes)
}

/// Parses every code with `parse`, prints the counts and the refused codes
/// under `name`, and fails if the refused codes are not exactly
/// [`REFUSED`].
fn check(name: &str, parse: fn(&str) -> Result<Unit, rulec::units::UnitError>, strict: bool) {
    let Some(codes) = codes() else {
        return;
    };
    let expected: Vec<(&str, &str)> = REFUSED
        .iter()
        .filter(|(_, _, which)| strict || *which == Strictness::Both)
        .map(|(code, why, _)| (*code, *why))
        .collect();
    let mut refused: BTreeMap<&str, String> = BTreeMap::new();
    for code in &codes {
        if let Err(e) = parse(code) {
            refused.insert(code, e.to_string());
        }
    }
    let total = codes.len();
    println!(
        "{name}: parsed {} / total {total}",
        total
            - codes
                .iter()
                .filter(|c| refused.contains_key(c.as_str()))
                .count()
    );
    for (code, reason) in &refused {
        let listed = expected
            .iter()
            .find(|(c, _)| c == code)
            .map_or("NOT LISTED", |(_, why)| why);
        println!("  refused `{code}`: {reason} ({listed})");
    }
    assert!(
        total > 800,
        "the table has {total} codes; expected over 800"
    );
    let unexpected: Vec<&&str> = refused
        .keys()
        .filter(|code| !expected.iter().any(|(c, _)| c == *code))
        .collect();
    assert!(unexpected.is_empty(), "{name} refuses {unexpected:?}");
    let stale: Vec<&str> = expected
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| codes.iter().any(|code| code == c) && !refused.contains_key(c))
        .collect();
    assert!(
        stale.is_empty(),
        "{name} now parses {stale:?}: remove from REFUSED"
    );
}

#[test]
fn every_example_code_parses_as_strict_ucum() {
    check("Unit::parse_ucum", Unit::parse_ucum, true);
}

#[test]
fn every_example_code_parses_as_written_in_a_rule() {
    check("Unit::parse", Unit::parse, false);
}

/// rulec's spellings never change what a UCUM code means: every code that
/// parses as strict UCUM reads as exactly the same unit through
/// `Unit::parse`.
#[test]
fn spellings_leave_every_example_code_as_ucum_reads_it() {
    let Some(codes) = codes() else {
        return;
    };
    let mut changed = Vec::new();
    for code in &codes {
        let (Ok(strict), Ok(read)) = (Unit::parse_ucum(code), Unit::parse(code)) else {
            continue;
        };
        let same = read.conversion_to(&strict).is_ok_and(|c| c.is_identity());
        if !same || read.ucum() != code {
            changed.push(format!("`{code}` read as `{}`", read.ucum()));
        }
    }
    assert!(
        changed.is_empty(),
        "spellings change UCUM codes: {changed:#?}"
    );
}
