//! The hand-built patients of the seed trial for its inclusions (and the attested exclusions), criterion
//! by criterion: a module of `generate.rs` (see there), kept apart so that
//! each file stays readable.

use serde_json::{Value, json};

use super::{Sample, variant};

/// `adult`: 18 years or older on the index date, 2026-01-15; the age is
/// the number of birthdays passed.
pub(super) fn adult() -> Vec<Sample> {
    vec![
        // 18th birthday on the index date itself.
        variant("age-18-on-index-date")
            .set("birth_date", json!("2008-01-15"))
            .eligible(),
        // 18th birthday the day after the index date: still 17.
        variant("age-18-tomorrow")
            .set("birth_date", json!("2008-01-16"))
            .ineligible(&["adult"]),
        variant("age-18-yesterday")
            .set("birth_date", json!("2008-01-14"))
            .eligible(),
        // No upper age limit.
        variant("age-85")
            .set("birth_date", json!("1940-05-05"))
            .eligible(),
        // A birth date after the index date: impossible, so a data error
        // (found at the index date), and the age is unknown.
        variant("age-born-after-index")
            .set("birth_date", json!("2026-03-01"))
            .undetermined(&["birth_date"])
            .with_errors(&["birth_date"]),
        variant("age-birth-date-absent")
            .remove("birth_date")
            .undetermined(&["birth_date"]),
        variant("age-birth-date-null")
            .set("birth_date", Value::Null)
            .undetermined(&["birth_date"]),
        variant("age-birth-date-feb-30")
            .set("birth_date", json!("2008-02-30"))
            .undetermined(&["birth_date"])
            .with_errors(&["birth_date"]),
        variant("age-birth-date-day-first")
            .set("birth_date", json!("15/01/2008"))
            .undetermined(&["birth_date"])
            .with_errors(&["birth_date"]),
        variant("age-birth-date-a-number")
            .set("birth_date", json!(2008))
            .undetermined(&["birth_date"])
            .with_errors(&["birth_date"]),
        // The age is unknown, but haemoglobin already rules the patient out.
        variant("age-absent-hb-low")
            .remove("birth_date")
            .set("hemoglobin", json!(70))
            .ineligible(&["hemoglobin"]),
    ]
}

/// `relapsed`: the diagnosis set has `rrmm`.
pub(super) fn relapsed() -> Vec<Sample> {
    vec![
        variant("diagnosis-mm-not-relapsed")
            .set("diagnosis", json!(["mm"]))
            .ineligible(&["relapsed"]),
        variant("diagnosis-empty")
            .set("diagnosis", json!([]))
            .ineligible(&["relapsed"]),
        variant("diagnosis-rrmm-and-amyloidosis")
            .set("diagnosis", json!(["amyloidosis", "rrmm"]))
            .eligible(),
        // Members may repeat.
        variant("diagnosis-rrmm-twice")
            .set("diagnosis", json!(["rrmm", "rrmm"]))
            .eligible(),
        variant("diagnosis-absent")
            .remove("diagnosis")
            .undetermined(&["diagnosis"]),
        variant("diagnosis-typo-rrm")
            .set("diagnosis", json!(["rrm"]))
            .undetermined(&["diagnosis"])
            .with_errors(&["diagnosis"]),
        variant("diagnosis-text-not-array")
            .set("diagnosis", json!("rrmm"))
            .undetermined(&["diagnosis"])
            .with_errors(&["diagnosis"]),
    ]
}

/// `target`: the markers have any of BCMA, CD138, CD38, CD56.
pub(super) fn target() -> Vec<Sample> {
    vec![
        variant("markers-cd19-only")
            .set("markers", json!(["CD19"]))
            .ineligible(&["target"]),
        variant("markers-empty")
            .set("markers", json!([]))
            .ineligible(&["target"]),
        variant("markers-cd56-only")
            .set("markers", json!(["CD56"]))
            .eligible(),
        variant("markers-cd138-only")
            .set("markers", json!(["CD138"]))
            .eligible(),
        variant("markers-absent")
            .remove("markers")
            .undetermined(&["markers"]),
        // One unknown member leaves the whole set missing, BCMA included.
        variant("markers-unknown-cd20")
            .set("markers", json!(["BCMA", "CD20"]))
            .undetermined(&["markers"])
            .with_errors(&["markers"]),
        variant("markers-number-member")
            .set("markers", json!(["BCMA", 38]))
            .undetermined(&["markers"])
            .with_errors(&["markers"]),
    ]
}

