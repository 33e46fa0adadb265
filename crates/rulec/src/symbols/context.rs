//! What may be written at a cursor, read from the text before it: the
//! file being typed seldom parses, so this looks at the tokens of the
//! current line, not at the syntax tree.

/// What may be written at an offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A member of the field `subject`: after `has`, `in`, `=` (and the
    /// other comparisons), or inside the braces of `has any of { … }`.
    Members {
        /// The field tested, as written.
        subject: String,
    },
    /// A unit: right after a number.
    Unit,
    /// A field, define or keyword.
    Name,
    /// Nothing: inside a comment or a string.
    Nothing,
}

#[derive(Clone, Debug, PartialEq)]
enum Token<'s> {
    Word(&'s str),
    Number,
    Compare,
    Open,
    Comma,
    Other,
}

/// What may be written at byte `offset` of `text` (an offset past the end,
/// or inside a character, is taken as the nearest one before it).
///
/// ```
/// use rulec::symbols::{expected_at, Expected};
/// let text = "inclusion { women: sex = ";
/// assert_eq!(expected_at(text, text.len()), Expected::Members { subject: "sex".into() });
/// assert_eq!(expected_at("x: hemoglobin > 80 ", 19), Expected::Unit);
/// assert_eq!(expected_at("x: hemo", 7), Expected::Name);
/// ```
#[must_use]
pub fn expected_at(text: &str, offset: usize) -> Expected {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = text.get(..end).unwrap_or_default();
    let line = before.rsplit('\n').next().unwrap_or_default();
    let Some(mut tokens) = tokens(line) else {
        return Expected::Nothing;
    };
    // The word being typed is the prefix of what is expected, not a token
    // that says what comes next.
    if line.ends_with(|c: char| c.is_alphanumeric() || c == '_')
        && matches!(tokens.last(), Some(Token::Word(_)))
    {
        tokens.pop();
    }
    let subject =
        |tokens: &[Token<'_>], at: usize| match at.checked_sub(1).and_then(|i| tokens.get(i)) {
            Some(Token::Word(word)) => Some(Expected::Members {
                subject: (*word).to_owned(),
            }),
            _ => None,
        };
    let last = tokens.len().saturating_sub(1);
    let found = match tokens.last() {
        Some(Token::Number) if !line.ends_with(|c: char| c.is_ascii_digit()) => {
            Some(Expected::Unit)
        }
        Some(Token::Word("has" | "in") | Token::Compare) => subject(&tokens, last),
        Some(Token::Open | Token::Comma | Token::Word(_)) => in_braces(&tokens),
        _ => None,
    };
    found.unwrap_or(Expected::Name)
}

/// Inside `has any of { a, ` or `in { a, `: the field before them.
fn in_braces(tokens: &[Token<'_>]) -> Option<Expected> {
    let open = tokens
        .iter()
        .rposition(|t| !matches!(t, Token::Word(_) | Token::Comma))?;
    if tokens.get(open) != Some(&Token::Open) {
        return None;
    }
    let head = tokens.get(..open)?;
    let subject = match head {
        [.., Token::Word(subject), Token::Word("in")] => subject,
        [
            ..,
            Token::Word(subject),
            Token::Word("has"),
            Token::Word("any" | "all"),
            Token::Word("of"),
        ] => subject,
        _ => return None,
    };
    Some(Expected::Members {
        subject: (*subject).to_owned(),
    })
}

/// The tokens of a line up to the cursor; `None` when the cursor is in a
/// comment or a string.
fn tokens(line: &str) -> Option<Vec<Token<'_>>> {
    let mut out = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '#' => return None,
            '"' => {
                if !chars.any(|(_, c)| c == '"') {
                    return None;
                }
                out.push(Token::Other);
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut end = at + c.len_utf8();
                while let Some((i, c)) = chars.next_if(|(_, c)| c.is_alphanumeric() || *c == '_') {
                    end = i + c.len_utf8();
                }
                out.push(Token::Word(line.get(at..end).unwrap_or_default()));
            }
            c if c.is_ascii_digit() => {
                while chars
                    .next_if(|(_, c)| c.is_ascii_digit() || *c == '.')
                    .is_some()
                {}
                out.push(Token::Number);
            }
            '=' | '<' | '>' | '≤' | '≥' | '≠' => {
                chars.next_if(|(_, c)| *c == '=');
                out.push(Token::Compare);
            }
            '!' if chars.next_if(|(_, c)| *c == '=').is_some() => out.push(Token::Compare),
            '{' => out.push(Token::Open),
            ',' => out.push(Token::Comma),
            _ => out.push(Token::Other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(subject: &str) -> Expected {
        Expected::Members {
            subject: subject.to_owned(),
        }
    }

    fn at_end(text: &str) -> Expected {
        expected_at(text, text.len())
    }

    #[test]
    fn members_after_has_in_and_comparisons() {
        assert_eq!(at_end("  relapsed: diagnosis has "), members("diagnosis"));
        assert_eq!(at_end("  relapsed: diagnosis has rr"), members("diagnosis"));
        assert_eq!(at_end("  x: sex in "), members("sex"));
        assert_eq!(at_end("  x: sex != "), members("sex"));
        assert_eq!(at_end("  x: sex ≠ ma"), members("sex"));
        assert_eq!(
            at_end("  x: markers has any of { BCMA, "),
            members("markers")
        );
        assert_eq!(at_end("  x: markers has all of {"), members("markers"));
        assert_eq!(at_end("  x: sex in { female, ma"), members("sex"));
    }

    #[test]
    fn units_after_a_number_once_it_is_written() {
        assert_eq!(at_end("  hb: hemoglobin > 80 "), Expected::Unit);
        assert_eq!(at_end("  hb: hemoglobin > 80 g"), Expected::Unit);
        assert_eq!(at_end("  hb: hemoglobin > 80.5 µ"), Expected::Unit);
        // Still writing the number.
        assert_eq!(at_end("  hb: hemoglobin > 80"), Expected::Name);
    }

    #[test]
    fn names_elsewhere_nothing_in_comments_and_strings() {
        assert_eq!(at_end(""), Expected::Name);
        assert_eq!(at_end("  hb: "), Expected::Name);
        assert_eq!(at_end("  hb: hemo"), Expected::Name);
        assert_eq!(at_end("  hb: a and "), Expected::Name);
        assert_eq!(at_end("  # a has "), Expected::Nothing);
        assert_eq!(at_end("  hb \"Hb has "), Expected::Nothing);
        assert_eq!(at_end("  hb \"Hb\": x has "), members("x"));
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_character_are_safe() {
        assert_eq!(expected_at("x = ", 1000), members("x"));
        let text = "x ≥ 5 ";
        for offset in 0..=text.len() + 2 {
            let _ = expected_at(text, offset);
        }
        // Inside `≥`: taken as just before it.
        assert_eq!(expected_at(text, 3), Expected::Name);
        assert_eq!(expected_at(text, 5), members("x"));
    }
}
