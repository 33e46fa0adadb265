//! The hand-built patients of the seed trial for its exclusions and its unreadable records, criterion
//! by criterion: a module of `generate.rs` (see there), kept apart so that
//! each file stays readable.

use serde_json::{Value, json};

use super::{Meant, Sample, variant};

/// `infection`: an active infection, or fever (38.0 °C or more).
pub(super) fn infection() -> Vec<Sample> {
    vec![
        variant("temp-38.0-at-threshold")
            .set("body_temperature", json!(38.0))
            .ineligible(&["infection"]),
        variant("temp-37.9-below")
            .set("body_temperature", json!(37.9))
            .eligible(),
        variant("temp-38.1-above")
            .set("body_temperature", json!(38.1))
            .ineligible(&["infection"]),
        // 100.4 °F is 38 °C exactly.
        variant("temp-100.4-degf-at-threshold")
            .set("body_temperature", json!("100.4 [degF]"))
            .ineligible(&["infection"]),
        variant("temp-100.3-degf-below")
            .set("body_temperature", json!("100.3 [degF]"))
            .eligible(),
        // `degF` is read as `[degF]`.
        variant("temp-degf-without-brackets")
            .set("body_temperature", json!("100.4 degF"))
            .ineligible(&["infection"]),
        variant("temp-311.15-kelvin")
            .set("body_temperature", json!("311.15 K"))
            .ineligible(&["infection"]),
        // `C` is the coulomb in UCUM, not the degree Celsius.
        variant("temp-c-is-coulomb")
            .set("body_temperature", json!("38 C"))
            .undetermined(&["body_temperature"])
            .with_errors(&["body_temperature"]),
        variant("temp-absent")
            .remove("body_temperature")
            .undetermined(&["body_temperature"]),
        // true or unknown is true.
        variant("temp-absent-active-infection")
            .remove("body_temperature")
            .set("active_infection", json!(true))
            .ineligible(&["infection"]),
        variant("active-infection")
            .set("active_infection", json!(true))
            .ineligible(&["infection"]),
        variant("active-infection-unanswered")
            .remove("active_infection")
            .undetermined(&["active_infection"]),
        variant("active-infection-unanswered-fever")
            .remove("active_infection")
            .set("body_temperature", json!(38.5))
            .ineligible(&["infection"]),
        variant("infection-and-temp-absent")
            .remove("active_infection")
            .remove("body_temperature")
            .undetermined(&["body_temperature", "active_infection"]),
    ]
}

/// `neutropenia`: neutropenia lasting more than 10 days.
pub(super) fn neutropenia() -> Vec<Sample> {
    vec![
        variant("neutropenia-10-days-at-threshold")
            .set("neutropenia", json!(10))
            .eligible(),
        variant("neutropenia-11-days")
            .set("neutropenia", json!(11))
            .ineligible(&["neutropenia"]),
        // 240 h is 10 d exactly.
        variant("neutropenia-240-hours")
            .set("neutropenia", json!("240 h"))
            .eligible(),
        variant("neutropenia-2-weeks")
            .set("neutropenia", json!("2 wk"))
            .ineligible(&["neutropenia"]),
        variant("neutropenia-11-days-in-words")
            .set("neutropenia", json!("11 days"))
            .ineligible(&["neutropenia"]),
        variant("neutropenia-absent")
            .remove("neutropenia")
            .undetermined(&["neutropenia"]),
        variant("neutropenia-cells-per-litre")
            .set("neutropenia", json!("0.4 10^9/L"))
            .undetermined(&["neutropenia"])
            .with_errors(&["neutropenia"]),
    ]
}

/// `uncontrolled` and `serology`: uncontrolled infections, positive
/// serologies.
pub(super) fn infections_and_serology() -> Vec<Sample> {
    vec![
        variant("uncontrolled-fungal")
            .set("uncontrolled_infections", json!(["fungal"]))
            .ineligible(&["uncontrolled"]),
        variant("uncontrolled-bacterial-and-viral")
            .set("uncontrolled_infections", json!(["bacterial", "viral"]))
            .ineligible(&["uncontrolled"]),
        variant("uncontrolled-viral-twice")
            .set("uncontrolled_infections", json!(["viral", "viral"]))
            .ineligible(&["uncontrolled"]),
        variant("uncontrolled-absent")
            .remove("uncontrolled_infections")
            .undetermined(&["uncontrolled_infections"]),
        variant("uncontrolled-null")
            .set("uncontrolled_infections", Value::Null)
            .undetermined(&["uncontrolled_infections"]),
        variant("uncontrolled-parasitic")
            .set("uncontrolled_infections", json!(["parasitic"]))
            .undetermined(&["uncontrolled_infections"])
            .with_errors(&["uncontrolled_infections"]),
        variant("serology-hiv")
            .set("positive_serologies", json!(["hiv"]))
            .ineligible(&["serology"]),
        variant("serology-active-hbv")
            .set("positive_serologies", json!(["active_hbv"]))
            .ineligible(&["serology"]),
        variant("serology-hcv")
            .set("positive_serologies", json!(["hcv"]))
            .ineligible(&["serology"]),
        variant("serology-absent")
            .remove("positive_serologies")
            .undetermined(&["positive_serologies"]),
        variant("serology-hbv-shorthand")
            .set("positive_serologies", json!(["hbv"]))
            .undetermined(&["positive_serologies"])
            .with_errors(&["positive_serologies"]),
    ]
}

