//! JSON records: every accepted form, every malformed one as a data error, exact thresholds.

use super::*;

#[test]
fn json_reads_every_kind_of_field() {
    let p = fields();
    let read = from_json(
        &p,
        &json!({
            "id": "r1",
            "kps": 90,
            "ratio": 1.25,
            "pregnant": false,
            "birth_date": "1970-05-01",
            "note": "seen by Dr. Who",
            "sex": "female",
            "serologies": ["hcv", "hiv", "hcv"],
            "therapies": [
                {"class": "car_t", "failed": true, "started": "2025-01-31"},
                {"class": "other"},
            ],
        }),
        1,
    );
    assert_eq!(read.errors, []);
    assert_eq!(read.id.as_deref(), Some("r1"));
    assert_eq!(read.name(), RecordName::Id("r1".to_owned()));
    assert_eq!(get(&p, &read, "kps"), FieldValue::Number(90.0));
    assert_eq!(get(&p, &read, "ratio"), FieldValue::Number(1.25));
    assert_eq!(get(&p, &read, "pregnant"), FieldValue::Bool(false));
    assert_eq!(
        get(&p, &read, "birth_date"),
        FieldValue::Date(date(1970, 5, 1))
    );
    assert_eq!(
        get(&p, &read, "note"),
        FieldValue::Text("seen by Dr. Who".to_owned())
    );
    assert_eq!(get(&p, &read, "sex"), FieldValue::Member(0));
    // A set: repeats once, in declaration order.
    assert_eq!(
        get(&p, &read, "serologies"),
        FieldValue::Members(vec![0, 2])
    );
    let FieldValue::List(therapies) = get(&p, &read, "therapies") else {
        panic!("not a list")
    };
    assert_eq!(therapies.len(), 2);
    let FieldType::ListOf(element) = &p.schema.fields[11].ty else {
        panic!("not a list field")
    };
    let slot = |name| element.slot(name).unwrap();
    assert_eq!(*therapies[0].get(slot("class")), FieldValue::Member(0));
    assert_eq!(*therapies[0].get(slot("failed")), FieldValue::Bool(true));
    assert_eq!(
        *therapies[0].get(slot("started")),
        FieldValue::Date(date(2025, 1, 31))
    );
    assert_eq!(*therapies[1].get(slot("class")), FieldValue::Member(1));
    assert_eq!(*therapies[1].get(slot("failed")), FieldValue::Missing);
}

#[test]
fn json_quantity_forms() {
    let p = fields();
    // A bare number is in the declared unit.
    assert_eq!(read_ok(&p, "hemoglobin", json!(85)), quantity(85.0));
    assert_eq!(read_ok(&p, "hemoglobin", json!(85.5)), quantity(85.5));
    // Text: a number, optional spaces, a unit; or a number alone.
    let in_g_per_l = convert("g/dL", "g/L", 8.5);
    assert_eq!(in_g_per_l, 85.0);
    for text in ["8.5 g/dL", "8.5g/dL", "  8.5   g/dL ", "85 g/L", "85"] {
        assert_eq!(
            read_ok(&p, "hemoglobin", json!(text)),
            quantity(85.0),
            "{text}"
        );
    }
    // An object, with or without a unit.
    assert_eq!(
        read_ok(&p, "hemoglobin", json!({"value": 8.5, "unit": "g/dL"})),
        quantity(85.0)
    );
    assert_eq!(
        read_ok(&p, "hemoglobin", json!({"value": 85})),
        quantity(85.0)
    );
    assert_eq!(
        read_ok(&p, "hemoglobin", json!({"value": 85, "unit": null})),
        quantity(85.0)
    );
    // A null value is missing.
    assert_eq!(
        read_ok(&p, "hemoglobin", json!({"value": null, "unit": "g/dL"})),
        FieldValue::Missing
    );
}

