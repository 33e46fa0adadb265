//! Reading FHIR R4 input into per-patient groups of raw resources.
//!
//! Two inputs are read: a Bundle ([`bundle`], in memory: a Bundle holds one
//! patient or a few) and Bulk Data NDJSON ([`Bulk`], two passes over the
//! files so that memory is an index plus one patient's resources). Both
//! give [`PatientResources`]: the Patient, every resource whose `subject` or
//! `patient` reference resolves to it, and the Medications its resources
//! name by `medicationReference`.
//!
//! Nothing here interprets a resource beyond its type, id and those
//! references: each is kept as a [`serde_json::Value`] for the typed
//! structs to read. What cannot be placed becomes a [`Problem`], never a
//! panic and never a lost patient.
//!
//! Resources of types that are not about one patient (Medication,
//! Organization, Practitioner, Location, ValueSet, …: see
//! [`is_shared_type`]) are not attached to a patient and are not reported
//! as unattached: Medications are copied into
//! [`PatientResources::contained_in`] of each patient whose resources name
//! them by `medicationReference`; the others are skipped.

mod bulk;
mod bundle;
mod lines;
mod peek;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

pub use bulk::{Bulk, MAX_LINE, Patients};
pub use bundle::{bundle, bundle_file, bundle_files};

/// Where a resource was read: a Bundle entry or an NDJSON line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file read.
    pub file: Arc<Path>,
    /// The entry or line in it.
    pub place: Place,
}

/// A place in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The n-th entry of a Bundle's `entry` array, from 1.
    Entry(usize),
    /// The n-th line of an NDJSON file, from 1.
    Line(usize),
}

/// One resource, parsed to a [`serde_json::Value`].
#[derive(Debug, Clone)]
pub struct Raw {
    /// Its `resourceType`.
    pub resource_type: String,
    /// Its `id`, when it has one.
    pub id: Option<String>,
    /// The Bundle entry's `fullUrl` (never set for NDJSON).
    pub full_url: Option<String>,
    /// The whole resource as JSON text: parsed into the elements a binding
    /// reads only where it is read (on the evaluating threads), never
    /// into a `serde_json::Value`, whose allocations would cost more than
    /// screening.
    pub json: Box<str>,
    /// Where it was read.
    pub origin: Origin,
    /// `subject.reference`, else `patient.reference`.
    pub subject: Option<String>,
    /// Whether it has a `subject` or `patient` element at all.
    pub has_subject: bool,
    /// `medicationReference.reference`.
    pub medication: Option<String>,
}

impl PartialEq for Raw {
    fn eq(&self, other: &Raw) -> bool {
        self.json == other.json && self.full_url == other.full_url && self.origin == other.origin
    }
}

/// The deepest nesting a resource may have: serde_json's own limit for a
/// `Value`, far deeper than any FHIR resource.
const MAX_NESTING: usize = 128;

/// How deeply the JSON text nests arrays and objects (strings skipped).
fn nesting(text: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0_usize, 0, false, false);
    for &b in text {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// The elements of a resource the read layer follows, read from its text.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Links<'a> {
    #[serde(borrow)]
    resource_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    subject: Option<Link<'a>>,
    #[serde(borrow)]
    patient: Option<Link<'a>>,
    #[serde(borrow)]
    medication_reference: Option<Link<'a>>,
}

#[derive(Deserialize)]
struct Link<'a> {
    #[serde(borrow)]
    reference: Option<Cow<'a, str>>,
}

impl Raw {
    /// A resource from its JSON text.
    ///
    /// # Errors
    ///
    /// Why the text is not a resource, in words.
    fn from_text(text: String, full_url: Option<String>, origin: Origin) -> Result<Raw, String> {
        if nesting(text.as_bytes()) > MAX_NESTING {
            return Err(format!(
                "nested deeper than {MAX_NESTING} levels, which no FHIR resource is"
            ));
        }
        // Reading the links parses the whole text: it is JSON once they are
        // read.
        let json = text.into_boxed_str();
        let links: Links<'_> =
            serde_json::from_str(&json).map_err(|e| format!("not a FHIR resource: {e}"))?;
        let resource_type = links.resource_type.ok_or("no resourceType")?.into_owned();
        let reference = |link: &Option<Link<'_>>| {
            link.as_ref()
                .and_then(|l| l.reference.as_deref())
                .map(str::to_owned)
        };
        let subject = reference(&links.subject).or_else(|| reference(&links.patient));
        let has_subject = links.subject.is_some() || links.patient.is_some();
        let medication = reference(&links.medication_reference);
        let id = links.id.map(Cow::into_owned);
        Ok(Raw {
            resource_type,
            id,
            full_url,
            json,
            origin,
            subject,
            has_subject,
            medication,
        })
    }
}

