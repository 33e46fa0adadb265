//! Patient records read from JSON and CSV, bound to a program's schema.
//!
//! A reader takes the fields of a checked [`Program`] and gives one
//! [`ReadRecord`] per patient: the [`Record`] to evaluate, its id, and the
//! [`DataError`]s met while reading it. A malformed value is a data error
//! for that record and field — the field is left missing, so the criteria
//! that need it are unknown — and never aborts a batch: every input record
//! gives a record back, and no reader panics.
//!
//! ```
//! use rulec::eval::{evaluate, Status};
//! use rulec::records::{from_csv, from_json_str};
//!
//! let file = rulec::syntax::parse(r#"
//! fields { hemoglobin: g/L, pregnant: bool }
//! inclusion { hb: hemoglobin > 80 g/L }
//! exclusion { pregnancy: pregnant }
//! "#)?;
//! let program = rulec::check::check(&file, &rulec::check::NoImports).program.unwrap();
//! let index = jiff::civil::date(2026, 11, 24);
//!
//! // JSON: one object per record; "8.5 g/dL" is converted into the field's g/L.
//! let read = from_json_str(&program, r#"{"id": "p1", "hemoglobin": "8.5 g/dL", "pregnant": false}"#, 1);
//! assert!(read.errors.is_empty());
//! assert_eq!(evaluate(&program, &read.record, index).status(), Status::Eligible);
//!
//! // A malformed value is a data error naming the record and the field;
//! // the record still comes back, with that field missing.
//! let read = from_json_str(&program, r#"{"id": "p2", "hemoglobin": "8.5 g/dl/", "pregnant": false}"#, 2);
//! assert_eq!(read.errors.len(), 1);
//! assert!(read.errors[0].to_string().starts_with("record `p2`, field `hemoglobin`: "));
//! assert_eq!(evaluate(&program, &read.record, index).status(), Status::Undetermined);
//!
//! // CSV: a header row of field names, with a unit in brackets for a column
//! // given in another unit than the field's; an empty cell is missing.
//! let csv = "id,hemoglobin [g/dL],pregnant\np3,9.1,no\np4,,yes\n";
//! let records: Vec<_> = from_csv(&program, csv.as_bytes())?.collect();
//! assert_eq!(records.len(), 2);
//! assert_eq!(evaluate(&program, &records[0].record, index).status(), Status::Eligible);
//! assert_eq!(evaluate(&program, &records[1].record, index).status(), Status::Ineligible);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Values
//!
//! | field type | JSON | CSV cell |
//! | --- | --- | --- |
//! | `bool` | `true`, `false` | `true`/`false`, `yes`/`no`, `1`/`0` (any case) |
//! | `integer`, `number` | a number | a number |
//! | quantity | a number in the declared unit; `"8.5 g/dL"`; `{"value": 8.5, "unit": "g/dL"}`; `{"value": "8.5 g/dL"}` | a number in the column's unit; `8.5 g/dL` |
//! | `date` | `"YYYY-MM-DD"`, from year 1 | `YYYY-MM-DD`, from year 1 |
//! | `text` | a string | the cell |
//! | `one of` | a member's name | a member's name |
//! | `set of` | an array of member names | names separated by `;`; `{}` for the empty set |
//! | `list of` | an array of objects, each read as a record of the element fields | not representable: a data error |
//!
//! JSON `null` (for a field, or as the `value` of a quantity object), an
//! absent key and an empty CSV cell are missing values. An `integer` takes
//! any whole value however written (`60`, `60.0`, `6e1`) up to ±2^53, past
//! which whole numbers cannot all be told apart, so not compared exactly.
//!
//! A record's id is a string or a number; a number id is kept as the text
//! reads it (`1e2`, not `100`). A key given twice in one JSON object is a
//! data error, and the field is missing (see [`from_json_str`]). Messages
//! quote at most 40 characters of a value, 100 of an id or a key, and 20
//! members of a `one of` or `set of`.
//!
//! A quantity written with a unit is converted into the field's unit by
//! the very [`Conversion`] the checker uses for a threshold written in
//! that unit ([`Unit::conversion_to`], or
//! [`Unit::conversion_via_molar_mass`] when the field declares a molar
//! mass): a value given in the same unit as a threshold compares equal to
//! it, whatever unit the field is stored in. A number and its unit may be
//! separated by spaces (`8.5 g/dL`, `8.5g/dL`); a decimal comma is not
//! read. A field declared `with normal range` takes the record's own
//! reference range as `"low"` and `"high"` in the JSON object, in the unit
//! of `"value"`, whether `"unit"` or the value's text (`"119 U/L"`) gives
//! it; both giving different units is a data error (in CSV, see
//! [`from_csv`]). Giving a range to a field without one is a data error,
//! and so is a lower limit above the upper.
//!
//! Impossible values are data errors too: a quantity below zero, value or
//! limit, unless its unit is a temperature scale (`Cel`, `[degF]`), a plane
//! angle or an electric quantity (docs/units.md, "Values below zero"); a
//! date before year 1 (`0000-01-01` is a placeholder). A date of birth
//! after the index date can only be found at evaluation:
//! [`ReadRecord::check_index_date`] does it.
//!
//! Member names are matched exactly (a near miss is suggested); the members
//! of a set may repeat and come in any order. A whole number must be within
//! its declared range.

