//! Issue 11 (precision on real repositories): behaviour that spans rules and outputs,
//! which the per-rule fixtures cannot show because they run one rule at a time.

mod common;

use harden::finding::REPOSITORY_PATH;

/// One problem, one finding: the secret rule's finding carries the other copy as a
/// related location, and `config/duplicated-credential` does not restate it.
#[test]
fn duplicated_secret_is_one_finding_with_its_copies() {
    let report = common::scan_all(&common::fixtures().join("precision/duplicated-secret"));
    let secrets: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("secrets/") || f.rule == "config/duplicated-credential")
        .collect();
    assert_eq!(secrets.len(), 1, "{}", common::render_findings(&report));
    let f = secrets[0];
    assert_eq!(f.rule, "secrets/hardcoded-credential");
    assert_eq!(f.related.len(), 1);
    assert_ne!(f.related[0].path, f.path);
    assert!(
        f.message.contains("copied in 1 more place"),
        "{}",
        f.message
    );
}

/// Issue 14: a password in `docker-compose.yml` that a module also carries as an
/// environment variable's fallback (`os.environ.get("DB_PASS", "…")`) is one finding that
/// names both places; the module's copy is not lost.
#[test]
fn secret_in_compose_and_module_fallback_keeps_both_copies() {
    let root = common::fixtures()
        .join("rules/config/duplicated-credential/positive/compose-and-env-fallback");
    let report = common::scan_all(&root);
    let secrets: Vec<_> = report
        .findings
        .iter()
        .filter(|f| {
            f.rule.starts_with("secrets/")
                || f.rule == "compose/secret-literal"
                || f.rule == "config/duplicated-credential"
        })
        .collect();
    assert_eq!(secrets.len(), 1, "{}", common::render_findings(&report));
    let mut paths: Vec<&str> = std::iter::once(secrets[0].path.as_str())
        .chain(secrets[0].related.iter().map(|r| r.path.as_str()))
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        ["collectors/collect_prices.py", "docker-compose.yml"]
    );
}

/// A repository without SECURITY.md gets a repository-level finding: no file, no line,
/// and its fix names the file it creates.
#[test]
fn missing_policy_is_repository_level() {
    let report = common::scan_all(&common::fixtures().join("precision/duplicated-secret"));
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "repo/missing-security-policy")
        .expect("finding");
    assert_eq!(f.path, REPOSITORY_PATH);
    assert!(f.is_repository_level());
    assert_eq!(f.region.start.line, 0);
    assert_eq!(f.fix_path(), "SECURITY.md");

    let mut sarif = Vec::new();
    harden::output::sarif::render(&report, None, &mut sarif).expect("sarif");
    let doc: serde_json::Value = serde_json::from_slice(&sarif).expect("json");
    let result = doc["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "repo/missing-security-policy")
        .expect("result");
    let uri = &result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "no%20file%20associated%20with%20this%20alert");
    assert_eq!(result["properties"]["scope"], "repository");
    assert_eq!(
        result["fixes"][0]["artifactChanges"][0]["artifactLocation"]["uri"],
        "SECURITY.md"
    );

    let mut text = Vec::new();
    harden::output::terminal::render(&report, false, &mut text).expect("terminal");
    let text = String::from_utf8(text).expect("utf8");
    assert!(
        text.contains("\nrepository\n") || text.starts_with("repository\n"),
        "{text}"
    );
    assert!(!text.contains("SECURITY.md:1"), "{text}");
}

/// A document with several broken links is one low finding with the others related.
#[test]
fn broken_links_are_one_finding_per_document() {
    let report = common::scan_all(&common::fixtures().join("precision/docs-site"));
    let links: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "docs/broken-link")
        .collect();
    assert_eq!(links.len(), 1, "{}", common::render_findings(&report));
    assert_eq!(links[0].path, "docs/ops.md");
    assert_eq!(links[0].severity, harden::finding::Severity::Low);
    assert_eq!(links[0].related.len(), 3);
    assert!(
        links[0].message.starts_with("4 broken links"),
        "{}",
        links[0].message
    );
}

/// GitHub runs every root workflow with the repository's token whatever it is named:
/// a workflow called `e2e-tests.yml` is not a test file, so
/// neither its per-file findings (a pull request's code run with secrets: critical) nor
/// its cross-file ones (a restored cache in a publishing job) are capped as tests are.
#[test]
fn workflows_named_for_tests_are_not_test_files() {
    use harden::finding::Severity;
    let report = common::scan_all(&common::fixtures().join("precision/workflows-named-for-tests"));
    let worst = |rule: &str| {
        report
            .findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.severity)
            .max()
    };
    let all = common::render_findings(&report);
    assert_eq!(
        worst("actions/unsafe-checkout"),
        Some(Severity::Critical),
        "{all}"
    );
    assert!(
        worst("actions/cache-poisoning") >= Some(Severity::Medium),
        "{all}"
    );
}

/// A folder whose README opens with a title naming examples (`Docker-Compose Examples`
/// underlined) holds samples the reader adapts: its findings are low at most. A folder
/// whose README only mentions examples in prose, and the root README's title, do not
/// lower anything: `deploy/compose.yml` and `compose.yml` keep their severity.
#[test]
fn folders_titled_as_examples_take_an_examples_context() {
    use harden::finding::Severity;
    let report = common::scan_all(&common::fixtures().join("precision/documented-examples"));
    let all = common::render_findings(&report);
    let privileged = |path: &str| {
        report
            .findings
            .iter()
            .find(|f| f.rule == "compose/privileged" && f.path == path)
            .map(|f| f.severity)
    };
    assert_eq!(
        privileged("contrib/docker-compose/basic.yml"),
        Some(Severity::Low),
        "{all}"
    );
    assert_eq!(
        privileged("deploy/compose.yml"),
        Some(Severity::High),
        "{all}"
    );
    assert_eq!(privileged("compose.yml"), Some(Severity::High), "{all}");
}
