//! The SQL back end against the closures, on real engines: programs and
//! records are exported as `rulec export` writes them (schema.sql,
//! load.sql, screen.sql and CSV files), run on PostgreSQL, DuckDB and
//! Spark SQL by `scripts/sql_run.py`, and every patient's status (each
//! cohort's too) and every criterion's outcome must equal
//! `Compiled::evaluate`'s.
//!
//! The cases: every trial in `examples/` with its sample patients; the
//! oracle's generated programs with generated records (those of
//! `tests/compile_oracle`: units, ties, calendar edges, lists in lists,
//! missing and empty lists); a file of hostile names and texts; and 10,000
//! generated patients of the seed trial.
//!
//! The engines come from `scripts/sql-engines start --spark`, whose
//! variables say where they are (`.ci/run` starts them). An engine that is
//! not there is skipped with a message, or fails the test when
//! `RULEC_REQUIRE_ENGINES=1`. `RULEC_KEEP_SQL_CASES=1` keeps the cases'
//! folders and says where they are.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail the test by panicking, as an assertion would"
)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use jiff::ToSpan;
use jiff::civil::{Date, date};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use rulec::check::{NoImports, Program, check};
use rulec::compile::compile;
use rulec::schema::{FieldType, FieldValue, Record, Schema};
use rulec::sql::{Dialect, Sql, file_name};
use rulec::syntax::parse;

#[path = "../compile_oracle/generate.rs"]
#[allow(dead_code, reason = "the oracle's generators, only some used here")]
mod generate;

#[path = "../../../../examples/patients/generate.rs"]
#[allow(dead_code, reason = "the generator's `main` is not run here")]
mod seed;

use generate::{build, record, source};

const INDEX: Date = date(2026, 1, 15);

/// Generated programs run on PostgreSQL and DuckDB, and on Spark (whose
/// every case costs about half a second).
const GENERATED: usize = 200;
const GENERATED_SPARK: usize = 40;
/// Records per generated program.
const RECORDS: usize = 25;
/// The seed trial's generated population.
const POPULATION: usize = 10_000;

/// A program and records to screen.
struct Case {
    name: String,
    source: String,
    program: Program,
    records: Vec<(String, Record)>,
    index: Date,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn program(source: &str) -> Option<Program> {
    check(&parse(source).ok()?, &NoImports).program
}

/// Every example trial with its sample patients, read as `rulec eval`
/// reads them.
fn examples() -> Vec<Case> {
    let mut cases = Vec::new();
    let dir = root().join("examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .collect();
    files.sort();
    for path in files {
        let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let patients = dir.join("patients").join(format!("{stem}.jsonl"));
        let Ok(lines) = std::fs::read_to_string(&patients) else {
            continue;
        };
        let rules = rulec::Rules::load(&path).unwrap();
        let program = rules.program().clone();
        let mut records = Vec::new();
        for (n, line) in lines.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let mut read = rulec::records::from_json_str(&program, line, n + 1);
            read.check_index_date(&program, INDEX);
            records.push((format!("line {}", n + 1), read.record));
        }
        cases.push(Case {
            name: stem,
            source: std::fs::read_to_string(&path).unwrap(),
            program,
            records,
            index: INDEX,
        });
    }
    assert!(cases.len() >= 6, "the examples were not found");
    cases
}

/// The oracle's generated programs, each with generated records screened
/// at one index date.
fn generated(count: usize) -> Vec<Case> {
    let mut runner = TestRunner::deterministic();
    let (sources, records) = (source(), prop::collection::vec(record(), RECORDS));
    let mut cases = Vec::new();
    while cases.len() < count {
        let text = sources.new_tree(&mut runner).unwrap().current();
        let Some(program) = program(&text) else {
            continue;
        };
        let gens = records.new_tree(&mut runner).unwrap().current();
        let index = gens[0].index;
        let records = gens
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let mut g = g.clone();
                // Dates the generator set relative to its own index move
                // with it, so that calendar edges stay edges; its fixed
                // dates (29 February, 31 January…) stay.
                let fixed = [date(2008, 2, 29), date(2000, 1, 31), date(2023, 2, 28)];
                if let Some(day) = g.day.filter(|d| !fixed.contains(d)) {
                    g.day = day.checked_add(g.index.until(index).unwrap()).ok();
                }
                g.index = index;
                // SQL has no censored values (rulec export writes them NULL,
                // docs/sql.md): the engines are held to plain ones.
                g.censor = (None, None);
                (format!("g{i}"), build(&program, &g))
            })
            .collect();
        cases.push(Case {
            name: format!("generated-{}", cases.len() + 1),
            source: text,
            program,
            records,
            index,
        });
    }
    cases
}

