//! Records as CSV files of the flat layout, and the statements that create
//! the tables and load those files.
//!
//! The files are written for the engines to read the same way: a header
//! row, an empty cell for NULL and nothing else, `true`/`false`, ISO dates,
//! numbers in the field's declared unit with the digits that read back as
//! exactly the same double, and every text in quotes — so that an empty
//! text (`""`) is not a NULL, and a text of spaces keeps them.

use std::io::{self, Write};
use std::path::Path;

use super::dialect::Dialect;
use super::layout::{Layout, Source, Table};
use crate::schema::{FieldType, FieldValue, Record, Schema};

/// `CREATE TABLE` statements for a layout, one per table, each ending in
/// `;` at the end of its last line.
pub(crate) fn create_tables(layout: &Layout, d: Dialect) -> String {
    let mut out = String::new();
    for table in layout.tables() {
        let mut lines: Vec<String> = table
            .columns
            .iter()
            .map(|c| format!("  {} {}", d.ident(&c.name), d.type_name(c.ty)))
            .collect();
        let keys: Vec<String> = table
            .columns
            .iter()
            .filter(|c| {
                matches!(
                    c.source,
                    Source::Id | Source::Enclosing(_) | Source::Position
                )
            })
            .map(|c| d.ident(&c.name))
            .collect();
        // Spark tables have no constraints; elsewhere a repeated id is
        // refused at load rather than merging two patients' lists.
        if d != Dialect::Spark {
            lines.push(format!("  PRIMARY KEY ({})", keys.join(", ")));
        }
        let using = if d == Dialect::Spark {
            " USING parquet"
        } else {
            ""
        };
        out.push_str(&format!(
            "CREATE TABLE {} (\n{}\n){using};\n",
            d.ident(&layout.table_name(table)),
            lines.join(",\n")
        ));
    }
    out
}

/// The file a table's rows are written to, inside the export folder.
#[must_use]
pub fn file_name(table: &Table) -> String {
    format!("{}.csv", table.name)
}

/// Statements loading each table from its CSV file in `dir` (an absolute
/// path), each ending in `;` at the end of a line.
pub(crate) fn load_tables(layout: &Layout, d: Dialect, dir: &Path) -> Result<String, String> {
    let mut out = String::new();
    for table in layout.tables() {
        let path = dir.join(file_name(table));
        let Some(path) = path.to_str().filter(|p| !p.contains(['\n', '\r'])) else {
            return Err(format!(
                "the path {} cannot be written in SQL (it is not UTF-8, or has a line break)",
                path.display()
            ));
        };
        let name = d.ident(&layout.table_name(table));
        let file = d.string(path);
        match d {
            Dialect::Postgres => out.push_str(&format!(
                "COPY {name} FROM {file} WITH (FORMAT csv, HEADER true);\n"
            )),
            Dialect::DuckDb => out.push_str(&format!(
                "COPY {name} FROM {file} (FORMAT csv, HEADER true, ALLOW_QUOTED_NULLS false);\n"
            )),
            Dialect::Spark => {
                let view = d.ident(&format!("{}:csv", layout.table_name(table)));
                let columns: Vec<String> = table
                    .columns
                    .iter()
                    .map(|c| format!("{} {}", d.ident(&c.name), d.type_name(c.ty)))
                    .collect();
                // Spark reads a quoted empty text as NULL unless NULL is
                // spelled otherwise; the files never spell it `\N`, so an
                // unquoted empty cell stays the only NULL.
                out.push_str(&format!(
                    "CREATE OR REPLACE TEMPORARY VIEW {view} ({}) USING csv OPTIONS (path {file}, \
                     header 'true', escape '\"', multiLine 'true', mode 'FAILFAST', \
                     nullValue {});\n\
                     INSERT INTO {name} SELECT * FROM {view};\nDROP VIEW {view};\n",
                    columns.join(", "),
                    d.string("\\N")
                ));
            }
        }
    }
    Ok(out)
}

/// Writes records as rows of the layout's tables, one CSV writer per
/// table (in [`Layout::tables`] order).
pub struct CsvTables<'l, W: Write> {
    layout: &'l Layout,
    schema: &'l Schema,
    outs: Vec<W>,
    line: String,
}

