//! Patient records bound to a program's schema: one value per field slot.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use jiff::civil::Date;

use super::layout::{
    ABSENT, FirstFlags, Lane, Layout, MASK_MEMBERS, NO_NUMBER, pack_date, unpack_date,
};
use super::{FieldType, Schema, Slot};
use crate::semantics::Censored;

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
///
/// Held packed (flags as bits, every other scalar in one 64-bit word, as
/// `schema/layout.rs` describes), so that screening touches as few cache
/// lines as a plain struct would; [`Record::get`] gives a field's value
/// back as a [`FieldValue`].
#[derive(Clone)]
pub struct Record {
    layout: Arc<Layout>,
    words: Box<[u64]>,
    /// Text, lists and sets of more than 63 members.
    others: Vec<FieldValue>,
    /// Quantities known only as beyond a bound, by slot (their words say
    /// missing, so every path that does not know them finds them
    /// unknown); `true` in `nested` when a list element holds one.
    censored: Vec<(Slot, CensoredValue)>,
    nested: bool,
}

/// A quantity known only as beyond a bound (a censored result, `<0.5
/// mg/dL`), in the field's unit, with the record's normal range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CensoredValue {
    /// The side and the bound.
    pub censored: Censored,
    /// Lower limit of normal, if the record gives it.
    pub low: Option<f64>,
    /// Upper limit of normal, if the record gives it.
    pub high: Option<f64>,
}

impl CensoredValue {
    /// The interval in the unit a comparison reads the field in: the
    /// bound converted, the side turned over by a conversion that reverses
    /// order (a scale with a negative slope). The one mapping of the
    /// reference evaluator and the compiled closures.
    #[must_use]
    pub fn converted(&self, conversion: &crate::units::Conversion) -> Option<Censored> {
        let c = self.censored;
        let increasing = conversion.apply(1.0) >= conversion.apply(0.0);
        let censor = if increasing {
            c.censor
        } else {
            c.censor.reversed()
        };
        let bound = conversion.apply(c.bound);
        bound.is_finite().then_some(Censored { censor, bound })
    }

    /// `factor` times the lower or upper limit of normal, if the record
    /// gives it: `x ULN` of a censored value, whose range is known.
    #[must_use]
    pub fn limit(&self, limit: crate::syntax::Limit, factor: f64) -> Option<f64> {
        let bound = match limit {
            crate::syntax::Limit::Upper => self.high,
            crate::syntax::Limit::Lower => self.low,
        };
        bound.map(|b| factor * b)
    }
}

