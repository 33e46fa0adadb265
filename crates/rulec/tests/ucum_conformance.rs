//! The official UCUM functional tests (`UcumFunctionalTests.xml`), run
//! through [`Unit::parse_ucum`], [`Unit::conversion_to`] and
//! [`Conversion::apply`].
//!
//! The file lives outside the repository, at
//! `<workspace root>/../shared/ucum/UcumFunctionalTests.xml`; where it is
//! absent each test says so on stderr and passes (CI has it). Each section
//! is a test of its own, which prints its counts and fails listing every
//! failing case by id: `cargo test -p rulec --test ucum_conformance --
//! --nocapture --test-threads=1` shows the counts one section at a time.
//!
//! Expected values are rounded: `0.160` states three significant figures,
//! so a result passes when it rounds to the stated digits, that is when it
//! lies within half a unit of the last stated digit. No `f64` result can
//! honour more than 15 significant digits (`946073047258080000` states
//! 18), so the tolerance is never tighter than 15 significant digits.
//!
//! A case may be left out only through [`OUT_OF_SCOPE`], with its reason;
//! a listed case that starts passing fails the test, so the list cannot go
//! stale.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test reports a broken fixture by panicking"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use rulec::units::{Unit, UnitError};

/// Cases rulec does not run, by section and id, each with the reason.
///
/// The only ones are validation cases of decibels. `dB`, like `[pH]`,
/// `B[V]`, `Np` and the other logarithmic special units, is valid UCUM, but
/// rulec reads only proper units, arbitrary units and the temperature
/// scales: a logarithmic value cannot be compared with a threshold after a
/// multiply and an add, so `Unit::parse_ucum` answers
/// `UnitError::Unsupported` and eligibility rules record such values as
/// plain numbers (`docs/units.md`). The test checks that each case listed
/// for this reason does fail with `Unsupported`.
///
/// rulec's other departures from UCUM (the mole as a dimension of its own,
/// `U` arbitrary) change no case of the file.
const OUT_OF_SCOPE: &[OutOfScope] = &[
    OutOfScope {
        section: "validation",
        id: "1-120a",
        reason: "`dB[10.nV]` is a logarithmic special unit (decibel of 10 nV), which rulec does not support by design",
        answers: Answer::Unsupported,
    },
    OutOfScope {
        section: "validation",
        id: "k=1=022",
        reason: "`dB[SPL]` is a logarithmic special unit (decibel of sound pressure level), which rulec does not support by design",
        answers: Answer::Unsupported,
    },
    OutOfScope {
        section: "validation",
        id: "k=1=149",
        reason: "`dB` is a logarithmic special unit (decibel), which rulec does not support by design",
        answers: Answer::Unsupported,
    },
];

/// A case left out, and why.
struct OutOfScope {
    section: &'static str,
    id: &'static str,
    reason: &'static str,
    /// What rulec answers instead, checked so that the reason stays true.
    answers: Answer,
}

/// The answer an out-of-scope case must still get.
#[derive(Clone, Copy, Debug)]
enum Answer {
    /// `Unit::parse_ucum` fails with `UnitError::Unsupported`.
    Unsupported,
}

/// Where the functional tests are, relative to the workspace root.
const FILE: &str = "../shared/ucum/UcumFunctionalTests.xml";

/// One `<case>` element, with its attributes.
struct Case {
    id: String,
    attributes: BTreeMap<String, String>,
}

impl Case {
    fn get(&self, name: &str) -> &str {
        self.attributes
            .get(name)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("case {} has no `{name}` attribute", self.id))
    }

    fn number(&self, name: &str) -> f64 {
        let text = self.get(name);
        text.parse()
            .unwrap_or_else(|_| panic!("case {}: `{name}` is not a number: {text}", self.id))
    }
}

/// The cases of one section of the file (`validation`, `conversion`, …),
/// or `None` if the file is absent. Cases inside XML comments are not
/// cases.
fn cases(section: &str) -> Option<Vec<Case>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = root.join(FILE);
    let Ok(xml) = std::fs::read_to_string(&path) else {
        eprintln!(
            "skipped: {FILE} not found (it exists in CI); looked for {}",
            path.display()
        );
        return None;
    };
    let mut reader = Reader::from_str(&xml);
    let mut current: Option<String> = None;
    let mut out = Vec::new();
    loop {
        match reader.read_event().expect("the file is well-formed XML") {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if name != "case" {
                    current = Some(name);
                } else if current.as_deref() == Some(section) {
                    out.push(case(&e));
                }
            }
            Event::Empty(e)
                if e.name().as_ref() == b"case" && current.as_deref() == Some(section) =>
            {
                out.push(case(&e));
            }
            Event::End(e) if e.name().as_ref() != b"case" => current = None,
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(!out.is_empty(), "no `{section}` cases in {FILE}");
    Some(out)
}