mod bind;
mod csv;
mod json;
mod rust;
mod ucum;
mod verdict;

use std::fmt;

use jiff::civil::Date;

use crate::check::Program;
use crate::schema::{Field, FieldType, FieldValue, Record, Schema};
use crate::suggest::closest;
use crate::units::{Conversion, MolarMass, Scale, Unit, UnitError};

pub use self::bind::{
    Bind, BindError, Binder, Bound, DateField, F64Handle, Flag, List, Member, Mismatch, Number,
    Quantity, Ranged, RecordId, Set, Str, Value, Writer,
};
pub use self::csv::{CsvError, CsvRecords, MAX_CSV_CELL, MAX_CSV_COLUMNS, MAX_CSV_ROW, from_csv};
pub use self::json::{from_json, from_json_str};
pub use self::rust::{FieldError, RecordBuilder, ToRecord};
pub(crate) use self::ucum::{censored_from_ucum, from_ucum, integer_from_ucum};
pub use self::verdict::{CohortJson, CriterionJson, ErrorJson, VerdictJson, verdict_json};

/// The field a [`DataError`] names when the whole record could not be read
/// (invalid JSON, not an object, a ragged CSV row).
pub const WHOLE_RECORD: &str = "(record)";

/// A record read from JSON or CSV, with what went wrong while reading it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadRecord {
    /// The record's id (JSON `"id"`, the CSV `id` column), if it has one.
    pub id: Option<String>,
    /// Where the record is in its input, counted from 1: the position the
    /// caller gave for JSON, the data row (header not counted) for CSV.
    pub position: usize,
    /// The record, bound to the program's schema; every field that could
    /// not be read is missing.
    pub record: Record,
    /// The data errors met while reading it, in the order met (JSON: the
    /// id, the fields in declaration order, then keys that are not fields).
    pub errors: Vec<DataError>,
    /// Where each field's value was taken from, for a record read from
    /// FHIR (empty for JSON, CSV and Rust values).
    pub sources: Vec<crate::schema::Source>,
}

impl ReadRecord {
    /// How messages name the record: by its id, or else by its position.
    #[must_use]
    pub fn name(&self) -> RecordName {
        RecordName::new(self.id.as_deref(), self.position)
    }
}

impl ReadRecord {
    /// Refuses what can only be judged once the index date is known: a
    /// date of birth after it (see [`check_index_date`]). Each such field
    /// becomes missing, with a data error naming the record and the field.
    ///
    /// Call it before evaluating a read record at `index`, as `rulec eval`
    /// and `rulec explain` do.
    pub fn check_index_date(&mut self, program: &Program, index: Date) {
        let name = self.name();
        for error in check_index_date(program, &mut self.record, index) {
            self.errors.push(error.in_record(name.clone()));
        }
    }
}

