//! `rulec sql` and `rulec export` as a user runs them. The SQL's answers
//! are tested on the engines themselves in `crates/rulec/tests/sql_engines/`;
//! here, what the commands print and write, and what they refuse.

use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

const SEED: &str = "../../examples/nct03473496.rules";
const SMALL: &str = "tests/inputs/sql/small.rules";
const INDEX: &str = "2026-01-15";

fn rulec(args: &[&str]) -> Command {
    let mut command = Command::new(get_cargo_bin("rulec"));
    command.current_dir(env!("CARGO_MANIFEST_DIR")).args(args);
    command
}

#[test]
fn sql_prints_the_seed_trials_screening_query_for_postgres() {
    assert_cmd_snapshot!(rulec(&[
        "sql",
        SEED,
        "--dialect",
        "postgres",
        "--index-date",
        INDEX
    ]));
}

#[test]
fn sql_schema_prints_the_tables_the_query_reads() {
    assert_cmd_snapshot!(rulec(&["sql", SMALL, "--dialect", "duckdb", "--schema"]));
}

#[test]
fn sql_funnel_counts_each_criterion_in_spark() {
    assert_cmd_snapshot!(rulec(&[
        "sql",
        SMALL,
        "--dialect",
        "spark",
        "--funnel",
        "--index-date",
        INDEX,
        "--table-prefix",
        "trial_"
    ]));
}

#[test]
fn names_that_would_clash_in_sql_are_refused_with_exit_1() {
    assert_cmd_snapshot!(rulec(&[
        "sql",
        "tests/inputs/sql/clash.rules",
        "--dialect",
        "duckdb",
        "--index-date",
        INDEX
    ]));
}

/// A file with cohorts: a status column per cohort, the patient's status
/// the `OR` of theirs, and a funnel row per cohort.
#[test]
fn cohorts_have_a_status_column_and_a_funnel_row_each() {
    assert_cmd_snapshot!(rulec(&[
        "sql",
        "tests/inputs/eval/cohorts.rules",
        "--dialect",
        "duckdb",
        "--funnel",
        "--index-date",
        INDEX
    ]));
}

/// Cohorts whose status columns would be one column.
#[test]
fn cohorts_whose_columns_would_clash_are_refused_with_exit_1() {
    assert_cmd_snapshot!(rulec(&[
        "sql",
        "tests/inputs/sql/clash-cohorts.rules",
        "--dialect",
        "postgres",
        "--index-date",
        INDEX
    ]));
}

/// Every record is kept: malformed values become NULL (and data errors),
/// a repeated id is renamed, a missing one is the position; texts are
/// quoted so that an empty one is not NULL; lists get their table.
#[test]
fn export_writes_the_tables_and_the_three_sql_files() {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("out");
    let output = rulec(&[
        "export",
        SMALL,
        "--records",
        "tests/inputs/sql/small.jsonl",
        "--to",
        to.to_str().unwrap(),
        "--dialect",
        "postgres",
        "--index-date",
        INDEX,
    ])
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("the id `p1` was given to an earlier record; exported as `p1#2`"));
    assert!(stderr.contains("field `born`: `1970-13-01` is not a day of the calendar"));
    assert!(stderr.contains("exported 4 records (2 with data errors)"));
    let read = |name: &str| std::fs::read_to_string(to.join(name)).unwrap();
    assert_eq!(
        read("patients.csv"),
        "id,hb,hb_low,hb_high,born,note,events\n\
         \"p1\",91,120,160,1990-02-28,\"fine\",1\n\
         \"p1#2\",95,,,2008-01-16,,0\n\
         \"it's \"\"quoted\"\", with a comma\",,,,,\"'); DROP TABLE patients; --\",\n\
         \"#4\",130,,,2000-01-15,,2\n"
    );
    assert_eq!(
        read("events.csv"),
        "patient_id,position,serious,grade\n\"p1\",1,true,2\n\"#4\",1,true,4\n\"#4\",2,,1\n"
    );
    let dir = std::fs::canonicalize(&to).unwrap();
    let load = read("load.sql");
    for table in ["patients", "events"] {
        let path = dir.join(format!("{table}.csv"));
        let statement = format!(
            "COPY \"{table}\" FROM '{}' WITH (FORMAT csv, HEADER true);",
            path.display()
        );
        assert!(load.contains(&statement), "{load}");
    }
    assert!(read("schema.sql").starts_with("CREATE TABLE \"patients\" ("));
    // The text compared with is a literal, never SQL.
    assert!(read("screen.sql").contains("'''); DROP TABLE patients; --'"));
}

/// docs/sql.md shows the seed trial's query as `rulec sql` prints it.
#[test]
fn docs_show_the_seed_trials_query_as_printed() {
    let output = rulec(&["sql", SEED, "--dialect", "postgres", "--index-date", INDEX])
        .output()
        .unwrap();
    let query = String::from_utf8(output.stdout).unwrap();
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/sql.md")).unwrap();
    assert!(
        docs.contains(&format!("```sql\n{query}```")),
        "docs/sql.md's query is not what `rulec sql` prints; paste it again"
    );
}