/// Names that are SQL keywords (cohorts' too), ids and texts that are
/// SQL.
fn hostile() -> Case {
    let source = r#"
fields {
  order: g/L with normal range
  select: bool
  group: one of { from, having, table }
  user: text
  end: set of { and, or }
  from: list of { select: bool, limit: integer 0..5 }
}
define case: order > 80 g/L
inclusion {
  table: case and select
}
cohort select "\"); DROP TABLE patients; --" {
  inclusion {
    join: user = "'); DROP TABLE patients; --"
  }
  exclusion {
    union: group in { from, table } or end has or
  }
}
cohort Group {
  exclusion {
    having: any from where select and limit > 2
    limit: order < 2 x ULN
  }
}
"#;
    let program = program(source).expect("the hostile file checks");
    let texts = [
        "'); DROP TABLE patients; --",
        "a\\b",
        "\"quoted\"",
        "comma, here",
        "line\nbreak",
        "",
        "  spaces  ",
        "ünïcödé",
    ];
    let ids = [
        "'); DROP TABLE patients; --",
        "\"",
        "a,b",
        "line\nbreak",
        "x\\y",
        "`tick`",
        "Ünï",
        "plain",
    ];
    let element_schema = |s: &Schema| match &s.field(s.slot("from").unwrap()).unwrap().ty {
        FieldType::ListOf(inner) => inner.clone(),
        _ => panic!("`from` is a list"),
    };
    let inner = element_schema(&program.schema);
    let records = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mut r = Record::new(&program.schema);
            let f = i as f64;
            r.set(
                "order",
                FieldValue::Quantity {
                    value: 60.0 + 10.0 * f,
                    low: None,
                    high: (i % 3 != 0).then_some(50.0),
                },
            )
            .unwrap();
            r.set("select", FieldValue::Bool(i % 2 == 0)).unwrap();
            if i % 4 != 3 {
                r.set("group", FieldValue::Member((i % 3) as u32)).unwrap();
            }
            r.set("user", FieldValue::Text(texts[i].to_owned()))
                .unwrap();
            r.set("end", FieldValue::Members(vec![(i % 2) as u32]))
                .unwrap();
            let elements = (0..i % 3)
                .map(|k| {
                    let mut e = Record::new(&inner);
                    e.set("select", FieldValue::Bool(k % 2 == 1)).unwrap();
                    e.set("limit", FieldValue::Number(((k + i) % 6) as f64))
                        .unwrap();
                    e
                })
                .collect();
            r.set("from", FieldValue::List(elements)).unwrap();
            ((*id).to_owned(), r)
        })
        .collect();
    Case {
        name: "hostile".to_owned(),
        source: source.to_owned(),
        program,
        records,
        index: INDEX,
    }
}

