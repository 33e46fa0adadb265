//! Characters that make a rule file read differently from what it does
//! ("Trojan Source", CVE-2021-42574): bidi controls that reorder a line
//! on screen, characters that show as nothing, and letters that look like
//! ASCII ones in a name.
//!
//! Hidden characters are refused wherever they are, strings and comments
//! included, before the file is parsed: a string holding one never matches
//! what it shows, and a comment holding one can make code look commented
//! out. Look-alike letters can only be in a name by mistake (names are
//! ASCII), so they are named in the syntax error the parser gives there.

use super::error::SyntaxError;
use super::span::Span;

/// How many occurrences besides the first a [`SyntaxError::HiddenCharacter`]
/// lists; the count says how many more there are.
const MAX_LISTED: usize = 9;

/// Whether `c` is a bidi control (it reorders text on screen) or shows as
/// nothing (zero-width characters, the soft hyphen, a byte order mark).
#[must_use]
pub fn is_hidden_character(c: char) -> bool {
    hidden_name(c).is_some()
}

/// The Unicode name of a hidden character, and whether it is a bidi
/// control; `None` for any other character.
fn hidden_name(c: char) -> Option<(&'static str, bool)> {
    Some(match c {
        '\u{202A}' => ("LEFT-TO-RIGHT EMBEDDING", true),
        '\u{202B}' => ("RIGHT-TO-LEFT EMBEDDING", true),
        '\u{202C}' => ("POP DIRECTIONAL FORMATTING", true),
        '\u{202D}' => ("LEFT-TO-RIGHT OVERRIDE", true),
        '\u{202E}' => ("RIGHT-TO-LEFT OVERRIDE", true),
        '\u{2066}' => ("LEFT-TO-RIGHT ISOLATE", true),
        '\u{2067}' => ("RIGHT-TO-LEFT ISOLATE", true),
        '\u{2068}' => ("FIRST STRONG ISOLATE", true),
        '\u{2069}' => ("POP DIRECTIONAL ISOLATE", true),
        '\u{200E}' => ("LEFT-TO-RIGHT MARK", true),
        '\u{200F}' => ("RIGHT-TO-LEFT MARK", true),
        '\u{061C}' => ("ARABIC LETTER MARK", true),
        '\u{200B}' => ("ZERO WIDTH SPACE", false),
        '\u{200C}' => ("ZERO WIDTH NON-JOINER", false),
        '\u{200D}' => ("ZERO WIDTH JOINER", false),
        '\u{2060}' => ("WORD JOINER", false),
        '\u{FEFF}' => ("ZERO WIDTH NO-BREAK SPACE (a byte order mark)", false),
        '\u{00AD}' => ("SOFT HYPHEN", false),
        _ => return None,
    })
}

/// `U+202E RIGHT-TO-LEFT OVERRIDE`.
fn describe_hidden(c: char, name: &str) -> String {
    format!("U+{:04X} {name}", u32::from(c))
}

/// The first hidden character in `source` as an error that also lists the
/// others, or `None`. A byte order mark at the very start is allowed: it
/// is not part of the text.
pub(crate) fn find_hidden(source: &str) -> Option<SyntaxError> {
    // Every hidden character is outside ASCII; most files are ASCII.
    if source.is_ascii() {
        return None;
    }
    let mut found = source
        .char_indices()
        .filter(|&(i, c)| !(i == 0 && c == '\u{FEFF}'))
        .filter_map(|(i, c)| hidden_name(c).map(|(name, bidi)| (i, c, name, bidi)));
    let (start, c, name, bidi) = found.next()?;
    let mut others = Vec::new();
    let mut listed = Vec::new();
    let mut more = 0;
    for (i, other, other_name, _) in found {
        if others.len() < MAX_LISTED {
            others.push(Span::new(i, i + other.len_utf8()));
            let (line, column) = line_column(source, i);
            listed.push(format!(
                "{} at line {line}, column {column}",
                describe_hidden(other, other_name)
            ));
        } else {
            more += 1;
        }
    }
    let mut help = if bidi {
        "a text direction control reorders what an editor or a terminal shows, so the line does \
         not read as it works: delete it"
            .to_owned()
    } else {
        "an invisible character makes text that looks the same compare different: delete it"
            .to_owned()
    };
    if !listed.is_empty() {
        help.push_str(&format!("; also {}", listed.join(", ")));
        if more > 0 {
            help.push_str(&format!(" and {more} more"));
        }
    }
    Some(SyntaxError::HiddenCharacter {
        what: if bidi {
            "text direction control"
        } else {
            "invisible character"
        },
        character: describe_hidden(c, name),
        place: place(source, start),
        span: Span::new(start, start + c.len_utf8()),
        others,
        help,
    })
}

