//! Units as rule authors meet them: the clinical conversions eligibility
//! criteria rely on, the laws of unit algebra (proptest) and the unit
//! errors as a user sees them (insta snapshots in `tests/snapshots/`).
//!
//! Each snapshot shows the call that fails as its description, then the
//! error code and the diagnostic rendered without colour. A snapshot is a
//! claim that the message is right: read each `.snap.new` before accepting
//! it (`cargo insta review`, or `INSTA_UPDATE=always` after reading).

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers report a unit that should parse or convert by panicking, as a failing assertion would"
)]

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};
use proptest::prelude::*;
use rulec::units::{Conversion, Dimension, MolarMass, Unit, UnitError};

/// A unit that must parse as protocols write it.
fn unit(written: &str) -> Unit {
    Unit::parse(written).unwrap_or_else(|e| panic!("`{written}` should parse: {e}"))
}

/// The conversion between two units that must be commensurable.
fn conversion(from: &str, to: &str) -> Conversion {
    unit(from)
        .conversion_to(&unit(to))
        .unwrap_or_else(|e| panic!("`{from}` should convert to `{to}`: {e}"))
}

/// The error of a unit that must not parse.
fn parse_error(written: &str) -> UnitError {
    match Unit::parse(written) {
        Ok(u) => panic!("`{written}` should not parse, but reads as {u:?}"),
        Err(e) => e,
    }
}

/// The error of two units that must not convert.
fn conversion_error(from: &str, to: &str) -> UnitError {
    match unit(from).conversion_to(&unit(to)) {
        Ok(c) => panic!("`{from}` should not convert to `{to}`, but converts with {c:?}"),
        Err(e) => e,
    }
}

/// A molar mass in g/mol.
fn molar_mass(grams_per_mole: &str) -> MolarMass {
    MolarMass::new(grams_per_mole, &unit("g/mol")).unwrap()
}

/// A value to `n` significant figures, as a report prints it.
fn significant(value: f64, n: usize) -> String {
    format!("{value:.*e}", n - 1)
}

// The clinical facts.

/// A haemoglobin of 8 g/dL is exactly 80 g/L, so it does not meet
/// `haemoglobin > 80 g/L`: the conversion gives 80, not 80.00000000000001.
#[test]
#[expect(
    clippy::neg_cmp_op_on_partial_ord,
    reason = "the criterion `> 80 g/L` exactly as a rule states it, found not met"
)]
fn eight_g_per_dl_is_exactly_80_g_per_l() {
    let value = conversion("g/dL", "g/L").apply(8.0);
    assert_eq!(value, 80.0);
    assert!(!(value > 80.0));
}

/// A platelet or neutrophil count per microlitre is a count of 10⁹ per
/// litre divided by 1000, exactly.
#[test]
fn a_count_per_microlitre_is_exactly_a_count_of_10_9_per_litre() {
    assert_eq!(conversion("/uL", "10*9/L").apply(1500.0), 1.5);
}

#[test]
fn ten_caret_nine_per_litre_is_ten_star_nine_per_litre() {
    let (caret, star) = (unit("10^9/L"), unit("10*9/L"));
    assert_eq!(caret.ucum(), "10*9/L");
    assert_eq!(caret.dimension(), star.dimension());
    assert!(caret.conversion_to(&star).unwrap().is_identity());
}

// Kinds of dimensionless ratio (issue 13, point 1).

/// HbA1c in IFCC units (mmol/mol) is not NGSP % divided by ten: the two
/// are related by NGSP = 0.09148 × IFCC + 2.152. UCUM finds both
/// dimensionless, and read as 4.8 % a diabetic's 48 mmol/mol would pass
/// `hba1c < 6.5 %`.
#[test]
fn a_ratio_of_amounts_never_converts_to_a_percentage() {
    for (from, to) in [("mmol/mol", "%"), ("mmol/mol", "1"), ("%", "mmol/mol")] {
        let error = conversion_error(from, to);
        assert_eq!(
            error.code().map(|c| c.to_string()).as_deref(),
            Some("rulec::units::incommensurable")
        );
        let help = error.help().map(|h| h.to_string()).unwrap_or_default();
        assert!(help.contains("equation"), "{from} → {to}: {help}");
    }
    // Within its kind it converts exactly.
    assert_eq!(conversion("mmol/mol", "umol/mol").apply(48.0), 48_000.0);
}

