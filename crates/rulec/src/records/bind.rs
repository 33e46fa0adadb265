//! Records from Rust types at the speed of the type: a type binds to a
//! program's fields once, and each record is then written by slot.
//!
//! [`RecordBuilder`](super::RecordBuilder) looks every field up by name and
//! parses every unit again, which costs microseconds a record. Here a
//! [`Binder`] resolves each field once into a small handle (its slot, a
//! pre-built [`Conversion`](crate::units::Conversion) for a quantity, the member list for a `one of`),
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

use super::FieldError;
use crate::check::Program;
use crate::schema::{Record, Schema};

mod binder;
mod handles;
mod value;
mod writer;

pub use self::binder::{BindError, Binder, Mismatch};
pub use self::handles::{DateField, Flag, List, Member, Number, Quantity, Set, Str};
pub use self::value::{F64Handle, Ranged, RecordId, Value};
pub use self::writer::Writer;

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

    /// Writes `value` over `record` (reusing its memory): every field `T`
    /// binds is set or missing (an `Option` that is `None`); a field `T`
    /// does not bind keeps what `record` held, missing in a record from
    /// [`empty`](Self::empty). The values that do not pass are left missing
    /// and returned. Nothing allocates when every value passes.
    #[inline]
    pub fn write(&self, value: &T, record: &mut Record) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut writer = Writer::new(self.schema, record);
        // The writer stays in this function (the derive's `write` is
        // inlined here), so the flags it gathers stay in registers.
        writer.gather = true;
        value.write(&self.handles, &mut writer, &mut errors);
        writer.finish();
        errors
    }

    /// A record of the program's schema with every field missing, to
    /// [`write`](Self::write) into.
    #[must_use]
    pub fn empty(&self) -> Record {
        Record::new(self.schema)
    }
}
