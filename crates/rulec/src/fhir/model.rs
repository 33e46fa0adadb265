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
#[serde(from = "ComponentWire")]
pub(crate) struct Component {
    pub code: Option<Concept>,
    pub value: Values,
    pub reference_range: Vec<ReferenceRange>,
}

/// A component as written: its `value[x]` elements beside its others
/// (`#[serde(flatten)]` would buffer every element of every resource).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ComponentWire {
    code: Option<Concept>,
    value_quantity: Option<Quantity>,
    value_codeable_concept: Option<Concept>,
    value_boolean: Option<bool>,
    value_integer: Option<i64>,
    value_date_time: Option<String>,
    value_string: Option<String>,
    data_absent_reason: Option<Concept>,
    #[serde(default)]
    reference_range: Vec<ReferenceRange>,
}

impl From<ComponentWire> for Component {
    fn from(w: ComponentWire) -> Self {
        Component {
            code: w.code,
            value: Values {
                value_quantity: w.value_quantity,
                value_codeable_concept: w.value_codeable_concept,
                value_boolean: w.value_boolean,
                value_integer: w.value_integer,
                value_date_time: w.value_date_time,
                value_string: w.value_string,
                data_absent_reason: w.data_absent_reason,
            },
            reference_range: w.reference_range,
        }
    }
}

/// The `value[x]` choices rulec reads.
#[derive(Clone, Debug, Default)]
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
#[serde(from = "ResourceWire")]
pub(crate) struct Resource {
    pub status: Option<String>,
    pub code: Option<Concept>,
    // Observation
    pub effective_date_time: Option<String>,
    pub effective_instant: Option<String>,
    pub effective_period: Option<Period>,
    pub issued: Option<String>,
    pub value: Values,
    pub reference_range: Vec<ReferenceRange>,
    pub component: Vec<Component>,
    // Condition
    pub clinical_status: Option<Concept>,
    pub verification_status: Option<Concept>,
    pub onset_date_time: Option<String>,
    pub onset_period: Option<Period>,
    pub recorded_date: Option<String>,
    pub abatement_date_time: Option<String>,
    pub abatement_period: Option<Period>,
    // Medication*
    pub medication_codeable_concept: Option<Concept>,
    pub medication_reference: Option<Reference>,
    pub date_asserted: Option<String>,
    pub authored_on: Option<String>,
    /// A CodeableConcept (MedicationRequest, Procedure) or a list of them
    /// (MedicationStatement, MedicationAdministration).
    pub status_reason: Option<Value>,
    pub contained: Vec<Value>,
    // Procedure
    pub performed_date_time: Option<String>,
    pub performed_period: Option<Period>,
    /// Present: the resource's meaning may differ from its elements', so
    /// it is not read.
    pub modifier_extension: Option<Value>,
}

/// A resource as written (see [`ComponentWire`]).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceWire {
    status: Option<String>,
    code: Option<Concept>,
    // Observation
    effective_date_time: Option<String>,
    effective_instant: Option<String>,
    effective_period: Option<Period>,
    issued: Option<String>,
    value_quantity: Option<Quantity>,
    value_codeable_concept: Option<Concept>,
    value_boolean: Option<bool>,
    value_integer: Option<i64>,
    value_date_time: Option<String>,
    value_string: Option<String>,
    data_absent_reason: Option<Concept>,
    #[serde(default)]
    reference_range: Vec<ReferenceRange>,
    #[serde(default)]
    component: Vec<Component>,
    // Condition
    clinical_status: Option<Concept>,
    verification_status: Option<Concept>,
    onset_date_time: Option<String>,
    onset_period: Option<Period>,
    recorded_date: Option<String>,
    abatement_date_time: Option<String>,
    abatement_period: Option<Period>,
    // Medication*
    medication_codeable_concept: Option<Concept>,
    medication_reference: Option<Reference>,
    date_asserted: Option<String>,
    authored_on: Option<String>,
    /// A CodeableConcept (MedicationRequest, Procedure) or a list of them
    /// (MedicationStatement, MedicationAdministration).
    status_reason: Option<Value>,
    #[serde(default)]
    contained: Vec<Value>,
    // Procedure
    performed_date_time: Option<String>,
    performed_period: Option<Period>,
    /// Present: the resource's meaning may differ from its elements', so
    /// it is not read.
    modifier_extension: Option<Value>,
}

impl From<ResourceWire> for Resource {
    fn from(w: ResourceWire) -> Self {
        Resource {
            status: w.status,
            code: w.code,
            effective_date_time: w.effective_date_time,
            effective_instant: w.effective_instant,
            effective_period: w.effective_period,
            issued: w.issued,
            reference_range: w.reference_range,
            component: w.component,
            clinical_status: w.clinical_status,
            verification_status: w.verification_status,
            onset_date_time: w.onset_date_time,
            onset_period: w.onset_period,
            recorded_date: w.recorded_date,
            abatement_date_time: w.abatement_date_time,
            abatement_period: w.abatement_period,
            medication_codeable_concept: w.medication_codeable_concept,
            medication_reference: w.medication_reference,
            date_asserted: w.date_asserted,
            authored_on: w.authored_on,
            status_reason: w.status_reason,
            contained: w.contained,
            performed_date_time: w.performed_date_time,
            performed_period: w.performed_period,
            modifier_extension: w.modifier_extension,
            value: Values {
                value_quantity: w.value_quantity,
                value_codeable_concept: w.value_codeable_concept,
                value_boolean: w.value_boolean,
                value_integer: w.value_integer,
                value_date_time: w.value_date_time,
                value_string: w.value_string,
                data_absent_reason: w.data_absent_reason,
            },
        }
    }
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
