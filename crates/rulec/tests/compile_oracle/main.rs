//! The compiled closures against the reference evaluator, the oracle: on
//! generated rule files over a small generated schema, and generated
//! records (missing fields, values at and either side of thresholds
//! written in other units, absent and empty lists, calendar edges), the
//! two give the same verdict — every criterion's outcome, the status and
//! the missing fields.
//!
//! Plus plain tests: the seed trial compiles and agrees on hand-made
//! records; a record built for another schema is refused.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail the test by panicking, as an assertion would"
)]

use jiff::ToSpan;
use jiff::civil::{Date, date};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use rulec::check::{NoImports, Program, check};
use rulec::compile::{Compiled, SchemaMismatch, compile};
use rulec::eval::{Status, evaluate};
use rulec::schema::{FieldType, FieldValue, Record, Schema};
use rulec::syntax::parse;

// ─── Rule files ─────────────────────────────────────────────────────────

/// The checked program of a source, or `None` when it does not check.
fn checked(source: &str) -> Option<Program> {
    check(&parse(source).ok()?, &NoImports).program
}

mod generate;

use generate::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// On every generated program that checks and every generated record:
    /// the same outcomes, status and missing fields; and the fast path's
    /// status is the same too.
    #[test]
    fn compiled_closures_agree_with_the_reference_evaluator(
        source in source(),
        records in prop::collection::vec(record(), 1..10),
    ) {
        // Sources that do not check are skipped; `most_generated_sources_check`
        // keeps them few.
        let Some(program) = checked(&source) else {
            return Ok(());
        };
        let compiled = compile(&program);
        for g in &records {
            let record = build(&program, g);
            let want = evaluate(&program, &record, g.index);
            let got = compiled.evaluate(&record, g.index).unwrap();
            prop_assert_eq!(compiled.status(&record, g.index).unwrap(), want.status());
            prop_assert_eq!(
                &got,
                &want,
                "\n--- source:\n{}\n--- record: {:?}\n--- index: {}",
                source,
                record,
                g.index
            );
        }
    }
}

