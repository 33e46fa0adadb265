//! Records from Rust types at the speed of the type: a type binds to a
//! program's fields once, and each record is then written by slot.
//!
//! [`RecordBuilder`](super::RecordBuilder) looks every field up by name and
//! parses every unit again, which costs microseconds a record. Here a
//! [`Binder`] resolves each field once into a small handle (its slot, a
//! pre-built [`Conversion`] for a quantity, the member list for a `one of`),
//! collecting **every** mismatch between the Rust side and the rule file
//! into one [`BindError`]; a [`Writer`] then sets values through the
//! handles, with no lookup by name and no unit parsing. After a successful
//! bind, writing fails only on values (a negative concentration, a whole
//! number out of range), judged by the very code the JSON and CSV readers
//! use; a bad value leaves its field missing and is reported as a
//! [`FieldError`].
//!
//! `#[derive(rulec::Record)]` (feature `derive`) writes the [`Bind`] impl
//! for a struct; [`Bound`] is the type bound to a program.

use std::marker::PhantomData;

use jiff::civil::Date;

use super::{
    FieldError, QuantityField, Reason, integer, known_date, member, members, number, unknown_field,
};
use crate::check::Program;
use crate::schema::{Field, FieldType, FieldValue, Lane, Record, Schema, Slot};
use crate::units::Conversion;

mod value;

pub use self::value::{F64Handle, Ranged, RecordId, Value};

/// A slot no schema has: a handle that did not bind writes nowhere.
const NOWHERE: Slot = Slot(u32::MAX);

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
    schema: &'s Schema,
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

    fn of(schema: &'s Schema, prefix: String) -> Binder<'s> {
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

    /// The lane a slot's values are written to; `Other` (never written
    /// through a lane) for a handle that did not bind.
    fn lane(&self, slot: Slot) -> Lane {
        self.schema
            .layout()
            .lane(slot)
            .unwrap_or(Lane::Other(u32::MAX))
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
        Flag {
            slot,
            lane: self.lane(slot),
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
        Number {
            slot,
            lane: self.lane(slot),
            name,
            integer,
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
            Ok(conversion) => Quantity {
                slot,
                field: Some(field),
                conversion,
            },
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
        DateField { slot, name }
    }

    /// A `text` or `one of` field, set from a string (a `one of` by its
    /// member's name).
    pub fn string(&mut self, name: &str) -> Str<'s> {
        let found = self.typed(name, "a string", |f| match &f.ty {
            FieldType::Text => Some(None),
            FieldType::OneOf(members) => Some(Some(members.as_slice())),
            _ => None,
        });
        let (slot, name, members) =
            found.map_or((NOWHERE, "", None), |(s, f, m)| (s, f.name.as_str(), m));
        Str {
            slot,
            name,
            members,
        }
    }

    /// One member of a `one of` field, its index resolved here.
    pub fn member(&mut self, name: &str, value: &str) -> Member {
        let found = self.typed(name, &format!("the member `{value}`"), |f| match &f.ty {
            FieldType::OneOf(members) => Some(members.as_slice()),
            _ => None,
        });
        let Some((slot, _, declared)) = found else {
            return Member {
                slot: NOWHERE,
                index: 0,
            };
        };
        match member(value, declared) {
            Ok(index) => Member { slot, index },
            Err(reason) => {
                self.mismatch(name, reason);
                Member {
                    slot: NOWHERE,
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
                name: "",
                element: None,
            };
        };
        let mut inner = Binder::of(element, format!("{}{name}.", self.prefix));
        let handles = T::bind(&mut inner);
        self.mismatches.append(&mut inner.mismatches);
        List {
            slot,
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
        FieldType::SetOf(_) => "a `set of`".to_owned(),
        FieldType::ListOf(_) => "a `list of`".to_owned(),
    }
}

/// A bound `bool` field.
#[derive(Clone, Copy, Debug)]
pub struct Flag<'s> {
    slot: Slot,
    /// Where the value goes: the handle writes there directly.
    lane: Lane,
    schema: PhantomData<&'s Schema>,
}

/// A bound `integer` or `number` field.
#[derive(Clone, Copy, Debug)]
pub struct Number<'s> {
    slot: Slot,
    /// Where the value goes: a value that passes is one store.
    lane: Lane,
    name: &'s str,
    /// The bounds of an `integer` field.
    integer: Option<(Option<i64>, Option<i64>)>,
}

/// A bound quantity field, with the conversion from the Rust side's unit.
#[derive(Clone, Copy)]
pub struct Quantity<'s> {
    slot: Slot,
    field: Option<QuantityField<'s>>,
    conversion: Conversion,
}

impl Quantity<'_> {
    const NOWHERE: Quantity<'static> = Quantity {
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
    slot: Slot,
    name: &'s str,
}

/// A bound `text` or `one of` field.
#[derive(Clone, Copy, Debug)]
pub struct Str<'s> {
    slot: Slot,
    name: &'s str,
    /// The members of a `one of`; `None` for text.
    members: Option<&'s [String]>,
}

/// One member of a bound `one of` field.
#[derive(Clone, Copy, Debug)]
pub struct Member {
    slot: Slot,
    index: u32,
}