/// Whole units between dates and moments around month ends, both ways:
/// the calendar rules the engines' own functions get wrong.
fn calendar() -> Case {
    let mut criteria = String::new();
    let pairs = [
        ("day", "index"),
        ("index", "day"),
        ("day + 12 hours", "index"),
        ("index", "day + 12 hours"),
        ("day - 30 hours", "index - 6 hours"),
        ("index + 1.5 days", "day"),
    ];
    for (p, (a, b)) in pairs.iter().enumerate() {
        for (unit, most) in [
            ("years", 1),
            ("months", 3),
            ("weeks", 9),
            ("days", 3),
            ("hours", 2),
        ] {
            for k in 0..=most {
                criteria.push_str(&format!(
                    "  {unit}_{p}_{k}: {unit} between {a} and {b} = {k} {unit}\n"
                ));
            }
            criteria.push_str(&format!(
                "  {unit}_{p}_at_least: {unit} between {a} and {b} >= 1 {unit}\n"
            ));
        }
        criteria.push_str(&format!("  within_{p}: {a} within 36 hours before {b}\n"));
        criteria.push_str(&format!("  month_{p}: {a} + 1 months <= {b}\n"));
    }
    let source = format!(
        "fields {{ day: date, shift: days }}\n\
         define moved: day + shift\n\
         inclusion {{\n{criteria}  moved: moved within 1 months before index\n}}\n"
    );
    let program = program(&source).unwrap_or_else(|| panic!("the calendar file checks:\n{source}"));
    let index = date(2026, 3, 31);
    let mut records = Vec::new();
    let mut day = date(2024, 12, 20);
    while day <= date(2026, 7, 10) {
        let mut r = Record::new(&program.schema);
        r.set("day", FieldValue::Date(day)).unwrap();
        let n = records.len();
        if n % 5 != 0 {
            let value = [0.5, 1.0, -2.25, 31.0][n % 4];
            r.set(
                "shift",
                FieldValue::Quantity {
                    value,
                    low: None,
                    high: None,
                },
            )
            .unwrap();
        }
        records.push((format!("d{day}"), r));
        // Every day around the index date, then now and then.
        let step = if (index - day).get_days().abs() < 80 {
            1
        } else {
            9
        };
        day = day.checked_add(step.days()).unwrap();
    }
    Case {
        name: "calendar".to_owned(),
        source,
        program,
        records,
        index,
    }
}

/// Numbers beyond the double range: rulec makes a non-finite result
/// unknown, and so do DuckDB and Spark; PostgreSQL stops with an error
/// instead (docs/sql.md, "Limits") — never another answer.
fn overflow() -> Case {
    let source = "fields { x: number, y: number }\n\
                  inclusion {\n\
                  square: x * x > 1\n\
                  ratio: y / (x * x) < 1\n\
                  quotient: x / y >= 0\n\
                  }\n";
    let program = program(source).expect("the overflow file checks");
    let values = [(1e300, 2.0), (2.0, 1e-320), (-1e200, 0.0), (3.0, 4.0)];
    let records = values
        .iter()
        .enumerate()
        .map(|(i, (x, y))| {
            let mut r = Record::new(&program.schema);
            r.set("x", FieldValue::Number(*x)).unwrap();
            r.set("y", FieldValue::Number(*y)).unwrap();
            (format!("o{i}"), r)
        })
        .collect();
    Case {
        name: "overflow".to_owned(),
        source: source.to_owned(),
        program,
        records,
        index: INDEX,
    }
}

/// Functions of columns that hold one value and NULLs: an engine that
/// derives a function's range from its argument's (DuckDB does, for
/// `cbrt`) must still answer.
fn constant_columns() -> Case {
    let source = "fields { rr: ms, ecgs: list of { qt: ms, rr: ms } }\n\
                  inclusion {\n\
                  root: cbrt(rr / 1 s) > 0.9\n\
                  square: sqrt(rr / 1 s) > 0.9\n\
                  qtc: mean(qtc_fridericia(qt, rr) of ecgs) <= 450 ms\n\
                  peak: max(qtc_bazett(qt, rr) of ecgs) <= 470 ms\n\
                  }\n";
    let program = program(source).expect("the constant-columns file checks");
    let FieldType::ListOf(ecg) = &program
        .schema
        .field(program.schema.slot("ecgs").unwrap())
        .unwrap()
        .ty
    else {
        panic!("`ecgs` is a list")
    };
    let q = |v| FieldValue::Quantity {
        value: v,
        low: None,
        high: None,
    };
    let records = (0..4)
        .map(|i| {
            let mut r = Record::new(&program.schema);
            if i != 2 {
                r.set("rr", q(800.0)).unwrap();
            }
            let elements = (0..3)
                .map(|k| {
                    let mut e = Record::new(ecg);
                    e.set("qt", q(400.0 + 10.0 * f64::from(k))).unwrap();
                    if k != 1 || i == 0 {
                        e.set("rr", q(800.0)).unwrap();
                    }
                    e
                })
                .collect();
            r.set("ecgs", FieldValue::List(elements)).unwrap();
            (format!("k{i}"), r)
        })
        .collect();
    Case {
        name: "constant-columns".to_owned(),
        source: source.to_owned(),
        program,
        records,
        index: INDEX,
    }
}