/// Every ratio whose dimensions cancel keeps what it is a ratio of.
#[test]
fn ratios_of_like_quantities_convert_only_within_their_kind() {
    for (from, to) in [
        ("g/g", "%"),
        ("mg/g", "mmol/mol"),
        ("mL/mL", "1"),
        ("mL/mL", "g/g"),
        ("/100{WBC}", "%"),
        ("/100{WBC}", "/100{RBC}"),
        ("/[HPF]", "1"),
        ("{cells}/[HPF]", "%"),
    ] {
        assert!(!unit(from).is_commensurable(&unit(to)), "{from} ~ {to}");
        conversion_error(from, to);
    }
    assert_eq!(conversion("g/kg", "mg/g").apply(3.0), 3.0);
    assert_eq!(conversion("mL/dL", "L/L").apply(45.0), 0.45);
    assert_eq!(conversion("{RBC}/100{WBC}", "/100{WBC}").apply(5.0), 5.0);
    assert_eq!(conversion("/[LPF]", "/[HPF]").apply(300.0), 3.0);
    // Plain numbers convert among themselves.
    assert_eq!(conversion("%", "1").apply(50.0), 0.5);
    assert_eq!(conversion("10*3", "[ppm]").apply(1.0), 1e9);
    assert_eq!(conversion("{score}", "1").apply(3.0), 3.0);
    assert_eq!(unit("mmol/mol").kind(), "a ratio of amounts of substance");
    assert_eq!(unit("/100{WBC}").kind(), "a count per {WBC}");
}

/// A ratio computed from two values (`creatinine / baseline`) is a plain
/// number, comparable with `150 %`; a ratio unit divided by itself too.
#[test]
fn a_quotient_of_values_is_a_plain_number() {
    let ratio = unit("umol/L").divided_by(&unit("umol/L")).unwrap();
    assert_eq!(ratio.conversion_to(&unit("%")).unwrap().apply(1.5), 150.0);
    let doubled = unit("mmol/mol").times(&unit("1")).unwrap();
    assert!(!doubled.is_commensurable(&unit("%")));
    assert!(doubled.is_commensurable(&unit("umol/mol")));
    let plain = unit("mmol/mol").divided_by(&unit("umol/mol")).unwrap();
    assert!(plain.is_commensurable(&unit("%")));
}

/// The audit: `%` and `g/dL` differ in dimension, and `K/uL` is the
/// laboratory's thousands per microlitre, while `K` alone is the kelvin.
#[test]
fn percent_is_not_a_mass_concentration_and_k_per_microlitre_is_not_kelvin() {
    conversion_error("g/dL", "%");
    assert_eq!(conversion("K/uL", "10*9/L").apply(4.5), 4.5);
    assert_eq!(unit("K").dimension().to_string(), "temperature");
    assert_eq!(
        unit("K/s").dimension().to_string(),
        "a quantity of dimension T⁻¹·Θ"
    );
}

// Clinicians' spellings (issue 13, point 2).

