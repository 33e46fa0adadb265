//! Records are held packed (flags as bits, scalars in words, sentinels for
//! missing): every kind of value comes back from `Record::get` as it was
//! set, at the edges of its range too, and the kinds held outside the
//! words (text, lists, sets of more than 63 members) evaluate as the
//! others do, compiled and by the reference.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking, as an assertion would"
)]

use jiff::civil::date;
use rulec::check::{NoImports, Program, check};
use rulec::compile::compile;
use rulec::eval::{Status, evaluate};
use rulec::schema::{FieldValue, Record};
use rulec::syntax::parse;

fn program(source: &str) -> Program {
    let file = parse(source).unwrap();
    check(&file, &NoImports).program.unwrap()
}

fn members(n: usize) -> String {
    (0..n)
        .map(|i| format!("m{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn every_kind_of_value_comes_back_as_it_was_set() {
    let p = program(&format!(
        "fields {{ f: bool, g: bool, n: number, i: integer, q: g/L, r: g/L with normal range, \
         d: date, t: text, e: one of {{ a, b, c }}, s: set of {{ a, b, c }}, \
         big: set of {{ {} }} }}\ninclusion {{ c: f }}",
        members(70)
    ));
    let slot = |name| p.schema.slot(name).unwrap();
    let cases = [
        ("f", FieldValue::Bool(true)),
        ("g", FieldValue::Bool(false)),
        ("n", FieldValue::Number(-1.5e300)),
        ("n", FieldValue::Number(0.0)),
        ("i", FieldValue::Number(42.0)),
        (
            "q",
            FieldValue::Quantity {
                value: 1e-300,
                low: None,
                high: None,
            },
        ),
        (
            "r",
            FieldValue::Quantity {
                value: 5.0,
                low: Some(1.0),
                high: None,
            },
        ),
        (
            "r",
            FieldValue::Quantity {
                value: 5.0,
                low: Some(-2.0),
                high: Some(3.0),
            },
        ),
        ("d", FieldValue::Date(date(-9999, 1, 1))),
        ("d", FieldValue::Date(date(9999, 12, 31))),
        ("d", FieldValue::Date(date(2024, 2, 29))),
        ("t", FieldValue::Text("ünïcode".to_owned())),
        ("e", FieldValue::Member(2)),
        ("s", FieldValue::Members(vec![])),
        ("s", FieldValue::Members(vec![0, 2])),
        ("big", FieldValue::Members(vec![3, 69])),
    ];
    for (name, value) in cases {
        let mut record = Record::new(&p.schema);
        assert_eq!(*record.get(slot(name)), FieldValue::Missing, "{name}");
        record.set(name, value.clone()).unwrap();
        assert_eq!(*record.get(slot(name)), value, "{name}");
        // Setting it missing again leaves a record equal to a new one.
        record.set(name, FieldValue::Missing).unwrap();
        assert_eq!(record, Record::new(&p.schema), "{name}");
    }
}

#[test]
fn sets_come_back_in_declaration_order_each_member_once() {
    let p = program(&format!(
        "fields {{ s: set of {{ a, b, c }}, big: set of {{ {} }} }}\ninclusion {{ c: s has a }}",
        members(70)
    ));
    let mut record = Record::new(&p.schema);
    record.set("s", FieldValue::Members(vec![2, 0, 2])).unwrap();
    record
        .set("big", FieldValue::Members(vec![66, 1, 66]))
        .unwrap();
    let get = |name| record.get(p.schema.slot(name).unwrap()).into_owned();
    assert_eq!(get("s"), FieldValue::Members(vec![0, 2]));
    assert_eq!(get("big"), FieldValue::Members(vec![1, 66]));
}

#[test]
fn negative_zero_is_stored_as_zero_so_equal_records_are_equal() {
    let p = program("fields { n: number }\ninclusion { c: n >= 0 }");
    let with = |v| {
        let mut r = Record::new(&p.schema);
        r.set("n", FieldValue::Number(v)).unwrap();
        r
    };
    assert_eq!(with(-0.0), with(0.0));
    assert_eq!(
        compile(&p).status(&with(-0.0), date(2026, 1, 1)).unwrap(),
        Status::Eligible
    );
}

#[test]
fn values_held_outside_the_words_evaluate_as_the_reference_does() {
    let p = program(&format!(
        "fields {{ big: set of {{ {} }}, t: text, \
         l: list of {{ x: number, flag: bool }} }}\n\
         inclusion {{\n\
           one: big has m65\n\
           some: big has any of {{ m1, m68 }}\n\
           both: big has all of {{ m2, m65 }}\n\
           answer: t = \"yes\"\n\
           listed: any l where x > 1 and flag\n\
         }}",
        members(70)
    ));
    let compiled = compile(&p);
    let index = date(2026, 1, 1);
    let sets = [
        None,
        Some(vec![]),
        Some(vec![65]),
        Some(vec![2, 65]),
        Some(vec![68, 65, 2]),
    ];
    let texts = [None, Some("yes"), Some("no")];
    let element = |x: Option<f64>, flag: Option<bool>| {
        let schema = match &p.schema.field(p.schema.slot("l").unwrap()).unwrap().ty {
            rulec::schema::FieldType::ListOf(schema) => schema.clone(),
            _ => panic!("l is a list"),
        };
        let mut r = Record::new(&schema);
        if let Some(x) = x {
            r.set("x", FieldValue::Number(x)).unwrap();
        }
        if let Some(flag) = flag {
            r.set("flag", FieldValue::Bool(flag)).unwrap();
        }
        r
    };
    let lists = [
        None,
        Some(vec![]),
        Some(vec![element(Some(2.0), Some(true))]),
        Some(vec![
            element(Some(0.0), Some(true)),
            element(None, Some(true)),
        ]),
    ];
    let mut seen = std::collections::HashSet::new();
    for set in &sets {
        for text in texts {
            for list in &lists {
                let mut record = Record::new(&p.schema);
                if let Some(set) = set {
                    record.set("big", FieldValue::Members(set.clone())).unwrap();
                }
                if let Some(text) = text {
                    record.set("t", FieldValue::Text(text.to_owned())).unwrap();
                }
                if let Some(list) = list {
                    record.set("l", FieldValue::List(list.clone())).unwrap();
                }
                let reference = evaluate(&p, &record, index);
                assert_eq!(compiled.evaluate(&record, index).unwrap(), reference);
                assert_eq!(compiled.status(&record, index).unwrap(), reference.status());
                seen.insert(reference.status());
            }
        }
    }
    assert_eq!(seen.len(), 3, "every status occurs");
}
