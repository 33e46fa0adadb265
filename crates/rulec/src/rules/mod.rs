//! The common path from a rule file to a program ready to screen records:
//! read, parse, check, compile, with every problem as a [`Diagnostic`].

mod examples;
mod source;

use std::cell::RefCell;
use std::fmt;
use std::path::{Path, PathBuf};

use thiserror::Error;

pub use examples::{EXAMPLE_INDEX_DATE, ExampleRun};
pub use source::{ReadError, Source};

use crate::check::{FolderImports, Imports, NoImports, Program};
use crate::compile::Compiled;
use crate::diagnostic::{Diagnostic, FileRef};

/// A rule file read, parsed, checked and compiled.
///
/// ```
/// let rules = rulec::Rules::from_source(r#"
///     fields { hemoglobin: g/L, unused: bool }
///     inclusion { hb "Hb > 80 g/L": hemoglobin > 8 g/dL }
/// "#)?;
/// assert_eq!(rules.program().criteria.len(), 1);
/// // Warnings do not stop a rule file; they come with it.
/// assert_eq!(rules.warnings()[0].code(), "rulec::check::unused_field");
///
/// // Every error, not just the first.
/// let error = rulec::Rules::from_source("fields { a: g/L }\ninclusion {\n x: a > 1\n y: b\n}")
///     .unwrap_err();
/// let codes: Vec<_> = error.diagnostics().iter().map(|d| d.code()).collect();
/// assert_eq!(codes, ["rulec::check::bare_number", "rulec::check::unknown_name"]);
/// # Ok::<(), rulec::RulesError>(())
/// ```
pub struct Rules {
    program: Program,
    compiled: Compiled,
    warnings: Vec<Diagnostic>,
    files: SourceFiles,
}

impl fmt::Debug for Rules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rules")
            .field("program", &self.program)
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

/// How [`Rules::load_with`] reads a rule file.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    imports_outside: bool,
}

impl LoadOptions {
    /// Lets `use` import files outside the rule file's folder
    /// ([`FolderImports::allow_outside`]); by default it may not.
    #[must_use]
    pub fn imports_outside(mut self, allow: bool) -> Self {
        self.imports_outside = allow;
        self
    }
}

impl Rules {
    /// Parses, checks and compiles a rule file held in memory. A leading
    /// byte order mark is dropped; every `use` fails ([`NoImports`]).
    ///
    /// # Errors
    ///
    /// [`RulesError::Invalid`] with every diagnostic when the source does
    /// not parse or check.
    pub fn from_source(source: &str) -> Result<Rules, RulesError> {
        Rules::from_source_with_imports(source, &NoImports)
    }

    /// [`Rules::from_source`], with `use` resolved by `imports`.
    ///
    /// # Errors
    ///
    /// As [`Rules::from_source`].
    pub fn from_source_with_imports(
        source: &str,
        imports: &dyn Imports,
    ) -> Result<Rules, RulesError> {
        Rules::build(Source::new(source.to_owned()), imports)
    }

    /// Reads the rule file at `path` and builds it, `use` resolved relative
    /// to its folder and kept inside it.
    ///
    /// ```
    /// let rules = rulec::Rules::load("../../examples/nct03473496.rules")?;
    /// assert!(!rules.program().criteria.is_empty());
    ///
    /// let missing = rulec::Rules::load("no/such/file.rules").unwrap_err();
    /// assert!(matches!(missing, rulec::RulesError::Read { .. }));
    /// # Ok::<(), rulec::RulesError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RulesError::Read`] when the file cannot be read (it is larger than
    /// [`crate::syntax::MAX_SOURCE_LEN`], or not UTF-8), else as
    /// [`Rules::from_source`]. A problem inside an imported file points
    /// into that file ([`FileRef::Import`]).
    pub fn load(path: impl AsRef<Path>) -> Result<Rules, RulesError> {
        Rules::load_with(path, LoadOptions::default())
    }

    /// [`Rules::load`] with options.
    ///
    /// # Errors
    ///
    /// As [`Rules::load`].
    pub fn load_with(path: impl AsRef<Path>, options: LoadOptions) -> Result<Rules, RulesError> {
        let path = path.as_ref();
        let source = Source::read(path).map_err(|error| RulesError::Read {
            path: path.to_owned(),
            error,
        })?;
        // `use "x.rules"` is relative to the importing file, not to the
        // working directory. A bare file name has the empty path as parent,
        // which joins like the working directory, as it should.
        let imports = FolderImports::new(path.parent().unwrap_or(Path::new("")))
            .allow_outside(options.imports_outside);
        Rules::build(source, &imports)
    }

