//! The SQL back end: a checked program as one `SELECT` that screens a
//! whole population where it is stored — PostgreSQL, DuckDB or Spark SQL —
//! with the verdicts of [`crate::compile::Compiled::evaluate`]: three-valued,
//! units converted, thresholds tied, ages by birthdays.
//!
//! | file | what it does |
//! |---|---|
//! | `dialect.rs` | how each engine spells quoting, literals, types, integer division, dates |
//! | `layout.rs` | the flat tables records take: patients, a table per list |
//! | `emit.rs` | conditions and numbers as SQL expressions |
//! | `moment.rs` | dates, moved and counted by rulec's calendar |
//! | `query.rs` | the common table expressions, list queries, verdicts, funnel |
//! | `export.rs` | records as CSV files of the layout; `CREATE TABLE` and load statements |
//!
//! docs/sql.md gives the layout, the recipe for each engine and the
//! query of the seed trial; `tests/sql_engines.rs` holds every engine's
//! verdicts to the closures'.
//!
//! ```
//! use rulec::sql::{Dialect, Sql};
//!
//! let rules = rulec::Rules::from_source(r#"
//!     fields { hemoglobin: g/L, pregnant: bool }
//!     inclusion { hb "Hb > 8 g/dL": hemoglobin > 8 g/dL }
//!     exclusion { pregnancy: pregnant }
//! "#)?;
//! let sql = Sql::new(rules.program(), Dialect::DuckDb, "")
//!     .map_err(|errors| format!("{errors:?}"))?;
//! let query = sql.screen(jiff::civil::date(2026, 1, 15)).map_err(|e| format!("{e:?}"))?;
//! // 8 g/dL is 80 g/L, and `>` leaves out what ties with it.
//! assert!(query.contains(r#"s."hemoglobin" > 8.000000000008e1"#));
//! assert!(sql.schema().starts_with("CREATE TABLE \"patients\" ("));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod choose;
mod dialect;
mod emit;
mod export;
mod layout;
mod moment;
mod over;
mod query;

use std::path::Path;

pub use dialect::{ColumnType, Dialect};
pub use export::{CsvTables, file_name};
pub use layout::{Column, Layout, Table};

use crate::check::Program;
use crate::diagnostic::Diagnostic;

/// A program's SQL in one dialect.
#[derive(Debug)]
pub struct Sql<'p> {
    program: &'p Program,
    layout: Layout,
    dialect: Dialect,
}

impl<'p> Sql<'p> {
    /// The SQL of `program` for `dialect`, its tables named with `prefix`
    /// in front (`""` for none).
    ///
    /// # Errors
    ///
    /// When names of the program would clash in SQL (see [`Layout::new`]).
    pub fn new(
        program: &'p Program,
        dialect: Dialect,
        prefix: &str,
    ) -> Result<Self, Vec<Diagnostic>> {
        Ok(Sql {
            program,
            layout: Layout::new(program, prefix)?,
            dialect,
        })
    }

    /// The tables records take.
    #[must_use]
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The dialect.
    #[must_use]
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The screening query at an index date: one `SELECT` (no temporary
    /// table, no session state: it can be a view) giving a row per
    /// patient — `id`, `status` (`eligible`, `ineligible`,
    /// `undetermined`), for a program with cohorts a column
    /// `status:<cohort>` per cohort holding the patient's status for it,
    /// and a column per criterion, named by its id, holding `met`,
    /// `not_met` or `unknown`.
    ///
    /// # Errors
    ///
    /// When a construct of the program cannot be written in this dialect:
    /// a diagnostic naming it, never SQL that answers differently.
    pub fn screen(&self, index: jiff::civil::Date) -> Result<String, Vec<Diagnostic>> {
        let shape = query::Shape::Screen;
        query::query(self.program, &self.layout, self.dialect, index, &shape)
            .map(|q| format!("{q};\n"))
    }

    /// The funnel query: columns `position`, `criterion`, `section`,
    /// `met`, `not_met`, `unknown`; first a row `(verdict)` counting
    /// eligible, ineligible and undetermined patients in the last three,
    /// for a program with cohorts a row per cohort counting the same for
    /// it (its name as `criterion`, `cohort` as `section`), then a row per
    /// criterion in the program's order.
    ///
    /// # Errors
    ///
    /// As [`Sql::screen`].
    pub fn funnel(&self, index: jiff::civil::Date) -> Result<String, Vec<Diagnostic>> {
        let shape = query::Shape::Funnel;
        query::query(self.program, &self.layout, self.dialect, index, &shape)
            .map(|q| format!("{q};\n"))
    }

    /// `CREATE TABLE` statements of the layout.
    #[must_use]
    pub fn schema(&self) -> String {
        export::create_tables(&self.layout, self.dialect)
    }

    /// Statements loading each table from its CSV file
    /// ([`file_name`]) in the folder `dir`, which should be absolute.
    ///
    /// # Errors
    ///
    /// When the path cannot be written as a SQL string (not UTF-8, or
    /// with a line break).
    pub fn load(&self, dir: &Path) -> Result<String, String> {
        export::load_tables(&self.layout, self.dialect, dir)
    }

    /// A writer of records as CSV files of the layout, one writer per
    /// table in [`Layout::tables`] order.
    ///
    /// # Errors
    ///
    /// When a header row cannot be written.
    pub fn csv<W: std::io::Write>(&self, outs: Vec<W>) -> std::io::Result<CsvTables<'_, W>> {
        CsvTables::new(&self.layout, &self.program.schema, outs)
    }
}