/// The generator is worth its cases only if what it writes checks: at
/// least nine sources in ten must.
#[test]
fn most_generated_sources_check() {
    let mut runner = TestRunner::deterministic();
    let strategy = source();
    let total = 300;
    let mut failures = Vec::new();
    for _ in 0..total {
        let source = strategy.new_tree(&mut runner).unwrap().current();
        let file = parse(&source).unwrap_or_else(|e| panic!("{e}\n{source}"));
        let result = check(&file, &NoImports);
        if result.program.is_none() {
            failures.push(
                result
                    .errors()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
    }
    assert!(
        failures.len() * 10 <= total,
        "{} of {total} generated sources do not check, such as: {:#?}",
        failures.len(),
        &failures[..failures.len().min(10)]
    );
}

// ─── Plain tests ────────────────────────────────────────────────────────

fn program(source: &str) -> Program {
    let file = parse(source).unwrap();
    let result = check(&file, &NoImports);
    result
        .program
        .unwrap_or_else(|| panic!("{:?}", result.diagnostics))
}

/// The seed trial compiles, and its compiled form agrees with the
/// reference on an empty record, a complete eligible one and one that a
/// single value makes ineligible.
#[test]
fn the_seed_trial_compiles_and_agrees() {
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/nct03473496.rules"
    ))
    .unwrap();
    let p = program(&source);
    let compiled = compile(&p);
    let index = date(2026, 11, 24);

    let empty = Record::new(&p.schema);
    let verdict = compiled.evaluate(&empty, index).unwrap();
    assert_eq!(verdict, evaluate(&p, &empty, index));
    assert_eq!(verdict.status(), Status::Undetermined);
    assert!(verdict.missing().contains(&"hemoglobin"));

    let mut r = Record::new(&p.schema);
    let s = &p.schema;
    let member = |field: &str, name: &str| match &s.field(s.slot(field).unwrap()).unwrap().ty {
        FieldType::OneOf(ms) | FieldType::SetOf(ms) => {
            u32::try_from(ms.iter().position(|m| m == name).unwrap()).unwrap()
        }
        other => panic!("{other:?}"),
    };
    let q = |value| FieldValue::Quantity {
        value,
        low: None,
        high: None,
    };
    let ranged = |value, high| FieldValue::Quantity {
        value,
        low: None,
        high: Some(high),
    };
    let values = [
        ("birth_date", FieldValue::Date(date(1960, 5, 1))),
        ("sex", FieldValue::Member(member("sex", "male"))),
        (
            "diagnosis",
            FieldValue::Members(vec![member("diagnosis", "rrmm")]),
        ),
        (
            "markers",
            FieldValue::Members(vec![member("markers", "BCMA")]),
        ),
        ("mrd_positive", FieldValue::Bool(true)),
        ("high_tumour_burden", FieldValue::Bool(false)),
        ("life_expectancy", q(12.0)),
        ("kps", FieldValue::Number(80.0)),
        ("hemoglobin", q(95.0)),
        ("ejection_fraction", q(60.0)),
        ("ecg_abnormal", FieldValue::Bool(false)),
        ("spo2", q(97.0)),
        ("creatinine", ranged(90.0, 88.0)),
        ("alt", ranged(30.0, 40.0)),
        ("ast", ranged(30.0, 40.0)),
        ("bilirubin", q(1.0)),
        ("organ_insufficiency", FieldValue::Members(Vec::new())),
        ("body_temperature", q(36.8)),
        ("active_infection", FieldValue::Bool(false)),
        ("neutropenia", q(0.0)),
        ("uncontrolled_infections", FieldValue::Members(Vec::new())),
        ("positive_serologies", FieldValue::Members(Vec::new())),
        ("therapies", FieldValue::List(Vec::new())),
        ("allogeneic_transplant", FieldValue::Bool(false)),
        ("apheresis_contraindicated", FieldValue::Bool(false)),
        ("expert_group_benefit", FieldValue::Bool(true)),
        ("harmful_condition", FieldValue::Bool(false)),
        ("informed_consent", FieldValue::Bool(true)),
    ];
    for (name, value) in values {
        r.set(name, value).unwrap();
    }
    let verdict = compiled.evaluate(&r, index).unwrap();
    assert_eq!(verdict, evaluate(&p, &r, index));
    assert_eq!(verdict.status(), Status::Eligible, "{verdict:#?}");

    // 80 g/L is not > 80 g/L.
    r.set("hemoglobin", q(80.0)).unwrap();
    let verdict = compiled.evaluate(&r, index).unwrap();
    assert_eq!(verdict, evaluate(&p, &r, index));
    assert_eq!(verdict.status(), Status::Ineligible);
}

