//! FHIR R4 input: patients read from Bundles and Bulk Data NDJSON, each
//! field taken as the rule file's `fhir { … }` bindings say, with the
//! provenance of every value (docs/fhir.md).
//!
//! [`read`] turns input files into each patient's resources; [`read_patient`]
//! turns those into a [`crate::records::ReadRecord`] of the program's
//! schema, whose [`crate::schema::Source`]s say where each value came from.

mod date;
mod list;
mod model;
mod patient;
pub mod read;
mod value;

pub use patient::read_patient;
pub use read::{Bulk, Kind, PatientResources, Problem, detect};
