//! Records from Rust values: [`RecordBuilder`] sets fields by name, with
//! units converted as the JSON reader converts them, and [`ToRecord`] is
//! the trait a Rust type implements to be evaluated directly.

use jiff::civil::Date;

use super::{
    DataError, Problems, QuantityField, Reason, RecordName, integer, known_date, member, members,
    number, store, unknown_field,
};
use crate::check::Program;
use crate::schema::{Field, FieldType, FieldValue, Record, Schema, Slot};

/// A type whose values can be evaluated as records.
///
/// Implement [`fill`](ToRecord::fill) by setting each field the type
/// knows on the [`RecordBuilder`] it is given and handing the builder back;
/// [`to_record`](ToRecord::to_record) then gives the [`Record`] to evaluate.
/// Fields left unset are missing, so the criteria that need them are
/// unknown. Values are converted into the field's declared unit by the same
/// path as the JSON reader's, so a value given in a threshold's unit
/// compares equal to it.
///
/// The pattern for a struct: one builder call per field, in the unit the
/// struct stores it in; `Option` fields pass straight through (`None` is
/// missing), and a list field takes the elements, which implement
/// `ToRecord` for the element fields.
///
/// ```
/// use rulec::eval::Status;
/// use rulec::records::{FieldError, RecordBuilder, ToRecord};
///
/// struct Patient {
///     hb_g_dl: f64,
///     pregnant: bool,
/// }
///
/// impl ToRecord for Patient {
///     fn fill<'s>(&self, record: RecordBuilder<'s>) -> Result<RecordBuilder<'s>, FieldError> {
///         record
///             .quantity("hemoglobin", self.hb_g_dl, "g/dL")?
///             .flag("pregnant", self.pregnant)
///     }
/// }
///
/// let file = rulec::syntax::parse(r#"
/// fields { hemoglobin: g/L, pregnant: bool }
/// inclusion { hb "Hb > 80 g/L": hemoglobin > 80 g/L }
/// exclusion { pregnancy: pregnant }
/// "#)?;
/// let program = rulec::check::check(&file, &rulec::check::NoImports)
///     .program
///     .ok_or("the rules do not check")?;
/// let compiled = rulec::compile::compile(&program);
/// let index = jiff::civil::date(2026, 11, 24);
///
/// let patient = Patient { hb_g_dl: 9.2, pregnant: false };
/// let verdict = compiled.evaluate(&patient.to_record(&program)?, index)?;
/// assert_eq!(verdict.status(), Status::Eligible);
///
/// // 8.0 g/dL is exactly 80 g/L, which is not > 80 g/L.
/// let patient = Patient { hb_g_dl: 8.0, pregnant: false };
/// let verdict = compiled.evaluate(&patient.to_record(&program)?, index)?;
/// assert_eq!(verdict.status(), Status::Ineligible);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Optional values, dates, members and a list:
///
/// ```
/// use jiff::civil::{Date, date};
/// use rulec::eval::Status;
/// use rulec::records::{FieldError, RecordBuilder, ToRecord};
///
/// struct Therapy {
///     class: &'static str,
///     failed: Option<bool>,
/// }
///
/// impl ToRecord for Therapy {
///     fn fill<'s>(&self, record: RecordBuilder<'s>) -> Result<RecordBuilder<'s>, FieldError> {
///         record.member("class", self.class)?.flag("failed", self.failed)
///     }
/// }
///
/// struct Patient {
///     birth_date: Date,
///     creatinine_umol_l: Option<f64>,
///     creatinine_uln: Option<f64>,
///     sex: Option<String>,
///     therapies: Vec<Therapy>,
/// }
///
/// impl ToRecord for Patient {
///     fn fill<'s>(&self, record: RecordBuilder<'s>) -> Result<RecordBuilder<'s>, FieldError> {
///         record
///             .date("birth_date", self.birth_date)?
///             .quantity_with_range(
///                 "creatinine",
///                 self.creatinine_umol_l,
///                 "umol/L",
///                 None,
///                 self.creatinine_uln,
///             )?
///             .member("sex", self.sex.as_deref())?
///             .list("therapies", &self.therapies)
///     }
/// }
///
/// let file = rulec::syntax::parse(r#"
/// fields {
///   birth_date: date
///   creatinine: umol/L with normal range
///   sex:        one of { female, male }
///   therapies:  list of { class: one of { car_t, other }, failed: bool }
/// }
/// define age: years between birth_date and index
/// inclusion {
///   adult: age >= 18 years
///   renal: creatinine < 2.5 x ULN
/// }
/// exclusion {
///   failed_car_t: any therapies where class = car_t and failed
///   women:        sex = female
/// }
/// "#)?;
/// let program = rulec::check::check(&file, &rulec::check::NoImports)
///     .program
///     .ok_or("the rules do not check")?;
/// let index = date(2026, 11, 24);
///
/// let patient = Patient {
///     birth_date: date(1970, 5, 1),
///     creatinine_umol_l: Some(150.0),
///     creatinine_uln: None,
///     sex: Some("male".to_owned()),
///     therapies: vec![Therapy { class: "other", failed: None }],
/// };
/// let verdict = rulec::eval::evaluate(&program, &patient.to_record(&program)?, index);
/// // Without its upper limit of normal, `renal` cannot be decided.
/// assert_eq!(verdict.status(), Status::Undetermined);
///
/// // A misspelt member is an error naming the field, inside the list too.
/// let patient = Patient {
///     therapies: vec![Therapy { class: "cart", failed: Some(true) }],
///     ..patient
/// };
/// let error = patient.to_record(&program).unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "field `therapies[0].class`: `cart` is not one of {car_t, other}; did you mean `car_t`?",
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait ToRecord {
    /// Sets the fields this value knows on `record` and hands it back.
    ///
    /// # Errors
    ///
    /// The first [`FieldError`] of a builder call: a name that is not a
    /// field, a value of the wrong kind, a unit that does not convert.
    fn fill<'s>(&self, record: RecordBuilder<'s>) -> Result<RecordBuilder<'s>, FieldError>;

    /// This value as a record of `program`'s schema, every field it does
    /// not set missing.
    ///
    /// # Errors
    ///
    /// The first [`FieldError`] met by [`fill`](ToRecord::fill).
    fn to_record(&self, program: &Program) -> Result<Record, FieldError> {
        Ok(self.fill(RecordBuilder::new(program))?.build())
    }
}

