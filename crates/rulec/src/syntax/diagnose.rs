//! Turning pest's first failure into a [`SyntaxError`] in the words of the
//! language: which constructs would have been accepted, what was found, and
//! a suggestion for the mistakes rule authors make most.

use std::collections::BTreeSet;

use super::MAX_NESTING;
use super::error::SyntaxError;
use super::lower::Rule;
use super::span::Span;

/// What a grammar rule means to someone writing rules. The order is the
/// order phrases are listed in, most telling first.
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
    Then,
    Else,
    CloseParen,
    Expression,
    Comparison,
    And,
    Or,
    Arithmetic,
    Comma,
    OpenBrace,
    Section,
    CloseBrace,
    OpenParen,
    String,
    Name,
    Item,
    Unit,
    NormalRange,
    MolarMass,
    Expectation,
    Verdict,
    By,
    Missing,
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
            Expect::Then => "`then`",
            Expect::Else => "`else`",
            Expect::Expression => "an expression such as a field name, a number or `(`",
            Expect::Comparison => "a comparison operator such as >= or <",
            Expect::And => "`and`",
            Expect::Or => "`or`",
            Expect::Arithmetic => "an arithmetic operator",
            Expect::CloseParen => "`)`",
            Expect::Comma => "`,`",
            Expect::OpenBrace => "`{`",
            Expect::CloseBrace => "`}`",
            Expect::OpenParen => "`(`",
            Expect::String => "a quoted string",
            Expect::Name => "a name",
            Expect::Item => "`trial`, `use`, `fields`, `define`, `inclusion` or `exclusion`",
            Expect::Section => "`inclusion` or `exclusion`",
            Expect::Unit => "a unit such as `g/L`",
            Expect::NormalRange => "`with normal range`",
            Expect::MolarMass => "`molar mass` and a value such as `113.12 g/mol`",
            Expect::Expectation => "`expect` and a verdict, such as `expect eligible`",
            Expect::Verdict => "`eligible`, `ineligible` or `undetermined`",
            Expect::By => "`by`",
            Expect::Missing => "`missing`",
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
        | R::expr_only
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
        R::kw_and => Expect::And,
        R::kw_or => Expect::Or,
        R::add | R::sub | R::mul | R::div | R::pow => Expect::Arithmetic,
        R::ty_then => Expect::Then,
        R::ty_else => Expect::Else,
        R::kw_if | R::kw_first | R::if_expr | R::first_known => Expect::Expression,
        // A call's arguments are tried only where no operator follows an
        // operand (the operators behind a lookahead pest does not report):
        // where they are expected, an operator is.
        R::call_args => Expect::Arithmetic,
        R::rparen => Expect::CloseParen,
        R::comma => Expect::Comma,
        R::lbrace => Expect::OpenBrace,
        R::rbrace => Expect::CloseBrace,
        R::lparen => Expect::OpenParen,
        R::string | R::label => Expect::String,
        R::ident | R::criterion | R::field_decl => Expect::Name,
        R::file
        | R::trial
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
        | R::cohort
        | R::kw_cohort
        | R::EOI => Expect::Item,
        R::unit | R::unit_start | R::uln_multiple | R::bad_unit => Expect::Unit,
        R::normal_range | R::ty_with | R::ty_normal | R::ty_range => Expect::NormalRange,
        R::molar_mass | R::ty_molar | R::ty_mass => Expect::MolarMass,
        R::expectation | R::ty_expect => Expect::Expectation,
        R::expect_eligible
        | R::ty_eligible
        | R::expect_ineligible
        | R::ty_ineligible
        | R::expect_undetermined
        | R::ty_undetermined => Expect::Verdict,
        R::ty_by => Expect::By,
        R::ty_missing => Expect::Missing,
        _ => return None,
    })
}

/// How many alternatives a message lists before it stops being helpful.
const MAX_ALTERNATIVES: usize = 3;

