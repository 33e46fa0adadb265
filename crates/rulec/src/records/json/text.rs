//! JSON text read in one pass: each field's value by slot, without the map
//! of owned keys that a [`Value`] would build.
//!
//! What it reads is what [`from_json`](super::from_json) would find in that
//! map, with three things only the text shows: a key given twice, which is
//! refused rather than read last-wins; a number id, kept as written; and
//! nesting under a key that is not a field, held to the same limit as in a
//! field.

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::super::{Problems, ReadRecord, Reason, finish, show, show_at_most, unknown_field};
use super::{Found, NAME_LIMIT, read_fields, read_id};
use crate::schema::{Record, Schema};

/// The record's JSON text, read.
pub(super) enum Top {
    /// An object.
    Object(Keys),
    /// Anything else, for [`from_json`](super::from_json) to report.
    Other(Value),
}

/// A record's keys, read: the id, each field's value by slot (`Err` when
/// it cannot be used, a key given twice), and the keys that are not
/// fields.
pub(super) struct Keys {
    id: Option<Result<Id, Reason>>,
    values: Vec<Option<Result<Value, Reason>>>,
    unknown: Vec<String>,
}

/// The `id` key's value.
enum Id {
    /// A number, as written in the text: `12345678901234567890123` and
    /// `1e2` are not the same through an `f64`.
    Number(String),
    /// Anything else, for [`read_id`] to judge.
    Other(Value),
}

/// Reads one record from `text`; `Err` when the text is not valid JSON.
pub(super) fn top(schema: &Schema, text: &str) -> Result<Top, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let top = TopSeed(schema).deserialize(&mut de)?;
    de.end()?;
    Ok(top)
}

impl Keys {
    pub(super) fn read(mut self, schema: &Schema, position: usize) -> ReadRecord {
        let mut record = Record::new(schema);
        let mut problems = Problems::new();
        let id = match self.id.take() {
            None => None,
            Some(Ok(Id::Number(text))) => Some(text),
            Some(Ok(Id::Other(value))) => read_id(&value, &mut problems),
            Some(Err(reason)) => {
                problems.push(("id".to_owned(), reason));
                None
            }
        };
        read_fields(
            schema,
            |i, _| match self.values.get(i)?.as_ref()? {
                Ok(value) => Some(Found::Value(value)),
                Err(reason) => Some(Found::Refused(reason.clone())),
            },
            "",
            &mut record,
            &mut problems,
        );
        self.unknown.sort_unstable();
        self.unknown.dedup();
        for key in &self.unknown {
            problems.push((show_at_most(key, NAME_LIMIT), unknown_field(key, schema)));
        }
        finish(id, position, record, problems)
    }
}

/// The reason a key given twice in a record is not read: neither value
/// can be told to be the right one.
fn twice(key: &str) -> Reason {
    format!("`{}` is given twice", show(key))
}

/// The nesting at which `serde_json` stops reading (the record's own
/// object counts as 1): deeper values make the whole record a data error.
const NESTING_LIMIT: usize = 128;

