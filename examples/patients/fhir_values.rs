//! How a line's values become the values of FHIR Observations, for
//! `fhir.rs`: as the JSON Lines reader reads a value, so the binding reads
//! the FHIR written for it; a value the reader refuses becomes one the
//! binding refuses too, where FHIR has one.

use serde_json::{Map, Number, Value, json};

use super::{SNOMED, UCUM, coded, merged};

/// What an Observation-bound field holds, and so how its value is written.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A quantity in the declared unit's UCUM code; with a normal range
    /// (`true`) the line's limits become `referenceRange`.
    Quantity(&'static str, bool),
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Bool,
    /// `pregnant`: a SNOMED answer, as the binding maps it.
    Pregnancy,
}

/// The value keys of a field's Observation; `None` writes no Observation
/// (a quantity object whose `value` is `null` is missing).
pub fn observation_value(field: &str, raw: &Value, kind: Kind) -> Result<Option<Value>, String> {
    Ok(Some(match (kind, raw) {
        (Kind::Quantity(unit, range), _) => return quantity_value(field, raw, unit, range),
        (Kind::Integer, Value::Number(n)) => match whole(n) {
            Some(whole) => json!({"valueInteger": whole}),
            // Not whole: a score quantity, which an integer field refuses.
            None => json!({"valueQuantity":
                {"value": n, "unit": "{score}", "system": UCUM, "code": "{score}"}}),
        },
        (Kind::Bool, Value::Bool(b)) => json!({"valueBoolean": b}),
        (Kind::Pregnancy, Value::Bool(b)) => {
            let code = if *b { "77386006" } else { "60001007" };
            json!({"valueCodeableConcept": coded(SNOMED, code)})
        }
        // The wrong JSON type: the wrong FHIR value type.
        (_, Value::String(text)) => json!({"valueString": text}),
        (_, Value::Bool(b)) => json!({"valueBoolean": b}),
        (_, Value::Number(n)) => json!({"valueInteger": n}),
        (_, _) => return Err(format!("`{field}` is an array or an object")),
    }))
}

/// `n` as a whole number, if it is one (`70.0` is 70, as the JSON Lines
/// reader takes it).
fn whole(n: &Number) -> Option<i64> {
    n.as_i64().or_else(|| {
        let v = n.as_f64()?;
        let whole = format!("{v}").parse::<i64>().ok()?;
        (v.fract() == 0.0).then_some(whole)
    })
}

/// A quantity field's value keys: `valueQuantity`, with `referenceRange`
/// for a field with a normal range.
fn quantity_value(
    field: &str,
    raw: &Value,
    declared: &str,
    range: bool,
) -> Result<Option<Value>, String> {
    let (number, unit, map) = match raw {
        Value::Number(n) => (n.clone(), declared.to_owned(), None),
        Value::String(text) => match split_quantity(text) {
            Some((n, unit)) => (n, unit_or(unit, declared), None),
            None => return Ok(Some(json!({"valueString": text}))),
        },
        Value::Bool(b) => return Ok(Some(json!({"valueBoolean": b}))),
        Value::Object(map) => match quantity_object(field, map, range, declared)? {
            Some((n, unit)) => (n, unit, Some(map)),
            None => return Ok(None),
        },
        _ => return Err(format!("`{field}` is an array")),
    };
    let value = json!({"valueQuantity": ucum_quantity(&number, &unit)});
    if !range {
        return Ok(Some(value));
    }
    let mut limits = Map::new();
    for key in ["low", "high"] {
        match map.and_then(|m| m.get(key)) {
            None | Some(Value::Null) => {}
            Some(Value::Number(n)) => {
                limits.insert(key.to_owned(), ucum_quantity(n, &unit));
            }
            Some(_) => return Err(format!("`{field}`: `{key}` is not a number")),
        }
    }
    // Without limits the binding would take its fallback range, which the
    // JSON Lines record does not have: its ULN is unknown there.
    if limits.is_empty() {
        return Err(format!(
            "`{field}` has no normal range, so the binding would use its fallback range"
        ));
    }
    Ok(Some(merged(value, json!({"referenceRange": [limits]}))))
}

/// `{"value", "unit", "low", "high"}`: the value and its unit, `None` when
/// the value is `null`.
fn quantity_object(
    field: &str,
    map: &Map<String, Value>,
    range: bool,
    declared: &str,
) -> Result<Option<(Number, String)>, String> {
    for key in map.keys() {
        match key.as_str() {
            "value" | "unit" => {}
            "low" | "high" if range => {}
            // The reader refuses a range on a field without one; FHIR's
            // referenceRange there is ignored, not refused.
            "low" | "high" => {
                return Err(format!(
                    "`{field}` takes no range: the reader refuses one, the binding ignores it"
                ));
            }
            other => {
                return Err(format!(
                    "`{field}` has a key `{other}` FHIR has no place for"
                ));
            }
        }
    }
    let unit_key = match map.get("unit") {
        None | Some(Value::Null) => None,
        Some(Value::String(unit)) => Some(unit.as_str()),
        Some(_) => return Err(format!("`{field}`: `unit` is not text")),
    };
    match map.get("value") {
        None => Err(format!("`{field}` is an object without `value`")),
        Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(Some((n.clone(), unit_or(unit_key.unwrap_or(""), declared)))),
        Some(Value::String(text)) => match (split_quantity(text), unit_key) {
            (Some((n, "")), key) => Ok(Some((n, unit_or(key.unwrap_or(""), declared)))),
            (Some((n, unit)), None) => Ok(Some((n, unit.to_owned()))),
            _ => Err(format!(
                "`{field}`: `value` is text FHIR has no quantity for"
            )),
        },
        Some(_) => Err(format!("`{field}`: `value` is neither a number nor text")),
    }
}

fn unit_or(unit: &str, declared: &str) -> String {
    if unit.is_empty() { declared } else { unit }.to_owned()
}

/// A UCUM quantity. The code is the UCUM form of the unit as the JSON Lines
/// reader reads it (`µmol/L` is `umol/L`, `days` is `d`); a unit it cannot
/// read is written as it is, a code the binding cannot read either.
fn ucum_quantity(value: &Number, unit: &str) -> Value {
    let code = rulec::units::Unit::parse(unit)
        .ok()
        .map(|u| u.ucum().to_owned())
        .filter(|code| rulec::units::Unit::parse_ucum(code).is_ok())
        .unwrap_or_else(|| unit.to_owned());
    json!({"value": value, "unit": unit, "system": UCUM, "code": code})
}

/// Splits `8.5 g/dL` into its number, as written, and its unit (empty when
/// none follows), as the JSON Lines reader does; `None` for text that does
/// not start with a number, or writes a decimal comma.
fn split_quantity(text: &str) -> Option<(Number, &str)> {
    let text = text.trim();
    if !text.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c)) {
        return None;
    }
    // The longest prefix that is a number; `f64` reads no more than the
    // reader's digits, point and exponent once the first character is one.
    let end = (1..=text.len()).rev().find(|end| {
        text.get(..*end)
            .is_some_and(|n| n.parse::<f64>().is_ok() && n.bytes().any(|b| b.is_ascii_digit()))
    })?;
    let (number, rest) = (text.get(..end)?, text.get(end..)?.trim_start());
    if rest.starts_with(',') {
        return None;
    }
    // As written when JSON can say it so (`8.0` stays `8.0`).
    let number = serde_json::from_str::<Number>(number.trim_start_matches('+'))
        .ok()
        .or_else(|| Number::from_f64(number.parse().ok()?))?;
    Some((number, rest))
}
