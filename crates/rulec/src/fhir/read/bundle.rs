//! A Bundle, read in memory: its entries grouped by the Patient their
//! `subject` or `patient` reference resolves to.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::{Origin, PatientResources, Place, Problem, Raw};

/// The Bundle types read as they are; any other (`history`,
/// `transaction-response`, `batch-response`, or none) is read the same way
/// with a [`Problem`] saying so.
const TYPES: &[&str] = &[
    "collection",
    "transaction",
    "searchset",
    "batch",
    "document",
    "message",
];

/// Reads the Bundle in `text` (read from `file`) into one
/// [`PatientResources`] per Patient, in entry order.
///
/// References in `subject` (else `patient`) resolve by an entry's
/// `fullUrl` (`urn:uuid:…` or absolute), else by `Type/id`, relative or
/// as the tail of an absolute URL, matched against each entry's type and
/// id and against the tail of its `fullUrl`. A `Patient/<id>` reference
/// that names no entry makes a patient of its own after the Bundle's
/// Patients (`patient: None`, with a [`Problem`]); with no Patient and no
/// such reference the result is one patient with `patient: None` and a
/// Problem. Entries without a resource (DELETE, GET requests) are skipped;
/// a resource with no resolvable patient reference is dropped with a
/// Problem; Medications (and other types that are not about one patient,
/// see [`super::is_shared_type`]) are attached to no one: a Medication is
/// copied into [`PatientResources::contained_in`] of each patient whose
/// resources name it by `medicationReference`. Problems that belong to no
/// patient are given to the first.
///
/// `Err` when the text is not JSON, not a Bundle, or its `entry` is not an
/// array.
pub fn bundle(text: &str, file: Arc<Path>) -> Result<Vec<PatientResources>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    match value.get("resourceType").and_then(Value::as_str) {
        Some("Bundle") => {}
        Some(other) => return Err(format!("a {other}, not a Bundle")),
        None => return Err("not a FHIR resource (no resourceType)".to_owned()),
    }
    let mut reader = Reader::default();
    match value.get("type").and_then(Value::as_str) {
        Some(ty) if TYPES.contains(&ty) => {}
        other => reader.loose.push(Problem {
            resource: "Bundle".to_owned(),
            reason: format!(
                "Bundle type {}: read as a collection",
                other.unwrap_or("missing")
            ),
            origin: None,
        }),
    }
    let entries = match value.get_mut("entry").map(Value::take) {
        None => Vec::new(),
        Some(Value::Array(entries)) => entries,
        Some(_) => return Err("the Bundle's entry is not an array".to_owned()),
    };
    reader.read_entries(entries, &file);
    Ok(reader.group())
}

/// Reads the Bundle in the file at `path` (see [`bundle`]).
pub fn bundle_file(path: &Path) -> Result<Vec<PatientResources>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    bundle(&text, Arc::from(path)).map_err(|e| format!("{}: {e}", path.display()))
}

/// The `*.json` files in `dir`, sorted by name: the Bundles of a
/// [`super::Kind::Bundles`] folder.
pub fn bundle_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    super::files_with(dir, "json")
}

/// Where an entry goes.
#[derive(Clone, Copy)]
enum Dest {
    Patient(usize),
    Resource(usize),
    Medication,
    Dropped,
}

#[derive(Default)]
struct Reader {
    raws: Vec<Raw>,
    /// Problems belonging to no patient.
    loose: Vec<Problem>,
}

impl Reader {
    fn read_entries(&mut self, entries: Vec<Value>, file: &Arc<Path>) {
        for (n, mut entry) in entries.into_iter().enumerate() {
            let origin = Origin {
                file: Arc::clone(file),
                place: Place::Entry(n + 1),
            };
            let full_url = entry
                .get("fullUrl")
                .and_then(Value::as_str)
                .map(|url| url.trim().to_owned());
            let Some(resource) = entry.get_mut("resource").map(Value::take) else {
                continue;
            };
            if resource
                .get("resourceType")
                .and_then(Value::as_str)
                .is_none()
            {
                self.loose.push(Problem {
                    resource: format!("Bundle entry {}", n + 1),
                    reason: "its resource has no resourceType".to_owned(),
                    origin: Some(origin),
                });
                continue;
            }
            // A Bundle is one patient's: written back as text once, it is
            // read like a Bulk line.
            let raw = serde_json::to_string(&resource)
                .map_err(|e| e.to_string())
                .and_then(|text| Raw::from_text(text, full_url, origin.clone()));
            match raw {
                Ok(raw) => self.raws.push(raw),
                Err(reason) => self.loose.push(Problem {
                    resource: format!("Bundle entry {}", n + 1),
                    reason,
                    origin: Some(origin),
                }),
            }
        }
    }

