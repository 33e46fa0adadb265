//! rulec: a typed language for clinical-trial eligibility criteria.
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
//! was expected in words (render them with `miette`):
//!
//! ```
//! let error = rulec::syntax::parse("inclusion { hb: hemoglobin > 80 g//L }").unwrap_err();
//! assert_eq!(error.to_string(), "malformed unit `g//L`: two operators in a row");
//! ```
//!
//! The library follows the pipeline of the language; each stage is a
//! module. Today: [`syntax`] (source to a spanned syntax tree and back) and
//! [`units`] (UCUM units, their dimensions and exact conversions). Being
//! built on them: the checker, the compiler to closures, and the
//! three-valued evaluator.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod check;
pub mod compile;
pub mod eval;
pub mod records;
mod suggest;
pub mod syntax;
pub mod units;
