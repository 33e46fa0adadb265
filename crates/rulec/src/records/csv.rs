//! CSV records: one row per patient, a header row of field names.

mod rows;

use std::io::Read;

pub use self::rows::{MAX_CSV_CELL, MAX_CSV_COLUMNS, MAX_CSV_ROW};
use self::rows::{Row, Rows, Span, span_reason};

use super::{
    Problems, QuantityField, ReadRecord, Reason, WHOLE_RECORD, date, finish, integer_text, member,
    members, number, read_number_text, show, split_quantity, store, unknown_field,
};
use crate::check::Program;
use crate::schema::{Field, FieldType, FieldValue, Record, Schema};
use crate::units::Conversion;

/// The CSV header row could not be read: an I/O error, or a header over
/// the limits (more than [`MAX_CSV_COLUMNS`] columns, a line of more than
/// [`MAX_CSV_ROW`] bytes, a quoted cell that spans lines).
#[derive(Debug, thiserror::Error)]
#[error("the CSV header could not be read: {reason}")]
pub struct CsvError {
    /// What went wrong.
    pub reason: String,
}

/// Reads patient records from CSV, one per row after the header.
///
/// The header names a field per column. A quantity column may give its
/// unit in brackets, `hemoglobin [g/dL]`: a number alone in that column is
/// in that unit, converted into the field's as a threshold in that unit
/// is. A cell may also carry its own unit (`8.5 g/dL`). The column `id`
/// names the records (a field declared `id` is read from it too); without
/// one, or where its cell is empty, a record is named by its row, counted
/// from 1 after the header.
///
/// Cells are trimmed; an empty cell is missing. Booleans are
/// `true`/`false`, `yes`/`no` or `1`/`0` in any case; dates `YYYY-MM-DD`;
/// the members of a set are separated by `;` (`fungal;viral`), and `{}` is
/// the empty set. A field declared `with normal range` takes the record's
/// reference range from the columns `creatinine.low` and `creatinine.high`,
/// in their own bracketed unit or the unit in their cell, or else in the
/// unit of the row's `creatinine` cell (`1.1 mg/dL`), or else in that of
/// the `creatinine` column. A `list of` field cannot be held in a cell: its column is a data
/// error in every row that fills it — read such records from JSON.
///
/// A column that cannot be read — an unknown field, a bad unit in its
/// header, a unit on a field that is not a quantity — makes each non-empty
/// cell of it a data error for that record and field. A field given by
/// two columns (`hemoglobin` twice, or `hemoglobin [g/L]` and
/// `hemoglobin [g/dL]`) is ambiguous: in each row that fills either, it is
/// one data error naming the columns, and the field is left missing. A
/// cell of more than [`MAX_CSV_CELL`] bytes is a data error for its field.
///
/// A row is one line (ending in `\n`, `\r\n` or `\r`; blank lines are
/// skipped). A row with more or fewer cells than the header, or longer
/// than [`MAX_CSV_ROW`] bytes, is a data error for the whole record, which
/// comes back with every field missing. A quoted cell may hold commas but
/// not a line break: a quote still open at the end of its line is
/// followed to where it closes, and each line it spans is a record with
/// every field missing and a data error naming those lines — a stray `"`
/// merges no patients, and every non-blank line after the header is a
/// record. A quote
/// still open after [`MAX_CSV_CELL`] bytes, or at the end of the input, is
/// reported the same way (reading goes on from the next line).
///
/// Rows are read as they are asked for, holding one row at a time; if
/// reading the input fails part way (an I/O error), one last record
/// reports it and the iterator ends.
///
/// ```
/// use rulec::schema::FieldValue;
///
/// let file = rulec::syntax::parse(
///     "fields { creatinine: umol/L with normal range, molar mass 113.12 g/mol, kps: integer 0..100 }",
/// )?;
/// let program = rulec::check::check(&file, &rulec::check::NoImports).program.unwrap();
/// let csv = "\
/// id,creatinine [mg/dL],creatinine.low,creatinine.high,kps
/// a1,1.0,0.6,1.2,90
/// a2,0.9,,,110
/// ";
/// let records: Vec<_> = rulec::records::from_csv(&program, csv.as_bytes())?.collect();
/// let slot = program.schema.slot("creatinine").unwrap();
/// assert!(matches!(*records[0].record.get(slot), FieldValue::Quantity { low: Some(_), .. }));
/// assert_eq!(
///     records[1].errors[0].to_string(),
///     "record `a2`, field `kps`: 110 is outside the declared range 0..100",
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`CsvError`] when the header row cannot be read; every later problem
/// is a data error of a record.
pub fn from_csv<R: Read>(program: &Program, reader: R) -> Result<CsvRecords<'_, R>, CsvError> {
    let mut rows = Rows::new(reader);
    let error = |reason: String| CsvError { reason };
    let header = rows.next_row().map_err(|e| error(e.to_string()))?;
    let header_cells: Vec<&[u8]> = match header {
        None => Vec::new(),
        Some(Row::Cells { count, .. }) if count > MAX_CSV_COLUMNS => {
            return Err(error(format!(
                "it has {count} columns, more than {MAX_CSV_COLUMNS}, the most a CSV input may have"
            )));
        }
        Some(Row::Cells { .. }) => rows.cells().collect(),
        Some(Row::TooLong { line, bytes }) => {
            return Err(error(format!(
                "line {line} is longer than {} MiB ({bytes} bytes or more), the most a row may be",
                MAX_CSV_ROW >> 20
            )));
        }
        Some(Row::Spanning(span)) => return Err(error(span_reason(&span, None))),
    };
    let (columns, id_column, twice) = columns(&program.schema, &header_cells);
    rows.hold_cells(columns.len());
    Ok(CsvRecords {
        program,
        rows,
        columns,
        id_column,
        twice,
        position: 0,
        finished: false,
        span: None,
    })
}