/// A record built for another schema is refused, naming the field that
/// gives it away; one of the same schema built separately is accepted.
#[test]
fn a_record_of_another_schema_is_refused() {
    let ours = program(
        "fields { hb: g/L, pregnant: bool, events: list of { kind: one of { a, b } } }
         inclusion { hb_ok: hb > 80 g/L }",
    );
    let theirs = program(
        "fields { hb: g/L, visit: date, extra: bool }
         inclusion { seen: visit < index and extra }",
    );
    let compiled = compile(&ours);
    let index = date(2026, 11, 24);

    let mut foreign = Record::new(&theirs.schema);
    foreign.set("visit", FieldValue::Date(index)).unwrap();
    assert_eq!(
        compiled.evaluate(&foreign, index),
        Err(SchemaMismatch::OtherSchema)
    );
    let error = compiled.evaluate(&foreign, index).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the record was not built for this program: it was made for other fields"
    );

    // Fields of the same kinds under other names are another schema too.
    let renamed = program(
        "fields { haemoglobin: g/L, pregnant: bool, events: list of { kind: one of { a, b } } }
         inclusion { hb_ok: haemoglobin > 80 g/L }",
    );
    assert_eq!(
        compiled.evaluate(&Record::new(&renamed.schema), index),
        Err(SchemaMismatch::OtherSchema)
    );

    // A record with more slots than the schema has fields.
    let wider = program(
        "fields { hb: g/L, pregnant: bool, events: list of { kind: one of { a, b } }, extra: bool }
         inclusion { extra_ok: extra }",
    );
    let mut longer = Record::new(&wider.schema);
    longer.set("extra", FieldValue::Bool(true)).unwrap();
    assert_eq!(
        compiled.evaluate(&longer, index),
        Err(SchemaMismatch::OtherSchema)
    );

    // Inside a list element: an element of another schema.
    let mut record = Record::new(&ours.schema);
    let mut element = Record::new(&theirs.schema);
    element.set("visit", FieldValue::Date(index)).unwrap();
    // Refused when it is put in the list, before any evaluation.
    let error = record
        .set(
            "events",
            FieldValue::List(vec![Record::new(&theirs.schema), element]),
        )
        .unwrap_err();
    assert_eq!(error.field, "events");
    assert_eq!(compiled.evaluate(&record, index).map(|_| ()), Ok(()));

    // A record of our own schema, built independently, is accepted.
    let mut own = Record::new(&ours.schema);
    own.set(
        "hb",
        FieldValue::Quantity {
            value: 90.0,
            low: None,
            high: None,
        },
    )
    .unwrap();
    assert_eq!(
        compiled.evaluate(&own, index).unwrap(),
        evaluate(&ours, &own, index)
    );
}

/// `evaluate` through a shared reference from several threads at once.
#[test]
fn a_compiled_program_is_shared_across_threads() {
    let p = program("fields { hb: g/L } inclusion { hb_ok: hb > 8 g/dL }");
    let compiled = std::sync::Arc::new(compile(&p));
    let handles: Vec<_> = [70.0, 80.0, 90.0]
        .into_iter()
        .map(|value| {
            let compiled = std::sync::Arc::clone(&compiled);
            let schema = p.schema.clone();
            std::thread::spawn(move || {
                let mut r = Record::new(&schema);
                r.set(
                    "hb",
                    FieldValue::Quantity {
                        value,
                        low: None,
                        high: None,
                    },
                )
                .unwrap();
                compiled.evaluate(&r, date(2026, 1, 1)).unwrap().status()
            })
        })
        .collect();
    let statuses: Vec<Status> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        statuses,
        [Status::Ineligible, Status::Ineligible, Status::Eligible]
    );
}

/// Chains of `or` and `and` over flags, some negated, are compiled to one
/// closure: every combination of true, false and missing gives the
/// reference verdict, outcomes and missing fields included.
#[test]
fn flag_chains_agree_with_the_reference_on_every_combination() {
    let program = program(
        "fields { a: bool, b: bool, c: bool, d: bool }\n\
         inclusion {\n\
           any_of:  a or b or not c\n\
           all_of:  a and not b and c\n\
           nested:  (a or b) and (c or not d)\n\
         }\n\
         exclusion {\n\
           either:  not a or d\n\
           both:    b and c and d\n\
         }",
    );
    let compiled = compile(&program);
    let index = date(2026, 1, 15);
    let values = [Some(true), Some(false), None];
    let mut seen = std::collections::HashSet::new();
    for a in values {
        for b in values {
            for c in values {
                for d in values {
                    let mut record = Record::new(&program.schema);
                    for (name, value) in [("a", a), ("b", b), ("c", c), ("d", d)] {
                        if let Some(v) = value {
                            record.set(name, FieldValue::Bool(v)).unwrap();
                        }
                    }
                    let reference = evaluate(&program, &record, index);
                    let fast = compiled.evaluate(&record, index).unwrap();
                    assert_eq!(fast, reference, "a={a:?} b={b:?} c={c:?} d={d:?}");
                    assert_eq!(compiled.status(&record, index).unwrap(), reference.status());
                    seen.insert(reference.status());
                }
            }
        }
    }
    assert_eq!(seen.len(), 3, "every status occurs");
}

