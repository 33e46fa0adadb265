//! Any bytes as a JSON record and as CSV of the seed trial: read, screen
//! compiled and by the reference (which must agree), explain.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rulec::check::Program;

fn seed() -> &'static Program {
    static SEED: OnceLock<Program> = OnceLock::new();
    SEED.get_or_init(|| {
        let source = include_str!("../../examples/nct03473496.rules");
        let file = rulec::syntax::parse(source).expect("the seed parses");
        rulec::check::check(&file, &rulec::check::NoImports)
            .program
            .expect("the seed checks")
    })
}

fuzz_target!(|data: &[u8]| {
    let program = seed();
    let compiled = rulec::compile::compile(program);
    let index = jiff::civil::date(2026, 1, 15);
    let mut records = Vec::new();
    if let Ok(text) = std::str::from_utf8(data) {
        records.push(rulec::records::from_json_str(program, text, 1).record);
    }
    if let Ok(rows) = rulec::records::from_csv(program, data) {
        records.extend(rows.map(|read| read.record));
    }
    for record in &records {
        let reference = rulec::eval::evaluate(program, record, index);
        assert_eq!(compiled.evaluate(record, index).ok(), Some(reference));
        let _ = rulec::eval::explain(program, record, index);
    }
});