/// How deep arrays and objects nest in the JSON text `text`.
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0, false, false);
    for byte in text.bytes() {
        match (in_string, escaped, byte) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') | (false, _, b'"') => in_string = !in_string,
            (false, _, b'[' | b'{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (false, _, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Reads the top-level value: an object field by field, anything else
/// whole.
struct TopSeed<'s>(&'s Schema);

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    type Value = Top;

    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<Top, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_> {
    type Value = Top;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let layout = self.0.layout();
        let mut keys = Keys {
            id: None,
            values: vec![None; self.0.fields.len()],
            unknown: Vec::new(),
        };
        // Keys mostly come in declaration order: the field after the last
        // one found is tried before the name index.
        let mut next = 0;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let key = key.as_str();
            let slot = match self.0.fields.get(next) {
                Some(field) if field.name == key => Some(next),
                _ => layout.slot_of(key).map(|s| s.0 as usize),
            };
            if let Some(slot) = slot {
                next = slot + 1;
            }
            let cell = slot.and_then(|s| keys.values.get_mut(s));
            if key == "id" {
                let id = read_raw_id::<A>(map.next_value()?)?;
                if let Some(cell) = cell {
                    *cell = Some(match cell {
                        None => Ok(id.value()),
                        Some(_) => Err(twice(key)),
                    });
                }
                keys.id = Some(match keys.id {
                    None => Ok(id),
                    Some(_) => Err(twice(key)),
                });
            } else if let Some(cell) = cell {
                let mut repeated = None;
                let value = map.next_value_seed(ValueSeed {
                    repeated: &mut repeated,
                })?;
                *cell = Some(match (&cell, repeated) {
                    (Some(_), _) => Err(twice(key)),
                    (None, None) => Ok(value),
                    (None, Some(inner)) => Err(format!(
                        "`{}` is given twice in one object of its value",
                        show(&inner)
                    )),
                });
            } else {
                keys.unknown.push(key.to_owned());
                map.next_value_seed(Skip)?;
            }
        }
        Ok(Top::Object(keys))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Top, A::Error> {
        let value =
            serde::Deserialize::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
        Ok(Top::Other(value))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Top, E> {
        Ok(Top::Other(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Top, E> {
        Ok(Top::Other(Value::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Top, E> {
        Ok(Top::Other(Value::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Top, E> {
        Ok(Top::Other(Value::from(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Top, E> {
        Ok(Top::Other(Value::from(v)))
    }

    fn visit_unit<E>(self) -> Result<Top, E> {
        Ok(Top::Other(Value::Null))
    }
}

impl Id {
    /// The id as the value of a field named `id`.
    fn value(&self) -> Value {
        match self {
            // Valid JSON already: the number it reads as.
            Id::Number(text) => serde_json::from_str(text).unwrap_or(Value::Null),
            Id::Other(value) => value.clone(),
        }
    }
}

/// The id from its text. A number is kept as written; the text is held to
/// the record's nesting limit, which reading it raw does not apply.
fn read_raw_id<'de, A: MapAccess<'de>>(raw: &'de RawValue) -> Result<Id, A::Error> {
    let text = raw.get();
    // The common case, text without escapes, needs no second parse.
    let plain = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|t| !t.contains('\\'));
    if let Some(plain) = plain {
        return Ok(Id::Other(Value::String(plain.to_owned())));
    }
    if text.starts_with(['[', '{']) && 1 + nesting(text) >= NESTING_LIMIT {
        return Err(A::Error::custom("recursion limit exceeded"));
    }
    let value: Value = serde_json::from_str(text).map_err(A::Error::custom)?;
    Ok(if value.is_number() {
        Id::Number(text.to_owned())
    } else {
        Id::Other(value)
    })
}

/// An object key, borrowed from the text when it has no escapes.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
        }
        de.deserialize_str(KeyVisitor)
    }
}

/// Reads a field's value as `Value` reads it, except that a key given
/// twice in one of its objects is noted (the first such key) instead of
/// read last-wins.
struct ValueSeed<'r> {
    repeated: &'r mut Option<String>,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element_seed(ValueSeed {
            repeated: &mut *self.repeated,
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(ValueSeed {
                repeated: &mut *self.repeated,
            })?;
            match object.entry(key) {
                Entry::Vacant(entry) => {
                    entry.insert(value);
                }
                Entry::Occupied(entry) => {
                    if self.repeated.is_none() {
                        *self.repeated = Some(entry.key().clone());
                    }
                }
            }
        }
        Ok(Value::Object(object))
    }
}

/// Skips a value, nesting counted as when it is read: `IgnoredAny` skips
/// without a limit, which would let a key that is not a field nest deeper
/// than one that is.
struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value_seed(Skip)?;
        }
        Ok(())
    }
}