/// `mrd`: MRD positive.
pub(super) fn mrd() -> Vec<Sample> {
    vec![
        variant("mrd-negative")
            .set("mrd_positive", json!(false))
            .ineligible(&["mrd"]),
        variant("mrd-absent")
            .remove("mrd_positive")
            .undetermined(&["mrd_positive"]),
        variant("mrd-text-yes")
            .set("mrd_positive", json!("yes"))
            .undetermined(&["mrd_positive"])
            .with_errors(&["mrd_positive"]),
        variant("mrd-number-1")
            .set("mrd_positive", json!(1))
            .undetermined(&["mrd_positive"])
            .with_errors(&["mrd_positive"]),
    ]
}

/// `survival`: a life expectancy of more than 3 months (UCUM `mo`, the
/// mean Julian month of 30.4375 days).
pub(super) fn survival() -> Vec<Sample> {
    vec![
        variant("survival-3-months")
            .set("life_expectancy", json!(3))
            .ineligible(&["survival"]),
        variant("survival-3.1-months")
            .set("life_expectancy", json!(3.1))
            .eligible(),
        variant("survival-2.9-months")
            .set("life_expectancy", json!(2.9))
            .ineligible(&["survival"]),
        // A year is 12 months exactly: 0.25 a is 3 mo, not more.
        variant("survival-quarter-year")
            .set("life_expectancy", json!("0.25 a"))
            .ineligible(&["survival"]),
        // 92 d is 3.02 mo; 91 d is 2.99 mo.
        variant("survival-92-days")
            .set("life_expectancy", json!("92 d"))
            .eligible(),
        variant("survival-91-days")
            .set("life_expectancy", json!("91 d"))
            .ineligible(&["survival"]),
        variant("survival-14-weeks-object")
            .set("life_expectancy", json!({"value": 14, "unit": "wk"}))
            .eligible(),
        // Text without a unit is a number in the field's unit.
        variant("survival-number-as-text")
            .set("life_expectancy", json!("6"))
            .eligible(),
        variant("survival-absent")
            .remove("life_expectancy")
            .undetermined(&["life_expectancy"]),
        variant("survival-mass-unit")
            .set("life_expectancy", json!("6 mg"))
            .undetermined(&["life_expectancy"])
            .with_errors(&["life_expectancy"]),
    ]
}

/// `performance`: KPS more than 60 (an integer from 0 to 100).
pub(super) fn performance() -> Vec<Sample> {
    vec![
        variant("kps-60")
            .set("kps", json!(60))
            .ineligible(&["performance"]),
        variant("kps-61").set("kps", json!(61)).eligible(),
        variant("kps-59")
            .set("kps", json!(59))
            .ineligible(&["performance"]),
        variant("kps-70").set("kps", json!(70)).eligible(),
        // 70.0 is a whole number.
        variant("kps-70-point-0").set("kps", json!(70.0)).eligible(),
        variant("kps-absent").remove("kps").undetermined(&["kps"]),
        variant("kps-110-out-of-range")
            .set("kps", json!(110))
            .undetermined(&["kps"])
            .with_errors(&["kps"]),
        variant("kps-negative")
            .set("kps", json!(-10))
            .undetermined(&["kps"])
            .with_errors(&["kps"]),
        variant("kps-65.5-not-whole")
            .set("kps", json!(65.5))
            .undetermined(&["kps"])
            .with_errors(&["kps"]),
        variant("kps-text")
            .set("kps", json!("80"))
            .undetermined(&["kps"])
            .with_errors(&["kps"]),
    ]
}

