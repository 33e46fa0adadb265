//! CSV records: units in headers, empty cells, malformed and ragged rows.

use super::*;

fn csv(program: &Program, text: &str) -> Vec<ReadRecord> {
    from_csv(program, text.as_bytes()).unwrap().collect()
}

#[test]
fn csv_reads_every_kind_of_cell() {
    let p = fields();
    let text = "\
id,hemoglobin [g/dL],creatinine [mg/dL],creatinine.low,creatinine.high [umol/L],kps,ratio,pregnant,birth_date,note,sex,serologies
p1, 8.5 ,1.0,0.6,106,90,1.25,yes,1970-05-01,seen twice,female,hiv;hcv
p2,,,,,,,No,,,,{}
p3,85 g/L,88 umol/L,,,0,-2,TRUE,2000-02-29,\"a, b\",male, hbv ; hiv
";
    let reads = csv(&p, text);
    assert_eq!(reads.len(), 3);
    for read in &reads {
        assert_eq!(read.errors, [], "{:?}", read.id);
    }
    let c = |v| convert_molar("mg/dL", "umol/L", "113.12", v);
    let p1 = &reads[0];
    assert_eq!(p1.id.as_deref(), Some("p1"));
    assert_eq!(get(&p, p1, "hemoglobin"), quantity(85.0));
    assert_eq!(
        get(&p, p1, "creatinine"),
        FieldValue::Quantity {
            value: c(1.0),
            // The low column has no unit: the unit of the creatinine column.
            low: Some(c(0.6)),
            // The high column has its own.
            high: Some(106.0),
        }
    );
    assert_eq!(get(&p, p1, "kps"), FieldValue::Number(90.0));
    assert_eq!(get(&p, p1, "ratio"), FieldValue::Number(1.25));
    assert_eq!(get(&p, p1, "pregnant"), FieldValue::Bool(true));
    assert_eq!(
        get(&p, p1, "birth_date"),
        FieldValue::Date(date(1970, 5, 1))
    );
    assert_eq!(
        get(&p, p1, "note"),
        FieldValue::Text("seen twice".to_owned())
    );
    assert_eq!(get(&p, p1, "sex"), FieldValue::Member(0));
    assert_eq!(get(&p, p1, "serologies"), FieldValue::Members(vec![0, 2]));
    // Empty cells are missing; `{}` is the empty set.
    let p2 = &reads[1];
    assert_eq!(get(&p, p2, "hemoglobin"), FieldValue::Missing);
    assert_eq!(get(&p, p2, "creatinine"), FieldValue::Missing);
    assert_eq!(get(&p, p2, "pregnant"), FieldValue::Bool(false));
    assert_eq!(get(&p, p2, "serologies"), FieldValue::Members(vec![]));
    // A cell's own unit wins over the column's.
    let p3 = &reads[2];
    assert_eq!(get(&p, p3, "hemoglobin"), quantity(85.0));
    assert_eq!(get(&p, p3, "creatinine"), quantity(88.0));
    assert_eq!(get(&p, p3, "kps"), FieldValue::Number(0.0));
    assert_eq!(get(&p, p3, "note"), FieldValue::Text("a, b".to_owned()));
    assert_eq!(get(&p, p3, "serologies"), FieldValue::Members(vec![0, 1]));
}

#[test]
fn csv_unit_in_the_header_and_an_empty_cell() {
    let p = program(
        "fields { hemoglobin: g/L, pregnant: bool }
         inclusion { hb: hemoglobin > 80 g/L }
         exclusion { pregnancy: pregnant }",
    );
    let reads = csv(
        &p,
        "id,hemoglobin [g/dL],pregnant\nr1,9.1,no\nr2,,no\nr3,7.9,\n",
    );
    let verdicts: Vec<_> = reads
        .iter()
        .map(|r| {
            assert_eq!(r.errors, []);
            evaluate(&p, &r.record, INDEX)
        })
        .collect();
    assert_eq!(
        verdicts.iter().map(|v| v.status()).collect::<Vec<_>>(),
        [
            rulec::eval::Status::Eligible,
            rulec::eval::Status::Undetermined,
            rulec::eval::Status::Ineligible
        ]
    );
    assert_eq!(verdicts[1].missing(), ["hemoglobin"]);
}