/// The status fast path decides flags, thresholds and chains of them with
/// masks (`compile/plan/`), and full verdicts read those criteria's
/// outcomes from the same plan: each shape, alone in an inclusion and in
/// an exclusion, gives the reference status and verdict for every
/// combination of values at, around and without the thresholds.
#[test]
fn planned_criteria_give_the_reference_status_on_every_combination() {
    let conditions = [
        "a",
        "not a",
        "x > 5",
        "not (x > 5)",
        "5 < x",
        "x = 5",
        "x != 5",
        "x <= 5 and a",
        "a or x >= 5",
        "not (a or x >= 5)",
        "a and not (b or x <= 5)",
        "not (not a and not b)",
        "x > 4 and x < 6 and not b",
        "x < 2 * z",
        "x * 1 >= z * 2",
        "y < 3 x ULN",
        "y >= 0.5 x LLN or b",
        "y > 0.01 g/dL",
        "(a or b) and x > 5",
        "a or (b and x > 5)",
        "not ((a or x > 5) and (b or y < 3 x ULN))",
        "(a and b) or (not a and x = 5) or z < 3",
    ];
    let values = [Some(true), Some(false), None];
    let numbers = [None, Some(4.0), Some(5.0), Some(6.0)];
    // A quantity with its reference range: value, low, high.
    type Ranged = (f64, Option<f64>, Option<f64>);
    let ys: [Option<Ranged>; 5] = [
        None,
        Some((50.0, Some(100.0), None)),
        Some((50.0, Some(20.0), Some(40.0))),
        Some((50.0, Some(120.0), Some(200.0))),
        Some((500.0, Some(10.0), Some(100.0))),
    ];
    let mut checked = 0;
    for condition in conditions {
        for section in ["inclusion", "exclusion"] {
            let program = program(&format!(
                "fields {{ a: bool, b: bool, x: number, z: number, y: mg/L with normal range }}\n\
                 {section} {{ c: {condition} }}"
            ));
            let compiled = compile(&program);
            let mut seen = std::collections::HashSet::new();
            for a in values {
                for b in values {
                    for x in numbers {
                        for z in [None, Some(2.5), Some(3.0)] {
                            for y in ys {
                                let record = record_of(
                                    &program,
                                    [
                                        ("a", a.map(FieldValue::Bool)),
                                        ("b", b.map(FieldValue::Bool)),
                                        ("x", x.map(FieldValue::Number)),
                                        ("z", z.map(FieldValue::Number)),
                                        (
                                            "y",
                                            y.map(|(value, low, high)| FieldValue::Quantity {
                                                value,
                                                low,
                                                high,
                                            }),
                                        ),
                                    ],
                                );
                                let label = format!("{section} {condition}");
                                seen.insert(same_status(&program, &compiled, &record, &label));
                                checked += 1;
                            }
                        }
                    }
                }
            }
            assert_eq!(seen.len(), 3, "{section} {condition}: every status occurs");
        }
    }
    assert_eq!(checked, conditions.len() * 2 * 3 * 3 * 4 * 3 * 5);
}

/// Asserts that the fast path's status of `record` is the reference's,
/// and the full verdict too (planned criteria give their outcomes from the
/// same plan), and gives the status.
fn same_status(program: &Program, compiled: &Compiled, record: &Record, label: &str) -> Status {
    let index = date(2026, 1, 15);
    let reference = evaluate(program, record, index);
    assert_eq!(
        compiled.status(record, index).unwrap(),
        reference.status(),
        "{label}: {record:?}"
    );
    assert_eq!(
        compiled.evaluate(record, index).unwrap(),
        reference,
        "{label}: {record:?}"
    );
    reference.status()
}