#[test]
fn json_mass_concentrations_convert_through_the_molar_mass() {
    let p = fields();
    let expected = convert_molar("mg/dL", "umol/L", "113.12", 1.0);
    assert_eq!(format!("{expected:.1}"), "88.4");
    assert_eq!(
        read_ok(&p, "creatinine", json!("1 mg/dL")),
        quantity(expected)
    );
    assert_eq!(
        read_ok(&p, "creatinine", json!({"value": 1, "unit": "mg/dL"})),
        quantity(expected)
    );
    // The same substance concentration in another prefix converts exactly.
    assert_eq!(
        read_ok(&p, "creatinine", json!("0.088 mmol/L")),
        quantity(88.0)
    );
}

#[test]
fn json_normal_ranges_are_in_the_unit_of_the_value() {
    let p = fields();
    let c = |v| convert_molar("mg/dL", "umol/L", "113.12", v);
    assert_eq!(
        read_ok(
            &p,
            "creatinine",
            json!({"value": 1.0, "unit": "mg/dL", "low": 0.6, "high": 1.2})
        ),
        FieldValue::Quantity {
            value: c(1.0),
            low: Some(c(0.6)),
            high: Some(c(1.2)),
        }
    );
    assert_eq!(
        read_ok(&p, "alt", json!({"value": 30, "high": 40})),
        FieldValue::Quantity {
            value: 30.0,
            low: None,
            high: Some(40.0),
        }
    );
    // A range only from the object form; text gives none.
    assert_eq!(read_ok(&p, "alt", json!("30 U/L")), quantity(30.0));
}

#[test]
fn json_null_and_absent_fields_are_missing() {
    let p = fields();
    let read = from_json(&p, &json!({"id": "r1", "hemoglobin": null, "sex": null}), 1);
    assert_eq!(read.errors, []);
    for field in &p.schema.fields {
        assert_eq!(get(&p, &read, &field.name), FieldValue::Missing);
    }
}

#[test]
fn json_ids_are_strings_or_numbers() {
    let p = fields();
    assert_eq!(from_json(&p, &json!({"id": 7}), 1).id.as_deref(), Some("7"));
    assert_eq!(
        from_json(&p, &json!({"id": "r-7"}), 1).id.as_deref(),
        Some("r-7")
    );
    let read = from_json(&p, &json!({"id": true, "hemoglobin": 80}), 4);
    assert_eq!(read.id, None);
    assert_eq!(read.name(), RecordName::Position(4));
    assert_eq!(read.errors.len(), 1);
    assert_eq!(read.errors[0].field, "id");
    assert_eq!(
        read.errors[0].to_string(),
        "record 4, field `id`: a record id is a non-empty string or a number, not `true`"
    );
    assert_eq!(get(&p, &read, "hemoglobin"), quantity(80.0));
    let read = from_json(&p, &json!({"id": " "}), 5);
    assert_eq!(read.name(), RecordName::Position(5));
    assert_eq!(read.errors[0].field, "id");
}

