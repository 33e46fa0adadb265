//! Any bytes as a rule file: parse, format, check, compile, and screen an
//! empty record compiled and by the reference, which must agree.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let _ = rulec::syntax::format(source);
    let Ok(file) = rulec::syntax::parse(source) else {
        return;
    };
    let Some(program) = rulec::check::check(&file, &rulec::check::NoImports).program else {
        return;
    };
    let compiled = rulec::compile::compile(&program);
    let record = rulec::schema::Record::new(&program.schema);
    let index = jiff::civil::date(2026, 1, 15);
    let reference = rulec::eval::evaluate(&program, &record, index);
    assert_eq!(compiled.evaluate(&record, index).ok(), Some(reference));
    let _ = rulec::eval::explain(&program, &record, index);
});
