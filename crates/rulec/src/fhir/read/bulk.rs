//! Bulk Data NDJSON in two passes: an index of where each patient's lines
//! are, then one patient at a time read back by seeking.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::lines::Lines;
use super::{Origin, PatientResources, Place, Problem, Raw, files_with, peek};

/// The longest NDJSON line read (64 MiB): a longer one is a [`Problem`]
/// and is skipped without being held.
pub const MAX_LINE: usize = 64 << 20;

/// How many problems the first pass keeps; past it they are counted.
const MAX_PROBLEMS: usize = 10_000;

/// A line's place: 24 bytes (with padding), the per-resource cost of the
/// index.
#[derive(Debug, Clone, Copy)]
struct Loc {
    offset: u64,
    /// At most [`MAX_LINE`].
    len: u32,
    file: u32,
    /// From 1, saturating.
    line: u32,
}

// The figure the documentation of `Bulk` gives.
const _: () = assert!(std::mem::size_of::<Loc>() == 24);

/// One patient's lines.
#[derive(Debug)]
struct Group {
    id: Option<String>,
    patient: Option<Loc>,
    resources: Vec<Loc>,
    problems: Vec<Problem>,
}

/// Bulk Data NDJSON files, indexed by patient.
///
/// [`Bulk::open`] reads every line once and keeps only where it is; no
/// resource is held. The index costs, on 64-bit targets:
/// - per resource line, 24 bytes (file number, byte offset, length, line
///   number; up to twice that while its patient's list grows, trimmed
///   after the first pass);
/// - per patient, 104 bytes plus its id, and during the first pass a map
///   entry of about 40 bytes plus the id again;
/// - per Medication, about 64 bytes plus `Medication/` and its id.
///
/// [`Bulk::patients`] then reads one patient's lines back at a time by
/// seeking. Memory is the index plus one patient's resources, plus one
/// line buffer as long as the longest line read (at most [`MAX_LINE`])
/// and, while iterating, an open file and a 64 KiB read-ahead window per
/// file.
#[derive(Debug)]
pub struct Bulk {
    files: Vec<Arc<Path>>,
    /// Patients in output order.
    groups: Vec<Group>,
    /// Medications by `Medication/<id>`.
    medications: HashMap<String, Loc>,
    problems: Vec<Problem>,
}

impl Bulk {
    /// Indexes the NDJSON files named by `paths`: each a folder (every
    /// `*.ndjson` in it, sorted by name) or a file. Files may come in any
    /// order and several may hold one type: each line's `resourceType`
    /// decides. `Err` when a path cannot be listed or read, or names no
    /// file; problems with single lines are [`Problem`]s.
    pub fn open(paths: &[PathBuf]) -> Result<Bulk, String> {
        Bulk::open_limited(paths, MAX_LINE)
    }

    pub(super) fn open_limited(paths: &[PathBuf], limit: usize) -> Result<Bulk, String> {
        let mut files = Vec::new();
        for path in paths {
            if path.is_dir() {
                let found = files_with(path, "ndjson")?;
                if found.is_empty() {
                    return Err(format!("no .ndjson files in {}", path.display()));
                }
                files.extend(found);
            } else {
                files.push(path.clone());
            }
        }
        if files.is_empty() {
            return Err("no NDJSON files given".to_owned());
        }
        let mut index = Indexer::default();
        for (number, path) in files.iter().enumerate() {
            let file: Arc<Path> = Arc::from(path.as_path());
            index.file(&file, u32::try_from(number).unwrap_or(u32::MAX), limit)?;
            index.files.push(file);
        }
        Ok(index.finish())
    }

    /// The patients, in order of their Patient resource in the input
    /// (files in the order given, lines in file order), then the patients
    /// that resources name but no Patient resource defines, in order of
    /// first mention, each with a [`Problem`].
    pub fn patients(&self) -> Patients<'_> {
        Patients {
            bulk: self,
            next: 0,
            handles: Vec::new(),
            buf: Vec::new(),
        }
    }

    /// How many patients [`patients`](Self::patients) yields.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether no patient was found.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The files read, in order.
    pub fn files(&self) -> &[Arc<Path>] {
        &self.files
    }

    /// Problems that belong to no patient: unreadable lines, resources
    /// with no subject or a subject that is not a Patient, duplicate
    /// Medications. Past 10,000 problems the last one says how many more
    /// there were.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

