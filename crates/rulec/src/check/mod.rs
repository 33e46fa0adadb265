//! The checker: a parsed rule file becomes a [`Program`] (fields resolved
//! to slots, every expression typed, constants converted into the unit of
//! the field they are compared with), or the list of every problem in it.
//!
//! The lower layer: [`crate::Rules`] parses, checks and compiles in one
//! call, its problems as [`crate::Diagnostic`]s (each [`CheckError`]
//! converts into one).
//!
//! ```
//! let file = rulec::syntax::parse(r#"
//! fields { hemoglobin: g/L }
//! inclusion { hb "Hb > 80 g/L": hemoglobin > 8 g/dL }
//! "#)?;
//! let checked = rulec::check::check(&file, &rulec::check::NoImports);
//! assert!(checked.errors().next().is_none());
//! let program = checked.program.expect("no errors");
//! assert_eq!(program.criteria.len(), 1);
//!
//! // A bare number against a quantity is refused, with the fix.
//! let file = rulec::syntax::parse("fields { hemoglobin: g/L } inclusion { hb: hemoglobin > 80 }")?;
//! let checked = rulec::check::check(&file, &rulec::check::NoImports);
//! let error = checked.errors().next().expect("an error");
//! assert_eq!(
//!     error.to_string(),
//!     "`80` has no unit, but `hemoglobin` is a quantity (mass concentration) in `g/L`"
//! );
//! # Ok::<(), rulec::syntax::SyntaxError>(())
//! ```

mod bindings;
mod cohorts;
mod depth;
mod diagnostic;
mod examples;
mod expr;
mod items;
mod lint;
mod program;

pub use bindings::{
    Bindings, Bound, Code, CodeSet, Element, FieldBinding, Resource, SYSTEMS, Selection,
};
pub use diagnostic::{CheckError, ImportError};
pub use examples::{Example, Expected, Given};
pub use program::*;

use crate::syntax::RuleFile;

/// The outcome of checking a rule file.
#[derive(Debug)]
pub struct Checked {
    /// The program, when there is no error (warnings allowed).
    pub program: Option<Program>,
    /// Every error and warning, ordered by position.
    pub diagnostics: Vec<CheckError>,
}

impl Checked {
    /// The errors, without the warnings.
    pub fn errors(&self) -> impl Iterator<Item = &CheckError> {
        self.diagnostics.iter().filter(|d| !d.is_warning())
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &CheckError> {
        self.diagnostics.iter().filter(|d| d.is_warning())
    }
}

/// Where `use "file.rules"` finds the files it imports.
pub trait Imports {
    /// The source text of the file at `path`, as written in the `use`
    /// item, or why it cannot be read.
    ///
    /// # Errors
    ///
    /// A reason in words, such as "no such file".
    fn load(&self, path: &str) -> Result<String, String>;
}

/// No imports: every `use` fails. For rule files checked from memory.
#[derive(Debug, Clone, Copy)]
pub struct NoImports;

impl Imports for NoImports {
    fn load(&self, _path: &str) -> Result<String, String> {
        Err("this rule file was not read from a folder, so it cannot import files".to_owned())
    }
}

/// Imports relative to the folder of the importing file.
///
/// A rule file reads nothing but its imports, and by default only from
/// inside its own folder tree: an absolute path, a `..` that climbs out of
/// the folder, or a link that leads outside it is refused, unless
/// [`FolderImports::allow_outside`] says otherwise. Files larger than
/// [`crate::syntax::MAX_SOURCE_LEN`] are refused before they are read.
///
/// ```
/// use rulec::check::{FolderImports, Imports};
///
/// let imports = FolderImports::new("examples");
/// let refused = imports.load("../Cargo.toml").unwrap_err();
/// assert!(refused.contains("outside"), "{refused}");
/// assert!(imports.load("/etc/hostname").is_err());
/// ```
#[derive(Debug, Clone)]
pub struct FolderImports {
    folder: std::path::PathBuf,
    allow_outside: bool,
}

impl FolderImports {
    /// Imports from `folder` (the folder of the importing file) and the
    /// folders below it.
    pub fn new(folder: impl Into<std::path::PathBuf>) -> FolderImports {
        FolderImports {
            folder: folder.into(),
            allow_outside: false,
        }
    }

    /// Allows (or not) imports from anywhere the process can read: for
    /// rule files that share field declarations kept elsewhere.
    #[must_use]
    pub fn allow_outside(mut self, allow: bool) -> FolderImports {
        self.allow_outside = allow;
        self
    }
}

impl Imports for FolderImports {
    fn load(&self, path: &str) -> Result<String, String> {
        use std::io::Read;
        use std::path::{Component, Path};
        let full = self.folder.join(path);
        let cannot = |e: std::io::Error| format!("cannot read `{}`: {e}", full.display());
        let outside = || {
            format!(
                "`{path}` is outside the rule file's folder; rule files import only from their \
                 own folder and below (`--allow-imports-outside` lifts this)"
            )
        };
        if !self.allow_outside {
            let climbs = Path::new(path)
                .components()
                .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
            if climbs {
                return Err(outside());
            }
            // A link inside the folder may still lead outside it. (The
            // folder of a bare file name is the empty path: the working
            // directory.)
            let folder = if self.folder.as_os_str().is_empty() {
                Path::new(".")
            } else {
                self.folder.as_path()
            };
            let folder = folder.canonicalize().map_err(cannot)?;
            if !full.canonicalize().map_err(cannot)?.starts_with(folder) {
                return Err(outside());
            }
        }
        // Only a regular file: opening a named pipe waits for a writer
        // and a device may never end, which would hang an editor's
        // language server or the workbench on one `use`.
        if !std::fs::metadata(&full).map_err(cannot)?.is_file() {
            return Err(format!(
                "`{}` is not a regular file; `use` imports rule files",
                full.display()
            ));
        }
        // Read with the limit rather than trusting the size asked first:
        // the file may grow in between.
        let limit = crate::syntax::MAX_SOURCE_LEN;
        let mut text = String::new();
        std::fs::File::open(&full)
            .and_then(|file| file.take(limit as u64 + 1).read_to_string(&mut text))
            .map_err(cannot)?;
        if text.len() > limit {
            return Err(format!(
                "`{}` is larger than {} MiB, the most a rule file may be",
                full.display(),
                limit >> 20
            ));
        }
        Ok(text)
    }
}

/// Checks a parsed rule file.
///
/// Keeps going after an error: the result holds every problem found, in
/// source order, and a program only when none of them is an error.
pub fn check(file: &RuleFile, imports: &dyn Imports) -> Checked {
    let (program, mut diagnostics) = items::check_file(file, imports);
    diagnostics.sort_by_key(|d| (d.span().start, d.span().end));
    let program = diagnostics
        .iter()
        .all(CheckError::is_warning)
        .then_some(program);
    Checked {
        program,
        diagnostics,
    }
}
