//! The FHIR R4 elements rulec reads, as tolerant serde structs: every
//! element optional, unknown elements ignored. One struct serves every
//! resource type a binding reads (their elements do not clash), so a
//! resource is deserialised once, whatever its type.

use serde::Deserialize;
use serde_json::Value;

/// `Coding`
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct Coding {
    pub system: Option<String>,
    pub code: Option<String>,
}

/// `CodeableConcept`
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct Concept {
    #[serde(default)]
    pub coding: Vec<Coding>,
}

impl Concept {
    /// The codings with both a system and a code.
    pub fn codes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.coding
            .iter()
            .filter_map(|c| Some((c.system.as_deref()?, c.code.as_deref()?)))
    }
}

/// `Reference`
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct Reference {
    pub reference: Option<String>,
}

/// `Quantity`; the value is kept as JSON gives it (a number, or anything
/// else, which is reported).
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct Quantity {
    pub value: Option<f64>,
    pub comparator: Option<String>,
    pub unit: Option<String>,
    pub system: Option<String>,
    pub code: Option<String>,
}

/// `Period`
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct Period {
    pub start: Option<String>,
    pub end: Option<String>,
}

/// `Observation.referenceRange`
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReferenceRange {
    pub low: Option<Quantity>,
    pub high: Option<Quantity>,
    #[serde(rename = "type")]
    pub kind: Option<Concept>,
    pub applies_to: Option<Value>,
    pub age: Option<Value>,
}

/// `Observation.component`
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Component {
    pub code: Option<Concept>,
    #[serde(flatten)]
    pub value: Values,
    #[serde(default)]
    pub reference_range: Vec<ReferenceRange>,
}

/// The `value[x]` choices rulec reads.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Values {
    pub value_quantity: Option<Quantity>,
    pub value_codeable_concept: Option<Concept>,
    pub value_boolean: Option<bool>,
    pub value_integer: Option<i64>,
    pub value_date_time: Option<String>,
    pub value_string: Option<String>,
    pub data_absent_reason: Option<Concept>,
}

impl Values {
    /// Which `value[x]` the element has, for messages.
    pub fn kind(&self) -> Option<&'static str> {
        if self.value_quantity.is_some() {
            Some("valueQuantity")
        } else if self.value_codeable_concept.is_some() {
            Some("valueCodeableConcept")
        } else if self.value_boolean.is_some() {
            Some("valueBoolean")
        } else if self.value_integer.is_some() {
            Some("valueInteger")
        } else if self.value_date_time.is_some() {
            Some("valueDateTime")
        } else if self.value_string.is_some() {
            Some("valueString")
        } else {
            None
        }
    }
}

/// The elements of Observation, Condition, MedicationRequest,
/// MedicationStatement, MedicationAdministration, Procedure and Medication
/// that bindings read.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Resource {
    pub status: Option<String>,
    pub code: Option<Concept>,
    // Observation
    pub effective_date_time: Option<String>,
    pub effective_instant: Option<String>,
    pub effective_period: Option<Period>,
    pub issued: Option<String>,
    #[serde(flatten)]
    pub value: Values,
    #[serde(default)]
    pub reference_range: Vec<ReferenceRange>,
    #[serde(default)]
    pub component: Vec<Component>,
    // Condition
    pub clinical_status: Option<Concept>,
    pub verification_status: Option<Concept>,
    pub onset_date_time: Option<String>,
    pub onset_period: Option<Period>,
    pub recorded_date: Option<String>,
    // Medication*
    pub medication_codeable_concept: Option<Concept>,
    pub medication_reference: Option<Reference>,
    pub date_asserted: Option<String>,
    pub authored_on: Option<String>,
    /// A CodeableConcept (MedicationRequest, Procedure) or a list of them
    /// (MedicationStatement, MedicationAdministration).
    pub status_reason: Option<Value>,
    #[serde(default)]
    pub contained: Vec<Value>,
    // Procedure
    pub performed_date_time: Option<String>,
    pub performed_period: Option<Period>,
    /// Present: the resource's meaning may differ from its elements', so
    /// it is not read.
    pub modifier_extension: Option<Value>,
}

impl Resource {
    /// The status reasons, whichever shape the type gives them.
    pub fn status_reasons(&self) -> Vec<Concept> {
        match &self.status_reason {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| Concept::deserialize(v).ok())
                .collect(),
            Some(v) => Concept::deserialize(v).ok().into_iter().collect(),
            None => Vec::new(),
        }
    }
}

/// The elements of Patient that bindings read.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Patient {
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub deceased_boolean: Option<bool>,
    pub deceased_date_time: Option<String>,
    pub modifier_extension: Option<Value>,
}
