//! The schema: a rule file's fields, their types and slots, and the
//! records that hold a patient's values for them.
//!
//! This is the bottom of the evaluation side of the crate: the checker
//! builds a [`Schema`], the compiler and the evaluators read [`Record`]s
//! through it, and the readers in [`crate::records`] fill them. A record is
//! packed in a layout decided once per schema (`layout.rs` says how), and
//! knows the schema it was built for, so no call takes the schema again.
//!
//! ```
//! use rulec::schema::{FieldValue, Record};
//!
//! let file = rulec::syntax::parse("fields { hemoglobin: g/L, pregnant: bool }")?;
//! let program = rulec::check::check(&file, &rulec::check::NoImports).program.unwrap();
//!
//! let mut record = Record::new(&program.schema);
//! record.set("pregnant", FieldValue::Bool(false))?;
//! // A value of the wrong kind is refused, naming the field.
//! let error = record.set("hemoglobin", FieldValue::Bool(true)).unwrap_err();
//! assert_eq!(error.to_string(), "field `hemoglobin` holds a finite quantity, not a yes/no value");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod layout;
mod record;
mod source;

use std::sync::{Arc, OnceLock};

pub(crate) use layout::{
    CodeWord, FirstFlags, FlagBits, KnownWord, Lane, Layout, NumberWord, WordOf,
};
pub(crate) use record::Members;
pub use record::{CensoredValue, FieldValue, Record, WrongKind};
pub use source::Source;

use crate::syntax::Span;
use crate::units::{MolarMass, Scale, Unit};

/// The fields of a record (or of a list element), by slot.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// Fields in declaration order; a field's slot is its index.
    pub fields: Vec<Field>,
    /// The layout of records and the fingerprint they carry, computed
    /// once, when first asked for (the checker builds a schema whole before
    /// anyone reads it).
    layout: OnceLock<Arc<Layout>>,
}

impl Schema {
    /// The fingerprint of this schema that records built for it carry.
    pub(crate) fn fingerprint(&self) -> u64 {
        self.layout().fingerprint
    }

    /// How records of this schema are laid out.
    pub(crate) fn layout(&self) -> &Arc<Layout> {
        self.layout.get_or_init(|| Arc::new(Layout::of(self)))
    }

    /// The slot of a field by name.
    #[must_use]
    pub fn slot(&self, name: &str) -> Option<Slot> {
        self.fields
            .iter()
            .position(|f| f.name == name)
            .map(|i| Slot(u32::try_from(i).unwrap_or(u32::MAX)))
    }

    /// The field at a slot.
    #[must_use]
    pub fn field(&self, slot: Slot) -> Option<&Field> {
        self.fields.get(slot.0 as usize)
    }
}

/// The index of a field in its schema.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slot(pub u32);

/// A declared field.
#[derive(Clone, Debug)]
pub struct Field {
    /// The name.
    pub name: String,
    /// What values it holds.
    pub ty: FieldType,
    /// Where it was declared.
    pub span: Span,
}

/// What a field holds.
#[derive(Clone, Debug)]
pub enum FieldType {
    /// Yes or no.
    Bool,
    /// A whole number, bounds included.
    Integer {
        /// Lower bound, if declared.
        min: Option<i64>,
        /// Upper bound, if declared.
        max: Option<i64>,
    },
    /// A dimensionless number.
    Number,
    /// A quantity stored in `unit`.
    Quantity {
        /// The unit values are stored in.
        unit: Unit,
        /// Whether record values carry a reference range.
        normal_range: bool,
        /// The analyte's molar mass, if declared.
        molar_mass: Option<MolarMass>,
        /// A second scale related by an equation (HbA1c in `mmol/mol` on a
        /// `%` field), if declared.
        scale: Option<Scale>,
        /// The lowest and highest plausible values in `unit`, if declared:
        /// a record value outside is a data error.
        plausible: Option<(f64, f64)>,
    },
    /// A calendar date.
    Date,
    /// Free text.
    Text,
    /// One member of an enumeration.
    OneOf(Vec<String>),
    /// One member of a scale, its members lowest first: a `one of` whose
    /// members are also ordered.
    Ordered(Vec<String>),
    /// Any number of members of an enumeration.
    SetOf(Vec<String>),
    /// A list of sub-records.
    ListOf(Schema),
}

/// A date written `YYYY-MM-DD`, as records and examples write one: exactly
/// that shape, a day of the calendar, from year 1 on ([`known_date`]).
pub(crate) fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        let shown: String = text.chars().take(40).collect();
        let cut = if shown.len() < text.len() { "…" } else { "" };
        return Err(format!("`{shown}{cut}` is not a date written YYYY-MM-DD"));
    }
    let day = text
        .parse::<jiff::civil::Date>()
        .map_err(|_| format!("`{text}` is not a day of the calendar"))?;
    known_date(day)
}

/// A date a record can hold: any day of the calendar from year 1 on.
///
/// Year 0000 is where placeholders for an unknown date live (`0000-01-01`,
/// the zero dates of some databases); read as a date, it would make a
/// patient 2026 years old and decide every criterion on age. A real date
/// that old has no place in a patient record, so the field is left missing
/// instead; so are the years before it, which only the Rust API can give.
pub(crate) fn known_date(day: jiff::civil::Date) -> Result<jiff::civil::Date, String> {
    if day.year() <= 0 {
        return Err(format!(
            "`{day}` is before year 1: year 0000 holds placeholders for unknown dates, not real ones"
        ));
    }
    Ok(day)
}

/// The most a whole number may be, either way, and be held exactly: past
/// ±2^53 neighbouring whole numbers share one `f64`.
pub(crate) const EXACT_WHOLE: u64 = 1 << 53;

/// An `integer` field's value from a number: whole, exact, and within the
/// declared bounds. The one rule for every reader of record values and
/// for the examples a rule file writes.
pub(crate) fn integer_value(
    value: f64,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<FieldValue, String> {
    if !value.is_finite() || value.fract() != 0.0 {
        return Err(format!("{value} is not a whole number"));
    }
    #[expect(clippy::cast_precision_loss, reason = "2^53 is exact in an f64")]
    if value.abs() > EXACT_WHOLE as f64 {
        return Err(format!(
            "{value:e} is too large to be held exactly: whole numbers are compared exactly only up to ±2^53 (9007199254740992)"
        ));
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "bounds of clinical scales are small"
    )]
    let outside = min.is_some_and(|m| value < m as f64) || max.is_some_and(|m| value > m as f64);
    if outside {
        let bound = |b: Option<i64>| b.map_or_else(String::new, |b| b.to_string());
        return Err(format!(
            "{value} is outside the declared range {}..{}",
            bound(min),
            bound(max)
        ));
    }
    Ok(FieldValue::Number(value))
}
