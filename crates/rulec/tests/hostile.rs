//! Hostile input: rule files mutated from every fixture and example, any
//! JSON as records, exponential defines, huge literals, files and values.
//! Nothing here may panic, hang or overflow the stack; each gives a
//! diagnostic or a data error (docs/robustness.md lists the limits).

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers fail the test by panicking, as an assertion would"
)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jiff::civil::date;
use proptest::prelude::*;
use rulec::check::{NoImports, Program, check};
use rulec::compile::compile;
use rulec::eval::{evaluate, explain};
use rulec::records::{from_csv, from_json_str};
use rulec::schema::{FieldValue, Record};
use rulec::syntax::{SyntaxError, format, parse};
use serde_json::Value;

const INDEX: jiff::civil::Date = date(2026, 1, 15);

/// Every rule file of the fixtures and examples.
fn corpus() -> &'static [String] {
    static CORPUS: OnceLock<Vec<String>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        collect(&root.join("tests/fixtures"), &mut files);
        collect(&root.join("examples"), &mut files);
        files.sort();
        let texts: Vec<String> = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        assert!(texts.len() > 100, "{} rule files", texts.len());
        texts
    })
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rules") {
            out.push(path);
        }
    }
}

/// Units a mutation swaps in: right, wrong and malformed.
const UNITS: &[&str] = &[
    "g/L", "g/dL", "mmol/L", "umol/L", "%", "[degF]", "Cel", "K", "10*9/L", "mg", "h", "a", "mo",
    "d", "kg/m2", "/", "g//L", "10*400", "1e400", "[foo]", "m(", "",
];