/// The records of a CSV input, read row by row: see [`from_csv`].
pub struct CsvRecords<'p, R> {
    program: &'p Program,
    rows: Rows<R>,
    columns: Vec<Column>,
    id_column: Option<usize>,
    /// The fields given by more than one column.
    twice: Vec<Twice>,
    position: usize,
    finished: bool,
    /// Lines spanned by a quoted cell still to be given a record each:
    /// the span, the next of its lines, and the next of its blank lines.
    span: Option<(Span, u64, usize)>,
}

impl<R: Read> CsvRecords<'_, R> {
    /// Bytes read from the input so far (by whole buffers, so ahead of
    /// the records given): to weigh how much input records in flight hold.
    #[must_use]
    pub fn bytes_read(&self) -> u64 {
        self.rows.consumed()
    }
}

/// A field given by more than one column.
#[derive(Debug)]
struct Twice {
    /// The field its data error names.
    field: String,
    /// Its slot, left missing; `None` for the `id` column of a schema
    /// without an `id` field.
    slot: Option<usize>,
    reason: Reason,
}

impl<R> std::fmt::Debug for CsvRecords<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvRecords")
            .field("columns", &self.columns.len())
            .field("position", &self.position)
            .finish_non_exhaustive()
    }
}

/// What a column holds, decided once from its header.
#[derive(Debug)]
enum Column {
    /// Nothing to read: the `id` column when no field is called `id`.
    Skip,
    /// The value of the field at this slot; a number alone is converted by
    /// `default`, from the header's unit.
    Value { slot: usize, default: Conversion },
    /// A limit of the field's normal range.
    Limit {
        slot: usize,
        upper: bool,
        default: Conversion,
        /// Whether the header gives a unit; without one, `default` is
        /// that of the field's value column.
        own_unit: bool,
        header: String,
    },
    /// Every non-empty cell is this data error.
    Bad { field: String, reason: Reason },
    /// One of the columns of a field given more than once: the index in
    /// [`CsvRecords::twice`].
    Twice { group: usize, field: String },
}

impl Column {
    /// The field a data error in this column names.
    fn field_name(&self, schema: &Schema) -> String {
        match self {
            Column::Skip => "id".to_owned(),
            Column::Value { slot, .. } | Column::Limit { slot, .. } => schema
                .fields
                .get(*slot)
                .map_or_else(String::new, |f| f.name.clone()),
            Column::Bad { field, .. } | Column::Twice { field, .. } => field.clone(),
        }
    }
}