/// The names of the `date` fields that hold the patient's date of birth
/// (any case): the fields [`check_index_date`] checks.
pub const BIRTH_DATE_FIELDS: [&str; 4] = ["birth_date", "date_of_birth", "birthdate", "dob"];

/// Leaves missing every date of birth of `record` later than `index`, and
/// says why, field by field.
///
/// A patient cannot be born after the day they are screened; read as data,
/// such a date gives a negative age that decides every criterion on age
/// (`age >= 18 years` not met, so ineligible). Whether a date is after the
/// index date is only known at evaluation, so readers cannot refuse it: this
/// is the check to run then. A date of birth is a top-level `date` field
/// named as in [`BIRTH_DATE_FIELDS`]; born on the index date is allowed.
///
/// ```
/// use rulec::eval::{Status, evaluate};
///
/// let file = rulec::syntax::parse(r#"
/// fields { birth_date: date }
/// define age: years between birth_date and index
/// inclusion { adult: age >= 18 years }
/// "#)?;
/// let program = rulec::check::check(&file, &rulec::check::NoImports).program.unwrap();
/// let index = jiff::civil::date(2026, 11, 24);
/// let mut read = rulec::records::from_json_str(&program, r#"{"id": "p1", "birth_date": "2031-05-01"}"#, 1);
/// read.check_index_date(&program, index);
/// assert_eq!(
///     read.errors[0].to_string(),
///     "record `p1`, field `birth_date`: the date of birth 2031-05-01 is after the index date 2026-11-24",
/// );
/// assert_eq!(evaluate(&program, &read.record, index).status(), Status::Undetermined);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn check_index_date(program: &Program, record: &mut Record, index: Date) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (i, field) in program.schema.fields.iter().enumerate() {
        let is_birth = matches!(field.ty, FieldType::Date)
            && BIRTH_DATE_FIELDS
                .iter()
                .any(|name| field.name.eq_ignore_ascii_case(name));
        let Some(slot) = u32::try_from(i).ok().filter(|_| is_birth) else {
            continue;
        };
        let slot = crate::schema::Slot(slot);
        if let FieldValue::Date(born) = *record.get(slot)
            && born > index
        {
            // Missing always fits a field, so this cannot fail.
            let _ = record.set_slot(slot, FieldValue::Missing);
            errors.push(FieldError {
                field: field.name.clone(),
                reason: format!("the date of birth {born} is after the index date {index}"),
            });
        }
    }
    errors
}

/// How a record is named in messages.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RecordName {
    /// By its id: shown as ``record `r7` ``.
    Id(String),
    /// By its position in the input, from 1: shown as `record 3`.
    Position(usize),
}

impl RecordName {
    pub(crate) fn new(id: Option<&str>, position: usize) -> RecordName {
        id.map_or(RecordName::Position(position), |id| {
            RecordName::Id(id.to_owned())
        })
    }
}

impl fmt::Display for RecordName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // An id is quoted whole in the verdicts; in messages, where
            // it names the record once per data error, it is cut short.
            RecordName::Id(id) => write!(f, "record `{}`", show_at_most(id, NAME_LIMIT)),
            RecordName::Position(position) => write!(f, "record {position}"),
        }
    }
}

/// A value that could not be read: the field is left missing in the
/// record.
///
/// Shown as ``record `r7`, field `hemoglobin`: <reason>``, or
/// ``record 3: <reason>`` when the whole record is concerned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct DataError {
    /// The record, by id or position.
    pub record: RecordName,
    /// The field as named in the input, with the path to it inside a list
    /// (`therapies[1].class`, elements counted from 0); [`WHOLE_RECORD`]
    /// when the whole record is concerned.
    pub field: String,
    /// What is wrong, in words.
    pub reason: String,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field == WHOLE_RECORD {
            write!(f, "{}: {}", self.record, self.reason)
        } else {
            write!(
                f,
                "{}, field `{}`: {}",
                self.record, self.field, self.reason
            )
        }
    }
}