/// Where in the file's structure byte `offset` is: in a string, a comment,
/// a name, or elsewhere. Strings and comments end with their line, so the
/// line alone tells.
fn place(source: &str, offset: usize) -> &'static str {
    let before = source.get(..offset).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let mut in_string = false;
    let mut escaped = false;
    for c in before.get(line_start..).unwrap_or_default().chars() {
        match c {
            '\\' if in_string && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => in_string = !in_string,
            '#' if !in_string => return "in a comment",
            _ => {}
        }
        escaped = false;
    }
    if in_string {
        return "in a string";
    }
    let is_name_char = |c: char| c.is_alphanumeric() || c == '_';
    let after = source.get(offset..).unwrap_or_default().chars().nth(1);
    if before.chars().next_back().is_some_and(is_name_char) || after.is_some_and(is_name_char) {
        "in a name"
    } else {
        "outside strings and comments"
    }
}

/// 1-based line and column (in characters) of byte `offset`.
fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = source.get(..offset).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (line, column)
}

/// A letter that looks like an ASCII one: its Unicode name and the ASCII
/// letter it passes for. Cyrillic and Greek letters that share a shape
/// with Latin ones, dotless i, and the fullwidth Latin letters; enough to
/// name the usual culprits (a keyboard layout switched mid-word, text
/// pasted from a PDF), not a full confusables table.
pub(crate) fn look_alike(c: char) -> Option<(String, char)> {
    let (name, ascii) = match c {
        'а' => ("CYRILLIC SMALL LETTER A", 'a'),
        'в' => ("CYRILLIC SMALL LETTER VE", 'b'),
        'е' => ("CYRILLIC SMALL LETTER IE", 'e'),
        'о' => ("CYRILLIC SMALL LETTER O", 'o'),
        'р' => ("CYRILLIC SMALL LETTER ER", 'p'),
        'с' => ("CYRILLIC SMALL LETTER ES", 'c'),
        'у' => ("CYRILLIC SMALL LETTER U", 'y'),
        'х' => ("CYRILLIC SMALL LETTER HA", 'x'),
        'і' => ("CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I", 'i'),
        'ј' => ("CYRILLIC SMALL LETTER JE", 'j'),
        'ѕ' => ("CYRILLIC SMALL LETTER DZE", 's'),
        'һ' => ("CYRILLIC SMALL LETTER SHHA", 'h'),
        'ԁ' => ("CYRILLIC SMALL LETTER KOMI DE", 'd'),
        'ӏ' => ("CYRILLIC SMALL LETTER PALOCHKA", 'l'),
        'ԛ' => ("CYRILLIC SMALL LETTER QA", 'q'),
        'ԝ' => ("CYRILLIC SMALL LETTER WE", 'w'),
        'А' => ("CYRILLIC CAPITAL LETTER A", 'A'),
        'В' => ("CYRILLIC CAPITAL LETTER VE", 'B'),
        'Е' => ("CYRILLIC CAPITAL LETTER IE", 'E'),
        'К' => ("CYRILLIC CAPITAL LETTER KA", 'K'),
        'М' => ("CYRILLIC CAPITAL LETTER EM", 'M'),
        'Н' => ("CYRILLIC CAPITAL LETTER EN", 'H'),
        'О' => ("CYRILLIC CAPITAL LETTER O", 'O'),
        'Р' => ("CYRILLIC CAPITAL LETTER ER", 'P'),
        'С' => ("CYRILLIC CAPITAL LETTER ES", 'C'),
        'Т' => ("CYRILLIC CAPITAL LETTER TE", 'T'),
        'У' => ("CYRILLIC CAPITAL LETTER U", 'Y'),
        'Х' => ("CYRILLIC CAPITAL LETTER HA", 'X'),
        'І' => ("CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I", 'I'),
        'Ј' => ("CYRILLIC CAPITAL LETTER JE", 'J'),
        'Ѕ' => ("CYRILLIC CAPITAL LETTER DZE", 'S'),
        'α' => ("GREEK SMALL LETTER ALPHA", 'a'),
        'ι' => ("GREEK SMALL LETTER IOTA", 'i'),
        'κ' => ("GREEK SMALL LETTER KAPPA", 'k'),
        'ν' => ("GREEK SMALL LETTER NU", 'v'),
        'ο' => ("GREEK SMALL LETTER OMICRON", 'o'),
        'ρ' => ("GREEK SMALL LETTER RHO", 'p'),
        'υ' => ("GREEK SMALL LETTER UPSILON", 'u'),
        'Α' => ("GREEK CAPITAL LETTER ALPHA", 'A'),
        'Β' => ("GREEK CAPITAL LETTER BETA", 'B'),
        'Ε' => ("GREEK CAPITAL LETTER EPSILON", 'E'),
        'Ζ' => ("GREEK CAPITAL LETTER ZETA", 'Z'),
        'Η' => ("GREEK CAPITAL LETTER ETA", 'H'),
        'Ι' => ("GREEK CAPITAL LETTER IOTA", 'I'),
        'Κ' => ("GREEK CAPITAL LETTER KAPPA", 'K'),
        'Μ' => ("GREEK CAPITAL LETTER MU", 'M'),
        'Ν' => ("GREEK CAPITAL LETTER NU", 'N'),
        'Ο' => ("GREEK CAPITAL LETTER OMICRON", 'O'),
        'Ρ' => ("GREEK CAPITAL LETTER RHO", 'P'),
        'Τ' => ("GREEK CAPITAL LETTER TAU", 'T'),
        'Υ' => ("GREEK CAPITAL LETTER UPSILON", 'Y'),
        'Χ' => ("GREEK CAPITAL LETTER CHI", 'X'),
        'ı' => ("LATIN SMALL LETTER DOTLESS I", 'i'),
        '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            let ascii = char::from_u32(u32::from(c) - 0xFEE0)?;
            let case = if ascii.is_ascii_uppercase() {
                "CAPITAL"
            } else {
                "SMALL"
            };
            let name = format!(
                "FULLWIDTH LATIN {case} LETTER {}",
                ascii.to_ascii_uppercase()
            );
            return Some((name, ascii));
        }
        _ => return None,
    };
    Some((name.to_owned(), ascii))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_has_nothing_hidden() {
        assert!(find_hidden("inclusion { a: x > 1 } # plain").is_none());
        assert!(find_hidden("\u{feff}inclusion { a: x > 1 } # µ é").is_none());
    }

    #[test]
    fn each_place_is_named() {
        assert_eq!(place("a = \"x\u{202e}\"", 6), "in a string");
        assert_eq!(place("a # x\u{202e}", 5), "in a comment");
        assert_eq!(place("ab\u{200b}c", 2), "in a name");
        assert_eq!(place("a \u{200b} b", 2), "outside strings and comments");
        // A `#` inside a string starts no comment.
        assert_eq!(place("\"#\" \"\u{202e}\"", 5), "in a string");
    }

    #[test]
    fn fullwidth_letters_look_like_ascii() {
        assert_eq!(
            look_alike('ａ'),
            Some(("FULLWIDTH LATIN SMALL LETTER A".to_owned(), 'a'))
        );
        assert_eq!(look_alike('é'), None);
    }
}
