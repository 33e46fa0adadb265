//! One diagnostic type for every problem rulec reports about rule files
//! and records: a stable code, a severity, a message, labelled spans each
//! in the file it points into, and help.
//!
//! The stages keep their own typed errors (`rulec::syntax::SyntaxError`,
//! `rulec::check::CheckError`, `rulec::units::UnitError`,
//! `rulec::records::DataError`) for callers who match on them; each
//! converts into a [`Diagnostic`] (`From`, next to the error), which is
//! what `rulec::Rules` returns and what a tool renders.
//!
//! This module sits at the bottom of the crate: it names no other module
//! (not even in these docs), so every stage can convert into it without an
//! import cycle. Its spans are therefore plain byte offsets, not
//! `rulec::syntax::Span`s.

use std::fmt;

/// The file a label points into.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileRef {
    /// The rule file being read (or the source passed in memory).
    Main,
    /// A file imported with `use`, by its path as written in the `use`.
    Import(String),
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// The rule file (or the record's field) cannot be used.
    Error,
    /// Worth a look, but the rule file still checks.
    Warning,
}

/// A span of a diagnostic with its words: byte offsets into one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    file: FileRef,
    start: u32,
    end: u32,
    text: Option<String>,
    primary: bool,
}

impl Label {
    /// A label on bytes `start..end` of `file`.
    #[must_use]
    pub fn new(file: FileRef, start: u32, end: u32, text: Option<String>, primary: bool) -> Label {
        Label {
            file,
            start,
            end: end.max(start),
            text,
            primary,
        }
    }

    /// The file the span is in.
    #[must_use]
    pub fn file(&self) -> &FileRef {
        &self.file
    }

    /// The first byte of the span, in its file's text.
    #[must_use]
    pub fn start(&self) -> u32 {
        self.start
    }

    /// One past the last byte of the span.
    #[must_use]
    pub fn end(&self) -> u32 {
        self.end
    }

    /// The words shown at the span, if any.
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// Whether this is the diagnostic's main location (the one a header
    /// `file:line:column` names).
    #[must_use]
    pub fn is_primary(&self) -> bool {
        self.primary
    }
}

/// A problem in a rule file or a record, ready to be shown.
///
/// ```
/// let error = rulec::syntax::parse("inclusion { hb: x > 80 g//L }").unwrap_err();
/// let diagnostic = rulec::Diagnostic::from(error);
/// assert_eq!(diagnostic.code(), "rulec::syntax::malformed_unit");
/// assert_eq!(diagnostic.severity(), rulec::Severity::Error);
/// let primary = diagnostic.primary().expect("a location");
/// assert_eq!((primary.start(), primary.end()), (23, 27));
/// assert_eq!(primary.file(), &rulec::FileRef::Main);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    code: String,
    severity: Severity,
    message: String,
    labels: Vec<Label>,
    help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with no label and no help.
    #[must_use]
    pub fn new(code: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.into(),
            severity,
            message: message.into(),
            labels: Vec::new(),
            help: None,
        }
    }

    /// Adds a label.
    #[must_use]
    pub fn with_label(mut self, label: Label) -> Self {
        self.labels.push(label);
        self
    }

    /// Sets the help.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The stable code, such as `rulec::syntax::expected`.
    #[must_use]
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Error or warning.
    #[must_use]
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// Whether this is a warning rather than an error.
    #[must_use]
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// The one-line message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The labelled spans, in the order the stage gave them.
    #[must_use]
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// The suggestion, if there is one.
    #[must_use]
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// The main location: the first primary label, else the first label.
    #[must_use]
    pub fn primary(&self) -> Option<&Label> {
        self.labels
            .iter()
            .find(|l| l.primary)
            .or_else(|| self.labels.first())
    }

    /// The same diagnostic with every span in the file [`FileRef::Main`]
    /// moved into `file`: for a diagnostic about a file imported with `use`.
    #[must_use]
    pub(crate) fn moved_into(mut self, file: &FileRef) -> Self {
        for label in &mut self.labels {
            if label.file == FileRef::Main {
                label.file = file.clone();
            }
        }
        self
    }

    /// Reads a stage's typed error through its `miette` form, the one
    /// place where codes, words and labels are taken from it. Labels at
    /// `primary` (byte offsets) are the main location; all are in the
    /// main file.
    pub(crate) fn from_miette(error: &dyn miette::Diagnostic, primary: (u32, u32)) -> Self {
        let severity = match error.severity() {
            Some(miette::Severity::Warning | miette::Severity::Advice) => Severity::Warning,
            Some(miette::Severity::Error) | None => Severity::Error,
        };
        let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let labels = error
            .labels()
            .map(|labels| {
                labels
                    .map(|l| {
                        let (start, end) = (offset(l.offset()), offset(l.offset() + l.len()));
                        let primary = l.primary() || (start, end) == primary;
                        Label::new(
                            FileRef::Main,
                            start,
                            end,
                            l.label().map(str::to_owned),
                            primary,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Diagnostic {
            code: error.code().map(|c| c.to_string()).unwrap_or_default(),
            severity,
            message: error.to_string(),
            labels,
            help: error.help().map(|h| h.to_string()),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// For rendering with `miette`. `miette` shows one source per diagnostic,
/// so only the labels in [`FileRef::Main`] are given; a tool that shows
/// imported files reads [`Diagnostic::labels`].
impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let labels = self
            .labels
            .iter()
            .filter(|l| l.file == FileRef::Main)
            .map(|l| {
                let span = (l.start as usize, (l.end - l.start) as usize);
                if l.primary {
                    miette::LabeledSpan::new_primary_with_span(l.text.clone(), span)
                } else {
                    miette::LabeledSpan::new_with_span(l.text.clone(), span)
                }
            });
        Some(Box::new(labels))
    }
}
