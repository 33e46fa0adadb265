//! JSON records: one object per record.

use serde_json::{Map, Value};

use super::{
    Problems, QuantityField, ReadRecord, Reason, WHOLE_RECORD, date, finish, integer, member,
    members, number, quantity, show, store, unknown_field,
};
use crate::check::{Field, FieldType, Program, Schema};
use crate::eval::{FieldValue, Record};
use crate::units::Conversion;

/// Reads one record from a JSON object.
///
/// `"id"` (a string or a number) names the record; every other key is a
/// field of the program (a field declared with the name `id` is read from
/// the same key). `position` is where the record is in its batch, counted
/// from 1; it names the record in messages when it has no id.
///
/// Values are read as the [module](crate::records) describes; a malformed
/// one, or a key that is not a field, is a [`DataError`](super::DataError)
/// and leaves that field missing. Elements of a `list of` field are read as
/// records of the element fields: an error inside one names the path
/// (`therapies[1].class`, counting from 0) and leaves that element's field
/// missing, while an element that is not an object leaves the whole list
/// missing.
///
/// A JSON object cannot be given the same key twice through this
/// function: `serde_json` keeps the last value of a repeated key when it
/// reads text, so `{"hemoglobin": 1, "hemoglobin": 90}` is read as 90.
///
/// ```
/// use rulec::eval::FieldValue;
///
/// let file = rulec::syntax::parse(
///     "fields { creatinine: umol/L with normal range, molar mass 113.12 g/mol }",
/// )?;
/// let program = rulec::check::check(&file, &rulec::check::NoImports).program.unwrap();
/// let json = serde_json::json!({
///     "id": 7,
///     "creatinine": {"value": 1.0, "unit": "mg/dL", "low": 0.5, "high": 1.2},
/// });
/// let read = rulec::records::from_json(&program, &json, 1);
/// assert_eq!(read.id.as_deref(), Some("7"));
/// assert!(read.errors.is_empty());
/// let slot = program.schema.slot("creatinine").unwrap();
/// assert!(matches!(*read.record.get(slot), FieldValue::Quantity { high: Some(_), .. }));
///
/// let read = rulec::records::from_json(&program, &serde_json::json!({"creatinine": "1 mmol"}), 3);
/// assert_eq!(
///     read.errors[0].to_string(),
///     "record 3, field `creatinine`: cannot convert `mmol` (amount of substance) \
///      to `umol/L` (substance concentration)",
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn from_json(program: &Program, value: &Value, position: usize) -> ReadRecord {
    let schema = &program.schema;
    let mut record = Record::new(schema);
    let mut problems = Problems::new();
    let Value::Object(map) = value else {
        problems.push((
            WHOLE_RECORD.to_owned(),
            format!("a record is a JSON object, not {}", kind(value)),
        ));
        return finish(None, position, record, problems);
    };
    let id = match map.get("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) if !id.trim().is_empty() => Some(id.clone()),
        Some(Value::Number(id)) => Some(id.to_string()),
        Some(other) => {
            problems.push((
                "id".to_owned(),
                format!(
                    "a record id is a non-empty string or a number, not {}",
                    kind(other)
                ),
            ));
            None
        }
    };
    read_object(schema, map, "", &mut record, &mut problems);
    finish(id, position, record, problems)
}

/// Reads one record from JSON text, as [`from_json`] does; text that is
/// not valid JSON gives a record with every field missing and a data error
/// for the whole record (field [`WHOLE_RECORD`]).
///
/// ```
/// let file = rulec::syntax::parse("fields { hemoglobin: g/L }")?;
/// let program = rulec::check::check(&file, &rulec::check::NoImports).program.unwrap();
/// let read = rulec::records::from_json_str(&program, r#"{"id": "r1", "hemoglobin": }"#, 4);
/// assert_eq!(read.errors.len(), 1);
/// assert!(read.errors[0].to_string().starts_with("record 4: not valid JSON: "));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn from_json_str(program: &Program, text: &str, position: usize) -> ReadRecord {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => from_json(program, &value, position),
        Err(error) => finish(
            None,
            position,
            Record::new(&program.schema),
            vec![(WHOLE_RECORD.to_owned(), format!("not valid JSON: {error}"))],
        ),
    }
}

/// Reads the fields of `schema` from `map` into `record`; `prefix` is the
/// path of a list element (`therapies[1].`), empty for the record itself,
/// whose `id` key is not a field.
fn read_object(
    schema: &Schema,
    map: &Map<String, Value>,
    prefix: &str,
    record: &mut Record,
    problems: &mut Problems,
) {
    let mut matched = 0;
    for field in &schema.fields {
        let Some(value) = map.get(&field.name) else {
            continue;
        };
        matched += 1;
        // A top-level field is its own path: no string to build.
        let path: std::borrow::Cow<'_, str> = if prefix.is_empty() {
            std::borrow::Cow::Borrowed(&field.name)
        } else {
            std::borrow::Cow::Owned(format!("{prefix}{}", field.name))
        };
        let read = read_value(field, value, &path, problems);
        store(schema, record, field, &path, read, problems);
    }
    // Every key a field (and the id): no key left to report, and no need
    // to look each one up again.
    let id = usize::from(prefix.is_empty() && map.contains_key("id"));
    if matched + id == map.len() {
        return;
    }
    for key in map.keys() {
        let is_id = prefix.is_empty() && key == "id";
        if !is_id && schema.slot(key).is_none() {
            problems.push((format!("{prefix}{key}"), unknown_field(key, schema)));
        }
    }
}

