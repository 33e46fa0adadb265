//! Checking a `fhir { … }` block against the fields: every binding names a
//! declared field, takes from a source that can give the field's type,
//! and names codes by a known system. The checked form is what
//! `crate::fhir` reads patient data with.

mod checker;

use crate::schema::Slot;

use super::program::Duration;

pub(super) use checker::check_all;

/// The short names of code systems a rule file may write before a code.
pub const SYSTEMS: &[(&str, &str)] = &[
    ("loinc", "http://loinc.org"),
    ("snomed", "http://snomed.info/sct"),
    ("icd10cm", "http://hl7.org/fhir/sid/icd-10-cm"),
    ("icd10", "http://hl7.org/fhir/sid/icd-10"),
    ("rxnorm", "http://www.nlm.nih.gov/research/umls/rxnorm"),
    ("atc", "http://www.whocc.no/atc"),
    ("ucum", "http://unitsofmeasure.org"),
];

/// The resource types a binding may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resource {
    /// `Observation`
    Observation,
    /// `Condition`
    Condition,
    /// `MedicationRequest`
    MedicationRequest,
    /// `MedicationStatement`
    MedicationStatement,
    /// `MedicationAdministration`
    MedicationAdministration,
    /// `Procedure`
    Procedure,
}

impl Resource {
    const ALL: [Resource; 6] = [
        Resource::Observation,
        Resource::Condition,
        Resource::MedicationRequest,
        Resource::MedicationStatement,
        Resource::MedicationAdministration,
        Resource::Procedure,
    ];

    /// The FHIR name (`Observation`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Observation => "Observation",
            Resource::Condition => "Condition",
            Resource::MedicationRequest => "MedicationRequest",
            Resource::MedicationStatement => "MedicationStatement",
            Resource::MedicationAdministration => "MedicationAdministration",
            Resource::Procedure => "Procedure",
        }
    }

    /// The type a FHIR `resourceType` names, if a binding can read it.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Resource> {
        Resource::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// The statuses accepted when a binding names none: results that
    /// stand (an Observation `final`, `amended`, `corrected`), medications
    /// given or taken, procedures done. A Condition's status is its
    /// clinical status (`active`, `recurrence`, `relapse`).
    #[must_use]
    pub fn default_statuses(self) -> &'static [&'static str] {
        match self {
            Resource::Observation => &["final", "amended", "corrected"],
            Resource::Condition => &["active", "recurrence", "relapse"],
            Resource::MedicationRequest => &["active", "completed", "stopped", "on-hold"],
            Resource::MedicationStatement => &["active", "completed", "stopped", "on-hold"],
            Resource::MedicationAdministration => {
                &["in-progress", "completed", "stopped", "on-hold"]
            }
            Resource::Procedure => &["completed", "in-progress", "stopped"],
        }
    }
}

/// One code: a system and a code, or a prefix of codes (`C90*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    /// The system's URI.
    pub system: String,
    /// The code, without the `*` of a prefix.
    pub code: String,
    /// Whether `code` is a prefix.
    pub prefix: bool,
}

impl Code {
    /// Whether a coding with this system and code is this code.
    #[must_use]
    pub fn matches(&self, system: &str, code: &str) -> bool {
        system == self.system
            && if self.prefix {
                code.starts_with(&self.code)
            } else {
                code == self.code
            }
    }

    /// How explanations name a coding the data carries: `LOINC 718-7`.
    #[must_use]
    pub fn coding(system: &str, code: &str) -> String {
        Code {
            system: system.to_owned(),
            code: code.to_owned(),
            prefix: false,
        }
        .describe()
    }

    /// How explanations name it: `LOINC 718-7`, `ICD-10-CM C90*`.
    #[must_use]
    pub fn describe(&self) -> String {
        let system = match self.system.as_str() {
            "http://loinc.org" => "LOINC",
            "http://snomed.info/sct" => "SNOMED CT",
            "http://hl7.org/fhir/sid/icd-10-cm" => "ICD-10-CM",
            "http://hl7.org/fhir/sid/icd-10" => "ICD-10",
            "http://www.nlm.nih.gov/research/umls/rxnorm" => "RxNorm",
            "http://www.whocc.no/atc" => "ATC",
            other => {
                let star = if self.prefix { "*" } else { "" };
                return format!("{other}|{}{star}", self.code);
            }
        };
        let star = if self.prefix { "*" } else { "" };
        format!("{system} {}{star}", self.code)
    }
}

