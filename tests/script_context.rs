//! A repository script run by a privileged workflow step carries the step into its
//! findings (`rules::actions::script_context`): a related location always, one
//! severity level more for the rules whose harm grows with the job's privileges.

mod common;

use harden::finding::{Finding, Severity};

fn findings(fixture: &str) -> Vec<Finding> {
    let root = common::fixtures().join("script-context").join(fixture);
    common::scan_all(&root).findings
}

fn find<'a>(all: &'a [Finding], rule: &str, path: &str) -> &'a Finding {
    all.iter()
        .find(|f| f.rule == rule && f.path == path)
        .unwrap_or_else(|| panic!("no {rule} finding in {path}: {all:#?}"))
}

#[test]
fn a_release_script_run_with_secrets_is_raised_and_linked() {
    let all = findings("release-script");
    for rule in ["shell/curl-pipe-shell", "shell/tls-verify-disabled"] {
        let f = find(&all, rule, "scripts/release.sh");
        assert_eq!(f.severity, Severity::High, "{rule}: {}", f.message);
        assert!(
            f.message.contains(
                "(raised: .github/workflows/release.yml:19 runs this with secrets PYPI_TOKEN)"
            ),
            "{}",
            f.message
        );
        let step = f
            .related
            .iter()
            .find(|r| r.path == ".github/workflows/release.yml")
            .expect("the workflow step is related");
        assert_eq!(step.region.start.line, 19);
        assert!(
            step.message.contains("`./scripts/release.sh`"),
            "{}",
            step.message
        );
    }
}

#[test]
fn make_goal_reaches_its_scripts_and_not_the_other_targets() {
    let all = findings("make-goal");
    // `make release` → `release: build` → `./scripts/publish.sh`.
    let tls = find(&all, "shell/tls-verify-disabled", "scripts/publish.sh");
    assert_eq!(tls.severity, Severity::High, "{}", tls.message);
    assert!(
        tls.message.contains("(through `make release`)")
            && tls.message.contains("secrets DEPLOY_KEY")
            && tls
                .message
                .contains("a token that writes contents, packages"),
        "{}",
        tls.message
    );
    // Already high: linked, never raised past high.
    let ssh = find(&all, "shell/ssh-host-key-disabled", "scripts/publish.sh");
    assert_eq!(ssh.severity, Severity::High);
    assert!(!ssh.message.contains("raised"), "{}", ssh.message);
    assert!(ssh
        .related
        .iter()
        .any(|r| r.path == ".github/workflows/deploy.yml" && r.region.start.line == 19));
    // The `dev` target's script is not what the workflow runs.
    let dev = find(&all, "shell/curl-pipe-shell", "scripts/dev-setup.sh");
    assert_eq!(dev.severity, Severity::Medium, "{}", dev.message);
    assert!(dev.related.iter().all(|r| !r.path.starts_with(".github/")));
}

#[test]
fn an_unprivileged_pull_request_run_changes_nothing() {
    let all = findings("pr-tests");
    let f = find(&all, "shell/curl-pipe-shell", "scripts/test.sh");
    assert_eq!(f.severity, Severity::Medium, "{}", f.message);
    assert!(!f.message.contains("raised"), "{}", f.message);
    assert!(f.related.iter().all(|r| !r.path.starts_with(".github/")));
}
