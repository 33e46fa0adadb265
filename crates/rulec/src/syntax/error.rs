//! Syntax diagnostics as data: what went wrong and where. Turning pest's
//! failure into one of these lives in `diagnose.rs`.

use miette::Diagnostic;
use thiserror::Error;

use super::span::Span;

/// A syntax error in a rule file.
///
/// Each variant has a stable code (listed with an example in
/// `docs/language.md`, "Syntax errors"), the span it concerns and, where one
/// helps, a suggestion.
#[derive(Clone, Debug, PartialEq, Eq, Error, Diagnostic)]
#[non_exhaustive]
pub enum SyntaxError {
    /// The parser met something it could not continue with.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(rulec::syntax::expected))]
    Expected {
        /// What would have been accepted, in words.
        expected: String,
        /// What was there instead, in words.
        found: String,
        /// Where.
        #[label("{found} is not expected here")]
        span: Span,
        /// A suggestion.
        #[help]
        help: Option<String>,
    },

    /// A reserved word where a name was expected.
    #[error("`{word}` is a reserved word and cannot be used as a name")]
    #[diagnostic(
        code(rulec::syntax::reserved_word),
        help("rename it, for example `{word}_1`; reserved words are listed in docs/language.md")
    )]
    ReservedWord {
        /// The word.
        word: String,
        /// Where it was written.
        #[label("reserved word")]
        span: Span,
    },

    /// A string without its closing quote on the same line.
    #[error("unterminated string")]
    #[diagnostic(
        code(rulec::syntax::unterminated_string),
        help(
            "close the string with `\"` on the same line; a long label can be split into several strings"
        )
    )]
    UnterminatedString {
        /// From the opening quote to the end of its line.
        #[label("this string is not closed")]
        span: Span,
    },

    /// An opening bracket without its closing one.
    #[error("unclosed `{open}`")]
    #[diagnostic(
        code(rulec::syntax::unclosed_delimiter),
        help("add the missing `{close}`")
    )]
    UnclosedDelimiter {
        /// The opening bracket.
        open: char,
        /// The bracket that would close it.
        close: char,
        /// Where the opening bracket is.
        #[label("opened here")]
        span: Span,
        /// Where the closing one was expected.
        #[label("expected `{close}` here")]
        expected_at: Span,
    },

    /// Text after a number that looks like a unit but is not well formed.
    #[error("malformed unit `{unit}`: {reason}")]
    #[diagnostic(
        code(rulec::syntax::malformed_unit),
        help(
            "units are UCUM expressions without spaces, such as `g/L`, `mg/dL`, `10^9/L` or `mL/min/{{1.73_m2}}`"
        )
    )]
    MalformedUnit {
        /// The text as written.
        unit: String,
        /// What is wrong with it.
        reason: String,
        /// Where.
        #[label("{reason}")]
        span: Span,
    },

    /// An option given twice in a field type.
    #[error("`{option}` is given twice")]
    #[diagnostic(code(rulec::syntax::duplicate_option), help("remove one of them"))]
    DuplicateOption {
        /// The option, as written in the language.
        option: &'static str,
        /// The second occurrence.
        #[label("given again here")]
        span: Span,
    },

    /// A whole number too large for its place (an integer bound, a count).
    #[error("number out of range")]
    #[diagnostic(
        code(rulec::syntax::number_out_of_range),
        help("integer bounds must fit in 64 bits and counts in 32 bits")
    )]
    NumberOutOfRange {
        /// The number.
        #[label("too large")]
        span: Span,
    },

    /// Expressions nested more deeply than rulec accepts.
    #[error("expression nested more than {limit} levels deep")]
    #[diagnostic(
        code(rulec::syntax::too_deep),
        help("split the condition into `define`s and refer to them by name")
    )]
    TooDeep {
        /// The limit.
        limit: usize,
        /// Where the limit was passed.
        #[label("nesting passes the limit here")]
        span: Span,
    },

    /// A bidi control or an invisible character, anywhere in the file:
    /// the text does not read as it works ("Trojan Source").
    #[error("{what} {character} {place}")]
    #[diagnostic(code(rulec::syntax::invisible_character))]
    HiddenCharacter {
        /// `text direction control` or `invisible character`.
        what: &'static str,
        /// Its code point and name: `U+202E RIGHT-TO-LEFT OVERRIDE`.
        character: String,
        /// `in a string`, `in a comment`, `in a name` …
        place: &'static str,
        /// The first one.
        #[label("{character}")]
        span: Span,
        /// The next ones, up to nine.
        #[label(collection, "another hidden character")]
        others: Vec<Span>,
        /// Why it is refused, and where the others are.
        #[help]
        help: String,
    },

    /// A letter outside ASCII in a name, such as a Cyrillic `а` that
    /// looks like a Latin `a`.
    #[error("`{character}` ({description}) is not an ASCII letter{looks}")]
    #[diagnostic(
        code(rulec::syntax::non_ascii_name),
        help("names are written with ASCII letters, digits and `_`; retype the name{fix}")
    )]
    NonAsciiName {
        /// The letter.
        character: char,
        /// Its code point, and its name when rulec knows it:
        /// `U+0430 CYRILLIC SMALL LETTER A`.
        description: String,
        /// `, but looks like `a``, when it looks like an ASCII letter.
        looks: String,
        /// ``, writing `a` for it`, when it looks like one.
        fix: String,
        /// The letter, in the name.
        #[label("in the name `{name}`")]
        span: Span,
        /// The name as written.
        name: String,
    },

    /// An expression whose tree is deeper than rulec accepts: a long run
    /// of operators nests one level per operator.
    #[error("expression too deep: more than {limit} operators inside one another")]
    #[diagnostic(
        code(rulec::syntax::too_complex),
        help(
            "each `and`, `or` or arithmetic operator in a run nests one level: list many conditions in `all of (…)` or `any of (…)`, or name parts with `define`"
        )
    )]
    TooComplex {
        /// The limit.
        limit: usize,
        /// Where the limit was passed.
        #[label("the limit is passed here")]
        span: Span,
    },

    /// The source is larger than rulec accepts.
    #[error("rule file too large: {size} bytes (the limit is {limit} bytes)")]
    #[diagnostic(code(rulec::syntax::too_large))]
    TooLarge {
        /// The size of the source.
        size: usize,
        /// The limit.
        limit: usize,
    },

    /// The parser produced a shape the lowering did not expect: a bug in
    /// rulec, reported instead of a panic.
    #[error("internal error: unexpected syntax tree shape")]
    #[diagnostic(
        code(rulec::syntax::internal),
        help("this is a bug in rulec; please report it with the rule file")
    )]
    Internal {
        /// Where.
        #[label("here")]
        span: Span,
    },
}

impl SyntaxError {
    /// The primary location of the error.
    #[must_use]
    pub fn span(&self) -> Span {
        match self {
            SyntaxError::Expected { span, .. }
            | SyntaxError::ReservedWord { span, .. }
            | SyntaxError::UnterminatedString { span }
            | SyntaxError::MalformedUnit { span, .. }
            | SyntaxError::NumberOutOfRange { span }
            | SyntaxError::TooDeep { span, .. }
            | SyntaxError::TooComplex { span, .. }
            | SyntaxError::DuplicateOption { span, .. }
            | SyntaxError::HiddenCharacter { span, .. }
            | SyntaxError::NonAsciiName { span, .. }
            | SyntaxError::Internal { span } => *span,
            SyntaxError::UnclosedDelimiter { expected_at, .. } => *expected_at,
            SyntaxError::TooLarge { .. } => Span::default(),
        }
    }
}

impl From<SyntaxError> for crate::diagnostic::Diagnostic {
    fn from(error: SyntaxError) -> Self {
        Self::from(&error)
    }
}

impl From<&SyntaxError> for crate::diagnostic::Diagnostic {
    fn from(error: &SyntaxError) -> Self {
        let span = error.span();
        Self::from_miette(error, (span.start, span.end))
    }
}