/// A header split into its name and the unit in brackets, if any.
fn split_header(header: &str) -> Result<(&str, Option<&str>), Reason> {
    let Some(open) = header.find('[') else {
        return Ok((header.trim(), None));
    };
    let name = header.get(..open).unwrap_or_default().trim();
    let unit = header
        .get(open + 1..)
        .and_then(|rest| rest.strip_suffix(']'))
        .map(str::trim)
        .filter(|unit| !unit.is_empty())
        .ok_or_else(|| {
            format!(
                "the header `{}` does not end in a unit in brackets, such as `hemoglobin [g/dL]`",
                show(header)
            )
        })?;
    Ok((name, Some(unit)))
}

/// What a header names, to find a field given by two columns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Id,
    Value(usize),
    Limit(usize, bool),
}

/// What the header `name` (without its unit) names, if a known field.
fn key(schema: &Schema, name: &str) -> Option<Key> {
    let slot = |name: &str| schema.slot(name).map(|s| s.0 as usize);
    if name == "id" {
        return Some(Key::Id);
    }
    if let Some(at) = slot(name) {
        return Some(Key::Value(at));
    }
    match name.rsplit_once('.') {
        Some((field, "low")) => slot(field).map(|at| Key::Limit(at, false)),
        Some((field, "high")) => slot(field).map(|at| Key::Limit(at, true)),
        _ => None,
    }
}

/// Reads the header row into columns; also the index of the `id` column,
/// and the fields given by more than one column.
fn columns(schema: &Schema, headers: &[&[u8]]) -> (Vec<Column>, Option<usize>, Vec<Twice>) {
    let mut columns: Vec<Column> = Vec::with_capacity(headers.len());
    let mut keys: Vec<Option<Key>> = Vec::with_capacity(headers.len());
    let mut id_column = None;
    for (i, raw) in headers.iter().enumerate() {
        let Ok(header) = std::str::from_utf8(raw) else {
            columns.push(Column::Bad {
                field: format!("column {}", i + 1),
                reason: "the header of this column is not UTF-8 text".to_owned(),
            });
            keys.push(None);
            continue;
        };
        let column = match split_header(header) {
            Err(reason) => {
                keys.push(None);
                Column::Bad {
                    field: header.to_owned(),
                    reason,
                }
            }
            Ok((name, unit)) => {
                keys.push(key(schema, name));
                match (name, unit) {
                    ("id", Some(_)) => Column::Bad {
                        field: "id".to_owned(),
                        reason: "the `id` column takes no unit".to_owned(),
                    },
                    ("id", None) => {
                        id_column = id_column.or(Some(i));
                        if schema.slot("id").is_some() {
                            column(schema, "id", None)
                        } else {
                            Column::Skip
                        }
                    }
                    (name, unit) => column(schema, name, unit),
                }
            }
        };
        columns.push(column);
    }
    let twice = given_twice(schema, &keys, &mut columns);
    if keys.iter().filter(|k| **k == Some(Key::Id)).count() > 1 {
        // Two ids: the record is named by its row.
        id_column = None;
    }
    // A limit without a unit of its own is in the unit of its field's column.
    let value_defaults: Vec<(usize, Conversion)> = columns
        .iter()
        .filter_map(|c| match c {
            Column::Value { slot, default } => Some((*slot, *default)),
            _ => None,
        })
        .collect();
    for column in &mut columns {
        if let Column::Limit {
            slot,
            default,
            own_unit: false,
            ..
        } = column
            && let Some((_, value_default)) = value_defaults.iter().find(|(s, _)| s == slot)
        {
            *default = *value_default;
        }
    }
    (columns, id_column, twice)
}

