//! One patient's resources read into a record of the program's schema,
//! field by field as the bindings say, with the provenance of each value.

use jiff::civil::Date;
use serde::Deserialize;

use super::date::{self, When};
use super::model::{Concept, Patient, Resource as Res};
use super::read::{PatientResources, Raw};
use crate::check::{Bindings, Bound, CodeSet, FieldBinding, Program, Resource, Selection};
use crate::records::{DataError, ReadRecord, RecordName, WHOLE_RECORD};
use crate::schema::{Field, FieldValue, Record, Source};

/// A resource of a type some binding reads, deserialised once.
pub(super) struct Parsed<'a> {
    pub kind: Resource,
    pub res: Res,
    pub raw: &'a Raw,
    /// Its date (`effective[x]`, `onset[x]`, `authoredOn` …), if it has one
    /// that could be read.
    pub when: Option<When>,
    /// Why its date could not be read.
    pub bad_date: Option<String>,
    /// The code it is chosen by, worked out once.
    code: Option<Concept>,
    /// Its `issued`, which orders results of the same time.
    pub issued: Option<jiff::Timestamp>,
}

impl Parsed<'_> {
    pub fn name(&self) -> String {
        self.raw.name()
    }

    /// The code the resource is chosen by: its `code`, or its medication's.
    pub fn code(&self) -> Option<&Concept> {
        self.code.as_ref()
    }

    /// Its status: a Condition's clinical status, any other's `status`.
    pub fn status(&self) -> Option<&str> {
        match self.kind {
            Resource::Condition => self
                .res
                .clinical_status
                .as_ref()
                .and_then(|c| c.codes().next())
                .map(|(_, code)| code),
            _ => self.res.status.as_deref(),
        }
    }

    /// When it ended, if the data says: a Condition's abatement, the end
    /// of a medication's or procedure's period.
    pub fn end(&self) -> Option<Result<jiff::civil::Date, String>> {
        let res = &self.res;
        let text = match self.kind {
            Resource::Condition => res
                .abatement_date_time
                .as_deref()
                .or_else(|| res.abatement_period.as_ref().and_then(|p| p.end.as_deref())),
            Resource::Procedure => res.performed_period.as_ref().and_then(|p| p.end.as_deref()),
            Resource::Observation
            | Resource::MedicationStatement
            | Resource::MedicationAdministration => {
                res.effective_period.as_ref().and_then(|p| p.end.as_deref())
            }
            Resource::MedicationRequest => None,
        }?;
        Some(date::parse(text).map(|w| w.date))
    }
}

/// The code a resource is chosen by: its `code`, or its medication's (a
/// contained one, `#med`, or one the input holds).
fn code_of(res: &Res, group: &PatientResources) -> Option<Concept> {
    if let Some(concept) = &res.medication_codeable_concept {
        return Some(concept.clone());
    }
    if let Some(reference) = res
        .medication_reference
        .as_ref()
        .and_then(|r| r.reference.as_deref())
    {
        let medication = match reference.strip_prefix('#') {
            Some(local) => res
                .contained
                .iter()
                .find(|c| c.get("id").and_then(|i| i.as_str()) == Some(local))
                .and_then(|c| Res::deserialize(c).ok()),
            None => group
                .resolve(reference)
                .and_then(|raw| serde_json::from_str::<Res>(&raw.json).ok()),
        };
        return medication.and_then(|m| m.code);
    }
    res.code.clone()
}

/// What reading one patient gathers besides the record.
pub(super) struct Reading<'a> {
    pub group: &'a PatientResources,
    pub index: Date,
    pub name: RecordName,
    pub errors: Vec<DataError>,
    pub sources: Vec<Source>,
    pub parsed: Vec<Parsed<'a>>,
    /// A censored value the field being read takes instead of a value.
    pub censored: Option<crate::schema::CensoredValue>,
}

impl Reading<'_> {
    pub fn error(&mut self, field: &str, reason: String) {
        self.errors.push(DataError {
            record: self.name.clone(),
            field: field.to_owned(),
            reason,
        });
    }
}

