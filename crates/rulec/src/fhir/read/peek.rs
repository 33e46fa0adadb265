//! Reading just enough of a resource to place it: its type, id and
//! patient references, borrowed from the line where possible.
//!
//! The visitors are written by hand, not derived, so that a field of an
//! unexpected JSON type or given twice does not fail the whole line: a
//! derived struct rejects duplicate keys and a `subject` that is a string,
//! which a `serde_json::Value` (the second pass) accepts.

use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The first `limit` bytes of a file.
pub(super) fn head(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    std::fs::File::open(path)?
        .take(u64::try_from(limit).unwrap_or(u64::MAX))
        .read_to_end(&mut head)?;
    Ok(head)
}

/// `bytes` without a leading UTF-8 byte order mark.
pub(super) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// What the first pass needs of a resource.
#[derive(Debug, Default)]
pub(super) struct Line<'a> {
    pub resource_type: Option<Cow<'a, str>>,
    pub id: Option<Cow<'a, str>>,
    /// `subject.reference`, else `patient.reference`.
    pub reference: Option<Cow<'a, str>>,
    /// Whether it has a `subject` or `patient` at all.
    pub has_subject: bool,
}

/// Reads a line's type, id and patient reference, checking the rest is
/// well-formed JSON without building it.
pub(super) fn line(bytes: &[u8]) -> Result<Line<'_>, String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let line = de.deserialize_any(LineVisitor).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(line)
}

struct LineVisitor;

impl<'de> Visitor<'de> for LineVisitor {
    type Value = Line<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object (a FHIR resource)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Line<'de>, A::Error> {
        let mut line = Line::default();
        let mut subject = None;
        let mut patient = None;
        while let Some(MaybeStr(key)) = map.next_key()? {
            match key.as_deref() {
                Some("resourceType") => line.resource_type = map.next_value::<MaybeStr>()?.0,
                Some("id") => line.id = map.next_value::<MaybeStr>()?.0,
                Some("subject") => subject = Some(map.next_value::<Reference>()?.0),
                Some("patient") => patient = Some(map.next_value::<Reference>()?.0),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        line.has_subject = subject.is_some() || patient.is_some();
        line.reference = subject.flatten().or(patient.flatten());
        Ok(line)
    }
}

/// A string, or `None` for any other JSON value (which is skipped).
struct MaybeStr<'a>(Option<Cow<'a, str>>);

impl<'de> Deserialize<'de> for MaybeStr<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MaybeStrVisitor)
    }
}

struct MaybeStrVisitor;

impl<'de> Visitor<'de> for MaybeStrVisitor {
    type Value = MaybeStr<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(MaybeStr(Some(Cow::Borrowed(v))))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(MaybeStr(Some(Cow::Owned(v.to_owned()))))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(MaybeStr(Some(Cow::Owned(v))))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(MaybeStr(None))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(MaybeStr(None))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(MaybeStr(None))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(MaybeStr(None))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(MaybeStr(None))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(MaybeStr(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(MaybeStr(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(MaybeStr(None))
    }
}

/// A Reference's `reference` string; anything else is skipped.
struct Reference<'a>(Option<Cow<'a, str>>);

impl<'de> Deserialize<'de> for Reference<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ReferenceVisitor)
    }
}

struct ReferenceVisitor;

impl<'de> Visitor<'de> for ReferenceVisitor {
    type Value = Reference<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a FHIR Reference")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut reference = None;
        while let Some(MaybeStr(key)) = map.next_key()? {
            if key.as_deref() == Some("reference") {
                reference = map.next_value::<MaybeStr>()?.0;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Reference(reference))
    }
    // Not an object: no reference, as with a Reference holding only an
    // identifier.
    fn visit_borrowed_str<E: de::Error>(self, _: &'de str) -> Result<Self::Value, E> {
        Ok(Reference(None))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Reference(None))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Reference(None))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Reference(None))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Reference(None))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Reference(None))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Reference(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Reference(None))
    }
}

/// The top-level `resourceType` of a JSON object, read from a prefix of
/// it: found when it comes before the prefix ends.
pub(super) fn top_level_type(prefix: &[u8]) -> Option<String> {
    let mut found = None;
    let mut de = serde_json::Deserializer::from_slice(prefix);
    // The visitor stops at the key by failing; a prefix cut inside a later
    // value fails the same way. Either way `found` says what was seen.
    let _ = de.deserialize_map(TypeVisitor(&mut found));
    found
}

/// [`top_level_type`] for a whole file, read as a stream: for an object
/// whose `resourceType` comes after other keys longer than a peek (a
/// Bundle written with its keys sorted has `entry` first). Values before
/// the key are skipped, not held.
pub(super) fn top_level_type_in(path: &Path) -> Option<String> {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::new(std::fs::File::open(path).ok()?);
    if reader.fill_buf().ok()?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    let mut found = None;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let _ = de.deserialize_map(TypeVisitor(&mut found));
    found
}

struct TypeVisitor<'o>(&'o mut Option<String>);

impl<'de> Visitor<'de> for TypeVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(MaybeStr(key)) = map.next_key()? {
            if key.as_deref() == Some("resourceType") {
                *self.0 = map.next_value::<MaybeStr>()?.0.map(Cow::into_owned);
                return Err(de::Error::custom("found"));
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}