/// `hemoglobin`: more than 80 g/L.
pub(super) fn hemoglobin() -> Vec<Sample> {
    vec![
        variant("hb-at-threshold")
            .set("hemoglobin", json!(80))
            .ineligible(&["hemoglobin"]),
        variant("hb-80.1-above")
            .set("hemoglobin", json!(80.1))
            .eligible(),
        variant("hb-79.9-below")
            .set("hemoglobin", json!(79.9))
            .ineligible(&["hemoglobin"]),
        // 8.0 g/dL is exactly 80 g/L.
        variant("hb-gdl-at-threshold")
            .set("hemoglobin", json!("8.0 g/dL"))
            .ineligible(&["hemoglobin"]),
        variant("hb-8.01-gdl-above")
            .set("hemoglobin", json!("8.01 g/dL"))
            .eligible(),
        variant("hb-7.99-gdl-below")
            .set("hemoglobin", json!("7.99 g/dL"))
            .ineligible(&["hemoglobin"]),
        variant("hb-gdl-object")
            .set("hemoglobin", json!({"value": 8.5, "unit": "g/dL"}))
            .eligible(),
        // UCUM has both `L` and `l` for the litre.
        variant("hb-gdl-lowercase-l")
            .set("hemoglobin", json!("8.5 g/dl"))
            .eligible(),
        // Haemoglobin in mmol/L needs a molar mass the field does not declare.
        variant("hb-mmol-no-molar-mass")
            .set("hemoglobin", json!("5.5 mmol/L"))
            .undetermined(&["hemoglobin"])
            .with_errors(&["hemoglobin"]),
        variant("hb-bad-unit-trailing-slash")
            .set("hemoglobin", json!("80 g/dl/"))
            .undetermined(&["hemoglobin"])
            .with_errors(&["hemoglobin"]),
        variant("hb-decimal-comma")
            .set("hemoglobin", json!("8,5 g/dL"))
            .undetermined(&["hemoglobin"])
            .with_errors(&["hemoglobin"]),
        variant("hb-with-normal-range")
            .set("hemoglobin", json!({"value": 100, "low": 120, "high": 160}))
            .undetermined(&["hemoglobin"])
            .with_errors(&["hemoglobin"]),
        variant("hb-bool")
            .set("hemoglobin", json!(true))
            .undetermined(&["hemoglobin"])
            .with_errors(&["hemoglobin"]),
        variant("hb-absent")
            .remove("hemoglobin")
            .undetermined(&["hemoglobin"]),
        variant("hb-null")
            .set("hemoglobin", Value::Null)
            .undetermined(&["hemoglobin"]),
        // A misspelt key is a data error, and the field it meant is missing.
        variant("hb-misspelt-key")
            .remove("hemoglobin")
            .set("hemoglobn", json!(95))
            .undetermined(&["hemoglobin"])
            .with_errors(&["hemoglobn"]),
        // A key written twice: neither value is read (a data error).
        variant("hb-key-twice")
            .set("hemoglobin", json!(70))
            .repeat("hemoglobin", json!(95))
            .undetermined(&["hemoglobin"])
            .with_errors(&["hemoglobin"]),
        // Haemoglobin unknown, but MRD negative already rules out.
        variant("hb-absent-mrd-negative")
            .remove("hemoglobin")
            .set("mrd_positive", json!(false))
            .ineligible(&["mrd"]),
    ]
}

