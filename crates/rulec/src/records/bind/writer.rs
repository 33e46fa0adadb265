//! The [`Writer`]: sets a record's values through bound handles.

use jiff::civil::Date;

use super::Bind;
use super::handles::{DateField, Flag, List, Member, Number, Quantity, Set, Str};
use crate::records::{FieldError, Reason, integer, known_date, member, members, number};
use crate::schema::{FieldValue, Record, Schema, Slot};

/// Writes values into a record through bound handles.
///
/// Each setter judges the value as the readers do; a value that does not
/// pass leaves the field missing and comes back as a [`FieldError`].
#[derive(Debug)]
pub struct Writer<'r> {
    pub(super) record: &'r mut Record,
}

impl<'r> Writer<'r> {
    /// A writer into `record`, which becomes a record of `schema` with
    /// every field missing if it was built for another schema.
    pub fn new(schema: &Schema, record: &'r mut Record) -> Writer<'r> {
        if record.schema_fingerprint() != schema.fingerprint() {
            *record = Record::new(schema);
        }
        Writer { record }
    }

    /// Stores a judged value, or leaves the field missing and says why.
    #[inline]
    fn put(
        &mut self,
        slot: Slot,
        name: &str,
        value: Result<FieldValue, Reason>,
    ) -> Result<(), FieldError> {
        match value {
            Ok(value) => {
                self.record.store(slot, value);
                Ok(())
            }
            Err(reason) => {
                self.record.store(slot, FieldValue::Missing);
                Err(FieldError {
                    field: name.to_owned(),
                    reason,
                })
            }
        }
    }

    /// Sets a `bool` field (`None`: missing).
    #[inline]
    pub fn flag(&mut self, field: Flag<'_>, value: Option<bool>) {
        self.record.put_flag(field.slot, field.lane, value);
    }

    /// Sets an `integer` or `number` field (`None`: missing).
    ///
    /// # Errors
    ///
    /// A value that is not finite, or for an `integer`, not whole or out of
    /// its declared range.
    #[inline]
    pub fn number(&mut self, field: Number<'_>, value: Option<f64>) -> Result<(), FieldError> {
        // The common case, a value that passes, is one store; anything
        // else is judged (and worded) as the readers judge it.
        #[expect(
            clippy::cast_precision_loss,
            reason = "bounds of clinical scales are small; 2^53 is exact"
        )]
        let passes = |v: f64| match field.integer {
            None => v.is_finite(),
            Some((min, max)) => {
                v.is_finite()
                    && v.fract() == 0.0
                    && v.abs() <= (1_u64 << 53) as f64
                    && min.is_none_or(|m| v >= m as f64)
                    && max.is_none_or(|m| v <= m as f64)
            }
        };
        if let Some(v) = value
            && passes(v)
        {
            // A handle of another schema's field writes nothing.
            self.record.put_number(field.slot, field.lane, v);
            return Ok(());
        }
        self.judged_number(field, value)
    }

    /// [`Writer::number`] for a missing value or one that does not pass:
    /// out of the way of the common case.
    #[cold]
    #[inline(never)]
    fn judged_number(&mut self, field: Number<'_>, value: Option<f64>) -> Result<(), FieldError> {
        let judged = match (value, field.integer) {
            (None, _) => Ok(FieldValue::Missing),
            (Some(v), None) => number(v),
            (Some(v), Some((min, max))) => integer(v, min, max),
        };
        self.put(field.slot, field.name, judged)
    }

    /// Sets an `integer` or `number` field from a whole number.
    ///
    /// # Errors
    ///
    /// As [`number`](Self::number); also a value beyond ±2^53.
    #[inline]
    pub fn integer(&mut self, field: Number<'_>, value: Option<i64>) -> Result<(), FieldError> {
        const EXACT: u64 = 1 << 53;
        match value {
            Some(v) if v.unsigned_abs() > EXACT => self.put(
                field.slot,
                field.name,
                Err(format!("{v} is too large to be held exactly")),
            ),
            #[expect(clippy::cast_precision_loss, reason = "checked to be within ±2^53")]
            Some(v) => self.number(field, Some(v as f64)),
            None => self.number(field, None),
        }
    }

    /// Sets a quantity field from a value in the unit it was bound with.
    ///
    /// # Errors
    ///
    /// As the readers judge a quantity: not finite, negative where the
    /// unit's values cannot be, outside a declared plausible range.
    #[inline]
    pub fn quantity(&mut self, field: Quantity<'_>, value: Option<f64>) -> Result<(), FieldError> {
        self.quantity_with_range(field, value, None, None)
    }

    /// Sets a quantity field declared `with normal range`, with the
    /// record's own limits, all in the unit it was bound with.
    ///
    /// # Errors
    ///
    /// As [`quantity`](Self::quantity); also limits on a field without a
    /// normal range, or a lower limit above the upper.
    pub fn quantity_with_range(
        &mut self,
        field: Quantity<'_>,
        value: Option<f64>,
        low: Option<f64>,
        high: Option<f64>,
    ) -> Result<(), FieldError> {
        let Some(q) = field.field else {
            return Err(FieldError {
                field: String::new(),
                reason: "the field did not bind".to_owned(),
            });
        };
        let judged = (|| {
            if (low.is_some() || high.is_some()) && !q.normal_range {
                return Err(q.no_range());
            }
            let Some(value) = value else {
                return Ok(FieldValue::Missing);
            };
            let c = field.conversion;
            let convert = |v: f64, what: &str| {
                let converted = c.apply(v);
                // The message is only made for a value that fails.
                if v.is_finite() && converted.is_finite() {
                    return Ok(converted);
                }
                q.convert(v, c, &v.to_string())
                    .map_err(|reason| format!("{what}{reason}"))
            };
            let value = convert(value, "")?;
            let low = low.map(|l| convert(l, "lower limit: ")).transpose()?;
            let high = high.map(|h| convert(h, "upper limit: ")).transpose()?;
            q.quantity(value, low, high)
        })();
        self.put(field.slot, q.name, judged)
    }

    /// Sets a `date` field (`None`: missing).
    ///
    /// # Errors
    ///
    /// A date before year 1 (year 0000 holds placeholders).
    #[inline]
    pub fn date(&mut self, field: DateField<'_>, value: Option<Date>) -> Result<(), FieldError> {
        let judged = value.map_or(Ok(FieldValue::Missing), known_date);
        self.put(field.slot, field.name, judged)
    }

    /// Sets a `text` field, or a `one of` field by its member's name.
    ///
    /// # Errors
    ///
    /// A name that is not one of the members.
    pub fn string(&mut self, field: Str<'_>, value: Option<&str>) -> Result<(), FieldError> {
        let judged = match (value, field.members) {
            (None, _) => Ok(FieldValue::Missing),
            (Some(text), None) => Ok(FieldValue::Text(text.to_owned())),
            (Some(name), Some(declared)) => member(name, declared).map(FieldValue::Member),
        };
        self.put(field.slot, field.name, judged)
    }

    /// Sets a `one of` field to a member resolved at bind time.
    #[inline]
    pub fn member(&mut self, field: Member) {
        self.record
            .store(field.slot, FieldValue::Member(field.index));
    }

    /// Sets a `set of` field to the members named (repeats count once).
    ///
    /// # Errors
    ///
    /// A name that is not one of the members.
    pub fn set<I>(&mut self, field: Set<'_>, names: I) -> Result<(), FieldError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let names: Vec<I::Item> = names.into_iter().collect();
        let judged = members(names.iter().map(AsRef::as_ref), field.members);
        self.put(field.slot, field.name, judged)
    }

    /// Sets a `list of` field, each element written through its own
    /// handles; a bad value inside an element is named by its path
    /// (`therapies[1].class`) and leaves that element's field missing.
    pub fn list<'t, T: Bind + 't>(
        &mut self,
        field: &List<'_, T>,
        items: impl IntoIterator<Item = &'t T>,
        errors: &mut Vec<FieldError>,
    ) {
        let Some(element) = &field.element else {
            return;
        };
        let mut elements = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let mut record = Record::new(element.schema);
            let before = errors.len();
            item.write(
                &element.handles,
                &mut Writer {
                    record: &mut record,
                },
                errors,
            );
            for e in errors.iter_mut().skip(before) {
                e.field = format!("{}[{i}].{}", field.name, e.field);
            }
            elements.push(record);
        }
        self.record.store(field.slot, FieldValue::List(elements));
    }

    /// Leaves a `list of` field missing.
    pub fn missing_list<T: Bind>(&mut self, field: &List<'_, T>) {
        self.record.store(field.slot, FieldValue::Missing);
    }
}