/// The seed trial and a generated population of its patients.
fn population() -> Case {
    let path = root().join("examples/nct03473496.rules");
    let program = rulec::Rules::load(&path).unwrap().program().clone();
    let records = seed::population(POPULATION)
        .enumerate()
        .map(|(n, sample)| {
            let mut read = rulec::records::from_json_str(&program, &sample.line, n + 1);
            read.check_index_date(&program, INDEX);
            (sample.id.unwrap_or_else(|| format!("p{n}")), read.record)
        })
        .collect();
    Case {
        name: "seed-population".to_owned(),
        source: std::fs::read_to_string(&path).unwrap(),
        program,
        records,
        index: INDEX,
    }
}

// ─── Engines ────────────────────────────────────────────────────────────

/// A line on stderr that `cargo test` shows even when the test passes
/// (it captures `eprintln!`, not the stream itself): which engines were
/// skipped, and the case counts.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// The engines this machine has, each with whether every case runs on it;
/// says plainly which are skipped, and fails under
/// `RULEC_REQUIRE_ENGINES=1` if one is.
fn engines() -> Vec<(Dialect, bool)> {
    let require = std::env::var("RULEC_REQUIRE_ENGINES").is_ok_and(|v| v == "1");
    let python = std::env::var("RULEC_PYTHON").ok();
    let imports = |module: &str| {
        python.as_ref().is_some_and(|p| {
            Command::new(p)
                .args(["-c", &format!("import {module}")])
                .output()
                .is_ok_and(|o| o.status.success())
        })
    };
    let postgres = python.is_some() && std::env::var("PGHOST").is_ok();
    let spark = std::env::var("RULEC_SPARK").is_ok_and(|v| v == "1") && imports("pyspark");
    let mut found = Vec::new();
    for (dialect, here, how) in [
        (Dialect::Postgres, postgres, "PGHOST and RULEC_PYTHON"),
        (
            Dialect::DuckDb,
            imports("duckdb"),
            "RULEC_PYTHON with the duckdb module",
        ),
        (
            Dialect::Spark,
            spark,
            "RULEC_SPARK=1 and RULEC_PYTHON with pyspark",
        ),
    ] {
        if here {
            found.push((dialect, dialect != Dialect::Spark));
        } else {
            let message = format!(
                "sql_engines: {dialect} skipped: not set up ({how}); \
                 `eval \"$(scripts/sql-engines start --spark)\"` sets every engine up"
            );
            assert!(!require, "{message}, and RULEC_REQUIRE_ENGINES=1");
            say(&message);
        }
    }
    found
}

/// Writes a case as `rulec export` does, into `dir`.
fn export(case: &Case, dialect: Dialect, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let sql = Sql::new(&case.program, dialect, "")
        .unwrap_or_else(|e| panic!("{}: {e:?}\n{}", case.name, case.source));
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write("schema.sql", &sql.schema());
    write("load.sql", &sql.load(dir).unwrap());
    let screen = sql
        .screen(case.index)
        .unwrap_or_else(|e| panic!("{}: {e:?}\n{}", case.name, case.source));
    write("screen.sql", &screen);
    let files = sql
        .layout()
        .tables()
        .iter()
        .map(|t| std::io::BufWriter::new(std::fs::File::create(dir.join(file_name(t))).unwrap()))
        .collect();
    let mut tables = sql.csv(files).unwrap();
    for (id, record) in &case.records {
        tables.write(id, record).unwrap();
    }
    tables.finish().unwrap();
}

/// A folder whose query is the case's funnel, over the case's files.
fn export_funnel(case: &Case, dialect: Dialect, cases: &Path, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let sql = Sql::new(&case.program, dialect, "").unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write("schema.sql", &sql.schema());
    write("load.sql", &sql.load(cases).unwrap());
    write("screen.sql", &sql.funnel(case.index).unwrap());
}