/// `cardiac`: ejection fraction of 50 % or more, and an ECG without
/// abnormality.
pub(super) fn cardiac() -> Vec<Sample> {
    vec![
        variant("ef-50-at-threshold")
            .set("ejection_fraction", json!(50))
            .eligible(),
        variant("ef-49.9-below")
            .set("ejection_fraction", json!(49.9))
            .ineligible(&["cardiac"]),
        // A ratio of 0.5 is 50 %.
        variant("ef-ratio-0.5")
            .set("ejection_fraction", json!("0.5 1"))
            .eligible(),
        variant("ef-ratio-0.49")
            .set("ejection_fraction", json!("0.49 1"))
            .ineligible(&["cardiac"]),
        variant("ef-percent-text")
            .set("ejection_fraction", json!("55 %"))
            .eligible(),
        variant("ecg-abnormal")
            .set("ecg_abnormal", json!(true))
            .ineligible(&["cardiac"]),
        variant("ecg-absent")
            .remove("ecg_abnormal")
            .undetermined(&["ecg_abnormal"]),
        // false and unknown is false.
        variant("ecg-absent-ef-45")
            .remove("ecg_abnormal")
            .set("ejection_fraction", json!(45))
            .ineligible(&["cardiac"]),
        variant("ef-absent")
            .remove("ejection_fraction")
            .undetermined(&["ejection_fraction"]),
        variant("ef-absent-ecg-abnormal")
            .remove("ejection_fraction")
            .set("ecg_abnormal", json!(true))
            .ineligible(&["cardiac"]),
        variant("ecg-text")
            .set("ecg_abnormal", json!("normal"))
            .undetermined(&["ecg_abnormal"])
            .with_errors(&["ecg_abnormal"]),
    ]
}

/// `oxygen`: SpO2 of 90 % or more.
pub(super) fn oxygen() -> Vec<Sample> {
    vec![
        variant("spo2-90-at-threshold")
            .set("spo2", json!(90))
            .eligible(),
        variant("spo2-89.9-below")
            .set("spo2", json!(89.9))
            .ineligible(&["oxygen"]),
        // A fraction written as a bare number is read in the field's unit,
        // 0.95 %, which is outside the field's plausible range: a data
        // error (a unit slip), never a verdict.
        variant("spo2-fraction-without-unit")
            .set("spo2", json!(0.95))
            .undetermined(&["spo2"])
            .with_errors(&["spo2"]),
        variant("spo2-absent")
            .remove("spo2")
            .undetermined(&["spo2"]),
        variant("spo2-mmhg")
            .set("spo2", json!("95 mmHg"))
            .undetermined(&["spo2"])
            .with_errors(&["spo2"]),
    ]
}

