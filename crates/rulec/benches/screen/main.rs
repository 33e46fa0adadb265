//! Screening benchmarks: rulec beside the native-Rust limit and the rule
//! engines a Rust user might pick instead, in one run.
//!
//! ```text
//! scripts/bench            # runs this and writes BENCHMARKS.md
//! cargo bench -p rulec --bench screen
//! ```
//!
//! Groups: `pest-only` (pest's parser alone), `parse`, `check+compile` and
//! `front` (parse, check and compile end to end), `editor` (what the
//! language server pays on each change: parse, check and the file's
//! names), all in bytes of rule text per second;
//! `eval` (ns per record: hand-written Rust over a struct, rulec, evalexpr,
//! rhai, CEL, JsonLogic, every engine's eligible count asserted equal
//! first), `eval-json` (the `rulec eval` pipeline on JSON Lines beside
//! `serde_json` parsing alone) and `parallel` (the batch API on 1 and 2
//! threads). Records are built before timing; each timed iteration
//! evaluates the next record, cycling through all of them.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a benchmark over generated, known-good inputs: a failure should abort the run"
)]

mod peers;

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use peers::{FLAGS, NUMBERS, Patient};
use rayon::prelude::*;
use rulec::check::Program;
use rulec::eval::Status;
use rulec::schema::Record;

/// Records in the `eval` group.
const RECORDS: usize = 100_000;

/// The screening date of the seed's sample patients.
const INDEX: jiff::civil::Date = jiff::civil::date(2026, 1, 15);

const SEED_PATIENTS: &str = include_str!("../../../../examples/patients/nct03473496.jsonl");

/// A small seeded generator (SplitMix64): the same patients on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    #[expect(clippy::cast_precision_loss, reason = "53 random bits")]
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn around(&mut self, centre: f64, spread: f64) -> f64 {
        ((centre + spread * (self.unit() * 2.0 - 1.0)) * 10.0).round() / 10.0
    }
}

/// Patients around the thresholds: about half are eligible.
fn patients(n: usize) -> Vec<Patient> {
    let mut rng = Rng(0x5EED);
    (0..n)
        .map(|_| {
            let numbers = [
                rng.around(50.0, 34.0),  // age
                rng.around(12.0, 9.5),   // life expectancy, months
                rng.around(80.0, 21.0),  // kps
                rng.around(110.0, 32.0), // hemoglobin
                rng.around(62.0, 14.0),  // ejection fraction
                rng.around(96.0, 7.0),   // spo2
                rng.around(90.0, 70.0),  // creatinine
                90.0,                    // its ULN
                rng.around(40.0, 40.0),  // alt
                40.0,                    // its ULN
                rng.around(35.0, 35.0),  // ast
                35.0,                    // its ULN
                rng.around(1.0, 1.1),    // bilirubin
                rng.around(37.0, 1.1),   // temperature
                rng.around(3.0, 8.0),    // neutropenia, days
            ];
            let mut flags = [false; FLAGS.len()];
            for (i, flag) in flags.iter_mut().enumerate() {
                // Inclusion flags are mostly true, exclusion flags mostly false.
                let usually_true = matches!(i, 0 | 1 | 5 | 8 | 9);
                *flag = if usually_true {
                    rng.chance(0.97)
                } else {
                    rng.chance(0.02)
                };
            }
            // About half are women.
            flags[18] = rng.chance(0.5);
            Patient { numbers, flags }
        })
        .collect()
}

fn program(source: &str) -> Program {
    let file = rulec::syntax::parse(source).unwrap();
    rulec::check::check(&file, &rulec::check::NoImports)
        .program
        .expect("the rules check")
}

fn records(program: &Program, patients: &[Patient]) -> Vec<Record> {
    patients.iter().map(|p| build(program, p)).collect()
}

/// A record built field by field by name, through `RecordBuilder`.
fn build(program: &Program, p: &Patient) -> Record {
    let mut b = rulec::records::RecordBuilder::new(program);
    for (name, x) in NUMBERS.iter().zip(p.numbers) {
        b = b.number(name, x).unwrap();
    }
    for (name, f) in FLAGS.iter().zip(p.flags) {
        b = b.flag(name, f).unwrap();
    }
    b.build()
}

