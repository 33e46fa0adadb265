//! The front end: source text to syntax tree and back.
//!
//! The lower layer: [`crate::Rules`] parses, checks and compiles in one
//! call. Use this module on its own to work on the tree (format, print,
//! inspect a rule file that need not check).
//!
//! [`parse`] turns a rule file into a [`RuleFile`] whose every node carries
//! its [`Span`]; [`print()`] turns a tree back into canonical source, such
//! that parsing the printed text gives an equal tree.
//!
//! ```
//! let file = rulec::syntax::parse("inclusion { hb \"Hb > 80 g/L\": hemoglobin > 80 g/L }")?;
//! let printed = rulec::syntax::print(&file);
//! assert_eq!(rulec::syntax::parse(&printed)?, file);
//! # Ok::<(), rulec::syntax::SyntaxError>(())
//! ```

mod ast;
mod diagnose;
mod error;
mod format;
mod hidden;
mod lower;
mod print;
mod span;

pub use ast::*;
pub use error::SyntaxError;
pub use format::format;
pub use hidden::is_hidden_character;
pub(crate) use print::type_text;
pub use print::{print, print_expr};
pub use span::{Name, Span, Spanned};

/// The largest rule file accepted, in bytes. A real protocol is a few
/// kilobytes, and 10,000 criteria some 600 KB; far larger input is refused
/// up front, so that checking a file takes a few seconds at most (parsing
/// runs at 7 MB/s or more) instead of as long as the file is large.
pub const MAX_SOURCE_LEN: usize = 8 * 1024 * 1024;

/// How deeply expressions may nest (parentheses, groups, `where` clauses,
/// chains of `not`). Real criteria nest a handful of levels; the limit keeps
/// every recursive pass over the tree far from the end of the stack.
pub const MAX_NESTING: usize = 64;

/// How deep the tree of an expression may be, every define it uses
/// counted as written out in place: a run of `k` operators (`a and b and
/// …`) is `k` levels, a test, group or `where` one. Checking, evaluating
/// and explaining recurse down the tree; this keeps them far from the end
/// of the stack (a debug build's checker takes some 20 KB a level; the
/// main thread has 8 MiB). Long runs of conditions belong in `all of (…)`
/// or `any of (…)`, which do not nest.
pub const MAX_DEPTH: usize = 256;

/// The longest name (field, define, list, member or criterion id), in
/// bytes. Longer names are refused by the checker: nobody reads them, and
/// columns aligned on them would be as wide.
pub const MAX_NAME_LEN: usize = 255;

/// Words that cannot name a field, define, criterion or list.
pub const RESERVED: &[&str] = &[
    "after",
    "all",
    "and",
    "any",
    "at",
    "before",
    "between",
    "count",
    "define",
    "else",
    "exclusion",
    "false",
    "fields",
    "has",
    "if",
    "in",
    "inclusion",
    "index",
    "is",
    "known",
    "least",
    "LLN",
    "missing",
    "no",
    "none",
    "not",
    "of",
    "or",
    "then",
    "trial",
    "true",
    "ULN",
    "use",
    "where",
    "within",
];

/// Parses a rule file.
///
/// Stops at the first syntax error, which is returned with its span.
///
/// # Errors
///
/// A [`SyntaxError`] describing the first problem in the source.
pub fn parse(source: &str) -> Result<RuleFile, SyntaxError> {
    check_size(source)?;
    lower::parse_file(source)
}

/// Parses a single expression, such as `hemoglobin > 80 g/L`.
///
/// ```
/// use rulec::syntax::{parse_expr, ExprKind, CompareOp};
/// let e = parse_expr("kps > 60")?;
/// assert!(matches!(e.node, ExprKind::Compare { op: CompareOp::Gt, .. }));
/// # Ok::<(), rulec::syntax::SyntaxError>(())
/// ```
///
/// # Errors
///
/// A [`SyntaxError`] if the input is not exactly one expression.
pub fn parse_expr(source: &str) -> Result<Expr, SyntaxError> {
    check_size(source)?;
    lower::parse_expr(source)
}

/// Refuses what must be refused before parsing: a source too large to
/// parse quickly, and hidden characters, which the grammar would accept in
/// strings and comments.
fn check_size(source: &str) -> Result<(), SyntaxError> {
    if source.len() > MAX_SOURCE_LEN {
        return Err(SyntaxError::TooLarge {
            size: source.len(),
            limit: MAX_SOURCE_LEN,
        });
    }
    match hidden::find_hidden(source) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `RESERVED` and the grammar's `reserved` rule must list the same words.
    #[test]
    fn every_reserved_word_is_refused_as_a_name() {
        for word in RESERVED {
            let error = parse(&format!("define {word}: x")).unwrap_err();
            assert!(
                matches!(error, SyntaxError::ReservedWord { .. }),
                "{word}: {error:?}"
            );
        }
    }

    #[test]
    fn words_that_only_start_with_a_reserved_word_are_names() {
        for word in RESERVED {
            let name = format!("{word}_x");
            let file = parse(&format!("define {name}: x")).unwrap();
            assert!(matches!(&file.items[..], [Item::Define(d)] if d.name.node == name));
        }
        for word in [
            "years", "bool", "date", "list", "indexed", "nothing", "order", "first",
        ] {
            parse(&format!("define {word}: x")).unwrap();
        }
    }
}