/// `renal`: creatinine below 2.5 times the upper limit of normal (the
/// baseline's is 90 µmol/L, so below 225 µmol/L).
pub(super) fn renal() -> Vec<Sample> {
    let cr = |value: Value| json!({"value": value, "low": 45, "high": 90});
    let cr_mg = |value: f64| json!({"value": value, "unit": "mg/dL", "low": 0.6, "high": 1.2});
    vec![
        variant("cr-2.5-uln-at-threshold")
            .set("creatinine", cr(json!(225)))
            .ineligible(&["renal"]),
        variant("cr-224.9-below")
            .set("creatinine", cr(json!(224.9)))
            .eligible(),
        variant("cr-225.1-above")
            .set("creatinine", cr(json!(225.1)))
            .ineligible(&["renal"]),
        // In mg/dL with the range in mg/dL: 3.0 is 2.5 × 1.2 exactly.
        variant("cr-mgdl-2.5-uln-at-threshold")
            .set("creatinine", cr_mg(3.0))
            .ineligible(&["renal"]),
        // Exactly 2.5 × ULN once more: 2.7 mg/dL over a ULN of 1.08 mg/dL,
        // so not below. The evaluator gets this one wrong today (see
        // `KNOWN_DEFECTS` in `crates/rulec/tests/seed_patients.rs`).
        variant("cr-mgdl-2.7-at-2.5-uln-1.08")
            .set(
                "creatinine",
                json!({"value": 2.7, "unit": "mg/dL", "low": 0.6, "high": 1.08}),
            )
            .ineligible(&["renal"]),
        variant("cr-mgdl-below")
            .set("creatinine", cr_mg(2.9))
            .eligible(),
        variant("cr-mgdl-above")
            .set("creatinine", cr_mg(3.1))
            .ineligible(&["renal"]),
        variant("cr-mmol-per-l")
            .set(
                "creatinine",
                json!({"value": 0.08, "unit": "mmol/L", "low": 0.045, "high": 0.09}),
            )
            .eligible(),
        // A value without its normal range cannot be compared with the ULN.
        variant("cr-no-range")
            .set("creatinine", json!(80))
            .undetermined(&["creatinine"]),
        variant("cr-no-range-text")
            .set("creatinine", json!("80 umol/L"))
            .undetermined(&["creatinine"]),
        variant("cr-only-low-limit")
            .set("creatinine", json!({"value": 80, "low": 45}))
            .undetermined(&["creatinine"]),
        variant("cr-only-high-limit")
            .set("creatinine", json!({"value": 80, "high": 90}))
            .eligible(),
        variant("cr-value-null")
            .set("creatinine", json!({"value": null, "low": 45, "high": 90}))
            .undetermined(&["creatinine"]),
        variant("cr-absent")
            .remove("creatinine")
            .undetermined(&["creatinine"]),
        variant("cr-low-above-high")
            .set("creatinine", json!({"value": 80, "low": 100, "high": 90}))
            .undetermined(&["creatinine"])
            .with_errors(&["creatinine"]),
        variant("cr-unknown-key-uln")
            .set(
                "creatinine",
                json!({"value": 80, "low": 45, "high": 90, "uln": 90}),
            )
            .undetermined(&["creatinine"])
            .with_errors(&["creatinine"]),
        variant("cr-no-value")
            .set("creatinine", json!({"low": 45, "high": 90}))
            .undetermined(&["creatinine"])
            .with_errors(&["creatinine"]),
        variant("cr-amount-not-concentration")
            .set(
                "creatinine",
                json!({"value": 1, "unit": "mmol", "low": 0.5, "high": 1.2}),
            )
            .undetermined(&["creatinine"])
            .with_errors(&["creatinine"]),
    ]
}