/// Builds a [`Record`] of a program's schema field by field.
///
/// Each setter names the field, checks that it holds values of that kind
/// and converts the value as the JSON reader does; a value passed as
/// `None` (every setter but [`members`](Self::members) and
/// [`list`](Self::list) takes an `Option` or a plain value) leaves the
/// field missing. A setter consumes the builder and gives it back, so calls
/// chain with `?`; on error the builder is gone, with the
/// [`FieldError`] saying which field and why.
///
/// ```
/// use rulec::eval::Status;
/// use rulec::records::RecordBuilder;
///
/// let file = rulec::syntax::parse(r#"
/// fields { hemoglobin: g/L, pregnant: bool }
/// inclusion { hb: hemoglobin > 80 g/L }
/// exclusion { pregnancy: pregnant }
/// "#)?;
/// let program = rulec::check::check(&file, &rulec::check::NoImports)
///     .program
///     .ok_or("the rules do not check")?;
/// let index = jiff::civil::date(2026, 11, 24);
///
/// let record = RecordBuilder::new(&program)
///     .quantity("hemoglobin", 92.0, "g/L")?
///     .flag("pregnant", None)?
///     .build();
/// let verdict = rulec::eval::evaluate(&program, &record, index);
/// assert_eq!(verdict.status(), Status::Undetermined);
/// assert_eq!(verdict.missing(), ["pregnant"]);
///
/// // Mistakes name the field.
/// let error = RecordBuilder::new(&program).quantity("hemoglobin", 5.6, "mmol/L").unwrap_err();
/// assert!(error.to_string().starts_with(
///     "field `hemoglobin`: cannot convert `mmol/L` (substance concentration) to `g/L`"
/// ));
/// let error = RecordBuilder::new(&program).flag("hemoglobin", true).unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "field `hemoglobin`: `hemoglobin` holds a quantity in `g/L`: set it with `quantity`",
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct RecordBuilder<'s> {
    schema: &'s Schema,
    record: Record,
    /// The path of a list element (`therapies[1].`), empty for the record.
    prefix: String,
}