/// A data error as a [`crate::Diagnostic`]: the code
/// `rulec::records::data_error`, an error, its message as displayed above.
/// It has no label: the record is named in the message, and records are
/// not rule files a span could point into.
impl From<DataError> for crate::diagnostic::Diagnostic {
    fn from(error: DataError) -> Self {
        Self::new(
            "rulec::records::data_error",
            crate::diagnostic::Severity::Error,
            error.to_string(),
        )
    }
}

/// Why a value cannot be read, in words.
type Reason = String;

/// Errors met while reading one record: the field path and the reason.
type Problems = Vec<(String, Reason)>;

/// The read record with its problems named after it.
fn finish(id: Option<String>, position: usize, record: Record, problems: Problems) -> ReadRecord {
    let name = RecordName::new(id.as_deref(), position);
    let errors = problems
        .into_iter()
        .map(|(field, reason)| DataError {
            record: name.clone(),
            field,
            reason,
        })
        .collect();
    ReadRecord {
        id,
        position,
        record,
        errors,
        sources: Vec::new(),
    }
}

/// Sets a value read for the field at `slot`, or notes why it could not
/// be read.
fn store(
    record: &mut Record,
    slot: usize,
    path: &str,
    value: Result<FieldValue, Reason>,
    problems: &mut Problems,
) {
    let slot = crate::schema::Slot(u32::try_from(slot).unwrap_or(u32::MAX));
    let outcome = value.and_then(|value| {
        record
            .set_slot(slot, value)
            .map_err(|wrong| wrong.to_string())
    });
    if let Err(reason) = outcome {
        problems.push((path.to_owned(), reason));
    }
}

/// Why `value` is outside the plausible range `low..=high` of the field
/// `name` in `unit`, naming the unit it was likely recorded in.
fn implausible(name: &str, value: f64, unit: &Unit, (low, high): (f64, f64)) -> Reason {
    let mut reason = format!(
        "{value} {unit} is outside the plausible range of `{name}`, {low}..{high} {unit}, so it is not used"
    );
    if let Some((slip, converted)) = unit_slip(value, unit, low, high) {
        let written = if slip == "1" {
            format!("{value} as a fraction")
        } else {
            format!("{value} {slip}")
        };
        reason.push_str(&format!(
            "; was it recorded in another unit? {written} = {converted} {unit}"
        ));
    }
    reason
}

/// Units a value is commonly recorded in by mistake for another of the
/// same kind: a number in one of them that lands in the plausible range
/// names the likely slip.
const SLIP_UNITS: &[&str] = &[
    "g/dL", "g/L", "mg/dL", "mg/L", "ug/mL", "ug/dL", "ng/mL", "mmol/L", "umol/L", "10*9/L",
    "10*3/uL", "/uL", "10*12/L", "%", "1", "kg", "g", "[lb_av]", "cm", "m", "[in_i]", "kPa",
    "mm[Hg]",
];

/// The first unit of [`SLIP_UNITS`] in which the number `value` lands in
/// `low..=high` of `unit`, with the value converted.
fn unit_slip(value: f64, unit: &Unit, low: f64, high: f64) -> Option<(String, f64)> {
    SLIP_UNITS.iter().find_map(|text| {
        let other = Unit::parse(text).ok()?;
        let conversion = other.conversion_to(unit).ok()?;
        let converted = conversion.apply(value);
        (!conversion.is_identity() && (low..=high).contains(&converted))
            .then(|| (other.to_string(), converted))
    })
}

/// A quantity field: the unit its values are stored in and what converts
/// other units into it.
#[derive(Clone, Copy)]
struct QuantityField<'s> {
    name: &'s str,
    unit: &'s Unit,
    normal_range: bool,
    molar_mass: Option<&'s MolarMass>,
    scale: Option<&'s Scale>,
    plausible: Option<(f64, f64)>,
}