/// `hepatic`: ALT and AST below 3 times their upper limits of normal (the
/// baseline's are 40 and 35 U/L, so below 120 and 105 U/L), and total
/// bilirubin at most 2.0 mg/dL.
pub(super) fn hepatic() -> Vec<Sample> {
    let alt = |value: f64| json!({"value": value, "low": 7, "high": 40});
    let ast = |value: f64| json!({"value": value, "low": 8, "high": 35});
    vec![
        variant("alt-3-uln-at-threshold")
            .set("alt", alt(120.0))
            .ineligible(&["hepatic"]),
        variant("alt-119.9-below").set("alt", alt(119.9)).eligible(),
        // U/mL is 1000 U/L exactly: 0.12 and 0.04 U/mL are 120 and 40 U/L.
        variant("alt-u-per-ml-3-uln-at-threshold")
            .set(
                "alt",
                json!({"value": 0.12, "unit": "U/mL", "low": 0.007, "high": 0.04}),
            )
            .ineligible(&["hepatic"]),
        // rulec never converts U into katal (assay-specific units).
        variant("alt-ukat-per-l")
            .set(
                "alt",
                json!({"value": 0.5, "unit": "ukat/L", "low": 0.12, "high": 0.67}),
            )
            .undetermined(&["alt"])
            .with_errors(&["alt"]),
        variant("alt-no-range")
            .set("alt", json!(30))
            .undetermined(&["alt"]),
        variant("alt-absent").remove("alt").undetermined(&["alt"]),
        variant("ast-3-uln-at-threshold")
            .set("ast", ast(105.0))
            .ineligible(&["hepatic"]),
        // 100.8 U/L is exactly 3 × 33.6 U/L, so not below 3 × ULN. The
        // evaluator gets this one wrong today (see `KNOWN_DEFECTS`).
        variant("ast-100.8-at-3-uln-33.6")
            .set("ast", json!({"value": 100.8, "low": 8, "high": 33.6}))
            .ineligible(&["hepatic"]),
        variant("ast-104.9-below").set("ast", ast(104.9)).eligible(),
        variant("ast-absent").remove("ast").undetermined(&["ast"]),
        variant("alt-and-ast-absent")
            .remove("alt")
            .remove("ast")
            .undetermined(&["alt", "ast"]),
        // ALT unknown, but bilirubin already fails the criterion.
        variant("alt-absent-bilirubin-high")
            .remove("alt")
            .set("bilirubin", json!(2.5))
            .ineligible(&["hepatic"]),
        variant("bili-2.0-at-threshold")
            .set("bilirubin", json!(2.0))
            .eligible(),
        variant("bili-2.01-above")
            .set("bilirubin", json!(2.01))
            .ineligible(&["hepatic"]),
        variant("bili-1.99-below")
            .set("bilirubin", json!(1.99))
            .eligible(),
        // 1 µmol/L is 0.058466 mg/dL at 584.66 g/mol: 2.0 mg/dL is
        // 34.2079 µmol/L. 34.2 µmol/L is 1.99954 mg/dL, 34.3 is 2.00538.
        variant("bili-umol-34.2-below")
            .set("bilirubin", json!("34.2 umol/L"))
            .eligible(),
        variant("bili-umol-34.3-above")
            .set("bilirubin", json!("34.3 umol/L"))
            .ineligible(&["hepatic"]),
        variant("bili-umol-34.207-below")
            .set("bilirubin", json!("34.207 umol/L"))
            .eligible(),
        variant("bili-umol-34.208-above")
            .set("bilirubin", json!("34.208 umol/L"))
            .ineligible(&["hepatic"]),
        variant("bili-umol-micro-sign")
            .set("bilirubin", json!("34.2 µmol/L"))
            .eligible(),
        // 20 mg/L is 2.0 mg/dL exactly.
        variant("bili-20-mg-per-l-at-threshold")
            .set("bilirubin", json!("20 mg/L"))
            .eligible(),
        variant("bili-with-normal-range")
            .set("bilirubin", json!({"value": 1.0, "low": 0.1, "high": 1.2}))
            .undetermined(&["bilirubin"])
            .with_errors(&["bilirubin"]),
        variant("bili-amount-not-concentration")
            .set("bilirubin", json!("34 umol"))
            .undetermined(&["bilirubin"])
            .with_errors(&["bilirubin"]),
        variant("bili-absent")
            .remove("bilirubin")
            .undetermined(&["bilirubin"]),
    ]
}

/// The attested answers: `apheresis`, `benefit`, `consent` (inclusion),
/// `tumour_burden` and `harmful` (exclusion).
pub(super) fn attested() -> Vec<Sample> {
    vec![
        variant("apheresis-contraindicated")
            .set("apheresis_contraindicated", json!(true))
            .ineligible(&["apheresis"]),
        variant("apheresis-unanswered")
            .remove("apheresis_contraindicated")
            .undetermined(&["apheresis_contraindicated"]),
        variant("benefit-no")
            .set("expert_group_benefit", json!(false))
            .ineligible(&["benefit"]),
        variant("benefit-unanswered")
            .remove("expert_group_benefit")
            .undetermined(&["expert_group_benefit"]),
        variant("consent-not-signed")
            .set("informed_consent", json!(false))
            .ineligible(&["consent"]),
        variant("consent-unanswered")
            .remove("informed_consent")
            .undetermined(&["informed_consent"]),
        variant("consent-text-yes")
            .set("informed_consent", json!("yes"))
            .undetermined(&["informed_consent"])
            .with_errors(&["informed_consent"]),
        variant("tumour-burden-high")
            .set("high_tumour_burden", json!(true))
            .ineligible(&["tumour_burden"]),
        variant("tumour-burden-unanswered")
            .remove("high_tumour_burden")
            .undetermined(&["high_tumour_burden"]),
        variant("harmful-condition")
            .set("harmful_condition", json!(true))
            .ineligible(&["harmful"]),
        variant("harmful-unanswered")
            .remove("harmful_condition")
            .undetermined(&["harmful_condition"]),
    ]
}