/// `pregnancy`: a woman who is pregnant or lactating (the baseline is a
/// woman who is neither).
pub(super) fn pregnancy() -> Vec<Sample> {
    vec![
        variant("pregnant")
            .set("pregnant", json!(true))
            .ineligible(&["pregnancy"]),
        variant("lactating")
            .set("lactating", json!(true))
            .ineligible(&["pregnancy"]),
        variant("pregnancy-unanswered")
            .remove("pregnant")
            .remove("lactating")
            .undetermined(&["pregnant", "lactating"]),
        variant("lactating-unanswered")
            .remove("lactating")
            .undetermined(&["lactating"]),
        // true or unknown is true.
        variant("pregnancy-unanswered-lactating")
            .remove("pregnant")
            .set("lactating", json!(true))
            .ineligible(&["pregnancy"]),
        // A man needs neither answer.
        variant("man-pregnancy-unanswered")
            .set("sex", json!("male"))
            .remove("pregnant")
            .remove("lactating")
            .eligible(),
        variant("man-recorded-pregnant")
            .set("sex", json!("male"))
            .set("pregnant", json!(true))
            .eligible(),
        // unknown and false is false: neither pregnant nor lactating decides.
        variant("sex-absent-not-pregnant").remove("sex").eligible(),
        variant("sex-absent-pregnant")
            .remove("sex")
            .set("pregnant", json!(true))
            .undetermined(&["sex"]),
        // A data error in `sex` leaves it missing; the answers still decide.
        variant("sex-capitalised-not-pregnant")
            .set("sex", json!("Female"))
            .eligible()
            .with_errors(&["sex"]),
        variant("sex-capitalised-lactating")
            .set("sex", json!("Female"))
            .set("lactating", json!(true))
            .undetermined(&["sex"])
            .with_errors(&["sex"]),
    ]
}

/// `organ_failure`: severe insufficiency of an organ.
pub(super) fn organ_failure() -> Vec<Sample> {
    vec![
        variant("organ-heart")
            .set("organ_insufficiency", json!(["heart"]))
            .ineligible(&["organ_failure"]),
        variant("organ-kidney-and-liver")
            .set("organ_insufficiency", json!(["kidney", "liver"]))
            .ineligible(&["organ_failure"]),
        variant("organ-other")
            .set("organ_insufficiency", json!(["other"]))
            .ineligible(&["organ_failure"]),
        variant("organ-absent")
            .remove("organ_insufficiency")
            .undetermined(&["organ_insufficiency"]),
        variant("organ-brain")
            .set("organ_insufficiency", json!(["brain"]))
            .undetermined(&["organ_insufficiency"])
            .with_errors(&["organ_insufficiency"]),
    ]
}

