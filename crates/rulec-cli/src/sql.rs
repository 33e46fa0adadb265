//! `rulec sql` and `rulec export`: the rules as SQL for PostgreSQL, DuckDB
//! or Spark, and records as the CSV files and statements that load them.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::iter::{IntoParallelIterator, ParallelIterator};
use rulec::Rules;
use rulec::records::DataError;
use rulec::sql::{Dialect, Sql, file_name};

use crate::check::{Status, eprintln_quiet, load};
use crate::input::{Input, each_chunk};
use crate::render::{TextRenderer, printable};

/// A dialect, as the command line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DialectArg {
    /// PostgreSQL 15 and later.
    Postgres,
    /// DuckDB.
    Duckdb,
    /// Spark SQL.
    Spark,
}

impl From<DialectArg> for Dialect {
    fn from(d: DialectArg) -> Dialect {
        match d {
            DialectArg::Postgres => Dialect::Postgres,
            DialectArg::Duckdb => Dialect::DuckDb,
            DialectArg::Spark => Dialect::Spark,
        }
    }
}

/// What `rulec sql` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// The screening query.
    Screen,
    /// The funnel query.
    Funnel,
    /// The `CREATE TABLE` statements.
    Schema,
}

/// Where the rules are and how to write them.
#[derive(Debug)]
pub struct Target {
    /// The rule file.
    pub rules: PathBuf,
    /// The engine.
    pub dialect: Dialect,
    /// The screening date.
    pub index: Date,
    /// The prefix of table names.
    pub prefix: String,
    /// Whether diagnostics may be coloured.
    pub colour: bool,
    /// Whether `use` may import files outside the rule file's folder.
    pub imports_outside: bool,
}

impl Target {
    /// The rules, loaded and checked, with diagnostics shown.
    fn rules(&self) -> Result<Rules, Status> {
        load(&self.rules, self.colour, self.imports_outside)
    }

    /// The SQL of the rules, or the reasons it cannot be written.
    fn sql<'r>(&self, rules: &'r Rules) -> Result<Sql<'r>, Status> {
        Sql::new(rules.program(), self.dialect, &self.prefix)
            .map_err(|diagnostics| self.refuse(rules, &diagnostics))
    }

    fn refuse(&self, rules: &Rules, diagnostics: &[rulec::Diagnostic]) -> Status {
        let text = TextRenderer::new(self.colour);
        let name = self.rules.display().to_string();
        for diagnostic in diagnostics {
            eprintln_quiet(&text.render(&name, rules.files(), diagnostic));
        }
        eprintln_quiet(&format!(
            "error: `{name}` cannot be written as {} SQL",
            self.dialect
        ));
        Status::Errors
    }

    fn query(&self, rules: &Rules, sql: &Sql<'_>, what: What) -> Result<String, Status> {
        let query = match what {
            What::Screen => sql.screen(self.index),
            What::Funnel => sql.funnel(self.index),
            What::Schema => Ok(sql.schema()),
        };
        query.map_err(|diagnostics| self.refuse(rules, &diagnostics))
    }
}

/// Runs `rulec sql`.
pub fn run_sql(target: &Target, what: What) -> Status {
    let rules = match target.rules() {
        Ok(rules) => rules,
        Err(status) => return status,
    };
    let sql = match target.sql(&rules) {
        Ok(sql) => sql,
        Err(status) => return status,
    };
    match target.query(&rules, &sql, what) {
        Ok(text) => match std::io::stdout().lock().write_all(text.as_bytes()) {
            Ok(()) => Status::Clean,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Status::Trouble,
            Err(e) => {
                eprintln_quiet(&format!("error: cannot write the SQL: {e}"));
                Status::Trouble
            }
        },
        Err(status) => status,
    }
}

