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