    fn group(mut self) -> Vec<PatientResources> {
        let resolver = Resolver::new(&self.raws);
        let mut groups: Vec<PatientResources> = Vec::new();
        let mut group_of_entry: HashMap<usize, usize> = HashMap::new();
        let mut duplicates = Vec::new();
        let mut undefined: HashMap<String, usize> = HashMap::new();
        let mut dests = Vec::with_capacity(self.raws.len());
        let mut wanted: Vec<Vec<usize>> = Vec::new();
        // Patients first, so that their groups come in entry order.
        for (n, raw) in self.raws.iter().enumerate() {
            if raw.resource_type != "Patient" {
                continue;
            }
            let first = raw
                .id
                .as_ref()
                .and_then(|id| resolver.by_tail.get(&format!("Patient/{id}")).copied());
            if let Some(first) = first.filter(|&first| first != n) {
                self.loose
                    .push(problem(raw, "a second Patient with this id: ignored"));
                // A reference to it (by its own fullUrl) means the first.
                if let Some(&g) = group_of_entry.get(&first) {
                    group_of_entry.insert(n, g);
                    duplicates.push(n);
                }
                continue;
            }
            group_of_entry.insert(n, groups.len());
            groups.push(PatientResources::new(raw.id.clone()));
            wanted.push(Vec::new());
        }
        for (n, raw) in self.raws.iter().enumerate() {
            let dest = if duplicates.contains(&n) {
                Dest::Dropped
            } else if let Some(&g) = group_of_entry.get(&n) {
                Dest::Patient(g)
            } else if raw.resource_type == "Medication" {
                Dest::Medication
            } else if raw.resource_type == "Patient" || super::is_shared_type(&raw.resource_type) {
                Dest::Dropped
            } else {
                match self.subject(raw, &resolver, &group_of_entry) {
                    Ok(Some(g)) => Dest::Resource(g),
                    Ok(None) => {
                        let Some(id) = super::subject_reference(raw).and_then(super::patient_id)
                        else {
                            dests.push(Dest::Dropped);
                            continue;
                        };
                        let g = *undefined.entry(id.to_owned()).or_insert_with(|| {
                            let mut group = PatientResources::new(Some(id.to_owned()));
                            group.problems.push(Problem {
                                resource: format!("Patient/{id}"),
                                reason: "resources name this patient, but the Bundle has no \
                                         Patient resource for it"
                                    .to_owned(),
                                origin: None,
                            });
                            groups.push(group);
                            wanted.push(Vec::new());
                            groups.len() - 1
                        });
                        Dest::Resource(g)
                    }
                    Err(reason) => {
                        self.loose.push(problem(raw, &reason));
                        Dest::Dropped
                    }
                }
            };
            if let Dest::Resource(g) = dest {
                self.medication(raw, &resolver, g, &mut groups, &mut wanted);
            }
            dests.push(dest);
        }
        if groups.is_empty() {
            let mut group = PatientResources::new(None);
            group.problems.push(Problem {
                resource: "Bundle".to_owned(),
                reason: "no Patient, and no resource names one".to_owned(),
                origin: None,
            });
            groups.push(group);
        }
        let mut medications: HashMap<usize, Raw> = HashMap::new();
        for ((n, raw), dest) in self.raws.into_iter().enumerate().zip(dests) {
            match dest {
                Dest::Patient(g) => {
                    if let Some(group) = groups.get_mut(g) {
                        group.patient = Some(raw);
                    }
                }
                Dest::Resource(g) => {
                    if let Some(group) = groups.get_mut(g) {
                        group.resources.push(raw);
                    }
                }
                Dest::Medication => {
                    medications.insert(n, raw);
                }
                Dest::Dropped => {}
            }
        }
        for (group, wanted) in groups.iter_mut().zip(wanted) {
            group
                .contained_in
                .extend(wanted.iter().filter_map(|n| medications.get(n).cloned()));
        }
        // In entry order, those about the whole Bundle first.
        self.loose.sort_by_key(|p| match p.origin {
            Some(Origin {
                place: Place::Entry(n) | Place::Line(n),
                ..
            }) => n,
            None => 0,
        });
        if let Some(first) = groups.first_mut() {
            first.problems.append(&mut self.loose);
        }
        for (n, group) in groups.iter_mut().enumerate() {
            group.position = n + 1;
        }
        groups
    }