/// Each spelling reads as its UCUM code (the same unit exactly) and is
/// shown as that code, in messages and explanations.
#[test]
fn clinicians_spellings_read_as_their_ucum_meaning() {
    for (written, code) in [
        ("/mcL", "/uL"),
        ("mcL", "uL"),
        ("mcg/dL", "ug/dL"),
        ("mcmol/L", "umol/L"),
        ("mEq/L", "meq/L"),
        ("mOsm/kg", "mosm/kg"),
        ("x10^9/L", "10*9/L"),
        ("x 10^9/L", "10*9/L"),
        ("× 10^9/L", "10*9/L"),
        ("10E9/L", "10*9/L"),
        ("K/uL", "10*3/uL"),
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
        let read = unit(written);
        let ucum = Unit::parse_ucum(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(read.ucum(), code, "{written}");
        assert_eq!(read.to_string(), code, "{written} is shown in UCUM");
        assert_eq!(rulec::units::canonical(written), code, "{written}");
        let same = read.conversion_to(&ucum).unwrap();
        assert!(same.is_identity(), "{written} is exactly {code}");
    }
    // The long-standing words are shown as written.
    for written in ["years", "10^9/L", "mmHg", "µmol/L", "IU/mL", "cells/uL"] {
        assert_eq!(unit(written).to_string(), written);
    }
}

/// `wbc >= 3000 /mcL` is 3 × 10⁹/L, and `g/24 h` is grams per day.
#[test]
fn per_microlitre_and_per_24_hours_convert() {
    assert_eq!(conversion("/mcL", "10*9/L").apply(3000.0), 3.0);
    assert_eq!(conversion("mcg/mL", "mg/L").apply(2.5), 2.5);
    assert_eq!(conversion("g/24 h", "g/d").apply(3.5), 3.5);
    assert_eq!(conversion("mEq/L", "mmol/L").apply(140.0), 140.0);
    assert_eq!(conversion("cmH2O", "cm[H2O]").apply(5.0), 5.0);
}

/// A did-you-mean never changes a magnitude: `mcLL` is one letter from
/// `mL`, a thousandth of what was meant; a typo that keeps the prefix is
/// still fixed.
#[test]
fn a_suggestion_never_changes_the_prefix() {
    for written in ["mcLL/min", "mcgg/dL", "mcmoll/L", "/mcLx"] {
        let help = parse_error(written)
            .help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        for wrong in ["`mL`", "`L`", "`mg`", "`g`", "`mmol`", "`mol`"] {
            assert!(!help.contains(wrong), "{written}: {help}");
        }
    }
    let help = parse_error("mgg/dL").help().map(|h| h.to_string());
    assert_eq!(help.as_deref(), Some("did you mean `mg`?"));
}

/// Creatinine, 113.12 g/mol: 1 mg/dL is 88.4 µmol/L.
#[test]
fn creatinine_converts_through_its_molar_mass_both_ways() {
    let creatinine = molar_mass("113.12");
    let to_umol = unit("mg/dL")
        .conversion_via_molar_mass(&unit("umol/L"), &creatinine)
        .unwrap();
    assert_eq!(significant(to_umol.apply(1.0), 3), significant(88.4, 3));
    let to_mg = unit("umol/L")
        .conversion_via_molar_mass(&unit("mg/dL"), &creatinine)
        .unwrap();
    assert_eq!(significant(to_mg.apply(88.4), 3), significant(1.0, 3));
}

/// Bilirubin, 584.66 g/mol: 1 mg/dL is 17.1 µmol/L.
#[test]
fn bilirubin_converts_through_its_molar_mass_both_ways() {
    let bilirubin = molar_mass("584.66");
    let to_umol = unit("mg/dL")
        .conversion_via_molar_mass(&unit("umol/L"), &bilirubin)
        .unwrap();
    assert_eq!(significant(to_umol.apply(1.0), 3), significant(17.1, 3));
    let to_mg = unit("umol/L")
        .conversion_via_molar_mass(&unit("mg/dL"), &bilirubin)
        .unwrap();
    assert_eq!(significant(to_mg.apply(17.1), 3), significant(1.0, 3));
}

/// The fever threshold: 38 °C is exactly 100.4 °F and 311.15 K.
#[test]
fn thirty_eight_celsius_is_100_4_fahrenheit_and_311_15_kelvin() {
    assert_eq!(conversion("Cel", "[degF]").apply(38.0), 100.4);
    assert_eq!(conversion("Cel", "K").apply(38.0), 311.15);
}

/// A fever threshold written in Fahrenheit on a field stored in Celsius
/// must not drift: 100.4 °F is 38 °C exactly, or a patient at 38 °C would
/// miss `>= 100.4 [degF]`.
#[test]
fn fahrenheit_converts_exactly_at_clinical_boundaries() {
    assert_eq!(conversion("[degF]", "Cel").apply(100.4), 38.0);
    assert_eq!(conversion("[degF]", "K").apply(32.0), 273.15);
    assert_eq!(conversion("Cel", "[degF]").apply(38.0), 100.4);
    assert_eq!(conversion("Cel", "K").apply(-273.15), 0.0);
}

#[test]
fn a_molar_mass_is_a_positive_number() {
    let g_per_mol = unit("g/mol");
    for value in ["0", "-113.12", "abc"] {
        let error = MolarMass::new(value, &g_per_mol).unwrap_err();
        assert!(
            matches!(error, UnitError::InvalidMolarMass { .. }),
            "{value}: {error:?}"
        );
    }
    assert!(MolarMass::new("113.12", &g_per_mol).is_ok());
}

#[test]
fn strict_ucum_suggests_the_ucum_code_of_a_protocol_spelling() {
    let error = Unit::parse_ucum("mmHg").unwrap_err();
    assert!(error.to_string().contains("mmHg"), "{error}");
    let help = miette::Diagnostic::help(&error).map(|h| h.to_string());
    assert_eq!(help.as_deref(), Some("did you mean `mm[Hg]`?"));
}

#[test]
fn mmhg_is_millimetres_of_mercury() {
    let written = unit("mmHg");
    assert_eq!(written.ucum(), "mm[Hg]");
    assert!(
        written
            .conversion_to(&unit("mm[Hg]"))
            .unwrap()
            .is_identity()
    );
}

#[test]
fn months_and_years_are_ucum_mo_and_a() {
    assert_eq!(unit("months").ucum(), "mo");
    assert_eq!(unit("years").ucum(), "a");
    assert!(conversion("years", "a").is_identity());
}

#[test]
fn the_micro_sign_is_u() {
    let micro = unit("µmol/L");
    assert_eq!(micro.ucum(), "umol/L");
    assert!(micro.conversion_to(&unit("umol/L")).unwrap().is_identity());
}

#[test]
fn international_units_convert_only_to_international_units() {
    assert_eq!(conversion("[IU]/mL", "[IU]/L").apply(1.0), 1000.0);
    assert!(!unit("[IU]/mL").is_commensurable(&unit("g/L")));
    assert!(matches!(
        conversion_error("[IU]/mL", "g/L"),
        UnitError::Incommensurable { .. }
    ));
}

/// `U` is arbitrary in rulec: a lab's enzyme activity does not convert to
/// a substance rate, nor to international units.
#[test]
fn enzyme_units_convert_only_to_enzyme_units() {
    assert_eq!(conversion("U/L", "mU/mL").apply(37.0), 37.0);
    assert!(matches!(
        conversion_error("U/L", "umol/min/L"),
        UnitError::Incommensurable { .. }
    ));
    assert!(matches!(
        conversion_error("U/L", "[IU]/L"),
        UnitError::Incommensurable { .. }
    ));
}

/// The mole is a dimension of its own in rulec, so a substance
/// concentration is never a cell count.
#[test]
fn substance_and_number_concentrations_are_incommensurable() {
    assert!(!unit("mmol/L").is_commensurable(&unit("10*9/L")));
    assert!(matches!(
        conversion_error("mmol/L", "10*9/L"),
        UnitError::Incommensurable { .. }
    ));
}

/// UCUM is case-sensitive: `MG` is a megagauss, which must at least not
/// convert to milligrams.
#[test]
fn upper_case_mg_is_not_milligrams() {
    assert!(!unit("MG").is_commensurable(&unit("mg")));
}

#[test]
fn ph_is_unsupported() {
    assert!(matches!(
        parse_error("[pH]"),
        UnitError::Unsupported { symbol, .. } if symbol == "[pH]"
    ));
}

#[test]
fn celsius_cannot_be_part_of_an_expression() {
    assert!(matches!(
        parse_error("Cel/h"),
        UnitError::SpecialInExpression { symbol, .. } if symbol == "Cel"
    ));
}

#[test]
fn a_molar_mass_needs_a_unit_of_mass_per_amount_of_substance() {
    assert!(matches!(
        MolarMass::new("113.12", &unit("g/L")),
        Err(UnitError::NotMolarMass { .. })
    ));
}

// The laws of unit algebra.

/// Units rule authors meet, grouped by what they measure: units of one
/// group are commensurable, units of different groups are not.
const GROUPS: &[&[&str]] = &[
    // mass concentration
    &["g/L", "g/dL", "mg/dL", "mg/L", "ug/mL", "ng/mL", "pg/mL"],
    // substance concentration
    &["mol/L", "mmol/L", "umol/L", "nmol/L", "meq/L"],
    // number concentration
    &["10*9/L", "10*12/L", "/uL", "/mm3", "{cells}/uL"],
    // time
    &["s", "min", "h", "d", "wk", "mo", "a"],
    // pressure
    &["mm[Hg]", "kPa", "cm[H2O]"],
    // mass
    &["kg", "g", "[lb_av]"],
    // length
    &["m", "cm", "[in_i]"],
    // temperature, two of the scales affine
    &["K", "Cel", "[degF]"],
    // international units, arbitrary
    &["[IU]/L", "m[IU]/mL", "[iU]/mL"],
    // enzyme units, arbitrary in rulec
    &["U/L", "mU/mL", "kU/L"],
    // dimensionless
    &["%", "1", "10*3", "[ppm]"],
    // volume flow rate
    &["mL/min", "L/h", "mL/min/{1.73_m2}"],
    // ratios of amounts of substance (HbA1c in IFCC units)
    &["mmol/mol", "umol/mol", "mol/mol"],
];

/// Temperature scales, which have an offset and take part in no product.
const AFFINE: [&str; 2] = ["Cel", "[degF]"];

fn any_unit() -> impl Strategy<Value = &'static str> {
    prop::sample::select(
        GROUPS
            .iter()
            .flat_map(|g| g.iter().copied())
            .collect::<Vec<_>>(),
    )
}