impl Raw {
    /// `Type/id`, or `Type` alone when it has no id.
    pub fn name(&self) -> String {
        match &self.id {
            Some(id) => format!("{}/{id}", self.resource_type),
            None => self.resource_type.clone(),
        }
    }

    /// Whether `reference` names this resource: its `fullUrl` exactly, or
    /// `Type/id` relative or as the tail of a URL (a `_history` version
    /// ignored), matched against its type and id or its `fullUrl`'s tail.
    pub fn is_named_by(&self, reference: &str) -> bool {
        let reference = reference.trim();
        if self.full_url.as_deref() == Some(reference) {
            return true;
        }
        let Some((ty, id)) = type_and_id(reference) else {
            return false;
        };
        (ty == self.resource_type && self.id.as_deref() == Some(id))
            || self
                .full_url
                .as_deref()
                .and_then(type_and_id)
                .is_some_and(|tail| tail == (ty, id))
    }
}

/// Everything read for one patient.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientResources {
    /// The order of the patient in the input, from 1.
    pub position: usize,
    /// The Patient resource; `None` when resources name a patient that
    /// the input does not define (a [`Problem`] says so).
    pub patient: Option<Raw>,
    /// The Patient's id (or the id the references give when there is no
    /// Patient resource).
    pub id: Option<String>,
    /// Every other resource whose `subject` or `patient` reference
    /// resolves to this patient, in input order.
    pub resources: Vec<Raw>,
    /// The Medications that [`resources`](Self::resources) name by
    /// `medicationReference`, each once, in order of first mention.
    pub contained_in: Vec<Raw>,
    /// What went wrong with this patient's resources.
    pub problems: Vec<Problem>,
}

impl PatientResources {
    /// The resource `reference` names among this patient's (the Patient,
    /// its resources, the Medications they name), by [`Raw::is_named_by`];
    /// `#id` references to contained resources are not resolved here.
    pub fn resolve(&self, reference: &str) -> Option<&Raw> {
        self.patient
            .iter()
            .chain(&self.resources)
            .chain(&self.contained_in)
            .find(|raw| raw.is_named_by(reference))
    }

    fn new(id: Option<String>) -> Self {
        PatientResources {
            position: 0,
            patient: None,
            id,
            resources: Vec::new(),
            contained_in: Vec::new(),
            problems: Vec::new(),
        }
    }
}

/// A resource that could not be read or placed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What it is about: `Observation/abc`, or `Bundle entry 7` or
    /// `Observation.ndjson line 12` when the resource has no id or could
    /// not be read.
    pub resource: String,
    /// Why it was not read or placed.
    pub reason: String,
    /// Where, when it comes from a resource or line.
    pub origin: Option<Origin>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.resource, self.reason)?;
        match &self.origin {
            Some(Origin { file, place }) if !self.resource.contains(" line ") => {
                let file = file
                    .file_name()
                    .unwrap_or(file.as_os_str())
                    .to_string_lossy();
                match place {
                    Place::Entry(n) => write!(f, " ({file}, entry {n})"),
                    Place::Line(n) => write!(f, " ({file} line {n})"),
                }
            }
            _ => Ok(()),
        }
    }
}

/// What kind of FHIR input a path holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One `.json` file holding a Bundle: read it with [`bundle_file`].
    Bundle,
    /// A folder of `.json` files each holding a Bundle: list them with
    /// [`bundle_files`].
    Bundles,
    /// Bulk Data NDJSON, a folder of `.ndjson` files or one such file:
    /// open it with [`Bulk::open`].
    Bulk,
}