/// Reads the value of one field.
fn read_value(
    field: &Field,
    value: &Value,
    path: &str,
    problems: &mut Problems,
) -> Result<FieldValue, Reason> {
    if value.is_null() {
        return Ok(FieldValue::Missing);
    }
    if let Some(q) = QuantityField::of(field) {
        return read_quantity(q, value);
    }
    match (&field.ty, value) {
        (FieldType::Bool, Value::Bool(b)) => Ok(FieldValue::Bool(*b)),
        (FieldType::Integer { min, max }, Value::Number(n)) => integer(to_f64(n)?, *min, *max),
        (FieldType::Number, Value::Number(n)) => number(to_f64(n)?),
        (FieldType::Date, Value::String(s)) => date(s),
        (FieldType::Text, Value::String(s)) => Ok(FieldValue::Text(s.clone())),
        (FieldType::OneOf(declared), Value::String(s)) => {
            member(s, declared).map(FieldValue::Member)
        }
        (FieldType::SetOf(declared), Value::Array(items)) => {
            let mut names = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(name) => names.push(name.as_str()),
                    other => {
                        return Err(format!(
                            "element {i} of the array is {}, not a member's name",
                            kind(other)
                        ));
                    }
                }
            }
            members(names, declared)
        }
        (FieldType::ListOf(schema), Value::Array(items)) => {
            read_list(schema, items, path, problems)
        }
        (ty, other) => Err(format!("expected {}, found {}", expected(ty), kind(other))),
    }
}

/// A list: one record of the element fields per object.
fn read_list(
    schema: &Schema,
    items: &[Value],
    path: &str,
    problems: &mut Problems,
) -> Result<FieldValue, Reason> {
    let mut elements = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Value::Object(map) = item else {
            return Err(format!(
                "element {i} is {}, not an object, so the list is left missing",
                kind(item)
            ));
        };
        let mut element = Record::new(schema);
        read_object(
            schema,
            map,
            &format!("{path}[{i}]."),
            &mut element,
            problems,
        );
        elements.push(element);
    }
    Ok(FieldValue::List(elements))
}

/// A quantity: a number in the declared unit, `"8.5 g/dL"`, or
/// `{"value": 8.5, "unit": "g/dL", "low": …, "high": …}`.
fn read_quantity(q: QuantityField<'_>, value: &Value) -> Result<FieldValue, Reason> {
    match value {
        Value::Number(n) => {
            let v = q.convert(to_f64(n)?, Conversion::IDENTITY, &n.to_string())?;
            quantity(v, None, None)
        }
        Value::String(text) => quantity(q.read_text(text, Conversion::IDENTITY)?, None, None),
        Value::Object(map) => read_quantity_object(q, map),
        other => Err(format!(
            "expected {}, found {}",
            quantity_forms(q.unit),
            kind(other)
        )),
    }
}

fn read_quantity_object(
    q: QuantityField<'_>,
    map: &Map<String, Value>,
) -> Result<FieldValue, Reason> {
    let keys: &[&str] = if q.normal_range {
        &["value", "unit", "low", "high"]
    } else {
        &["value", "unit"]
    };
    for key in map.keys() {
        if !keys.contains(&key.as_str()) {
            if key == "low" || key == "high" {
                return Err(q.no_range());
            }
            return Err(format!(
                "a quantity object has no key `{}`; it takes `{}`",
                show(key),
                keys.join("`, `")
            ));
        }
    }
    let conversion = match map.get("unit") {
        None | Some(Value::Null) => Conversion::IDENTITY,
        Some(Value::String(unit)) => q.conversion_from(unit)?,
        Some(other) => {
            return Err(format!(
                "`unit` is text such as \"g/dL\", not {}",
                kind(other)
            ));
        }
    };
    let number_at = |key: &str| -> Result<Option<f64>, Reason> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => q
                .convert(to_f64(n)?, conversion, &n.to_string())
                .map(Some)
                .map_err(|reason| format!("`{key}`: {reason}")),
            Some(other) => Err(format!(
                "`{key}` is a number in the unit of `value`, not {}",
                kind(other)
            )),
        }
    };
    if !map.contains_key("value") {
        return Err("a quantity object needs a `value`".to_owned());
    }
    let Some(value) = number_at("value")? else {
        return Ok(FieldValue::Missing);
    };
    quantity(value, number_at("low")?, number_at("high")?)
}

fn to_f64(n: &serde_json::Number) -> Result<f64, Reason> {
    n.as_f64()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{n} is not a finite number"))
}

/// What a field of this type takes, in words.
fn expected(ty: &FieldType) -> String {
    match ty {
        FieldType::Bool => "`true` or `false`".to_owned(),
        FieldType::Integer { .. } => "a whole number".to_owned(),
        FieldType::Number => "a number".to_owned(),
        FieldType::Quantity { unit, .. } => quantity_forms(unit),
        FieldType::Date => "a date as \"YYYY-MM-DD\"".to_owned(),
        FieldType::Text => "text".to_owned(),
        FieldType::OneOf(declared) => format!("one of {{{}}} as text", declared.join(", ")),
        FieldType::SetOf(declared) => {
            format!("an array of members of {{{}}}", declared.join(", "))
        }
        FieldType::ListOf(_) => "an array of objects".to_owned(),
    }
}

/// The forms a quantity in `unit` takes, in words.
fn quantity_forms(unit: &crate::units::Unit) -> String {
    format!("a number in `{unit}`, text such as \"80 {unit}\", or {{\"value\": …, \"unit\": …}}")
}

/// A JSON value in words, for messages.
fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text \"{}\"", show(s)),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}