#[test]
fn csv_malformed_cells_are_data_errors_and_the_batch_goes_on() {
    let p = fields();
    let text = "\
id,hemoglobin,kps,pregnant,birth_date,sex,serologies,creatinine,creatinine.high
r1,8.5 mmol/L,50,maybe,2026-13-01,Male,hiv;;hcv,80,1.2 g
r2,90,50.5,yes,1970-01-01,male,hiv,80,abc
,90,1e3,yes,1970-01-01,male,hiv,80,100
";
    let reads = csv(&p, text);
    assert_eq!(reads.len(), 3);
    let shown: Vec<Vec<String>> = reads
        .iter()
        .map(|r| r.errors.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(
        shown[0],
        [
            "record `r1`, field `hemoglobin`: cannot convert `mmol/L` (substance concentration) to `g/L` (mass concentration); a mass and a substance concentration convert only through a molar mass: declare it after the field's unit, as in `creatinine: umol/L, molar mass 113.12 g/mol`",
            "record `r1`, field `creatinine`: upper limit of normal (`creatinine.high`): cannot convert `g` (mass) to `umol/L` (substance concentration)",
            "record `r1`, field `pregnant`: `maybe` is not a yes/no value (true/false, yes/no, 1/0)",
            "record `r1`, field `birth_date`: `2026-13-01` is not a day of the calendar",
            "record `r1`, field `sex`: `Male` is not one of {female, male}; did you mean `male`?",
            "record `r1`, field `serologies`: `hiv;;hcv` has an empty member; separate members with `;`, and write `{}` for none",
        ]
    );
    assert_eq!(
        shown[1],
        [
            "record `r2`, field `creatinine`: upper limit of normal (`creatinine.high`): `abc` does not start with a number",
            "record `r2`, field `kps`: 50.5 is not a whole number",
        ]
    );
    // The third row has no id: it is named by its row.
    assert_eq!(
        shown[2],
        ["record 3, field `kps`: 1000 is outside the declared range 0..100"]
    );
    assert_eq!(reads[2].name(), RecordName::Position(3));
    // What could be read was read.
    assert_eq!(get(&p, &reads[0], "kps"), FieldValue::Number(50.0));
    assert_eq!(get(&p, &reads[0], "creatinine"), FieldValue::Missing);
    assert_eq!(
        get(&p, &reads[2], "creatinine"),
        FieldValue::Quantity {
            value: 80.0,
            low: None,
            high: Some(100.0)
        }
    );
}

#[test]
fn csv_bad_columns_are_data_errors_in_each_record_that_fills_them() {
    let p = fields();
    let text = "\
id,hemoglobin [mg/dX],hemoglobn,therapies,kps [mg],alt.low,pregnant,pregnant,bilirubin [
r1,80,1,x,5,,yes,no,1
r2,,,,,,,,
";
    let reads = csv(&p, text);
    let shown: Vec<String> = reads[0].errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "record `r1`, field `hemoglobin`: the unit in the header `hemoglobin`: unknown unit `dX` in `mg/dX`; did you mean `d`?",
            "record `r1`, field `hemoglobn`: no field `hemoglobn` is declared; did you mean `hemoglobin`?",
            "record `r1`, field `therapies`: `therapies` is a list, which a CSV cell cannot hold; read records with lists from JSON",
            "record `r1`, field `kps`: `kps` is not a quantity, so its header takes no unit",
            "record `r1`, field `pregnant`: `pregnant` is given twice (columns 7 and 8)",
            "record `r1`, field `bilirubin [`: the header `bilirubin [` does not end in a unit in brackets, such as `hemoglobin [g/dL]`",
        ]
    );
    // Neither `pregnant` column is believed.
    assert_eq!(get(&p, &reads[0], "pregnant"), FieldValue::Missing);
    // A bad column with an empty cell says nothing.
    assert_eq!(reads[1].errors, []);
    // A range on a field without one.
    let reads = csv(&p, "hemoglobin,hemoglobin.high\n80,90\n");
    assert_eq!(
        reads[0].errors[0].to_string(),
        "record 1, field `hemoglobin`: `hemoglobin` is not declared `with normal range`, so its values take no lower or upper limit"
    );
    assert_eq!(get(&p, &reads[0], "hemoglobin"), quantity(80.0));
}