/// Converts pest's first error into a diagnostic.
pub(crate) fn from_pest(source: &str, error: &pest::error::Error<Rule>) -> SyntaxError {
    let pos = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let positives: &[Rule] = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives,
        // pest's only custom errors are its stack and call limits.
        pest::error::ErrorVariant::CustomError { .. } => {
            return SyntaxError::TooDeep {
                limit: MAX_NESTING,
                span: token_at(source, pos),
            };
        }
    };
    if positives.contains(&Rule::string_close) {
        return unterminated_string(source, pos);
    }
    if positives.contains(&Rule::malformed_unit) {
        return malformed_unit(source, pos);
    }
    let mut expected: BTreeSet<Expect> = positives.iter().filter_map(|r| expect_of(*r)).collect();
    // Inside a cohort, where a block may start but no other item: only
    // the two sections are items there.
    let in_cohort =
        positives.contains(&Rule::kw_inclusion) && !positives.contains(&Rule::kw_define);
    if in_cohort {
        expected.remove(&Expect::Item);
        expected.insert(Expect::Section);
    }
    let at_end = source.get(pos..).is_none_or(|rest| rest.trim().is_empty());
    // A parse that fails at the end of the file is reported right after the
    // last token, where the missing text belongs, not after blank lines.
    let pos = if at_end { end_of_content(source) } else { pos };
    let token = token_at(source, pos);
    let word = source.get(token.range()).unwrap_or_default();
    let starts_item = [
        "trial",
        "use",
        "fields",
        "define",
        "inclusion",
        "exclusion",
        "example",
    ]
    .contains(&word);
    let open = open_brackets(source, pos);
    // A block or group left open shows up where the file ends, where the
    // next item starts, or (a group) where the enclosing block closes. A
    // `)` inside a block with no group open is a stray, not a missing `}`.
    let innermost = open.last().copied();
    let left_open = match innermost {
        Some(('{', _)) => expected.contains(&Expect::CloseBrace) && (at_end || starts_item),
        Some(('(', _)) => {
            expected.contains(&Expect::CloseParen) && (at_end || starts_item || word == "}")
        }
        _ => false,
    };
    if let (true, Some((open, at))) = (left_open, innermost) {
        return SyntaxError::UnclosedDelimiter {
            open,
            close: if open == '(' { ')' } else { '}' },
            span: Span::new(at, at + 1),
            expected_at: Span::new(pos, pos),
        };
    }
    // After a complete operand, a test word is a second test (`x is known
    // is known`), not a reserved word misused as a name.
    let second_test = expected.contains(&Expect::And) && TEST_WORDS.contains(&word);
    if expected.contains(&Expect::Name)
        && !expected.contains(&Expect::Expression)
        && is_reserved(word)
        && !second_test
    {
        return SyntaxError::ReservedWord {
            word: word.to_owned(),
            span: token,
        };
    }
    if let Some(error) = non_ascii_name(source, token) {
        return error;
    }
    let help = help_for(source, pos, &expected, word, &open);
    // Phrases that another phrase in the set already says.
    if expected.contains(&Expect::FieldType) {
        expected.remove(&Expect::Unit);
    }
    if expected.contains(&Expect::Expression)
        || expected.contains(&Expect::And)
        || expected.contains(&Expect::By)
        || expected.contains(&Expect::Missing)
    {
        // Inside an expression, or after `ineligible` or `undetermined`, the
        // start of the next item is not the point.
        expected.remove(&Expect::Item);
    }
    if expected.contains(&Expect::Expression) {
        expected.remove(&Expect::OpenParen);
        expected.remove(&Expect::String);
        expected.remove(&Expect::Name);
    }
    let mut phrases: Vec<&str> = expected.iter().map(|e| e.words()).collect();
    if phrases.len() > MAX_ALTERNATIVES {
        // Long lists hide the point; arithmetic, units and items are rarely it.
        let minor = [Expect::Arithmetic, Expect::Unit, Expect::Item].map(Expect::words);
        phrases.retain(|p| !minor.contains(p));
        phrases.truncate(MAX_ALTERNATIVES);
    }
    SyntaxError::Expected {
        expected: join_words(&phrases),
        found: if at_end {
            "the end of the file".to_owned()
        } else {
            describe(source, token)
        },
        span: token,
        help,
    }
}

/// Joins phrases as "a, b or c" ("a or b, or c" when the last but one
/// phrase has its own "or").
fn join_words(phrases: &[&str]) -> String {
    let separator = if phrases
        .iter()
        .rev()
        .nth(1)
        .is_some_and(|p| p.contains(" or "))
    {
        ", or "
    } else {
        " or "
    };
    match phrases {
        [] => "something else".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{}{separator}{last}", init.join(", ")),
    }
}

/// The words that test a value; a value takes at most one test.
const TEST_WORDS: [&str; 5] = ["between", "has", "in", "is", "within"];

