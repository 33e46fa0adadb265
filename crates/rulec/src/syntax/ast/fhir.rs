//! The syntax tree of a `fhir { … }` block: where each field's value is
//! taken from in FHIR R4 data. Checked by `crate::check` against the
//! fields, read by `crate::fhir`.

use super::{Expr, Plausible};
use crate::syntax::span::{Name, Span, Spanned};

// Trees compare without their spans, as the rest of the tree does: the
// formatter checks its output parses back to the same tree.
eq_ignoring_span! {
    FhirBlock { entries }
    Binding { field, source, fallback, status }
    BindSelect { every, resources, what, component, window, map }
    BindWindow { within }
}

impl PartialEq for FhirEntry {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                FhirEntry::Codes { name, codes, .. },
                FhirEntry::Codes {
                    name: n, codes: c, ..
                },
            ) => name == n && codes == c,
            (
                FhirEntry::ValueSet { name, path, .. },
                FhirEntry::ValueSet {
                    name: n, path: p, ..
                },
            ) => name == n && path == p,
            (FhirEntry::Binding(a), FhirEntry::Binding(b)) => a == b,
            _ => false,
        }
    }
}
impl Eq for FhirEntry {}

impl PartialEq for CodeRef {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (CodeRef::Any(_), CodeRef::Any(_)) => true,
            (CodeRef::Codes(a), CodeRef::Codes(b)) => a == b,
            (CodeRef::Named(a), CodeRef::Named(b)) => a == b,
            _ => false,
        }
    }
}
impl Eq for CodeRef {}

/// `fhir { … }`
#[derive(Clone, Debug)]
pub struct FhirBlock {
    /// Code sets, value sets and bindings in source order.
    pub entries: Vec<FhirEntry>,
    /// The whole block.
    pub span: Span,
}

/// One entry of a `fhir` block.
#[derive(Clone, Debug)]
pub enum FhirEntry {
    /// `codes name: loinc "718-7", …`
    Codes {
        /// The set's name.
        name: Name,
        /// Its codes.
        codes: Vec<Code>,
        /// The whole entry.
        span: Span,
    },
    /// `valueset name: "file.json"`
    ValueSet {
        /// The set's name.
        name: Name,
        /// The FHIR ValueSet file, relative to the rule file.
        path: Spanned<String>,
        /// The whole entry.
        span: Span,
    },
    /// `field: source, options`
    Binding(Box<Binding>),
}

/// A code as written: `loinc "718-7"`, `"Z21"` (the system of the code
/// before it), `"http://loinc.org|718-7"`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Code {
    /// The system's short name, if written before the code.
    pub system: Option<Name>,
    /// The code (or `system|code`), a trailing `*` making it a prefix.
    pub code: Spanned<String>,
}

/// `field: source, options`
#[derive(Clone, Debug)]
pub struct Binding {
    /// The field bound.
    pub field: Name,
    /// Where its value comes from.
    pub source: BindSource,
    /// `normal range L..H`: the range used when the data gives none.
    pub fallback: Option<Spanned<Plausible>>,
    /// `status { … }`: the statuses accepted instead of the default ones.
    pub status: Option<Vec<Name>>,
    /// The whole binding.
    pub span: Span,
}

/// Where a bound field's value comes from.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum BindSource {
    /// `Patient.birthDate`: an element of the Patient resource.
    Patient(Name),
    /// Resources chosen by type, code, window.
    Select(BindSelect),
}

/// `every Observation loinc "718-7" component … within 14 days before index { … }`
#[derive(Clone, Debug)]
pub struct BindSelect {
    /// `every`: every resource chosen (a list field) rather than the latest.
    pub every: bool,
    /// The resource types, as written.
    pub resources: Vec<Name>,
    /// The codes the resource must carry.
    pub what: Option<CodeRef>,
    /// `component …`: the component of a panel whose value is taken.
    pub component: Option<CodeRef>,
    /// `within D before index` or `before index`.
    pub window: Option<BindWindow>,
    /// `{ member: codes, … }` or `{ element: word, … }`.
    pub map: Option<Vec<MapEntry>>,
    /// The whole source.
    pub span: Span,
}

/// Codes written in place, named, or `any`.
#[derive(Clone, Debug)]
pub enum CodeRef {
    /// `any`: every code.
    Any(Span),
    /// Codes written in place.
    Codes(Vec<Code>),
    /// A `codes` or `valueset` entry's name.
    Named(Name),
}

/// `within 14 days before index` (`within` is `None` for `before index`).
#[derive(Clone, Debug)]
pub struct BindWindow {
    /// How far before the index date, as written.
    pub within: Option<Expr>,
    /// The whole window.
    pub span: Span,
}

/// `key: value` in a map.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MapEntry {
    /// A member, or a list element's field.
    pub key: Name,
    /// What it maps to.
    pub value: MapValue,
}

/// The value of a map entry.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum MapValue {
    /// Codes, named or in place, or `any`.
    Codes(CodeRef),
    /// A word with an optional map of its own (`code { … }`): what a list
    /// element's field is taken from.
    Word {
        /// The word.
        word: Name,
        /// Its map.
        map: Option<Vec<MapEntry>>,
    },
}