impl<'l, W: Write> CsvTables<'l, W> {
    /// Writers for each table of `layout`, in order, for records of
    /// `schema`; writes each table's header row.
    ///
    /// # Errors
    ///
    /// When a header cannot be written, or the writers are not one per
    /// table.
    pub fn new(layout: &'l Layout, schema: &'l Schema, mut outs: Vec<W>) -> io::Result<Self> {
        if outs.len() != layout.tables().len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "one writer per table is needed",
            ));
        }
        for (table, out) in layout.tables().iter().zip(&mut outs) {
            let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
            writeln!(out, "{}", names.join(","))?;
        }
        Ok(CsvTables {
            layout,
            schema,
            outs,
            line: String::new(),
        })
    }

    /// Writes a record: its row of the patients table and its lists'
    /// elements, under `id`.
    ///
    /// # Errors
    ///
    /// When a writer fails.
    pub fn write(&mut self, id: &str, record: &Record) -> io::Result<()> {
        let schema = self.schema;
        self.rows(0, id, &[], record, schema)
    }

    /// The writers, flushed.
    ///
    /// # Errors
    ///
    /// When a writer fails to flush.
    pub fn finish(mut self) -> io::Result<Vec<W>> {
        for out in &mut self.outs {
            out.flush()?;
        }
        Ok(self.outs)
    }

    fn rows(
        &mut self,
        index: usize,
        id: &str,
        positions: &[usize],
        record: &Record,
        schema: &Schema,
    ) -> io::Result<()> {
        let layout = self.layout;
        let Some(table) = layout.tables().get(index) else {
            return Ok(());
        };
        self.line.clear();
        let mut lists = Vec::new();
        for (i, column) in table.columns.iter().enumerate() {
            if i > 0 {
                self.line.push(',');
            }
            match column.source {
                Source::Id => quoted(&mut self.line, id),
                Source::Enclosing(depth) => {
                    if let Some(p) = positions.get(depth) {
                        self.line.push_str(&p.to_string());
                    }
                }
                Source::Position => {
                    if let Some(p) = positions.last() {
                        self.line.push_str(&p.to_string());
                    }
                }
                Source::Value(slot) | Source::Low(slot) | Source::High(slot) => {
                    let Some(field) = schema.field(slot) else {
                        continue;
                    };
                    let value = record.get(slot);
                    cell(&mut self.line, &field.ty, column.source, &value);
                    if let (FieldType::ListOf(inner), Source::Value(_)) = (&field.ty, column.source)
                    {
                        let mut path = table.path.clone();
                        path.push(slot);
                        lists.push((path, slot, inner));
                    }
                }
                Source::Member(slot, m) => {
                    if let FieldValue::Members(present) = record.get(slot).as_ref() {
                        self.line.push_str(bool_text(present.contains(&m)));
                    }
                }
            }
        }
        self.line.push('\n');
        if let Some(out) = self.outs.get_mut(index) {
            out.write_all(self.line.as_bytes())?;
        }
        for (path, slot, inner) in lists {
            let Some(child) = layout.tables().iter().position(|t| t.path == path) else {
                continue;
            };
            let value = record.get(slot);
            let FieldValue::List(elements) = value.as_ref() else {
                continue;
            };
            for (p, element) in elements.iter().enumerate() {
                // A child row's positions: its enclosing elements', then
                // its own; the patients table has none.
                let mut at = if index == 0 {
                    Vec::new()
                } else {
                    positions.to_vec()
                };
                at.push(p + 1);
                self.rows(child, id, &at, element, inner)?;
            }
        }
        Ok(())
    }
}

fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// Appends `text` in double quotes, doubling any inside.
fn quoted(line: &mut String, text: &str) {
    line.push('"');
    for c in text.chars() {
        if c == '"' {
            line.push('"');
        }
        line.push(c);
    }
    line.push('"');
}

fn number(line: &mut String, x: f64, integer: bool) {
    if !x.is_finite() {
        return;
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "whole and within range, checked"
    )]
    if integer && x.fract() == 0.0 && x.abs() < 9.0e18 {
        line.push_str(&(x as i64).to_string());
    } else {
        line.push_str(&x.to_string());
    }
}

/// The cell of one column of a field.
fn cell(line: &mut String, ty: &FieldType, source: Source, value: &FieldValue) {
    let integer = matches!(ty, FieldType::Integer { .. });
    match (value, source) {
        (FieldValue::Bool(b), Source::Value(_)) => line.push_str(bool_text(*b)),
        (FieldValue::Number(x), Source::Value(_))
        | (FieldValue::Quantity { value: x, .. }, Source::Value(_)) => number(line, *x, integer),
        (FieldValue::Quantity { low: Some(x), .. }, Source::Low(_))
        | (FieldValue::Quantity { high: Some(x), .. }, Source::High(_)) => {
            number(line, *x, false);
        }
        (FieldValue::Date(date), Source::Value(_)) => line.push_str(&date.to_string()),
        (FieldValue::Text(text), Source::Value(_)) => quoted(line, text),
        (FieldValue::Member(m), Source::Value(_)) => {
            if let FieldType::OneOf(names) | FieldType::Ordered(names) = ty
                && let Some(name) = names.get(*m as usize)
            {
                quoted(line, name);
            }
        }
        (FieldValue::List(elements), Source::Value(_)) => {
            line.push_str(&elements.len().to_string());
        }
        _ => {}
    }
}