/// A suggestion for the mistakes rule authors make most.
fn help_for(
    source: &str,
    pos: usize,
    expected: &BTreeSet<Expect>,
    found: &str,
    open: &[(char, usize)],
) -> Option<String> {
    let before = source.get(..pos).unwrap_or_default().trim_end();
    let help = if found.starts_with('=') && before.ends_with('=') || found.starts_with("==") {
        "use `=` to test equality"
    } else if found == "!" {
        "write `!=` for \"not equal\", or `not` before a condition to negate it"
    } else if (found == ":" || found.starts_with('"')) && number_then_word(before) {
        "a word right after a number on the same line is read as its unit: put each criterion on its own line"
    } else if expected.contains(&Expect::OpenBrace) && before.ends_with('[') {
        "the elements of a list are records of its fields: `[ { class: chemo }, … ]`"
    } else if expected.contains(&Expect::Section) {
        "inside a cohort, criteria go in its `inclusion { … }` and `exclusion { … }` blocks; fields and defines go outside it"
    } else if found == "trial" {
        "the `trial` header comes first in the file"
    } else if found.starts_with('.') && in_integer_range(before) {
        "a whole number is expected here, without a decimal part"
    } else if found.starts_with(|c: char| !c.is_ascii() && c.is_alphanumeric())
        || word_start(source, pos) < pos
    {
        "names are written with ASCII letters, digits and `_`"
    } else if expected.contains(&Expect::Of) && ends_with_word(before, &["none", "any", "all"]) {
        "`none`, `any` and `all` are reserved words; test a member of that name with `x in { none }`"
    } else if expected.contains(&Expect::Colon) && expected.contains(&Expect::String) {
        "a criterion is written `id \"label\": condition`"
    } else if expected.contains(&Expect::Colon) {
        "write `:` between the name and what follows"
    } else if expected.contains(&Expect::And) && TEST_WORDS.contains(&found) {
        "a value takes one test: combine tests with `and`, as in `x is known and x > 3 g/L`"
    } else if expected.contains(&Expect::And)
        && ["<", ">", "=", "!=", "≤", "≥", "≠"]
            .iter()
            .any(|op| found.starts_with(op))
    {
        "comparisons do not chain: write `a < b and b < c`, or `x between lo and hi`"
    } else if expected.contains(&Expect::Expression) && matches!(found, "and" | "or") {
        "two operators in a row: is an operand missing?"
    } else if found == ")" && !open.iter().any(|(c, _)| *c == '(')
        || found == "}" && !open.iter().any(|(c, _)| *c == '{')
    {
        "this bracket closes nothing: is there one too many, or is its opening one missing?"
    } else {
        return None;
    };
    Some(help.to_owned())
}

/// Whether `text` ends inside an integer range's upper bound (`0..10`).
fn in_integer_range(text: &str) -> bool {
    let digits = text.trim_end_matches(|c: char| c.is_ascii_digit());
    digits.len() < text.len() && digits.trim_end_matches('-').ends_with("..")
}

/// Whether `text` ends with a number followed by a word on the same line
/// (`kps > 60 hb`), which the grammar reads as a number and its unit.
fn number_then_word(text: &str) -> bool {
    let word_len = text
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .count();
    let rest = text.get(..text.len() - word_len).unwrap_or_default();
    word_len > 0
        && rest.ends_with([' ', '\t'])
        && rest
            .trim_end_matches([' ', '\t'])
            .ends_with(|c: char| c.is_ascii_digit())
}

fn ends_with_word(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| {
        text.strip_suffix(w)
            .is_some_and(|rest| !rest.ends_with(|c: char| c.is_alphanumeric() || c == '_'))
    })
}

/// Whether a word is reserved by the grammar.
fn is_reserved(word: &str) -> bool {
    super::RESERVED.contains(&word)
}

/// Where the word containing `pos` starts (`pos` itself if none does).
fn word_start(source: &str, pos: usize) -> usize {
    let before = source.get(..pos).unwrap_or_default();
    let Some(first) = source.get(pos..).and_then(|r| r.chars().next()) else {
        return pos;
    };
    if !first.is_alphanumeric() {
        return pos;
    }
    before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(pos, |(i, _)| i)
}

