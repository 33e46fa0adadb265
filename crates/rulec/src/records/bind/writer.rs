//! The [`Writer`]: sets a record's values through bound handles.

use jiff::civil::Date;

use super::Bind;
use super::handles::{DateField, Flag, List, Member, Number, Quantity, Set, Str};
use crate::records::{FieldError, Reason, integer, known_date, member, members, number};
use crate::schema::{FieldValue, FirstFlags, Record, Schema, Slot};

/// Writes values into a record through bound handles.
///
/// Each setter judges the value as the readers do; a value that does not
/// pass leaves the field missing and comes back as a [`FieldError`].
#[derive(Debug)]
pub struct Writer<'r> {
    pub(super) record: &'r mut Record,
    /// The fingerprint of the record's schema: a handle resolved in
    /// another schema writes nothing through the words it holds.
    pub(super) fingerprint: u64,
    /// The flags of the record's first flag word, gathered here when
    /// `gather` and stored by [`Writer::finish`]: a bound type's writer
    /// (its `write` made one function) keeps them in registers.
    pub(super) first: FirstFlags,
    pub(super) gather: bool,
}

impl<'r> Writer<'r> {
    /// A writer into `record`, which becomes a record of `schema` with
    /// every field missing if it was built for another schema.
    #[inline]
    pub fn new(schema: &Schema, record: &'r mut Record) -> Writer<'r> {
        let fingerprint = schema.fingerprint();
        if record.schema_fingerprint() != fingerprint {
            renew(schema, record);
        }
        Writer {
            record,
            fingerprint,
            first: FirstFlags::default(),
            gather: false,
        }
    }

    /// A writer that gathers the first flag word, for a [`Bind::write`]
    /// followed by [`Writer::finish`]; `record` is of the fingerprint's
    /// schema.
    #[inline]
    pub(super) fn gathering(record: &'r mut Record, fingerprint: u64) -> Writer<'r> {
        Writer {
            record,
            fingerprint,
            first: FirstFlags::default(),
            gather: true,
        }
    }

    /// Stores the flags gathered.
    #[inline]
    pub(super) fn finish(self) {
        self.record.store_first_flags(self.first);
    }

    /// Stores a judged value through a handle resolved in the schema of
    /// `fingerprint`, or leaves the field missing and says why.
    #[inline]
    fn put(
        &mut self,
        (slot, fingerprint): (Slot, u64),
        name: &str,
        value: Result<FieldValue, Reason>,
    ) -> Result<(), FieldError> {
        let own = fingerprint == self.fingerprint;
        put(self.record, own, slot, name, value)
    }

    /// Sets a `bool` field (`None`: missing).
    #[inline]
    pub fn flag(&mut self, field: Flag<'_>, value: Option<bool>) {
        self.set_flag(&field, value);
    }

    /// [`Writer::flag`] through a borrowed handle: the handles of a bound
    /// type are written in place, not copied.
    #[inline]
    pub(super) fn set_flag(&mut self, field: &Flag<'_>, value: Option<bool>) {
        let own = field.fingerprint == self.fingerprint;
        let first = self.gather.then_some(&mut self.first);
        field.bits.write(self.record.words_mut(), first, own, value);
    }

    /// Sets an `integer` or `number` field (`None`: missing).
    ///
    /// # Errors
    ///
    /// A value that is not finite, or for an `integer`, not whole or out of
    /// its declared range.
    #[inline]
    pub fn number(&mut self, field: Number<'_>, value: Option<f64>) -> Result<(), FieldError> {
        self.set_number(&field, value)
    }

    /// [`Writer::number`] through a borrowed handle.
    #[inline]
    pub(super) fn set_number(
        &mut self,
        field: &Number<'_>,
        value: Option<f64>,
    ) -> Result<(), FieldError> {
        let own = field.fingerprint == self.fingerprint;
        // The common case, a value that passes or none, is one store;
        // anything else is judged (and worded) as the readers judge it.
        if value.is_none_or(|v| field.passes(v)) {
            if own {
                field.word.write(self.record.words_mut(), value);
            }
            return Ok(());
        }
        judged_number(self.record, own, field, value)
    }

    /// Sets an `integer` or `number` field from a whole number.
    ///
    /// # Errors
    ///
    /// As [`number`](Self::number); also a value beyond ±2^53.
    #[inline]
    pub fn integer(&mut self, field: Number<'_>, value: Option<i64>) -> Result<(), FieldError> {
        self.set_integer(&field, value)
    }

    /// [`Writer::integer`] through a borrowed handle.
    #[inline]
    pub(super) fn set_integer(
        &mut self,
        field: &Number<'_>,
        value: Option<i64>,
    ) -> Result<(), FieldError> {
        const EXACT: u64 = 1 << 53;
        match value {
            Some(v) if v.unsigned_abs() > EXACT => {
                let own = field.fingerprint == self.fingerprint;
                too_large(self.record, own, field, v)
            }
            #[expect(clippy::cast_precision_loss, reason = "checked to be within ±2^53")]
            Some(v) => self.set_number(field, Some(v as f64)),
            None => self.set_number(field, None),
        }
    }

    /// Sets a quantity field from a value in the unit it was bound with
    /// (`None`: missing).
    ///
    /// # Errors
    ///
    /// As the readers judge a quantity: not finite, negative where the
    /// unit's values cannot be, outside a declared plausible range.
    #[inline]
    pub fn quantity(&mut self, field: Quantity<'_>, value: Option<f64>) -> Result<(), FieldError> {
        self.set_quantity(&field, value, None, None)
    }

    /// Sets a quantity field declared `with normal range`, with the
    /// record's own limits, all in the unit it was bound with.
    ///
    /// # Errors
    ///
    /// As [`quantity`](Self::quantity); also limits on a field without a
    /// normal range, or a lower limit above the upper.
    #[inline]
    pub fn quantity_with_range(
        &mut self,
        field: Quantity<'_>,
        value: Option<f64>,
        low: Option<f64>,
        high: Option<f64>,
    ) -> Result<(), FieldError> {
        self.set_quantity(&field, value, low, high)
    }

    /// [`Writer::quantity_with_range`] through a borrowed handle.
    #[inline]
    pub(super) fn set_quantity(
        &mut self,
        field: &Quantity<'_>,
        value: Option<f64>,
        low: Option<f64>,
        high: Option<f64>,
    ) -> Result<(), FieldError> {
        let own = field.fingerprint == self.fingerprint;
        // The common case, a value that passes (or none, without limits,
        // on a field that binds), is a conversion and up to three stores.
        let passed = match value {
            Some(v) => field.passes(v, low, high),
            None if low.is_none() && high.is_none() && field.field.is_some() => {
                Some((f64::NAN, None, None))
            }
            None => None,
        };
        let Some((v, l, h)) = passed else {
            return judged_quantity(self.record, own, field, value, low, high);
        };
        if own {
            let words = self.record.words_mut();
            field.word.write(words, value.map(|_| v));
            if let Some((low, high)) = field.limits {
                low.write(words, l);
                high.write(words, h);
            }
        }
        Ok(())
    }

    /// Sets a `date` field (`None`: missing).
    ///
    /// # Errors
    ///
    /// A date before year 1 (year 0000 holds placeholders).
    #[inline]
    pub fn date(&mut self, field: DateField<'_>, value: Option<Date>) -> Result<(), FieldError> {
        let judged = value.map_or(Ok(FieldValue::Missing), known_date);
        self.put((field.slot, field.fingerprint), field.name, judged)
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
        self.put((field.slot, field.fingerprint), field.name, judged)
    }

    /// Sets a `one of` field to a member resolved at bind time.
    #[inline]
    pub fn member(&mut self, field: Member) {
        if field.fingerprint == self.fingerprint {
            self.record
                .store(field.slot, FieldValue::Member(field.index));
        }
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
        self.put((field.slot, field.fingerprint), field.name, judged)
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
            let mut writer = Writer::gathering(&mut record, element.schema.fingerprint());
            item.write(&element.handles, &mut writer, errors);
            writer.finish();
            for e in errors.iter_mut().skip(before) {
                e.field = format!("{}[{i}].{}", field.name, e.field);
            }
            elements.push(record);
        }
        if field.fingerprint == self.fingerprint {
            self.record.store(field.slot, FieldValue::List(elements));
        }
    }

    /// Leaves a `list of` field missing.
    pub fn missing_list<T: Bind>(&mut self, field: &List<'_, T>) {
        if field.fingerprint == self.fingerprint {
            self.record.store(field.slot, FieldValue::Missing);
        }
    }
}

/// [`Writer::new`] for a record of another schema: out of the way of the
/// common case, a record reused for the same schema.
#[cold]
#[inline(never)]
fn renew(schema: &Schema, record: &mut Record) {
    *record = Record::new(schema);
}

/// Stores a judged value, or leaves the field missing and says why;
/// stores nothing for a handle resolved in another schema (`own` false),
/// whose slot may be a field of another kind here.
fn put(
    record: &mut Record,
    own: bool,
    slot: Slot,
    name: &str,
    value: Result<FieldValue, Reason>,
) -> Result<(), FieldError> {
    match value {
        Ok(value) => {
            if own {
                record.store(slot, value);
            }
            Ok(())
        }
        Err(reason) => {
            if own {
                record.store(slot, FieldValue::Missing);
            }
            Err(FieldError {
                field: name.to_owned(),
                reason,
            })
        }
    }
}

// The paths below are taken by values that do not pass as they are: out
// of the way of the common case, and given the record rather than the
// writer, so that the writer of a bound type's `write`, which never
// leaves it, stays in registers.

/// [`Writer::set_number`] for a value that does not pass.
#[cold]
#[inline(never)]
fn judged_number(
    record: &mut Record,
    own: bool,
    field: &Number<'_>,
    value: Option<f64>,
) -> Result<(), FieldError> {
    let judged = match (value, field.integer) {
        (None, _) => Ok(FieldValue::Missing),
        (Some(v), None) => number(v),
        (Some(v), Some((min, max))) => integer(v, min, max),
    };
    put(record, own, field.slot, field.name, judged)
}

/// [`Writer::set_integer`] for a value beyond ±2^53.
#[cold]
#[inline(never)]
fn too_large(
    record: &mut Record,
    own: bool,
    field: &Number<'_>,
    value: i64,
) -> Result<(), FieldError> {
    let reason = format!("{value} is too large to be held exactly");
    put(record, own, field.slot, field.name, Err(reason))
}

/// [`Writer::set_quantity`] for values that do not pass.
#[cold]
#[inline(never)]
fn judged_quantity(
    record: &mut Record,
    own: bool,
    field: &Quantity<'_>,
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
    put(record, own, field.slot, q.name, judged)
}
