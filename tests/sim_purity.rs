//! Architecture invariant: `src/sim` is pure Rust (std and serde). This test fails if any
//! file under it mentions a web crate, so the core keeps running headless.

use std::path::Path;

const FORBIDDEN: [&str; 6] = [
    "yew::",
    "web_sys",
    "js_sys",
    "wasm_bindgen",
    "gloo",
    "plotters",
];

fn visit(dir: &Path, offenders: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("src/sim is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            visit(&path, offenders);
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for word in FORBIDDEN {
            if text.contains(word) {
                offenders.push(format!("{} mentions {word}", path.display()));
            }
        }
    }
}

#[test]
fn sim_mentions_no_web_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sim");
    let mut offenders = Vec::new();
    visit(&root, &mut offenders);
    assert!(offenders.is_empty(), "{offenders:#?}");
}

#[test]
fn every_sim_file_opens_with_a_doc_comment() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sim");
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(
                    text.starts_with("//!"),
                    "{} must open with //!",
                    path.display()
                );
            }
        }
    }
}