/// The FHIR input `path` holds, or `None` when it is not FHIR (the caller
/// reads it as JSON Lines, JSON or CSV).
///
/// A folder holding any `*.ndjson` is [`Kind::Bulk`]; a folder of `*.json`
/// files each holding a Bundle is [`Kind::Bundles`]; a `.ndjson` file whose
/// first line has `"resourceType"` is [`Kind::Bulk`]; a `.json` file whose
/// top-level object has `"resourceType": "Bundle"` is [`Kind::Bundle`].
/// The first [`PEEK`] bytes of a file are read; an object whose
/// `resourceType` comes later is read on as a stream until it is found.
pub fn detect(path: &Path) -> Option<Kind> {
    if path.is_dir() {
        if !files_with(path, "ndjson").ok()?.is_empty() {
            return Some(Kind::Bulk);
        }
        let json = files_with(path, "json").ok()?;
        let all_bundles = !json.is_empty() && json.iter().all(|file| is_bundle_file(file));
        return all_bundles.then_some(Kind::Bundles);
    }
    if has_extension(path, "ndjson") {
        let head = peek::head(path, PEEK).ok()?;
        let head = peek::strip_bom(&head);
        let first = head
            .split(|&b| b == b'\n')
            .find(|line| !line.trim_ascii().is_empty())?;
        return contains(first, b"\"resourceType\"").then_some(Kind::Bulk);
    }
    (has_extension(path, "json") && is_bundle_file(path)).then_some(Kind::Bundle)
}

/// How many bytes of a file [`detect`] reads.
pub const PEEK: usize = 16 * 1024;

fn is_bundle_file(path: &Path) -> bool {
    let Ok(head) = peek::head(path, PEEK) else {
        return false;
    };
    let head = peek::strip_bom(&head);
    match peek::top_level_type(head) {
        Some(ty) => ty == "Bundle",
        // An object cut by the peek before its resourceType: read on (a
        // JSON array of records starts with `[` and is never read twice).
        None if head.len() + 3 >= PEEK && head.trim_ascii_start().starts_with(b"{") => {
            peek::top_level_type_in(path).is_some_and(|ty| ty == "Bundle")
        }
        None => false,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// The files in `dir` with extension `ext`, sorted by name.
fn files_with(dir: &Path, ext: &str) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_file() && has_extension(&path, ext) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The types whose resources are not about one patient: they carry no
/// `subject` or `patient`, so they are neither attached nor reported.
const SHARED_TYPES: &[&str] = &[
    "Medication",
    "Organization",
    "OrganizationAffiliation",
    "Practitioner",
    "PractitionerRole",
    "Location",
    "Endpoint",
    "HealthcareService",
    "Substance",
    "ValueSet",
    "CodeSystem",
    "ConceptMap",
    "NamingSystem",
    "StructureDefinition",
    "Questionnaire",
    "Library",
    "Measure",
    "PlanDefinition",
    "ActivityDefinition",
    "MessageHeader",
    "OperationOutcome",
    "Parameters",
    "Binary",
    "Bundle",
];

/// Whether resources of type `ty` are not about one patient (Medication,
/// Organization, Practitioner, Location, terminology, …): such resources
/// are not attached to a patient and not reported as unattached.
pub fn is_shared_type(ty: &str) -> bool {
    SHARED_TYPES.contains(&ty)
}

/// The `Type/id` a reference ends in: a relative `Patient/1`, or the tail
/// of `http://host/fhir/Patient/1` or `…/Patient/1/_history/2`. `Type`
/// must look like a resource type (an ASCII capital, then letters).
pub fn type_and_id(reference: &str) -> Option<(&str, &str)> {
    let reference = reference.trim();
    if reference.starts_with('#') {
        return None;
    }
    let path = reference.split(['?', '#']).next().unwrap_or(reference);
    let mut parts = path.rsplit('/');
    let mut last = parts.next()?;
    let mut before = parts.next()?;
    if before == "_history" {
        last = parts.next()?;
        before = parts.next()?;
    }
    let looks_like_type = before.starts_with(|c: char| c.is_ascii_uppercase())
        && before.chars().all(|c| c.is_ascii_alphabetic());
    (looks_like_type && !last.is_empty()).then_some((before, last))
}

/// The Patient id a reference names by its tail (`Patient/<id>`), if any.
fn patient_id(reference: &str) -> Option<&str> {
    type_and_id(reference).and_then(|(ty, id)| (ty == "Patient").then_some(id))
}

/// The `medicationReference.reference` of a resource, if any.
fn medication_reference(raw: &Raw) -> Option<&str> {
    raw.medication.as_deref()
}

/// The `subject.reference`, else `patient.reference`, of a resource.
fn subject_reference(raw: &Raw) -> Option<&str> {
    raw.subject.as_deref()
}