fn case(element: &BytesStart<'_>) -> Case {
    let attributes: BTreeMap<String, String> = element
        .attributes()
        .map(|a| {
            let a = a.expect("a well-formed attribute");
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .expect("an attribute value")
                .into_owned();
            (String::from_utf8_lossy(a.key.as_ref()).into_owned(), value)
        })
        .collect();
    Case {
        id: attributes.get("id").cloned().expect("every case has an id"),
        attributes,
    }
}

/// Whether `actual` rounds to `expected` as written: within half a unit of
/// its last stated digit, and never tighter than 15 significant digits.
fn agrees(actual: f64, expected: &str) -> bool {
    let value: f64 = expected.parse().expect("an expected value is a number");
    let half_last_digit = 0.5 * 10f64.powi(last_digit_power(expected));
    let f64_limit = value.abs() * 1e-15;
    (actual - value).abs() <= half_last_digit.max(f64_limit)
}

/// The power of ten of the last stated digit: -3 for `0.160`, 0 for
/// `6300000`, -7 for `1e-7`.
fn last_digit_power(text: &str) -> i32 {
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().expect("an exponent")),
        None => (text, 0),
    };
    let decimals = mantissa.split_once('.').map_or(0, |(_, f)| f.len());
    exponent - i32::try_from(decimals).expect("a short number")
}

/// What happened to one case.
enum Outcome {
    Passed,
    Failed(String),
}

/// Runs a section's cases, prints its counts and fails on any failure, or
/// on an out-of-scope case that passes or no longer gets its answer.
fn run_section(section: &str, run: impl Fn(&Case) -> Outcome) {
    let Some(cases) = cases(section) else { return };
    let listed: Vec<&OutOfScope> = OUT_OF_SCOPE
        .iter()
        .filter(|o| o.section == section)
        .collect();
    for o in &listed {
        assert!(
            cases.iter().any(|c| c.id == o.id),
            "out-of-scope case {section} {} is not in the file",
            o.id
        );
    }
    let (mut passed, mut failures, mut stale) = (0, String::new(), String::new());
    let mut out_of_scope = String::new();
    for case in &cases {
        let outcome = run(case);
        match listed.iter().find(|o| o.id == case.id) {
            Some(o) => {
                writeln!(out_of_scope, "  {}: {}", o.id, o.reason).unwrap();
                if let Outcome::Passed = outcome {
                    writeln!(stale, "  {}: passes; remove it from OUT_OF_SCOPE", o.id).unwrap();
                } else if let Some(why) = check_answer(case, o.answers) {
                    writeln!(stale, "  {}: {why}", o.id).unwrap();
                }
            }
            None => match outcome {
                Outcome::Passed => passed += 1,
                Outcome::Failed(why) => writeln!(failures, "  {}: {why}", case.id).unwrap(),
            },
        }
    }
    let failed = failures.lines().count();
    eprintln!(
        "{section}: {passed} passed, {failed} failed, {} out of scope",
        listed.len()
    );
    if !out_of_scope.is_empty() {
        eprint!("{section} out of scope:\n{out_of_scope}");
    }
    assert!(
        failures.is_empty(),
        "{failed} {section} cases fail:\n{failures}"
    );
    assert!(
        stale.is_empty(),
        "out-of-scope {section} cases whose reason no longer holds:\n{stale}"
    );
}

/// `None` if an out-of-scope case gets the answer its reason claims, else
/// what it gets instead.
fn check_answer(case: &Case, answer: Answer) -> Option<String> {
    let unit = case
        .attributes
        .get("unit")
        .or_else(|| case.attributes.get("srcUnit"))?;
    match (answer, Unit::parse_ucum(unit)) {
        (Answer::Unsupported, Err(UnitError::Unsupported { .. })) => None,
        (Answer::Unsupported, other) => Some(format!(
            "`{unit}` was expected to be unsupported, got {other:?}"
        )),
    }
}

