//! Censored values in the reference evaluator: a comparison of a censored
//! field with a number is decided when every value of its interval gives
//! the same answer ([`Censored::compare`]); anywhere else the field reads
//! as missing, so whatever uses it is unknown.

use super::Walker;
use crate::check::{FieldRef, Num};
use crate::schema::{CensoredValue, Record};
use crate::semantics::{Censored, Truth, flip};
use crate::syntax::CompareOp;

impl<'r> Walker<'_, 'r> {
    /// The record a field at `field.depth` is read from.
    fn record_of(&self, field: FieldRef) -> Option<&'r Record> {
        if field.depth == 0 {
            return Some(self.record);
        }
        let index = self.elements.len().checked_sub(field.depth as usize)?;
        self.elements.get(index).copied()
    }

    /// The censored value a field holds, if it holds one.
    pub(crate) fn censored_value(&self, field: FieldRef) -> Option<CensoredValue> {
        let record = self.record_of(field)?;
        if !record.has_censored() {
            return None;
        }
        record.censored(field.slot).copied()
    }

    /// A field read directly (in the unit of the comparison) that holds a
    /// censored value: its interval in that unit.
    pub(crate) fn censored(&self, n: &Num) -> Option<(FieldRef, Censored)> {
        let Num::Field { field, conversion } = n else {
            return None;
        };
        let value = self.censored_value(*field)?;
        Some((*field, value.converted(conversion)?))
    }

    /// `lhs op rhs` when one side is a censored field and the other a
    /// known number (`x ULN` of the same field reads its range); `None`
    /// when neither side is censored.
    pub(super) fn compare_censored(
        &mut self,
        op: CompareOp,
        lhs: &Num,
        rhs: &Num,
    ) -> Option<Truth> {
        let (field, censored, other, op) = match (self.censored(lhs), self.censored(rhs)) {
            (Some((field, c)), _) => (field, c, rhs, op),
            (None, Some((field, c))) => (field, c, lhs, flip(op)),
            (None, None) => return None,
        };
        let k = match other {
            Num::Limit {
                field: of,
                limit,
                factor,
            } if *of == field => self
                .censored_value(field)
                .and_then(|v| v.limit(*limit, *factor)),
            _ => self.num(other),
        };
        let truth = match k {
            Some(k) => censored.compare(op, k),
            None => Truth::Unknown,
        };
        if truth == Truth::Unknown {
            // The exact value would decide: the field is what to ask for.
            self.note_missing(field);
        }
        Some(truth)
    }

    /// Notes a field as read while missing (a list element's as its list).
    fn note_missing(&mut self, field: FieldRef) {
        let slot = if field.depth == 0 {
            Some(field.slot.0)
        } else {
            self.roots.first().copied()
        };
        if let Some(slot) = slot
            && !self.missing.contains(&slot)
        {
            self.missing.push(slot);
        }
    }
}