/// A quantity for `field` in its unit, refused as every reader refuses it
/// (below zero, a range upside down, outside the plausible range): also
/// what the checker holds an `example`'s values to.
pub(crate) fn quantity(
    field: &Field,
    value: f64,
    range: Option<(f64, f64)>,
) -> Result<FieldValue, Reason> {
    let q =
        QuantityField::of(field).ok_or_else(|| format!("`{}` is not a quantity", field.name))?;
    q.quantity(value, range.map(|r| r.0), range.map(|r| r.1))
}

/// Whether values in `unit` may be below zero.
///
/// A concentration, mass, count, volume, amount, duration, rate, ratio or
/// percentage below zero is no measurement: `-5 g/L` is a slip (a stray
/// minus, a difference pasted into a value column), and read as data it
/// would decide verdicts. A point on a temperature scale (`Cel`, `[degF]`)
/// may be below zero, and so may a plane angle (a QRS axis of −30 deg) or
/// an electric quantity (an ST deviation in mV), whose sign is part of the
/// measurement. Kelvin is absolute, so it is not among them.
pub(crate) fn may_be_negative(unit: &Unit) -> bool {
    const PLANE_ANGLE: usize = 3;
    const CHARGE: usize = 5;
    let exponents = unit.dimension().exponents();
    let signed = |at: usize| exponents.get(at).is_some_and(|e| *e != 0);
    unit.is_affine() || signed(PLANE_ANGLE) || signed(CHARGE)
}

