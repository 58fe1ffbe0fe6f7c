//! The fixes of `actions/` rules produce the intended YAML.

mod common;

use std::fs;

use harden::rules::{self, Rule};

fn apply_first_fix(yaml: &str, rule: &str) -> Option<String> {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(".github/workflows");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("ci.yml"), yaml).unwrap();
    let rules: Vec<Box<dyn Rule>> = rules::registry()
        .into_iter()
        .filter(|r| r.meta().id == rule)
        .collect();
    let report = common::scan_with(tmp.path(), &rules);
    let fix = report.findings.iter().find_map(|f| f.fix.clone())?;
    let mut out = yaml.to_string();
    for e in fix.edits.iter().rev() {
        out.replace_range(e.range.clone(), &e.replacement);
    }
    assert!(harden::parse::yaml::parse(&out).error.is_none(), "{out}");
    Some(out)
}

#[test]
fn template_injection_moves_expression_to_env() {
    let src = "on: issue_comment\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo \"Body: ${{ github.event.comment.body }}\"\n          x=${{ github.event.comment.body }}\n";
    let out = apply_first_fix(src, "actions/template-injection").unwrap();
    assert_eq!(
        out,
        "on: issue_comment\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          COMMENT_BODY: ${{ github.event.comment.body }}\n        run: |\n          echo \"Body: ${COMMENT_BODY}\"\n          x=\"${COMMENT_BODY}\"\n"
    );
}

#[test]
fn template_injection_adds_to_existing_env() {
    let src = "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - name: t\n        env:\n          A: b\n        run: echo \"${{ github.event.pull_request.title }}\"\n";
    let out = apply_first_fix(src, "actions/template-injection").unwrap();
    assert!(out.contains("        env:\n          PULL_REQUEST_TITLE: ${{ github.event.pull_request.title }}\n          A: b\n"), "{out}");
    assert!(out.contains("run: echo \"${PULL_REQUEST_TITLE}\""), "{out}");
}

/// Two `inputs.*` expansions in one step are one grouped finding; their two `env:`
/// insertions at one place would make a broken file, so the grouped finding keeps the
/// first expansion's fix and stays valid YAML with one `env:`.
#[test]
fn template_injection_grouped_inputs_keep_one_valid_fix() {
    let src = "on:\n  workflow_dispatch:\n    inputs:\n      title:\n        type: string\n      body:\n        type: string\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ inputs.title }} ${{ inputs.body }}\"\n";
    let out = apply_first_fix(src, "actions/template-injection").unwrap();
    assert_eq!(out.matches("env:").count(), 1, "{out}");
    assert!(out.contains("INPUTS_TITLE: ${{ inputs.title }}"), "{out}");
}

#[test]
fn template_injection_no_fix_inside_single_quotes() {
    let src = "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo '${{ github.event.pull_request.title }}'\n";
    assert!(apply_first_fix(src, "actions/template-injection").is_none());
}

#[test]
fn unpinned_uses_pins_from_table() {
    let src = "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4.1.7\n";
    let out = apply_first_fix(src, "actions/unpinned-uses").unwrap();
    assert!(
        out.contains(
            "- uses: actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332 # v4.1.7\n"
        ),
        "{out}"
    );
}

#[test]
fn persist_credentials_adds_with_block() {
    let src = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/upload-artifact@v3\n        with:\n          path: .\n";
    let out = apply_first_fix(src, "actions/persist-credentials").unwrap();
    assert!(out.contains("      - uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n      - uses: actions/upload"), "{out}");
}

#[test]
fn pin_comment_is_corrected() {
    let src = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332 # v4.2.2\n";
    let out = apply_first_fix(src, "actions/pin-comment-mismatch").unwrap();
    assert!(
        out.ends_with("@692973e3d937129bcbf40652eb9f2f61becf3332 # v4.1.7\n"),
        "{out}"
    );
}

#[test]
fn fixes_keep_crlf_line_endings() {
    let src = "on: issue_comment\r\njobs:\r\n  a:\r\n    runs-on: ubuntu-latest\r\n    steps:\r\n      - run: |\r\n          echo \"${{ github.event.comment.body }}\"\r\n";
    let out = apply_first_fix(src, "actions/template-injection").unwrap();
    assert!(
        out.contains("      - env:\r\n          COMMENT_BODY: ${{ github.event.comment.body }}\r\n        run: |\r\n          echo \"${COMMENT_BODY}\"\r\n"),
        "{out:?}"
    );
    let src = "on: push\r\njobs:\r\n  a:\r\n    runs-on: ubuntu-latest\r\n    steps:\r\n      - uses: actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332 # v4.2.2\r\n";
    let out = apply_first_fix(src, "actions/pin-comment-mismatch").unwrap();
    assert!(out.ends_with("# v4.1.7\r\n"), "{out:?}");
}

/// Odd but valid shapes never make a rule fail (a panic would show as a diagnostic).
#[test]
fn odd_workflows_do_not_break_rules() {
    let cases = [
        "on: push\njobs: {}\n",
        "on:\njobs:\n  a:\n",
        "true: push\njobs:\n  a:\n    steps: [{uses: 'actions/checkout@v4'}, {run: 'echo ${{ github.head_ref }}'}]\n",
        "on: [push]\npermissions: read-all\njobs:\n  a:\n    permissions: {}\n    steps:\n      - uses: docker://alpine:3\n      - uses: ./local\n      - uses: 42\n      - run: |\n          echo \"${{ secrets.X }}\" é ü ${{\n",
        "- just\n- a list\n",
        "on: pull_request_target\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: refs/pull/${{ github.event.number }}/merge\n",
    ];
    let rules: Vec<Box<dyn Rule>> = rules::registry()
        .into_iter()
        .filter(|r| {
            let id = r.meta().id;
            id.starts_with("actions/") || id.starts_with("repo/") || id.starts_with("docs/")
        })
        .collect();
    for (i, case) in cases.iter().enumerate() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(".github/workflows");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(format!("w{i}.yml")), case).unwrap();
        fs::write(tmp.path().join(".github/dependabot.yml"), case).unwrap();
        fs::write(
            tmp.path().join("README.md"),
            "[x](#)\n[y](<>)\n`a/`\n`/`\n[z](../..)\n",
        )
        .unwrap();
        let report = common::scan_with(tmp.path(), &rules);
        assert!(
            !report
                .diagnostics
                .iter()
                .any(|d| d.message.contains("internal error")),
            "case {i}: {:?}",
            report.diagnostics
        );
    }
}