/// The extent of the token at `pos`: a whole word (even if the parser
/// stopped inside it, as at a non-ASCII letter), a run of operator
/// characters, or one character; empty at the end of the input.
fn token_at(source: &str, pos: usize) -> Span {
    let begin = word_start(source, pos);
    let Some(rest) = source.get(begin..) else {
        return Span::new(source.len(), source.len());
    };
    let Some(c) = rest.chars().next() else {
        return Span::new(begin, begin);
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
    // pest stops at the second `=` of `==`; the mistake is the whole `==`.
    let doubled = source.get(..begin).is_some_and(|b| {
        b.ends_with('=') && !b.ends_with("!=") && !b.ends_with("<=") && !b.ends_with(">=")
    });
    let start = if c == '=' && doubled {
        begin - 1
    } else {
        begin
    };
    Span::new(start, begin + len)
}

/// The text of a token in words: "`word`", "the end of the file", or an
/// invisible character by its code point.
fn describe(source: &str, token: Span) -> String {
    match source.get(token.range()) {
        None | Some("") => "the end of the file".to_owned(),
        Some("\n" | "\r" | "\r\n") => "the end of the line".to_owned(),
        Some(text)
            if text
                .chars()
                .all(|c| c.is_whitespace() || c.is_control() || is_invisible(c)) =>
        {
            let codes: Vec<String> = text
                .chars()
                .map(|c| format!("U+{:04X}", u32::from(c)))
                .collect();
            format!("the invisible character {}", codes.join(" "))
        }
        Some(text) => format!("`{text}`"),
    }
}

/// Format characters that render as nothing (byte order mark, zero-width
/// space and joiners, bidi controls).
fn is_invisible(c: char) -> bool {
    super::hidden::is_hidden_character(c)
}

/// The error for a name with a letter outside ASCII in `token`, if it has
/// one: the letter by code point and name, and the ASCII letter it passes
/// for. Micro signs are left to the unit diagnostics: `µ` and `μ` belong
/// in units.
fn non_ascii_name(source: &str, token: Span) -> Option<SyntaxError> {
    let word = source.get(token.range())?;
    let (at, character) = word
        .char_indices()
        .find(|&(_, c)| !c.is_ascii() && c.is_alphanumeric() && c != 'µ' && c != 'μ')?;
    let code = format!("U+{:04X}", u32::from(character));
    let (description, looks, fix) = match super::hidden::look_alike(character) {
        Some((name, ascii)) => (
            format!("{code} {name}"),
            format!(", but looks like `{ascii}`"),
            format!(", writing `{ascii}` for it"),
        ),
        None => (code, String::new(), String::new()),
    };
    let start = token.start as usize + at;
    Some(SyntaxError::NonAsciiName {
        character,
        description,
        looks,
        fix,
        span: Span::new(start, start + character.len_utf8()),
        name: word.to_owned(),
    })
}

/// The end of the last token: trailing blank lines and comments are not
/// where a missing token belongs.
fn end_of_content(source: &str) -> usize {
    let mut end = source.trim_end().len();
    loop {
        let text = source.get(..end).unwrap_or_default();
        let line_start = text.rfind('\n').map_or(0, |i| i + 1);
        match comment_start(text.get(line_start..).unwrap_or_default()) {
            Some(hash) => {
                end = text
                    .get(..line_start + hash)
                    .unwrap_or_default()
                    .trim_end()
                    .len()
            }
            None => return end,
        }
    }
}

/// Where a comment starts on a line, outside strings.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            '\\' if in_string && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => in_string = !in_string,
            '#' if !in_string => return Some(i),
            _ => {}
        }
        escaped = false;
    }
    None
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

/// The brackets opened before `pos` and not closed by then, outermost
/// first, with their offsets; strings and comments are skipped.
fn open_brackets(source: &str, pos: usize) -> Vec<(char, usize)> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    for (i, c) in source.get(..pos).unwrap_or_default().char_indices() {
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
            '(' | '{' => stack.push((c, i)),
            ')' | '}' => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack
}

/// The unit-like text that ends at `pos` (the grammar fails right after
/// it), and what is wrong with it.
fn malformed_unit(source: &str, pos: usize) -> SyntaxError {
    let before = source.get(..pos).unwrap_or_default();
    // Back over the unit-like characters, then forward past the number the
    // unit is attached to (`80g//L`): malformed unit text never starts
    // with a digit.
    let token_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || "%'µμ_[]{}/.*^".contains(*c))
        .last()
        .map_or(pos, |(i, _)| i);
    let token = before.get(token_start..).unwrap_or_default();
    let start = token_start
        + (token.len()
            - token
                .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
                .len());
    let unit = before.get(start..).unwrap_or_default();
    let after = source.get(pos..).unwrap_or_default();
    let continues = after
        .trim_start_matches([' ', '\t'])
        .starts_with(|c: char| c.is_alphanumeric() || "%[{µμ".contains(c));
    let reason = if after.starts_with('{') {
        "an annotation `{…}` has no spaces inside it and ends with `}`"
    } else if (unit.ends_with('/') || unit.ends_with('.'))
        && after.starts_with([' ', '\t'])
        && continues
    {
        "a unit has no spaces inside it"
    } else if unit.contains("//")
        || unit.contains("/.")
        || unit.contains("./")
        || unit.contains("..")
    {
        "two operators in a row"
    } else if unit.ends_with('/') || unit.ends_with('.') {
        "a unit cannot end with an operator"
    } else if unit.matches('[').count() != unit.matches(']').count()
        || unit.matches('{').count() != unit.matches('}').count()
    {
        "unbalanced brackets"
    } else if unit.contains('*') || unit.contains('^') {
        "a power of ten is written like `10*9` or `10^9`"
    } else {
        "not a well-formed unit"
    };
    SyntaxError::MalformedUnit {
        unit: unit.to_owned(),
        reason: reason.to_owned(),
        span: Span::new(start, pos),
    }
}