/// A program with more `bool` fields than a verdict's bit space holds
/// leaves every criterion to its closure: the verdicts stay the
/// reference's.
#[test]
fn verdicts_of_programs_with_many_flags_agree_with_the_reference() {
    let names: Vec<String> = (0..300).map(|i| format!("f{i}")).collect();
    let fields: Vec<String> = names.iter().map(|n| format!("{n}: bool")).collect();
    let program = program(&format!(
        "fields {{ {}, x: number }}\n\
         inclusion {{ first: f0 and not f299\n last: f299 or x > 5 }}\n\
         exclusion {{ mid: f150 and (f1 or x < 2) }}",
        fields.join(", ")
    ));
    let compiled = compile(&program);
    let values = [Some(true), Some(false), None];
    let mut seen = std::collections::HashSet::new();
    for f0 in values {
        for f299 in values {
            for f150 in values {
                for x in [None, Some(1.0), Some(6.0)] {
                    let record = record_of(
                        &program,
                        [
                            ("f0", f0.map(FieldValue::Bool)),
                            ("f299", f299.map(FieldValue::Bool)),
                            ("f150", f150.map(FieldValue::Bool)),
                            ("f1", Some(FieldValue::Bool(true))),
                            ("x", x.map(FieldValue::Number)),
                        ],
                    );
                    seen.insert(same_status(&program, &compiled, &record, "many flags"));
                }
            }
        }
    }
    assert_eq!(seen.len(), 3, "every status occurs");
}

/// A record of `program` with the values given, the `None`s missing.
fn record_of<const N: usize>(program: &Program, values: [(&str, Option<FieldValue>); N]) -> Record {
    let mut record = Record::new(&program.schema);
    for (name, value) in values {
        if let Some(value) = value {
            record.set(name, value).unwrap();
        }
    }
    record
}

/// Member, set and `is known` tests in the plan (tests of one word of the
/// record): each shape, alone in either section, gives the reference status
/// for every combination of values, missing ones included.
#[test]
fn planned_member_and_set_tests_give_the_reference_status() {
    let conditions = [
        "e = p",
        "e != p",
        "e in { p, q }",
        "not (e in { p, q })",
        "s has p",
        "s has any of { p, q }",
        "s has all of { p, q }",
        "x is known",
        "x is missing",
        "a is known",
        "e is missing or s has q",
        "not (e in { q } and a)",
        "s is known and x > 5",
        "e = r or (s has r and a)",
    ];
    let sets: [Option<Vec<u32>>; 4] = [None, Some(vec![]), Some(vec![0]), Some(vec![0, 1])];
    let mut checked = 0;
    for condition in conditions {
        for section in ["inclusion", "exclusion"] {
            let program = program(&format!(
                "fields {{ a: bool, x: number, e: one of {{ p, q, r }}, s: set of {{ p, q, r }} }}\n\
                 {section} {{ c: {condition} }}"
            ));
            let compiled = compile(&program);
            let mut seen = std::collections::HashSet::new();
            for a in [Some(true), Some(false), None] {
                for x in [None, Some(4.0), Some(6.0)] {
                    for e in [None, Some(0), Some(1), Some(2)] {
                        for s in &sets {
                            let record = record_of(
                                &program,
                                [
                                    ("a", a.map(FieldValue::Bool)),
                                    ("x", x.map(FieldValue::Number)),
                                    ("e", e.map(FieldValue::Member)),
                                    ("s", s.clone().map(FieldValue::Members)),
                                ],
                            );
                            let label = format!("{section} {condition}");
                            seen.insert(same_status(&program, &compiled, &record, &label));
                            checked += 1;
                        }
                    }
                }
            }
            assert!(seen.len() >= 2, "{section} {condition}: {seen:?}");
        }
    }
    assert_eq!(checked, conditions.len() * 2 * 3 * 3 * 4 * 4);
}
