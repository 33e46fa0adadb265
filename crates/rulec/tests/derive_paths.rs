//! The bound writers store a value that passes without judging it, by
//! bounds decided at bind time; anything else goes to the readers' code.
//! These values sit on and just beyond every such bound, so a bound off by
//! one (or a NaN let through) shows as a record or an error that differs
//! from the JSON reader's for the same patient.

#![expect(clippy::unwrap_used, reason = "tests")]

use rulec::check::Program;
use rulec::records::{Bound, Ranged, from_json};
use rulec_derive::Record;

const RULES: &str = r"
fields {
  kps:        integer 0..100
  grade:      integer
  ratio:      number
  hemoglobin: g/L, plausible 20 g/L..250 g/L
  change:     umol/L, plausible -50 umol/L..50 umol/L
  creatinine: umol/L with normal range, molar mass 113.12 g/mol
  temp:       Cel
  amount:     mg
}
";

fn program(source: &str) -> Program {
    let file = rulec::syntax::parse(source).unwrap();
    rulec::check::check(&file, &rulec::check::NoImports)
        .program
        .unwrap()
}

#[derive(Clone, Debug, Default, Record)]
struct Patient {
    kps: Option<f64>,
    grade: Option<i64>,
    ratio: Option<f64>,
    #[rulec(unit = "g/dL")]
    hemoglobin: Option<f64>,
    #[rulec(unit = "umol/L")]
    change: Option<f64>,
    #[rulec(unit = "mg/dL")]
    creatinine: Option<Ranged>,
    #[rulec(unit = "[degF]")]
    temp: Option<f64>,
    #[rulec(unit = "g")]
    amount: Option<f64>,
}

fn json(p: &Patient) -> serde_json::Value {
    let quantity =
        |v: Option<f64>, unit: &str| v.map(|v| serde_json::json!({"value": v, "unit": unit}));
    let mut o = serde_json::Map::new();
    let mut put = |k: &str, v: Option<serde_json::Value>| {
        if let Some(v) = v {
            o.insert(k.into(), v);
        }
    };
    put("kps", p.kps.map(Into::into));
    put("grade", p.grade.map(Into::into));
    put("ratio", p.ratio.map(Into::into));
    put("hemoglobin", quantity(p.hemoglobin, "g/dL"));
    put("change", quantity(p.change, "umol/L"));
    put(
        "creatinine",
        p.creatinine.map(|r| {
            serde_json::json!({"value": r.value, "unit": "mg/dL", "low": r.low, "high": r.high})
        }),
    );
    put("temp", quantity(p.temp, "[degF]"));
    put("amount", quantity(p.amount, "g"));
    serde_json::Value::Object(o)
}

/// The field an error names. The fields refused are compared, not the
/// words: those of a refusal come from the readers' code, and the JSON
/// reader's also name the member of its object (`high`: …).
fn field(error: &str) -> String {
    let after = error.split_once("field `").map_or("", |(_, rest)| rest);
    after.split('`').next().unwrap_or_default().to_owned()
}

/// Writes `p` over a record that held `before`, and checks record and
/// errors against the JSON reader's.
fn agrees(bound: &Bound<'_, Patient>, program: &Program, before: &Patient, p: &Patient) {
    let mut record = bound.record(before).unwrap_or_else(|_| bound.empty());
    let errors: Vec<String> = bound
        .write(p, &mut record)
        .iter()
        .map(|e| e.field.clone())
        .collect();
    let read = from_json(program, &json(p), 1);
    let read_errors: Vec<String> = read.errors.iter().map(|e| field(&e.to_string())).collect();
    assert_eq!(errors, read_errors, "{p:?}");
    assert_eq!(record, read.record, "{p:?}");
}

#[test]
fn values_on_every_bound_are_judged_as_the_readers_judge_them() {
    let program = program(RULES);
    let bound = Bound::<Patient>::new(&program).unwrap();
    let full = Patient {
        kps: Some(50.0),
        grade: Some(2),
        ratio: Some(1.5),
        hemoglobin: Some(10.0),
        change: Some(-5.0),
        creatinine: Some(Ranged {
            value: 1.0,
            low: Some(0.5),
            high: Some(1.2),
        }),
        temp: Some(98.6),
        amount: Some(1.0),
    };
    let exact = 9_007_199_254_740_992.0; // 2^53
    let mut cases = Vec::new();
    for kps in [-1.0, -0.0, 0.0, 0.5, 99.5, 100.0, 100.5, 101.0, 1e300] {
        cases.push(Patient {
            kps: Some(kps),
            ..full.clone()
        });
    }
    for grade in [
        i64::MIN,
        -(1 << 53) - 1,
        -(1 << 53),
        0,
        1 << 53,
        (1 << 53) + 1,
        i64::MAX,
    ] {
        cases.push(Patient {
            grade: Some(grade),
            ..full.clone()
        });
    }
    for ratio in [-1e308, -0.0, 0.1, exact, exact * 2.0, f64::MAX, -f64::MAX] {
        cases.push(Patient {
            ratio: Some(ratio),
            ..full.clone()
        });
    }
    // 20 g/L and 250 g/L are 2 and 25 g/dL.
    for hemoglobin in [-1.0, -0.0, 0.0, 1.99, 2.0, 2.01, 24.99, 25.0, 25.01, 1e308] {
        cases.push(Patient {
            hemoglobin: Some(hemoglobin),
            ..full.clone()
        });
    }
    for change in [-50.01, -50.0, -0.0, 50.0, 50.01] {
        cases.push(Patient {
            change: Some(change),
            ..full.clone()
        });
    }
    let limits = [
        None,
        Some(-0.1),
        Some(-0.0),
        Some(0.0),
        Some(0.9),
        Some(1e308),
    ];
    for low in limits {
        for high in limits {
            for value in [-0.1, 0.0, 1.0] {
                let creatinine = Some(Ranged { value, low, high });
                cases.push(Patient {
                    creatinine,
                    ..full.clone()
                });
            }
        }
    }
    // A temperature scale may be below zero; an amount may not.
    for temp in [-500.0, -459.67, 0.0, 1e308] {
        cases.push(Patient {
            temp: Some(temp),
            ..full.clone()
        });
    }
    for amount in [-1e-300, -0.0, 0.0, 1e305, 1e306] {
        cases.push(Patient {
            amount: Some(amount),
            ..full.clone()
        });
    }
    cases.push(Patient::default());
    for p in &cases {
        agrees(&bound, &program, &full, p);
        agrees(&bound, &program, &Patient::default(), p);
    }
}

