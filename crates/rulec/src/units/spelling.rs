//! How protocols and clinicians write units, mapped to UCUM codes.
//!
//! Each rule here is documented in `docs/units.md`; anything else is read
//! as UCUM, case-sensitively. Rules apply to whole components of a unit
//! (between `.` and `/`), never inside a bracket or annotation.
//!
//! Spellings come in two sorts. Words that read unambiguously (`years`,
//! `mmHg`, `10^9/L`) are printed as written. Spellings that can be misread
//! (`mcL` next to `mL`, `K/uL` next to kelvin, `10E9/L`, `1.73 m2`) are
//! printed in their UCUM form, so that output never repeats the ambiguity.

use octofhir_ucum::{Case, lookup_unit};

/// Words and common non-UCUM spellings, as whole components of a unit,
/// with the UCUM code each stands for. These read unambiguously and are
/// printed as written.
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
    ("degC", "Cel"),
    ("degF", "[degF]"),
    ("bpm", "{beats}/min"),
];

/// Clinicians' spellings that are printed in their UCUM form: each is
/// one letter or one space away from a different reading.
const CLINICAL: &[(&str, &str)] = &[
    ("mEq", "meq"),
    ("uEq", "ueq"),
    ("Eq", "eq"),
    ("mOsm", "mosm"),
    ("Osm", "osm"),
    ("hpf", "[HPF]"),
    ("HPF", "[HPF]"),
    ("lpf", "[LPF]"),
    ("LPF", "[LPF]"),
    ("cmH2O", "cm[H2O]"),
    ("mmH2O", "mm[H2O]"),
    ("breaths", "{breaths}"),
    ("beats", "{beats}"),
];

/// A unit as written, read as UCUM.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Spelled {
    /// The UCUM code.
    pub(crate) code: String,
    /// Whether a spelling that can be misread was used, so that the unit
    /// is printed as `code` rather than as written.
    pub(crate) misreadable: bool,
}

/// The UCUM code for a unit as written: micro signs become `u`, powers of
/// ten (`10^9`, `10E9`, `x 10^9`) become `10*9`, `K/uL` is thousands per
/// microlitre, and the words of [`WORDS`] and [`CLINICAL`] are replaced
/// where they stand as a whole component.
pub(crate) fn read(written: &str) -> Spelled {
    let mut misreadable = false;
    let mut text: String = written
        .trim()
        .chars()
        .map(|c| if c == 'µ' || c == 'μ' { 'u' } else { c })
        .collect();
    // A leading multiplication sign before a power of ten: `x10^9/L`,
    // `x 10^9/L`, `× 10^9/L`.
    if let Some(rest) = text.strip_prefix(['x', 'X', '×']) {
        let rest = rest.trim_start();
        if rest.starts_with("10") {
            text = rest.to_owned();
            misreadable = true;
        }
    }
    // UCUM's grammar attaches an annotation to a symbol, not to a group,
    // but its own table of examples writes `g/(8.h){shift}`: the
    // annotation goes inside the group, `g/(8.h{shift})`, which means the
    // same.
    text = annotation_into_group(&text);
    // `K` alone is the kelvin; before a volume of a microlitre it is the
    // laboratory's thousand (`K/uL` is 10*3/uL).
    if matches!(text.as_str(), "K/uL" | "K/ul" | "K/mcL") {
        return Spelled {
            code: "10*3/uL".to_owned(),
            misreadable: true,
        };
    }
    // The body surface area a rate is normalised to, `/1.73 m2`: its
    // decimal point is not UCUM's product, so it is read before the text
    // is split into components.
    if let Some((rate, area)) = text.rsplit_once('/') {
        let area: String = area.split_whitespace().collect();
        if area == "1.73m2" {
            text = format!("{rate}/{{1.73_m2}}");
            misreadable = true;
        }
    }
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
            out.push_str(&replace_component(&component, &mut misreadable));
            component.clear();
            out.push(c);
        } else {
            component.push(c);
        }
    }
    out.push_str(&replace_component(&component, &mut misreadable));
    Spelled {
        code: out,
        misreadable,
    }
}