/// A value a [`RecordBuilder`] could not set: the field and why.
///
/// Shown as ``field `hemoglobin`: <reason>``; a field inside a list is
/// named with its path, as in ``field `therapies[1].class`: <reason>``.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("field `{field}`: {reason}")]
pub struct FieldError {
    /// The field, with the path to it inside a list (elements counted
    /// from 0).
    pub field: String,
    /// What is wrong, in words.
    pub reason: String,
}

impl FieldError {
    /// The error as a [`DataError`] of the named record, as the JSON and
    /// CSV readers report theirs.
    ///
    /// ```
    /// use rulec::records::{FieldError, RecordName};
    ///
    /// let error = FieldError { field: "kps".to_owned(), reason: "101 is outside the declared range 0..100".to_owned() };
    /// assert_eq!(
    ///     error.in_record(RecordName::Id("p7".to_owned())).to_string(),
    ///     "record `p7`, field `kps`: 101 is outside the declared range 0..100",
    /// );
    /// ```
    #[must_use]
    pub fn in_record(self, record: RecordName) -> DataError {
        DataError {
            record,
            field: self.field,
            reason: self.reason,
        }
    }
}

impl<'s> RecordBuilder<'s> {
    /// A builder for a record of `program`'s schema, every field missing.
    #[must_use]
    pub fn new(program: &'s Program) -> RecordBuilder<'s> {
        RecordBuilder::element(&program.schema, String::new())
    }

    fn element(schema: &'s Schema, prefix: String) -> RecordBuilder<'s> {
        RecordBuilder {
            schema,
            record: Record::new(schema),
            prefix,
        }
    }

    /// The record built.
    #[must_use]
    pub fn build(self) -> Record {
        self.record
    }

    /// Sets a `bool` field.
    ///
    /// # Errors
    ///
    /// A [`FieldError`] when `field` is not a `bool` field of the schema.
    pub fn flag(self, field: &str, value: impl Into<Option<bool>>) -> Result<Self, FieldError> {
        let value = value.into();
        self.set(field, |f| match (&f.ty, value) {
            (FieldType::Bool, Some(b)) => Ok(FieldValue::Bool(b)),
            (FieldType::Bool, None) => Ok(FieldValue::Missing),
            (ty, _) => Err(wrong_setter(f, ty)),
        })
    }

    /// Sets an `integer` or `number` field. An `integer` field takes a
    /// whole number within its declared range.
    ///
    /// # Errors
    ///
    /// A [`FieldError`] when `field` is not an `integer` or `number` field,
    /// or the value does not fit it (not finite, not whole, out of range).
    pub fn number(self, field: &str, value: impl Into<Option<f64>>) -> Result<Self, FieldError> {
        let value = value.into();
        self.set(field, |f| match (&f.ty, value) {
            (FieldType::Integer { .. } | FieldType::Number, None) => Ok(FieldValue::Missing),
            (FieldType::Integer { min, max }, Some(v)) => integer(v, *min, *max),
            (FieldType::Number, Some(v)) => number(v),
            (ty, _) => Err(wrong_setter(f, ty)),
        })
    }

    /// Sets an `integer` or `number` field from a whole number, as
    /// [`number`](Self::number) does.
    ///
    /// # Errors
    ///
    /// As [`number`](Self::number); also when the value is beyond ±2^53,
    /// where not every whole number has an exact `f64`.
    pub fn integer(self, field: &str, value: impl Into<Option<i64>>) -> Result<Self, FieldError> {
        const EXACT: u64 = 1 << 53;
        match value.into() {
            None => self.number(field, None),
            Some(v) if v.unsigned_abs() > EXACT => {
                let path = self.path(field);
                Err(FieldError {
                    field: path,
                    reason: format!("{v} is too large to be held exactly"),
                })
            }
            Some(v) => {
                #[expect(clippy::cast_precision_loss, reason = "checked to be within ±2^53")]
                let v = v as f64;
                self.number(field, v)
            }
        }
    }

    /// Sets a quantity field from a value in `unit`, converted into the
    /// field's unit (through the field's molar mass between mass and
    /// substance concentrations) exactly as the JSON reader converts
    /// `{"value": …, "unit": …}`.
    ///
    /// # Errors
    ///
    /// A [`FieldError`] when `field` is not a quantity field, `unit` is not
    /// a unit that converts into the field's, the value is not finite
    /// before or after conversion, or it is below zero in a unit whose
    /// values cannot be (all but temperature scales, plane angles and
    /// electric quantities: see the [module](crate::records) docs).
    pub fn quantity(
        self,
        field: &str,
        value: impl Into<Option<f64>>,
        unit: &str,
    ) -> Result<Self, FieldError> {
        self.quantity_with_range(field, value, unit, None, None)
    }

    /// Sets a quantity field declared `with normal range`, with the
    /// record's own lower and upper limits of normal, all three in `unit`.
    /// A limit passed as `None` is unknown, and so is every `x LLN` or
    /// `x ULN` that needs it.
    ///
    /// # Errors
    ///
    /// As [`quantity`](Self::quantity); also when a limit is given for a
    /// field without a normal range, a limit does not convert, or the lower
    /// limit is above the upper, or a limit is below zero where the value
    /// cannot be.
    pub fn quantity_with_range(
        self,
        field: &str,
        value: impl Into<Option<f64>>,
        unit: &str,
        low: impl Into<Option<f64>>,
        high: impl Into<Option<f64>>,
    ) -> Result<Self, FieldError> {
        let (value, low, high) = (value.into(), low.into(), high.into());
        self.set(field, |f| {
            let Some(q) = QuantityField::of(f) else {
                return Err(wrong_setter(f, &f.ty));
            };
            if (low.is_some() || high.is_some()) && !q.normal_range {
                return Err(q.no_range());
            }
            let Some(value) = value else {
                return Ok(FieldValue::Missing);
            };
            let conversion = q.conversion_from(unit)?;
            let convert = |v: f64, what: &str| {
                q.convert(v, conversion, &format!("{v} {unit}"))
                    .map_err(|reason| format!("{what}{reason}"))
            };
            let value = convert(value, "")?;
            let low = low.map(|l| convert(l, "lower limit: ")).transpose()?;
            let high = high.map(|h| convert(h, "upper limit: ")).transpose()?;
            q.quantity(value, low, high)
        })
    }

    /// Sets a `date` field.
    ///
    /// # Errors
    ///
    /// A [`FieldError`] when `field` is not a `date` field, or the date is
    /// before year 1 (year 0000 holds placeholders, not real dates).
    pub fn date(self, field: &str, value: impl Into<Option<Date>>) -> Result<Self, FieldError> {
        let value = value.into();
        self.set(field, |f| match (&f.ty, value) {
            (FieldType::Date, Some(d)) => known_date(d),
            (FieldType::Date, None) => Ok(FieldValue::Missing),
            (ty, _) => Err(wrong_setter(f, ty)),
        })
    }

    /// Sets a `text` field.
    ///
    /// # Errors
    ///
    /// A [`FieldError`] when `field` is not a `text` field.
    pub fn text<'t>(
        self,
        field: &str,
        value: impl Into<Option<&'t str>>,
    ) -> Result<Self, FieldError> {
        let value = value.into();
        self.set(field, |f| match (&f.ty, value) {
            (FieldType::Text, Some(t)) => Ok(FieldValue::Text(t.to_owned())),
            (FieldType::Text, None) => Ok(FieldValue::Missing),
            (ty, _) => Err(wrong_setter(f, ty)),
        })
    }

    /// Sets a `one of` field to the member called `value`.
    ///
    /// # Errors
    ///
    /// A [`FieldError`] when `field` is not a `one of` field or `value` is
    /// not one of its members (matched exactly; a near miss is suggested).
    pub fn member<'t>(
        self,
        field: &str,
        value: impl Into<Option<&'t str>>,
    ) -> Result<Self, FieldError> {
        let value = value.into();
        self.set(field, |f| match (&f.ty, value) {
            (FieldType::OneOf(declared) | FieldType::Ordered(declared), Some(name)) => {
                member(name, declared).map(FieldValue::Member)
            }
            (FieldType::OneOf(_) | FieldType::Ordered(_), None) => Ok(FieldValue::Missing),
            (ty, _) => Err(wrong_setter(f, ty)),
        })
    }

