//! The rules written down where the documents were ambiguous (issue 13,
//! point 7), each held to what docs/language.md and docs/units.md say.

use super::*;
use rulec::eval::{Status, Verdict};
use rulec::semantics::{TIE, Ties};

/// The verdict of the compiled program, checked against the reference's.
fn verdict(p: &Program, record: &rulec::schema::Record, index: Date) -> Verdict {
    let compiled = rulec::compile::compile(p).evaluate(record, index).unwrap();
    assert_eq!(compiled, evaluate(p, record, index));
    assert_eq!(rulec::eval::explain(p, record, index).verdict, compiled);
    compiled
}

fn outcomes(p: &Program, json: Value, index: Date) -> Vec<Outcome> {
    let read = from_json(p, &json, 1);
    assert_eq!(read.errors, []);
    verdict(p, &read.record, index)
        .criteria()
        .map(|c| c.outcome)
        .collect()
}

/// Two numbers tie when |a − b| ≤ 1e-12 × max(|a|, |b|): a relative
/// difference, not a count of significant digits.
#[test]
fn the_tie_rule_is_a_relative_difference_of_1e_12() {
    assert_eq!(TIE, 1e-12);
    let ties = |a: f64, b: f64| <f64 as Ties>::ties(&a, &b);
    let uln = 3.0 * 33.6;
    assert_eq!(uln, 100.800_000_000_000_01);
    // 3 × 10⁻¹² apart: both are 100.800000000 to 12 significant digits,
    // yet they do not tie.
    assert!(!ties(100.799_999_999_697_6, uln));
    assert!(ties(100.8, uln));
    assert!(ties(1.0, 1.0 + 0.5e-12));
    assert!(!ties(1.0, 1.0 + 2e-12));
    assert!(ties(-1.0, -1.0 - 0.5e-12));
    assert!(ties(0.0, -0.0));
    assert!(!ties(0.0, 1e-300));

    let p = program(
        "fields { ast: U/L with normal range }
         inclusion {
           below:    ast < 3 x ULN
           at_most:  ast <= 3 x ULN
           equal:    ast = 3 x ULN
         }",
    );
    let ast = |value: f64| json!({"ast": {"value": value, "high": 33.6}});
    assert_eq!(
        outcomes(&p, ast(100.799_999_999_697_6), INDEX),
        [Outcome::Met, Outcome::Met, Outcome::NotMet]
    );
    assert_eq!(
        outcomes(&p, ast(100.8), INDEX),
        [Outcome::NotMet, Outcome::Met, Outcome::Met]
    );
}

/// Someone born on 29 February has a birthday in a common year on
/// 1 March: until 28 February they are a year younger.
#[test]
fn a_29_february_birthday_counts_on_1_march_in_a_common_year() {
    let p = program(
        "fields { birth_date: date }
         define age: years between birth_date and index
         inclusion { adult: age >= 18 years }",
    );
    let born = json!({"birth_date": "2008-02-29"});
    for (index, outcome) in [
        (date(2026, 2, 27), Outcome::NotMet),
        (date(2026, 2, 28), Outcome::NotMet),
        (date(2026, 3, 1), Outcome::Met),
    ] {
        assert_eq!(outcomes(&p, born.clone(), index), [outcome], "{index}");
    }
    let age = program(
        "fields { birth_date: date }
         inclusion {
           seventeen: years between birth_date and index = 17 years
           eighteen:  years between birth_date and index = 18 years
           months:    months between birth_date and index = 215 months
         }",
    );
    assert_eq!(
        outcomes(&age, born.clone(), date(2026, 2, 28)),
        [Outcome::Met, Outcome::NotMet, Outcome::Met]
    );
    assert_eq!(
        outcomes(&age, born.clone(), date(2026, 3, 1)),
        [Outcome::NotMet, Outcome::Met, Outcome::NotMet]
    );
    // Months alike: from 31 January, a month is passed on 1 March, the
    // first day that is not before the 31st of February.
    let month = program(
        "fields { start: date }
         inclusion { one: months between start and index = 1 months }",
    );
    let start = json!({"start": "2008-01-31"});
    for (index, outcome) in [
        (date(2008, 2, 29), Outcome::NotMet),
        (date(2008, 3, 1), Outcome::Met),
        (date(2008, 3, 30), Outcome::Met),
        (date(2008, 3, 31), Outcome::NotMet),
    ] {
        assert_eq!(outcomes(&month, start.clone(), index), [outcome], "{index}");
    }
    // In a leap year the birthday is on the day.
    let twenty = program(
        "fields { birth_date: date }
         inclusion { twenty: years between birth_date and index >= 20 years }",
    );
    assert_eq!(
        outcomes(
            &twenty,
            json!({"birth_date": "2008-02-29"}),
            date(2028, 2, 28)
        ),
        [Outcome::NotMet]
    );
    assert_eq!(
        outcomes(
            &twenty,
            json!({"birth_date": "2008-02-29"}),
            date(2028, 2, 29)
        ),
        [Outcome::Met]
    );
}