/// A set of codes; `any` matches every code.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CodeSet {
    /// The codes.
    pub codes: Vec<Code>,
    /// `any`: every code matches.
    pub any: bool,
}

impl CodeSet {
    /// Whether a coding with this system and code is in the set.
    #[must_use]
    pub fn matches(&self, system: &str, code: &str) -> bool {
        self.any || self.codes.iter().any(|c| c.matches(system, code))
    }

    /// How explanations name the set: `LOINC 718-7 or 2160-0`.
    #[must_use]
    pub fn describe(&self) -> String {
        if self.any {
            return "any code".to_owned();
        }
        let names: Vec<String> = self.codes.iter().map(Code::describe).collect();
        names.join(" or ")
    }
}

/// The checked bindings of a program.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Bindings {
    /// One per bound field, in the order written.
    pub fields: Vec<FieldBinding>,
}

/// A field and where its value is taken from.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldBinding {
    /// The field's slot in the program's schema.
    pub slot: Slot,
    /// The field's name.
    pub field: String,
    /// Where its value comes from.
    pub source: Bound,
}

/// What a bound field's value comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Bound {
    /// `Patient.birthDate`
    BirthDate,
    /// `Patient.gender`: the code is the member's name.
    Gender,
    /// `Patient.deceased`: `deceasedBoolean`, or true for a `deceasedDateTime`.
    Deceased,
    /// The value of the latest resource chosen (an Observation).
    Latest {
        /// Which resources.
        select: Selection,
        /// For a coded value: the member (or `1` true, `0` false) each
        /// code set gives.
        values: Vec<(u32, CodeSet)>,
        /// The normal range used when the data gives none, in the
        /// field's unit.
        fallback: Option<(f64, f64)>,
    },
    /// A set (or a bool, member 0): each member present when a resource
    /// chosen carries one of its codes.
    Members {
        /// Which resources (their codes are the members').
        select: Selection,
        /// Each member's codes.
        members: Vec<(u32, CodeSet)>,
    },
    /// A list: one element per resource chosen.
    Every {
        /// Which resources.
        select: Selection,
        /// What each element field is taken from.
        elements: Vec<(Slot, Element)>,
    },
}

/// What a list element's field is taken from.
#[derive(Clone, Debug, PartialEq)]
pub enum Element {
    /// `code { member: codes, … }`: the first member whose codes the
    /// resource's code matches.
    Code(Vec<(u32, CodeSet)>),
    /// `date`: the resource's date.
    Date,
    /// `value`: an Observation's quantity, in the element field's unit.
    Value,
    /// `reason { true: codes, false: codes }`: the resource's status reason.
    Reason(Vec<(u32, CodeSet)>),
    /// `end`: when it ended: a Condition's abatement, the end of a
    /// medication's or procedure's period.
    End,
    /// `status`: the resource's status code (a Condition's clinical
    /// status), as text or as the `one of` member named by it.
    Status,
}

/// Which resources a binding reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Selection {
    /// The types.
    pub resources: Vec<Resource>,
    /// The codes the resource's code must match.
    pub codes: CodeSet,
    /// For a panel, the component whose value is taken.
    pub component: Option<CodeSet>,
    /// How far before the index date a resource may be dated; `None`:
    /// any time up to the index date.
    pub within: Option<Duration>,
    /// The statuses accepted; empty for each type's default ones.
    pub statuses: Vec<String>,
}

impl Selection {
    /// Whether a resource of type `resource` with `status` is accepted.
    #[must_use]
    pub fn accepts(&self, resource: Resource, status: &str) -> bool {
        if self.statuses.is_empty() {
            resource.default_statuses().contains(&status)
        } else {
            self.statuses.iter().any(|s| s == status)
        }
    }
}
