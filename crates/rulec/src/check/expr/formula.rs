//! Clinical formulas: `bmi(weight, height)`, `egfr_ckd_epi_2021(scr, age,
//! female)` and the others of [`FORMULAS`], each written in rulec itself
//! and typed in place with its arguments.
//!
//! A quantity argument is converted into the unit its parameter declares
//! (through the parameter's molar mass, so creatinine may be given in
//! any molar or mass unit) and enters the formula as a plain number in
//! that unit; the formula's value is in the unit it declares. The body is
//! checked like any rule text, against the arguments only, so the result
//! is an ordinary checked expression that every back end evaluates; the
//! call is kept around it for explanations.

use std::sync::LazyLock;

use super::choose::FUNCTIONS;
use super::ops::convert;
use super::*;
use crate::syntax::Name;
use crate::units::MolarMass;

/// What a formula's parameter takes.
#[derive(Clone, Copy, Debug)]
enum Param {
    /// A quantity, converted into this unit; with the analyte's molar
    /// mass in g/mol where mass and substance concentrations both occur.
    Quantity(&'static str, Option<&'static str>),
    /// A condition (`sex = female`).
    Condition,
}

/// A clinical formula: its name, parameters, the unit of its value and
/// its body over the parameters (each a plain number in its unit).
pub(crate) struct Formula {
    /// The name a rule calls it by.
    pub(crate) name: &'static str,
    /// The parameters, by name.
    params: &'static [(&'static str, Param)],
    /// The unit of the value.
    pub(crate) unit: &'static str,
    /// The molar mass of the analyte the value is a concentration of, in
    /// g/mol, so that it compares with either kind of concentration.
    mass: Option<&'static str>,
    /// The formula, in rulec.
    body: &'static str,
}

/// Creatinine's molar mass (C4H7N3O), g/mol.
const CREATININE: Option<&str> = Some("113.12");
/// Calcium's molar mass, g/mol.
const CALCIUM: Option<&str> = Some("40.078");

/// The formulas. Each has a test against published values in
/// `crates/rulec/tests/formulas.rs`, which cites its source.
pub(crate) const FORMULAS: [Formula; 9] = [
    // WHO: weight in kilograms over the square of height in metres.
    Formula {
        name: "bmi",
        params: &[
            ("weight", Param::Quantity("kg", None)),
            ("height", Param::Quantity("m", None)),
        ],
        unit: "kg/m2",
        mass: None,
        body: "weight / height ^ 2",
    },
    // Mosteller, N Engl J Med 1987;317:1098.
    Formula {
        name: "bsa_mosteller",
        params: &[
            ("height", Param::Quantity("cm", None)),
            ("weight", Param::Quantity("kg", None)),
        ],
        unit: "m2",
        mass: None,
        body: "sqrt(height * weight / 3600)",
    },
    // Du Bois and Du Bois, Arch Intern Med 1916;17:863 (71.84 cm2).
    Formula {
        name: "bsa_dubois",
        params: &[
            ("weight", Param::Quantity("kg", None)),
            ("height", Param::Quantity("cm", None)),
        ],
        unit: "m2",
        mass: None,
        body: "0.007184 * weight ^ 0.425 * height ^ 0.725",
    },
    // Cockcroft and Gault, Nephron 1976;16:31, with creatinine in mg/dL
    // (a value in umol/L divided by 88.4 on the way, through the molar mass).
    Formula {
        name: "crcl_cockcroft_gault",
        params: &[
            ("age", Param::Quantity("a", None)),
            ("weight", Param::Quantity("kg", None)),
            ("creatinine", Param::Quantity("mg/dL", CREATININE)),
            ("female", Param::Condition),
        ],
        unit: "mL/min",
        mass: None,
        body: "(140 - age) * weight / (72 * creatinine) * (if female then 0.85 else 1)",
    },
    // Inker et al., N Engl J Med 2021;385:1737 (race-free CKD-EPI).
    Formula {
        name: "egfr_ckd_epi_2021",
        params: &[
            ("creatinine", Param::Quantity("mg/dL", CREATININE)),
            ("age", Param::Quantity("a", None)),
            ("female", Param::Condition),
        ],
        unit: "mL/min/{1.73_m2}",
        mass: None,
        body: "142 * min(creatinine / (if female then 0.7 else 0.9), 1) ^ (if female then -0.241 else -0.302) \
               * max(creatinine / (if female then 0.7 else 0.9), 1) ^ -1.200 \
               * 0.9938 ^ age * (if female then 1.012 else 1)",
    },
    // Corrected for albumin: 0.8 mg/dL for each g/dL of albumin below
    // 4 g/dL, the form in common use (Payne et al., BMJ 1973;4:643,
    // published 1.0; the SI form's 0.02 mmol/L per g/L is this one).
    Formula {
        name: "corrected_calcium",
        params: &[
            ("calcium", Param::Quantity("mg/dL", CALCIUM)),
            ("albumin", Param::Quantity("g/dL", None)),
        ],
        unit: "mg/dL",
        mass: CALCIUM,
        body: "calcium + 0.8 * (4 - albumin)",
    },
    // Fridericia, Acta Med Scand 1920;53:469: QT over the cube root of RR in seconds.
    Formula {
        name: "qtc_fridericia",
        params: &[
            ("qt", Param::Quantity("ms", None)),
            ("rr", Param::Quantity("s", None)),
        ],
        unit: "ms",
        mass: None,
        body: "qt / cbrt(rr)",
    },
    // Bazett, Heart 1920;7:353: QT over the square root of RR in seconds.
    Formula {
        name: "qtc_bazett",
        params: &[
            ("qt", Param::Quantity("ms", None)),
            ("rr", Param::Quantity("s", None)),
        ],
        unit: "ms",
        mass: None,
        body: "qt / sqrt(rr)",
    },
    // White cells times the neutrophils' fraction (segmented and bands,
    // as the laboratory reports them).
    Formula {
        name: "anc",
        params: &[
            ("wbc", Param::Quantity("10*9/L", None)),
            ("neutrophils", Param::Quantity("%", None)),
        ],
        unit: "10*9/L",
        mass: None,
        body: "wbc * neutrophils / 100",
    },
];

