//! What a field's declaration adds to its unit, and the protocol notation
//! the grammar takes: a second scale related by an equation (HbA1c in
//! IFCC `mmol/mol` on an NGSP `%` field), a plausible range that turns a
//! unit slip into a data error, the unit a define is shown in, `10^-3`,
//! `1.5 x 10^9/L` and `hours between`.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail the test by panicking, as an assertion would"
)]

use jiff::civil::{Date, date};
use rulec::check::{CheckError, NoImports, Program, check};
use rulec::eval::{Outcome, Status};
use rulec::records::from_json_str;

const INDEX: Date = date(2026, 1, 15);

fn program(source: &str) -> Program {
    let checked = check(&rulec::syntax::parse(source).unwrap(), &NoImports);
    assert!(
        checked.errors().next().is_none(),
        "{:?}",
        checked.diagnostics
    );
    checked.program.unwrap()
}

/// The errors of a rule file that parses, with their codes.
fn errors(source: &str) -> Vec<(String, String)> {
    let checked = check(&rulec::syntax::parse(source).unwrap(), &NoImports);
    checked
        .errors()
        .map(|e: &CheckError| {
            let code = miette::Diagnostic::code(e).map(|c| c.to_string());
            (code.unwrap_or_default(), e.to_string())
        })
        .collect()
}

/// The outcome of every criterion, in order, for a record read from JSON,
/// with the record's data errors.
fn screen(program: &Program, json: &str) -> (Vec<Outcome>, Vec<String>) {
    let read = from_json_str(program, json, 1);
    let compiled = rulec::compile::compile(program);
    let verdict = compiled.evaluate(&read.record, INDEX).unwrap();
    let explained = rulec::eval::explain(program, &read.record, INDEX);
    assert_eq!(
        explained.verdict, verdict,
        "explanation and closures differ"
    );
    let outcomes = verdict.criteria().map(|c| c.outcome).collect();
    let errors = read.errors.iter().map(ToString::to_string).collect();
    (outcomes, errors)
}

/// The field value a record gives `field`, in the field's unit.
fn stored(program: &Program, json: &str, field: &str) -> Option<f64> {
    let read = from_json_str(program, json, 1);
    let slot = program.schema.slot(field).unwrap();
    match read.record.get(slot).as_ref() {
        rulec::schema::FieldValue::Quantity { value, .. } => Some(*value),
        _ => None,
    }
}

const HBA1C: &str = "
    fields { hba1c: %, scale mmol/mol as 0.09148 x + 2.152 }
    inclusion { diabetic: hba1c >= 6.5 % }
";

/// Published IFCC/NGSP pairs (IFCC mmol/mol, NGSP %), rounded as published:
/// the master equation gives each NGSP value to 0.05 %.
const PAIRS: [(f64, f64); 4] = [(48.0, 6.5), (53.0, 7.0), (64.0, 8.0), (75.0, 9.0)];