/// Reads one patient's resources into a record of `program`'s schema for
/// screening at `index`, by the program's `fhir` bindings.
///
/// Every field without a binding is missing; every resource that cannot
/// be read, and every value that cannot be used, is a data error naming the
/// resource; the record always comes back. Each bound field gets a
/// [`Source`]: the resource its value came from, or what was looked for
/// and not found.
#[must_use]
pub fn read_patient(program: &Program, group: &PatientResources, index: Date) -> ReadRecord {
    let id = group.id.clone();
    let name = RecordName::new(id.as_deref(), group.position);
    let mut reading = Reading {
        group,
        index,
        name,
        errors: Vec::new(),
        sources: Vec::new(),
        parsed: Vec::new(),
        censored: None,
    };
    let mut record = Record::new(&program.schema);
    for problem in &group.problems {
        reading.error(
            &problem.resource,
            problem
                .to_string()
                .split_once(": ")
                .map_or_else(|| problem.reason.clone(), |(_, r)| r.to_owned()),
        );
    }
    let Some(bindings) = &program.bindings else {
        reading.error(
            WHOLE_RECORD,
            "the rules bind no field to FHIR: add a `fhir { … }` block (docs/fhir.md)".to_owned(),
        );
        return finish(reading, id, record);
    };
    reading.parsed = parse_resources(&mut reading, bindings);
    for binding in &bindings.fields {
        let Some(field) = program.schema.field(binding.slot) else {
            continue;
        };
        let value = field_value(&mut reading, binding, field);
        let stored = match reading.censored.take() {
            Some(censored) => record.set_censored_slot(binding.slot, censored),
            None => record.set_slot(binding.slot, value),
        };
        if let Err(wrong) = stored {
            reading.error(&binding.field, wrong.to_string());
        }
    }
    finish(reading, id, record)
}

fn finish(reading: Reading<'_>, id: Option<String>, record: Record) -> ReadRecord {
    let position = reading.group.position;
    ReadRecord {
        id,
        position,
        record,
        errors: reading.errors,
        sources: reading.sources,
    }
}