/// The seed-shaped patient as a Rust program would hold it: a plain struct
/// bound to the rules by `#[derive(Record)]`.
#[derive(rulec_derive::Record)]
struct Derived {
    age: f64,
    life_expectancy: f64,
    kps: f64,
    hemoglobin: f64,
    ejection_fraction: f64,
    spo2: f64,
    creatinine: f64,
    creatinine_uln: f64,
    alt: f64,
    alt_uln: f64,
    ast: f64,
    ast_uln: f64,
    bilirubin: f64,
    body_temperature: f64,
    neutropenia: f64,
    relapsed: bool,
    bcma: bool,
    cd138: bool,
    cd38: bool,
    cd56: bool,
    mrd_positive: bool,
    ecg_abnormal: bool,
    apheresis_contraindicated: bool,
    expert_group_benefit: bool,
    informed_consent: bool,
    high_tumour_burden: bool,
    active_infection: bool,
    fungal: bool,
    bacterial: bool,
    viral: bool,
    hiv: bool,
    active_hbv: bool,
    hcv: bool,
    female: bool,
    pregnant: bool,
    lactating: bool,
    organ_insufficiency: bool,
    cell_therapy_failed: bool,
    antibody_failed: bool,
    harmful_condition: bool,
    allogeneic_transplant: bool,
    gvhd_grade_4: bool,
}

fn derived(patients: &[Patient]) -> Vec<Derived> {
    patients
        .iter()
        .map(|p| Derived {
            age: p.numbers[0],
            life_expectancy: p.numbers[1],
            kps: p.numbers[2],
            hemoglobin: p.numbers[3],
            ejection_fraction: p.numbers[4],
            spo2: p.numbers[5],
            creatinine: p.numbers[6],
            creatinine_uln: p.numbers[7],
            alt: p.numbers[8],
            alt_uln: p.numbers[9],
            ast: p.numbers[10],
            ast_uln: p.numbers[11],
            bilirubin: p.numbers[12],
            body_temperature: p.numbers[13],
            neutropenia: p.numbers[14],
            relapsed: p.flags[0],
            bcma: p.flags[1],
            cd138: p.flags[2],
            cd38: p.flags[3],
            cd56: p.flags[4],
            mrd_positive: p.flags[5],
            ecg_abnormal: p.flags[6],
            apheresis_contraindicated: p.flags[7],
            expert_group_benefit: p.flags[8],
            informed_consent: p.flags[9],
            high_tumour_burden: p.flags[10],
            active_infection: p.flags[11],
            fungal: p.flags[12],
            bacterial: p.flags[13],
            viral: p.flags[14],
            hiv: p.flags[15],
            active_hbv: p.flags[16],
            hcv: p.flags[17],
            female: p.flags[18],
            pregnant: p.flags[19],
            lactating: p.flags[20],
            organ_insufficiency: p.flags[21],
            cell_therapy_failed: p.flags[22],
            antibody_failed: p.flags[23],
            harmful_condition: p.flags[24],
            allogeneic_transplant: p.flags[25],
            gvhd_grade_4: p.flags[26],
        })
        .collect()
}

#[path = "../../tests/shared/many_criteria.rs"]
mod generated;
use generated::{SEED_RULES, many_criteria};

/// pest's parser for the rule grammar, derived here from the same file:
/// the `pest-only` group runs it alone (no lowering, no checks), so the
/// cost of everything rulec adds to pest shows beside the `front` group.
mod pest_only {
    #![allow(missing_docs)]
    #[derive(pest_derive::Parser)]
    #[grammar = "grammar/rules.pest"]
    pub struct RuleParser;
}

