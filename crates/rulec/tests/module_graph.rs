//! The crate's top-level modules form a graph without cycles, and the one
//! listed in `crates/rulec/README.md` is the graph the code has.
//!
//! An edge `a -> b` is any `crate::b` path in the code of module `a`
//! (comments and the `#[cfg(test)] mod tests` block that ends a file are
//! not counted: unit tests may use any module).

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test helpers fail the test by panicking, as an assertion would"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every `.rs` file under `dir`.
fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The modules a file's code names as `crate::name`.
fn uses(source: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut lines = source.lines().peekable();
    while let Some(line) = lines.next() {
        let code = line.split("//").next().unwrap_or("");
        if line.trim() == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod tests"))
        {
            break;
        }
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name.chars().next().is_some_and(char::is_lowercase) {
                found.insert(name);
            }
        }
    }
    found
}

/// The graph of the crate's top-level modules.
fn code_graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = Graph::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "lib" {
            continue;
        }
        let mut sources = Vec::new();
        if path.is_dir() {
            files(&path, &mut sources);
        } else {
            sources.push(path.clone());
        }
        let edges = graph.entry(name.clone()).or_default();
        for file in sources {
            let text = std::fs::read_to_string(&file).unwrap();
            edges.extend(uses(&text).into_iter().filter(|m| *m != name));
        }
    }
    graph
}

/// The graph as `crates/rulec/README.md` lists it: the table under
/// "## Module dependencies", one row per module, `| `a` | `b`, `c` |`.
fn readme_graph() -> Graph {
    let readme = include_str!("../README.md");
    let section = readme
        .split("## Module dependencies")
        .nth(1)
        .expect("crates/rulec/README.md has a \"## Module dependencies\" section");
    let section = section.split("\n## ").next().unwrap();
    let names = |cell: &str| -> BTreeSet<String> {
        cell.split(',')
            .map(|n| n.trim().trim_matches('`').to_owned())
            .filter(|n| !n.is_empty() && n != "—")
            .collect()
    };
    let mut graph = Graph::new();
    for row in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.split('|').collect();
        let module = cells[1].trim().trim_matches('`').to_owned();
        graph.insert(module, names(cells[2]));
    }
    graph
}

/// The modules in an order where each comes after every module it uses,
/// or the modules left on a cycle.
fn layers(graph: &Graph) -> Result<Vec<String>, BTreeSet<String>> {
    let mut left = graph.clone();
    let mut order = Vec::new();
    while !left.is_empty() {
        let ready: Vec<String> = left
            .iter()
            .filter(|(_, uses)| uses.iter().all(|u| !left.contains_key(u)))
            .map(|(m, _)| m.clone())
            .collect();
        if ready.is_empty() {
            return Err(left.keys().cloned().collect());
        }
        for m in ready {
            left.remove(&m);
            order.push(m);
        }
    }
    Ok(order)
}

#[test]
fn top_level_modules_have_no_import_cycle() {
    let graph = code_graph();
    assert!(graph.contains_key("schema") && graph.contains_key("eval"));
    if let Err(cycle) = layers(&graph) {
        panic!("a circle among (or under) the modules {cycle:?}: {graph:#?}");
    }
}

#[test]
fn the_readme_lists_the_module_graph_the_code_has() {
    assert_eq!(
        readme_graph(),
        code_graph(),
        "update the table under \"## Module dependencies\" in crates/rulec/README.md"
    );
}

/// The cycle finder finds a cycle (a test of the test).
#[test]
fn a_circle_is_found() {
    let mut graph = Graph::new();
    graph.insert("a".into(), ["b".to_owned()].into());
    graph.insert("b".into(), ["a".to_owned()].into());
    graph.insert("c".into(), BTreeSet::new());
    assert_eq!(layers(&graph), Err(["a".to_owned(), "b".to_owned()].into()));
    assert!(uses("use crate::eval::Truth; // crate::check").contains("eval"));
    assert!(!uses("// crate::check").contains("check"));
}