/// Two units of one group: a commensurable pair.
fn commensurable_pair() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop::sample::select(GROUPS.to_vec()).prop_flat_map(|group| {
        (
            prop::sample::select(group.to_vec()),
            prop::sample::select(group.to_vec()),
        )
    })
}

/// Two units, commensurable half of the time.
fn any_pair() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop_oneof![commensurable_pair(), (any_unit(), any_unit())]
}

/// `a · b` or `a / b` as one UCUM expression. Each unit goes in
/// parentheses, and a leading solidus becomes `1/`: UCUM allows `/uL` only
/// at the start of a whole expression, not inside parentheses.
fn combine(a: &str, operator: char, b: &str) -> Result<Unit, UnitError> {
    let component = |u: &str| match u.strip_prefix('/') {
        Some(rest) => format!("(1/{rest})"),
        None => format!("({u})"),
    };
    Unit::parse_ucum(&format!("{}{operator}{}", component(a), component(b)))
}

/// A finite value of the size records hold.
fn value() -> impl Strategy<Value = f64> {
    -1e9..1e9f64
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// There and back again is the identity, to 1e-12 of the magnitudes on
    /// the way (for a temperature scale the offset is one of them: 1e-5 °C
    /// is 273.15001 K).
    #[test]
    fn converting_there_and_back_is_the_identity((a, b) in commensurable_pair(), x in value()) {
        let there = conversion(a, b).apply(x);
        let back = conversion(b, a).apply(there);
        let tolerance = 1e-12 * (x.abs() + there.abs());
        prop_assert!(
            (back - x).abs() <= tolerance,
            "{x} {a} is {there} {b}, which is {back} {a}"
        );
    }

    #[test]
    fn commensurability_is_symmetric((a, b) in any_pair()) {
        prop_assert_eq!(unit(a).is_commensurable(&unit(b)), unit(b).is_commensurable(&unit(a)));
    }

    #[test]
    fn a_conversion_exists_iff_the_units_are_commensurable((a, b) in any_pair()) {
        let (a, b) = (unit(a), unit(b));
        prop_assert_eq!(a.conversion_to(&b).is_ok(), a.is_commensurable(&b));
    }

    #[test]
    fn the_dimension_of_a_product_is_the_product_of_dimensions(a in any_unit(), b in any_unit()) {
        let product = combine(a, '.', b);
        if AFFINE.contains(&a) || AFFINE.contains(&b) {
            prop_assert!(
                matches!(product, Err(UnitError::SpecialInExpression { .. })),
                "({a}) and ({b}) combine to {:?}",
                product
            );
        } else {
            let expected: Option<Dimension> = unit(a).dimension().checked_mul(unit(b).dimension());
            prop_assert_eq!(Some(product.unwrap().dimension()), expected);
        }
    }

    #[test]
    fn the_dimension_of_a_quotient_is_the_quotient_of_dimensions(a in any_unit(), b in any_unit()) {
        let quotient = combine(a, '/', b);
        if AFFINE.contains(&a) || AFFINE.contains(&b) {
            prop_assert!(
                matches!(quotient, Err(UnitError::SpecialInExpression { .. })),
                "({a}) and ({b}) combine to {:?}",
                quotient
            );
        } else {
            let expected: Option<Dimension> = unit(a).dimension().checked_div(unit(b).dimension());
            prop_assert_eq!(Some(quotient.unwrap().dimension()), expected);
        }
    }

    /// Converting a product is converting its factors: `x a · y b` in
    /// `a′·b′` is `(x a in a′) · (y b in b′)`.
    #[test]
    fn a_product_converts_factor_by_factor(
        (a, a2) in commensurable_pair(),
        (b, b2) in commensurable_pair(),
        x in value(),
        y in value(),
    ) {
        prop_assume!(!AFFINE.iter().any(|t| [a, a2, b, b2].contains(t)));
        let from = combine(a, '.', b).unwrap();
        let to = combine(a2, '.', b2).unwrap();
        let whole = from.conversion_to(&to).unwrap().apply(x * y);
        let by_factor = conversion(a, a2).apply(x) * conversion(b, b2).apply(y);
        prop_assert!(
            (whole - by_factor).abs() <= 1e-12 * whole.abs().max(by_factor.abs()),
            "{x} {a} · {y} {b}: {whole} as a whole, {by_factor} factor by factor"
        );
    }

    #[test]
    fn a_unit_to_itself_is_exactly_the_identity(a in any_unit(), x in value()) {
        let same = unit(a).conversion_to(&unit(a)).unwrap();
        prop_assert!(same.is_identity());
        prop_assert_eq!(same.apply(x), x);
    }

    /// The same factor path: a value and a threshold in the same unit,
    /// converted to any commensurable unit with the same conversion,
    /// compare as they did before. Equal stays equal, and rounding may make
    /// unequal values equal but never reverses an order.
    #[test]
    fn one_conversion_keeps_comparisons((a, b) in commensurable_pair(), x in value(), t in value()) {
        let c = conversion(a, b);
        prop_assert_eq!(c.apply(x), c.apply(x));
        if x <= t {
            prop_assert!(c.apply(x) <= c.apply(t), "{x} ≤ {t} {a}, but not in {b}");
        } else {
            prop_assert!(c.apply(x) >= c.apply(t), "{x} > {t} {a}, but not in {b}");
        }
    }
}

