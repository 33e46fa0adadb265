//! Benchmarks of the units layer: reading a unit, computing a conversion
//! once per pair of units, and applying it to many values.
//!
//! `units/apply` runs the rulec conversions beside hard-coded Rust closures
//! doing the same arithmetic, so the cost of a runtime [`Conversion`] over
//! the native limit shows in one run.
//!
//! ```text
//! cargo bench -p rulec --bench units
//! ```
#![expect(
    clippy::unwrap_used,
    reason = "a bench over fixed, known-good units: a failure should abort the run"
)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rulec::units::{Conversion, MolarMass, Unit};

/// Units as clinical protocols write them, UCUM and protocol spellings mixed.
const CLINICAL_UNITS: &[&str] = &[
    "g/L",
    "mg/dL",
    "umol/L",
    "10^9/L",
    "/uL",
    "%",
    "mm[Hg]",
    "mL/min/{1.73_m2}",
    "U/L",
    "[IU]/mL",
    "Cel",
    "months",
    "kg/m2",
    "mmol/L",
    "10*3/uL",
];

/// How many values each `units/apply` iteration converts.
const VALUES: u32 = 100_000;

fn unit(written: &str) -> Unit {
    Unit::parse(written).unwrap()
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("units/parse");
    for written in CLINICAL_UNITS {
        group.bench_with_input(
            BenchmarkId::from_parameter(written),
            written,
            |b, written| b.iter(|| Unit::parse(black_box(written)).unwrap()),
        );
    }
    group.finish();
}

fn conversion_setup(c: &mut Criterion) {
    let mut group = c.benchmark_group("units/conversion_setup");
    for (from, to) in [("g/dL", "g/L"), ("/uL", "10*9/L"), ("Cel", "[degF]")] {
        let (from_unit, to_unit) = (unit(from), unit(to));
        group.bench_function(format!("{from} -> {to}"), |b| {
            b.iter(|| {
                black_box(&from_unit)
                    .conversion_to(black_box(&to_unit))
                    .unwrap()
            });
        });
    }
    // Creatinine: the mass and substance concentrations meet only through
    // the molar mass.
    let creatinine = MolarMass::new("113.12", &unit("g/mol")).unwrap();
    let (from_unit, to_unit) = (unit("mg/dL"), unit("umol/L"));
    group.bench_function("mg/dL -> umol/L (molar mass)", |b| {
        b.iter(|| {
            black_box(&from_unit)
                .conversion_via_molar_mass(black_box(&to_unit), black_box(&creatinine))
                .unwrap()
        });
    });
    group.finish();
}

/// Writes `f(v)` for each input into `out`: the loop every `units/apply`
/// line times, so only the closure differs between them.
#[inline]
fn fill(out: &mut [f64], values: &[f64], f: impl Fn(f64) -> f64) {
    for (o, &v) in out.iter_mut().zip(values) {
        *o = f(v);
    }
}

fn apply(c: &mut Criterion) {
    // Values as lab results look: positive, spread over a few decades, not
    // all integers. Built once, outside the timed loop.
    let values: Vec<f64> = (0..VALUES)
        .map(|i| 0.5 + f64::from(i % 9_973) * 0.037)
        .collect();
    let mut out = vec![0.0; values.len()];

    let conversions: [(&str, Conversion); 3] = [
        (
            "rulec multiply g/dL -> g/L",
            unit("g/dL").conversion_to(&unit("g/L")).unwrap(),
        ),
        (
            "rulec divide /uL -> 10*9/L",
            unit("/uL").conversion_to(&unit("10*9/L")).unwrap(),
        ),
        (
            "rulec affine Cel -> [degF]",
            unit("Cel").conversion_to(&unit("[degF]")).unwrap(),
        ),
    ];

    let mut group = c.benchmark_group("units/apply");
    group.throughput(Throughput::Elements(u64::from(VALUES)));
    for (name, conversion) in conversions {
        group.bench_function(name, |b| {
            b.iter(|| {
                // Opaque to the optimiser, as a conversion read from a rule
                // file is.
                let conversion = black_box(conversion);
                fill(&mut out, black_box(&values), |v| conversion.apply(v));
                black_box(&mut out);
            });
        });
    }
    // The native limit: the same loop with the arithmetic known at compile
    // time.
    group.bench_function("native v * 10.0", |b| {
        b.iter(|| {
            fill(&mut out, black_box(&values), |v| v * 10.0);
            black_box(&mut out);
        });
    });
    group.bench_function("native v / 1000.0", |b| {
        b.iter(|| {
            fill(&mut out, black_box(&values), |v| v / 1000.0);
            black_box(&mut out);
        });
    });
    group.bench_function("native v * 9.0 / 5.0 + 32.0", |b| {
        b.iter(|| {
            fill(&mut out, black_box(&values), |v| v * 9.0 / 5.0 + 32.0);
            black_box(&mut out);
        });
    });
    group.finish();
}

criterion_group!(benches, parse, conversion_setup, apply);
criterion_main!(benches);