/// Pass 1.
#[derive(Default)]
struct Indexer {
    files: Vec<Arc<Path>>,
    groups: Vec<Group>,
    by_id: HashMap<String, usize>,
    /// Groups with a Patient resource, in its order.
    defined: Vec<usize>,
    medications: HashMap<String, Loc>,
    problems: Vec<Problem>,
    kept: usize,
    dropped: usize,
}

impl Indexer {
    fn file(&mut self, path: &Arc<Path>, number: u32, limit: usize) -> Result<(), String> {
        let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
        let file = File::open(path).map_err(cannot)?;
        let mut lines = Lines::new(BufReader::with_capacity(1 << 16, file), limit);
        let name = path
            .file_name()
            .unwrap_or(path.as_os_str())
            .to_string_lossy()
            .into_owned();
        while let Some(line) = lines.next_line().map_err(cannot)? {
            let place = || Origin {
                file: Arc::clone(path),
                place: Place::Line(line.number),
            };
            let at = || format!("{name} line {}", line.number);
            let Some(bytes) = line.bytes else {
                let reason = format!("a line of {} bytes, longer than {limit}: skipped", line.len);
                self.note(None, at(), reason, place());
                continue;
            };
            // A byte order mark may open the file (or a file concatenated
            // into it); `\r` of a CRLF ending is JSON whitespace.
            let trimmed = peek::strip_bom(bytes);
            if trimmed.trim_ascii().is_empty() {
                continue;
            }
            let skip = bytes.len() - trimmed.len();
            let loc = Loc {
                offset: line.offset.saturating_add(skip as u64),
                len: u32::try_from(trimmed.len()).unwrap_or(u32::MAX),
                file: number,
                line: u32::try_from(line.number).unwrap_or(u32::MAX),
            };
            let read = match peek::line(trimmed) {
                Ok(read) => read,
                Err(e) => {
                    self.note(None, at(), format!("not a FHIR resource: {e}"), place());
                    continue;
                }
            };
            let name = match (&read.resource_type, &read.id) {
                (Some(ty), Some(id)) => format!("{ty}/{id}"),
                _ => at(),
            };
            match read.resource_type.as_deref() {
                None => self.note(None, name, "no resourceType".to_owned(), place()),
                Some("Patient") => self.patient(read.id.as_deref(), loc, name, place()),
                Some("Medication") => match read.id {
                    Some(id) => match self.medications.entry(format!("Medication/{id}")) {
                        Entry::Occupied(_) => {
                            let reason = "a second Medication with this id: ignored";
                            self.note(None, name, reason.to_owned(), place());
                        }
                        Entry::Vacant(slot) => {
                            slot.insert(loc);
                        }
                    },
                    None => {
                        let reason = "a Medication without id, which nothing can name".to_owned();
                        self.note(None, name, reason, place());
                    }
                },
                Some(ty) if super::is_shared_type(ty) => {}
                Some(_) => match read.reference.as_deref().map(|r| (r, super::patient_id(r))) {
                    Some((_, Some(id))) => {
                        let group = self.group(id);
                        if let Some(group) = self.groups.get_mut(group) {
                            group.resources.push(loc);
                        }
                    }
                    Some((reference, None)) => {
                        let reason = format!("its subject {reference} does not name a Patient");
                        self.note(None, name, reason, place());
                    }
                    None => {
                        let reason = if read.has_subject {
                            "its subject has no reference"
                        } else {
                            "no subject or patient reference"
                        };
                        self.note(None, name, reason.to_owned(), place());
                    }
                },
            }
        }
        Ok(())
    }

    fn patient(&mut self, id: Option<&str>, loc: Loc, name: String, origin: Origin) {
        let Some(id) = id else {
            self.defined.push(self.groups.len());
            self.groups.push(Group {
                id: None,
                patient: Some(loc),
                resources: Vec::new(),
                problems: Vec::new(),
            });
            let reason = "a Patient without id, which no resource can name".to_owned();
            self.note(self.groups.len().checked_sub(1), name, reason, origin);
            return;
        };
        let group = self.group(id);
        match self.groups.get_mut(group) {
            Some(found) if found.patient.is_none() => {
                found.patient = Some(loc);
                self.defined.push(group);
            }
            _ => {
                let reason = "a second Patient with this id: ignored".to_owned();
                self.note(Some(group), name, reason, origin);
            }
        }
    }