/// Values JSON cannot carry: refused, the field left missing, as a NaN
/// or infinite number is read from CSV.
#[test]
fn values_that_are_not_finite_are_refused_and_left_missing() {
    let program = program(RULES);
    let bound = Bound::<Patient>::new(&program).unwrap();
    let missing = bound.empty();
    for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let p = Patient {
            kps: Some(x),
            ratio: Some(x),
            hemoglobin: Some(x),
            change: Some(x),
            creatinine: Some(Ranged {
                value: x,
                low: None,
                high: None,
            }),
            temp: Some(x),
            amount: Some(x),
            grade: None,
        };
        let mut record = bound
            .record(&Patient {
                grade: None,
                ..p.clone()
            })
            .unwrap_or_else(|_| bound.empty());
        let errors = bound.write(&p, &mut record);
        assert_eq!(errors.len(), 7, "{errors:?}");
        assert_eq!(record, missing);
        let limits = Patient {
            creatinine: Some(Ranged {
                value: 1.0,
                low: Some(x),
                high: None,
            }),
            ..Patient::default()
        };
        assert_eq!(bound.write(&limits, &mut record).len(), 1);
        assert_eq!(record, missing);
    }
}

macro_rules! many {
    ($($f:ident)*) => {
        #[derive(Clone, Debug, Record)]
        struct Many { $($f: Option<bool>,)* }

        impl Many {
            fn of(values: &[Option<bool>]) -> Many {
                let mut values = values.iter().copied();
                Many { $($f: values.next().flatten(),)* }
            }
        }
    };
}

many!(f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 f10 f11 f12 f13 f14 f15 f16 f17 f18 f19 f20 f21 f22 f23 f24 f25 f26 f27 f28 f29 f30 f31 f32 f33 f34 f35 f36 f37 f38 f39 f40 f41 f42 f43 f44 f45 f46 f47 f48 f49 f50 f51 f52 f53 f54 f55 f56 f57 f58 f59 f60 f61 f62 f63 f64 f65 f66 f67 f68 f69);

/// Flags beyond the first 64 are written to their own words; the first
/// 64 are gathered and stored at once. Each, written over a record that
/// held other values, ends as the JSON reader reads it, through the
/// derive and through the public writer (as a hand-written `Bind` would).
#[test]
fn flags_of_every_word_are_written_over_what_the_record_held() {
    let names: Vec<String> = (0..70).map(|i| format!("f{i}")).collect();
    let source = format!(
        "fields {{\n{}\n}}",
        names
            .iter()
            .map(|n| format!("  {n}: bool"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let program = program(&source);
    let bound = Bound::<Many>::new(&program).unwrap();
    let handles: Vec<_> = {
        let mut binder = rulec::records::Binder::new(&program);
        let handles: Vec<_> = names.iter().map(|n| binder.flag(n)).collect();
        binder.finish().unwrap();
        handles
    };
    let values = |seed: usize| -> Vec<Option<bool>> {
        (0..70)
            .map(|i| match (i * 7 + seed) % 3 {
                0 => None,
                1 => Some(true),
                _ => Some(false),
            })
            .collect()
    };
    let mut derived = bound.empty();
    let mut written = bound.empty();
    for seed in 0..3 {
        let v = values(seed);
        let mut o = serde_json::Map::new();
        for (n, x) in names.iter().zip(&v) {
            if let Some(x) = x {
                o.insert(n.clone(), (*x).into());
            }
        }
        let read = from_json(&program, &serde_json::Value::Object(o), 1);

        assert!(bound.write(&Many::of(&v), &mut derived).is_empty());
        assert_eq!(derived, read.record, "seed {seed}");

        let mut writer = rulec::records::Writer::new(&program.schema, &mut written);
        for (h, x) in handles.iter().zip(&v) {
            writer.flag(*h, *x);
        }
        assert_eq!(written, read.record, "seed {seed}");
    }
}
