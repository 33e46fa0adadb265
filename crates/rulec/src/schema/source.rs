//! Provenance: where a field's value was taken from, for records read
//! from FHIR. Explanations name it beside the value, and the JSON verdict
//! carries it as `sources` (docs/verdicts.md).

use serde::Serialize;

use super::Slot;

/// Where a field's value came from, or why there is none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The field, as data errors name it (`hemoglobin`, `therapies[1]`).
    pub field: String,
    /// The top-level field's slot.
    #[serde(skip)]
    pub slot: Slot,
    /// The list element, for a value inside a list.
    #[serde(skip)]
    pub element: Option<usize>,
    /// The resource read: `Observation/9f3…`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Its date as the data gives it (`effective[x]`, `onset[x]` …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The code it was chosen by: `LOINC 718-7`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The value as the data writes it, when it differs from the field's
    /// (`7.2 g/dL`), or a coded value's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// Anything else a reader must know: `normal range from the binding`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// For a field left missing: what was looked for and not found
    /// (`no Observation with LOINC 718-7 within 14 days before 2026-06-15`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub absent: Option<String>,
}

impl Source {
    /// The source in words, as explanations show it in parentheses:
    /// `Observation/9f3, 2026-06-01, LOINC 718-7, converted from 7.2 g/dL`;
    /// for a missing value, what was not found.
    #[must_use]
    pub fn describe(&self) -> String {
        if let Some(absent) = &self.absent {
            return absent.clone();
        }
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.resource.iter().cloned());
        parts.extend(self.date.iter().cloned());
        parts.extend(self.code.iter().cloned());
        if let Some(original) = &self.original {
            parts.push(format!("as written {original}"));
        }
        parts.extend(self.note.iter().cloned());
        parts.join(", ")
    }
}
