//! The Rust types a derived struct's fields may have, and what each binds
//! to.

use jiff::civil::Date;

use super::{Binder, DateField, FieldError, Flag, List, Number, Quantity, Set, Str, Writer};
use crate::records::{Bind, QuantityField};
use crate::schema::FieldValue;

/// A Rust type that can be a field of a `#[derive(rulec::Record)]` struct:
/// what it binds to and how it is written.
///
/// | Rust | rule file field |
/// | --- | --- |
/// | `bool` | `bool` |
/// | `f64` | `number`, `integer`; a quantity with `#[rulec(unit = "…")]` |
/// | `i64` | `integer`, `number` |
/// | `jiff::civil::Date` | `date` |
/// | `String` | `text`, or `one of` (by member name) |
/// | `Vec<String>` | `set of` |
/// | `Vec<T>`, `T: Bind` | `list of` |
/// | `Option<T>` | as `T`; `None` is missing |
pub trait Value {
    /// The handle this type binds to.
    type Handle<'s>;

    /// Resolves the field `name`; `unit` is the `#[rulec(unit)]` given.
    fn bind<'s>(fields: &mut Binder<'s>, name: &str, unit: Option<&str>) -> Self::Handle<'s>;

    /// Writes the value through its handle; a value that does not pass is
    /// left missing and pushed on `errors`.
    fn write(
        &self,
        handle: &Self::Handle<'_>,
        record: &mut Writer<'_>,
        errors: &mut Vec<FieldError>,
    );

    /// Writes "missing" through the handle (for `Option<Self>`).
    fn write_missing(handle: &Self::Handle<'_>, record: &mut Writer<'_>);
}

/// A field whose unit attribute makes no sense for it.
fn no_unit(fields: &mut Binder<'_>, name: &str, unit: Option<&str>) {
    if let Some(unit) = unit {
        fields.mismatch(
            name,
            format!("`#[rulec(unit = \"{unit}\")]` is for quantity fields"),
        );
    }
}

/// `f64`: a number, or a quantity in the bound unit.
#[derive(Clone, Copy, Debug)]
pub enum F64Handle<'s> {
    /// An `integer` or `number` field.
    Number(Number<'s>),
    /// A quantity field.
    Quantity(Quantity<'s>),
}

impl Value for f64 {
    type Handle<'s> = F64Handle<'s>;

    fn bind<'s>(fields: &mut Binder<'s>, name: &str, unit: Option<&str>) -> F64Handle<'s> {
        match unit {
            Some(unit) => F64Handle::Quantity(fields.quantity(name, unit)),
            None => {
                let is_quantity = fields
                    .schema
                    .slot(name)
                    .and_then(|s| fields.schema.field(s))
                    .and_then(QuantityField::of);
                if let Some(q) = is_quantity {
                    fields.mismatch(
                        name,
                        format!(
                            "a quantity in `{}`: say which unit the Rust value is in with `#[rulec(unit = \"…\")]`",
                            q.unit
                        ),
                    );
                    return F64Handle::Quantity(Quantity::NOWHERE);
                }
                F64Handle::Number(fields.number(name))
            }
        }
    }

    #[inline(always)]
    fn write(&self, handle: &F64Handle<'_>, record: &mut Writer<'_>, errors: &mut Vec<FieldError>) {
        let written = match handle {
            F64Handle::Number(h) => record.set_number(h, Some(*self)),
            F64Handle::Quantity(h) => record.set_quantity(h, Some(*self), None, None),
        };
        if let Err(e) = written {
            errors.push(e);
        }
    }

    #[inline]
    fn write_missing(handle: &F64Handle<'_>, record: &mut Writer<'_>) {
        // Missing is never refused (a quantity that did not bind was
        // reported by the bind).
        let _ = match handle {
            F64Handle::Number(h) => record.set_number(h, None),
            F64Handle::Quantity(h) => record.set_quantity(h, None, None, None),
        };
    }
}

/// Implements [`Value`] for a type set by one [`Writer`] method.
macro_rules! value {
    (
        $ty:ty, $handle:ident, $bind:ident,
        |$v:ident, $h:ident, $w:ident| $write:expr,
        missing |$mh:ident, $mw:ident| $missing:expr
    ) => {
        impl Value for $ty {
            type Handle<'s> = $handle<'s>;

            fn bind<'s>(fields: &mut Binder<'s>, name: &str, unit: Option<&str>) -> $handle<'s> {
                no_unit(fields, name, unit);
                fields.$bind(name)
            }

            #[inline]
            fn write(&self, $h: &$handle<'_>, $w: &mut Writer<'_>, errors: &mut Vec<FieldError>) {
                let $v = self;
                let written: Result<(), FieldError> = $write;
                if let Err(e) = written {
                    errors.push(e);
                }
            }

            #[inline]
            fn write_missing($mh: &$handle<'_>, $mw: &mut Writer<'_>) {
                $missing
            }
        }
    };
}