/// Turns the columns of each field named more than once into
/// [`Column::Twice`], whatever their units: which to believe is not for
/// the reader to guess.
fn given_twice(schema: &Schema, keys: &[Option<Key>], columns: &mut [Column]) -> Vec<Twice> {
    let mut twice = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let Some(key) = *key else { continue };
        // Each group once, from its first column.
        if keys
            .get(..i)
            .is_some_and(|before| before.contains(&Some(key)))
        {
            continue;
        }
        let at: Vec<usize> = keys
            .iter()
            .enumerate()
            .filter(|(_, k)| **k == Some(key))
            .map(|(j, _)| j)
            .collect();
        if at.len() < 2 {
            continue;
        }
        let field_name = |slot: usize| schema.fields.get(slot).map_or("", |f| f.name.as_str());
        let (field, slot, header) = match key {
            Key::Id => (
                "id".to_owned(),
                schema.slot("id").map(|s| s.0 as usize),
                "id".to_owned(),
            ),
            Key::Value(slot) => (
                field_name(slot).to_owned(),
                Some(slot),
                field_name(slot).to_owned(),
            ),
            Key::Limit(slot, upper) => {
                let name = field_name(slot);
                let limit = if upper { "high" } else { "low" };
                (name.to_owned(), Some(slot), format!("{name}.{limit}"))
            }
        };
        let numbers: Vec<String> = at.iter().map(|j| (j + 1).to_string()).collect();
        let Some((last, rest)) = numbers.split_last() else {
            continue;
        };
        let times = if at.len() == 2 {
            "twice".to_owned()
        } else {
            format!("{} times", at.len())
        };
        let reason = format!(
            "`{header}` is given {times} (columns {} and {last})",
            rest.join(", ")
        );
        let group = twice.len();
        for j in at {
            if let Some(column) = columns.get_mut(j) {
                *column = Column::Twice {
                    group,
                    field: field.clone(),
                };
            }
        }
        twice.push(Twice {
            field,
            slot,
            reason,
        });
    }
    twice
}

/// One column.
fn column(schema: &Schema, name: &str, unit: Option<&str>) -> Column {
    let bad = |field: &str, reason: Reason| Column::Bad {
        field: field.to_owned(),
        reason,
    };
    let (field_name, limit) = match name.rsplit_once('.') {
        Some((field, "low")) if schema.slot(name).is_none() => (field, Some(false)),
        Some((field, "high")) if schema.slot(name).is_none() => (field, Some(true)),
        _ => (name, None),
    };
    let Some(slot) = schema.slot(field_name).map(|s| s.0 as usize) else {
        return bad(name, unknown_field(field_name, schema));
    };
    let Some(field) = schema.fields.get(slot) else {
        return bad(name, unknown_field(field_name, schema));
    };
    if let FieldType::ListOf(_) = field.ty {
        return bad(
            field_name,
            format!(
                "`{field_name}` is a list, which a CSV cell cannot hold; read records with lists from JSON"
            ),
        );
    }
    let Some(q) = QuantityField::of(field) else {
        let reason = if limit.is_some() {
            format!("`{field_name}` is not a quantity, so it has no normal range")
        } else {
            format!("`{field_name}` is not a quantity, so its header takes no unit")
        };
        return match unit {
            Some(_) => bad(field_name, reason),
            None if limit.is_some() => bad(field_name, reason),
            None => Column::Value {
                slot,
                default: Conversion::IDENTITY,
            },
        };
    };
    if limit.is_some() && !q.normal_range {
        return bad(field_name, q.no_range());
    }
    let default = match unit.map(|u| q.conversion_from(u)) {
        None => Conversion::IDENTITY,
        Some(Ok(conversion)) => conversion,
        Some(Err(reason)) => {
            return bad(
                field_name,
                format!("the unit in the header `{}`: {reason}", show(name)),
            );
        }
    };
    match limit {
        None => Column::Value { slot, default },
        Some(upper) => Column::Limit {
            slot,
            upper,
            default,
            own_unit: unit.is_some(),
            header: name.to_owned(),
        },
    }
}

impl<R: Read> Iterator for CsvRecords<'_, R> {
    type Item = ReadRecord;

    fn next(&mut self) -> Option<ReadRecord> {
        if let Some(read) = self.next_spanned() {
            return Some(read);
        }
        if self.finished {
            return None;
        }
        let row = self.rows.next_row();
        match row {
            Ok(None) => {
                self.finished = true;
                None
            }
            Ok(Some(Row::Cells { line, count })) => {
                self.position += 1;
                Some(self.read_row(line, count))
            }
            Ok(Some(Row::TooLong { line, bytes })) => Some(self.unread(format!(
                "line {line} is longer than {} MiB ({bytes} bytes or more), the most a row may be, so it is not read",
                MAX_CSV_ROW >> 20
            ))),
            Ok(Some(Row::Spanning(span))) => {
                let first = span.first;
                self.span = Some((span, first, 0));
                self.next_spanned()
            }
            Err(error) => {
                self.finished = true;
                Some(self.unread(format!(
                    "the CSV could not be read from here on: {error}"
                )))
            }
        }
    }
}

