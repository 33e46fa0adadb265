//! The flat table layout a rule file's records take in SQL: a patients
//! table with one row per record, and a child table per `list of` field.
//!
//! | field | columns |
//! |---|---|
//! | `bool` | `BOOLEAN` |
//! | `integer` | `BIGINT` |
//! | `number`, quantity | `DOUBLE`, in the field's declared unit |
//! | quantity `with normal range` | also `<field>_low`, `<field>_high` |
//! | `date` | `DATE` |
//! | `text` | text |
//! | `one of { … }` | text: the member's name |
//! | `set of { … }` | one `BOOLEAN` per member, `<field>_<member>`; all NULL when the set is missing |
//! | `list of { … }` | `BIGINT`: the number of elements, NULL when the list is missing; the elements in table `<field>` |
//!
//! A child table is keyed by `patient_id`, the position of each enclosing
//! element (`<list>_position`) and its own `position`, counted from 1.
//! Every name the layout makes is checked against the others of its table
//! ignoring case, as DuckDB and Spark compare names.

use std::collections::HashMap;

use super::dialect::ColumnType;
use crate::check::Program;
use crate::diagnostic::{Diagnostic, Severity};
use crate::schema::{FieldType, Schema, Slot};

/// The tables and columns records take in SQL.
#[derive(Clone, Debug)]
pub struct Layout {
    prefix: String,
    tables: Vec<Table>,
}

/// One table of the layout.
#[derive(Clone, Debug)]
pub struct Table {
    /// The name, without the prefix: `patients`, or the list's path joined
    /// by `_` (`events`, `events_parts`).
    pub name: String,
    /// Its columns, keys first.
    pub columns: Vec<Column>,
    /// The list fields leading from the record to this table's rows.
    pub(crate) path: Vec<Slot>,
}

/// A column of a table.
#[derive(Clone, Debug)]
pub struct Column {
    /// The name.
    pub name: String,
    /// The type.
    pub ty: ColumnType,
    /// What it holds.
    pub(crate) source: Source,
}

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// The patient's id (`id`, or `patient_id` in a child table).
    Id,
    /// The position of the enclosing element at this depth (0 outermost).
    Enclosing(usize),
    /// The element's own position.
    Position,
    /// The field's value (a list's length).
    Value(Slot),
    /// The lower limit of normal.
    Low(Slot),
    /// The upper limit of normal.
    High(Slot),
    /// Whether a set holds a member.
    Member(Slot, u32),
}

impl Layout {
    /// The layout of a program's records, table names starting with
    /// `prefix`.
    ///
    /// # Errors
    ///
    /// When two names of one table, two tables, or a criterion and a
    /// result column would be one name in SQL (`hb_low` the field and the
    /// lower limit of `hb`; `Hb` and `hb`), one diagnostic each.
    pub fn new(program: &Program, prefix: &str) -> Result<Layout, Vec<Diagnostic>> {
        let mut layout = Layout {
            prefix: prefix.to_owned(),
            tables: Vec::new(),
        };
        let mut clashes = Names::default();
        layout.add(
            &program.schema,
            Vec::new(),
            &[],
            "patients".to_owned(),
            None,
        );
        for table in &layout.tables {
            let mut names = Names::default();
            for column in &table.columns {
                names.add(&column.name, || column_words(program, table, column));
            }
            if table.path.is_empty() {
                for define in &program.defines {
                    names.add(&define.name, || format!("define `{}`", define.name));
                }
            }
            clashes.merge(names, &format!("table `{}`", table.name));
            let name = format!("{prefix}{}", table.name);
            clashes.add(&name, || format!("the table of {}", table_words(table)));
        }
        let mut results = Names::default();
        results.add("id", || "the result column `id`".to_owned());
        results.add("status", || "the result column `status`".to_owned());
        for cohort in &program.cohorts {
            let column = super::query::cohort_column(&cohort.name);
            results.add(&column, || {
                format!("the status column of cohort `{}`", cohort.name)
            });
        }
        for criterion in &program.criteria {
            results.add(&criterion.id, || format!("criterion `{}`", criterion.id));
        }
        clashes.merge(results, "the query's result");
        let errors = clashes.diagnostics();
        if errors.is_empty() {
            Ok(layout)
        } else {
            Err(errors)
        }
    }