/// Missing, stored by slot.
fn missing_at(slot: crate::schema::Slot, record: &mut Writer<'_>) {
    record.record.store(slot, FieldValue::Missing);
}

value!(
    bool,
    Flag,
    flag,
    |v, h, w| {
        w.set_flag(h, Some(*v));
        Ok(())
    },
    missing | h,
    w | w.set_flag(h, None)
);
value!(
    i64,
    Number,
    number,
    |v, h, w| w.set_integer(h, Some(*v)),
    missing | h,
    w | {
        // Missing is never refused.
        let _ = w.set_number(h, None);
    }
);
value!(
    Date,
    DateField,
    date,
    |v, h, w| w.date(*h, Some(*v)),
    missing | h,
    w | missing_at(h.slot, w)
);
value!(
    String,
    Str,
    string,
    |v, h, w| w.string(*h, Some(v)),
    missing | h,
    w | missing_at(h.slot, w)
);
value!(
    Vec<String>,
    Set,
    set,
    |v, h, w| w.set(*h, v),
    missing | h,
    w | missing_at(h.slot, w)
);

impl<T: Value> Value for Option<T> {
    type Handle<'s> = T::Handle<'s>;

    fn bind<'s>(fields: &mut Binder<'s>, name: &str, unit: Option<&str>) -> T::Handle<'s> {
        T::bind(fields, name, unit)
    }

    #[inline]
    fn write(&self, handle: &T::Handle<'_>, record: &mut Writer<'_>, errors: &mut Vec<FieldError>) {
        match self {
            Some(v) => v.write(handle, record, errors),
            None => T::write_missing(handle, record),
        }
    }

    #[inline]
    fn write_missing(handle: &T::Handle<'_>, record: &mut Writer<'_>) {
        T::write_missing(handle, record);
    }
}

impl<T: Bind> Value for Vec<T> {
    type Handle<'s> = List<'s, T>;

    fn bind<'s>(fields: &mut Binder<'s>, name: &str, unit: Option<&str>) -> List<'s, T> {
        no_unit(fields, name, unit);
        fields.list(name)
    }

    fn write(&self, handle: &List<'_, T>, record: &mut Writer<'_>, errors: &mut Vec<FieldError>) {
        record.list(handle, self, errors);
    }

    fn write_missing(handle: &List<'_, T>, record: &mut Writer<'_>) {
        record.missing_list(handle);
    }
}

/// The id of a record, from a `#[rulec(id)]` field.
pub trait RecordId {
    /// The id as text.
    fn record_id(&self) -> &str;
}

impl RecordId for String {
    fn record_id(&self) -> &str {
        self
    }
}

impl RecordId for &str {
    fn record_id(&self) -> &str {
        self
    }
}

/// A quantity with the record's own limits of normal, for a field declared
/// `with normal range`; all three in the field's `#[rulec(unit)]`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Ranged {
    /// The value.
    pub value: f64,
    /// The lower limit of normal, if known.
    pub low: Option<f64>,
    /// The upper limit of normal, if known.
    pub high: Option<f64>,
}

impl Value for Ranged {
    type Handle<'s> = Quantity<'s>;

    fn bind<'s>(fields: &mut Binder<'s>, name: &str, unit: Option<&str>) -> Quantity<'s> {
        let Some(unit) = unit else {
            fields.mismatch(
                name,
                "say which unit the Rust value is in with `#[rulec(unit = \"…\")]`",
            );
            return Quantity::NOWHERE;
        };
        fields.quantity(name, unit)
    }

    #[inline]
    fn write(&self, handle: &Quantity<'_>, record: &mut Writer<'_>, errors: &mut Vec<FieldError>) {
        if let Err(e) = record.set_quantity(handle, Some(self.value), self.low, self.high) {
            errors.push(e);
        }
    }

    #[inline]
    fn write_missing(handle: &Quantity<'_>, record: &mut Writer<'_>) {
        // Missing is never refused (a quantity that did not bind was
        // reported by the bind).
        let _ = record.set_quantity(handle, None, None, None);
    }
}