/// What one row gives a field: its value, read with the unit it was read
/// in, and the cells of the limits of its range with their columns, read
/// once that unit is known.
#[derive(Default)]
struct Cells<'r> {
    value: Option<Result<(FieldValue, Conversion), Reason>>,
    low: Option<(&'r Column, &'r str)>,
    high: Option<(&'r Column, &'r str)>,
    /// Given by two columns: left missing.
    ambiguous: bool,
}

impl<R: Read> CsvRecords<'_, R> {
    /// The next record of the lines of a quoted cell that spans lines.
    fn next_spanned(&mut self) -> Option<ReadRecord> {
        let (span, next, blank) = self.span.as_mut()?;
        // Blank lines are in order: step over those at the next line.
        while let Some(b) = span.blank.get(*blank).filter(|b| *b <= next) {
            if b == next {
                *next += 1;
            }
            *blank += 1;
        }
        let line = *next;
        if line > span.last {
            self.span = None;
            return None;
        }
        *next += 1;
        let reason = span_reason(span, Some(line));
        Some(self.unread(reason))
    }

    /// The next record, with every field missing and the whole record a
    /// data error.
    fn unread(&mut self, reason: Reason) -> ReadRecord {
        self.position += 1;
        finish(
            None,
            self.position,
            Record::new(&self.program.schema),
            vec![(WHOLE_RECORD.to_owned(), reason)],
        )
    }

    fn read_row(&self, line: u64, count: usize) -> ReadRecord {
        let schema = &self.program.schema;
        let mut record = Record::new(schema);
        let mut problems = Problems::new();
        if count != self.columns.len() {
            problems.push((
                WHOLE_RECORD.to_owned(),
                format!(
                    "line {line} has {count} cells where the header has {}, so the row is not read",
                    self.columns.len()
                ),
            ));
            return finish(None, self.position, record, problems);
        }
        let id = self
            .id_column
            .and_then(|i| self.rows.cells().nth(i))
            .filter(|id| id.len() <= MAX_CSV_CELL)
            .and_then(|cell| std::str::from_utf8(cell).ok())
            .filter(|id| !id.is_empty())
            .map(str::to_owned);
        let mut cells: Vec<Cells<'_>> = schema.fields.iter().map(|_| Cells::default()).collect();
        let mut twice_seen = vec![false; self.twice.len()];
        for (column, raw) in self.columns.iter().zip(self.rows.cells()) {
            if raw.is_empty() {
                continue;
            }
            if raw.len() > MAX_CSV_CELL {
                problems.push((
                    column.field_name(schema),
                    format!(
                        "the cell is longer than {} MiB ({} bytes), the most a cell may be",
                        MAX_CSV_CELL >> 20,
                        raw.len()
                    ),
                ));
                continue;
            }
            let Ok(text) = std::str::from_utf8(raw) else {
                problems.push((
                    column.field_name(schema),
                    "the cell is not UTF-8 text".to_owned(),
                ));
                continue;
            };
            match column {
                Column::Skip => {}
                Column::Bad { field, reason } => problems.push((field.clone(), reason.clone())),
                Column::Twice { group, .. } => {
                    let seen = twice_seen.get_mut(*group);
                    let twice = self.twice.get(*group);
                    if let (Some(seen @ false), Some(twice)) = (seen, twice) {
                        *seen = true;
                        problems.push((twice.field.clone(), twice.reason.clone()));
                        if let Some(cell) = twice.slot.and_then(|slot| cells.get_mut(slot)) {
                            cell.ambiguous = true;
                        }
                    }
                }
                Column::Value { slot, default } => {
                    if let (Some(field), Some(cell)) =
                        (schema.fields.get(*slot), cells.get_mut(*slot))
                    {
                        cell.value = Some(read_cell(field, text, *default));
                    }
                }
                Column::Limit { slot, upper, .. } => {
                    if let Some(cell) = cells.get_mut(*slot) {
                        let limit = Some((column, text));
                        if *upper {
                            cell.high = limit;
                        } else {
                            cell.low = limit;
                        }
                    }
                }
            }
        }
        for (i, (field, cells)) in schema.fields.iter().zip(cells).enumerate() {
            let value = combine(field, cells, &mut problems);
            if let Some(value) = value {
                store(&mut record, i, &field.name, value, &mut problems);
            }
        }
        finish(id, self.position, record, problems)
    }
}