#[test]
fn csv_ragged_row_is_a_data_error_for_that_record() {
    let p = fields();
    let reads = csv(
        &p,
        "id,hemoglobin,kps\nr1,80,50\nr2,80\nr3,80,50,7\nr4,90,60\n",
    );
    assert_eq!(reads.len(), 4);
    assert_eq!(reads[0].errors, []);
    assert_eq!(
        reads[1].errors[0].to_string(),
        "record 2: line 3 has 2 cells where the header has 3, so the row is not read"
    );
    assert_eq!(reads[1].errors[0].field, WHOLE_RECORD);
    assert_eq!(get(&p, &reads[1], "hemoglobin"), FieldValue::Missing);
    assert_eq!(
        reads[2].errors[0].to_string(),
        "record 3: line 4 has 4 cells where the header has 3, so the row is not read"
    );
    assert_eq!(reads[3].errors, []);
    assert_eq!(reads[3].id.as_deref(), Some("r4"));
    assert_eq!(get(&p, &reads[3], "hemoglobin"), quantity(90.0));
}

#[test]
fn csv_edge_inputs() {
    let p = fields();
    // Nothing, or a header alone: no records.
    assert_eq!(csv(&p, "").len(), 0);
    assert_eq!(csv(&p, "id,hemoglobin\n").len(), 0);
    // A byte-order mark does not hide the first column's name.
    let reads = csv(&p, "\u{feff}id,hemoglobin\nr1,80\n");
    assert_eq!(reads[0].id.as_deref(), Some("r1"));
    assert_eq!(reads[0].errors, []);
    // A row of empty cells is a record with every field missing.
    let reads = csv(&p, "id,hemoglobin\nr1,80\n,\n");
    assert_eq!(reads.len(), 2);
    assert_eq!(reads[1].name(), RecordName::Position(2));
    // A cell that is not UTF-8.
    let reads: Vec<ReadRecord> = from_csv(&p, &b"id,note\nr1,caf\xe9\n"[..])
        .unwrap()
        .collect();
    assert_eq!(
        reads[0].errors[0].to_string(),
        "record `r1`, field `note`: the cell is not UTF-8 text"
    );
    // CRLF line ends.
    let reads = csv(&p, "id,kps\r\nr1,5\r\n");
    assert_eq!(get(&p, &reads[0], "kps"), FieldValue::Number(5.0));
}

#[test]
fn csv_reading_that_fails_part_way_ends_with_a_record_saying_so() {
    struct Failing(&'static [u8]);
    impl std::io::Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::Error::other("disk on fire"));
            }
            let n = self.0.len().min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let p = fields();
    let reads: Vec<ReadRecord> = from_csv(&p, Failing(b"id,kps\nr1,5\nr2,"))
        .unwrap()
        .collect();
    assert_eq!(reads.len(), 2, "{reads:#?}");
    assert_eq!(reads[0].errors, []);
    assert_eq!(reads[1].errors[0].field, WHOLE_RECORD);
    assert!(
        reads[1].errors[0].reason.contains("disk on fire"),
        "{}",
        reads[1].errors[0]
    );
    let error = from_csv(&p, Failing(b"id,kp")).unwrap_err();
    assert!(error.to_string().contains("disk on fire"), "{error}");
}

/// The errors of each record, as shown.
fn shown(reads: &[ReadRecord]) -> Vec<Vec<String>> {
    reads
        .iter()
        .map(|r| r.errors.iter().map(ToString::to_string).collect())
        .collect()
}

/// A field given by two columns is ambiguous, whatever their units: in
/// each row that fills either, one data error names the columns and the
/// field is missing; the rest of the record is read.
#[test]
fn csv_a_field_given_twice_is_missing_with_a_data_error() {
    let p = fields();
    let text = "\
id,hemoglobin,kps,creatinine,hemoglobin [g/dL],creatinine.low,creatinine.low [mg/dL],kps,kps
r1,80,50,90,8.5,40,0.5,50,60
r2,,,90,,,,,
r3,80,,,,,,,
";
    let reads = csv(&p, text);
    assert_eq!(
        shown(&reads),
        [
            vec![
                "record `r1`, field `hemoglobin`: `hemoglobin` is given twice (columns 2 and 5)",
                "record `r1`, field `kps`: `kps` is given 3 times (columns 3, 8 and 9)",
                "record `r1`, field `creatinine`: `creatinine.low` is given twice (columns 6 and 7)",
            ],
            // Empty cells give nothing to doubt.
            vec![],
            vec!["record `r3`, field `hemoglobin`: `hemoglobin` is given twice (columns 2 and 5)"],
        ]
    );
    for field in ["hemoglobin", "kps", "creatinine"] {
        assert_eq!(get(&p, &reads[0], field), FieldValue::Missing, "{field}");
    }
    assert_eq!(reads[0].id.as_deref(), Some("r1"));
    assert_eq!(get(&p, &reads[1], "creatinine"), quantity(90.0));

    // Two `id` columns: the record is named by its row.
    let reads = csv(&p, "id,kps,id\nr1,50,r1\n,60,\n");
    assert_eq!(
        shown(&reads),
        [
            vec!["record 1, field `id`: `id` is given twice (columns 1 and 3)"],
            vec![],
        ]
    );
    assert_eq!(get(&p, &reads[0], "kps"), FieldValue::Number(50.0));
}