/// The funnel an engine counted against the closures' verdicts counted
/// by `rulec::eval::Funnel`.
fn compare_funnel(case: &Case, dialect: Dialect, dir: &Path) -> Vec<String> {
    let name = dialect.name();
    let error = std::fs::read_to_string(dir.join(format!("error-{name}.txt")));
    if case.name == "overflow" && dialect == Dialect::Postgres {
        return match error {
            Ok(e) if e.contains("out of range") => Vec::new(),
            other => vec![format!("PostgreSQL should stop, out of range: {other:?}")],
        };
    }
    if let Ok(error) = error {
        return vec![format!("the funnel failed: {error}")];
    }
    let compiled = compile(&case.program);
    let mut funnel = rulec::eval::Funnel::new(&case.program);
    for (_, record) in &case.records {
        funnel.add(&compiled.evaluate(record, case.index).unwrap(), false);
    }
    let mut want = vec![vec![
        "0".to_owned(),
        "(verdict)".to_owned(),
        "status".to_owned(),
        funnel.eligible.to_string(),
        funnel.ineligible.to_string(),
        funnel.undetermined.to_string(),
    ]];
    for c in &funnel.cohorts {
        want.push(vec![
            want.len().to_string(),
            c.name.clone(),
            "cohort".to_owned(),
            c.eligible.to_string(),
            c.ineligible.to_string(),
            c.undetermined.to_string(),
        ]);
    }
    let before = want.len();
    for (i, c) in funnel.criteria.iter().enumerate() {
        let section = match c.section {
            rulec::syntax::Section::Inclusion => "inclusion",
            rulec::syntax::Section::Exclusion => "exclusion",
        };
        want.push(vec![
            (i + before).to_string(),
            c.id.clone(),
            section.to_owned(),
            c.met.to_string(),
            c.not_met.to_string(),
            c.unknown.to_string(),
        ]);
    }
    let mut reader = csv::Reader::from_path(dir.join(format!("result-{name}.csv"))).unwrap();
    let got: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    if got == want {
        Vec::new()
    } else {
        vec![format!("funnel {got:?}, not {want:?}")]
    }
}

/// Runs the cases' folders on an engine.
fn run(dialect: Dialect, dirs: &[PathBuf]) {
    let python = std::env::var("RULEC_PYTHON").unwrap();
    let status = Command::new(python)
        // PostgreSQL compiles the expressions of a costly plan to machine
        // code first (JIT), which takes seconds for the large queries of
        // generated files of 200 criteria and saves nothing on these few
        // rows; the answers are the same either way.
        .env("PGOPTIONS", "-c jit=off")
        .arg(root().join("scripts/sql_run.py"))
        .arg(dialect.name())
        .args(dirs)
        .status()
        .unwrap();
    assert!(status.success(), "scripts/sql_run.py {dialect} failed");
}

/// What an engine disagreed on, in words; and the outcomes compared.
fn compare(case: &Case, dialect: Dialect, dir: &Path) -> (Vec<String>, usize) {
    let name = dialect.name();
    let error = std::fs::read_to_string(dir.join(format!("error-{name}.txt")));
    if case.name == "overflow" && dialect == Dialect::Postgres {
        return match error {
            Ok(e) if e.contains("out of range") => (Vec::new(), 0),
            other => (
                vec![format!("PostgreSQL should stop, out of range: {other:?}")],
                0,
            ),
        };
    }
    if let Ok(error) = error {
        return (vec![format!("the engine failed: {error}")], 0);
    }
    let result = dir.join(format!("result-{name}.csv"));
    let mut reader = csv::Reader::from_path(&result).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let mut rows: HashMap<String, Vec<String>> = HashMap::new();
    for row in reader.records() {
        let row: Vec<String> = row.unwrap().iter().map(str::to_owned).collect();
        rows.insert(row[0].clone(), row);
    }
    let compiled = compile(&case.program);
    let mut wrong = Vec::new();
    let mut compared = 0;
    let mut want_header = vec!["id".to_owned(), "status".to_owned()];
    let cohorts = case.program.cohorts.iter();
    want_header.extend(cohorts.map(|c| format!("status:{}", c.name)));
    want_header.extend(case.program.criteria.iter().map(|c| c.id.clone()));
    if header != want_header {
        wrong.push(format!("columns {header:?}, not {want_header:?}"));
    }
    if rows.len() != case.records.len() {
        wrong.push(format!(
            "{} rows for {} records",
            rows.len(),
            case.records.len()
        ));
    }
    for (id, record) in &case.records {
        let verdict = compiled.evaluate(record, case.index).unwrap();
        let Some(row) = rows.get(id) else {
            wrong.push(format!("no row for {id:?}"));
            continue;
        };
        let mut want = vec![id.clone(), verdict.status().as_str().to_owned()];
        want.extend(verdict.cohorts().map(|c| c.status.as_str().to_owned()));
        want.extend(verdict.criteria().map(|c| c.outcome.as_str().to_owned()));
        compared += want.len() - 1;
        if *row != want {
            let differ: Vec<String> = header
                .iter()
                .zip(row.iter().zip(&want))
                .filter(|(_, (got, want))| got != want)
                .map(|(column, (got, want))| format!("{column}: {got}, not {want}"))
                .collect();
            wrong.push(format!("{id:?}: {}; record {record:?}", differ.join(", ")));
        }
    }
    (wrong, compared)
}

