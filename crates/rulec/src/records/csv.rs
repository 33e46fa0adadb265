//! CSV records: one row per patient, a header row of field names.

use std::io::Read;

use super::{
    Problems, QuantityField, ReadRecord, Reason, WHOLE_RECORD, date, finish, integer, member,
    members, number, read_number_text, show, split_quantity, store, unknown_field,
};
use crate::check::{Field, FieldType, Program, Schema};
use crate::eval::{FieldValue, Record};
use crate::units::Conversion;

/// The CSV header row could not be read (an I/O error).
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
/// header, a unit on a field that is not a quantity, a second column for
/// one field — makes each non-empty cell of it a data error for that
/// record and field. A row with more or fewer cells than the header is a
/// data error for the whole record, which comes back with every field
/// missing. Rows are read as they are asked for; if reading the input
/// fails part way (an I/O error), one last record reports it and the
/// iterator ends.
///
/// ```
/// use rulec::eval::FieldValue;
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
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(reader);
    let headers = reader
        .byte_headers()
        .map_err(|e| CsvError {
            reason: e.to_string(),
        })?
        .clone();
    let (columns, id_column) = columns(&program.schema, &headers);
    Ok(CsvRecords {
        program,
        reader,
        columns,
        id_column,
        position: 0,
        finished: false,
        row: ::csv::ByteRecord::new(),
    })
}

/// The records of a CSV input, read row by row: see [`from_csv`].
pub struct CsvRecords<'p, R> {
    program: &'p Program,
    reader: ::csv::Reader<R>,
    columns: Vec<Column>,
    id_column: Option<usize>,
    position: usize,
    finished: bool,
    row: ::csv::ByteRecord,
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
            Column::Bad { field, .. } => field.clone(),
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

/// Reads the header row into columns; also the index of the `id` column.
fn columns(schema: &Schema, headers: &::csv::ByteRecord) -> (Vec<Column>, Option<usize>) {
    let mut columns: Vec<Column> = Vec::with_capacity(headers.len());
    let mut id_column = None;
    for (i, raw) in headers.iter().enumerate() {
        let Ok(header) = std::str::from_utf8(raw) else {
            columns.push(Column::Bad {
                field: format!("column {}", i + 1),
                reason: "the header of this column is not UTF-8 text".to_owned(),
            });
            continue;
        };
        let column = match split_header(header) {
            Err(reason) => Column::Bad {
                field: header.to_owned(),
                reason,
            },
            Ok(("id", unit)) if id_column.is_none() => {
                id_column = Some(i);
                match unit {
                    Some(_) => Column::Bad {
                        field: "id".to_owned(),
                        reason: "the `id` column takes no unit".to_owned(),
                    },
                    None if schema.slot("id").is_some() => column(schema, "id", None, &columns),
                    None => Column::Skip,
                }
            }
            Ok(("id", _)) => Column::Bad {
                field: "id".to_owned(),
                reason: "a second `id` column".to_owned(),
            },
            Ok((name, unit)) => column(schema, name, unit, &columns),
        };
        columns.push(column);
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
    (columns, id_column)
}

/// One column, given those before it.
fn column(schema: &Schema, name: &str, unit: Option<&str>, before: &[Column]) -> Column {
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
    let repeated = before.iter().any(|c| match (c, limit) {
        (Column::Value { slot: s, .. }, None) => *s == slot,
        (Column::Limit { slot: s, upper, .. }, Some(u)) => *s == slot && *upper == u,
        _ => false,
    });
    if repeated {
        return bad(
            field_name,
            format!("a second column `{}` for the same field", show(name)),
        );
    }
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
        if self.finished {
            return None;
        }
        let read = self.reader.read_byte_record(&mut self.row);
        match read {
            Ok(false) => {
                self.finished = true;
                None
            }
            Ok(true) => {
                self.position += 1;
                Some(self.read_row())
            }
            Err(error) => {
                self.finished = true;
                self.position += 1;
                Some(finish(
                    None,
                    self.position,
                    Record::new(&self.program.schema),
                    vec![(
                        WHOLE_RECORD.to_owned(),
                        format!("the CSV could not be read from here on: {error}"),
                    )],
                ))
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
}

impl<R: Read> CsvRecords<'_, R> {
    fn read_row(&self) -> ReadRecord {
        let schema = &self.program.schema;
        let mut record = Record::new(schema);
        let mut problems = Problems::new();
        if self.row.len() != self.columns.len() {
            let line = self.row.position().map_or(0, ::csv::Position::line);
            problems.push((
                WHOLE_RECORD.to_owned(),
                format!(
                    "line {line} has {} cells where the header has {}, so the row is not read",
                    self.row.len(),
                    self.columns.len()
                ),
            ));
            return finish(None, self.position, record, problems);
        }
        let id = self
            .id_column
            .and_then(|i| self.row.get(i))
            .and_then(|cell| std::str::from_utf8(cell).ok())
            .filter(|id| !id.is_empty())
            .map(str::to_owned);
        let mut cells: Vec<Cells<'_>> = schema.fields.iter().map(|_| Cells::default()).collect();
        for (column, raw) in self.columns.iter().zip(self.row.iter()) {
            if raw.is_empty() {
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
                store(schema, &mut record, i, &field.name, value, &mut problems);
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
        FieldType::Integer { min, max } => integer(read_number_text(text)?, *min, *max),
        FieldType::Number => number(read_number_text(text)?),
        FieldType::Quantity { .. } => Err("a quantity is read by `read_cell`".to_owned()),
        FieldType::Date => date(text),
        FieldType::Text => Ok(FieldValue::Text(text.to_owned())),
        FieldType::OneOf(declared) => member(text, declared).map(FieldValue::Member),
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
