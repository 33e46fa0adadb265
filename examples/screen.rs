//! Screens a population with rulec embedded in a Rust program.
//!
//! Compiles the seed trial's rules once, evaluates every patient of a JSON
//! Lines file with the compiled closures, and prints the screening funnel.
//!
//! ```sh
//! cargo run --release -p rulec --example screen -- \
//!     examples/nct03473496.rules examples/patients/nct03473496.jsonl 2026-01-15
//! ```

use std::error::Error;
use std::io::BufRead;

use rulec::eval::Funnel;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let rules = args.next().unwrap_or("examples/nct03473496.rules".into());
    let patients = args
        .next()
        .unwrap_or("examples/patients/nct03473496.jsonl".into());
    let index: jiff::civil::Date = args.next().unwrap_or("2026-01-15".into()).parse()?;

    // Parse and check once; a rule file with errors gives no program.
    let source = std::fs::read_to_string(&rules)?;
    let file = rulec::syntax::parse(&source)?;
    let folder = std::path::Path::new(&rules)
        .parent()
        .unwrap_or(".".as_ref())
        .to_path_buf();
    let checked = rulec::check::check(&file, &rulec::check::FolderImports::new(folder));
    let Some(program) = checked.program else {
        for error in checked.errors() {
            eprintln!("{rules}: {error}");
        }
        return Err("the rules do not check".into());
    };
    let compiled = rulec::compile::compile(&program);

    // One record per line; a malformed line is still a record (with a data
    // error and every field missing), so it is counted, never dropped.
    let mut funnel = Funnel::new(&program);
    let input = std::io::BufReader::new(std::fs::File::open(&patients)?);
    for (n, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let read = rulec::records::from_json_str(&program, &line, n + 1);
        for error in &read.errors {
            eprintln!("{patients}:{}: {error}", n + 1);
        }
        let verdict = compiled.evaluate(&read.record, index)?;
        funnel.add(&verdict, !read.errors.is_empty());
    }
    println!("{patients} screened on {index}\n\n{funnel}");
    Ok(())
}
