//! Syntax diagnostics: what went wrong, where, and what was expected, in
//! the words of the language rather than of the grammar.

use std::collections::BTreeSet;

use miette::Diagnostic;
use thiserror::Error;

use super::lower::Rule;
use super::span::Span;

/// A syntax error in a rule file.
///
/// Each variant has a stable code (see `docs/diagnostics.md`), the span it
/// concerns and, where one helps, a suggestion.
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
        #[label("expected {expected}")]
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
    #[error("expression nested too deeply (more than {limit} levels)")]
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
            | SyntaxError::Internal { span } => *span,
            SyntaxError::UnclosedDelimiter { expected_at, .. } => *expected_at,
            SyntaxError::TooLarge { .. } => Span::default(),
        }
    }
}

/// What a grammar rule means to someone writing rules, most telling first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Expect {
    Colon,
    FieldType,
    Member,
    Of,
    Where,
    KnownOrMissing,
    BeforeOrAfter,
    Least,
    WholeNumber,
    RangeDots,
    Expression,
    Comparison,
    Logic,
    Arithmetic,
    CloseParen,
    Comma,
    OpenBrace,
    CloseBrace,
    OpenParen,
    String,
    Name,
    Item,
    Unit,
    NormalRange,
    MolarMass,
}

impl Expect {
    fn words(self) -> &'static str {
        match self {
            Expect::Colon => "`:`",
            Expect::FieldType => {
                "a field type such as `bool`, `integer 0..100`, `date`, `one of { … }` or a unit such as `g/L`"
            }
            Expect::Member => "a member name",
            Expect::Of => "`of`",
            Expect::Where => "`where`",
            Expect::KnownOrMissing => "`known` or `missing`",
            Expect::BeforeOrAfter => "`before` or `after`",
            Expect::Least => "`least`",
            Expect::WholeNumber => "a whole number",
            Expect::RangeDots => "`..`",
            Expect::Expression => "an expression such as a field name, a number or `(`",
            Expect::Comparison => "a comparison operator such as >= or <",
            Expect::Logic => "`and`/`or`",
            Expect::Arithmetic => "an arithmetic operator",
            Expect::CloseParen => "`)`",
            Expect::Comma => "`,`",
            Expect::OpenBrace => "`{`",
            Expect::CloseBrace => "`}`",
            Expect::OpenParen => "`(`",
            Expect::String => "a quoted string",
            Expect::Name => "a name",
            Expect::Item => "`fields`, `define`, `inclusion` or `exclusion`",
            Expect::Unit => "a unit such as `g/L`",
            Expect::NormalRange => "`with normal range`",
            Expect::MolarMass => "`molar mass` and a value such as `113.12 g/mol`",
        }
    }
}

fn expect_of(rule: Rule) -> Option<Expect> {
    use Rule as R;
    Some(match rule {
        R::colon => Expect::Colon,
        R::bool_type
        | R::integer_type
        | R::ty_integer
        | R::number_type
        | R::date_type
        | R::text_type
        | R::one_of_type
        | R::ty_one
        | R::set_of_type
        | R::ty_set
        | R::list_of_type
        | R::ty_list
        | R::quantity_type => Expect::FieldType,
        R::member | R::member_set => Expect::Member,
        R::kw_of => Expect::Of,
        R::kw_where => Expect::Where,
        R::kw_known | R::kw_missing => Expect::KnownOrMissing,
        R::kw_before | R::kw_after => Expect::BeforeOrAfter,
        R::kw_least => Expect::Least,
        R::count_int | R::signed_int => Expect::WholeNumber,
        R::range_dots => Expect::RangeDots,
        R::expr
        | R::comparison
        | R::sum
        | R::paren
        | R::group
        | R::any_of
        | R::all_of
        | R::none_of
        | R::at_least
        | R::list_query
        | R::date_diff
        | R::date_unit
        | R::literal
        | R::number
        | R::kw_true
        | R::kw_false
        | R::kw_index
        | R::kw_not
        | R::neg
        | R::kw_any
        | R::kw_all
        | R::kw_no
        | R::kw_none
        | R::kw_at
        | R::kw_count => Expect::Expression,
        R::cmp_op
        | R::compare
        | R::between
        | R::kw_between
        | R::has_one
        | R::has_any
        | R::has_all
        | R::kw_has
        | R::in_set
        | R::kw_in
        | R::is_known
        | R::is_missing
        | R::kw_is
        | R::within
        | R::kw_within => Expect::Comparison,
        R::kw_and | R::kw_or => Expect::Logic,
        R::add | R::sub | R::mul | R::div => Expect::Arithmetic,
        R::rparen => Expect::CloseParen,
        R::comma => Expect::Comma,
        R::lbrace => Expect::OpenBrace,
        R::rbrace => Expect::CloseBrace,
        R::lparen => Expect::OpenParen,
        R::string | R::label => Expect::String,
        R::ident | R::criterion | R::field_decl => Expect::Name,
        R::trial
        | R::kw_trial
        | R::use_item
        | R::kw_use
        | R::fields_block
        | R::kw_fields
        | R::define
        | R::kw_define
        | R::inclusion
        | R::kw_inclusion
        | R::exclusion
        | R::kw_exclusion
        | R::EOI => Expect::Item,
        R::unit | R::uln_multiple | R::bad_unit => Expect::Unit,
        R::normal_range | R::ty_with | R::ty_normal | R::ty_range => Expect::NormalRange,
        R::molar_mass | R::ty_molar | R::ty_mass => Expect::MolarMass,
        _ => return None,
    })
}

