//! Scratch driver.
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let src = std::fs::read_to_string(&path).unwrap_or(path);
    match rulec::syntax::parse(&src) {
        Ok(f) => { println!("{}", rulec::syntax::print(&f)); let again = rulec::syntax::parse(&rulec::syntax::print(&f)).unwrap(); assert_eq!(again, f); }
        Err(e) => println!("{e:?}\n{e}"),
    }
}
