//! Architecture invariant: no import cycles between the files of `src/sim`. Every `use` of a
//! module of the crate (`super::x`, `crate::sim::x::y`, braces expanded) is an arrow from the
//! file to the file of the deepest module it names; a `mod` declaration is not an arrow, and
//! test modules (`#[cfg(test)]` to the end of the file) are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SIM: &str = "src/sim";

/// A file and its module path, like `["machine", "gil"]` for `src/sim/machine/gil.rs`.
fn files(dir: &Path, module: &[String], out: &mut Vec<(PathBuf, Vec<String>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src/sim is readable")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            let mut m = module.to_vec();
            m.push(stem);
            files(&path, &m, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let mut m = module.to_vec();
            if stem != "mod" {
                m.push(stem);
            }
            out.push((path, m));
        }
    }
}

/// Expands `a::{b, c::{d}}` into `a::b`, `a::c::d`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(expand)
        .map(|p| format!("{prefix}{p}"))
        .collect()
}

/// The module paths a file's `use` statements name, made absolute from `src/sim`.
fn uses(text: &str, module: &[String], is_mod_rs: bool) -> Vec<Vec<String>> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = Vec::new();
    for stmt in code.split(';') {
        let stmt = stmt.trim();
        let Some(body) = stmt
            .strip_prefix("pub use ")
            .or_else(|| stmt.strip_prefix("pub(crate) use "))
            .or_else(|| stmt.strip_prefix("use "))
            .or_else(|| stmt.rsplit_once("\nuse ").map(|(_, b)| b))
        else {
            continue;
        };
        for path in expand(&body.replace('\n', " ")) {
            let path = path.split(" as ").next().unwrap_or("").trim().to_string();
            let segs: Vec<&str> = path.split("::").map(str::trim).collect();
            // The module this file's `super` refers to.
            let mut base: Vec<String> = module.to_vec();
            if !is_mod_rs {
                base.pop();
            }
            let mut rest = &segs[..];
            if rest.first() == Some(&"crate") && rest.get(1) == Some(&"sim") {
                base.clear();
                rest = &rest[2..];
            } else if rest.first() == Some(&"super") {
                while rest.first() == Some(&"super") {
                    if !base.is_empty() && rest.len() > 1 && rest[1] == "super" {
                        base.pop();
                    }
                    rest = &rest[1..];
                }
            } else {
                continue;
            }
            let mut target = base;
            target.extend(rest.iter().map(|s| s.to_string()));
            out.push(target);
        }
    }
    out
}

#[test]
fn the_files_of_sim_import_each_other_without_cycles() {
    let mut all = Vec::new();
    files(Path::new(SIM), &[], &mut all);
    let modules: BTreeMap<Vec<String>, PathBuf> =
        all.iter().map(|(p, m)| (m.clone(), p.clone())).collect();
    // The file of the deepest module a path names.
    let file_of = |path: &[String]| -> Option<PathBuf> {
        (0..=path.len())
            .rev()
            .find_map(|n| modules.get(&path[..n]).cloned())
    };
    let mut graph: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (path, module) in &all {
        let text = std::fs::read_to_string(path).expect("readable");
        let is_mod_rs = path.file_name().is_some_and(|n| n == "mod.rs");
        let arrows = graph.entry(path.clone()).or_default();
        for used in uses(&text, module, is_mod_rs) {
            if let Some(target) = file_of(&used) {
                if &target != path {
                    arrows.insert(target);
                }
            }
        }
    }
    assert!(
        graph.values().map(BTreeSet::len).sum::<usize>() > 40,
        "the imports were read: {graph:?}"
    );
    // Depth-first search for a back edge.
    fn visit(
        node: &PathBuf,
        graph: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        state: &mut BTreeMap<PathBuf, u8>,
        stack: &mut Vec<PathBuf>,
    ) -> Option<Vec<PathBuf>> {
        state.insert(node.clone(), 1);
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|n| n == next).unwrap();
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(next, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node).copied().unwrap_or(0) == 0 {
            if let Some(cycle) = visit(node, &graph, &mut state, &mut Vec::new()) {
                let names: Vec<String> = cycle.iter().map(|p| p.display().to_string()).collect();
                panic!("import cycle: {}", names.join(" -> "));
            }
        }
    }
}

#[test]
fn the_reader_sees_a_cycle_when_there_is_one() {
    let module = vec!["a".to_string()];
    let found = uses(
        "use super::{b::X, c::{d::Y, Z}};\nuse std::fmt;",
        &module,
        false,
    );
    assert_eq!(
        found,
        vec![
            vec!["b".to_string(), "X".to_string()],
            vec!["c".to_string(), "d".to_string(), "Y".to_string()],
            vec!["c".to_string(), "Z".to_string()],
        ]
    );
}