/// The members of a `set of` field, as a record holds them.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Members<'a> {
    /// A bit per member, for sets of up to 63 declared members.
    Mask(u64),
    /// The member indices, sorted, for larger ones.
    Listed(&'a [u32]),
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
        let layout = Arc::clone(schema.layout());
        Record {
            words: layout.empty().into(),
            others: vec![FieldValue::Missing; layout.others()],
            layout,
            censored: Vec::new(),
            nested: false,
        }
    }

    /// Sets the quantity field `name` to a censored value: its value reads
    /// as missing everywhere but where a comparison with a number can be
    /// decided for every value of the interval (docs/fhir.md, "Censored
    /// values").
    ///
    /// ```
    /// use rulec::eval::{Status, evaluate};
    /// use rulec::schema::{CensoredValue, Record};
    /// use rulec::semantics::{Censor, Censored};
    ///
    /// let file = rulec::syntax::parse("fields { crp: mg/L }\nexclusion { inflamed: crp > 10 mg/L }")?;
    /// let program = rulec::check::check(&file, &rulec::check::NoImports).program.ok_or("no program")?;
    /// let mut record = Record::new(&program.schema);
    /// let below = Censored { censor: Censor::Below, bound: 5.0 };
    /// record.set_censored("crp", CensoredValue { censored: below, low: None, high: None })?;
    /// assert_eq!(evaluate(&program, &record, jiff::civil::date(2026, 1, 15)).status(), Status::Eligible);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`WrongKind`] for a field that is not a quantity, a bound that is
    /// not finite, or a range the field does not take.
    pub fn set_censored(&mut self, name: &str, value: CensoredValue) -> Result<(), WrongKind> {
        let Some(slot) = self.layout.slot_of(name) else {
            return Err(WrongKind {
                field: name.to_owned(),
                expected: "nothing: no such field is declared",
                found: "a value",
            });
        };
        self.set_censored_slot(slot, value)
    }

    /// [`Record::set_censored`] by slot.
    pub(crate) fn set_censored_slot(
        &mut self,
        slot: Slot,
        value: CensoredValue,
    ) -> Result<(), WrongKind> {
        // The quantity's own checks, on its bound.
        self.set_slot(
            slot,
            FieldValue::Quantity {
                value: value.censored.bound,
                low: value.low,
                high: value.high,
            },
        )?;
        self.set_slot(slot, FieldValue::Missing)?;
        self.censored.push((slot, value));
        Ok(())
    }

    /// The censored value at `slot`, if it holds one.
    #[must_use]
    pub fn censored(&self, slot: Slot) -> Option<&CensoredValue> {
        if self.censored.is_empty() {
            return None;
        }
        self.censored
            .iter()
            .find(|(s, _)| *s == slot)
            .map(|(_, v)| v)
    }

    /// Whether the record, or an element of one of its lists, holds a
    /// censored value: the compiled closures leave such a record to the
    /// reference evaluator, where censored comparisons are decided.
    #[must_use]
    pub fn has_censored(&self) -> bool {
        !self.censored.is_empty() || self.nested
    }

    /// The fingerprint of the schema this record was built for.
    pub(crate) fn schema_fingerprint(&self) -> u64 {
        self.layout.fingerprint
    }

    /// The value at a slot (missing for a slot the record does not have).
    ///
    /// Scalars are unpacked into an owned value; text, lists and large
    /// sets are borrowed. The members of a set come back in declaration
    /// order, each once.
    #[must_use]
    pub fn get(&self, slot: Slot) -> Cow<'_, FieldValue> {
        let owned = match self.layout.lane(slot) {
            None => FieldValue::Missing,
            Some(Lane::Flag(_)) => self
                .flag(slot)
                .map_or(FieldValue::Missing, FieldValue::Bool),
            Some(Lane::Number(_)) => self
                .number(slot)
                .map_or(FieldValue::Missing, FieldValue::Number),
            Some(Lane::Quantity(_) | Lane::Ranged(_)) => match self.quantity(slot) {
                Some((value, low, high)) => FieldValue::Quantity { value, low, high },
                None => FieldValue::Missing,
            },
            Some(Lane::Date(_)) => self
                .date(slot)
                .map_or(FieldValue::Missing, FieldValue::Date),
            Some(Lane::Member(_)) => self
                .member(slot)
                .map_or(FieldValue::Missing, FieldValue::Member),
            Some(Lane::Mask(_)) => match self.members(slot) {
                Some(Members::Mask(mask)) => {
                    FieldValue::Members((0..64_u32).filter(|m| mask >> m & 1 == 1).collect())
                }
                _ => FieldValue::Missing,
            },
            Some(Lane::Other(i)) => {
                return self
                    .others
                    .get(i as usize)
                    .map_or(Cow::Owned(FieldValue::Missing), Cow::Borrowed);
            }
        };
        Cow::Owned(owned)
    }

    /// The word at `index`, or "missing".
    #[inline]
    fn word(&self, index: u32, missing: u64) -> u64 {
        self.words.get(index as usize).copied().unwrap_or(missing)
    }

    /// The record's words: the flag values, as many words of known bits,
    /// then one word per scalar (see `layout`).
    #[inline]
    pub(crate) fn words(&self) -> &[u64] {
        &self.words
    }

    /// A `bool` field's value.
    #[inline]
    pub(crate) fn flag(&self, slot: Slot) -> Option<bool> {
        let Some(Lane::Flag(bit)) = self.layout.lane(slot) else {
            return None;
        };
        let (word, bit) = ((bit / 64) as usize, bit % 64);
        let read = |at: usize| self.words.get(at).copied().unwrap_or(0);
        let known = read(word + self.layout.flag_words());
        (known >> bit & 1 == 1).then(|| read(word) >> bit & 1 == 1)
    }

    /// A number's or a quantity's value.
    #[inline]
    pub(crate) fn number(&self, slot: Slot) -> Option<f64> {
        match self.layout.lane(slot)? {
            Lane::Number(w) | Lane::Quantity(w) | Lane::Ranged(w) => {
                let v = f64::from_bits(self.word(w, NO_NUMBER));
                (!v.is_nan()).then_some(v)
            }
            _ => None,
        }
    }

    /// A quantity's value and its record's reference range.
    #[inline]
    pub(crate) fn quantity(&self, slot: Slot) -> Option<(f64, Option<f64>, Option<f64>)> {
        let read = |w: u32| {
            let v = f64::from_bits(self.word(w, NO_NUMBER));
            (!v.is_nan()).then_some(v)
        };
        match self.layout.lane(slot)? {
            Lane::Quantity(w) => Some((read(w)?, None, None)),
            Lane::Ranged(w) => Some((read(w)?, read(w + 1), read(w + 2))),
            _ => None,
        }
    }

    /// A date field's value.
    #[inline]
    pub(crate) fn date(&self, slot: Slot) -> Option<Date> {
        match self.layout.lane(slot)? {
            Lane::Date(w) => unpack_date(self.word(w, ABSENT)),
            _ => None,
        }
    }

    /// A `one of` field's member index.
    #[inline]
    pub(crate) fn member(&self, slot: Slot) -> Option<u32> {
        match self.layout.lane(slot)? {
            Lane::Member(w) => u32::try_from(self.word(w, ABSENT)).ok(),
            _ => None,
        }
    }

    /// A `set of` field's members.
    #[inline]
    pub(crate) fn members(&self, slot: Slot) -> Option<Members<'_>> {
        match self.layout.lane(slot)? {
            Lane::Mask(w) => match self.word(w, ABSENT) {
                ABSENT => None,
                mask => Some(Members::Mask(mask)),
            },
            Lane::Other(i) => match self.others.get(i as usize)? {
                FieldValue::Members(ms) => Some(Members::Listed(ms)),
                _ => None,
            },
            _ => None,
        }
    }

    /// A text field's value.
    #[inline]
    pub(crate) fn text(&self, slot: Slot) -> Option<&str> {
        match self.layout.lane(slot)? {
            Lane::Other(i) => match self.others.get(i as usize)? {
                FieldValue::Text(t) => Some(t),
                _ => None,
            },
            _ => None,
        }
    }

    /// A list field's elements.
    #[inline]
    pub(crate) fn list(&self, slot: Slot) -> Option<&[Record]> {
        match self.layout.lane(slot)? {
            Lane::Other(i) => match self.others.get(i as usize)? {
                FieldValue::List(elements) => Some(elements),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether the field at `slot` has a value.
    #[inline]
    pub(crate) fn is_known(&self, slot: Slot) -> bool {
        match self.layout.lane(slot) {
            None => false,
            Some(Lane::Flag(_)) => self.flag(slot).is_some(),
            Some(Lane::Number(_) | Lane::Quantity(_) | Lane::Ranged(_)) => {
                self.number(slot).is_some()
            }
            Some(Lane::Date(w) | Lane::Member(w) | Lane::Mask(w)) => self.word(w, ABSENT) != ABSENT,
            Some(Lane::Other(i)) => !matches!(
                self.others.get(i as usize),
                None | Some(FieldValue::Missing)
            ),
        }
    }

    /// The record's words, for a writer that resolved where each value
    /// goes through the layout of this record's schema (its fingerprint
    /// checked), and writes values already judged to fit.
    #[inline]
    pub(crate) fn words_mut(&mut self) -> &mut [u64] {
        &mut self.words
    }

    /// Stores the flags of the first flag word a writer gathered.
    #[inline]
    pub(crate) fn store_first_flags(&mut self, first: FirstFlags) {
        if first.written == 0 {
            return;
        }
        let known = self.layout.flag_words();
        for (at, set) in [(0, first.on), (known, first.known)] {
            if let Some(cell) = self.words.get_mut(at) {
                *cell = (*cell & !first.written) | set;
            }
        }
    }

    /// Stores a value already checked to fit its field (the bound writers
    /// of `records::bind` judge values before they come here).
    #[inline]
    pub(crate) fn store(&mut self, slot: Slot, value: FieldValue) {
        let Some(lane) = self.layout.lane(slot) else {
            return;
        };
        let flag_words = self.layout.flag_words();
        let words = &mut self.words;
        let mut put = |w: u32, x: u64| {
            if let Some(cell) = words.get_mut(w as usize) {
                *cell = x;
            }
        };
        // -0.0 is stored as 0.0, so that equal records have equal words.
        let bits = |v: f64| (v + 0.0).to_bits();
        let bits_or_none = |v: Option<f64>| v.map_or(NO_NUMBER, bits);
        match (lane, value) {
            (Lane::Flag(bit), value) => {
                let (w, bit) = ((bit / 64) as usize, bit % 64);
                let known = !matches!(value, FieldValue::Missing);
                let on = matches!(value, FieldValue::Bool(true));
                for (at, set) in [(w, on), (w + flag_words, known)] {
                    if let Some(cell) = words.get_mut(at) {
                        *cell = (*cell & !(1 << bit)) | (u64::from(set) << bit);
                    }
                }
            }
            (Lane::Number(w) | Lane::Quantity(w), FieldValue::Number(v))
            | (Lane::Number(w) | Lane::Quantity(w), FieldValue::Quantity { value: v, .. }) => {
                put(w, bits(v));
            }
            (Lane::Ranged(w), FieldValue::Quantity { value, low, high }) => {
                put(w, bits(value));
                put(w + 1, bits_or_none(low));
                put(w + 2, bits_or_none(high));
            }
            (Lane::Ranged(w), _) => {
                for w in w..w + 3 {
                    put(w, NO_NUMBER);
                }
            }
            (Lane::Number(w) | Lane::Quantity(w), _) => put(w, NO_NUMBER),
            (Lane::Date(w), FieldValue::Date(d)) => put(w, pack_date(d)),
            (Lane::Member(w), FieldValue::Member(m)) => put(w, u64::from(m)),
            (Lane::Mask(w), FieldValue::Members(ms)) => put(
                w,
                ms.iter()
                    .filter(|m| (**m as usize) < MASK_MEMBERS)
                    .fold(0, |mask, m| mask | 1 << m),
            ),
            (Lane::Date(w) | Lane::Member(w) | Lane::Mask(w), _) => put(w, ABSENT),
            (Lane::Other(i), value) => {
                let value = match value {
                    FieldValue::Members(mut ms) => {
                        ms.sort_unstable();
                        ms.dedup();
                        FieldValue::Members(ms)
                    }
                    other => other,
                };
                if let Some(cell) = self.others.get_mut(i as usize) {
                    *cell = value;
                }
            }
        }
    }

    /// The value of the field `name`, `None` when no such field is
    /// declared: [`Record::get`] by name, as [`Record::set`] sets by name.
    #[must_use]
    pub fn named(&self, name: &str) -> Option<Cow<'_, FieldValue>> {
        self.layout.slot_of(name).map(|slot| self.get(slot))
    }

    /// Sets the field called `name`, checking that the value is of the
    /// field's kind (a quantity for a quantity field, a member index within
    /// the declaration, …).
    ///
    /// # Errors
    ///
    /// [`WrongKind`] when the value does not fit; unknown names are
    /// reported the same way, with `expected` "a declared field".
    pub fn set(&mut self, name: &str, value: FieldValue) -> Result<(), WrongKind> {
        let Some(slot) = self.layout.slot_of(name) else {
            return Err(WrongKind {
                field: name.to_owned(),
                expected: "nothing: no such field is declared",
                found: "a value",
            });
        };
        self.set_slot(slot, value)
    }

    /// [`Record::set`] for the field at `slot`, for readers that already
    /// know it: no lookup by name.
    pub(crate) fn set_slot(&mut self, slot: Slot, value: FieldValue) -> Result<(), WrongKind> {
        let Some(field) = self.layout.field(slot) else {
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
            (FieldType::OneOf(members) | FieldType::Ordered(members), FieldValue::Member(i))
                if (*i as usize) < members.len() =>
            {
                Ok(())
            }
            (FieldType::SetOf(members), FieldValue::Members(ms))
                if ms.iter().all(|i| (*i as usize) < members.len()) =>
            {
                Ok(())
            }
            (FieldType::ListOf(element), FieldValue::List(records)) => {
                let own = element.fingerprint();
                if records.iter().all(|r| r.layout.fingerprint == own) {
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
        if !self.censored.is_empty() {
            self.censored.retain(|(s, _)| *s != slot);
        }
        if let FieldValue::List(records) = &value {
            self.nested |= records.iter().any(Record::has_censored);
        }
        self.store(slot, value);
        Ok(())
    }
}

impl PartialEq for Record {
    fn eq(&self, other: &Record) -> bool {
        self.layout.fingerprint == other.layout.fingerprint
            && self.words == other.words
            && self.others == other.others
            && self.censored == other.censored
    }
}

impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let slots = (0..self.layout.len()).filter_map(|i| u32::try_from(i).ok());
        let mut list = f.debug_list();
        list.entries(slots.map(|i| self.get(Slot(i))));
        list.entries(self.censored.iter());
        list.finish()
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
                FieldType::Ordered(m) => (6u8, m).hash(h),
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
        FieldType::OneOf(_) | FieldType::Ordered(_) => "one declared member",
        FieldType::SetOf(_) => "declared members",
        FieldType::ListOf(_) => "a list",
    }
}