    /// The group of patient `id`, made if new.
    fn group(&mut self, id: &str) -> usize {
        if let Some(&group) = self.by_id.get(id) {
            return group;
        }
        let group = self.groups.len();
        self.groups.push(Group {
            id: Some(id.to_owned()),
            patient: None,
            resources: Vec::new(),
            problems: Vec::new(),
        });
        self.by_id.insert(id.to_owned(), group);
        group
    }

    fn note(&mut self, group: Option<usize>, resource: String, reason: String, origin: Origin) {
        if self.kept >= MAX_PROBLEMS {
            self.dropped += 1;
            return;
        }
        self.kept += 1;
        let problem = Problem {
            resource,
            reason,
            origin: Some(origin),
        };
        match group.and_then(|g| self.groups.get_mut(g)) {
            Some(group) => group.problems.push(problem),
            None => self.problems.push(problem),
        }
    }

    fn finish(mut self) -> Bulk {
        if self.dropped > 0 {
            self.problems.push(Problem {
                resource: "input".to_owned(),
                reason: format!("{} more problems, not kept", self.dropped),
                origin: None,
            });
        }
        let mut placed = vec![false; self.groups.len()];
        let mut order = Vec::with_capacity(self.groups.len());
        for &group in &self.defined {
            if let Some(seen) = placed.get_mut(group) {
                *seen = true;
                order.push(group);
            }
        }
        order.extend((0..self.groups.len()).filter(|&g| !placed.get(g).copied().unwrap_or(true)));
        let mut slots: Vec<Option<Group>> = self.groups.into_iter().map(Some).collect();
        let mut groups: Vec<Group> = order
            .into_iter()
            .filter_map(|g| slots.get_mut(g).and_then(Option::take))
            .collect();
        for group in &mut groups {
            group.resources.shrink_to_fit();
        }
        groups.shrink_to_fit();
        Bulk {
            files: self.files,
            groups,
            medications: self.medications,
            problems: self.problems,
        }
    }
}

/// The patients of a [`Bulk`], read one at a time (pass 2).
pub struct Patients<'a> {
    bulk: &'a Bulk,
    next: usize,
    /// One handle per file, opened when first needed.
    handles: Vec<Option<Handle>>,
    buf: Vec<u8>,
}

impl Iterator for Patients<'_> {
    type Item = PatientResources;

    fn next(&mut self) -> Option<PatientResources> {
        let group = self.bulk.groups.get(self.next)?;
        self.next += 1;
        let mut out = PatientResources::new(group.id.clone());
        out.position = self.next;
        out.problems.clone_from(&group.problems);
        match group.patient {
            Some(loc) => match self.read(loc) {
                Ok(raw) => out.patient = Some(raw),
                Err(problem) => out.problems.push(problem),
            },
            None => out.problems.push(Problem {
                resource: format!("Patient/{}", group.id.as_deref().unwrap_or_default()),
                reason: "resources name this patient, but no Patient resource was read".to_owned(),
                origin: None,
            }),
        }
        for &loc in &group.resources {
            match self.read(loc) {
                Ok(raw) => out.resources.push(raw),
                Err(problem) => out.problems.push(problem),
            }
        }
        self.medications(&mut out);
        // A buffer grown by one huge line is not kept for the next patient.
        if self.buf.capacity() > 1 << 20 {
            self.buf = Vec::new();
        }
        Some(out)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.bulk.groups.len().saturating_sub(self.next);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Patients<'_> {}

impl Patients<'_> {
    /// Copies into `contained_in` the Medications the patient's resources
    /// name by `medicationReference`.
    fn medications(&mut self, out: &mut PatientResources) {
        let mut seen = HashSet::new();
        let mut wanted = Vec::new();
        for raw in &out.resources {
            let Some(reference) = super::medication_reference(raw) else {
                continue;
            };
            // `#id` names a resource contained in this one.
            if reference.starts_with('#') {
                continue;
            }
            let key = super::type_and_id(reference)
                .filter(|(ty, _)| *ty == "Medication")
                .map(|(ty, id)| format!("{ty}/{id}"));
            match key.as_ref().and_then(|k| self.bulk.medications.get(k)) {
                Some(&loc) => {
                    if key.is_some_and(|k| seen.insert(k)) {
                        wanted.push(loc);
                    }
                }
                None => out.problems.push(Problem {
                    resource: raw.name(),
                    reason: format!("its medicationReference {reference} names no Medication read"),
                    origin: Some(raw.origin.clone()),
                }),
            }
        }
        for loc in wanted {
            match self.read(loc) {
                Ok(raw) => out.contained_in.push(raw),
                Err(problem) => out.problems.push(problem),
            }
        }
    }

    /// Reads and parses the line at `loc`.
    fn read(&mut self, loc: Loc) -> Result<Raw, Problem> {
        let file = self
            .bulk
            .files
            .get(loc.file as usize)
            .cloned()
            .unwrap_or_else(|| Arc::from(Path::new("")));
        let origin = Origin {
            file: Arc::clone(&file),
            place: Place::Line(loc.line as usize),
        };
        let problem = |reason: String| {
            let name = file
                .file_name()
                .unwrap_or(file.as_os_str())
                .to_string_lossy();
            Problem {
                resource: format!("{name} line {}", loc.line),
                reason,
                origin: Some(origin.clone()),
            }
        };
        self.fill(&file, loc)
            .map_err(|e| problem(format!("cannot read it again: {e}")))?;
        let text = String::from_utf8(std::mem::take(&mut self.buf))
            .map_err(|_| problem("not UTF-8 (has the file changed?)".to_owned()))?;
        Raw::from_text(text, None, origin.clone()).map_err(problem)
    }

    /// Reads the bytes at `loc` into `buf`.
    fn fill(&mut self, path: &Path, loc: Loc) -> std::io::Result<()> {
        let slot = loc.file as usize;
        if self.handles.len() <= slot {
            self.handles.resize_with(slot + 1, || None);
        }
        let Some(handle) = self.handles.get_mut(slot) else {
            return Err(std::io::Error::other("no such file"));
        };
        let open = match handle {
            Some(open) => open,
            None => handle.insert(Handle::new(File::open(path)?)),
        };
        let read = open.read(loc, &mut self.buf);
        if read.is_err() {
            // Where the reader stands is unknown: the next read reopens.
            *handle = None;
        }
        read
    }
}

