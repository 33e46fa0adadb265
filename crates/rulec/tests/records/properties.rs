//! No input makes a reader panic or lose a record.

use super::*;

/// Keys a generated record uses: its fields, near misses and others.
const KEYS: &[&str] = &[
    "id",
    "hemoglobin",
    "creatinine",
    "bilirubin",
    "alt",
    "kps",
    "ratio",
    "pregnant",
    "birth_date",
    "note",
    "sex",
    "serologies",
    "therapies",
    "class",
    "failed",
    "started",
    "value",
    "unit",
    "low",
    "high",
    "hemoglobn",
    "",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        (-200i64..200).prop_map(Value::from),
        prop::sample::select(vec![
            "8.5 g/dL",
            "2.0 mg/dL",
            "1e308 mg/dL",
            "85",
            "g/L",
            "mmol/L",
            "2026-02-29",
            "2024-02-29",
            "female",
            "hiv",
            "car_t",
            "",
            "8,5",
            "-0",
            "1e-400 g/L",
            "\u{0}",
        ])
        .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|pairs| {
                Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

fn decimal() -> impl Strategy<Value = String> {
    prop_oneof![
        "(0|[1-9][0-9]{0,5})\\.[0-9]{1,8}",
        "[1-9][0-9]{0,16}",
        "[1-9]\\.[0-9]{1,17}e-?[0-9]{1,2}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// No JSON value makes the reader panic, and each gives a record bound
    /// to the schema, whose errors all name it.
    #[test]
    fn any_json_value_gives_a_record(value in json_value(), position in 1usize..1000) {
        let p = fields();
        for read in [
            from_json(&p, &value, position),
            from_json_str(&p, &value.to_string(), position),
        ] {
            prop_assert_eq!(read.position, position);
            for error in &read.errors {
                prop_assert_eq!(&error.record, &read.name());
                prop_assert!(!error.reason.is_empty());
            }
            // The record is one of this schema: it evaluates.
            let _ = evaluate(&p, &read.record, INDEX);
        }
    }

    /// Reading JSON text in one pass gives what reading it into a `Value`
    /// first gives, unknown and escaped keys (`\u0069d` is `id`) included;
    /// a key given twice, which a `Value` cannot hold, is a data error
    /// instead and its field missing (a key that is not a field is
    /// reported once, however often given).
    #[test]
    fn json_text_is_read_as_its_value_is(
        pairs in prop::collection::vec((prop::sample::select(KEYS), json_value()), 0..10),
        escape in any::<bool>(),
        position in 1usize..1000,
    ) {
        let p = fields();
        let body: Vec<String> = pairs
            .iter()
            .map(|(k, v)| {
                let key = if escape { k.replace('i', "\\u0069") } else { (*k).to_owned() };
                format!("\"{key}\": {v}")
            })
            .collect();
        let text = format!("{{{}}}", body.join(", "));
        let twice = |key: &str| {
            (key == "id" || p.schema.slot(key).is_some())
                && pairs.iter().filter(|(k, _)| *k == key).count() > 1
        };
        let once: serde_json::Map<String, Value> = pairs
            .iter()
            .filter(|(k, _)| !twice(k))
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        let mut expected = from_json(&p, &Value::Object(once), position);
        let mut repeated: Vec<&str> = pairs.iter().map(|(k, _)| *k).filter(|k| twice(k)).collect();
        repeated.dedup();
        repeated.sort_unstable();
        repeated.dedup();
        for key in repeated {
            expected.errors.push(DataError {
                record: expected.name(),
                field: key.to_owned(),
                reason: format!("`{key}` is given twice"),
            });
        }
        let mut read = from_json_str(&p, &text, position);
        for errors in [&mut read.errors, &mut expected.errors] {
            errors.sort_by(|a, b| (&a.field, &a.reason).cmp(&(&b.field, &b.reason)));
        }
        prop_assert_eq!(read, expected);
    }

    /// No CSV text makes the reader panic; every row gives a record.
    #[test]
    fn any_csv_gives_a_record_per_row(
        header in prop::collection::vec(prop::sample::select(KEYS), 1..6),
        rows in prop::collection::vec(prop::collection::vec("[a-z0-9 ;.\\-/\\[\\]]{0,8}", 0..7), 0..5),
    ) {
        let p = fields();
        let mut text = format!("id,{}", header.join(","));
        for row in &rows {
            text.push('\n');
            text.push_str(&row.join(","));
        }
        text.push('\n');
        let reads: Vec<ReadRecord> = from_csv(&p, text.as_bytes()).unwrap().collect();
        // csv skips empty lines: a row of no cells is no record.
        let expected = rows.iter().filter(|r| !r.join(",").is_empty()).count();
        prop_assert_eq!(reads.len(), expected);
        for read in &reads {
            for error in &read.errors {
                prop_assert_eq!(&error.record, &read.name());
            }
        }
    }

    /// Whatever its quotes, every non-blank line after the header is one
    /// record, in order: a stray `"` merges no lines.
    #[test]
    fn any_csv_gives_a_record_per_line(
        header in prop::collection::vec(prop::sample::select(KEYS), 1..6),
        lines in prop::collection::vec("[a-z0-9 ,\"]{0,10}", 0..12),
        crlf in any::<bool>(),
    ) {
        let p = fields();
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("id,{}", header.join(","));
        for line in &lines {
            text.push_str(end);
            text.push_str(line);
        }
        let reads: Vec<ReadRecord> = from_csv(&p, text.as_bytes()).unwrap().collect();
        let expected = lines.iter().filter(|l| !l.is_empty()).count();
        prop_assert_eq!(reads.len(), expected);
        for (i, read) in reads.iter().enumerate() {
            prop_assert_eq!(read.position, i + 1);
        }
    }

    /// A number in JSON is the `f64` the checker reads from the same
    /// literal in a rule file, so a value written like a threshold
    /// compares equal to it.
    #[test]
    fn json_numbers_are_read_as_rule_literals(text in decimal()) {
        let p = fields();
        let read = from_json_str(&p, &format!(r#"{{"ratio": {text}}}"#), 1);
        let literal: f64 = text.parse().unwrap();
        if literal.is_finite() {
            prop_assert_eq!(get(&p, &read, "ratio"), FieldValue::Number(literal));
        }
    }
}