fn front_end(c: &mut Criterion) {
    use pest::Parser as _;
    let generated = many_criteria(10_000);
    for (name, source) in [("seed", SEED_RULES), ("10000-criteria", generated.as_str())] {
        let bytes = Throughput::Bytes(source.len() as u64);
        let mut group = c.benchmark_group("pest-only");
        group.throughput(bytes.clone());
        group.bench_function(name, |b| {
            b.iter(|| {
                pest_only::RuleParser::parse(pest_only::Rule::file, black_box(source)).unwrap()
            });
        });
        group.finish();

        let mut group = c.benchmark_group("parse");
        group.throughput(bytes.clone());
        group.bench_function(name, |b| {
            b.iter(|| rulec::syntax::parse(black_box(source)).unwrap());
        });
        group.finish();

        let file = rulec::syntax::parse(source).unwrap();
        let mut group = c.benchmark_group("check+compile");
        group.throughput(bytes.clone());
        group.bench_function(name, |b| {
            b.iter(|| {
                let checked = rulec::check::check(black_box(&file), &rulec::check::NoImports);
                rulec::compile::compile(&checked.program.unwrap())
            });
        });
        group.finish();

        // What a program that loads a rule file pays: text in, compiled
        // rules out.
        let mut group = c.benchmark_group("front");
        group.throughput(bytes.clone());
        group.bench_function(name, |b| {
            b.iter(|| {
                let file = rulec::syntax::parse(black_box(source)).unwrap();
                let checked = rulec::check::check(&file, &rulec::check::NoImports);
                rulec::compile::compile(&checked.program.unwrap())
            });
        });
        group.finish();

        // What `rulec lsp` pays on every change of a document: text in,
        // diagnostics and the names of the file (for hover, completion
        // and navigation) out.
        let mut group = c.benchmark_group("editor");
        group.throughput(bytes);
        group.bench_function(name, |b| {
            b.iter(|| {
                let file = rulec::syntax::parse(black_box(source)).unwrap();
                let checked = rulec::check::check(&file, &rulec::check::NoImports);
                let symbols = rulec::symbols::Symbols::new(&file, &[]);
                (checked.diagnostics.len(), symbols.occurrences().len())
            });
        });
        group.finish();
    }
}

/// Cycles through `items`, one per call.
fn cycle<'a, T>(items: &'a [T]) -> impl FnMut() -> &'a T {
    let mut i = 0;
    move || {
        i = if i + 1 == items.len() { 0 } else { i + 1 };
        &items[i]
    }
}

