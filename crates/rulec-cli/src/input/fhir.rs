//! FHIR input: a Bundle, a folder of Bundles, or Bulk Data NDJSON, read
//! into one item per patient on the reader thread. Each patient's
//! resources become a record on the evaluating threads
//! ([`rulec::fhir::read_patient`]).

use std::path::Path;

use rulec::fhir::{Bulk, Kind, PatientResources, detect, read};

use super::{Chunker, Item};

/// The memory one parsed resource takes, about (an Observation of 1 KB of
/// JSON is 3 to 5 KB as a `serde_json::Value`).
const RESOURCE_BYTES: usize = 4096;

/// Reads the FHIR input at `path` and sends one item per patient,
/// numbered from 1 across the input. A Bundle file that cannot be read is
/// a record that cannot be read; a Bulk line that belongs to no patient
/// is said on stderr.
pub(super) fn read_fhir(path: &Path, chunks: &mut Chunker<'_>) -> Result<(), String> {
    let mut position = 0;
    let send = |chunks: &mut Chunker<'_>, position: &mut usize, mut group: PatientResources| {
        *position += 1;
        group.position = *position;
        // What a resource parsed into a `serde_json::Value` holds, about:
        // chunks are cut by it, so a chunk of patients stays near
        // CHUNK_BYTES in memory, not 1024 patients of any size.
        let bytes = (group.resources.len() + 1).saturating_mul(RESOURCE_BYTES);
        chunks.push(Item::Fhir(Box::new(group)), bytes)
    };
    match detect(path) {
        Some(Kind::Bundle) => {
            for group in read::bundle_file(path)? {
                if !send(chunks, &mut position, group) {
                    return Ok(());
                }
            }
        }
        Some(Kind::Bundles) => {
            for file in read::bundle_files(path)? {
                match read::bundle_file(&file) {
                    Ok(groups) => {
                        for group in groups {
                            if !send(chunks, &mut position, group) {
                                return Ok(());
                            }
                        }
                    }
                    Err(reason) => {
                        position += 1;
                        let item = Item::Unreadable { position, reason };
                        if !chunks.push(item, 0) {
                            return Ok(());
                        }
                    }
                }
            }
        }
        Some(Kind::Bulk) => {
            let bulk = Bulk::open(&[path.to_path_buf()])?;
            for problem in bulk.problems() {
                crate::check::eprintln_quiet(&crate::render::printable(&format!(
                    "data error: {}: {problem}",
                    path.display()
                )));
            }
            for group in bulk.patients() {
                if !send(chunks, &mut position, group) {
                    return Ok(());
                }
            }
        }
        None => return Err("not FHIR: no Bundle and no Bulk Data NDJSON found".to_owned()),
    }
    Ok(())
}