/// A `"` opened on p2's id and closed on p4's: the `csv` crate reads p2 to
/// p4 as one row, named `p2` with p4's values. Each line is a record of
/// its own, with a data error naming the lines the quote spans.
#[test]
fn csv_a_stray_quote_merges_no_patients() {
    let p = fields();
    let text = "id,kps\np1,40\n\"p2,30\np3,16\np4\",50\np5,60\n";
    let reads = csv(&p, text);
    assert_eq!(reads.len(), 5, "{reads:#?}");
    let positions: Vec<usize> = reads.iter().map(|r| r.position).collect();
    assert_eq!(positions, [1, 2, 3, 4, 5]);
    assert_eq!(reads[0].id.as_deref(), Some("p1"));
    assert_eq!(reads[4].id.as_deref(), Some("p5"));
    assert_eq!(get(&p, &reads[4], "kps"), FieldValue::Number(60.0));
    assert_eq!(reads[0].errors, []);
    assert_eq!(reads[4].errors, []);
    for (read, line) in reads[1..4].iter().zip(3..) {
        assert_eq!(read.id, None);
        assert_eq!(get(&p, read, "kps"), FieldValue::Missing);
        assert_eq!(read.errors.len(), 1);
        assert_eq!(read.errors[0].field, WHOLE_RECORD);
        assert_eq!(
            read.errors[0].reason,
            format!(
                "a quoted cell opened on line 3 closes on line 5: lines 3–5 were read as one row, \
                 and a cell may not span lines (is a `\"` stray?), so none of them is read, \
                 this one (line {line}) among them"
            )
        );
    }
    // Blank lines inside are skipped as anywhere else; CRLF ends lines too.
    let reads = csv(&p, "id,kps\r\n\"p1,40\r\n\r\np2,50\r\np3,\"60\r\np4,1\r\n");
    assert_eq!(reads.len(), 4, "{reads:#?}");
    for (read, line) in reads[..3].iter().zip([2, 4, 5]) {
        let reason = &read.errors[0].reason;
        assert!(
            reason.contains("lines 2–5 were read as one row"),
            "{reason}"
        );
        assert!(reason.contains(&format!("(line {line})")), "{reason}");
    }
    assert_eq!(reads[3].id.as_deref(), Some("p4"));
    // A quote still open at the end of the input is reported.
    let reads = csv(&p, "id,kps\np1,1\np2,\"60\n");
    assert_eq!(reads.len(), 2);
    assert_eq!(
        reads[1].errors[0].reason,
        "a quoted cell opened on line 3 is not closed by the end of the input: \
         a cell may not span lines (is a `\"` stray?), so line 3 is not read"
    );
    let reads = csv(&p, "id,kps\np1,1\np2,\"60\np3,1\n\n");
    assert_eq!(reads.len(), 3);
    assert!(
        reads[2].errors[0]
            .reason
            .ends_with("so lines 3–4 are not read, this one (line 4) among them")
    );
    // Quotes on one line are read as before: commas, `""`, text after the
    // closing quote, a quote inside an unquoted cell.
    let reads = csv(
        &p,
        "id,note\n\"p1\",\"a, \"\"b\"\"\"\np2,5'6\"\np3,\"x\"y\n",
    );
    assert_eq!(shown(&reads), [Vec::<String>::new(), vec![], vec![]]);
    assert_eq!(
        get(&p, &reads[0], "note"),
        FieldValue::Text("a, \"b\"".to_owned())
    );
    assert_eq!(
        get(&p, &reads[1], "note"),
        FieldValue::Text("5'6\"".to_owned())
    );
    assert_eq!(
        get(&p, &reads[2], "note"),
        FieldValue::Text("xy".to_owned())
    );
}

