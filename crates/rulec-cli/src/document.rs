//! `rulec render`: the criteria as a document for a review board, in
//! Markdown or HTML ([`rulec::document`]), on stdout or in `--output`.

use std::path::{Path, PathBuf};

use crate::check::{Status, eprintln_quiet, load};
use crate::output::{Inputs, Output, WriteFailure};

/// The formats `--format` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocumentFormat {
    /// Markdown (CommonMark, with a table of fields).
    Md,
    /// A self-contained HTML page.
    Html,
}

/// What `rulec render` was asked for.
#[derive(Debug)]
pub struct Options {
    /// The rule file.
    pub rules: PathBuf,
    /// The format.
    pub format: DocumentFormat,
    /// Where to write; stdout when `None`.
    pub output: Option<PathBuf>,
    /// Whether diagnostics may be coloured.
    pub colour: bool,
    /// Whether `use` may import files outside the rule file's folder.
    pub imports_outside: bool,
}

/// Runs `rulec render`: diagnostics and exit 1 for rules that do not
/// check, as `rulec check` shows them.
pub fn run(options: &Options) -> Status {
    let rules = match load(&options.rules, options.colour, options.imports_outside) {
        Ok(rules) => rules,
        Err(status) => return status,
    };
    let format = match options.format {
        DocumentFormat::Md => rulec::document::Format::Markdown,
        DocumentFormat::Html => rulec::document::Format::Html,
    };
    let text = rulec::document::document(&rules, format);
    match write(options, &rules, &text) {
        Ok(()) => Status::Clean,
        Err(WriteFailure::ReaderGone) => Status::Trouble,
        Err(WriteFailure::Said(reason)) => {
            eprintln_quiet(&format!("error: {reason}"));
            Status::Trouble
        }
    }
}

/// Writes the document, refusing to overwrite the rule file or a file it
/// imports.
fn write(options: &Options, rules: &rulec::Rules, text: &str) -> Result<(), WriteFailure> {
    let mut inputs = Inputs::default();
    inputs.add("the rule file", &options.rules);
    let folder = options.rules.parent().unwrap_or(Path::new("."));
    for import in &rules.program().imports {
        inputs.add("the imported rule file", &folder.join(import));
    }
    let mut output =
        Output::open(options.output.as_deref(), &inputs).map_err(WriteFailure::Said)?;
    output.write(text)?;
    output.finish(true)
}