    fn add(
        &mut self,
        schema: &Schema,
        path: Vec<Slot>,
        enclosing: &[String],
        name: String,
        own: Option<String>,
    ) {
        let mut columns = Vec::new();
        if path.is_empty() {
            columns.push(column("id", ColumnType::Text, Source::Id));
        } else {
            columns.push(column("patient_id", ColumnType::Text, Source::Id));
            for (depth, list) in enclosing.iter().enumerate() {
                let name = format!("{list}_position");
                columns.push(column(&name, ColumnType::BigInt, Source::Enclosing(depth)));
            }
            columns.push(column("position", ColumnType::BigInt, Source::Position));
        }
        let mut children = Vec::new();
        for (i, field) in schema.fields.iter().enumerate() {
            let slot = Slot(u32::try_from(i).unwrap_or(u32::MAX));
            let plain = |ty| column(&field.name, ty, Source::Value(slot));
            match &field.ty {
                FieldType::Bool => columns.push(plain(ColumnType::Boolean)),
                FieldType::Integer { .. } => columns.push(plain(ColumnType::BigInt)),
                FieldType::Number => columns.push(plain(ColumnType::Double)),
                FieldType::Quantity { normal_range, .. } => {
                    columns.push(plain(ColumnType::Double));
                    if *normal_range {
                        let low = format!("{}_low", field.name);
                        let high = format!("{}_high", field.name);
                        columns.push(column(&low, ColumnType::Double, Source::Low(slot)));
                        columns.push(column(&high, ColumnType::Double, Source::High(slot)));
                    }
                }
                FieldType::Date => columns.push(plain(ColumnType::Date)),
                FieldType::Text | FieldType::OneOf(_) | FieldType::Ordered(_) => {
                    columns.push(plain(ColumnType::Text))
                }
                FieldType::SetOf(members) => {
                    for (m, member) in members.iter().enumerate() {
                        let m = u32::try_from(m).unwrap_or(u32::MAX);
                        let name = format!("{}_{member}", field.name);
                        columns.push(column(&name, ColumnType::Boolean, Source::Member(slot, m)));
                    }
                }
                FieldType::ListOf(element) => {
                    columns.push(plain(ColumnType::BigInt));
                    children.push((slot, element, field.name.clone()));
                }
            }
        }
        self.tables.push(Table {
            name: name.clone(),
            columns,
            path: path.clone(),
        });
        let mut inner = enclosing.to_vec();
        inner.extend(own);
        for (slot, element, field) in children {
            let mut path = path.clone();
            path.push(slot);
            let table = if path.len() == 1 {
                field.clone()
            } else {
                format!("{name}_{field}")
            };
            self.add(element, path, &inner, table, Some(field));
        }
    }

    /// The tables, the patients table first, each list's table before its
    /// nested lists' tables.
    #[must_use]
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// A table's name in SQL, prefix included (not quoted).
    #[must_use]
    pub fn table_name(&self, table: &Table) -> String {
        format!("{}{}", self.prefix, table.name)
    }

    /// The table of the list reached by `path` (empty: the patients).
    pub(crate) fn table(&self, path: &[Slot]) -> Option<&Table> {
        self.tables.iter().find(|t| t.path == path)
    }
}

/// The name of a column holding a field's value, limit or member, as
/// [`Layout`] names it.
pub(crate) fn column_name(field: &str, source: Source, members: &[String]) -> String {
    match source {
        Source::Low(_) => format!("{field}_low"),
        Source::High(_) => format!("{field}_high"),
        Source::Member(_, m) => {
            let member = members.get(m as usize).map_or("", String::as_str);
            format!("{field}_{member}")
        }
        _ => field.to_owned(),
    }
}

fn column(name: &str, ty: ColumnType, source: Source) -> Column {
    Column {
        name: name.to_owned(),
        ty,
        source,
    }
}

fn table_words(table: &Table) -> String {
    if table.path.is_empty() {
        "the patients".to_owned()
    } else {
        format!("list `{}`", table.name)
    }
}

fn column_words(program: &Program, table: &Table, column: &Column) -> String {
    let mut schema = &program.schema;
    for slot in &table.path {
        if let Some(FieldType::ListOf(inner)) = schema.field(*slot).map(|f| &f.ty) {
            schema = inner;
        }
    }
    let field = |slot: Slot| schema.field(slot).map_or("?", |f| f.name.as_str());
    match column.source {
        Source::Id => "the patient's id".to_owned(),
        Source::Enclosing(_) => "the position of an enclosing element".to_owned(),
        Source::Position => "the element's position".to_owned(),
        Source::Value(slot) => format!("field `{}`", field(slot)),
        Source::Low(slot) => format!("the lower limit of `{}`", field(slot)),
        Source::High(slot) => format!("the upper limit of `{}`", field(slot)),
        Source::Member(slot, _) => format!("a member column of set `{}`", field(slot)),
    }
}

/// Names made so far, compared ignoring ASCII case, and the clashes found.
#[derive(Default)]
struct Names {
    seen: HashMap<String, String>,
    clashes: Vec<(String, String, String, String)>,
}

impl Names {
    fn add(&mut self, name: &str, words: impl FnOnce() -> String) {
        let key = name.to_ascii_lowercase();
        let words = words();
        match self.seen.get(&key) {
            Some(first) => {
                self.clashes
                    .push((name.to_owned(), first.clone(), words, String::new()));
            }
            None => {
                self.seen.insert(key, words);
            }
        }
    }

    fn merge(&mut self, other: Names, place: &str) {
        for (name, first, second, _) in other.clashes {
            self.clashes.push((name, first, second, place.to_owned()));
        }
    }

    fn diagnostics(self) -> Vec<Diagnostic> {
        self.clashes
            .into_iter()
            .map(|(name, first, second, place)| {
                let place = if place.is_empty() {
                    String::new()
                } else {
                    format!(" in {place}")
                };
                Diagnostic::new(
                    "rulec::sql::name_clash",
                    Severity::Error,
                    format!("{first} and {second} would both be named `{name}`{place} in SQL"),
                )
                .with_help(
                    "rename one of them: SQL names are compared ignoring case in DuckDB and Spark, \
                     and the layout adds `_low`, `_high`, `_<member>` and `_position` to field names",
                )
            })
            .collect()
    }
}