    fn build(source: Source, imports: &dyn Imports) -> Result<Rules, RulesError> {
        let file = match crate::syntax::parse(source.text()) {
            Ok(file) => file,
            Err(error) => {
                return Err(RulesError::Invalid {
                    diagnostics: vec![Diagnostic::from(error)],
                    files: SourceFiles::new(source, Vec::new()),
                });
            }
        };
        let recording = Recording {
            inner: imports,
            loaded: RefCell::new(Vec::new()),
        };
        let checked = crate::check::check(&file, &recording);
        let files = SourceFiles::new(source, recording.loaded.into_inner());
        let diagnostics = checked.diagnostics.iter().map(Diagnostic::from).collect();
        match checked.program {
            Some(program) => Ok(Rules {
                compiled: crate::compile::compile(&program),
                program,
                warnings: diagnostics,
                files,
            }),
            None => Err(RulesError::Invalid { diagnostics, files }),
        }
    }

    /// The checked program: the lower layer, for the reference evaluator,
    /// explanations and reading records.
    #[must_use]
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The program compiled to closures, to screen records fast.
    #[must_use]
    pub fn compiled(&self) -> &Compiled {
        &self.compiled
    }

    /// The checker's warnings, in source order.
    #[must_use]
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The text of the rule file and of the files it imported, which the
    /// warnings' spans point into.
    #[must_use]
    pub fn files(&self) -> &SourceFiles {
        &self.files
    }

    /// The checked and the compiled program.
    #[must_use]
    pub fn into_parts(self) -> (Program, Compiled) {
        (self.program, self.compiled)
    }
}

/// Why [`Rules`] could not be built.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RulesError {
    /// The rule file could not be read.
    #[error("cannot read `{}`: {error}", path.display())]
    Read {
        /// The path as given.
        path: PathBuf,
        /// Why.
        #[source]
        error: ReadError,
    },
    /// The rule file does not parse or check.
    #[error("{}", summary(diagnostics))]
    Invalid {
        /// Every error (a syntax error stops the parser, so there is one
        /// then), with the checker's warnings among them, in source order.
        diagnostics: Vec<Diagnostic>,
        /// The texts the diagnostics point into.
        files: SourceFiles,
    },
}

impl RulesError {
    /// The diagnostics: none for a file that cannot be read.
    #[must_use]
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            RulesError::Read { .. } => &[],
            RulesError::Invalid { diagnostics, .. } => diagnostics,
        }
    }
}

/// `the rule file has 2 errors; the first: …`.
fn summary(diagnostics: &[Diagnostic]) -> String {
    let mut errors = diagnostics.iter().filter(|d| !d.is_warning());
    let count = errors.clone().count();
    let first = errors.next().map_or("", Diagnostic::message);
    match count {
        1 => format!("the rule file has an error: {first}"),
        n => format!("the rule file has {n} errors; the first: {first}"),
    }
}

/// The texts diagnostics point into: the rule file, and each file it
/// imported as the checker read it.
#[derive(Debug, Clone)]
pub struct SourceFiles {
    main: Source,
    imports: Vec<(String, String)>,
}

/// A rule file that imports nothing, such as one being formatted.
impl From<Source> for SourceFiles {
    fn from(main: Source) -> Self {
        SourceFiles::new(main, Vec::new())
    }
}

impl SourceFiles {
    fn new(main: Source, imports: Vec<(String, String)>) -> Self {
        SourceFiles { main, imports }
    }

    /// The rule file.
    #[must_use]
    pub fn main(&self) -> &Source {
        &self.main
    }

    /// The text a label's [`FileRef`] points into.
    #[must_use]
    pub fn text(&self, file: &FileRef) -> Option<&str> {
        match file {
            FileRef::Main => Some(self.main.text()),
            FileRef::Import(path) => self
                .imports
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, text)| text.as_str()),
        }
    }
}

/// Keeps the text of each file the checker imports, for diagnostics to be
/// shown in it.
struct Recording<'a> {
    inner: &'a dyn Imports,
    loaded: RefCell<Vec<(String, String)>>,
}

impl Imports for Recording<'_> {
    fn load(&self, path: &str) -> Result<String, String> {
        let text = self.inner.load(path)?;
        // The checker loads one file at a time: the cell is never borrowed
        // here already, and a failure would only lose a snippet.
        if let Ok(mut loaded) = self.loaded.try_borrow_mut() {
            loaded.push((path.to_owned(), text.clone()));
        }
        Ok(text)
    }
}