/// Joins phrases as "a, b or c".
fn join_words(phrases: &[&str]) -> String {
    match phrases {
        [] => "something else".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// How many alternatives a message lists before it stops being helpful.
const MAX_ALTERNATIVES: usize = 3;

/// Converts pest's first error into a diagnostic.
pub(crate) fn from_pest(source: &str, error: &pest::error::Error<Rule>) -> SyntaxError {
    let pos = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let positives: Vec<Rule> = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        // pest's only custom errors are its stack and call limits.
        pest::error::ErrorVariant::CustomError { .. } => {
            return SyntaxError::TooDeep {
                limit: super::MAX_NESTING,
                span: token_at(source, pos),
            };
        }
    };
    if positives.contains(&Rule::string_close) {
        return unterminated_string(source, pos);
    }
    let expected: BTreeSet<Expect> = positives.iter().filter_map(|r| expect_of(*r)).collect();
    let at_end = source.get(pos..).is_none_or(|rest| rest.trim().is_empty());
    if at_end && let Some(unclosed) = unclosed_delimiter(source, pos) {
        return unclosed;
    }
    let token = token_at(source, pos);
    let word = source.get(token.range()).unwrap_or_default();
    if expected.contains(&Expect::Name)
        && !expected.contains(&Expect::Expression)
        && is_reserved(word)
    {
        return SyntaxError::ReservedWord {
            word: word.to_owned(),
            span: token,
        };
    }
    let mut expected = expected;
    // Phrases that another phrase in the set already says.
    if expected.contains(&Expect::FieldType) {
        expected.remove(&Expect::Unit);
    }
    if expected.contains(&Expect::Expression) {
        expected.remove(&Expect::OpenParen);
        expected.remove(&Expect::String);
        expected.remove(&Expect::Name);
    }
    let mut phrases: Vec<&str> = expected.iter().map(|e| e.words()).collect();
    if phrases.len() > MAX_ALTERNATIVES {
        // Long lists hide the point; arithmetic, units and items are rarely it.
        phrases.retain(|p| {
            ![
                Expect::Arithmetic.words(),
                Expect::Unit.words(),
                Expect::Item.words(),
            ]
            .contains(p)
        });
        phrases.truncate(MAX_ALTERNATIVES);
    }
    SyntaxError::Expected {
        expected: join_words(&phrases),
        found: describe_found(source, pos),
        span: token,
        help: help_for(&expected, word, source.get(pos.saturating_sub(1)..pos)),
    }
}

fn help_for(expected: &BTreeSet<Expect>, found: &str, before: Option<&str>) -> Option<String> {
    if found.starts_with("==") || (found.starts_with('=') && before == Some("=")) {
        return Some("use `=` to test equality".to_owned());
    }
    if expected.contains(&Expect::Colon) && expected.contains(&Expect::String) {
        return Some("a criterion is written `id \"label\": condition`".to_owned());
    }
    if expected.contains(&Expect::Colon) {
        return Some("write `:` between the name and what follows".to_owned());
    }
    if expected.contains(&Expect::Logic)
        && ["<", ">", "=", "!", "≤", "≥", "≠"]
            .iter()
            .any(|op| found.starts_with(op))
    {
        return Some(
            "comparisons do not chain: write `a < b and b < c`, or `x between lo and hi`"
                .to_owned(),
        );
    }
    if expected.contains(&Expect::Expression) && matches!(found, "and" | "or") {
        return Some("two operators in a row: is an operand missing?".to_owned());
    }
    None
}

/// Whether a word is reserved by the grammar.
pub(crate) fn is_reserved(word: &str) -> bool {
    crate::syntax::RESERVED.contains(&word)
}

/// The extent of the token starting at `pos`: a word, a number, or one
/// character; empty at the end of the input.
fn token_at(source: &str, pos: usize) -> Span {
    let Some(rest) = source.get(pos..) else {
        return Span::new(source.len(), source.len());
    };
    let mut chars = rest.char_indices();
    let Some((_, c)) = chars.next() else {
        return Span::new(pos, pos);
    };
    let len = if c.is_alphanumeric() || c == '_' {
        rest.find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '.'))
            .unwrap_or(rest.len())
    } else if "<>=!".contains(c) {
        rest.find(|ch: char| !"<>=!".contains(ch))
            .unwrap_or(rest.len())
    } else {
        c.len_utf8()
    };
    Span::new(pos, pos + len)
}