#[test]
fn a_value_on_the_ifcc_scale_reads_through_the_equation() {
    let program = program(HBA1C);
    for (ifcc, ngsp) in PAIRS {
        let json = format!(r#"{{"id": "p", "hba1c": "{ifcc} mmol/mol"}}"#);
        let value = stored(&program, &json, "hba1c").unwrap();
        assert!(
            (value - ngsp).abs() < 0.05,
            "{ifcc} mmol/mol read as {value} %"
        );
        // A unit of the same kind goes through the same equation.
        let umol = format!(r#"{{"id": "p", "hba1c": "{} umol/mol"}}"#, ifcc * 1000.0);
        let same_kind = stored(&program, &umol, "hba1c").unwrap();
        assert!(
            (same_kind - value).abs() < 1e-9,
            "{same_kind} against {value}"
        );
    }
    // 48 mmol/mol is 6.54 %: a diabetic patient, not 4.8 % read by a factor.
    let (outcomes, errors) = screen(&program, r#"{"id": "p", "hba1c": "48 mmol/mol"}"#);
    assert_eq!((outcomes, errors), (vec![Outcome::Met], vec![]));
    let (outcomes, _) = screen(&program, r#"{"id": "p", "hba1c": "47 mmol/mol"}"#);
    assert_eq!(outcomes, [Outcome::NotMet]);
}

#[test]
fn a_threshold_on_the_ifcc_scale_reads_through_the_equation() {
    let ngsp_field = program(
        "fields { hba1c: %, scale mmol/mol as 0.09148 x + 2.152 }
         inclusion { controlled: hba1c < 64 mmol/mol }",
    );
    // 64 mmol/mol is 8.007 %: 8.0 % meets it, 8.1 % does not.
    let (outcomes, _) = screen(&ngsp_field, r#"{"id": "p", "hba1c": "8.0 %"}"#);
    assert_eq!(outcomes, [Outcome::Met]);
    let (outcomes, _) = screen(&ngsp_field, r#"{"id": "p", "hba1c": "8.1 %"}"#);
    assert_eq!(outcomes, [Outcome::NotMet]);
    // The other direction: a field stored in mmol/mol, with NGSP values.
    let ifcc_field = program(
        "fields { hba1c: mmol/mol, scale % as 10.93 x - 23.5 }
         inclusion { diabetic: hba1c >= 48 mmol/mol }",
    );
    for (ifcc, ngsp) in PAIRS {
        let json = format!(r#"{{"id": "p", "hba1c": "{ngsp} %"}}"#);
        let value = stored(&ifcc_field, &json, "hba1c").unwrap();
        assert!(
            (value - ifcc).abs() < 0.6,
            "{ngsp} % read as {value} mmol/mol"
        );
    }
}

#[test]
fn a_scale_must_relate_units_of_different_kinds() {
    let found = errors("fields { a: mmol/L, scale umol/L as 0.001 x }");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "rulec::check::unit");
    assert!(
        found[0].1.starts_with("invalid scale `umol/L`") && found[0].1.contains("already converts"),
        "{}",
        found[0].1
    );
    let found = errors("fields { a: %, scale mmol/mol as 0 x + 1 }");
    assert!(found[0].1.contains("slope"), "{found:?}");
}

const HEMOGLOBIN: &str = "
    fields { hemoglobin: g/L, plausible 30 g/L..250 g/L }
    inclusion { hb: hemoglobin > 80 g/L }
";

#[test]
fn a_value_outside_the_plausible_range_is_a_data_error_naming_the_slip() {
    let program = program(HEMOGLOBIN);
    // 12 on a g/L field is a g/dL value: without the range it would rule
    // the patient out; with it the value is not used.
    let (outcomes, errors) = screen(&program, r#"{"id": "p", "hemoglobin": 12}"#);
    assert_eq!(outcomes, [Outcome::Unknown]);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].contains("outside the plausible range")
            && errors[0].contains("12 g/dL = 120 g/L"),
        "{}",
        errors[0]
    );
    // The ends are included; a value given in another unit is converted
    // before it is judged.
    for inside in ["30", "250", "\"3 g/dL\"", "\"25 g/dL\""] {
        let json = format!(r#"{{"id": "p", "hemoglobin": {inside}}}"#);
        let (_, errors) = screen(&program, &json);
        assert_eq!(errors, Vec::<String>::new(), "{inside}");
    }
    let (_, errors) = screen(&program, r#"{"id": "p", "hemoglobin": "26 g/dL"}"#);
    assert_eq!(errors.len(), 1, "260 g/L is implausible");
}

#[test]
fn a_plausible_range_is_checked_when_declared() {
    let found = errors("fields { hb: g/L, plausible 250 g/L..30 g/L }");
    assert!(found[0].1.contains("low end"), "{found:?}");
    let found = errors("fields { hb: g/L, plausible 30 mmol/L..250 g/L }");
    assert_eq!(found[0].0, "rulec::check::unit", "{found:?}");
}

#[test]
fn a_define_is_shown_in_a_unit_it_converts_to() {
    program(
        "fields { weight: kg, height: cm }
         define bmi in kg/m2: weight / (height * height)
         inclusion { lean: bmi < 30 kg/m2 }",
    );
    let found = errors(
        "fields { weight: kg, height: cm }
         define bmi in mg/dL: weight / (height * height)
         inclusion { lean: bmi < 30 kg/m2 }",
    );
    assert_eq!(found[0].0, "rulec::check::incommensurable", "{found:?}");
    assert!(found[0].1.contains("cannot show `bmi`"), "{found:?}");
}

#[test]
fn protocol_notation_for_numbers_and_powers_of_ten() {
    let program = program(
        "fields { mrd: number, anc: 10*9/L, t1: date, t2: date }
         inclusion {
           mrd:    mrd < 10^-4
           anc:    anc >= 1.5 x 10^9/L
           window: hours between t1 and t2 < 48 h
         }",
    );
    let met = r#"{"id": "p", "mrd": 0.00005, "anc": "1.5 10*9/L", "t1": "2026-01-01", "t2": "2026-01-02"}"#;
    let (outcomes, errors) = screen(&program, met);
    assert_eq!(errors, Vec::<String>::new());
    assert_eq!(outcomes, [Outcome::Met; 3]);
    let not_met = r#"{"id": "p", "mrd": 0.0001, "anc": "1.49 10*9/L", "t1": "2026-01-01", "t2": "2026-01-03"}"#;
    let (outcomes, _) = screen(&program, not_met);
    assert_eq!(outcomes, [Outcome::NotMet; 3]);
}

#[test]
fn an_hba1c_scale_screens_the_whole_record() {
    let program = program(HBA1C);
    let read = from_json_str(&program, r#"{"id": "p", "hba1c": "53 mmol/mol"}"#, 1);
    let verdict = rulec::compile::compile(&program)
        .evaluate(&read.record, INDEX)
        .unwrap();
    assert_eq!(verdict.status(), Status::Eligible);
}

#[test]
fn a_plausible_range_below_zero_lets_a_field_be_negative() {
    // A change from baseline is no concentration: its range says so.
    let change = program(
        "fields { cr_change: umol/L, plausible -500 umol/L..500 umol/L }
         inclusion { stable: cr_change < 26.5 umol/L }",
    );
    let (outcomes, errors) = screen(&change, r#"{"id": "p", "cr_change": -12}"#);
    assert_eq!((outcomes, errors), (vec![Outcome::Met], vec![]));
    // Without it a negative concentration is a data error.
    let plain = program(
        "fields { cr_change: umol/L }
         inclusion { stable: cr_change < 26.5 umol/L }",
    );
    let (outcomes, errors) = screen(&plain, r#"{"id": "p", "cr_change": -12}"#);
    assert_eq!(outcomes, [Outcome::Unknown]);
    assert!(errors[0].contains("negative"), "{errors:?}");
}
