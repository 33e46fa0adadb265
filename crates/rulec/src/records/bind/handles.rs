//! The handles a [`Binder`](super::Binder) resolves: where each field of a
//! Rust type goes in a record of one schema.

use std::marker::PhantomData;

use super::Bind;
use crate::records::QuantityField;
use crate::schema::{Lane, Schema, Slot};
use crate::units::Conversion;

/// A slot no schema has: a handle that did not bind writes nowhere.
pub(super) const NOWHERE: Slot = Slot(u32::MAX);

/// A bound `bool` field.
#[derive(Clone, Copy, Debug)]
pub struct Flag<'s> {
    pub(super) slot: Slot,
    /// Where the value goes: the handle writes there directly.
    pub(super) lane: Lane,
    pub(super) schema: PhantomData<&'s Schema>,
}

/// A bound `integer` or `number` field.
#[derive(Clone, Copy, Debug)]
pub struct Number<'s> {
    pub(super) slot: Slot,
    /// Where the value goes: a value that passes is one store.
    pub(super) lane: Lane,
    pub(super) name: &'s str,
    /// The bounds of an `integer` field.
    pub(super) integer: Option<(Option<i64>, Option<i64>)>,
}

/// A bound quantity field, with the conversion from the Rust side's unit.
#[derive(Clone, Copy)]
pub struct Quantity<'s> {
    pub(super) slot: Slot,
    pub(super) field: Option<QuantityField<'s>>,
    pub(super) conversion: Conversion,
}

impl Quantity<'_> {
    pub(super) const NOWHERE: Quantity<'static> = Quantity {
        slot: NOWHERE,
        field: None,
        conversion: Conversion::IDENTITY,
    };
}

impl std::fmt::Debug for Quantity<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Quantity")
            .field("slot", &self.slot)
            .field("field", &self.field.map(|q| q.name))
            .field("conversion", &self.conversion)
            .finish()
    }
}

/// A bound `date` field.
#[derive(Clone, Copy, Debug)]
pub struct DateField<'s> {
    pub(super) slot: Slot,
    pub(super) name: &'s str,
}

/// A bound `text` or `one of` field.
#[derive(Clone, Copy, Debug)]
pub struct Str<'s> {
    pub(super) slot: Slot,
    pub(super) name: &'s str,
    /// The members of a `one of`; `None` for text.
    pub(super) members: Option<&'s [String]>,
}

/// One member of a bound `one of` field.
#[derive(Clone, Copy, Debug)]
pub struct Member {
    pub(super) slot: Slot,
    pub(super) index: u32,
}

/// A bound `set of` field.
#[derive(Clone, Copy, Debug)]
pub struct Set<'s> {
    pub(super) slot: Slot,
    pub(super) name: &'s str,
    pub(super) members: &'s [String],
}

/// A bound `list of` field of `T`s.
pub struct List<'s, T: Bind> {
    pub(super) slot: Slot,
    pub(super) name: &'s str,
    pub(super) element: Option<Element<'s, T>>,
}

pub(super) struct Element<'s, T: Bind> {
    pub(super) schema: &'s Schema,
    pub(super) handles: T::Handles<'s>,
}
