//! JSON records: one object per record.

mod text;

use serde_json::{Map, Value};

use self::text::Top;
use super::{
    EXACT_WHOLE, NAME_LIMIT, Problems, QuantityField, ReadRecord, Reason, WHOLE_RECORD, date,
    finish, integer, member, member_list, members, number, show, show_at_most, split_quantity,
    store, too_large_to_be_exact, unknown_field,
};
use crate::check::Program;
use crate::schema::{Field, FieldType, FieldValue, Record, Schema};
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
/// A [`Value`] cannot hold the same key twice, nor a number as it was
/// written: [`from_json_str`] reads the text, where a key given twice is a
/// data error and a number id is kept as written (`12345678901234567890123`,
/// `1e2`). Here a number id is as `serde_json` holds it: exact for a whole
/// number that fits 64 bits, otherwise through an `f64` (`1e2` is `100.0`).
///
/// ```
/// use rulec::schema::FieldValue;
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
    let id = map.get("id").and_then(|id| read_id(id, &mut problems));
    read_object(schema, map, "", &mut record, &mut problems);
    finish(id, position, record, problems)
}

/// Reads one record from JSON text, as [`from_json`] does; text that is
/// not valid JSON gives a record with every field missing and a data error
/// for the whole record (field [`WHOLE_RECORD`]).
///
/// The text shows what a [`Value`] cannot: a number id is kept exactly as
/// written (`{"id": 1e2}` is the record `1e2`), and a key given twice is
/// not read last-wins but refused — a data error naming it (`` `hemoglobin`
/// is given twice``), the field missing, the rest of the record read; a key
/// given twice inside a field's value (a quantity object, a list element)
/// leaves that field missing. Arrays and objects nest at most 127 deep,
/// the record's own object included, under any key.
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
    let schema = &program.schema;
    match text::top(schema, text) {
        Ok(Top::Object(keys)) => keys.read(schema, position),
        Ok(Top::Other(value)) => from_json(program, &value, position),
        Err(error) => finish(
            None,
            position,
            Record::new(schema),
            vec![(WHOLE_RECORD.to_owned(), format!("not valid JSON: {error}"))],
        ),
    }
}

/// A record's id: a non-empty string or a number.
fn read_id(value: &Value, problems: &mut Problems) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(id) if !id.trim().is_empty() => Some(id.clone()),
        Value::Number(id) => Some(id.to_string()),
        other => {
            problems.push((
                "id".to_owned(),
                format!(
                    "a record id is a non-empty string or a number, not {}",
                    kind(other)
                ),
            ));
            None
        }
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
    let matched = read_fields(
        schema,
        |_, field| map.get(&field.name).map(Found::Value),
        prefix,
        record,
        problems,
    );
    // Every key a field (and the id): no key left to report, and no need
    // to look each one up again.
    let id = usize::from(prefix.is_empty() && map.contains_key("id"));
    if matched + id == map.len() {
        return;
    }
    for key in map.keys() {
        let is_id = prefix.is_empty() && key == "id";
        if !is_id && schema.slot(key).is_none() {
            problems.push((
                format!("{prefix}{}", show_at_most(key, NAME_LIMIT)),
                unknown_field(key, schema),
            ));
        }
    }
}

/// What the input gives for a field.
enum Found<'v> {
    /// A value to read.
    Value(&'v Value),
    /// Nothing that can be read, and why (a key given twice).
    Refused(Reason),
}

