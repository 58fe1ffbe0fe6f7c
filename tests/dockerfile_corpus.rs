//! Robustness: a corpus of varied, valid Dockerfiles (multi-stage, heredocs, Windows
//! escape, CRLF, BOM, odd spacing, legacy forms) parses with no error, every
//! instruction's spans point at the right bytes, and the instruction count matches
//! the `# expect-instructions: N` comment in each file.

use std::fs;

use harden::parse::dockerfile::{self, Form};

#[test]
fn corpus_parses_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dockerfiles");
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert!(paths.len() >= 30, "corpus has {} files", paths.len());
    let mut failures = Vec::new();
    for p in &paths {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let text = fs::read_to_string(p).unwrap();
        let df = dockerfile::parse(&text);
        if !df.errors.is_empty() {
            failures.push(format!("{name}: errors {:?}", df.errors));
        }
        let expected: Option<usize> = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("# expect-instructions:"))
            .and_then(|n| n.trim().parse().ok());
        match expected {
            Some(n) if n != df.instructions.len() => failures.push(format!(
                "{name}: {} instructions, expected {n}: {:?}",
                df.instructions.len(),
                df.instructions
                    .iter()
                    .map(|i| i.keyword.as_str())
                    .collect::<Vec<_>>()
            )),
            None => failures.push(format!("{name}: no expect-instructions comment")),
            _ => {}
        }
        for ins in &df.instructions {
            let kw = &text[ins.keyword_span.clone()];
            if !kw.eq_ignore_ascii_case(&ins.keyword) {
                failures.push(format!("{name}: keyword span shows {kw:?}"));
            }
            // Every mapped argument byte is the same byte in the file.
            for seg in &ins.args.segments {
                let decoded = &ins.args.text[seg.text_start..seg.text_start + seg.len];
                let host = &text[seg.host_start..seg.host_start + seg.len];
                if decoded != host {
                    failures.push(format!("{name}: {decoded:?} maps to {host:?}"));
                }
            }
            if ins.args_text().contains('\r') {
                failures.push(format!("{name}: CR left in {:?}", ins.args_text()));
            }
            if matches!(ins.keyword.as_str(), "CMD" | "ENTRYPOINT")
                && ins.args_text().trim_start().starts_with('[')
                && ins.form == Form::Shell
            {
                failures.push(format!(
                    "{name}: JSON form not recognised: {}",
                    ins.args_text()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn windows_escape_file_keeps_backslash_paths() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dockerfiles");
    let text = fs::read_to_string(dir.join("04-windows-escape.Dockerfile")).unwrap();
    let df = dockerfile::parse(&text);
    assert_eq!(df.escape, '`');
    let env = df.instructions.iter().find(|i| i.keyword == "ENV").unwrap();
    let kv = env.key_values(df.escape);
    assert_eq!(kv[0].value.as_deref(), Some("C:\\tool"));
    assert_eq!(
        kv[1].value.as_deref(),
        Some("C:\\tool\\bin;C:\\Windows\\system32")
    );
}