/// `(8.h){shift}` as `(8.h{shift})`.
fn annotation_into_group(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("){") {
        let (before, from) = rest.split_at(at);
        let annotation = from.get(1..).unwrap_or_default();
        let Some(end) = annotation.find('}') else {
            break;
        };
        out.push_str(before);
        out.push_str(annotation.get(..=end).unwrap_or_default());
        out.push(')');
        rest = annotation.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// The UCUM code for a unit as written (see [`read`]).
pub(crate) fn to_ucum(written: &str) -> String {
    read(written).code
}

/// How a unit written as `written` is printed: its UCUM code when it was
/// written in a spelling that can be misread, else as written.
pub(crate) fn shown(written: &str) -> String {
    let spelled = read(written);
    if spelled.misreadable {
        spelled.code
    } else {
        written.to_owned()
    }
}

/// A component in UCUM, keeping an exponent (`days2`); sets `misreadable`
/// when a spelling of [`CLINICAL`] or another misreadable form was used.
fn replace_component(component: &str, misreadable: &mut bool) -> String {
    if component.starts_with(['[', '{']) {
        return component.to_owned();
    }
    // A number and a unit in one component, possibly apart: `1.73 m2`,
    // `24 h`, `24h`.
    let compact: String = component.split_whitespace().collect();
    if (compact != component || starts_as_factor(&compact))
        && let Some(product) = factor_times_unit(&compact)
    {
        *misreadable = true;
        return product;
    }
    if let Some(power) = power_of_ten(component) {
        // `10^9` is the long-standing caret spelling; `10E9` reads as a
        // number in scientific notation and is shown in UCUM.
        *misreadable |= !component.contains('^');
        return power;
    }
    let symbol = component.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
    let exponent = component.get(symbol.len()..).unwrap_or_default();
    if let Some((_, code)) = WORDS.iter().find(|(word, _)| *word == symbol) {
        return format!("{code}{exponent}");
    }
    if let Some((_, code)) = CLINICAL.iter().find(|(word, _)| *word == symbol) {
        *misreadable = true;
        return format!("{code}{exponent}");
    }
    if let Some(micro) = mc_prefix(symbol) {
        *misreadable = true;
        return format!("{micro}{exponent}");
    }
    component.to_owned()
}

/// Whether a component starts with a digit and goes on with a letter
/// (`24h`, `1.73m2`): a factor and a unit written together.
fn starts_as_factor(component: &str) -> bool {
    component.starts_with(|c: char| c.is_ascii_digit())
        && component.contains(|c: char| c.is_ascii_alphabetic())
        && !component.contains(['*', '^', '{'])
        && power_of_ten(component).is_none()
}

/// `24h` as the UCUM product `(24.h)`: a whole number times a unit.
fn factor_times_unit(component: &str) -> Option<String> {
    let digits = component.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = component.split_at(digits);
    let unit_starts_with_letter = unit.starts_with(|c: char| c.is_ascii_alphabetic() || c == '[');
    (!number.is_empty() && unit_starts_with_letter).then(|| format!("({number}.{unit})"))
}

/// `10^9`, `10E9`, `10e9`, `10^-3` as UCUM's `10*9`.
fn power_of_ten(component: &str) -> Option<String> {
    let rest = component.strip_prefix("10")?;
    let exponent = rest.strip_prefix(['^', 'E', 'e'])?;
    let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let valid = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit());
    valid.then(|| format!("10*{exponent}"))
}

/// `mcL` as `uL`: `mc` is the pharmacy spelling of micro. Only where the
/// symbol is not itself UCUM (`mcal` is the millicalorie) and the rest is
/// a unit that takes a prefix.
fn mc_prefix(symbol: &str) -> Option<String> {
    let atom = symbol.strip_prefix("mc")?;
    if atom.is_empty() || lookup_unit(symbol, Case::Sensitive).is_some() {
        return None;
    }
    let micro = format!("u{atom}");
    lookup_unit(&micro, Case::Sensitive)
        .is_some_and(|(prefix, _)| prefix.is_some())
        .then_some(micro)
}

/// The UCUM code a spelling stands for, for suggestions in strict UCUM.
pub(crate) fn code_of(word: &str) -> Option<String> {
    let spelled = read(word);
    (spelled.code != word).then_some(spelled.code)
}

/// The words and spellings rulec accepts besides UCUM codes, for
/// suggestions.
pub(crate) fn words() -> impl Iterator<Item = &'static str> {
    WORDS.iter().chain(CLINICAL.iter()).map(|(word, _)| *word)
}

