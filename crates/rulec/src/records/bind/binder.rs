//! The [`Binder`]: resolves a Rust type's fields against a schema once,
//! noting every mismatch.

use std::marker::PhantomData;

use super::Bind;
use super::handles::{DateField, Element, Flag, List, Member, NOWHERE, Number, Quantity, Set, Str};
use crate::check::Program;
use crate::records::{QuantityField, may_be_negative, member, unknown_field};
use crate::schema::{Field, FieldType, FlagBits, Layout, NumberWord, Schema, Slot};

/// One mismatch between a Rust type and a program's fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// The rule file's field, with its path inside a list
    /// (`therapies.class`).
    pub field: String,
    /// What does not fit, in words.
    pub reason: String,
}

/// Every way a Rust type does not fit a program's fields, found at bind
/// time: unknown fields, fields of another type, units that do not convert.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(.mismatches))]
pub struct BindError {
    /// The mismatches, in the order of the Rust type's fields.
    pub mismatches: Vec<Mismatch>,
}

fn render(mismatches: &[Mismatch]) -> String {
    let mut text = format!(
        "the Rust type does not fit the rule file's fields ({} mismatch{}):",
        mismatches.len(),
        if mismatches.len() == 1 { "" } else { "es" }
    );
    for m in mismatches {
        text.push_str(&format!("\n  field `{}`: {}", m.field, m.reason));
    }
    text
}

/// Resolves fields of a schema by name into handles, once, noting every
/// mismatch; [`finish`](Binder::finish) reports them all in one error.
///
/// A handle whose field did not bind writes nowhere, so nothing panics if
/// the error is ignored — but values are then lost: check the error.
#[derive(Debug)]
pub struct Binder<'s> {
    pub(super) schema: &'s Schema,
    /// The path of a list's element fields (`therapies.`), empty at the top.
    prefix: String,
    mismatches: Vec<Mismatch>,
}

impl<'s> Binder<'s> {
    /// A binder for the fields of `program`.
    #[must_use]
    pub fn new(program: &'s Program) -> Binder<'s> {
        Binder::of(&program.schema, String::new())
    }

    pub(super) fn of(schema: &'s Schema, prefix: String) -> Binder<'s> {
        Binder {
            schema,
            prefix,
            mismatches: Vec::new(),
        }
    }

    /// `Ok` when every field asked for bound; else every mismatch.
    ///
    /// # Errors
    ///
    /// A [`BindError`] listing each mismatch met.
    pub fn finish(self) -> Result<(), BindError> {
        if self.mismatches.is_empty() {
            Ok(())
        } else {
            Err(BindError {
                mismatches: self.mismatches,
            })
        }
    }

    /// Notes a mismatch for the field `name`.
    pub fn mismatch(&mut self, name: &str, reason: impl Into<String>) {
        self.mismatches.push(Mismatch {
            field: format!("{}{name}", self.prefix),
            reason: reason.into(),
        });
    }

    /// The layout handles are resolved in.
    fn layout(&self) -> &'s Layout {
        self.schema.layout()
    }

    /// The field called `name`, or a noted mismatch.
    fn field(&mut self, name: &str) -> Option<(Slot, &'s Field)> {
        let schema = self.schema;
        let found = schema
            .slot(name)
            .and_then(|slot| Some((slot, schema.field(slot)?)));
        if found.is_none() {
            let reason = unknown_field(name, schema);
            self.mismatch(name, reason);
        }
        found
    }

    /// The field `name` if `fits` accepts its type; else a noted mismatch
    /// saying the field holds something else than `rust` gives.
    fn typed<T>(
        &mut self,
        name: &str,
        rust: &str,
        fits: impl FnOnce(&'s Field) -> Option<T>,
    ) -> Option<(Slot, &'s Field, T)> {
        let (slot, field) = self.field(name)?;
        match fits(field) {
            Some(t) => Some((slot, field, t)),
            None => {
                let reason = format!(
                    "the rules declare {}, the Rust type gives {rust}",
                    kind(&field.ty)
                );
                self.mismatch(name, reason);
                None
            }
        }
    }

    /// A `bool` field.
    pub fn flag(&mut self, name: &str) -> Flag<'s> {
        let found = self.typed(name, "a bool", |f| {
            matches!(f.ty, FieldType::Bool).then_some(())
        });
        let slot = found.map_or(NOWHERE, |(s, _, ())| s);
        let layout = self.layout();
        Flag {
            bits: layout.flag_bits(slot).unwrap_or(FlagBits::NOWHERE),
            fingerprint: layout.fingerprint,
            schema: PhantomData,
        }
    }

    /// An `integer` or `number` field.
    pub fn number(&mut self, name: &str) -> Number<'s> {
        let found = self.typed(name, "a number", |f| match f.ty {
            FieldType::Number => Some(None),
            FieldType::Integer { min, max } => Some(Some((min, max))),
            _ => None,
        });
        let (slot, name, integer) =
            found.map_or((NOWHERE, "", None), |(s, f, i)| (s, f.name.as_str(), i));
        let layout = self.layout();
        let (low, high, whole) = Number::passing(integer);
        Number {
            slot,
            word: layout.number_word(slot).unwrap_or(NumberWord::NOWHERE),
            fingerprint: layout.fingerprint,
            name,
            integer,
            low,
            high,
            whole,
        }
    }