/// Every case on every engine here: the same verdicts as the closures.
#[test]
fn engines_give_the_closures_verdicts() {
    let engines = engines();
    if engines.is_empty() {
        return;
    }
    let mut cases = examples();
    cases.push(hostile());
    cases.push(calendar());
    cases.push(overflow());
    cases.push(constant_columns());
    cases.push(population());
    let fixed = cases.len();
    cases.extend(generated(GENERATED));
    // RULEC_KEEP_SQL_CASES=1 keeps the folders, to run one by hand.
    let keep = std::env::var("RULEC_KEEP_SQL_CASES").is_ok_and(|v| v == "1");
    let scratch = tempfile::Builder::new()
        .disable_cleanup(keep)
        .tempdir()
        .unwrap();
    if keep {
        eprintln!("sql_engines: the cases are in {}", scratch.path().display());
    }
    let mut failures = Vec::new();
    std::thread::scope(|scope| {
        let mut runs = Vec::new();
        for &(dialect, every) in &engines {
            let take = if every {
                cases.len()
            } else {
                fixed + GENERATED_SPARK
            };
            let cases = &cases[..take];
            let base = scratch.path().join(dialect.name());
            let dirs: Vec<PathBuf> = cases.iter().map(|c| base.join(&c.name)).collect();
            for (case, dir) in cases.iter().zip(&dirs) {
                export(case, dialect, dir);
            }
            // The funnels of the examples, the hostile and calendar files
            // and the population, over the same files.
            let funnels: Vec<PathBuf> = cases[..fixed]
                .iter()
                .zip(&dirs)
                .map(|(case, dir)| {
                    let funnel = base.join(format!("{}-funnel", case.name));
                    export_funnel(case, dialect, dir, &funnel);
                    funnel
                })
                .collect();
            // PostgreSQL reads the files itself, as its own user.
            Command::new("chmod")
                .args(["-R", "a+rX"])
                .arg(scratch.path())
                .status()
                .unwrap();
            runs.push(scope.spawn(move || {
                run(dialect, &[dirs.as_slice(), funnels.as_slice()].concat());
                let mut wrong = Vec::new();
                let (mut records, mut outcomes) = (0, 0);
                for (case, dir) in cases[..fixed].iter().zip(&funnels) {
                    wrong.extend(
                        compare_funnel(case, dialect, dir)
                            .into_iter()
                            .map(|w| format!("{dialect} {}: {w}", case.name)),
                    );
                }
                for (case, dir) in cases.iter().zip(&dirs) {
                    let (disagree, compared) = compare(case, dialect, dir);
                    records += case.records.len();
                    outcomes += compared;
                    wrong.extend(disagree.into_iter().map(|w| {
                        format!("{dialect} {}: {w}\n--- rules:\n{}", case.name, case.source)
                    }));
                }
                say(&format!(
                    "sql_engines: {dialect}: {} programs, {records} records, {outcomes} statuses \
                     and outcomes compared, {fixed} funnels: {} disagreements",
                    cases.len(),
                    wrong.len()
                ));
                wrong
            }));
        }
        for run in runs {
            failures.extend(run.join().unwrap());
        }
    });
    assert!(
        failures.is_empty(),
        "{} disagreements, such as:\n{}",
        failures.len(),
        failures[..failures.len().min(5)].join("\n\n")
    );
}
