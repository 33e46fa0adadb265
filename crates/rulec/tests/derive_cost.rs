//! What writing a derived struct costs, counted rather than timed: a
//! write over a reused record allocates nothing when every value passes,
//! and a new record is one allocation (its words). Counted by an
//! instrumented global allocator, so this is a file of its own.

use std::alloc::System;

use rulec::records::{Bound, Ranged};
use rulec_derive::Record;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The count is global to the process: the tests take turns.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The seed trial's scalar fields as a Rust program would hold them:
/// quantities in other units than the rules', an integer, flags known and
/// not.
#[derive(Clone, Record)]
struct Seed {
    #[rulec(unit = "a")]
    life_expectancy: f64,
    kps: i64,
    #[rulec(unit = "g/dL")]
    hemoglobin: f64,
    #[rulec(unit = "%")]
    ejection_fraction: f64,
    #[rulec(unit = "%")]
    spo2: Option<f64>,
    #[rulec(unit = "mg/dL")]
    creatinine: Ranged,
    #[rulec(unit = "U/L")]
    alt: Option<Ranged>,
    #[rulec(unit = "umol/L")]
    bilirubin: f64,
    #[rulec(unit = "Cel")]
    body_temperature: f64,
    #[rulec(unit = "d")]
    neutropenia: Option<f64>,
    gvhd_grade: Option<i64>,
    mrd_positive: bool,
    high_tumour_burden: bool,
    ecg_abnormal: Option<bool>,
    active_infection: bool,
    allogeneic_transplant: bool,
    pregnant: Option<bool>,
    lactating: bool,
    apheresis_contraindicated: bool,
    expert_group_benefit: bool,
    harmful_condition: bool,
    informed_consent: Option<bool>,
}

fn patients() -> Vec<Seed> {
    (0..16_u32)
        .map(|i| {
            let x = f64::from(i);
            Seed {
                life_expectancy: 0.5 + x / 10.0,
                kps: 60 + i64::from(i),
                hemoglobin: 8.0 + x / 4.0,
                ejection_fraction: 50.0 + x,
                spo2: (i % 3 != 0).then_some(95.0),
                creatinine: Ranged {
                    value: 0.8 + x / 20.0,
                    low: Some(0.6),
                    high: (i % 2 == 0).then_some(1.2),
                },
                alt: (i % 4 != 0).then_some(Ranged {
                    value: 30.0 + x,
                    low: None,
                    high: Some(40.0),
                }),
                bilirubin: 5.0 + x,
                body_temperature: 36.5 + x / 10.0,
                neutropenia: (i % 5 == 0).then_some(x),
                gvhd_grade: (i % 2 == 1).then_some(i64::from(i % 5)),
                mrd_positive: i % 2 == 0,
                high_tumour_burden: i % 7 == 0,
                ecg_abnormal: (i % 3 != 1).then_some(i % 2 == 0),
                active_infection: false,
                allogeneic_transplant: i % 6 == 0,
                pregnant: (i % 2 == 0).then_some(false),
                lactating: false,
                apheresis_contraindicated: false,
                expert_group_benefit: true,
                harmful_condition: false,
                informed_consent: (i % 8 != 0).then_some(true),
            }
        })
        .collect()
}

/// Writing over a reused record stores values and nothing else: no
/// allocation for the errors (none), the handles or the flags. The seed's
/// rules have a `list of` (therapies), which a `Seed` does not bind.
#[test]
fn writing_over_a_reused_record_allocates_nothing() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let rules = rulec::Rules::load(format!("{root}/nct03473496.rules")).unwrap();
    let program = rules.program();
    let bound = Bound::<Seed>::new(program).unwrap();
    let patients = patients();
    let mut record = bound.empty();
    let mut expected = Vec::new();
    for p in &patients {
        assert!(bound.write(p, &mut record).is_empty());
        expected.push(bound.record(p).unwrap());
    }

    let region = Region::new(GLOBAL);
    let mut written = 0;
    for p in &patients {
        written += usize::from(bound.write(p, &mut record).is_empty());
    }
    let change = region.change();
    assert_eq!(change.allocations, 0, "{change:?}");
    assert_eq!(change.reallocations, 0, "{change:?}");
    assert_eq!(written, patients.len());

    // And each write gives the record a new one would hold.
    for (p, e) in patients.iter().zip(&expected) {
        assert!(bound.write(p, &mut record).is_empty());
        assert_eq!(&record, e);
    }
}

/// A new record of a schema held wholly in words (no text, lists or large
/// sets) is one allocation: its words.
#[test]
fn a_new_record_is_one_allocation() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let source = std::fs::read_to_string(format!("{root}/nct03473496.rules")).unwrap();
    // The seed's fields without its one `list of`.
    let source = source
        .lines()
        .filter(|l| !l.trim_start().starts_with("therapies:"))
        .collect::<Vec<_>>()
        .join("\n");
    let fields_end = source.find("define age").unwrap();
    let fields = source.get(..fields_end).unwrap();
    let file = rulec::syntax::parse(fields).unwrap();
    let program = rulec::check::check(&file, &rulec::check::NoImports)
        .program
        .unwrap();
    let bound = Bound::<Seed>::new(&program).unwrap();
    let patients = patients();
    let _ = bound.record(&patients[0]).unwrap();

    let region = Region::new(GLOBAL);
    let records: Vec<_> = patients.iter().map(|p| bound.record(p).unwrap()).collect();
    let change = region.change();
    // One for each record, one for the vector holding them.
    assert_eq!(change.allocations, patients.len() + 1, "{change:?}");
    assert_eq!(records.len(), patients.len());
}
