//! Patient records bound to a program's schema: one value per field slot.

use jiff::civil::Date;

use crate::check::{FieldType, Schema, Slot};

/// The value of one field in a record.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// No value: conditions that need it are unknown.
    Missing,
    /// A `bool` field.
    Bool(bool),
    /// An `integer` or `number` field.
    Number(f64),
    /// A quantity, in the field's declared unit, with the record's own
    /// reference range for fields declared `with normal range`.
    Quantity {
        /// The value.
        value: f64,
        /// Lower limit of normal, if the record gives it.
        low: Option<f64>,
        /// Upper limit of normal, if the record gives it.
        high: Option<f64>,
    },
    /// A `date` field.
    Date(Date),
    /// A `text` field.
    Text(String),
    /// A `one of` field: the index of the member in the declaration.
    Member(u32),
    /// A `set of` field: the indices of the members present.
    Members(Vec<u32>),
    /// A `list of` field: one record per element, bound to the element
    /// schema.
    List(Vec<Record>),
}

impl FieldValue {
    /// What kind of value this is, in words, for messages: `a quantity`,
    /// `a date`, `nothing`.
    #[must_use]
    pub fn kind_words(&self) -> &'static str {
        match self {
            FieldValue::Missing => "nothing",
            FieldValue::Bool(_) => "a yes/no value",
            FieldValue::Number(_) => "a number",
            FieldValue::Quantity { .. } => "a quantity",
            FieldValue::Date(_) => "a date",
            FieldValue::Text(_) => "text",
            FieldValue::Member(_) => "a member",
            FieldValue::Members(_) => "members",
            FieldValue::List(_) => "a list",
        }
    }
}

/// A record: a value for every field slot of a schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    values: Vec<FieldValue>,
    /// The fingerprint of the schema the record was built for, so that a
    /// compiled program can refuse a record of another one.
    schema: u64,
}

/// A value that does not fit the field it was set on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("field `{field}` holds {expected}, not {found}")]
pub struct WrongKind {
    /// The field.
    pub field: String,
    /// What the field holds, in words.
    pub expected: &'static str,
    /// What was given, in words.
    pub found: &'static str,
}

impl Record {
    /// A record for `schema` with every field missing.
    #[must_use]
    pub fn new(schema: &Schema) -> Record {
        Record {
            schema: schema.fingerprint(),
            values: vec![FieldValue::Missing; schema.fields.len()],
        }
    }

    /// The fingerprint of the schema this record was built for.
    pub(crate) fn schema_fingerprint(&self) -> u64 {
        self.schema
    }

    /// The value at a slot (missing for a slot the record does not have).
    #[must_use]
    pub fn get(&self, slot: Slot) -> &FieldValue {
        self.values
            .get(slot.0 as usize)
            .unwrap_or(&FieldValue::Missing)
    }

    /// Sets the field called `name`, checking that the value is of the
    /// field's kind (a quantity for a quantity field, a member index within
    /// the declaration, …).
    ///
    /// # Errors
    ///
    /// [`WrongKind`] when the value does not fit; unknown names are
    /// reported the same way, with `expected` "a declared field".
    pub fn set(&mut self, schema: &Schema, name: &str, value: FieldValue) -> Result<(), WrongKind> {
        let undeclared = || WrongKind {
            field: name.to_owned(),
            expected: "nothing: no such field is declared",
            found: "a value",
        };
        let Some(slot) = schema.slot(name) else {
            return Err(undeclared());
        };
        self.set_slot(schema, slot, value)
    }