    /// A quantity field, given in `unit`: the conversion into the field's
    /// unit (through its molar mass or scale) is built here, once.
    pub fn quantity(&mut self, name: &str, unit: &str) -> Quantity<'s> {
        let found = self.typed(name, &format!("a quantity in `{unit}`"), QuantityField::of);
        let Some((slot, _, field)) = found else {
            return Quantity::NOWHERE;
        };
        match field.conversion_from(unit) {
            Ok(conversion) => {
                let layout = self.layout();
                // The readers' judgement (`QuantityField::quantity`) as
                // bounds: a declared plausible range below zero says the
                // field may be negative.
                let declared_negative = field.plausible.is_some_and(|(low, _)| low < 0.0);
                let floor = if may_be_negative(field.unit) || declared_negative {
                    -f64::MAX
                } else {
                    0.0
                };
                let (low, high) = field
                    .plausible
                    .map_or((floor, f64::MAX), |(low, high)| (low.max(floor), high));
                Quantity {
                    slot,
                    field: Some(field),
                    conversion,
                    word: layout.number_word(slot).unwrap_or(NumberWord::NOWHERE),
                    limits: layout.limit_words(slot),
                    fingerprint: layout.fingerprint,
                    low,
                    high,
                    floor,
                }
            }
            Err(reason) => {
                self.mismatch(name, reason);
                Quantity::NOWHERE
            }
        }
    }

    /// A `date` field.
    pub fn date(&mut self, name: &str) -> DateField<'s> {
        let found = self.typed(name, "a date", |f| {
            matches!(f.ty, FieldType::Date).then_some(())
        });
        let (slot, name) = found.map_or((NOWHERE, ""), |(s, f, ())| (s, f.name.as_str()));
        DateField {
            slot,
            fingerprint: self.layout().fingerprint,
            name,
        }
    }

    /// A `text` or `one of` field, set from a string (a `one of` by its
    /// member's name).
    pub fn string(&mut self, name: &str) -> Str<'s> {
        let found = self.typed(name, "a string", |f| match &f.ty {
            FieldType::Text => Some(None),
            FieldType::OneOf(members) | FieldType::Ordered(members) => {
                Some(Some(members.as_slice()))
            }
            _ => None,
        });
        let (slot, name, members) =
            found.map_or((NOWHERE, "", None), |(s, f, m)| (s, f.name.as_str(), m));
        Str {
            slot,
            fingerprint: self.layout().fingerprint,
            name,
            members,
        }
    }

    /// One member of a `one of` field, its index resolved here.
    pub fn member(&mut self, name: &str, value: &str) -> Member {
        let fingerprint = self.layout().fingerprint;
        let found = self.typed(name, &format!("the member `{value}`"), |f| match &f.ty {
            FieldType::OneOf(members) | FieldType::Ordered(members) => Some(members.as_slice()),
            _ => None,
        });
        let Some((slot, _, declared)) = found else {
            return Member {
                slot: NOWHERE,
                fingerprint,
                index: 0,
            };
        };
        match member(value, declared) {
            Ok(index) => Member {
                slot,
                fingerprint,
                index,
            },
            Err(reason) => {
                self.mismatch(name, reason);
                Member {
                    slot: NOWHERE,
                    fingerprint,
                    index: 0,
                }
            }
        }
    }

    /// A `set of` field, set from member names.
    pub fn set(&mut self, name: &str) -> Set<'s> {
        let found = self.typed(name, "a list of strings", |f| match &f.ty {
            FieldType::SetOf(members) => Some(members.as_slice()),
            _ => None,
        });
        let (slot, name, members) =
            found.map_or((NOWHERE, "", &[][..]), |(s, f, m)| (s, f.name.as_str(), m));
        Set {
            slot,
            fingerprint: self.layout().fingerprint,
            name,
            members,
        }
    }

    /// A `list of` field whose elements are `T`s, bound to the element
    /// fields (their mismatches named `list.field`).
    pub fn list<T: Bind>(&mut self, name: &str) -> List<'s, T> {
        let found = self.typed(name, "a list of structs", |f| match &f.ty {
            FieldType::ListOf(element) => Some(element),
            _ => None,
        });
        let Some((slot, field, element)) = found else {
            return List {
                slot: NOWHERE,
                fingerprint: self.layout().fingerprint,
                name: "",
                element: None,
            };
        };
        let mut inner = Binder::of(element, format!("{}{name}.", self.prefix));
        let handles = T::bind(&mut inner);
        self.mismatches.append(&mut inner.mismatches);
        List {
            slot,
            fingerprint: self.layout().fingerprint,
            name: &field.name,
            element: Some(Element {
                schema: element,
                handles,
            }),
        }
    }
}

/// The type of a field in the words of a bind error.
fn kind(ty: &FieldType) -> String {
    match ty {
        FieldType::Bool => "a bool".to_owned(),
        FieldType::Integer { .. } => "an integer".to_owned(),
        FieldType::Number => "a number".to_owned(),
        FieldType::Quantity { unit, .. } => format!("a quantity in `{unit}`"),
        FieldType::Date => "a date".to_owned(),
        FieldType::Text => "text".to_owned(),
        FieldType::OneOf(_) => "a `one of`".to_owned(),
        FieldType::Ordered(_) => "an `ordered`".to_owned(),
        FieldType::SetOf(_) => "a `set of`".to_owned(),
        FieldType::ListOf(_) => "a `list of`".to_owned(),
    }
}
