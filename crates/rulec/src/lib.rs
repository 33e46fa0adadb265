//! rulec: a typed language for clinical-trial eligibility criteria.
//!
//! The library follows the pipeline of the language: [`syntax`] parses a
//! rule file into a spanned syntax tree (and prints it back); the checker
//! and the compiler build on that tree.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod syntax;