    /// [`Record::set`] for the field at `slot`, for readers that already
    /// know it: no lookup by name.
    pub(crate) fn set_slot(
        &mut self,
        schema: &Schema,
        slot: Slot,
        value: FieldValue,
    ) -> Result<(), WrongKind> {
        let Some(field) = schema.field(slot) else {
            return Err(WrongKind {
                field: format!("slot {}", slot.0),
                expected: "nothing: no such field is declared",
                found: "a value",
            });
        };
        let name = field.name.as_str();
        let wrong = |expected, found| WrongKind {
            field: name.to_owned(),
            expected,
            found,
        };
        let fits = match (&field.ty, &value) {
            (_, FieldValue::Missing) => Ok(()),
            (FieldType::Bool, FieldValue::Bool(_)) => Ok(()),
            (FieldType::Integer { min, max }, FieldValue::Number(v)) => {
                #[expect(
                    clippy::cast_precision_loss,
                    reason = "bounds of clinical scales are small"
                )]
                let inside = v.fract() == 0.0
                    && min.is_none_or(|m| *v >= m as f64)
                    && max.is_none_or(|m| *v <= m as f64);
                if inside {
                    Ok(())
                } else {
                    Err(wrong(
                        "a whole number within its declared range",
                        "a number outside it",
                    ))
                }
            }
            (FieldType::Number, FieldValue::Number(v)) if v.is_finite() => Ok(()),
            (
                FieldType::Quantity { normal_range, .. },
                FieldValue::Quantity { value, low, high },
            ) => {
                let range_ok = match (low, high) {
                    (None, None) => true,
                    _ if !normal_range => false,
                    (Some(l), Some(h)) => l.is_finite() && h.is_finite() && l <= h,
                    (Some(x), None) | (None, Some(x)) => x.is_finite(),
                };
                if !value.is_finite() {
                    Err(wrong(
                        "a finite quantity",
                        "a value that is not a finite number",
                    ))
                } else if !range_ok {
                    Err(wrong(
                        "a reference range only if declared `with normal range`, finite, low <= high",
                        "another range",
                    ))
                } else {
                    Ok(())
                }
            }
            (FieldType::Date, FieldValue::Date(_)) => Ok(()),
            (FieldType::Text, FieldValue::Text(_)) => Ok(()),
            (FieldType::OneOf(members), FieldValue::Member(i)) if (*i as usize) < members.len() => {
                Ok(())
            }
            (FieldType::SetOf(members), FieldValue::Members(ms))
                if ms.iter().all(|i| (*i as usize) < members.len()) =>
            {
                Ok(())
            }
            (FieldType::ListOf(element), FieldValue::List(records)) => {
                let own = element.fingerprint();
                if records.iter().all(|r| r.schema == own) {
                    Ok(())
                } else {
                    Err(wrong(
                        "elements built for its own element fields",
                        "an element built for other fields",
                    ))
                }
            }
            (ty, _) => Err(wrong(kind_of(ty), value.kind_words())),
        };
        fits?;
        if let Some(cell) = self.values.get_mut(slot.0 as usize) {
            *cell = value;
        }
        Ok(())
    }
}

/// A fingerprint of a schema: its field names and types, members and
/// units, element schemas included. Two programs with the same fields get
/// the same fingerprint, so a record serves both.
pub(crate) fn fingerprint(schema: &Schema) -> u64 {
    use std::hash::{Hash, Hasher};
    fn feed(schema: &Schema, h: &mut std::hash::DefaultHasher) {
        schema.fields.len().hash(h);
        for field in &schema.fields {
            field.name.hash(h);
            match &field.ty {
                FieldType::Integer { min, max } => (1u8, min, max).hash(h),
                FieldType::Quantity {
                    unit, normal_range, ..
                } => (2u8, unit.ucum(), normal_range).hash(h),
                FieldType::OneOf(m) => (3u8, m).hash(h),
                FieldType::SetOf(m) => (4u8, m).hash(h),
                FieldType::ListOf(element) => {
                    5u8.hash(h);
                    feed(element, h);
                }
                other => kind_of(other).hash(h),
            }
        }
    }
    let mut h = std::hash::DefaultHasher::new();
    feed(schema, &mut h);
    h.finish()
}

fn kind_of(ty: &FieldType) -> &'static str {
    match ty {
        FieldType::Bool => "a yes/no value",
        FieldType::Integer { .. } => "a whole number",
        FieldType::Number => "a finite number",
        FieldType::Quantity { .. } => "a finite quantity",
        FieldType::Date => "a date",
        FieldType::Text => "text",
        FieldType::OneOf(_) => "one declared member",
        FieldType::SetOf(_) => "declared members",
        FieldType::ListOf(_) => "a list",
    }
}