/// `60.0` and `6e1` are whole numbers: an `integer` field reads them as 60,
/// in JSON and in CSV; `60.5` is not.
#[test]
fn whole_numbers_written_with_a_point_or_an_exponent_are_integers() {
    let p = fields();
    for value in [json!(60), json!(60.0), json!(6e1), json!(600e-1)] {
        assert_eq!(read_ok(&p, "kps", value), FieldValue::Number(60.0));
    }
    let text: Value = serde_json::from_str(r#"{"kps": 6E1}"#).unwrap();
    assert_eq!(
        read_ok(&p, "kps", text["kps"].clone()),
        FieldValue::Number(60.0)
    );
    for value in [json!(60.5), json!(6.05e1)] {
        read_bad(&p, "kps", value, "60.5 is not a whole number");
    }
    // A whole number in text is not a number: JSON numbers are numbers.
    read_bad(&p, "kps", json!("60"), "expected a whole number");
    let csv = "id,kps\nc1,60.0\nc2,6e1\nc3,6.0E+1\nc4,60.5\n";
    let records: Vec<_> = from_csv(&p, csv.as_bytes()).unwrap().collect();
    for record in &records[..3] {
        assert_eq!(record.errors, []);
        assert_eq!(get(&p, record, "kps"), FieldValue::Number(60.0));
    }
    assert_eq!(
        records[3].errors[0].to_string(),
        "record `c4`, field `kps`: 60.5 is not a whole number"
    );
}

/// `{"value": null, …}` is a missing value, as `null` is for a whole field:
/// no data error, unless the rest of the object is malformed.
#[test]
fn a_null_value_in_a_quantity_object_is_missing() {
    let p = fields();
    for value in [
        json!({"value": null, "unit": "g/L"}),
        json!({"value": null, "unit": "g/dL"}),
        json!({"value": null}),
    ] {
        assert_eq!(read_ok(&p, "hemoglobin", value), FieldValue::Missing);
    }
    assert_eq!(
        read_ok(&p, "alt", json!({"value": null, "low": 7, "high": 40})),
        FieldValue::Missing
    );
    read_bad(
        &p,
        "hemoglobin",
        json!({"value": null, "unit": "g/LL"}),
        "unknown unit",
    );
    read_bad(
        &p,
        "alt",
        json!({"value": null, "high": "40"}),
        "`high` is a number in the unit of `value`",
    );
    read_bad(
        &p,
        "hemoglobin",
        json!({"value": null, "unit": "mmol/L"}),
        "cannot convert",
    );
    let p = program(
        "fields { hemoglobin: g/L }
         inclusion { hb: hemoglobin > 80 g/L }",
    );
    let read = from_json(
        &p,
        &json!({"hemoglobin": {"value": null, "unit": "g/L"}}),
        1,
    );
    let verdict = verdict(&p, &read.record, INDEX);
    assert_eq!(verdict.status(), Status::Undetermined);
    assert_eq!(verdict.missing(), ["hemoglobin"]);
}

/// Year 0000 holds placeholders for unknown dates: a data error, in JSON,
/// CSV and the Rust API alike. Year 1 is a date.
#[test]
fn year_0000_dates_are_data_errors() {
    let p = fields();
    for text in ["0000-01-01", "0000-12-31", "0000-02-29"] {
        read_bad(
            &p,
            "birth_date",
            json!(text),
            &format!("`{text}` is before year 1: year 0000 holds placeholders"),
        );
    }
    read_bad(
        &p,
        "birth_date",
        json!("0000-00-00"),
        "is not a day of the calendar",
    );
    assert_eq!(
        read_ok(&p, "birth_date", json!("0001-01-01")),
        FieldValue::Date(date(1, 1, 1))
    );
    let csv = "id,birth_date\nc1,0000-01-01\nc2,0001-01-01\n";
    let records: Vec<_> = from_csv(&p, csv.as_bytes()).unwrap().collect();
    assert_eq!(records[0].errors.len(), 1);
    assert_eq!(get(&p, &records[0], "birth_date"), FieldValue::Missing);
    assert_eq!(records[1].errors, []);
    for year in [0, -1] {
        let error = rulec::records::RecordBuilder::new(&p)
            .date("birth_date", date(year, 1, 1))
            .unwrap_err();
        assert!(error.reason.contains("before year 1"), "{error}");
    }
}
