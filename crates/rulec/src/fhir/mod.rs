//! FHIR R4 input (temporary module file of the fhirread branch).

pub mod read;