impl<'s> QuantityField<'s> {
    fn of(field: &'s Field) -> Option<QuantityField<'s>> {
        match &field.ty {
            FieldType::Quantity {
                unit,
                normal_range,
                molar_mass,
                scale,
                plausible,
            } => Some(QuantityField {
                name: &field.name,
                unit,
                normal_range: *normal_range,
                molar_mass: molar_mass.as_ref(),
                scale: scale.as_ref(),
                plausible: *plausible,
            }),
            _ => None,
        }
    }

    /// The conversion from the unit `written` into the field's: the very
    /// one the checker uses for a threshold written in that unit.
    fn conversion_from(&self, written: &str) -> Result<Conversion, Reason> {
        let unit = Unit::parse(written).map_err(|e| unit_reason(&e))?;
        unit.conversion_into(self.unit, self.molar_mass, self.scale)
            .map_err(|e| unit_reason(&e))
    }

    /// Reads `8.5 g/dL`, `8.5g/dL` or `85`: a number, then optionally a
    /// unit; a number alone is converted by `default`.
    fn read_text(&self, text: &str, default: Conversion) -> Result<f64, Reason> {
        let (value, unit) = split_quantity(text)?;
        let conversion = if unit.is_empty() {
            default
        } else {
            self.conversion_from(unit)?
        };
        self.convert(value, conversion, text)
    }

    /// Converts a value, which must be finite before and after.
    fn convert(&self, value: f64, conversion: Conversion, shown: &str) -> Result<f64, Reason> {
        if !value.is_finite() {
            return Err(format!("`{}` is not a finite number", show(shown)));
        }
        let converted = conversion.apply(value);
        if converted.is_finite() {
            Ok(converted)
        } else {
            Err(format!(
                "`{}` is out of range once converted to `{}`",
                show(shown),
                self.unit
            ))
        }
    }

    /// The value with its reference range, all in the field's unit: the
    /// one place every reader (JSON, CSV, [`RecordBuilder`]) makes a
    /// quantity, so all refuse the same impossible values.
    fn quantity(
        &self,
        value: f64,
        low: Option<f64>,
        high: Option<f64>,
    ) -> Result<FieldValue, Reason> {
        // A declared plausible range below zero says the field may be
        // negative (a change from baseline stored in `umol/L`).
        let declared_negative = self.plausible.is_some_and(|(low, _)| low < 0.0);
        if !may_be_negative(self.unit) && !declared_negative {
            let negative = |what: &str, v: f64| {
                format!(
                    "{what}{v} {} is negative, and a value in `{}` ({}) cannot be",
                    self.unit,
                    self.unit,
                    self.unit.kind()
                )
            };
            if value < 0.0 {
                return Err(negative("", value));
            }
            // A limit below zero is as impossible as a value, and a range
            // built on it would decide every `x LLN` or `x ULN` it meets.
            if let Some(low) = low.filter(|l| *l < 0.0) {
                return Err(negative("the lower limit of normal ", low));
            }
            if let Some(high) = high.filter(|h| *h < 0.0) {
                return Err(negative("the upper limit of normal ", high));
            }
        }
        if let (Some(low), Some(high)) = (low, high)
            && low > high
        {
            return Err(format!(
                "the lower limit of normal ({low}) is above the upper ({high})"
            ));
        }
        if let Some(range) = self.plausible
            && !(range.0..=range.1).contains(&value)
        {
            return Err(implausible(self.name, value, self.unit, range));
        }
        Ok(FieldValue::Quantity { value, low, high })
    }

    /// The reason a field without a normal range refuses one.
    fn no_range(&self) -> Reason {
        format!(
            "`{}` is not declared `with normal range`, so its values take no lower or upper limit",
            self.name
        )
    }
}

/// A unit error in words, with its help where it has one.
fn unit_reason(error: &UnitError) -> Reason {
    use miette::Diagnostic;
    match error.help() {
        Some(help) => format!("{error}; {help}"),
        None => error.to_string(),
    }
}

/// Splits `8.5 g/dL` into 8.5 and `g/dL` (empty when no unit follows).
fn split_quantity(text: &str) -> Result<(f64, &str), Reason> {
    let text = text.trim();
    let not_number = || format!("`{}` does not start with a number", show(text));
    let end = number_end(text).ok_or_else(not_number)?;
    let (number, rest) = (text.get(..end), text.get(end..));
    let (Some(number), Some(rest)) = (number, rest) else {
        return Err(not_number());
    };
    let rest = rest.trim_start();
    if rest.starts_with(',') {
        return Err(format!(
            "`{}`: write decimals with a point (`8.5`), not a comma",
            show(text)
        ));
    }
    let value = number.parse::<f64>().map_err(|_| not_number())?;
    Ok((value, rest))
}

/// The length of the decimal number `text` starts with: a sign, digits
/// with an optional point, an optional exponent. `None` without digits.
fn number_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let digits_from = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut end = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let integer_end = digits_from(end);
    let mut digits = integer_end - end;
    end = integer_end;
    if bytes.get(end) == Some(&b'.') {
        let fraction_end = digits_from(end + 1);
        digits += fraction_end - (end + 1);
        end = fraction_end;
    }
    if digits == 0 {
        return None;
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(end + 1), Some(b'+' | b'-')));
        let exponent_end = digits_from(end + 1 + sign);
        if exponent_end > end + 1 + sign {
            end = exponent_end;
        }
    }
    Some(end)
}

/// A number written alone, for `integer` and `number` fields.
fn read_number_text(text: &str) -> Result<f64, Reason> {
    let (value, unit) = split_quantity(text)?;
    if unit.is_empty() {
        Ok(value)
    } else {
        Err(format!(
            "`{}` has a unit, `{}`, but the field is a plain number",
            show(text),
            show(unit)
        ))
    }
}

use crate::schema::EXACT_WHOLE;

/// Why a whole number written `shown` cannot be an `integer` value: past
/// ±2^53 neighbouring whole numbers share one `f64`, so comparisons with it
/// would not be exact.
fn too_large_to_be_exact(shown: &str) -> Reason {
    format!(
        "{} is too large to be held exactly: whole numbers are compared exactly only up to ±2^53 (9007199254740992)",
        show(shown)
    )
}