/// One change to a rule file's tokens.
#[derive(Clone, Debug)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Unit(usize, usize),
    Insert(usize, String),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), 0..UNITS.len()).prop_map(|(at, u)| Mutation::Unit(at, u)),
        (any::<usize>(), any::<String>()).prop_map(|(at, s)| Mutation::Insert(at, s)),
        (any::<usize>(), "[(){}\"#:<>=!*/x ]{1,4}").prop_map(|(at, s)| Mutation::Insert(at, s)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

/// The source split into tokens and the space between them.
fn tokens(source: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut last_space = None;
    for c in source.chars() {
        let space = c.is_whitespace();
        match out.last_mut() {
            Some(t) if last_space == Some(space) && !"(){}\",".contains(c) => t.push(c),
            _ => out.push(c.to_string()),
        }
        last_space = Some(space);
    }
    out
}

fn mutate(source: &str, mutations: &[Mutation]) -> String {
    let mut tokens = tokens(source);
    for m in mutations {
        if tokens.is_empty() {
            break;
        }
        let n = tokens.len();
        match m {
            Mutation::Delete(at) => {
                tokens.remove(at % n);
            }
            Mutation::Duplicate(at) => {
                let t = tokens[at % n].clone();
                tokens.insert(at % n, t);
            }
            Mutation::Unit(at, unit) => {
                // The next token that looks like a unit, or any token.
                let start = at % n;
                let i = (start..n)
                    .find(|i| tokens[*i].contains('/') || tokens[*i] == "%")
                    .unwrap_or(start);
                tokens[i] = UNITS[*unit].to_owned();
            }
            Mutation::Insert(at, text) => tokens.insert(at % (n + 1), text.clone()),
            Mutation::Truncate(at) => tokens.truncate(at % n),
        }
    }
    tokens.concat()
}

/// Everything a rule file goes through, end to end: parse, format, check,
/// compile, and evaluate records (all missing, and one read from `json`)
/// compiled, by the reference and with explanations.
fn run_everything(source: &str, json: &str) {
    let _ = format(source);
    let Ok(file) = parse(source) else { return };
    let checked = check(&file, &NoImports);
    let Some(program) = checked.program else {
        return;
    };
    screen(&program, json);
}

fn screen(program: &Program, json: &str) {
    let compiled = compile(program);
    let empty = Record::new(&program.schema);
    let read = from_json_str(program, json, 1).record;
    for record in [&empty, &read] {
        let reference = evaluate(program, record, INDEX);
        assert_eq!(compiled.evaluate(record, INDEX).unwrap(), reference);
        assert_eq!(compiled.status(record, INDEX).unwrap(), reference.status());
        let _ = explain(program, record, INDEX);
    }
}

/// A JSON object with some of the fields a rule file may declare.
fn record_json() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "id",
        "age",
        "hemoglobin",
        "creatinine",
        "kps",
        "sex",
        "pregnant",
        "birth_date",
        "therapies",
        "diagnosis",
        "markers",
        "bilirubin",
        "x",
        "a",
    ]);
    let value = prop_oneof![
        Just("null".to_owned()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<f64>().prop_map(|x| Value::from(x).to_string()),
        (-500i64..500).prop_map(|x| x.to_string()),
        ".{0,8}".prop_map(|s| Value::from(s).to_string()),
        Just("\"8.5 g/dL\"".to_owned()),
        Just("\"2024-02-29\"".to_owned()),
        Just("[\"rrmm\", \"BCMA\"]".to_owned()),
        Just("[{\"class\": \"car_t\", \"failed\": true}]".to_owned()),
        Just("{\"value\": 1.5, \"unit\": \"mg/dL\", \"high\": 1.2}".to_owned()),
    ];
    prop::collection::vec((key, value), 0..8).prop_map(|pairs| {
        let body: Vec<String> = pairs.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
        format!("{{{}}}", body.join(", "))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Rule files one to three edits away from a real one — tokens
    /// deleted or repeated, units swapped, text inserted, cut short — go
    /// through every stage without a panic, and what compiles agrees with
    /// the reference.
    #[test]
    fn mutated_rule_files_never_panic(
        pick in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
        json in record_json(),
    ) {
        let source = pick.get(corpus());
        run_everything(&mutate(source, &mutations), &json);
    }

    /// Any JSON object as a record of the seed trial: every path agrees
    /// and none panics.
    #[test]
    fn any_json_record_of_the_seed_trial_is_screened(json in record_json()) {
        screen(seed(), &json);
    }

    /// Any CSV text against the seed trial: a record per row, none
    /// panics.
    #[test]
    fn any_csv_of_the_seed_trial_is_screened(
        header in prop::collection::vec(
            prop::sample::select(vec!["id", "kps", "hemoglobin [g/dL]", "sex", "markers", "x", ""]),
            0..5,
        ),
        rows in prop::collection::vec(prop::collection::vec("[a-z0-9.;, \"\\[\\]/-]{0,8}", 0..6), 0..5),
    ) {
        let mut text = header.join(",");
        for row in &rows {
            text.push('\n');
            text.push_str(&row.join(","));
        }
        if let Ok(records) = from_csv(seed(), text.as_bytes()) {
            for read in records {
                let reference = evaluate(seed(), &read.record, INDEX);
                prop_assert_eq!(
                    compile(seed()).status(&read.record, INDEX).unwrap(),
                    reference.status()
                );
            }
        }
    }
}

fn seed() -> &'static Program {
    static SEED: OnceLock<Program> = OnceLock::new();
    SEED.get_or_init(|| {
        let source = include_str!("../../../examples/nct03473496.rules");
        check(&parse(source).unwrap(), &NoImports).program.unwrap()
    })
}

/// `define a1: a0 and a0`, … `a40`: inlined, the last would be 2^40
/// leaves. Checking, compiling, evaluating, explaining and formatting all
/// finish: each define is computed once per record and explained once per
/// criterion, then named. (At 16 levels first, where an exponential
/// explanation would already be megabytes: a regression fails there
/// rather than hanging at 40.)
#[test]
fn exponential_defines_take_linear_time() {
    for levels in [16, 40] {
        let mut source = String::from(
            "fields { x: number, f: bool }
define a0: x > 1 or f
",
        );
        source.push_str(
            "define n0: x * 2
",
        );
        for i in 1..=levels {
            let j = i - 1;
            source.push_str(&format!(
                "define a{i}: a{j} and a{j}
define n{i}: n{j} + n{j}
"
            ));
        }
        source.push_str(&format!(
            "inclusion {{ c: a{levels}
 n: n{levels} > 1 }}
exclusion {{ d: not a{levels} }}
"
        ));
        let program = check(&parse(&source).unwrap(), &NoImports).program.unwrap();
        for json in [r#"{"x": 2}"#, r#"{"x": 0, "f": false}"#, "{}"] {
            screen(&program, json);
            let explained = explain(&program, &from_json_str(&program, json, 1).record, INDEX);
            let text: usize = explained.explanations.iter().map(String::len).sum();
            assert!(
                text < 200 * levels,
                "{levels} levels: {text} bytes of explanation"
            );
        }
        assert!(format(&source).unwrap().len() < 2 * source.len());
    }
}

