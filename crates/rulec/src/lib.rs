//! rulec: a typed language for clinical-trial eligibility criteria.
//!
//! # Quick start
//!
//! Compile a rule file, read a patient record from JSON, evaluate it at the
//! screening date and print the verdict. Dates are [`jiff`] civil dates.
//!
//! ```
//! use rulec::eval::Status;
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // A rule file, inline here; in real use read it from disk.
//!     let source = r#"
//!         fields {
//!           hemoglobin: g/L
//!           creatinine: umol/L with normal range, molar mass 113.12 g/mol
//!           pregnant:   bool
//!         }
//!         inclusion {
//!           hemoglobin "Hb > 80 g/L":    hemoglobin > 80 g/L
//!           renal      "Cr < 2.5 x ULN": creatinine < 2.5 x ULN
//!         }
//!         exclusion {
//!           pregnancy  "Pregnant":       pregnant
//!         }
//!     "#;
//!
//!     // Parse, check (units, types, names), compile to closures; from a
//!     // file, `rulec::Rules::load(path)` reads it and its imports first.
//!     let rules = rulec::Rules::from_source(source)?;
//!     let (program, compiled) = (rules.program(), rules.compiled());
//!
//!     // A record from JSON: values are converted into the fields' units
//!     // (9.2 g/dL into g/L, creatinine and its range from mg/dL into umol/L).
//!     let json = r#"{"id": "p1", "hemoglobin": "9.2 g/dL",
//!                    "creatinine": {"value": 1.1, "unit": "mg/dL", "low": 0.6, "high": 1.2}}"#;
//!     let read = rulec::records::from_json_str(program, json, 1);
//!     for error in &read.errors {
//!         eprintln!("{error}");
//!     }
//!
//!     // Evaluate at the screening date: the compiled closures give the
//!     // verdict fast; `explain` gives the same verdict with the reasons.
//!     let index = jiff::civil::date(2026, 11, 24);
//!     let verdict = compiled.evaluate(&read.record, index)?;
//!     let explained = rulec::eval::explain(program, &read.record, index);
//!     assert_eq!(explained.verdict, verdict);
//!     println!("{}: {:?}", read.name(), verdict.status());
//!     for (criterion, why) in verdict.criteria().zip(&explained.explanations) {
//!         println!("  {}: {:?} — {why}", criterion.id, criterion.outcome);
//!     }
//!     println!("  missing: {}", verdict.missing().join(", "));
//!
//!     assert_eq!(verdict.status(), Status::Undetermined);
//!     assert_eq!(verdict.missing(), ["pregnant"]);
//!     Ok(())
//! }
//! ```
//!
//! When the rules do not parse or check, [`RulesError::Invalid`] holds
//! every problem as a [`Diagnostic`]: a stable code, a severity, the
//! message, labelled spans each in the file it points into (the rule file
//! or a file it imports with `use`) and help, whichever stage found it.
//!
//! Records also come from CSV ([`records::from_csv`]) and from Rust types
//! ([`records::ToRecord`], [`records::RecordBuilder`]).
//!
//! # The language
//!
//! A rule file reads like the protocol it comes from:
//!
//! ```
//! let source = r#"
//! fields {
//!   hemoglobin: g/L
//!   creatinine: umol/L with normal range
//! }
//!
//! inclusion {
//!   hemoglobin "Hb > 80 g/L":    hemoglobin > 80 g/L
//!   renal      "Cr < 2.5 x ULN": creatinine < 2.5 x ULN
//! }
//! "#;
//!
//! let file = rulec::syntax::parse(source)?;
//! assert_eq!(file.items.len(), 2);
//!
//! // Every node knows where it was written…
//! let rulec::syntax::Item::Criteria(block) = &file.items[1] else { unreachable!() };
//! let renal = &block.criteria[1];
//! assert_eq!(&source[renal.expr.span.range()], "creatinine < 2.5 x ULN");
//!
//! // …and the tree prints back to canonical source that parses to the same tree.
//! let printed = rulec::syntax::print(&file);
//! assert_eq!(rulec::syntax::parse(&printed)?, file);
//! # Ok::<(), rulec::syntax::SyntaxError>(())
//! ```
//!
//! Mistakes are reported as data, with a stable code, the span and what
//! was expected in words (a [`Diagnostic`] implements `miette::Diagnostic`):
//!
//! ```
//! let error = rulec::Rules::from_source("inclusion { hb: hemoglobin > 80 g//L }").unwrap_err();
//! let [diagnostic] = error.diagnostics() else { unreachable!() };
//! assert_eq!(diagnostic.code(), "rulec::syntax::malformed_unit");
//! assert_eq!(diagnostic.message(), "malformed unit `g//L`: two operators in a row");
//! ```
//!
//! # Modules
//!
//! [`Rules`] and [`Diagnostic`] are the common path. Below them, the
//! library follows the pipeline of the language; each stage is a module,
//! public for tools that need a stage on its own (a formatter, an editor,
//! a linter), and documented as that lower layer: [`syntax`] (source to a
//! spanned syntax tree and back), [`units`] (UCUM units, their dimensions
//! and exact conversions), [`check`] (a syntax tree to a typed program, or
//! its diagnostics), [`compile`] (a program to closures), [`eval`]
//! (three-valued verdicts, and the reference evaluator) and [`records`]
//! (patient records from JSON, CSV and Rust types). They build on
//! [`schema`] (fields, their slots, and the packed [`schema::Record`]) and
//! [`semantics`] (the language's rules — Kleene logic, comparison with
//! ties, calendar arithmetic — written once for every evaluator).
//! Beside the pipeline, [`document`] writes the criteria as a Markdown or
//! HTML document for a review board, and [`symbols`] gives an editor a
//! file's names: where each is declared and used, and what is at a cursor.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod check;
pub mod compile;
pub mod diagnostic;
pub mod document;
pub mod eval;
pub mod fhir;
pub mod records;
mod rules;
pub mod schema;
pub mod semantics;
pub mod sql;
mod suggest;
pub mod symbols;
pub mod syntax;
pub mod units;

pub use diagnostic::{Diagnostic, FileRef, Label, Severity};
pub use rules::{
    EXAMPLE_INDEX_DATE, ExampleRun, LoadOptions, ReadError, Rules, RulesError, Source, SourceFiles,
};

/// `#[derive(rulec::Record)]`: see [`records::Bind`].
#[cfg(feature = "derive")]
pub use rulec_derive::Record;

/// The code blocks of the README, run as doctests so that its quick start
/// stays the crate's.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