/// A unit, or why it does not parse, for a failure message.
fn parse(unit: &str) -> Result<Unit, String> {
    Unit::parse_ucum(unit).map_err(|e| format!("`{unit}` does not parse: {e}"))
}

/// `value` in `from`, converted to `to`, compared with `expected`.
fn convert(value: f64, from: &Unit, to: &str, expected: &str) -> Outcome {
    let to = match parse(to) {
        Ok(unit) => unit,
        Err(why) => return Outcome::Failed(why),
    };
    match from.conversion_to(&to) {
        Ok(conversion) => {
            let actual = conversion.apply(value);
            if agrees(actual, expected) {
                Outcome::Passed
            } else {
                Outcome::Failed(format!("got {actual:e} {to}, expected {expected}"))
            }
        }
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

/// A unit is valid UCUM iff `Unit::parse_ucum` reads it.
#[test]
fn validation() {
    run_section("validation", |case| {
        let unit = case.get("unit");
        let valid = case.get("valid") == "true";
        match (valid, Unit::parse_ucum(unit)) {
            (true, Ok(_)) | (false, Err(_)) => Outcome::Passed,
            (true, Err(e)) => Outcome::Failed(format!("`{unit}` is valid UCUM, rulec says: {e}")),
            (false, Ok(u)) => Outcome::Failed(format!(
                "`{unit}` is not valid UCUM ({}), rulec reads {u:?}",
                case.attributes
                    .get("reason")
                    .map_or("no reason given", |r| r)
            )),
        }
    });
}

/// `value srcUnit` converts to `outcome dstUnit`.
#[test]
fn conversion() {
    run_section("conversion", |case| match parse(case.get("srcUnit")) {
        Ok(from) => convert(
            case.number("value"),
            &from,
            case.get("dstUnit"),
            case.get("outcome"),
        ),
        Err(why) => Outcome::Failed(why),
    });
}

/// The product or quotient of `v1 u1` and `v2 u2`, in the unit
/// [`Unit::times`] or [`Unit::divided_by`] gives (as the checker does for
/// `a * b` and `a / b`), converts to `vRes uRes` (unity if empty).
///
/// These cases are arithmetic on values, so they go through rulec's
/// arithmetic on units rather than one written expression: a quotient of
/// two values of like units is a plain number (case 4-103, `[lb_av]/h`
/// divided by `kg/s`, is unity), while the same written as one unit,
/// `([lb_av]/h)/(kg/s)`, is a ratio of masses and times that converts only
/// to units of its own kind (docs/units.md, kinds of ratio).
fn combine(case: &Case, operator: char) -> Outcome {
    let (u1, u2) = match (parse(case.get("u1")), parse(case.get("u2"))) {
        (Ok(u1), Ok(u2)) => (u1, u2),
        (Err(why), _) | (_, Err(why)) => return Outcome::Failed(why),
    };
    let combined = if operator == '.' {
        u1.times(&u2)
    } else {
        u1.divided_by(&u2)
    };
    let unit = match combined {
        Ok(unit) => unit,
        Err(e) => return Outcome::Failed(format!("`{u1}` {operator} `{u2}`: {e}")),
    };
    let (v1, v2) = (case.number("v1"), case.number("v2"));
    let value = if operator == '.' { v1 * v2 } else { v1 / v2 };
    let target = match case.get("uRes") {
        "" => "1",
        unit => unit,
    };
    convert(value, &unit, target, case.get("vRes"))
}

/// `v1 u1 × v2 u2 = vRes uRes`.
#[test]
fn multiplication() {
    run_section("multiplication", |case| combine(case, '.'));
}

/// `v1 u1 ÷ v2 u2 = vRes uRes`.
#[test]
fn division() {
    run_section("division", |case| combine(case, '/'));
}

/// Display names are not part of rulec: messages name what a unit
/// measures (`mass concentration`), not the unit spelt out. The section is
/// counted so that the printed totals cover the whole file.
#[test]
fn display_name_generation() {
    let Some(cases) = cases("displayNameGeneration") else {
        return;
    };
    let ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    eprintln!(
        "displayNameGeneration: 0 passed, 0 failed, {} out of scope (rulec generates no display names): {}",
        cases.len(),
        ids.join(", ")
    );
}