fn eval(c: &mut Criterion) {
    let patients = patients(RECORDS);
    let expected = patients.iter().filter(|p| peers::native(p)).count();
    assert!(
        expected > RECORDS / 5 && expected < RECORDS * 4 / 5,
        "{expected} eligible"
    );

    // rulec, the same unit-free rules.
    let plain = program(&peers::rulec_source());
    let compiled = rulec::compile::compile(&plain);
    let records = records(&plain, &patients);
    let eligible = |s: Status| s == Status::Eligible;
    let count = records
        .iter()
        .filter(|r| eligible(compiled.status(r, INDEX).unwrap()))
        .count();
    assert_eq!(count, expected, "rulec");

    // The seed rules themselves, with units, over its sample patients.
    let seed = program(SEED_RULES);
    let seed_compiled = rulec::compile::compile(&seed);
    let seed_records: Vec<Record> = SEED_PATIENTS
        .lines()
        .enumerate()
        .map(|(n, line)| rulec::records::from_json_str(&seed, line, n + 1).record)
        .collect();

    // The peers, given the same rules and data.
    let rules = peers::rules();
    let infix = peers::infix(&rules);

    let evalexpr_tree =
        evalexpr::build_operator_tree::<evalexpr::DefaultNumericTypes>(&infix).unwrap();
    let evalexpr_contexts: Vec<evalexpr::HashMapContext> = patients
        .iter()
        .map(|p| {
            use evalexpr::ContextWithMutableVariables;
            let mut ctx = evalexpr::HashMapContext::new();
            for (name, x) in NUMBERS.iter().zip(p.numbers) {
                ctx.set_value((*name).to_owned(), evalexpr::Value::from_float(x))
                    .unwrap();
            }
            for (name, f) in FLAGS.iter().zip(p.flags) {
                ctx.set_value((*name).to_owned(), evalexpr::Value::Boolean(f))
                    .unwrap();
            }
            ctx
        })
        .collect();
    let count = evalexpr_contexts
        .iter()
        .filter(|ctx| evalexpr_tree.eval_boolean_with_context(*ctx).unwrap())
        .count();
    assert_eq!(count, expected, "evalexpr");

    let rhai_engine = rhai::Engine::new();
    let rhai_ast = rhai_engine.compile_expression(&infix).unwrap();
    let mut rhai_scopes: Vec<rhai::Scope> = patients
        .iter()
        .map(|p| {
            let mut scope = rhai::Scope::new();
            for (name, x) in NUMBERS.iter().zip(p.numbers) {
                scope.push(*name, x);
            }
            for (name, f) in FLAGS.iter().zip(p.flags) {
                scope.push(*name, f);
            }
            scope
        })
        .collect();
    let mut count = 0;
    for scope in &mut rhai_scopes {
        if rhai_engine
            .eval_ast_with_scope::<bool>(scope, &rhai_ast)
            .unwrap()
        {
            count += 1;
        }
    }
    assert_eq!(count, expected, "rhai");

    let cel_program = cel_interpreter::Program::compile(&infix).unwrap();
    let cel_contexts: Vec<cel_interpreter::Context> = patients
        .iter()
        .map(|p| {
            let mut ctx = cel_interpreter::Context::default();
            for (name, x) in NUMBERS.iter().zip(p.numbers) {
                ctx.add_variable_from_value(*name, x);
            }
            for (name, f) in FLAGS.iter().zip(p.flags) {
                ctx.add_variable_from_value(*name, f);
            }
            ctx
        })
        .collect();
    let cel_true = cel_interpreter::Value::Bool(true);
    let count = cel_contexts
        .iter()
        .filter(|ctx| cel_program.execute(ctx).unwrap() == cel_true)
        .count();
    assert_eq!(count, expected, "cel");

    let logic_engine = datalogic_rs::DataLogic::new();
    let logic = logic_engine.compile(&peers::json_logic(&rules)).unwrap();
    let logic_data: Vec<Arc<serde_json::Value>> = patients
        .iter()
        .map(|p| Arc::new(peers::to_json(p)))
        .collect();
    let count = logic_data
        .iter()
        .filter(|data| {
            logic_engine.evaluate(&logic, Arc::clone(data)).unwrap()
                == serde_json::Value::Bool(true)
        })
        .count();
    assert_eq!(count, expected, "datalogic");

    let mut group = c.benchmark_group("eval");
    group.sample_size(30);
    group.measurement_time(Duration::from_secs(3));

    group.bench_function("native-struct", |b| {
        let mut next = cycle(&patients);
        b.iter(|| peers::native(black_box(next())));
    });
    group.bench_function("rulec-status", |b| {
        let mut next = cycle(&records);
        b.iter(|| compiled.status(black_box(next()), INDEX).unwrap());
    });
    // The same over the first 1,000 records only, which stay in cache:
    // what evaluation costs once memory traffic is out of the picture.
    group.bench_function("native-struct-cached", |b| {
        let mut next = cycle(&patients[..1000]);
        b.iter(|| peers::native(black_box(next())));
    });
    group.bench_function("rulec-status-cached", |b| {
        let mut next = cycle(&records[..1000]);
        b.iter(|| compiled.status(black_box(next()), INDEX).unwrap());
    });
    group.bench_function("rulec-verdict", |b| {
        let mut next = cycle(&records);
        b.iter(|| compiled.evaluate(black_box(next()), INDEX).unwrap());
    });
    // A Rust program's own records: built from a plain struct through the
    // derive (one bind, then by slot, into a reused record) and evaluated;
    // beside it the name-based `RecordBuilder`, which looks every field up
    // by name.
    let structs = derived(&patients);
    let bound = rulec::records::Bound::<Derived>::new(&plain).unwrap();
    let mut record = bound.empty();
    let count = structs
        .iter()
        .filter(|p| {
            assert!(bound.write(p, &mut record).is_empty());
            eligible(compiled.status(&record, INDEX).unwrap())
        })
        .count();
    assert_eq!(count, expected, "derive");
    group.bench_function("rulec-derive-build+status", |b| {
        let mut next = cycle(&structs);
        let mut record = bound.empty();
        b.iter(|| {
            let errors = bound.write(black_box(next()), &mut record);
            debug_assert!(errors.is_empty());
            compiled.status(&record, INDEX).unwrap()
        });
    });
    group.bench_function("rulec-derive-build+verdict", |b| {
        let mut next = cycle(&structs);
        let mut record = bound.empty();
        b.iter(|| {
            let errors = bound.write(black_box(next()), &mut record);
            debug_assert!(errors.is_empty());
            compiled.evaluate(&record, INDEX).unwrap()
        });
    });
    group.bench_function("rulec-derive-new-record+status", |b| {
        let mut next = cycle(&structs);
        b.iter(|| {
            let record = bound.record(black_box(next())).unwrap();
            compiled.status(&record, INDEX).unwrap()
        });
    });
    group.bench_function("rulec-builder-build+status", |b| {
        let mut next = cycle(&patients);
        b.iter(|| {
            let record = build(&plain, black_box(next()));
            compiled.status(&record, INDEX).unwrap()
        });
    });
    group.bench_function("rulec-seed-units-status", |b| {
        let mut next = cycle(&seed_records);
        b.iter(|| seed_compiled.status(black_box(next()), INDEX).unwrap());
    });
    group.bench_function("evalexpr", |b| {
        let mut next = cycle(&evalexpr_contexts);
        b.iter(|| {
            evalexpr_tree
                .eval_boolean_with_context(black_box(next()))
                .unwrap()
        });
    });
    group.bench_function("rhai", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % rhai_scopes.len();
            rhai_engine
                .eval_ast_with_scope::<bool>(black_box(&mut rhai_scopes[i]), &rhai_ast)
                .unwrap()
        });
    });
    group.bench_function("cel-interpreter", |b| {
        let mut next = cycle(&cel_contexts);
        b.iter(|| cel_program.execute(black_box(next())).unwrap());
    });
    group.bench_function("datalogic-rs", |b| {
        let mut next = cycle(&logic_data);
        b.iter(|| {
            logic_engine
                .evaluate(&logic, Arc::clone(black_box(next())))
                .unwrap()
        });
    });
    group.finish();

    // The batch API: every record in one call; reported per record.
    let mut group = c.benchmark_group("eval-batch");
    group.sample_size(20);
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.bench_function("native-struct", |b| {
        let mut out = Vec::with_capacity(RECORDS);
        b.iter(|| {
            out.clear();
            out.extend(patients.iter().map(peers::native));
            black_box(out.len())
        });
    });
    group.bench_function("rulec-statuses", |b| {
        let mut out = Vec::with_capacity(RECORDS);
        b.iter(|| {
            compiled
                .statuses(black_box(&records), INDEX, &mut out)
                .unwrap()
        });
    });
    group.finish();

    parallel(c, &compiled, &records);
}

