//! A document as the library sees it: checked (every diagnostic, of the
//! file and of the files it `use`s), parsed, its names resolved. Rebuilt
//! whole on every change: rule files are small, and the library checks a
//! protocol in well under a millisecond.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Component, Path, PathBuf};

use lsp_types::{Location, Uri};

use rulec::check::{FolderImports, Imports, Program};
use rulec::symbols::Symbols;
use rulec::syntax::{Item, RuleFile};
use rulec::{Diagnostic, FileRef, SourceFiles};

use super::text::{LineIndex, file_uri};

/// What the server knows of one open document.
#[derive(Debug)]
pub struct Analysis {
    /// The file's text as the editor holds it.
    pub text: String,
    /// The file's text without a byte order mark: what offsets count in.
    pub body: String,
    /// Every diagnostic of the file and its imports, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// The texts the diagnostics point into.
    pub files: Option<SourceFiles>,
    /// The file's syntax tree, when it parses.
    pub file: Option<RuleFile>,
    /// Its names; empty when it does not parse.
    pub symbols: Symbols,
    /// The checked program, when there is no error: the types of defines.
    pub program: Option<Program>,
    /// The folder `use` paths are relative to (none for an unsaved file).
    pub folder: Option<PathBuf>,
    /// The files its `use` items name, by path.
    pub uses: Vec<PathBuf>,
}

impl Analysis {
    /// The text of a file a label points into.
    pub fn text(&self, file: &FileRef) -> Option<&str> {
        match file {
            FileRef::Main => Some(&self.text),
            other => self.files.as_ref()?.text(other),
        }
    }

    /// The path of a file a label points into.
    pub fn path(&self, file: &FileRef, main: Option<&Path>) -> Option<PathBuf> {
        match file {
            FileRef::Main => main.map(Path::to_path_buf),
            FileRef::Import(path) => Some(self.folder.as_ref()?.join(path).components().collect()),
            _ => None,
        }
    }
}

/// Where the spans of a document's files are, in the protocol's terms:
/// each file's URI, and its line index built once.
pub struct Places<'a> {
    analysis: &'a Analysis,
    uri: &'a Uri,
    path: Option<&'a Path>,
    indexes: HashMap<FileRef, LineIndex<'a>>,
}

impl<'a> Places<'a> {
    /// The places of `analysis`, the document at `uri` (and `path`).
    pub fn new(analysis: &'a Analysis, uri: &'a Uri, path: Option<&'a Path>) -> Self {
        Places {
            analysis,
            uri,
            path,
            indexes: HashMap::new(),
        }
    }

    /// The location of bytes `start..end` of `file`; `None` for a file
    /// whose text or place is not known.
    pub fn location(&mut self, file: &FileRef, start: usize, end: usize) -> Option<Location> {
        let uri = match file {
            FileRef::Main => self.uri.clone(),
            other => file_uri(&self.analysis.path(other, self.path)?)?,
        };
        let index = match self.indexes.entry(file.clone()) {
            Entry::Occupied(found) => found.into_mut(),
            Entry::Vacant(slot) => slot.insert(LineIndex::new(self.analysis.text(file)?)),
        };
        Some(Location::new(uri, index.range(start, end)))
    }
}

/// `use` as the editor sees it: relative to the document's folder and
/// kept inside it, as `rulec check` reads it, but an imported file open in
/// the editor is read as it stands there, saved or not (even never saved:
/// the open text comes first, the disk after).
struct EditorImports<'a> {
    folder: Option<&'a Path>,
    open: &'a HashMap<PathBuf, String>,
}

impl EditorImports<'_> {
    /// The open document `path` names, when the folder's rules let it be
    /// read: no `..`, root or prefix in `path`, and, if it is on disk too,
    /// no link out of the folder on the way (as `FolderImports` asks).
    fn open_text(&self, folder: &Path, path: &str) -> Option<&String> {
        let full: PathBuf = folder.join(path).components().collect();
        let text = self.open.get(&full)?;
        let climbs = Path::new(path)
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
        if climbs || text.len() > rulec::syntax::MAX_SOURCE_LEN {
            return None;
        }
        if std::fs::symlink_metadata(&full).is_ok() {
            let base = if folder.as_os_str().is_empty() {
                Path::new(".")
            } else {
                folder
            };
            let (Ok(base), Ok(real)) = (base.canonicalize(), full.canonicalize()) else {
                return None;
            };
            if !real.starts_with(base) {
                return None;
            }
        }
        Some(text)
    }
}

impl Imports for EditorImports<'_> {
    fn load(&self, path: &str) -> Result<String, String> {
        let Some(folder) = self.folder else {
            return rulec::check::NoImports.load(path);
        };
        match self.open_text(folder, path) {
            Some(text) => Ok(text.clone()),
            // The folder's rules decide what may be read, and say why not.
            None => FolderImports::new(folder).load(path),
        }
    }
}

/// Checks and reads `text`, the document at `path` (none for an unsaved
/// one); `open` holds the other open documents' texts by path.
pub fn analyse(text: &str, path: Option<&Path>, open: &HashMap<PathBuf, String>) -> Analysis {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text).to_owned();
    let folder = path.map(|p| p.parent().unwrap_or(Path::new("")).to_path_buf());
    let imports = EditorImports {
        folder: folder.as_deref(),
        open,
    };
    let (diagnostics, files, program) =
        match rulec::Rules::from_source_with_imports(&body, &imports) {
            Ok(rules) => {
                let (diagnostics, files) = (rules.warnings().to_vec(), rules.files().clone());
                (diagnostics, Some(files), Some(rules.into_parts().0))
            }
            Err(rulec::RulesError::Invalid { diagnostics, files }) => {
                (diagnostics, Some(files), None)
            }
            Err(other) => (other.diagnostics().to_vec(), None, None),
        };
    let file = rulec::syntax::parse(&body).ok();
    let symbols = file.as_ref().map_or_else(Symbols::default, |file| {
        let imported: Vec<(String, RuleFile)> = file
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Use(u) => {
                    let text = files
                        .as_ref()?
                        .text(&FileRef::Import(u.path.node.clone()))?;
                    let parsed = rulec::syntax::parse(text).ok()?;
                    Some((u.path.node.clone(), parsed))
                }
                _ => None,
            })
            .collect();
        Symbols::new(file, &imported)
    });
    let uses = match (&file, &folder) {
        (Some(file), Some(folder)) => file
            .items
            .iter()
            .filter_map(|item| match item {
                // `components` drops the `.` of `./lab.rules`.
                Item::Use(u) => Some(folder.join(&u.path.node).components().collect()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Analysis {
        text: text.to_owned(),
        uses,
        body,
        diagnostics,
        files,
        file,
        symbols,
        program,
        folder,
    }
}