// The errors, as a user sees them.

/// The error's code and the diagnostic as the CLI would show it, without
/// colour, snapshotted under `name` with `call` as the description.
fn assert_rendered(name: &str, call: &str, error: &UnitError) {
    let mut rendered = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut rendered, error)
        .unwrap();
    let code = error
        .code()
        .map_or_else(|| "(none)".to_owned(), |c| c.to_string());
    let mut settings = insta::Settings::clone_current();
    settings.set_description(call);
    settings.bind(|| insta::assert_snapshot!(name, format!("code: {code}\n\n{rendered}")));
}

#[test]
fn error_syntax_double_solidus() {
    assert_rendered(
        "syntax_double_solidus",
        r#"Unit::parse("mg//dL")"#,
        &parse_error("mg//dL"),
    );
}

#[test]
fn error_unknown_with_a_suggestion() {
    assert_rendered(
        "unknown_typo_suggests_mg",
        r#"Unit::parse("mgg/dL")"#,
        &parse_error("mgg/dL"),
    );
}

#[test]
fn error_unknown_in_the_wrong_case_suggests_the_right_case() {
    assert_rendered(
        "unknown_upper_case_suggests_umol",
        r#"Unit::parse("UMOL/L")"#,
        &parse_error("UMOL/L"),
    );
}