/// A number beyond an `f64` is an error at the literal; one that
/// underflows is zero; a threshold that overflows once converted into the
/// field's unit is a warning that the criterion cannot be met.
#[test]
fn numbers_out_of_range_are_diagnostics() {
    for (condition, error) in [
        ("h > 1e400 g/L", Some("expected a number an f64 can hold")),
        ("h < 10 x 1e400", Some("expected")),
        ("h > 1e-400 g/L", None),
        ("h > 1e308 kg/L", None),
        ("h * 1e300 > 1e300 g/L", None),
    ] {
        let source = format!("fields {{ h: g/L }}\ninclusion {{ c: {condition} }}");
        let found = match parse(&source) {
            Err(e) => Some(e.to_string()),
            Ok(file) => {
                let checked = check(&file, &NoImports);
                match checked.program {
                    Some(program) => {
                        screen(&program, r#"{"h": 80}"#);
                        None
                    }
                    None => checked.errors().next().map(ToString::to_string),
                }
            }
        };
        match (error, found) {
            (None, None) => {}
            (Some(want), Some(found)) => assert!(found.contains(want), "{condition}: {found}"),
            (want, found) => panic!("{condition}: wanted {want:?}, found {found:?}"),
        }
    }
}

/// Unknown names are all reported, but only the first hundred get a
/// did-you-mean: each guess compares the name with every field.
#[test]
fn did_you_mean_is_bounded_per_file() {
    let mut source = String::from("fields {\n");
    for i in 0..2_000 {
        source.push_str(&format!("  f{i}_flag: bool\n"));
    }
    source.push_str("}\ninclusion {\n");
    for i in 0..300 {
        source.push_str(&format!("  c{i}: f{i}_flg\n"));
    }
    source.push_str("}\n");
    let checked = check(&parse(&source).unwrap(), &NoImports);
    let helps: Vec<bool> = checked
        .diagnostics
        .iter()
        .filter_map(|d| match d {
            rulec::check::CheckError::UnknownName { help, .. } => Some(help.is_some()),
            _ => None,
        })
        .collect();
    assert_eq!(helps.len(), 300);
    assert_eq!(helps.iter().filter(|h| **h).count(), 100);
}

/// Files past the size limit (50 MB, or a million criteria) are refused
/// at once, before any parsing.
#[test]
fn huge_rule_files_are_refused_with_a_message() {
    let big = format!("fields {{ x: number }}\n# {}\n", "x".repeat(50 << 20));
    let mut million = String::from("fields { x: bool }\ninclusion {\n");
    for i in 0..1_000_000 {
        million.push_str(&format!("  c{i}: x\n"));
    }
    million.push_str("}\n");
    for source in [big, million] {
        match parse(&source) {
            Err(SyntaxError::TooLarge { size, limit }) => {
                assert_eq!(size, source.len());
                assert_eq!(limit, rulec::syntax::MAX_SOURCE_LEN);
            }
            other => panic!("{:?}", other.map(|f| f.items.len())),
        }
    }
}

/// A large file under the limit checks: 20,000 criteria.
#[test]
fn twenty_thousand_criteria_check_and_screen() {
    let mut source = String::from("fields { x: number, f: bool }\ninclusion {\n");
    for i in 0..20_000 {
        source.push_str(&format!("  c{i}: x > {i} or f\n"));
    }
    source.push_str("}\n");
    let program = check(&parse(&source).unwrap(), &NoImports).program.unwrap();
    assert_eq!(program.criteria.len(), 20_000);
    screen(&program, r#"{"x": 10000.5, "f": false}"#);
}

/// Record values that no field can hold are data errors for that record
/// and field, with short messages; the record still comes back.
#[test]
fn hostile_record_values_are_data_errors() {
    let program = check(
        &parse("fields { t: text, h: g/L, n: number, f: bool }\ninclusion { c: h > 1 g/L }")
            .unwrap(),
        &NoImports,
    )
    .program
    .unwrap();
    let huge = "9".repeat(10 << 20);
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let cases: Vec<(String, &str)> = vec![
        (format!(r#"{{"t": "{huge}"}}"#), ""),
        (format!(r#"{{"h": "{huge} g/L"}}"#), "h"),
        // serde_json reads a number of ten million digits as out of range.
        (format!(r#"{{"h": {huge}}}"#), "(record)"),
        (format!(r#"{{"n": {deep}}}"#), "(record)"),
        (deep.clone(), "(record)"),
        (r#"{"n": 1e400}"#.to_owned(), "(record)"),
        (r#"{"n": NaN}"#.to_owned(), "(record)"),
        (r#"{"n": "Infinity"}"#.to_owned(), "n"),
        (r#"{"f": "yes"}"#.to_owned(), "f"),
        (r#"{"h": [80]}"#.to_owned(), "h"),
        (
            r#"{"h": {"value": 80, "unit": "g/L", "high": 90}}"#.to_owned(),
            "h",
        ),
    ];
    for (json, field) in cases {
        let read = from_json_str(&program, &json, 7);
        let errors: Vec<_> = read.errors.iter().map(|e| e.field.as_str()).collect();
        if field.is_empty() {
            assert!(errors.is_empty(), "{errors:?}");
        } else {
            assert_eq!(errors, [field], "{}", &json[..json.len().min(40)]);
        }
        for error in &read.errors {
            assert!(error.to_string().len() < 400, "{error}");
        }
        screen(&program, &json);
    }
    // A key given twice: neither value counts.
    let read = from_json_str(&program, r#"{"n": 1, "n": 2}"#, 1);
    assert_eq!(
        *read.record.get(rulec::schema::Slot(2)),
        FieldValue::Missing
    );
    assert_eq!(read.errors[0].reason, "`n` is given twice");
    // Not-a-number, infinities and fractions are refused by the API too.
    let mut record = Record::new(&program.schema);
    for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert!(record.set("n", FieldValue::Number(v)).is_err());
        let q = FieldValue::Quantity {
            value: v,
            low: None,
            high: None,
        };
        assert!(record.set("h", q).is_err());
    }
    // CSV cells that Rust would read as numbers but are not values.
    let csv = "n,h\nNaN,inf\n-inf,1e400\n";
    for read in from_csv(&program, csv.as_bytes()).unwrap() {
        assert_eq!(read.errors.len(), 2, "{:?}", read.errors);
    }
}