/// A whole number within the declared bounds ([`crate::schema::integer_value`]).
pub(crate) fn integer(
    value: f64,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<FieldValue, Reason> {
    crate::schema::integer_value(value, min, max)
}

/// A whole number written as text (a CSV cell), judged on its digits
/// before any rounding: `9007199254740993` would read as 2^53.
fn integer_text(text: &str, min: Option<i64>, max: Option<i64>) -> Result<FieldValue, Reason> {
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix(['-', '+']).unwrap_or(trimmed);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let exact = digits.trim_start_matches('0').len() <= 19
            && digits.parse::<u64>().is_ok_and(|v| v <= EXACT_WHOLE);
        if !exact {
            return Err(too_large_to_be_exact(&show(trimmed)));
        }
    }
    integer(read_number_text(text)?, min, max)
}

/// A finite number.
pub(crate) fn number(value: f64) -> Result<FieldValue, Reason> {
    if value.is_finite() {
        Ok(FieldValue::Number(value))
    } else {
        Err(format!("{value} is not a finite number"))
    }
}

/// A date written `YYYY-MM-DD` ([`crate::schema::parse_date`]).
pub(crate) fn date(text: &str) -> Result<FieldValue, Reason> {
    crate::schema::parse_date(text).map(FieldValue::Date)
}

/// A date a record can hold ([`crate::schema::known_date`]).
fn known_date(day: Date) -> Result<FieldValue, Reason> {
    crate::schema::known_date(day).map(FieldValue::Date)
}

/// The index of a member by name.
pub(crate) fn member(name: &str, members: &[String]) -> Result<u32, Reason> {
    members
        .iter()
        .position(|m| m == name)
        .and_then(|i| u32::try_from(i).ok())
        .ok_or_else(|| {
            let mut reason = format!("`{}` is not one of {}", show(name), member_list(members));
            // A guess costs an edit distance per member, for every record
            // with a slip: among a code list of 100,000 it would take
            // longer than screening, and would most often be a tie.
            let near = (members.len() <= SUGGEST_AMONG)
                .then(|| closest(name, members.iter().map(String::as_str)))
                .flatten();
            if let Some(near) = near {
                reason.push_str(&format!("; did you mean `{near}`?"));
            }
            reason
        })
}

/// The members of a set, by name: repeats count once, order does not matter.
fn members<'t>(
    names: impl IntoIterator<Item = &'t str>,
    declared: &[String],
) -> Result<FieldValue, Reason> {
    let mut indices = Vec::new();
    for name in names {
        indices.push(member(name, declared)?);
    }
    indices.sort_unstable();
    indices.dedup();
    Ok(FieldValue::Members(indices))
}

/// The most members a message lists: a `one of` may declare thousands
/// (a code list), and every data error on it would repeat them all.
const MEMBERS_SHOWN: usize = 20;

/// The most members among which a misspelt member name gets a guess.
const SUGGEST_AMONG: usize = 1000;

/// `{a, b, c}`, or the first [`MEMBERS_SHOWN`] members and how many more.
fn member_list(members: &[String]) -> String {
    let shown = members.get(..MEMBERS_SHOWN).unwrap_or(members);
    let mut list = format!("{{{}", shown.join(", "));
    if members.len() > shown.len() {
        list.push_str(&format!(", … and {} more", members.len() - shown.len()));
    }
    list.push('}');
    list
}

/// The reason a name is not a field of `schema`.
fn unknown_field(name: &str, schema: &Schema) -> Reason {
    let mut reason = format!("no field `{}` is declared", show(name));
    if let Some(near) = closest(name, schema.fields.iter().map(|f| f.name.as_str())) {
        reason.push_str(&format!("; did you mean `{near}`?"));
    }
    reason
}

/// Text from the input quoted in a message, cut short when long.
pub(crate) fn show(text: &str) -> String {
    show_at_most(text, 40)
}

/// The most characters of a name from the input (a record id, an unknown
/// key) that a message shows: more than any real one has, few enough that
/// a hostile one of megabytes is not repeated in every message.
const NAME_LIMIT: usize = 100;

/// `text`, or its first `limit` characters and `…`.
fn show_at_most(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        None => text.to_owned(),
        Some((end, _)) => {
            let mut short = text.get(..end).unwrap_or_default().to_owned();
            short.push('…');
            short
        }
    }
}