    /// Sets a `set of` field to the members named (in any order, repeats
    /// counting once); no names is the empty set, which is known. To leave
    /// the field missing, use [`missing`](Self::missing).
    ///
    /// # Errors
    ///
    /// A [`FieldError`] when `field` is not a `set of` field or a name is
    /// not one of its members.
    pub fn members<I>(self, field: &str, names: I) -> Result<Self, FieldError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.set(field, |f| match &f.ty {
            FieldType::SetOf(declared) => {
                let names: Vec<I::Item> = names.into_iter().collect();
                members(names.iter().map(AsRef::as_ref), declared)
            }
            ty => Err(wrong_setter(f, ty)),
        })
    }

    /// Sets a `list of` field: one element per item, each filled by its
    /// [`ToRecord`] impl with the element fields. No items is the empty
    /// list, which is known; to leave the field missing, use
    /// [`missing`](Self::missing).
    ///
    /// # Errors
    ///
    /// A [`FieldError`] when `field` is not a `list of` field, or the first
    /// error of an element, named by its path (`therapies[1].class`,
    /// counting from 0).
    pub fn list<'t, T, I>(self, field: &str, items: I) -> Result<Self, FieldError>
    where
        T: ToRecord + ?Sized + 't,
        I: IntoIterator<Item = &'t T>,
    {
        let path = self.path(field);
        let element_schema = match self.declared(field)?.1 {
            Field {
                ty: FieldType::ListOf(schema),
                ..
            } => schema,
            other => {
                return Err(FieldError {
                    field: path,
                    reason: wrong_setter(other, &other.ty),
                });
            }
        };
        let mut elements = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let builder = RecordBuilder::element(element_schema, format!("{path}[{i}]."));
            elements.push(item.fill(builder)?.build());
        }
        self.set(field, |_| Ok(FieldValue::List(elements)))
    }

    /// Leaves a field of any kind missing (unsetting it if it was set).
    ///
    /// # Errors
    ///
    /// A [`FieldError`] when `field` is not a field of the schema.
    pub fn missing(self, field: &str) -> Result<Self, FieldError> {
        self.set(field, |_| Ok(FieldValue::Missing))
    }

    /// The field's name as errors show it: with the list path, if any.
    fn path(&self, field: &str) -> String {
        format!("{}{field}", self.prefix)
    }

    /// The declared field called `name`.
    fn declared(&self, name: &str) -> Result<(Slot, &'s Field), FieldError> {
        let schema = self.schema;
        schema
            .slot(name)
            .and_then(|slot| Some((slot, schema.field(slot)?)))
            .ok_or_else(|| FieldError {
                field: self.path(name),
                reason: unknown_field(name, schema),
            })
    }

    /// Reads a value for the field called `name` and stores it through the
    /// readers' own [`store`], which checks it against the field.
    fn set(
        mut self,
        name: &str,
        read: impl FnOnce(&Field) -> Result<FieldValue, Reason>,
    ) -> Result<Self, FieldError> {
        let (slot, field) = self.declared(name)?;
        let path = self.path(name);
        let mut problems = Problems::new();
        store(
            &mut self.record,
            slot.0 as usize,
            &path,
            read(field),
            &mut problems,
        );
        match problems.into_iter().next() {
            None => Ok(self),
            Some((field, reason)) => Err(FieldError { field, reason }),
        }
    }
}