/// The text at `pos`, in words: "`word`" or "the end of the file".
pub(crate) fn describe_found(source: &str, pos: usize) -> String {
    let span = token_at(source, pos);
    match source.get(span.range()) {
        None | Some("") => "the end of the file".to_owned(),
        Some("\n" | "\r") => "the end of the line".to_owned(),
        Some(text) => format!("`{text}`"),
    }
}

fn unterminated_string(source: &str, pos: usize) -> SyntaxError {
    let before = source.get(..pos).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.get(line_start..).unwrap_or_default();
    // Escaped quotes sit inside the string, so the opener is the first quote
    // after the last properly closed string on the line.
    let mut open = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match (c, open, escaped) {
            ('\\', Some(_), false) => escaped = true,
            ('"', None, _) => open = Some(i),
            ('"', Some(_), false) => open = None,
            _ => escaped = false,
        }
    }
    let start = line_start + open.unwrap_or(0);
    SyntaxError::UnterminatedString {
        span: Span::new(start, pos),
    }
}

/// Finds an opening bracket that is never closed, skipping strings and
/// comments, when the parse failed at the end of the input.
fn unclosed_delimiter(source: &str, pos: usize) -> Option<SyntaxError> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    for (i, c) in source.char_indices() {
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        if in_string {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => in_string = false,
                '\n' => in_string = false,
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '#' => in_comment = true,
            '"' => in_string = true,
            '(' | '{' | '[' => stack.push((c, i)),
            ')' | '}' | ']' => {
                stack.pop();
            }
            _ => {}
        }
    }
    let (open, at) = stack.pop()?;
    let close = match open {
        '(' => ')',
        '{' => '}',
        _ => ']',
    };
    Some(SyntaxError::UnclosedDelimiter {
        open,
        close,
        span: Span::new(at, at + 1),
        expected_at: Span::new(pos, pos),
    })
}

/// Says what is wrong with unit-like text that is not a well-formed unit.
pub(crate) fn unit_problem(unit: &str) -> String {
    if unit.contains("//") || unit.contains("/.") || unit.contains("./") || unit.contains("..") {
        "two operators in a row".to_owned()
    } else if unit.ends_with('/') || unit.ends_with('.') {
        "a unit cannot end with an operator".to_owned()
    } else if unit.matches('[').count() != unit.matches(']').count()
        || unit.matches('{').count() != unit.matches('}').count()
    {
        "unbalanced brackets".to_owned()
    } else if unit.contains('*') || unit.contains('^') {
        "a power must be written like `10*9` or `10^9`".to_owned()
    } else {
        "not a well-formed unit".to_owned()
    }
}
