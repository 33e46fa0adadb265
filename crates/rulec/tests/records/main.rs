//! Records read from JSON and CSV: every accepted form, every malformed
//! one as a data error naming the record and the field, batches that go on
//! after a bad record, thresholds met exactly by values in the threshold's
//! unit, and inputs that never make a reader panic.

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail the test by panicking, as an assertion would"
)]

use jiff::civil::{Date, date};
use proptest::prelude::*;
use rulec::check::{NoImports, Program, check};
use rulec::eval::{Outcome, evaluate};
use rulec::records::{
    DataError, ReadRecord, RecordName, WHOLE_RECORD, from_csv, from_json, from_json_str,
};
use rulec::schema::FieldValue;
use rulec::syntax::parse;
use rulec::units::{MolarMass, Unit};
use serde_json::{Value, json};

const INDEX: Date = date(2026, 11, 24);

const FIELDS: &str = "
fields {
  hemoglobin: g/L
  creatinine: umol/L with normal range, molar mass 113.12 g/mol
  bilirubin:  umol/L, molar mass 584.66 g/mol
  alt:        U/L with normal range
  kps:        integer 0..100
  ratio:      number
  pregnant:   bool
  birth_date: date
  note:       text
  sex:        one of { female, male }
  serologies: set of { hiv, hbv, hcv }
  therapies:  list of { class: one of { car_t, other }, failed: bool, started: date }
}
";

fn program(source: &str) -> Program {
    let file = parse(source).unwrap();
    let checked = check(&file, &NoImports);
    assert!(
        checked.errors().next().is_none(),
        "{:?}",
        checked.diagnostics
    );
    checked.program.unwrap()
}

/// The outcome of the program's first criterion for `record`.
fn first_outcome(program: &Program, record: &rulec::schema::Record) -> Outcome {
    evaluate(program, record, INDEX)
        .criteria()
        .next()
        .unwrap()
        .outcome
}

fn fields() -> Program {
    program(FIELDS)
}

fn get(program: &Program, read: &ReadRecord, field: &str) -> FieldValue {
    read.record
        .get(program.schema.slot(field).unwrap())
        .into_owned()
}

fn quantity(value: f64) -> FieldValue {
    FieldValue::Quantity {
        value,
        low: None,
        high: None,
    }
}

fn convert(from: &str, to: &str, value: f64) -> f64 {
    Unit::parse(from)
        .unwrap()
        .conversion_to(&Unit::parse(to).unwrap())
        .unwrap()
        .apply(value)
}

fn convert_molar(from: &str, to: &str, molar_mass: &str, value: f64) -> f64 {
    let mass = MolarMass::new(molar_mass, &Unit::parse("g/mol").unwrap()).unwrap();
    Unit::parse(from)
        .unwrap()
        .conversion_via_molar_mass(&Unit::parse(to).unwrap(), &mass)
        .unwrap()
        .apply(value)
}

/// Reads one field from JSON and checks that it is read without errors.
fn read_ok(program: &Program, field: &str, value: Value) -> FieldValue {
    let mut object = serde_json::Map::new();
    object.insert("id".to_owned(), json!("r1"));
    object.insert(field.to_owned(), value);
    let read = from_json(program, &Value::Object(object), 1);
    assert_eq!(read.errors, [], "{field}");
    get(program, &read, field)
}

/// Reads one malformed field from JSON: one error, naming the record and
/// the field, whose reason contains `reason`; the field is missing.
fn read_bad(program: &Program, field: &str, value: Value, reason: &str) -> DataError {
    let mut object = serde_json::Map::new();
    object.insert("id".to_owned(), json!("r7"));
    object.insert(field.to_owned(), value.clone());
    let read = from_json(program, &Value::Object(object), 1);
    assert_eq!(read.errors.len(), 1, "{field}: {value}: {:?}", read.errors);
    let error = read.errors[0].clone();
    assert_eq!(error.record, RecordName::Id("r7".to_owned()));
    assert_eq!(error.field, field);
    assert!(
        error.reason.contains(reason),
        "{field}: {value}: `{}` lacks `{reason}`",
        error.reason
    );
    assert!(
        error
            .to_string()
            .starts_with(&format!("record `r7`, field `{field}`: ")),
        "{error}"
    );
    if let Some(slot) = program.schema.slot(field) {
        assert_eq!(*read.record.get(slot), FieldValue::Missing, "{field}");
    }
    error
}

// --- JSON: accepted forms -------------------------------------------------

use rulec::schema::FieldType;

mod csv;
mod documented;
mod impossible;
mod json;
mod properties;
mod units;
