//! The check that a record was built for the program's schema: at compile
//! time the schema becomes a [`Shape`], the kind of value each slot may
//! hold (members by count, lists by their element shape); at evaluation
//! the record's values are checked against it (see [`SchemaMismatch`] for
//! what this can and cannot see). An exact check in constant time needs
//! the record to remember its schema: see [`super`].

use crate::check::{FieldType, Schema, Slot};
use crate::eval::{FieldValue, Record};

/// A record that was not built for the program's schema.
///
/// A [`Record`] does not carry the identity of its schema, so the check is
/// structural: every value present must be of the kind its slot holds in
/// the program's schema (members within the declaration), recursively
/// through list elements, and the slot just past the schema must be
/// empty. It cannot tell apart two schemas whose slots hold the same
/// kinds, nor see that a record has fewer slots (a slot a record lacks
/// reads as missing, which is safe).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaMismatch {
    /// The record was built for another schema (other field names or
    /// types), as its fingerprint says.
    #[error("the record was not built for this program: it was made for other fields")]
    OtherSchema,
    /// A value is not of the kind its slot holds in the program's schema.
    #[error(
        "the record was not built for this program: field `{field}` holds {expected}, but the record has {found} there"
    )]
    WrongKind {
        /// The field, with the list element for a field of one
        /// (`therapies[2].class`).
        field: String,
        /// What the field holds in the program's schema, in words.
        expected: &'static str,
        /// What the record holds in its slot, in words.
        found: &'static str,
    },
    /// The record has a value past the last field of the program's schema.
    #[error(
        "the record was not built for this program: {record} has more than the {fields} fields the program declares"
    )]
    TooManyFields {
        /// `the record`, or the list element (`` `therapies[2]` ``).
        record: String,
        /// How many fields the program's schema has there.
        fields: usize,
    },
}

/// The kind of value each slot of a schema holds.
#[derive(Clone, Debug)]
pub(super) struct Shape {
    fields: Vec<(String, Kind)>,
    /// The schema's fingerprint, compared with the record's own first.
    fingerprint: u64,
}

#[derive(Clone, Debug)]
enum Kind {
    Bool,
    Number,
    Quantity,
    Date,
    Text,
    /// One member, by index below the count.
    Member(usize),
    /// Members, each by index below the count.
    Members(usize),
    List(Shape),
}

impl Shape {
    /// The shape of a schema.
    pub(super) fn of(schema: &Schema) -> Shape {
        let fields = schema
            .fields
            .iter()
            .map(|f| {
                let kind = match &f.ty {
                    FieldType::Bool => Kind::Bool,
                    FieldType::Integer { .. } | FieldType::Number => Kind::Number,
                    FieldType::Quantity { .. } => Kind::Quantity,
                    FieldType::Date => Kind::Date,
                    FieldType::Text => Kind::Text,
                    FieldType::OneOf(members) => Kind::Member(members.len()),
                    FieldType::SetOf(members) => Kind::Members(members.len()),
                    FieldType::ListOf(schema) => Kind::List(Shape::of(schema)),
                };
                (f.name.clone(), kind)
            })
            .collect();
        Shape {
            fields,
            fingerprint: crate::eval::schema_fingerprint(schema),
        }
    }

    /// The number of slots.
    pub(super) fn len(&self) -> usize {
        self.fields.len()
    }

    /// The field names, by slot.
    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(name, _)| name.as_str())
    }

    /// Checks that `record` fits the shape. Does not allocate unless it
    /// fails.
    pub(super) fn check(&self, record: &Record) -> Result<(), SchemaMismatch> {
        if record.schema_fingerprint() != self.fingerprint {
            return Err(SchemaMismatch::OtherSchema);
        }
        self.check_in(record).map_err(Mismatch::into_error)
    }

    fn check_in<'s>(&'s self, record: &Record) -> Result<(), Mismatch<'s>> {
        let past = Slot(u32::try_from(self.fields.len()).unwrap_or(u32::MAX));
        if !matches!(record.get(past), FieldValue::Missing) {
            return Err(Mismatch::TooMany {
                fields: self.fields.len(),
                path: Vec::new(),
            });
        }
        let slots = (0..=u32::MAX).map(Slot);
        for ((name, kind), slot) in self.fields.iter().zip(slots) {
            let value = record.get(slot);
            let found = match (kind, value) {
                (_, FieldValue::Missing)
                | (Kind::Bool, FieldValue::Bool(_))
                | (Kind::Number, FieldValue::Number(_))
                | (Kind::Quantity, FieldValue::Quantity { .. })
                | (Kind::Date, FieldValue::Date(_))
                | (Kind::Text, FieldValue::Text(_)) => None,
                (Kind::Member(count), FieldValue::Member(m)) => {
                    ((*m as usize) >= *count).then_some("a member past the declaration")
                }
                (Kind::Members(count), FieldValue::Members(ms)) => ms
                    .iter()
                    .any(|m| (*m as usize) >= *count)
                    .then_some("members past the declaration"),
                (Kind::List(shape), FieldValue::List(elements)) => {
                    for (i, element) in elements.iter().enumerate() {
                        shape.check_in(element).map_err(|mut m| {
                            m.path_mut().push((name, i));
                            m
                        })?;
                    }
                    None
                }
                _ => Some(value.kind_words()),
            };
            if let Some(found) = found {
                return Err(Mismatch::Kind {
                    field: name,
                    expected: kind.words(),
                    found,
                    path: Vec::new(),
                });
            }
        }
        Ok(())
    }
}

/// A mismatch found in a nested record, with the list elements that lead
/// to it, innermost first; turned into the public error once, at the top.
enum Mismatch<'s> {
    Kind {
        field: &'s str,
        expected: &'static str,
        found: &'static str,
        path: Vec<(&'s str, usize)>,
    },
    TooMany {
        fields: usize,
        path: Vec<(&'s str, usize)>,
    },
}

impl<'s> Mismatch<'s> {
    fn path_mut(&mut self) -> &mut Vec<(&'s str, usize)> {
        match self {
            Mismatch::Kind { path, .. } | Mismatch::TooMany { path, .. } => path,
        }
    }

    fn into_error(self) -> SchemaMismatch {
        let place = |path: &[(&str, usize)]| {
            path.iter()
                .rev()
                .map(|(list, i)| format!("{list}[{i}]"))
                .collect::<Vec<_>>()
                .join(".")
        };
        match self {
            Mismatch::Kind {
                field,
                expected,
                found,
                path,
            } => {
                let prefix = place(&path);
                SchemaMismatch::WrongKind {
                    field: if prefix.is_empty() {
                        field.to_owned()
                    } else {
                        format!("{prefix}.{field}")
                    },
                    expected,
                    found,
                }
            }
            Mismatch::TooMany { fields, path } => SchemaMismatch::TooManyFields {
                record: if path.is_empty() {
                    "the record".to_owned()
                } else {
                    format!("`{}`", place(&path))
                },
                fields,
            },
        }
    }
}

impl Kind {
    fn words(&self) -> &'static str {
        match self {
            Kind::Bool => "a yes/no value",
            Kind::Number => "a number",
            Kind::Quantity => "a quantity",
            Kind::Date => "a date",
            Kind::Text => "text",
            Kind::Member(_) => "one declared member",
            Kind::Members(_) => "declared members",
            Kind::List(_) => "a list",
        }
    }
}