/// How many bytes a read ahead brings in.
const WINDOW: usize = 64 * 1024;

/// An open file, with a window of it read ahead.
///
/// A patient's lines in one file are often one after the other (an export
/// written patient by patient), and then reading ahead saves a system call
/// per line; when they are scattered, each line is read alone, so that a
/// 300-byte line does not cost a 64 KiB read.
struct Handle {
    file: File,
    /// Where the file's cursor stands.
    at: u64,
    window: Vec<u8>,
    /// The offset of `window`'s first byte.
    start: u64,
    /// The end of the last line read.
    last: u64,
}

impl Handle {
    fn new(file: File) -> Self {
        Handle {
            file,
            at: 0,
            window: Vec::new(),
            start: 0,
            last: u64::MAX,
        }
    }

    fn read(&mut self, loc: Loc, buf: &mut Vec<u8>) -> std::io::Result<()> {
        let len = loc.len as usize;
        let end = loc.offset.saturating_add(u64::from(loc.len));
        buf.clear();
        if let Some(bytes) = self.in_window(loc.offset, len) {
            buf.extend_from_slice(bytes);
        } else if loc.offset == self.last && len < WINDOW {
            self.seek(loc.offset)?;
            self.window.resize(WINDOW, 0);
            let mut filled = 0;
            while filled < WINDOW {
                let n = match self
                    .file
                    .read(self.window.get_mut(filled..).unwrap_or_default())
                {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                filled += n;
            }
            self.window.truncate(filled);
            self.start = loc.offset;
            self.at = loc.offset.saturating_add(filled as u64);
            let bytes = self.in_window(loc.offset, len).ok_or_else(shorter)?;
            buf.extend_from_slice(bytes);
        } else {
            self.seek(loc.offset)?;
            buf.resize(len, 0);
            self.file.read_exact(buf).map_err(|e| {
                if e.kind() == std::io::ErrorKind::UnexpectedEof {
                    shorter()
                } else {
                    e
                }
            })?;
            self.at = end;
        }
        self.last = end;
        Ok(())
    }

    fn in_window(&self, offset: u64, len: usize) -> Option<&[u8]> {
        let from = usize::try_from(offset.checked_sub(self.start)?).ok()?;
        self.window.get(from..from.checked_add(len)?)
    }

    fn seek(&mut self, to: u64) -> std::io::Result<()> {
        if self.at != to {
            self.file.seek(SeekFrom::Start(to))?;
            self.at = to;
        }
        Ok(())
    }
}

fn shorter() -> std::io::Error {
    std::io::Error::other("the file is shorter than when first read")
}