/// A number id is kept as written: through an `f64`, the first two would
/// be one id and `1e2` would be `100.0`.
#[test]
fn json_number_ids_are_kept_as_written() {
    let p = fields();
    for id in [
        "12345678901234567890123",
        "12345678901234567890124",
        "1e2",
        "-0",
        "7",
        "0.10",
        "-9007199254740993",
    ] {
        let read = from_json_str(&p, &format!(r#"{{"id": {id}, "kps": 5}}"#), 1);
        assert_eq!(read.errors, [], "{id}");
        assert_eq!(read.id.as_deref(), Some(id));
    }
    // Spaces around the number are not part of it.
    let read = from_json_str(&p, "{\"id\":\n  1e2 \t, \"kps\": 5}", 1);
    assert_eq!(read.id.as_deref(), Some("1e2"));
    // A number id beyond any f64 is not valid JSON, as in a field.
    let read = from_json_str(&p, r#"{"id": 1e400, "kps": 5}"#, 3);
    assert_eq!(read.errors[0].field, WHOLE_RECORD);
    // A field named `id` reads the same key.
    let q = program("fields { id: number }");
    let read = from_json_str(&q, r#"{"id": 1e2}"#, 1);
    assert_eq!(read.id.as_deref(), Some("1e2"));
    assert_eq!(get(&q, &read, "id"), FieldValue::Number(100.0));
}

/// A key given twice is a data error naming it, as in CSV: neither value
/// can be told to be the right one, so the field is missing and the rest
/// of the record is read.
#[test]
fn json_keys_given_twice_are_data_errors() {
    let p = fields();
    let read = from_json_str(
        &p,
        r#"{"id": "r1", "hemoglobin": 1, "kps": 80, "hemoglobin": 90, "hemoglobin": 91}"#,
        1,
    );
    assert_eq!(
        read.errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["record `r1`, field `hemoglobin`: `hemoglobin` is given twice"]
    );
    assert_eq!(get(&p, &read, "hemoglobin"), FieldValue::Missing);
    assert_eq!(get(&p, &read, "kps"), FieldValue::Number(80.0));
    // Written differently, still the same key.
    let read = from_json_str(&p, r#"{"kps": 80, "\u006bps": 81}"#, 2);
    assert_eq!(
        read.errors[0].to_string(),
        "record 2, field `kps`: `kps` is given twice"
    );
    // The id twice: the record is named by its position.
    let read = from_json_str(&p, r#"{"id": "a", "kps": 80, "id": "b"}"#, 3);
    assert_eq!(read.id, None);
    assert_eq!(
        read.errors[0].to_string(),
        "record 3, field `id`: `id` is given twice"
    );
    assert_eq!(get(&p, &read, "kps"), FieldValue::Number(80.0));
    // Inside a field's value: the field is missing.
    let read = from_json_str(
        &p,
        r#"{"id": "r4", "alt": {"value": 30, "unit": "U/L", "value": 300}, "kps": 80}"#,
        4,
    );
    assert_eq!(
        read.errors[0].to_string(),
        "record `r4`, field `alt`: `value` is given twice in one object of its value"
    );
    assert_eq!(get(&p, &read, "alt"), FieldValue::Missing);
    let read = from_json_str(
        &p,
        r#"{"therapies": [{"class": "car_t"}, {"failed": true, "failed": false}]}"#,
        5,
    );
    assert_eq!(read.errors[0].field, "therapies");
    assert_eq!(get(&p, &read, "therapies"), FieldValue::Missing);
    // A key that is not a field is reported once, however often given.
    let read = from_json_str(&p, r#"{"extra": 1, "kps": 80, "extra": 2}"#, 6);
    assert_eq!(read.errors.len(), 1);
    assert_eq!(read.errors[0].field, "extra");
}

/// One nesting limit under every key: what makes a record unreadable in a
/// field does under a key that is not a field, and under the id.
#[test]
fn json_nesting_is_limited_under_every_key() {
    let p = fields();
    let nested = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    // The record's object is one level: 126 more are read.
    for key in ["ratio", "extra", "id"] {
        let read = from_json_str(&p, &format!(r#"{{"{key}": {}}}"#, nested(126)), 1);
        assert!(
            read.errors.iter().all(|e| e.field == key),
            "{key}: {:?}",
            read.errors
        );
        let read = from_json_str(&p, &format!(r#"{{"{key}": {}}}"#, nested(127)), 1);
        assert_eq!(read.errors.len(), 1, "{key}");
        assert_eq!(read.errors[0].field, WHOLE_RECORD, "{key}");
        assert!(
            read.errors[0].reason.contains("recursion limit exceeded"),
            "{key}: {}",
            read.errors[0]
        );
    }
}

/// Past ±2^53 neighbouring whole numbers share one `f64`: an `integer`
/// field refuses them rather than compare inexactly.
#[test]
fn json_integers_beyond_2_to_the_53_are_data_errors() {
    let p = program("fields { n: integer }");
    for ok in ["9007199254740992", "-9007199254740992", "0", "6e1"] {
        let read = from_json_str(&p, &format!(r#"{{"n": {ok}}}"#), 1);
        assert_eq!(read.errors, [], "{ok}");
    }
    for (bad, shown) in [
        ("9007199254740993", "9007199254740993"),
        ("-9007199254740993", "-9007199254740993"),
        ("18446744073709551615", "18446744073709551615"),
        ("12345678901234567890123", "1.2345678901234568e22"),
        ("1e300", "1e300"),
    ] {
        let read = from_json_str(&p, &format!(r#"{{"id": "r", "n": {bad}}}"#), 1);
        assert_eq!(
            read.errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            [format!(
                "record `r`, field `n`: {shown} is too large to be held exactly: whole numbers \
                 are compared exactly only up to ±2^53 (9007199254740992)"
            )],
            "{bad}"
        );
        assert_eq!(get(&p, &read, "n"), FieldValue::Missing);
    }
}

/// A `one of` of thousands of members (a code list) names the first 20 in
/// a message, not all of them in every data error.
#[test]
fn long_member_lists_are_cut_short_in_messages() {
    let members: Vec<String> = (0..5000).map(|i| format!("code{i}")).collect();
    let p = program(&format!(
        "fields {{ c: one of {{ {} }}, s: set of {{ {} }} }}",
        members.join(", "),
        members.join(", ")
    ));
    let first: Vec<&str> = members.iter().take(20).map(String::as_str).collect();
    let list = format!("{{{}, … and 4980 more}}", first.join(", "));
    let read = from_json_str(&p, r#"{"c": "other", "s": ["code1", "other"]}"#, 1);
    for error in &read.errors {
        assert!(error.reason.contains(&list), "{error}");
        assert!(error.reason.len() < 400, "{error}");
    }
    let read = from_json_str(&p, r#"{"c": 7, "s": 7}"#, 1);
    for error in &read.errors {
        assert!(error.reason.contains(&list), "{error}");
    }
    // No guess among more than 1000 members: an edit distance to each, for
    // every record with a slip, would cost more than screening.
    let read = from_json_str(&p, r#"{"c": "cod7"}"#, 1);
    assert!(
        !read.errors[0].reason.contains("did you mean"),
        "{}",
        read.errors[0]
    );
    // A short list is shown whole.
    let p = fields();
    let read = from_json_str(&p, r#"{"sex": "x"}"#, 1);
    assert_eq!(read.errors[0].reason, "`x` is not one of {female, male}");
}

/// An id or a key of megabytes is not repeated whole in every message;
/// the record keeps its id whole.
#[test]
fn long_ids_and_keys_are_cut_short_in_messages() {
    let p = fields();
    let long = "x".repeat(1 << 20);
    let read = from_json_str(
        &p,
        &format!(r#"{{"id": "{long}", "{long}": 1, "kps": "a", "therapies": [{{"{long}": 1}}]}}"#),
        1,
    );
    assert_eq!(read.id.as_deref(), Some(long.as_str()));
    assert_eq!(read.errors.len(), 3);
    for error in &read.errors {
        assert!(error.to_string().len() < 500, "{}", error.to_string().len());
    }
}

// --- JSON: malformed values ------------------------------------------------

#[test]
fn json_malformed_quantities_are_data_errors() {
    let p = fields();
    for (value, reason) in [
        (json!(true), "expected a number in `g/L`"),
        (json!([85]), "found an array"),
        (json!("8.5 mg/dX"), "unknown unit `dX`"),
        (
            json!("8.5 mmol/L"),
            "cannot convert `mmol/L` (substance concentration) to `g/L` (mass concentration); a mass and a substance concentration convert only through a molar mass",
        ),
        (json!("8.5 g//dL"), "malformed unit `g//dL`"),
        (json!("abc"), "`abc` does not start with a number"),
        (json!(""), "does not start with a number"),
        (json!("NaN g/L"), "does not start with a number"),
        (json!("inf"), "does not start with a number"),
        (json!("1e999 g/L"), "`1e999 g/L` is not a finite number"),
        (json!("8,5 g/dL"), "not a comma"),
        (json!({"value": 8.5, "unit": 5}), "`unit` is text"),
        (json!({"value": true}), "`value` is a number, or text"),
        (json!({"value": "8.5 g/dL/"}), "malformed unit `g/dL/`"),
        (json!({"unit": "g/L"}), "needs a `value`"),
        (json!({"value": 8.5, "units": "g/dL"}), "no key `units`"),
        (
            json!({"value": 85, "low": 1}),
            "`hemoglobin` is not declared `with normal range`",
        ),
    ] {
        read_bad(&p, "hemoglobin", value, reason);
    }
    read_bad(
        &p,
        "creatinine",
        json!({"value": 80, "low": 100, "high": 50}),
        "the lower limit of normal (100) is above the upper (50)",
    );
    read_bad(
        &p,
        "creatinine",
        json!({"value": 80, "high": "1.2 mg/dL"}),
        "`high` is a number in the unit of `value`",
    );
    read_bad(
        &p,
        "alt",
        json!("30 g/L"),
        "arbitrary units (such as `[IU]` and `U`) convert only to the same arbitrary unit",
    );
    // Finite in mg/dL, but not once converted.
    read_bad(
        &p,
        "bilirubin",
        json!("1e307 mg/dL"),
        "is out of range once converted to `umol/L`",
    );
}

#[test]
fn json_malformed_values_of_other_kinds_are_data_errors() {
    let p = fields();
    for (field, value, reason) in [
        (
            "pregnant",
            json!("yes"),
            "expected `true` or `false`, found the text \"yes\"",
        ),
        ("pregnant", json!(1), "found the number 1"),
        (
            "kps",
            json!(110),
            "110 is outside the declared range 0..100",
        ),
        ("kps", json!(-1), "-1 is outside the declared range 0..100"),
        ("kps", json!(85.5), "85.5 is not a whole number"),
        ("kps", json!("85"), "expected a whole number"),
        (
            "ratio",
            json!("1.5"),
            "expected a number, found the text \"1.5\"",
        ),
        (
            "birth_date",
            json!("2026-02-30"),
            "`2026-02-30` is not a day of the calendar",
        ),
        (
            "birth_date",
            json!("24/11/2026"),
            "is not a date written YYYY-MM-DD",
        ),
        (
            "birth_date",
            json!("2026-11-24T10:00"),
            "is not a date written YYYY-MM-DD",
        ),
        (
            "birth_date",
            json!(20_261_124),
            "expected a date as \"YYYY-MM-DD\"",
        ),
        ("note", json!(5), "expected text, found the number 5"),
        (
            "sex",
            json!("Female"),
            "`Female` is not one of {female, male}; did you mean `female`?",
        ),
        (
            "sex",
            json!(["female"]),
            "expected one of {female, male} as text",
        ),
        (
            "serologies",
            json!(["hiv", "hxv"]),
            "`hxv` is not one of {hiv, hbv, hcv}",
        ),
        (
            "serologies",
            json!("hiv"),
            "expected an array of members of {hiv, hbv, hcv}",
        ),
        (
            "serologies",
            json!(["hiv", 1]),
            "element 1 of the array is the number 1",
        ),
        (
            "therapies",
            json!([{"class": "car_t"}, 1]),
            "element 1 is the number 1, not an object",
        ),
        (
            "therapies",
            json!({"class": "car_t"}),
            "expected an array of objects",
        ),
        (
            "hemoglobn",
            json!(80),
            "no field `hemoglobn` is declared; did you mean `hemoglobin`?",
        ),
    ] {
        read_bad(&p, field, value, reason);
    }
}

#[test]
fn json_errors_inside_a_list_name_the_element_and_keep_the_list() {
    let p = fields();
    let read = from_json(
        &p,
        &json!({"id": "r2", "therapies": [
            {"class": "car_t", "failed": true},
            {"class": "car_tt", "failed": "no", "dose": 3},
        ]}),
        1,
    );
    let shown: Vec<String> = read.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "record `r2`, field `therapies[1].class`: `car_tt` is not one of {car_t, other}; did you mean `car_t`?",
            "record `r2`, field `therapies[1].failed`: expected `true` or `false`, found the text \"no\"",
            "record `r2`, field `therapies[1].dose`: no field `dose` is declared",
        ]
    );
    let FieldValue::List(therapies) = get(&p, &read, "therapies") else {
        panic!("the list is kept")
    };
    assert_eq!(therapies.len(), 2);
    assert_eq!(
        *therapies[1].get(rulec::schema::Slot(0)),
        FieldValue::Missing
    );
}

#[test]
fn json_several_errors_in_one_record_are_all_reported() {
    let p = fields();
    let read = from_json(
        &p,
        &json!({"id": "r3", "hemoglobin": "low", "kps": 101, "pregnant": true, "extra": 1}),
        1,
    );
    let fields: Vec<&str> = read.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["hemoglobin", "kps", "extra"]);
    assert_eq!(get(&p, &read, "pregnant"), FieldValue::Bool(true));
}

#[test]
fn invalid_json_text_and_non_objects_are_whole_record_errors() {
    let p = fields();
    let read = from_json_str(&p, r#"{"id": "r1", "hemoglobin": 8.5 g/dL}"#, 2);
    assert_eq!(read.id, None);
    assert_eq!(read.errors.len(), 1);
    assert_eq!(read.errors[0].field, WHOLE_RECORD);
    assert!(
        read.errors[0]
            .to_string()
            .starts_with("record 2: not valid JSON: "),
        "{}",
        read.errors[0]
    );
    let read = from_json_str(&p, "[1, 2]", 3);
    assert_eq!(
        read.errors[0].to_string(),
        "record 3: a record is a JSON object, not an array"
    );
    // 1e999 is beyond any f64: serde_json refuses the text.
    let read = from_json_str(&p, r#"{"hemoglobin": 1e999}"#, 4);
    assert_eq!(read.errors[0].field, WHOLE_RECORD);
}

#[test]
fn a_batch_goes_on_after_a_bad_record() {
    let p = program(
        "fields { hemoglobin: g/L }
         inclusion { hb: hemoglobin > 80 g/L }",
    );
    let lines = [
        r#"{"id": "a", "hemoglobin": 92}"#,
        r#"{"id": "b", "hemoglobin": "9.2 g/dX"}"#,
        r#"{"id": "c", "hemoglobin": "#,
        r#"{"hemoglobin": {"value": "high"}}"#,
        r#"{"id": "e", "hemoglobin": "7.2 g/dL"}"#,
    ];
    let reads: Vec<ReadRecord> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| from_json_str(&p, line, i + 1))
        .collect();
    assert_eq!(reads.len(), lines.len());
    let outcomes: Vec<Outcome> = reads.iter().map(|r| first_outcome(&p, &r.record)).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Met,
            Outcome::Unknown,
            Outcome::Unknown,
            Outcome::Unknown,
            Outcome::NotMet
        ]
    );
    let errors: Vec<String> = reads
        .iter()
        .flat_map(|r| &r.errors)
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors[0].starts_with("record `b`, field `hemoglobin`: unknown unit `dX`"));
    assert!(errors[1].starts_with("record 3: not valid JSON"));
    // A record without an id is named by its position.
    assert_eq!(
        errors[2],
        "record 4, field `hemoglobin`: `value`: `high` does not start with a number"
    );
}

// --- Thresholds met exactly -----------------------------------------------

#[test]
fn bilirubin_in_mg_per_dl_meets_a_threshold_in_mg_per_dl_on_a_molar_field() {
    let p = program(
        "fields { bilirubin: umol/L, molar mass 584.66 g/mol }
         inclusion { tbil: bilirubin <= 2.0 mg/dL }",
    );
    for value in [
        json!("2.0 mg/dL"),
        json!("2 mg/dL"),
        json!({"value": 2.0, "unit": "mg/dL"}),
    ] {
        let read = from_json(&p, &json!({"id": "r1", "bilirubin": value}), 1);
        assert_eq!(read.errors, []);
        let verdict = evaluate(&p, &read.record, INDEX);
        assert_eq!(
            verdict.criteria().next().unwrap().outcome,
            Outcome::Met,
            "{value}"
        );
    }
    let read = from_json(&p, &json!({"bilirubin": "2.01 mg/dL"}), 1);
    assert_eq!(first_outcome(&p, &read.record), Outcome::NotMet);
    let csv = "id,bilirubin [mg/dL]\nr1,2.0\nr2,2.01\n";
    let outcomes: Vec<Outcome> = from_csv(&p, csv.as_bytes())
        .unwrap()
        .map(|r| first_outcome(&p, &r.record))
        .collect();
    assert_eq!(outcomes, [Outcome::Met, Outcome::NotMet]);
}

#[test]
fn hemoglobin_of_8_g_per_dl_is_not_above_80_g_per_l() {
    let p = program(
        "fields { hemoglobin: g/L }
         inclusion {
           hb: hemoglobin > 80 g/L
           hb_dl: hemoglobin >= 8.0 g/dL
         }",
    );
    let outcomes = |read: &ReadRecord| -> Vec<Outcome> {
        assert_eq!(read.errors, []);
        evaluate(&p, &read.record, INDEX)
            .criteria()
            .map(|c| c.outcome)
            .collect()
    };
    for value in [json!("8.0 g/dL"), json!({"value": 8.0, "unit": "g/dL"})] {
        let read = from_json(&p, &json!({"hemoglobin": value}), 1);
        assert_eq!(outcomes(&read), [Outcome::NotMet, Outcome::Met]);
    }
    let read = from_csv(&p, "hemoglobin [g/dL]\n8.0\n".as_bytes())
        .unwrap()
        .next()
        .unwrap();
    assert_eq!(outcomes(&read), [Outcome::NotMet, Outcome::Met]);
}

#[test]
fn times_the_upper_limit_uses_the_records_own_range() {
    let p = program(
        "fields { creatinine: umol/L with normal range, molar mass 113.12 g/mol }
         inclusion { renal: creatinine < 1.5 x ULN }",
    );
    let outcome = |value: Value| {
        let read = from_json(&p, &json!({"creatinine": value}), 1);
        assert_eq!(read.errors, []);
        first_outcome(&p, &read.record)
    };
    assert_eq!(
        outcome(json!({"value": 1.7, "unit": "mg/dL", "high": 1.2})),
        Outcome::Met
    );
    assert_eq!(
        outcome(json!({"value": 1.8, "unit": "mg/dL", "high": 1.2})),
        Outcome::NotMet
    );
    assert_eq!(outcome(json!("1.7 mg/dL")), Outcome::Unknown);
}

// --- CSV --------------------------------------------------------------------

#[test]
fn quantities_in_text_split_where_the_unit_starts() {
    let p = program("fields { neutrophils: 10*9/L, dose: mg }");
    for (text, expected) in [
        ("1500 /uL", 1.5),
        ("1500/uL", 1.5),
        ("1.5 10^9/L", 1.5),
        ("1.5 10*9/L", 1.5),
        ("+1.5", 1.5),
        ("15e-1", 1.5),
        ("1.", 1.0),
        (".5", 0.5),
    ] {
        assert_eq!(
            read_ok(&p, "neutrophils", json!(text)),
            quantity(expected),
            "{text}"
        );
    }
    assert_eq!(read_ok(&p, "dose", json!("+.5e-3 g")), quantity(0.5));
    for text in [".", "-", "e5 mg", "five mg"] {
        read_bad(&p, "dose", json!(text), "does not start with a number");
    }
}

/// serde_json reads this literal 1 ULP off unless its `float_roundtrip`
/// feature is on; the checker reads it exactly.
#[test]
fn json_numbers_are_read_exactly() {
    let p = fields();
    let text = "6.00816342460030e-9";
    let read = from_json_str(
        &p,
        &format!(r#"{{"ratio": {text}, "hemoglobin": {text}}}"#),
        1,
    );
    let literal: f64 = text.parse().unwrap();
    assert_eq!(get(&p, &read, "ratio"), FieldValue::Number(literal));
    assert_eq!(get(&p, &read, "hemoglobin"), quantity(literal));
}

// --- Properties -------------------------------------------------------------