#[test]
fn error_unknown_without_a_suggestion() {
    assert_rendered(
        "unknown_without_suggestion",
        r#"Unit::parse("zzzzzz/L")"#,
        &parse_error("zzzzzz/L"),
    );
}

#[test]
fn error_unsupported_ph() {
    assert_rendered(
        "unsupported_ph",
        r#"Unit::parse("[pH]")"#,
        &parse_error("[pH]"),
    );
}

#[test]
fn error_celsius_in_an_expression() {
    assert_rendered(
        "special_in_expression_celsius_per_hour",
        r#"Unit::parse("Cel/h")"#,
        &parse_error("Cel/h"),
    );
}

#[test]
fn error_mass_to_substance_concentration_needs_a_molar_mass() {
    assert_rendered(
        "incommensurable_mass_and_substance_concentration",
        r#"Unit::parse("mg/dL")?.conversion_to(&Unit::parse("mmol/L")?)"#,
        &conversion_error("mg/dL", "mmol/L"),
    );
}

#[test]
fn error_substance_to_number_concentration() {
    assert_rendered(
        "incommensurable_substance_and_number_concentration",
        r#"Unit::parse("mmol/L")?.conversion_to(&Unit::parse("10*9/L")?)"#,
        &conversion_error("mmol/L", "10*9/L"),
    );
}