/// Deserialises every resource of a type some binding reads, once; a
/// resource that cannot be read is a data error and is left out.
fn parse_resources<'a>(reading: &mut Reading<'a>, bindings: &Bindings) -> Vec<Parsed<'a>> {
    let wanted: Vec<Resource> = bindings
        .fields
        .iter()
        .filter_map(|b| match &b.source {
            Bound::Latest { select, .. }
            | Bound::Members { select, .. }
            | Bound::Every { select, .. } => Some(select.resources.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    let group = reading.group;
    let mut parsed = Vec::new();
    for raw in &group.resources {
        let Some(kind) = Resource::from_name(&raw.resource_type).filter(|k| wanted.contains(k))
        else {
            continue;
        };
        let res = match serde_json::from_str::<Res>(&raw.json) {
            Ok(res) => res,
            Err(e) => {
                reading.error(&raw.name(), format!("{} cannot be read: {e}", raw.name()));
                continue;
            }
        };
        if res.modifier_extension.is_some() {
            reading.error(
                &raw.name(),
                format!(
                    "{} has a modifierExtension, which may change its meaning: not read",
                    raw.name()
                ),
            );
            continue;
        }
        let text = match kind {
            Resource::Observation => res
                .effective_date_time
                .clone()
                .or_else(|| res.effective_instant.clone())
                .or_else(|| {
                    res.effective_period
                        .as_ref()
                        .and_then(|p| p.end.clone().or_else(|| p.start.clone()))
                }),
            Resource::Condition => res
                .onset_date_time
                .clone()
                .or_else(|| res.onset_period.as_ref().and_then(|p| p.start.clone()))
                .or_else(|| res.recorded_date.clone()),
            Resource::MedicationStatement | Resource::MedicationAdministration => res
                .effective_date_time
                .clone()
                .or_else(|| res.effective_period.as_ref().and_then(|p| p.start.clone()))
                .or_else(|| res.date_asserted.clone()),
            Resource::MedicationRequest => res.authored_on.clone(),
            Resource::Procedure => res
                .performed_date_time
                .clone()
                .or_else(|| res.performed_period.as_ref().and_then(|p| p.start.clone())),
        };
        let (when, bad_date) = match text.as_deref().map(date::parse) {
            Some(Ok(when)) => (Some(when), None),
            Some(Err(reason)) => (None, Some(reason)),
            None => (None, None),
        };
        let code = code_of(&res, group);
        let issued = res
            .issued
            .as_deref()
            .and_then(|t| date::parse(t).ok())
            .map(|w| w.instant);
        parsed.push(Parsed {
            kind,
            res,
            raw,
            when,
            bad_date,
            code,
            issued,
        });
    }
    parsed
}

fn field_value(reading: &mut Reading<'_>, binding: &FieldBinding, field: &Field) -> FieldValue {
    let mut source = Source {
        field: binding.field.clone(),
        slot: binding.slot,
        ..Source::default()
    };
    let value = match &binding.source {
        Bound::BirthDate | Bound::Gender | Bound::Deceased => {
            patient_value(reading, binding, field, &mut source)
        }
        Bound::Latest {
            select,
            values,
            fallback,
        } => super::value::latest(
            reading,
            binding,
            field,
            select,
            values,
            *fallback,
            &mut source,
        ),
        Bound::Members { select, members } => {
            super::value::members(reading, binding, field, select, members, &mut source)
        }
        Bound::Every { select, elements } => {
            return super::list::every(reading, binding, field, select, elements);
        }
    };
    reading.sources.push(source);
    value
}

fn patient_value(
    reading: &mut Reading<'_>,
    binding: &FieldBinding,
    field: &Field,
    source: &mut Source,
) -> FieldValue {
    let Some(raw) = &reading.group.patient else {
        source.absent = Some("no Patient resource".to_owned());
        return FieldValue::Missing;
    };
    source.resource = Some(raw.name());
    let patient = match serde_json::from_str::<Patient>(&raw.json) {
        Ok(p) => p,
        Err(e) => {
            reading.error(
                &binding.field,
                format!("{} cannot be read: {e}", raw.name()),
            );
            return FieldValue::Missing;
        }
    };
    if patient.modifier_extension.is_some() {
        reading.error(
            &binding.field,
            format!(
                "{} has a modifierExtension, which may change its meaning: not read",
                raw.name()
            ),
        );
        return FieldValue::Missing;
    }
    let result = match &binding.source {
        Bound::BirthDate => match &patient.birth_date {
            None => {
                source.absent = Some(format!("{} has no birthDate", raw.name()));
                return FieldValue::Missing;
            }
            Some(text) => {
                crate::records::date(text).map_err(|e| format!("{}: birthDate {e}", raw.name()))
            }
        },
        Bound::Gender => match (&patient.gender, &field.ty) {
            (None, _) => {
                source.absent = Some(format!("{} has no gender", raw.name()));
                return FieldValue::Missing;
            }
            (Some(gender), crate::schema::FieldType::OneOf(members)) => {
                crate::records::member(gender, members)
                    .map(FieldValue::Member)
                    .map_err(|e| format!("{}: gender {e}", raw.name()))
            }
            _ => return FieldValue::Missing,
        },
        _ => match (patient.deceased_boolean, &patient.deceased_date_time) {
            (Some(b), _) => Ok(FieldValue::Bool(b)),
            (None, Some(_)) => Ok(FieldValue::Bool(true)),
            // A living patient's record says nothing; absence is not death.
            (None, None) => Ok(FieldValue::Bool(false)),
        },
    };
    match result {
        Ok(value) => value,
        Err(reason) => {
            reading.error(&binding.field, reason);
            FieldValue::Missing
        }
    }
}

/// Whether `parsed` is one of `select`'s resources as far as type, code
/// and status go (not its date).
pub(super) fn chosen(parsed: &Parsed<'_>, select: &Selection, codes: &CodeSet) -> bool {
    if !select.resources.contains(&parsed.kind) {
        return false;
    }
    let status_ok = match parsed.kind {
        Resource::Condition => {
            let clinical = parsed
                .res
                .clinical_status
                .as_ref()
                .and_then(|c| c.codes().next().map(|(_, code)| code.to_owned()));
            let verification_bad = parsed.res.verification_status.as_ref().is_some_and(|v| {
                v.codes()
                    .any(|(_, c)| c == "refuted" || c == "entered-in-error")
            });
            !verification_bad && clinical.is_some_and(|c| select.accepts(parsed.kind, &c))
        }
        _ => parsed
            .res
            .status
            .as_deref()
            .is_some_and(|s| select.accepts(parsed.kind, s)),
    };
    if !status_ok {
        return false;
    }
    let code = parsed.code();
    match &select.component {
        // A panel: its own code is the select's, the component's is asked for later.
        Some(_) => code.is_some_and(|c| c.codes().any(|(s, k)| select.codes.matches(s, k))),
        None => codes.any || code.is_some_and(|c| c.codes().any(|(s, k)| codes.matches(s, k))),
    }
}

/// The earliest date the window lets in, if it has one.
pub(super) fn window_start(select: &Selection, index: Date) -> Option<Date> {
    let within = select.within?;
    let span = within.toward(crate::syntax::Direction::Before).span()?;
    crate::check::moved(index.to_datetime(jiff::civil::Time::midnight()), span).map(|d| d.date())
}

/// `within 14 days before 2026-06-15`, for messages.
pub(super) fn window_text(select: &Selection, index: Date) -> String {
    match select.within {
        Some(d) => format!(
            "within {} before {index}",
            crate::eval::duration(d.amount, d.unit)
        ),
        None => format!("on or before {index}"),
    }
}