/// An unclosed quote does not swallow the rest of a large input: it is
/// read past for at most 1 MiB, each line it spans is a record with a data
/// error, and reading goes on from the next line. Every line is a record.
#[test]
fn csv_an_unclosed_quote_is_given_up_after_a_mebibyte() {
    let p = fields();
    let mut text = String::from("id,kps\n\"p0,1\n");
    let lines = 200_000;
    for i in 1..lines {
        text.push_str(&format!("p{i},50\n"));
    }
    let mut count = 0;
    let mut spanned = 0;
    let mut last = None;
    for read in from_csv(&p, text.as_bytes()).unwrap() {
        count += 1;
        assert_eq!(read.position, count);
        if read.errors.is_empty() {
            assert_eq!(read.id, Some(format!("p{}", count - 1)));
        } else {
            spanned += 1;
            assert_eq!(count, spanned, "the records spanned come first");
            let reason = &read.errors[0].reason;
            assert!(
                reason.starts_with(
                    "a quoted cell opened on line 2 is still open after 1 MiB, on line "
                ),
                "{reason}"
            );
            last = Some(reason.clone());
        }
    }
    assert_eq!(count, lines);
    // Lines of 7 to 11 bytes: about 100,000 of them make 1 MiB.
    assert!((90_000..150_000).contains(&spanned), "{spanned}");
    let end = spanned + 1;
    assert!(
        last.unwrap().ends_with(&format!(
            "so lines 2–{end} are not read, this one (line {end}) among them; reading goes on from line {}",
            end + 1
        )),
    );
}

/// Limits: the columns of a header, the bytes of a row and of a cell.
#[test]
fn csv_columns_rows_and_cells_are_bounded() {
    use std::io::Read;
    let p = fields();
    let header = |n: usize| {
        let mut h = String::from("id");
        for i in 1..n {
            h.push_str(&format!(",c{i}"));
        }
        h.push('\n');
        h
    };
    let error = from_csv(&p, header(10_000).as_bytes()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the CSV header could not be read: it has 10000 columns, more than 4096, the most a CSV input may have"
    );
    let wide = format!("{}p1{}\n", header(4096), ",".repeat(4095));
    let reads = csv(&p, &wide);
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0].errors, []);
    // A row of 100,000 cells is one ragged row.
    let reads = csv(&p, &format!("id,kps\n{}\n", ",".repeat(99_999)));
    assert_eq!(
        reads[0].errors[0].reason,
        "line 2 has 100000 cells where the header has 2, so the row is not read"
    );

    // A row longer than 64 MiB (here of NUL bytes, as from /dev/zero) is
    // a record that is not read; the rows around it are.
    let input = b"id,kps\nr1,5\n"
        .chain(std::io::repeat(0).take((64 << 20) + 10))
        .chain(&b"\nr3,7\n"[..]);
    let reads: Vec<ReadRecord> = from_csv(&p, input).unwrap().collect();
    assert_eq!(reads.len(), 3);
    assert_eq!(
        reads[1].errors[0].to_string(),
        format!(
            "record 2: line 3 is longer than 64 MiB ({} bytes or more), the most a row may be, so it is not read",
            (64 << 20) + 11
        )
    );
    assert_eq!(get(&p, &reads[2], "kps"), FieldValue::Number(7.0));
    // The header too.
    let error = from_csv(&p, std::io::repeat(0).take(65 << 20)).unwrap_err();
    assert!(
        error.to_string().contains("line 1 is longer than 64 MiB"),
        "{error}"
    );

    // A cell of more than 1 MiB is a data error for its field.
    let long = "x".repeat((1 << 20) + 1);
    let reads = csv(&p, &format!("id,note,kps\nr1,{long},5\n"));
    assert_eq!(
        shown(&reads)[0],
        [
            "record `r1`, field `note`: the cell is longer than 1 MiB (1048577 bytes), the most a cell may be"
        ]
    );
    assert_eq!(get(&p, &reads[0], "kps"), FieldValue::Number(5.0));
}

/// A CSV cell is text: a whole number past ±2^53 is judged on its digits,
/// before it would round to a neighbour (2^53 + 1 reads as 2^53), as JSON
/// whole numbers are.
#[test]
fn csv_integers_beyond_2_to_the_53_are_data_errors() {
    let p = program("fields { n: integer }");
    for ok in ["9007199254740992", "-9007199254740992", "007", "60.0"] {
        let read = csv(&p, &format!("id,n\nr,{ok}\n"));
        assert_eq!(read[0].errors, [], "{ok}");
    }
    for bad in [
        "9007199254740993",
        "-9007199254740993",
        "123456789012345678901234",
    ] {
        let read = csv(&p, &format!("id,n\nr,{bad}\n"));
        let errors: Vec<String> = read[0].errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 1, "{bad}");
        assert!(
            errors[0].contains(&format!("{bad} is too large to be held exactly")),
            "{errors:?}"
        );
    }
}
