//! The handles a [`Binder`](super::Binder) resolves: where each field of a
//! Rust type goes in a record of one schema.

use std::marker::PhantomData;

use super::Bind;
use crate::records::QuantityField;
use crate::schema::{FlagBits, NumberWord, Schema, Slot};
use crate::units::Conversion;

/// A slot no schema has: a handle that did not bind writes nowhere.
pub(super) const NOWHERE: Slot = Slot(u32::MAX);

/// A bound `bool` field.
#[derive(Clone, Copy, Debug)]
pub struct Flag<'s> {
    /// Where the value goes, resolved at bind time: a write is two
    /// stores, with no lookup of the slot's lane.
    pub(super) bits: FlagBits,
    /// The fingerprint of the schema `bits` was resolved in: a writer into
    /// a record of other fields writes nothing through them.
    pub(super) fingerprint: u64,
    pub(super) schema: PhantomData<&'s Schema>,
}

/// A bound `integer` or `number` field.
#[derive(Clone, Copy, Debug)]
pub struct Number<'s> {
    pub(super) slot: Slot,
    /// Where the value goes: a value that passes is one store.
    pub(super) word: NumberWord,
    /// As [`Flag::fingerprint`].
    pub(super) fingerprint: u64,
    pub(super) name: &'s str,
    /// The bounds of an `integer` field.
    pub(super) integer: Option<(Option<i64>, Option<i64>)>,
    /// What passes, decided at bind time from the field's type: a value
    /// within `low..=high` (finite bounds, so NaN and infinities fail),
    /// whole if `whole`. Anything else is judged, and worded, by the
    /// readers' code.
    pub(super) low: f64,
    pub(super) high: f64,
    pub(super) whole: bool,
}

/// The largest whole number an `f64` holds exactly, and every smaller one.
#[expect(clippy::cast_precision_loss, reason = "2^53 is exact")]
const EXACT: f64 = (1_u64 << 53) as f64;

impl Number<'_> {
    /// What passes for a field that is an `integer` (with its bounds) or a
    /// `number` (`None`): the readers accept exactly these values.
    #[expect(
        clippy::cast_precision_loss,
        reason = "bounds of clinical scales are small; 2^53 is exact"
    )]
    pub(super) fn passing(integer: Option<(Option<i64>, Option<i64>)>) -> (f64, f64, bool) {
        match integer {
            None => (-f64::MAX, f64::MAX, false),
            Some((min, max)) => (
                min.map_or(-EXACT, |m| (m as f64).max(-EXACT)),
                max.map_or(EXACT, |m| (m as f64).min(EXACT)),
                true,
            ),
        }
    }

    /// Whether `value` is stored as it is, without judging.
    #[inline]
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_precision_loss,
        reason = "within ±2^53 once in bounds: the round trip is exact for whole numbers"
    )]
    pub(super) fn passes(&self, value: f64) -> bool {
        self.low <= value && value <= self.high && (!self.whole || (value as i64) as f64 == value)
    }
}

/// A bound quantity field, with the conversion from the Rust side's unit.
#[derive(Clone, Copy)]
pub struct Quantity<'s> {
    pub(super) slot: Slot,
    pub(super) field: Option<QuantityField<'s>>,
    pub(super) conversion: Conversion,
    /// Where the value goes.
    pub(super) word: NumberWord,
    /// Where the reference limits go, for a field `with normal range`.
    pub(super) limits: Option<(NumberWord, NumberWord)>,
    /// As [`Flag::fingerprint`].
    pub(super) fingerprint: u64,
    /// What passes once converted, decided at bind time: a value within
    /// `low..=high` (not below zero where the unit's values cannot be,
    /// within the plausible range), a limit within `floor..=f64::MAX`.
    /// Anything else is judged, and worded, by the readers' code.
    pub(super) low: f64,
    pub(super) high: f64,
    pub(super) floor: f64,
}

impl Quantity<'_> {
    /// A handle that did not bind: nothing passes, so every write is
    /// judged, and refused.
    pub(super) const NOWHERE: Quantity<'static> = Quantity {
        slot: NOWHERE,
        field: None,
        conversion: Conversion::IDENTITY,
        word: NumberWord::NOWHERE,
        limits: None,
        fingerprint: 0,
        low: f64::INFINITY,
        high: f64::NEG_INFINITY,
        floor: f64::INFINITY,
    };

    /// The value and limits to store, converted, if they pass as they
    /// are; `None` sends them to be judged.
    #[inline]
    pub(super) fn passes(
        &self,
        value: f64,
        low: Option<f64>,
        high: Option<f64>,
    ) -> Option<(f64, Option<f64>, Option<f64>)> {
        let c = self.conversion;
        let converted = c.apply(value);
        if !(value.is_finite() && self.low <= converted && converted <= self.high) {
            return None;
        }
        if low.is_none() && high.is_none() {
            return Some((converted, None, None));
        }
        self.limits?;
        let limit = |l: Option<f64>| match l {
            None => Some(None),
            Some(l) => {
                let converted = c.apply(l);
                (l.is_finite() && self.floor <= converted && converted <= f64::MAX)
                    .then_some(Some(converted))
            }
        };
        let (low, high) = (limit(low)?, limit(high)?);
        match (low, high) {
            (Some(l), Some(h)) if l > h => None,
            _ => Some((converted, low, high)),
        }
    }
}

impl std::fmt::Debug for Quantity<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Quantity")
            .field("slot", &self.slot)
            .field("field", &self.field.map(|q| q.name))
            .field("conversion", &self.conversion)
            .field("word", &self.word)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// A bound `date` field.
#[derive(Clone, Copy, Debug)]
pub struct DateField<'s> {
    pub(super) slot: Slot,
    /// As [`Flag::fingerprint`].
    pub(super) fingerprint: u64,
    pub(super) name: &'s str,
}

/// A bound `text` or `one of` field.
#[derive(Clone, Copy, Debug)]
pub struct Str<'s> {
    pub(super) slot: Slot,
    /// As [`Flag::fingerprint`].
    pub(super) fingerprint: u64,
    pub(super) name: &'s str,
    /// The members of a `one of`; `None` for text.
    pub(super) members: Option<&'s [String]>,
}

/// One member of a bound `one of` field.
#[derive(Clone, Copy, Debug)]
pub struct Member {
    pub(super) slot: Slot,
    /// As [`Flag::fingerprint`].
    pub(super) fingerprint: u64,
    pub(super) index: u32,
}

/// A bound `set of` field.
#[derive(Clone, Copy, Debug)]
pub struct Set<'s> {
    pub(super) slot: Slot,
    /// As [`Flag::fingerprint`].
    pub(super) fingerprint: u64,
    pub(super) name: &'s str,
    pub(super) members: &'s [String],
}

/// A bound `list of` field of `T`s.
pub struct List<'s, T: Bind> {
    pub(super) slot: Slot,
    /// As [`Flag::fingerprint`].
    pub(super) fingerprint: u64,
    pub(super) name: &'s str,
    pub(super) element: Option<Element<'s, T>>,
}

pub(super) struct Element<'s, T: Bind> {
    pub(super) schema: &'s Schema,
    pub(super) handles: T::Handles<'s>,
}