    /// The group of the Patient `raw`'s subject names; `Ok(None)` when it
    /// names nothing in the Bundle.
    fn subject(
        &self,
        raw: &Raw,
        resolver: &Resolver,
        group_of_entry: &HashMap<usize, usize>,
    ) -> Result<Option<usize>, String> {
        let Some(reference) = super::subject_reference(raw) else {
            return Err(if raw.has_subject {
                "its subject has no reference".to_owned()
            } else {
                "no subject or patient reference".to_owned()
            });
        };
        match resolver.resolve(reference) {
            Some(n) => match group_of_entry.get(&n) {
                Some(&g) => Ok(Some(g)),
                None => {
                    let ty = self.raws.get(n).map_or("", |r| r.resource_type.as_str());
                    Err(format!("its subject {reference} is a {ty}, not a Patient"))
                }
            },
            None if super::patient_id(reference).is_some() => Ok(None),
            None => Err(format!(
                "its subject {reference} names nothing in the Bundle"
            )),
        }
    }

    /// Notes the Medication `raw` names by `medicationReference` as wanted
    /// by group `g`.
    fn medication(
        &self,
        raw: &Raw,
        resolver: &Resolver,
        g: usize,
        groups: &mut [PatientResources],
        wanted: &mut [Vec<usize>],
    ) {
        let Some(reference) = super::medication_reference(raw) else {
            return;
        };
        // `#id` names a resource contained in this one.
        if reference.starts_with('#') {
            return;
        }
        let found = resolver.resolve(reference).filter(|&n| {
            self.raws
                .get(n)
                .is_some_and(|m| m.resource_type == "Medication")
        });
        match (found, wanted.get_mut(g)) {
            (Some(n), Some(wanted)) => {
                if !wanted.contains(&n) {
                    wanted.push(n);
                }
            }
            (None, _) => {
                if let Some(group) = groups.get_mut(g) {
                    let reason = format!(
                        "its medicationReference {reference} names no Medication in the Bundle"
                    );
                    group.problems.push(problem(raw, &reason));
                }
            }
            (Some(_), None) => {}
        }
    }
}

fn problem(raw: &Raw, reason: &str) -> Problem {
    let resource = match (&raw.id, &raw.origin.place) {
        (Some(id), _) => format!("{}/{id}", raw.resource_type),
        (None, Place::Entry(n) | Place::Line(n)) => format!("Bundle entry {n}"),
    };
    Problem {
        resource,
        reason: reason.to_owned(),
        origin: Some(raw.origin.clone()),
    }
}

/// Entries by `fullUrl` and by `Type/id` (from the resource, and from the
/// tail of the `fullUrl`); the first entry wins a key.
struct Resolver<'r> {
    by_url: HashMap<&'r str, usize>,
    by_tail: HashMap<String, usize>,
}

impl<'r> Resolver<'r> {
    fn new(raws: &'r [Raw]) -> Self {
        let mut by_url = HashMap::new();
        let mut by_tail = HashMap::new();
        for (n, raw) in raws.iter().enumerate() {
            if let Some(url) = raw.full_url.as_deref() {
                by_url.entry(url).or_insert(n);
            }
            if let Some(id) = &raw.id {
                by_tail
                    .entry(format!("{}/{id}", raw.resource_type))
                    .or_insert(n);
            }
        }
        // URL tails after resource ids: an entry's own id is the better
        // witness of what `Type/id` names.
        for (n, raw) in raws.iter().enumerate() {
            if let Some((ty, id)) = raw.full_url.as_deref().and_then(super::type_and_id) {
                by_tail.entry(format!("{ty}/{id}")).or_insert(n);
            }
        }
        Resolver { by_url, by_tail }
    }

    fn resolve(&self, reference: &str) -> Option<usize> {
        let reference = reference.trim();
        if let Some(&n) = self.by_url.get(reference) {
            return Some(n);
        }
        let (ty, id) = super::type_and_id(reference)?;
        self.by_tail.get(&format!("{ty}/{id}")).copied()
    }
}