/// Reads the fields of `schema`, in declaration order, from the values
/// `value_of` finds for them (by index and field); gives how many it found.
fn read_fields<'v>(
    schema: &Schema,
    value_of: impl Fn(usize, &Field) -> Option<Found<'v>>,
    prefix: &str,
    record: &mut Record,
    problems: &mut Problems,
) -> usize {
    let mut matched = 0;
    for (i, field) in schema.fields.iter().enumerate() {
        let Some(found) = value_of(i, field) else {
            continue;
        };
        matched += 1;
        // A top-level field is its own path: no string to build.
        let path: std::borrow::Cow<'_, str> = if prefix.is_empty() {
            std::borrow::Cow::Borrowed(&field.name)
        } else {
            std::borrow::Cow::Owned(format!("{prefix}{}", field.name))
        };
        match found {
            Found::Value(value) => {
                let read = read_value(field, value, &path, problems);
                store(record, i, &path, read, problems);
            }
            Found::Refused(reason) => problems.push((path.into_owned(), reason)),
        }
    }
    matched
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
        (FieldType::Integer { min, max }, Value::Number(n)) => {
            integer(whole_number(n)?, *min, *max)
        }
        (FieldType::Number, Value::Number(n)) => number(to_f64(n)?),
        (FieldType::Date, Value::String(s)) => date(s),
        (FieldType::Text, Value::String(s)) => Ok(FieldValue::Text(s.clone())),
        (FieldType::OneOf(declared) | FieldType::Ordered(declared), Value::String(s)) => {
            member(s, declared).map(FieldValue::Member)
        }
        // A scale that names its steps by number (ECOG 0–5) takes them
        // as JSON numbers too, written as the member is.
        (FieldType::OneOf(declared) | FieldType::Ordered(declared), Value::Number(n))
            if declared.iter().any(|m| *m == n.to_string()) =>
        {
            member(&n.to_string(), declared).map(FieldValue::Member)
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
            q.quantity(v, None, None)
        }
        Value::String(text) => q.quantity(q.read_text(text, Conversion::IDENTITY)?, None, None),
        Value::Object(map) => read_quantity_object(q, map),
        other => Err(format!(
            "expected {}, found {}",
            quantity_forms(q.unit),
            kind(other)
        )),
    }
}

/// `{"value": …, "unit": …, "low": …, "high": …}`. The value is a number,
/// or text that may carry its unit (`"119 U/L"`); the limits are numbers
/// in the unit of the value, wherever that unit is given.
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
    let unit_key = match map.get("unit") {
        None | Some(Value::Null) => None,
        Some(Value::String(unit)) => Some((unit.as_str(), q.conversion_from(unit)?)),
        Some(other) => {
            return Err(format!(
                "`unit` is text such as \"g/dL\", not {}",
                kind(other)
            ));
        }
    };
    // `null` is how JSON says "no value", here as for a whole field: the
    // field is missing, once the rest of the object has been read as
    // carefully as with a value, so that a slip in it is still reported.
    let (value, unit_text) = match map.get("value") {
        None => return Err("a quantity object needs a `value`".to_owned()),
        Some(Value::Null) => (None, ""),
        Some(Value::Number(n)) => (Some(to_f64(n)?), ""),
        Some(Value::String(text)) => split_quantity(text)
            .map(|(value, unit)| (Some(value), unit))
            .map_err(|r| format!("`value`: {r}"))?,
        Some(other) => {
            return Err(format!(
                "`value` is a number, or text such as \"8.5 g/dL\", not {}",
                kind(other)
            ));
        }
    };
    let conversion = match (unit_text, unit_key) {
        ("", None) => Conversion::IDENTITY,
        ("", Some((_, conversion))) => conversion,
        (text, None) => q.conversion_from(text)?,
        // Two units for one value: a slip unless they are the same unit.
        (text, Some((key, conversion))) => {
            if q.conversion_from(text)? != conversion {
                return Err(format!(
                    "`value` is in `{}` but `unit` says `{}`; give the unit once",
                    show(text),
                    show(key)
                ));
            }
            conversion
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
    let (low, high) = (number_at("low")?, number_at("high")?);
    let Some(value) = value else {
        return Ok(FieldValue::Missing);
    };
    let shown = match map.get("value") {
        Some(Value::String(text)) => text.clone(),
        _ => format!("{value}"),
    };
    let value = q
        .convert(value, conversion, &shown)
        .map_err(|reason| format!("`value`: {reason}"))?;
    q.quantity(value, low, high)
}

/// A number for an `integer` field. `serde_json` holds a whole number
/// that fits 64 bits exactly: one past ±2^53 is refused here, where the
/// `f64` it becomes could be its neighbour's (2^53 + 1 is 2^53).
fn whole_number(n: &serde_json::Number) -> Result<f64, Reason> {
    let magnitude = n.as_i64().map(i64::unsigned_abs).or_else(|| n.as_u64());
    match magnitude {
        Some(magnitude) if magnitude > EXACT_WHOLE => Err(too_large_to_be_exact(&n.to_string())),
        _ => to_f64(n),
    }
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
        FieldType::OneOf(declared) => format!("one of {} as text", member_list(declared)),
        FieldType::Ordered(declared) => format!("one of {}", member_list(declared)),
        FieldType::SetOf(declared) => {
            format!("an array of members of {}", member_list(declared))
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