/// `cell_therapy` and `antibodies`: the list of prior therapies.
pub(super) fn therapies() -> Vec<Sample> {
    let one = |class: &str, failed: bool| json!([{"class": class, "failed": failed}]);
    vec![
        variant("prior-car-t-failed")
            .set("therapies", one("car_t", true))
            .ineligible(&["cell_therapy"]),
        variant("prior-car-t-responded")
            .set("therapies", one("car_t", false))
            .eligible(),
        variant("prior-other-cell-therapy-failed")
            .set("therapies", one("other_cell_therapy", true))
            .ineligible(&["cell_therapy"]),
        variant("prior-anti-bcma-failed")
            .set("therapies", one("anti_bcma", true))
            .ineligible(&["antibodies"]),
        variant("prior-anti-cd38-failed")
            .set("therapies", one("anti_cd38", true))
            .ineligible(&["antibodies"]),
        variant("prior-other-failed-only")
            .set("therapies", one("other", true))
            .eligible(),
        variant("prior-car-t-and-anti-bcma-failed")
            .set(
                "therapies",
                json!([
                    {"class": "anti_bcma", "failed": true},
                    {"class": "car_t", "failed": true}
                ]),
            )
            .ineligible(&["cell_therapy", "antibodies"]),
        variant("therapies-none")
            .set("therapies", json!([]))
            .eligible(),
        variant("therapies-absent")
            .remove("therapies")
            .undetermined(&["therapies"]),
        variant("therapies-null")
            .set("therapies", Value::Null)
            .undetermined(&["therapies"]),
        variant("prior-car-t-outcome-unknown")
            .set("therapies", json!([{"class": "car_t"}]))
            .undetermined(&["therapies"]),
        variant("prior-failed-class-unknown")
            .set("therapies", json!([{"failed": true}]))
            .undetermined(&["therapies"]),
        // unknown and false is false, in both criteria.
        variant("prior-responded-class-unknown")
            .set("therapies", json!([{"failed": false}]))
            .eligible(),
        variant("prior-class-typo")
            .set("therapies", json!([{"class": "cart", "failed": true}]))
            .undetermined(&["therapies"])
            .with_errors(&["therapies[0].class"]),
        // The first element is unreadable, the second decides.
        variant("prior-class-typo-then-anti-cd38-failed")
            .set(
                "therapies",
                json!([
                    {"class": "cart", "failed": true},
                    {"class": "anti_cd38", "failed": true}
                ]),
            )
            .ineligible(&["antibodies"])
            .with_errors(&["therapies[0].class"]),
        variant("prior-failed-text")
            .set(
                "therapies",
                json!([{"class": "anti_bcma", "failed": "yes"}]),
            )
            .undetermined(&["therapies"])
            .with_errors(&["therapies[0].failed"]),
        // An unknown key in an element is an error; the element is read.
        variant("prior-element-unknown-key")
            .set(
                "therapies",
                json!([{"class": "car_t", "failed": false, "date": "2024-03-01"}]),
            )
            .eligible()
            .with_errors(&["therapies[0].date"]),
        // An element that is not an object leaves the whole list missing.
        variant("prior-element-not-object")
            .set("therapies", json!(["car_t"]))
            .undetermined(&["therapies"])
            .with_errors(&["therapies"]),
    ]
}

/// `gvhd`: an allogeneic transplant with acute GVHD of grade more than 3.
pub(super) fn gvhd() -> Vec<Sample> {
    let transplant = |id: &str, grade: Value| {
        variant(id)
            .set("allogeneic_transplant", json!(true))
            .set("gvhd_grade", grade)
    };
    vec![
        transplant("gvhd-grade-3", json!(3)).eligible(),
        transplant("gvhd-grade-4", json!(4)).ineligible(&["gvhd"]),
        variant("gvhd-grade-4-no-transplant")
            .set("gvhd_grade", json!(4))
            .eligible(),
        variant("gvhd-transplant-grade-absent")
            .set("allogeneic_transplant", json!(true))
            .remove("gvhd_grade")
            .undetermined(&["gvhd_grade"]),
        variant("gvhd-no-transplant-grade-absent")
            .remove("gvhd_grade")
            .eligible(),
        variant("gvhd-transplant-unknown-grade-0")
            .remove("allogeneic_transplant")
            .eligible(),
        variant("gvhd-transplant-unknown-grade-4")
            .remove("allogeneic_transplant")
            .set("gvhd_grade", json!(4))
            .undetermined(&["allogeneic_transplant"]),
        transplant("gvhd-grade-5-out-of-range", json!(5))
            .undetermined(&["gvhd_grade"])
            .with_errors(&["gvhd_grade"]),
    ]
}

/// Lines that are not readable records, and records with an odd id.
pub(super) fn whole_records() -> Vec<Sample> {
    vec![
        Sample::unreadable("this line is not JSON"),
        Sample::unreadable(r#"["array-not-object", 80, "g/L"]"#),
        Sample::unreadable(r#"{"id": "truncated-line", "birth_date": "1965-06-20", "kps""#),
        Sample::unreadable(r#""baseline-eligible""#),
        Sample::unreadable("null"),
        // An empty object is a record that knows nothing.
        Sample {
            line: "{}".to_owned(),
            id: None,
            meant: Some(Meant::NothingKnown),
            errors: &[],
        },
        // Without an id, a record is named by its line.
        variant("").remove("id").eligible(),
        variant("").set("id", json!(7001)).eligible(),
        variant("")
            .set("id", json!(""))
            .eligible()
            .with_errors(&["id"]),
    ]
}
