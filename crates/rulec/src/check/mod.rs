//! The checker: a parsed rule file becomes a [`Program`] (fields resolved
//! to slots, every expression typed, constants converted into the unit of
//! the field they are compared with), or the list of every problem in it.
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

mod diagnostic;
mod expr;
mod items;
mod program;

pub use diagnostic::CheckError;
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
#[derive(Debug, Clone)]
pub struct FolderImports {
    /// The folder of the importing file.
    pub folder: std::path::PathBuf,
}

impl Imports for FolderImports {
    fn load(&self, path: &str) -> Result<String, String> {
        let full = self.folder.join(path);
        std::fs::read_to_string(&full).map_err(|e| format!("cannot read `{}`: {e}", full.display()))
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