/// Runs `rulec export`: `schema.sql`, `load.sql`, `screen.sql` and a CSV
/// file per table in `to`.
pub fn run_export(target: &Target, input: &Input, to: &Path) -> Status {
    let rules = match target.rules() {
        Ok(rules) => rules,
        Err(status) => return status,
    };
    let sql = match target.sql(&rules) {
        Ok(sql) => sql,
        Err(status) => return status,
    };
    let screen = match target.query(&rules, &sql, What::Screen) {
        Ok(text) => text,
        Err(status) => return status,
    };
    match export(target, &rules, &sql, &screen, input, to) {
        Ok(status) => status,
        Err(reason) => {
            eprintln_quiet(&printable(&format!("error: {reason}")));
            Status::Trouble
        }
    }
}

fn export(
    target: &Target,
    rules: &Rules,
    sql: &Sql<'_>,
    screen: &str,
    input: &Input,
    to: &Path,
) -> Result<Status, String> {
    let program = rules.program();
    let shown = to.display();
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create `{shown}`: {e}"))?;
    let dir = std::fs::canonicalize(to).map_err(|e| format!("cannot find `{shown}`: {e}"))?;
    let load = sql.load(&dir)?;
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text)
            .map_err(|e| format!("cannot write `{}`: {e}", dir.join(name).display()))
    };
    write("schema.sql", &sql.schema())?;
    write("load.sql", &load)?;
    write("screen.sql", screen)?;

    let mut files = Vec::new();
    for table in sql.layout().tables() {
        let path = dir.join(file_name(table));
        let file =
            File::create(&path).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        files.push(BufWriter::new(file));
    }
    let mut tables = sql
        .csv(files)
        .map_err(|e| format!("cannot write the tables: {e}"))?;

    let mut ids = HashSet::new();
    let (mut records, mut with_errors) = (0_u64, 0_u64);
    let mut failure = None;
    let whole = each_chunk(input, program, |items| {
        // Records are read in parallel (JSON parsing is most of the
        // work), and written in input order.
        let reads: Vec<_> = items
            .into_par_iter()
            .map(|item| item.read(program, target.index))
            .collect();
        for mut read in reads {
            // Rows are joined by id, so an id is given to one record
            // only: a record without one, or repeating one, is kept
            // under its position.
            let mut id = read
                .id
                .clone()
                .unwrap_or_else(|| format!("#{}", read.position));
            if !ids.insert(id.clone()) {
                let renamed = format!("{id}#{}", read.position);
                read.errors.push(DataError {
                    record: read.name(),
                    field: "id".to_owned(),
                    reason: format!(
                        "the id `{id}` was given to an earlier record; exported as `{renamed}`"
                    ),
                });
                ids.insert(renamed.clone());
                id = renamed;
            }
            // SQL has no censored values: the column is NULL, and the
            // engine's verdict on it unknown where rulec's may be decided.
            for field in &program.schema.fields {
                let slot = program.schema.slot(&field.name);
                if let Some(c) = slot.and_then(|s| read.record.censored(s)) {
                    read.errors.push(DataError {
                        record: read.name(),
                        field: field.name.clone(),
                        reason: format!(
                            "the censored value {}{} is exported as NULL: SQL compares no censored values (docs/sql.md)",
                            c.censored.censor.as_str(),
                            c.censored.bound
                        ),
                    });
                }
            }
            records += 1;
            if !read.errors.is_empty() {
                with_errors += 1;
            }
            for error in &read.errors {
                eprintln_quiet(&printable(&format!(
                    "data error: {} {} {}: {error}",
                    input.name(),
                    input.format.position_word(),
                    read.position
                )));
            }
            if let Err(e) = tables.write(&id, &read.record) {
                failure = Some(format!("cannot write the tables: {e}"));
                return false;
            }
        }
        true
    });
    if let Some(reason) = failure {
        return Err(reason);
    }
    tables
        .finish()
        .map_err(|e| format!("cannot write the tables: {e}"))?;
    let status = if whole {
        Status::Clean
    } else {
        Status::Trouble
    };
    eprintln_quiet(&format!(
        "exported {records} records ({with_errors} with data errors) to `{}` for {}: \
         run schema.sql, load.sql, then screen.sql",
        dir.display(),
        target.dialect
    ));
    Ok(status)
}
