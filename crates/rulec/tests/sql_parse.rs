//! Each dialect's SQL, re-parsed by `sqlparser` with that dialect: the
//! screening and funnel queries, the `CREATE TABLE` and load statements of
//! every example trial and of generated rule files. A weak check (the
//! engines themselves are the real one, in `tests/sql_engines/`), but one
//! that needs no engine.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail the test by panicking, as an assertion would"
)]

use std::path::{Path, PathBuf};

// What the oracle's generators name.
use jiff::ToSpan;
use jiff::civil::{Date, date};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use rulec::check::{NoImports, Program, check};
use rulec::schema::{FieldType, FieldValue, Record, Schema};
use rulec::sql::{Dialect, Sql};
use sqlparser::dialect::{DatabricksDialect, DuckDbDialect, PostgreSqlDialect};
use sqlparser::parser::Parser;

#[path = "compile_oracle/generate.rs"]
#[allow(dead_code, reason = "the oracle's generators, only one used here")]
mod generate;

fn parse(dialect: Dialect, sql: &str) -> Result<usize, String> {
    let parsed = match dialect {
        Dialect::Postgres => Parser::parse_sql(&PostgreSqlDialect {}, sql),
        // sqlparser's DuckDB dialect does not know `AS MATERIALIZED`
        // (DuckDB does, and tests/sql_engines runs it there).
        Dialect::DuckDb => Parser::parse_sql(
            &DuckDbDialect {},
            &sql.replace(" AS MATERIALIZED (", " AS ("),
        ),
        // Nor does its Databricks dialect know `USING parquet` after a
        // column list.
        Dialect::Spark => Parser::parse_sql(
            &DatabricksDialect {},
            &sql.replace(") USING parquet;", ");"),
        ),
    };
    parsed
        .map(|statements| statements.len())
        .map_err(|e| e.to_string())
}

fn programs() -> Vec<(String, Program)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .collect();
    files.sort();
    let mut programs: Vec<(String, Program)> = files
        .iter()
        .map(|f| {
            let rules = rulec::Rules::load(f).unwrap();
            (f.display().to_string(), rules.program().clone())
        })
        .collect();
    let mut runner = TestRunner::deterministic();
    let sources = generate::source();
    while programs.len() < files.len() + 40 {
        let source = sources.new_tree(&mut runner).unwrap().current();
        let Some(program) = rulec::syntax::parse(&source)
            .ok()
            .and_then(|file| check(&file, &NoImports).program)
        else {
            continue;
        };
        programs.push((source, program));
    }
    programs
}

#[test]
fn every_dialect_parses_its_own_sql() {
    let index = jiff::civil::date(2026, 1, 15);
    let dir = Path::new("/data/export");
    let mut parsed = 0;
    for (name, program) in programs() {
        for dialect in Dialect::ALL {
            let sql = Sql::new(&program, dialect, "").unwrap();
            let mut texts = vec![
                ("screen", sql.screen(index).unwrap(), 1),
                ("funnel", sql.funnel(index).unwrap(), 1),
                ("schema", sql.schema(), sql.layout().tables().len()),
            ];
            // sqlparser knows none of DuckDB's `COPY` options, nor Spark's
            // views `USING csv OPTIONS (…)`.
            if dialect == Dialect::Postgres {
                texts.push(("load", sql.load(dir).unwrap(), 0));
            }
            for (what, text, statements) in texts {
                match parse(dialect, &text) {
                    Ok(n) => assert!(
                        statements == 0 || n == statements,
                        "{dialect} {what} of {name}: {n} statements, not {statements}"
                    ),
                    Err(e) => panic!("{dialect} {what} of {name}: {e}\n{text}"),
                }
                parsed += 1;
            }
        }
    }
    // 10 texts for each of the 6 example files and 40 generated ones.
    assert!(parsed >= 10 * 46, "{parsed}");
}