/// The batch API in chunks on a rayon pool of 1 and 2 threads.
fn parallel(c: &mut Criterion, compiled: &rulec::compile::Compiled, records: &[Record]) {
    let mut group = c.benchmark_group("parallel");
    group.sample_size(20);
    group.throughput(Throughput::Elements(records.len() as u64));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_function(format!("rulec-statuses-{threads}-threads"), |b| {
            b.iter(|| {
                pool.install(|| {
                    records
                        .par_chunks(4096)
                        .map(|chunk| {
                            let mut out = Vec::with_capacity(chunk.len());
                            compiled.statuses(chunk, INDEX, &mut out).unwrap();
                            out.iter().filter(|s| **s == Status::Eligible).count()
                        })
                        .sum::<usize>()
                })
            });
        });
    }
    group.finish();
}

/// The `rulec eval` pipeline on JSON Lines (read each line into a record,
/// evaluate it) beside `serde_json` reading each line into a `Value` and
/// doing nothing else.
fn eval_json(c: &mut Criterion) {
    let seed = program(SEED_RULES);
    let compiled = rulec::compile::compile(&seed);
    let mut text = String::new();
    while text.len() < 8 << 20 {
        text.push_str(SEED_PATIENTS);
    }
    let mut group = c.benchmark_group("eval-json");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("serde_json-value-only", |b| {
        b.iter(|| {
            text.lines()
                .filter(|line| serde_json::from_str::<serde_json::Value>(line).is_ok())
                .count()
        });
    });
    group.bench_function("rulec-read-and-status", |b| {
        b.iter(|| {
            text.lines()
                .enumerate()
                .filter(|(n, line)| {
                    let read = rulec::records::from_json_str(&seed, line, n + 1);
                    compiled.status(&read.record, INDEX).unwrap() == Status::Eligible
                })
                .count()
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = front_end, eval, eval_json
}
criterion_main!(benches);