/// A field's value with its range; limits that could not be read are
/// noted and leave the field missing.
///
/// A limit is in the unit its header or its own cell gives; else in the
/// unit of the value's cell (`119 U/L`), else in that of the value's
/// column.
fn combine(
    field: &Field,
    cells: Cells<'_>,
    problems: &mut Problems,
) -> Option<Result<FieldValue, Reason>> {
    if cells.ambiguous {
        return None;
    }
    let unit = match &cells.value {
        Some(Ok((_, unit))) => Some(*unit),
        _ => None,
    };
    let mut limit = |cell: Option<(&Column, &str)>| {
        let Some((
            Column::Limit {
                upper,
                default,
                own_unit,
                header,
                ..
            },
            text,
        )) = cell
        else {
            return Ok(None);
        };
        let Some(q) = QuantityField::of(field) else {
            return Ok(None);
        };
        let default = match unit {
            Some(unit) if !*own_unit => unit,
            _ => *default,
        };
        q.read_text(text, default).map(Some).map_err(|reason| {
            let which = if *upper { "upper" } else { "lower" };
            problems.push((
                field.name.clone(),
                format!("{which} limit of normal (`{}`): {reason}", show(header)),
            ));
        })
    };
    let (low, high) = (limit(cells.low), limit(cells.high));
    match (cells.value?, low, high) {
        (Ok((FieldValue::Quantity { value, .. }, _)), Ok(low), Ok(high)) => {
            QuantityField::of(field).map(|q| q.quantity(value, low, high))
        }
        (Ok(_), Err(()), _) | (Ok(_), _, Err(())) => None,
        (value, _, _) => Some(value.map(|(value, _)| value)),
    }
}

/// One cell of a field's column, with the conversion its number was read
/// by (the cell's own unit, else the column's).
fn read_cell(
    field: &Field,
    text: &str,
    default: Conversion,
) -> Result<(FieldValue, Conversion), Reason> {
    if let Some(q) = QuantityField::of(field) {
        let (value, unit) = split_quantity(text)?;
        let conversion = if unit.is_empty() {
            default
        } else {
            q.conversion_from(unit)?
        };
        let value = q.quantity(q.convert(value, conversion, text)?, None, None)?;
        return Ok((value, conversion));
    }
    read_other(field, text).map(|value| (value, Conversion::IDENTITY))
}

/// One cell of a column that is not a quantity's.
fn read_other(field: &Field, text: &str) -> Result<FieldValue, Reason> {
    match &field.ty {
        FieldType::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(FieldValue::Bool(true)),
            "false" | "no" | "0" => Ok(FieldValue::Bool(false)),
            _ => Err(format!(
                "`{}` is not a yes/no value (true/false, yes/no, 1/0)",
                show(text)
            )),
        },
        FieldType::Integer { min, max } => integer_text(text, *min, *max),
        FieldType::Number => number(read_number_text(text)?),
        FieldType::Quantity { .. } => Err("a quantity is read by `read_cell`".to_owned()),
        FieldType::Date => date(text),
        FieldType::Text => Ok(FieldValue::Text(text.to_owned())),
        FieldType::OneOf(declared) | FieldType::Ordered(declared) => {
            member(text, declared).map(FieldValue::Member)
        }
        FieldType::SetOf(declared) => {
            if text == "{}" {
                return Ok(FieldValue::Members(Vec::new()));
            }
            let names: Vec<&str> = text.split(';').map(str::trim).collect();
            if names.iter().any(|n| n.is_empty()) {
                return Err(format!(
                    "`{}` has an empty member; separate members with `;`, and write `{{}}` for none",
                    show(text)
                ));
            }
            members(names, declared)
        }
        FieldType::ListOf(_) => Err("a list cannot be held in a CSV cell".to_owned()),
    }
}