#[cfg(test)]
mod tests {
    use super::{read, shown, to_ucum};

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
    fn clinicians_spellings_become_ucum() {
        for (written, code) in [
            ("mcL", "uL"),
            ("/mcL", "/uL"),
            ("mcg/dL", "ug/dL"),
            ("mcmol/L", "umol/L"),
            ("mEq/L", "meq/L"),
            ("mOsm/kg", "mosm/kg"),
            ("x10^9/L", "10*9/L"),
            ("x 10^9/L", "10*9/L"),
            ("× 10^9/L", "10*9/L"),
            ("10E9/L", "10*9/L"),
            ("10e9/L", "10*9/L"),
            ("K/uL", "10*3/uL"),
            ("K/µL", "10*3/uL"),
            ("K/mcL", "10*3/uL"),
            ("mL/min/1.73m2", "mL/min/{1.73_m2}"),
            ("mL/min/1.73 m2", "mL/min/{1.73_m2}"),
            ("g/24h", "g/(24.h)"),
            ("g/24 h", "g/(24.h)"),
            ("/hpf", "/[HPF]"),
            ("cmH2O", "cm[H2O]"),
            ("breaths/min", "{breaths}/min"),
            ("beats/min", "{beats}/min"),
        ] {
            assert_eq!(to_ucum(written), code, "{written}");
            assert!(read(written).misreadable, "{written}");
        }
    }

    #[test]
    fn misreadable_spellings_are_shown_in_ucum_and_words_as_written() {
        assert_eq!(shown("mcL"), "uL");
        assert_eq!(shown("K/uL"), "10*3/uL");
        assert_eq!(shown("mL/min/1.73 m2"), "mL/min/{1.73_m2}");
        assert_eq!(shown("years"), "years");
        assert_eq!(shown("10^9/L"), "10^9/L");
        assert_eq!(shown("mmHg"), "mmHg");
        assert_eq!(shown("µmol/L"), "µmol/L");
    }

    #[test]
    fn ucum_codes_and_annotations_are_left_alone() {
        assert_eq!(to_ucum("mL/min/{1.73_m2}"), "mL/min/{1.73_m2}");
        assert_eq!(to_ucum("{days}"), "{days}");
        assert_eq!(to_ucum("mm[Hg]"), "mm[Hg]");
        assert_eq!(to_ucum("d"), "d");
        assert_eq!(to_ucum("s-1"), "s-1");
        // Valid UCUM that looks like a spelling: the millicalorie, the
        // millicandela, the kelvin, a plain power of ten.
        assert_eq!(to_ucum("mcal"), "mcal");
        assert_eq!(to_ucum("mcd"), "mcd");
        assert_eq!(to_ucum("K"), "K");
        assert_eq!(to_ucum("K/s"), "K/s");
        assert_eq!(to_ucum("10*3/uL"), "10*3/uL");
        assert_eq!(to_ucum("/100{WBC}"), "/100{WBC}");
        assert!(!read("10*9/L").misreadable);
        assert_eq!(to_ucum("g/(8.h){shift}"), "g/(8.h{shift})");
        assert_eq!(to_ucum("U/(10.g){feces}/d"), "U/(10.g{feces})/d");
    }
}