#[test]
fn error_ratio_of_amounts_to_percent() {
    assert_rendered(
        "incommensurable_ratio_of_amounts_and_percent",
        r#"Unit::parse("mmol/mol")?.conversion_to(&Unit::parse("%")?)"#,
        &conversion_error("mmol/mol", "%"),
    );
}

#[test]
fn error_arbitrary_to_substance_rate() {
    assert_rendered(
        "incommensurable_arbitrary_enzyme_units",
        r#"Unit::parse("U/L")?.conversion_to(&Unit::parse("umol/min/L")?)"#,
        &conversion_error("U/L", "umol/min/L"),
    );
}

#[test]
fn error_not_a_molar_mass() {
    let error = MolarMass::new("113.12", &unit("g/L")).unwrap_err();
    assert_rendered(
        "not_molar_mass",
        r#"MolarMass::new("113.12", &Unit::parse("g/L")?)"#,
        &error,
    );
}

/// 10⁴⁰⁰ is an exact decimal, but no `f64` conversion holds it.
#[test]
fn error_overflow_of_a_conversion() {
    assert_rendered(
        "overflow_factor_beyond_f64",
        r#"Unit::parse("10*400")?.conversion_to(&Unit::parse("1")?)"#,
        &conversion_error("10*400", "1"),
    );
}