/// The reason a setter does not fit the field, naming the one that does.
fn wrong_setter(field: &Field, ty: &FieldType) -> Reason {
    let (holds, setter) = match ty {
        FieldType::Bool => ("a yes/no value".to_owned(), "flag"),
        FieldType::Integer { .. } => ("a whole number".to_owned(), "integer` or `number"),
        FieldType::Number => ("a number".to_owned(), "number"),
        FieldType::Quantity {
            unit, normal_range, ..
        } => (
            format!("a quantity in `{unit}`"),
            if *normal_range {
                "quantity` or `quantity_with_range"
            } else {
                "quantity"
            },
        ),
        FieldType::Date => ("a date".to_owned(), "date"),
        FieldType::Text => ("text".to_owned(), "text"),
        FieldType::OneOf(_) | FieldType::Ordered(_) => {
            ("one member of an enumeration".to_owned(), "member")
        }
        FieldType::SetOf(_) => ("a set of members".to_owned(), "members"),
        FieldType::ListOf(_) => ("a list".to_owned(), "list"),
    };
    format!("`{}` holds {holds}: set it with `{setter}`", field.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{NoImports, check};
    use crate::records::from_json;

    fn program(source: &str) -> Program {
        let file = crate::syntax::parse(source).unwrap();
        check(&file, &NoImports).program.unwrap()
    }

    const FIELDS: &str = "fields {
        hemoglobin: g/L
        creatinine: umol/L with normal range, molar mass 113.12 g/mol
        bilirubin:  mg/dL, molar mass 584.66 g/mol
        kps:        integer 0..100
        ratio:      number
        pregnant:   bool
        birth_date: date
        note:       text
        sex:        one of { female, male }
        serologies: set of { hiv, hbv, hcv }
        therapies:  list of { class: one of { car_t, other }, failed: bool }
    }";

    struct Therapy(&'static str, bool);

    impl ToRecord for Therapy {
        fn fill<'s>(&self, record: RecordBuilder<'s>) -> Result<RecordBuilder<'s>, FieldError> {
            record.member("class", self.0)?.flag("failed", self.1)
        }
    }

    /// The builder and the JSON reader give the very same record for the
    /// same values: one conversion path.
    #[test]
    fn builder_and_json_reader_agree() {
        let p = program(FIELDS);
        let built = RecordBuilder::new(&p)
            .quantity("hemoglobin", 8.5, "g/dL")
            .unwrap()
            .quantity_with_range("creatinine", 1.1, "mg/dL", 0.6, 1.2)
            .unwrap()
            .quantity("bilirubin", 34.2, "umol/L")
            .unwrap()
            .integer("kps", 80)
            .unwrap()
            .number("ratio", 1.5)
            .unwrap()
            .flag("pregnant", false)
            .unwrap()
            .date("birth_date", jiff::civil::date(2008, 2, 29))
            .unwrap()
            .text("note", "multiple myeloma")
            .unwrap()
            .member("sex", "female")
            .unwrap()
            .members("serologies", ["hcv", "hiv", "hcv"])
            .unwrap()
            .list(
                "therapies",
                &[Therapy("car_t", true), Therapy("other", false)],
            )
            .unwrap()
            .build();
        let json = serde_json::json!({
            "hemoglobin": {"value": 8.5, "unit": "g/dL"},
            "creatinine": {"value": 1.1, "unit": "mg/dL", "low": 0.6, "high": 1.2},
            "bilirubin": "34.2 umol/L",
            "kps": 80,
            "ratio": 1.5,
            "pregnant": false,
            "birth_date": "2008-02-29",
            "note": "multiple myeloma",
            "sex": "female",
            "serologies": ["hcv", "hiv", "hcv"],
            "therapies": [{"class": "car_t", "failed": true}, {"class": "other", "failed": false}],
        });
        let read = from_json(&p, &json, 1);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(built, read.record);
    }

    #[test]
    fn none_and_missing_leave_fields_missing() {
        let p = program(FIELDS);
        let record = RecordBuilder::new(&p)
            .quantity("hemoglobin", None, "g/L")
            .unwrap()
            .flag("pregnant", true)
            .unwrap()
            .missing("pregnant")
            .unwrap()
            .member("sex", None)
            .unwrap()
            .build();
        assert_eq!(record, Record::new(&p.schema));
    }

    #[test]
    fn empty_set_and_list_are_known() {
        let p = program(FIELDS);
        let record = RecordBuilder::new(&p)
            .members("serologies", Vec::<String>::new())
            .unwrap()
            .list::<Therapy, _>("therapies", [])
            .unwrap()
            .build();
        let get = |name| record.get(p.schema.slot(name).unwrap()).into_owned();
        assert_eq!(get("serologies"), FieldValue::Members(vec![]));
        assert_eq!(get("therapies"), FieldValue::List(vec![]));
    }

    /// Every mistake is an error naming the field, in the readers' words.
    #[test]
    fn mistakes_name_the_field() {
        let p = program(FIELDS);
        let error = |result: Result<RecordBuilder<'_>, FieldError>| result.unwrap_err().to_string();
        let b = || RecordBuilder::new(&p);
        assert_eq!(
            error(b().flag("pregnent", true)),
            "field `pregnent`: no field `pregnent` is declared; did you mean `pregnant`?"
        );
        assert_eq!(
            error(b().number("hemoglobin", 90.0)),
            "field `hemoglobin`: `hemoglobin` holds a quantity in `g/L`: set it with `quantity`"
        );
        assert_eq!(
            error(b().quantity("kps", 80.0, "%")),
            "field `kps`: `kps` holds a whole number: set it with `integer` or `number`"
        );
        assert!(error(b().quantity("hemoglobin", 9.0, "g//L")).starts_with("field `hemoglobin`: "));
        assert!(error(b().quantity("hemoglobin", 9.0, "mg")).starts_with(
            "field `hemoglobin`: cannot convert `mg` (mass) to `g/L` (mass concentration)"
        ));
        assert_eq!(
            error(b().quantity("hemoglobin", f64::NAN, "g/L")),
            "field `hemoglobin`: `NaN g/L` is not a finite number"
        );
        assert!(
            error(b().quantity_with_range("hemoglobin", 90.0, "g/L", None, 120.0))
                .contains("is not declared `with normal range`")
        );
        assert_eq!(
            error(b().quantity_with_range("creatinine", 80.0, "umol/L", 100.0, 90.0)),
            "field `creatinine`: the lower limit of normal (100) is above the upper (90)"
        );
        assert_eq!(
            error(b().integer("kps", 101)),
            "field `kps`: 101 is outside the declared range 0..100"
        );
        assert_eq!(
            error(b().number("kps", 80.5)),
            "field `kps`: 80.5 is not a whole number"
        );
        assert_eq!(
            error(b().integer("ratio", i64::MAX)),
            "field `ratio`: 9223372036854775807 is too large to be held exactly"
        );
        assert_eq!(
            error(b().member("sex", "Female")),
            "field `sex`: `Female` is not one of {female, male}; did you mean `female`?"
        );
        assert_eq!(
            error(b().members("serologies", ["hiv", "hcx"])),
            "field `serologies`: `hcx` is not one of {hiv, hbv, hcv}; did you mean `hcv`?"
        );
        assert_eq!(
            error(b().list("sex", &[Therapy("car_t", true)])),
            "field `sex`: `sex` holds one member of an enumeration: set it with `member`"
        );
        assert_eq!(
            error(b().list(
                "therapies",
                &[Therapy("car_t", true), Therapy("cart", true)]
            )),
            "field `therapies[1].class`: `cart` is not one of {car_t, other}; did you mean `car_t`?"
        );
    }
}