/// Each formula's body, parsed once (a body that does not parse is a bug
/// the tests catch; it makes the formula an unknown function).
static BODIES: LazyLock<Vec<Option<Expr>>> = LazyLock::new(|| {
    FORMULAS
        .iter()
        .map(|f| crate::syntax::parse_expr(f.body).ok())
        .collect()
});

/// A molar mass in g/mol, written as a number.
fn grams_per_mole(value: Option<&str>) -> Option<MolarMass> {
    let g_mol = Unit::parse("g/mol").ok()?;
    MolarMass::new(value?, &g_mol).ok()
}

impl FormulaCall {
    /// The formula's name (`bmi`).
    #[must_use]
    pub fn name(&self) -> &'static str {
        FORMULAS
            .get(usize::from(self.formula))
            .map_or("?", |f| f.name)
    }

    /// The unit of the formula's value, as UCUM writes it.
    #[must_use]
    pub fn unit(&self) -> &'static str {
        FORMULAS
            .get(usize::from(self.formula))
            .map_or("1", |f| f.unit)
    }

    /// The names of the formula's parameters, in order.
    #[must_use]
    pub fn params(&self) -> Vec<&'static str> {
        FORMULAS
            .get(usize::from(self.formula))
            .map(|f| f.params.iter().map(|(n, _)| *n).collect())
            .unwrap_or_default()
    }

    /// The unit each quantity argument is converted into (`None` for a
    /// condition), in order.
    #[must_use]
    pub fn param_units(&self) -> Vec<Option<&'static str>> {
        FORMULAS
            .get(usize::from(self.formula))
            .map(|f| {
                f.params
                    .iter()
                    .map(|(_, p)| match p {
                        Param::Quantity(u, _) => Some(*u),
                        Param::Condition => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl<'a> Ctx<'a> {
    /// A call of a name that is not a function of numbers: a clinical
    /// formula, or an unknown function.
    pub(super) fn formula(&mut self, name: &'a Name, args: &'a [Expr], span: Span) -> Typed {
        let found = FORMULAS
            .iter()
            .zip(BODIES.iter())
            .enumerate()
            .find(|(_, (f, _))| f.name == name.node);
        let Some((index, (formula, Some(body)))) = found else {
            return self.unknown_function(name);
        };
        if args.len() != formula.params.len() {
            let names: Vec<&str> = formula.params.iter().map(|(n, _)| *n).collect();
            return self.arguments(
                name,
                &format!("{} arguments", formula.params.len()),
                args.len(),
                span,
                Some(format!("`{}({})`", formula.name, names.join(", "))),
            );
        }
        let mut bound = Vec::with_capacity(args.len());
        let mut shown = Vec::with_capacity(args.len());
        let mut failed = false;
        for ((param, kind), arg) in formula.params.iter().zip(args) {
            match self.argument(formula, param, *kind, arg) {
                Some((typed, kept)) => {
                    bound.push((*param, typed));
                    shown.push(kept);
                }
                None => failed = true,
            }
        }
        if failed {
            return Typed::Error;
        }
        // The body sees its parameters and nothing else.
        let outer = self.params.replace(bound);
        let value = self.expr(body);
        self.params = outer;
        let (
            Typed::Num(NumTyped {
                num, unit: None, ..
            }),
            Ok(unit),
        ) = (value, Unit::parse(formula.unit))
        else {
            return self.error(CheckError::TypeMismatch {
                expected: format!("the formula `{}` to give a number", formula.name),
                found: "an expression that does not check (a bug in rulec)".to_owned(),
                span,
                help: None,
            });
        };
        Typed::Num(NumTyped {
            num: Num::Formula(Box::new(FormulaCall {
                formula: u16::try_from(index).unwrap_or(u16::MAX),
                args: shown,
                body: num,
            })),
            unit: Some(unit),
            origin: Origin::Formula {
                name: formula.name,
                molar_mass: grams_per_mole(formula.mass),
            },
        })
    }

    /// One argument, converted for its parameter: the value the body
    /// sees, and the argument as the explanation shows it.
    fn argument(
        &mut self,
        formula: &Formula,
        param: &str,
        kind: Param,
        arg: &'a Expr,
    ) -> Option<(Typed, FormulaArg)> {
        match kind {
            Param::Condition => {
                let c = self.cond(arg)?;
                Some((Typed::Cond(c.clone()), FormulaArg::Cond(c)))
            }
            Param::Quantity(unit_text, molar_mass) => {
                let typed = self.expr(arg);
                let n = match typed {
                    Typed::Num(n) => n,
                    Typed::Error => return None,
                    other => {
                        self.mismatch("a number", &other, arg.span);
                        return None;
                    }
                };
                let target = Unit::parse(unit_text).ok()?;
                let Some(unit) = n.unit.clone() else {
                    self.error(CheckError::TypeMismatch {
                        expected: format!(
                            "`{param}` of `{}`: a quantity that converts to `{unit_text}` ({})",
                            formula.name,
                            target.kind()
                        ),
                        found: "a number without a unit".to_owned(),
                        span: arg.span,
                        help: Some(format!(
                            "give the number its unit: `{} * 1 {unit_text}`",
                            crate::syntax::print_expr(arg)
                        )),
                    });
                    return None;
                };
                let own = match &n.origin {
                    Origin::Field(info) => info.molar_mass.clone(),
                    Origin::Formula { molar_mass, .. } => molar_mass.clone(),
                    _ => None,
                };
                let mass = own.or_else(|| grams_per_mole(molar_mass));
                let conversion = match unit.conversion_into(&target, mass.as_ref(), None) {
                    Ok(c) => c,
                    Err(e) => {
                        let names: Vec<&str> = formula.params.iter().map(|(n, _)| *n).collect();
                        let help = miette::Diagnostic::help(&e)
                            .map(|h| format!("{h}; "))
                            .unwrap_or_default();
                        self.error(CheckError::TypeMismatch {
                            expected: format!(
                                "`{param}` of `{}`: a quantity that converts to `{unit_text}` ({})",
                                formula.name,
                                target.kind()
                            ),
                            found: format!("a quantity in `{unit}` ({})", unit.kind()),
                            span: arg.span,
                            help: Some(format!(
                                "{help}the arguments are `{}({})`",
                                formula.name,
                                names.join(", ")
                            )),
                        });
                        return None;
                    }
                };
                let value = convert(n.num.clone(), conversion);
                let plain = Typed::Num(NumTyped {
                    num: value.clone(),
                    unit: None,
                    origin: Origin::Other,
                });
                Some((plain, FormulaArg::Num(value)))
            }
        }
    }

    fn unknown_function(&mut self, name: &Name) -> Typed {
        let all: Vec<&str> = FUNCTIONS
            .iter()
            .copied()
            .chain(FORMULAS.iter().map(|f| f.name))
            .collect();
        let help = match closest(&name.node, all.iter().copied()) {
            Some(c) => format!("did you mean `{c}`? the functions are {}", all.join(", ")),
            None => format!("the functions are {}", all.join(", ")),
        };
        self.error(CheckError::UnknownFunction {
            name: name.node.clone(),
            span: name.span,
            help,
        })
    }
}
