//! How protocols write units, mapped to UCUM codes.
//!
//! Each rule here is documented in `docs/units.md`; anything else is read
//! as UCUM, case-sensitively.

/// Words and common non-UCUM spellings, as whole components of a unit
/// (between `.` and `/`), with the UCUM code each stands for.
const WORDS: &[(&str, &str)] = &[
    ("year", "a"),
    ("years", "a"),
    ("yr", "a"),
    ("yrs", "a"),
    ("month", "mo"),
    ("months", "mo"),
    ("week", "wk"),
    ("weeks", "wk"),
    ("day", "d"),
    ("days", "d"),
    ("hour", "h"),
    ("hours", "h"),
    ("hr", "h"),
    ("hrs", "h"),
    ("minute", "min"),
    ("minutes", "min"),
    ("second", "s"),
    ("seconds", "s"),
    ("mmHg", "mm[Hg]"),
    ("cells", "{cells}"),
    ("copies", "{copies}"),
    ("IU", "[IU]"),
    ("mIU", "m[IU]"),
    ("mcg", "ug"),
    ("degC", "Cel"),
    ("degF", "[degF]"),
    ("bpm", "{beats}/min"),
];

/// The UCUM code for a unit as written: micro signs become `u`, `10^9`
/// becomes `10*9`, a leading `x` before a power of ten (`x10^9/L`) is
/// dropped, and the words of [`WORDS`] are replaced where they stand as a
/// whole component.
pub(crate) fn to_ucum(written: &str) -> String {
    let mut text: String = written
        .trim()
        .chars()
        .map(|c| if c == 'µ' || c == 'μ' { 'u' } else { c })
        .collect();
    if text.starts_with("x10") || text.starts_with("×10") {
        text = text.trim_start_matches(['x', '×']).to_owned();
    }
    let text = text.replace("10^", "10*");
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut component = String::new();
    for c in text.chars() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && (c == '.' || c == '/') {
            out.push_str(&replace_word(&component));
            component.clear();
            out.push(c);
        } else {
            component.push(c);
        }
    }
    out.push_str(&replace_word(&component));
    out
}

/// A component with its word replaced, keeping an exponent (`days2`).
fn replace_word(component: &str) -> String {
    let symbol = component.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
    let exponent = component.get(symbol.len()..).unwrap_or_default();
    match WORDS.iter().find(|(word, _)| *word == symbol) {
        Some((_, code)) => format!("{code}{exponent}"),
        None => component.to_owned(),
    }
}

/// The UCUM code a protocol spelling stands for.
pub(crate) fn code_of(word: &str) -> Option<&'static str> {
    WORDS
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, code)| *code)
}

/// The words and spellings rulec accepts besides UCUM codes, for
/// suggestions.
pub(crate) fn words() -> impl Iterator<Item = &'static str> {
    WORDS.iter().map(|(word, _)| *word)
}

#[cfg(test)]
mod tests {
    use super::to_ucum;

    #[test]
    fn protocol_words_become_ucum() {
        assert_eq!(to_ucum("months"), "mo");
        assert_eq!(to_ucum("days"), "d");
        assert_eq!(to_ucum("mL/minute"), "mL/min");
        assert_eq!(to_ucum("mmHg"), "mm[Hg]");
        assert_eq!(to_ucum("cells/uL"), "{cells}/uL");
        assert_eq!(to_ucum("copies/mL"), "{copies}/mL");
        assert_eq!(to_ucum("IU/mL"), "[IU]/mL");
    }

    #[test]
    fn powers_of_ten_and_micro() {
        assert_eq!(to_ucum("10^9/L"), "10*9/L");
        assert_eq!(to_ucum("x10^9/L"), "10*9/L");
        assert_eq!(to_ucum("µmol/L"), "umol/L");
        assert_eq!(to_ucum("μg"), "ug");
    }

    #[test]
    fn ucum_codes_and_annotations_are_left_alone() {
        assert_eq!(to_ucum("mL/min/{1.73_m2}"), "mL/min/{1.73_m2}");
        assert_eq!(to_ucum("{days}"), "{days}");
        assert_eq!(to_ucum("mm[Hg]"), "mm[Hg]");
        assert_eq!(to_ucum("d"), "d");
        assert_eq!(to_ucum("s-1"), "s-1");
    }
}
