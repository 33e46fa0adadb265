//! Units in records as clinicians write them (issue 13): the spellings of
//! laboratory reports read with their UCUM meaning, spaces and all, and a
//! dimensionless ratio in another kind than the field's is a data error,
//! never a silent conversion.

use super::*;

const LAB: &str = "
fields {
  hba1c:   %
  ifcc:    mmol/mol
  wbc:     10*9/L
  egfr:    mL/min/{1.73_m2}
  protein: g/d
  sodium:  mmol/L
  b12:     pg/mL
  peep:    cm[H2O]
  rr:      /min
  casts:   /[HPF]
  hemoglobin: g/dL
}
";

/// `48 mmol/mol` is HbA1c in IFCC units; read as 4.8 % a diabetic patient
/// would meet `hba1c < 6.5 %`. It is a data error naming the field.
#[test]
fn hba1c_in_mmol_per_mol_is_a_data_error_on_a_percent_field() {
    let p = program(LAB);
    let error = read_bad(
        &p,
        "hba1c",
        json!("48 mmol/mol"),
        "cannot convert `mmol/mol` (a ratio of amounts of substance) to `%`",
    );
    assert!(error.reason.contains("equation"), "{}", error.reason);
    read_bad(
        &p,
        "hba1c",
        json!({"value": 48, "unit": "mmol/mol"}),
        "cannot convert",
    );
    read_bad(&p, "ifcc", json!("6.5 %"), "cannot convert `%`");
    // Within its kind a ratio converts.
    assert_eq!(read_ok(&p, "ifcc", json!("48000 umol/mol")), quantity(48.0));
    assert_eq!(read_ok(&p, "hba1c", json!("0.065")), quantity(0.065));
}

/// The audit: a mass concentration on a `%` field, and a percentage on a
/// mass concentration field, are data errors.
#[test]
fn percent_and_mass_concentration_never_convert() {
    let p = program(LAB);
    read_bad(&p, "hba1c", json!("5.2 g/dL"), "cannot convert `g/dL`");
    read_bad(&p, "hemoglobin", json!("12 %"), "cannot convert `%`");
    read_bad(&p, "casts", json!("5 %"), "cannot convert `%`");
}

/// Each value as a laboratory report writes it, with the value it has in
/// the field's unit.
#[test]
fn clinicians_spellings_in_records_read_with_their_ucum_meaning() {
    let p = program(LAB);
    for (field, text, expected) in [
        ("wbc", "3000 /mcL", 3.0),
        ("wbc", "3000/mcL", 3.0),
        ("wbc", "1.5 x 10^9/L", 1.5),
        ("wbc", "1.5 x10^9/L", 1.5),
        ("wbc", "1.5 × 10^9/L", 1.5),
        ("wbc", "1.5 10E9/L", 1.5),
        ("wbc", "4.5 K/uL", 4.5),
        ("wbc", "4.5 K/mcL", 4.5),
        ("wbc", "4.5 K/µL", 4.5),
        ("egfr", "60 mL/min/1.73 m2", 60.0),
        ("egfr", "60 mL/min/1.73m2", 60.0),
        ("protein", "3.5 g/24 h", 3.5),
        ("protein", "3.5 g/24h", 3.5),
        ("sodium", "140 mEq/L", 140.0),
        ("b12", "0.45 mcg/L", 450.0),
        ("peep", "5 cmH2O", 5.0),
        ("rr", "18 breaths/min", 18.0),
        ("casts", "3 /hpf", 3.0),
    ] {
        let value = match read_ok(&p, field, json!(text)) {
            FieldValue::Quantity { value, .. } => value,
            _ => f64::NAN,
        };
        assert!(
            (value - expected).abs() <= 1e-12 * expected.abs(),
            "{field}: `{text}` read as {value}, expected {expected}"
        );
    }
}

/// The same spellings as the unit of a CSV column.
#[test]
fn clinicians_spellings_as_csv_column_units() {
    let p = program(LAB);
    let csv = "id,wbc [K/uL],egfr [mL/min/1.73 m2],sodium [mEq/L]\nr1,4.5,60,140\n";
    let records: Vec<ReadRecord> = from_csv(&p, csv.as_bytes()).unwrap().collect();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].errors, []);
    assert_eq!(get(&p, &records[0], "wbc"), quantity(4.5));
    assert_eq!(get(&p, &records[0], "egfr"), quantity(60.0));
    assert_eq!(get(&p, &records[0], "sodium"), quantity(140.0));
}