/// A bound `set of` field.
#[derive(Clone, Copy, Debug)]
pub struct Set<'s> {
    slot: Slot,
    name: &'s str,
    members: &'s [String],
}

/// A bound `list of` field of `T`s.
pub struct List<'s, T: Bind> {
    slot: Slot,
    name: &'s str,
    element: Option<Element<'s, T>>,
}

struct Element<'s, T: Bind> {
    schema: &'s Schema,
    handles: T::Handles<'s>,
}

/// Writes values into a record through bound handles.
///
/// Each setter judges the value as the readers do; a value that does not
/// pass leaves the field missing and comes back as a [`FieldError`].
#[derive(Debug)]
pub struct Writer<'r> {
    record: &'r mut Record,
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

/// A Rust type that binds to a program's fields once and is then written
/// into records by slot. `#[derive(rulec::Record)]` implements it.
pub trait Bind {
    /// The type's handles, resolved against one schema.
    type Handles<'s>;

    /// Resolves the type's fields, noting every mismatch on `fields`.
    fn bind<'s>(fields: &mut Binder<'s>) -> Self::Handles<'s>;

    /// Writes every field; a value that does not pass is left missing and
    /// pushed on `errors`.
    fn write(
        &self,
        handles: &Self::Handles<'_>,
        record: &mut Writer<'_>,
        errors: &mut Vec<FieldError>,
    );

    /// The record's id, if the type has one.
    fn id(&self) -> Option<&str> {
        None
    }
}

/// A Rust type bound to one program: every field resolved, every mismatch
/// reported by [`Bound::new`].
///
/// ```
/// use rulec::eval::Status;
/// use rulec::records::Bound;
///
/// // `#[derive(rulec::Record)]` with the `derive` feature.
/// #[derive(rulec_derive::Record)]
/// struct Patient {
///     #[rulec(unit = "g/dL")]
///     hemoglobin: Option<f64>,
///     pregnant: bool,
/// }
///
/// let file = rulec::syntax::parse(r#"
/// fields { hemoglobin: g/L, pregnant: bool }
/// inclusion { hb: hemoglobin > 80 g/L }
/// exclusion { pregnancy: pregnant }
/// "#)?;
/// let program = rulec::check::check(&file, &rulec::check::NoImports)
///     .program
///     .ok_or("the rules do not check")?;
/// let compiled = rulec::compile::compile(&program);
/// let index = jiff::civil::date(2026, 11, 24);
///
/// let bound = Bound::<Patient>::new(&program)?;
/// let mut record = bound.empty();
/// let errors = bound.write(&Patient { hemoglobin: Some(9.2), pregnant: false }, &mut record);
/// assert!(errors.is_empty());
/// assert_eq!(compiled.status(&record, index)?, Status::Eligible);
///
/// // A negative concentration is a data error, and the field is missing.
/// let errors = bound.write(&Patient { hemoglobin: Some(-9.2), pregnant: false }, &mut record);
/// assert_eq!(
///     errors[0].to_string(),
///     "field `hemoglobin`: -92 g/L is negative, and a value in `g/L` (mass concentration) cannot be",
/// );
/// assert_eq!(compiled.status(&record, index)?, Status::Undetermined);
///
/// // A struct that does not fit is one error naming every mismatch.
/// #[derive(rulec_derive::Record)]
/// struct Wrong {
///     hemoglobin: f64,
///     pregnent: bool,
/// }
/// let error = Bound::<Wrong>::new(&program).err().ok_or("binds")?;
/// assert_eq!(error.mismatches.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Bound<'s, T: Bind> {
    schema: &'s Schema,
    handles: T::Handles<'s>,
    ty: PhantomData<fn(&T)>,
}

impl<'s, T: Bind> Bound<'s, T> {
    /// Binds `T` to `program`'s fields.
    ///
    /// # Errors
    ///
    /// A [`BindError`] listing every field of `T` that does not fit.
    pub fn new(program: &'s Program) -> Result<Bound<'s, T>, BindError> {
        let mut binder = Binder::new(program);
        let handles = T::bind(&mut binder);
        binder.finish()?;
        Ok(Bound {
            schema: &program.schema,
            handles,
            ty: PhantomData,
        })
    }

    /// `value` as a new record.
    ///
    /// # Errors
    ///
    /// The first value that does not pass (see [`write`](Self::write) to
    /// keep the record with such fields missing).
    pub fn record(&self, value: &T) -> Result<Record, FieldError> {
        let mut record = Record::new(self.schema);
        match self.write(value, &mut record).into_iter().next() {
            None => Ok(record),
            Some(e) => Err(e),
        }
    }

    /// Writes `value` over `record` (reusing its memory), every field set
    /// or missing; the values that do not pass are left missing and
    /// returned. No error allocates anything when every value passes.
    pub fn write(&self, value: &T, record: &mut Record) -> Vec<FieldError> {
        let mut errors = Vec::new();
        value.write(
            &self.handles,
            &mut Writer::new(self.schema, record),
            &mut errors,
        );
        errors
    }

    /// A record of the program's schema with every field missing, to
    /// [`write`](Self::write) into.
    #[must_use]
    pub fn empty(&self) -> Record {
        Record::new(self.schema)
    }
}
