//! CI steps as data: every `uses:` and every non-comment line of every `run:`
//! in GitHub workflows and local actions, plus the lines of other CI systems'
//! files, each with its host line. Tool detection matches on these, so a
//! commented-out step (a YAML comment, a `#` line inside `run: |`) or a step
//! disabled with `if: false` never counts.

use std::sync::LazyLock;

use regex::Regex;

use super::facts::Facts;
use super::Evidence;
pub use crate::model::ci::Step;

/// Note suffix marking evidence that cannot fail the build.
pub const NON_BLOCKING: &str = " (non-blocking)";

/// Whether a shell line swallows the command's failure: `|| true`, `|| :`,
/// `|| exit 0`, or `|| echo …` (a message instead of a failing exit status).
fn swallows_failure(line: &str) -> bool {
    static SWALLOW: LazyLock<Regex> = LazyLock::new(|| {
        re(r"\|\|\s*(?:true\b|:(?:\s|$|;)|exit\s+0\b|echo\b|printf\b|\{\s*echo\b)")
    });
    SWALLOW.is_match(line) || line.trim_end().ends_with("|| :")
}

/// Commands that only print: a tool named in their arguments does not run
/// (`echo "Running pip-audit..."`).
/// Commands that only print or search text: a tool named in their arguments (a
/// `grep -F 'repo: https://github.com/returntocorp/semgrep'` reading a version out
/// of a config file) is not run by them.
const NARRATION: &[&str] = &[
    "echo", "printf", "cat", ":", "true", "print", "grep", "egrep", "fgrep", "rg",
];

/// The commands a shell line runs, as text (words joined by spaces, one
/// command after another separated by ` ; `), without commands that only
/// print, so a tool name inside an `echo` message is not taken for the tool.
/// Words that are not literal (`$VAR`) are kept as `$`.
pub fn executed(line: &str) -> String {
    let commands = crate::model::commands::split_line(line);
    let mut out = String::new();
    for argv in commands {
        let first = argv.first().and_then(|w| w.as_deref()).unwrap_or("");
        if NARRATION.contains(&first) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(" ; ");
        }
        // A file the command reads or writes (`--output reports/pip-audit.json`)
        // is not a tool it runs.
        let words: Vec<&str> = argv
            .iter()
            .map(|w| w.as_deref().unwrap_or("$"))
            .filter(|w| !is_data_file(w))
            .collect();
        // A script named as an argument (`git diff -- unit-test.sh`) is not run;
        // one run by a shell, a runner (`uv run`, `docker compose run app`,
        // `docker exec`) or as the command itself is.
        let words: Vec<&str> = words
            .iter()
            .enumerate()
            .filter(|(i, w)| {
                !is_script_file(w)
                    || *i == 0
                    || words[..*i].iter().any(|p| {
                        matches!(
                            *p,
                            "bash" | "sh" | "zsh" | "dash" | "source" | "." | "run" | "exec"
                        )
                    })
            })
            .map(|(_, w)| *w)
            .collect();
        out.push_str(&words.join(" "));
    }
    out
}

/// A word naming a data file (report, log, SARIF…), not a program.
fn is_data_file(word: &str) -> bool {
    // An address (`https://github.com/returntocorp/semgrep`, a download URL) names
    // where something is, not a tool the command runs.
    if word.contains("://") {
        return true;
    }
    let w = word.to_ascii_lowercase();
    let w = w.rsplit('=').next().unwrap_or(&w);
    [
        ".json", ".sarif", ".xml", ".html", ".txt", ".log", ".csv", ".md", ".out",
    ]
    .iter()
    .any(|ext| w.ends_with(ext))
}

/// A word naming a shell script.
fn is_script_file(word: &str) -> bool {
    word.ends_with(".sh") || word.ends_with(".bash")
}

/// How `set` changes errexit on this line: `Some(false)` for `set +e` (a
/// failing command no longer ends the step), `Some(true)` for `set -e`.
fn errexit_change(line: &str) -> Option<bool> {
    let mut state = None;
    for argv in crate::model::commands::split_line(line) {
        if argv.first().and_then(|w| w.as_deref()) != Some("set") {
            continue;
        }
        let mut it = argv.iter().skip(1).map(|w| w.as_deref().unwrap_or(""));
        while let Some(w) = it.next() {
            match w {
                "-o" | "+o" if it.next() == Some("errexit") => state = Some(w == "-o"),
                _ if w.starts_with('+') && w.contains('e') => state = Some(false),
                _ if w.starts_with('-') && !w.starts_with("--") && w.contains('e') => {
                    state = Some(true)
                }
                _ => {}
            }
        }
    }
    state
}

/// All CI steps of the repository.
#[derive(Debug, Default)]
pub struct Ci {
    /// Steps in file order.
    pub steps: Vec<Step>,
    /// Workflow triggers seen (`release`, `push:tags`), with their place.
    pub release_triggers: Vec<Evidence>,
}

/// Collects every step the walk found: workflows, then local actions, then other
/// CI systems, each in file order.
pub fn collect(facts: &Facts<'_>) -> Ci {
    let mut ci = Ci::default();
    for f in facts
        .workflows
        .iter()
        .chain(&facts.actions)
        .chain(&facts.other_ci)
    {
        ci.steps.extend(f.steps.iter().cloned());
        ci.release_triggers
            .extend(f.release_triggers.iter().cloned());
    }
    // `make GOAL` in a step runs the goal's recipe: its lines are steps too (a
    // `ko build` or `trivy image` that lives in the Makefile runs in CI).
    let mut made: Vec<Step> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for s in &ci.steps {
        for (_, text) in &s.run {
            for (dir, goal) in make_goals(text) {
                expand_make(facts, s, &dir, &goal, 0, &mut seen, &mut made);
            }
        }
    }
    ci.steps.extend(made);
    ci
}

/// How many `make` calls deep a CI step is followed (`make release` whose recipe
/// runs `$(MAKE) push` is two).
const MAKE_DEPTH: usize = 3;

/// The goals a shell line asks `make` for, with the directory of the Makefile
/// (`make -C deploy release` → `("deploy", "release")`). `$(MAKE)` in a recipe is
/// make too; assignments before it and `VAR=value` arguments are skipped.
fn make_goals(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for cmd in line.split(['&', ';', '|']) {
        let mut words = cmd
            .split_whitespace()
            .skip_while(|w| w.contains('=') && !w.starts_with('-') && !w.starts_with('$'));
        let Some(first) = words.next() else { continue };
        if !matches!(first, "make" | "gmake" | "$(MAKE)" | "${MAKE}") {
            continue;
        }
        let mut dir = String::new();
        let mut goals = Vec::new();
        let mut other_file = false;
        let mut words = words.peekable();
        while let Some(w) = words.next() {
            if w == "-C" || w == "--directory" {
                dir = words.next().unwrap_or("").trim_end_matches('/').to_string();
            } else if let Some(d) = w.strip_prefix("--directory=") {
                dir = d.trim_end_matches('/').to_string();
            } else if w == "-f" || w == "--file" || w == "-j" || w == "--jobs" {
                // `-j 4` takes a number; `-f FILE` another Makefile (not followed).
                if w.starts_with("-f") || w == "--file" {
                    other_file = true;
                    break;
                }
                if words
                    .peek()
                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
                {
                    words.next();
                }
            } else if w.starts_with('-')
                || w.contains('=')
                || w.contains(['$', '`', '(', ')', '"', '\''])
            {
                // Options, `VAR=value`, and goals not known here.
                continue;
            } else {
                goals.push(w.to_string());
            }
        }
        if dir.contains('$') || other_file {
            continue;
        }
        if goals.is_empty() {
            goals.push(String::new());
        }
        out.extend(goals.into_iter().map(|g| (dir.clone(), g)));
    }
    out
}

/// Adds the recipe of `goal` (its prerequisites' too) in the Makefile of `dir` as a
/// step of its own, at the Makefile's lines, and follows the `make` calls in it.
fn expand_make(
    facts: &Facts<'_>,
    parent: &Step,
    dir: &str,
    goal: &str,
    depth: usize,
    seen: &mut Vec<(String, String)>,
    made: &mut Vec<Step>,
) {
    if depth >= MAKE_DEPTH {
        return;
    }
    let path = if dir.is_empty() || dir == "." {
        "Makefile".to_string()
    } else {
        format!("{}/Makefile", dir.trim_start_matches("./"))
    };
    let Some(targets) = facts.model.make_targets(&path) else {
        return;
    };
    let goal = if goal.is_empty() {
        match crate::parse::makefile::default_goal(targets) {
            Some(t) => t.name.clone(),
            None => return,
        }
    } else {
        goal.to_string()
    };
    if seen.contains(&(path.clone(), goal.clone())) {
        return;
    }
    seen.push((path.clone(), goal.clone()));
    let lines = crate::parse::makefile::recipe_lines(targets, &goal);
    if lines.is_empty() {
        return;
    }
    let mut run: Vec<(usize, String)> = Vec::new();
    for t in targets {
        for (n, text) in t.recipe.iter().zip(&t.recipe_text) {
            if lines.contains(n) && !run.iter().any(|(m, _)| m == n) {
                run.push((*n, text.clone()));
            }
        }
    }
    run.sort_by_key(|(n, _)| *n);
    let step = Step {
        path: path.clone(),
        line: run.first().map_or(1, |(n, _)| *n),
        run,
        job: parent.job.clone(),
        name: format!("make {goal}"),
        soft: parent.soft,
        ..Step::default()
    };
    let calls: Vec<(String, String)> = step
        .run
        .iter()
        .flat_map(|(_, t)| make_goals(t))
        .map(|(d, g)| {
            // `$(MAKE) -C sub` is relative to this Makefile's directory.
            let base = path.rsplit_once('/').map_or("", |(d, _)| d);
            let d = match (base.is_empty(), d.is_empty()) {
                (true, _) => d,
                (false, true) => base.to_string(),
                (false, false) => format!("{base}/{d}"),
            };
            (d, g)
        })
        .collect();
    made.push(step);
    for (d, g) in calls {
        expand_make(facts, parent, &d, &g, depth + 1, seen, made);
    }
}

/// A tool detector: action prefixes, a shell-line pattern, and an optional input test.
pub struct Detector {
    /// `uses:` prefixes (lower-case, without ref).
    pub uses: &'static [&'static str],
    /// Pattern over one shell line.
    pub run: &'static LazyLock<Regex>,
    /// Extra: a step whose action and inputs qualify (e.g. trivy-action with format: cyclonedx).
    pub input: Option<fn(&str, &Step) -> bool>,
    /// Lines to ignore even if the pattern matches (`pip install pytest`).
    pub reject: Option<fn(&str) -> bool>,
}

impl Ci {
    /// Evidence of every step that matches, de-duplicated, file order.
    pub fn find(&self, d: &Detector) -> Vec<Evidence> {
        let mut out: Vec<Evidence> = Vec::new();
        for s in &self.steps {
            if let Some(action) = s.action() {
                let by_prefix = d.uses.iter().any(|p| action.starts_with(p));
                let by_input = d.input.is_some_and(|f| f(&action, s));
                if by_prefix || by_input {
                    let raw = s.uses.clone().unwrap_or_default();
                    let soft = if s.soft { NON_BLOCKING } else { "" };
                    out.push(Evidence::new(
                        s.path.clone(),
                        s.line,
                        format!("uses {raw}{soft}"),
                    ));
                    continue;
                }
            }
            // GitHub runs `run:` with `bash -e`: a failing command ends the
            // step, unless `set +e` turned that off (then only the last
            // command's status counts).
            let mut errexit = true;
            let last = s.run.len().saturating_sub(1);
            for (i, (line, text)) in s.run.iter().enumerate() {
                if let Some(on) = errexit_change(text) {
                    errexit = on;
                }
                if d.reject.is_some_and(|r| r(text)) {
                    continue;
                }
                let runs = executed(text);
                if let Some(m) = d.run.find(&runs) {
                    let shown: String = m.as_str().trim().chars().take(60).collect();
                    let soft = if s.soft || swallows_failure(text) || (!errexit && i != last) {
                        NON_BLOCKING
                    } else {
                        ""
                    };
                    out.push(Evidence::new(
                        s.path.clone(),
                        *line,
                        format!("runs `{shown}`{soft}"),
                    ));
                    break;
                }
            }
        }
        out.dedup();
        out
    }
}

fn re(s: &str) -> Regex {
    Regex::new(s).unwrap_or_else(|e| unreachable!("bad built-in pattern: {e}"))
}

/// Test commands.
pub static TEST_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)(?:^|[\s;&|(`])(?:python[0-9.]*\s+-m\s+(?:pytest|unittest|nose2)|py\.test|pytest|tox|nox|cargo\s+(?:\+\S+\s+)?(?:test|nextest|tarpaulin|llvm-cov)|go\s+test|(?:npm|pnpm|yarn|bun)(?:\s+-{1,2}[\w-]+(?:[=\s][^-\s]\S*)?)*\s+(?:run\s+)?test(?:[:_-][\w:.-]+)?|npx\s+(?:jest|vitest|mocha|playwright\s+test|cypress\s+run)|jest|vitest|mocha|make\s+(?:-\S+\s+)*(?:test|tests|check|unittest|ci|test-\S+)|mvn\s+.*\b(?:test|verify|install|package)|(?:\./)?gradlew?\s+.*\b(?:test|check|build)|bundle\s+exec\s+(?:rspec|rake)|rspec|phpunit|dotnet\s+test|ctest|bats|manage\.py\s+test|(?:hatch|poetry|uv|pdm|pipenv|rye)\s+run\s+(?:python\s+-m\s+)?(?:pytest|test|tests)|hatch\s+test|deno\s+test|mix\s+test|swift\s+test|(?:just|task)\s+test|coverage\s+run|(?:\./|[\w.-]*/)*(?:run[-_]?)?(?:unit[-_]?|integration[-_]?)?tests?(?:[-_][\w-]*)?\.(?:sh|bash))(?:$|[\s;&|)`:'"])"#,
    )
});

/// SAST tools.
pub static SAST_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:^|[\s;&|(/])(?:semgrep(?:\s+(?:ci|scan|--config)|$)|bandit\b|gosec\b|brakeman\b|njsscan\b|flawfinder\b|snyk\s+code\b|codeql\s+database\b|horusec\b|spotbugs\b|returntocorp/semgrep|sast\.gitlab-ci|bearer\s+scan|opengrep\b)",
    )
});

/// Vulnerability scanners.
pub static VULN_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:^|[\s;&|(/])(?:trivy\b|grype\b|osv-scanner\b|snyk\s+(?:test|container|monitor)\b|pip-audit\b|safety\s+(?:check|scan)\b|(?:npm|pnpm)\s+audit\b|yarn\s+(?:npm\s+)?audit\b|cargo\s+audit\b|cargo\s+deny\s+check\b|cargo-deny\b|govulncheck\b|bundle(?:r)?[-\s]audit\b|docker\s+scout\s+(?:cves|quickview|recommendations)\b|dependency-check\b|audit-ci\b|dependency-scanning\.gitlab-ci|container-scanning\.gitlab-ci)",
    )
});

/// Container image scanners run on an image (`trivy image`, `grype IMAGE`, `docker
/// scout cves`), not on the checkout.
pub static IMAGE_SCAN_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:^|[\s;&|(/])(?:trivy\b[^;|&]*?\s(?:image|i)(?:\s|$)|grype\s|docker\s+scout\s+(?:cves|quickview|recommendations)\b|docker\s+scan\b|snyk\s+container\b|container-scanning\.gitlab-ci)",
    )
});

/// SBOM generators.
pub static SBOM_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:^|[\s;&|(/])(?:syft\b|cyclonedx-(?:py|npm|bom|gomod|node|cli|dotnet|maven)\b|cyclonedx\b|cdxgen\b|cargo[-\s](?:cyclonedx|sbom)\b|sbom-tool\b|docker\s+(?:buildx\s+)?sbom\b|trivy\b.*--format[\s=]+(?:cyclonedx|spdx)|harden\s+sbom\b|spdx-sbom-generator\b|--sbom(?:=true)?\b|--attest[\s=]+type=sbom\b|npm\s+sbom\b)",
    )
});

/// Secret scanners.
pub static SECRET_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:^|[\s;&|(/])(?:gitleaks\b|trufflehog\b|detect-secrets\b|ggshield\b|git[-\s]secrets\b|secretlint\b|talisman\b|kingfisher\b|trivy\b.*--scanners[\s=]+\S*secret|secret-detection\.gitlab-ci|noseyparker\b)",
    )
});

/// Signing and provenance.
pub static SIGN_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:^|[\s;&|(])(?:cosign\s+(?:sign|attest)\b|gpg\s+.*(?:--detach-sign|-ab\b)|minisign\s+-s|notation\s+sign\b|npm\s+publish\b.*--provenance|gh\s+attestation\b|sigstore\s+sign\b)",
    )
});

/// Publishing artefacts.
pub static PUBLISH_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:^|[\s;&|(])(?:docker\s+push\b|docker\s+(?:buildx\s+)?build\b.*--push\b|twine\s+upload\b|(?:npm|pnpm|yarn)\s+publish\b|cargo\s+publish\b|gh\s+release\s+create\b|goreleaser\b|helm\s+push\b|(?:poetry|uv|flit|hatch)\s+publish\b|mvn\s+.*\bdeploy\b|gradlew?\s+.*\bpublish|ko\s+(?:build|publish)\b|podman\s+push\b|crane\s+push\b)",
    )
});

/// Running pre-commit.
pub static PRECOMMIT_RE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:^|[\s;&|(])pre-commit\s+run\b"));

/// Rollback commands.
pub static ROLLBACK_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:kubectl\s+(?:-\S+\s+)*rollout\s+undo\b|helm\s+rollback\b|\brollback\S*\.sh\b|aws\s+deploy\s+stop-deployment|\bflyctl\s+releases\s+rollback|\bheroku\s+rollback)",
    )
});

/// Whether a command only installs dependencies (`npm clean-install`, `pip
/// install -r …`, `docker run … node npm ci`): a step named "Test on ARMv7" that
/// runs only this tests nothing.
pub fn installs_dependencies(line: &str) -> bool {
    static INSTALL: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)(?:^|[\s;&|(])(?:(?:npm|pnpm|yarn|bun)\s+(?:ci|clean-install|install|i|add)\b|pip[0-9.]*\s+install\b|(?:apt-get|apt|apk|yum|dnf|brew)\s+(?:-\S+\s+)*(?:install|add)\b|poetry\s+install\b|uv\s+(?:sync|pip\s+install)\b|bundle\s+install\b|go\s+mod\s+download\b|composer\s+install\b)",
        )
    });
    INSTALL.is_match(line) && !TEST_RE.is_match(line)
}

/// Lines that install rather than run a tool.
pub fn installs_only(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    (l.contains(" install ") || l.contains(" add ") || l.starts_with("pip install"))
        && !l.contains("&&")
        && !l.contains(';')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(TEST_RE.is_match("python -m pytest -q tests/"));
        assert!(TEST_RE.is_match("cargo test --all-targets"));
        assert!(TEST_RE.is_match("npm run test:unit"));
        assert!(TEST_RE.is_match("npm run test-backend"));
        assert!(TEST_RE.is_match("yarn run test_e2e"));
        assert!(!TEST_RE.is_match("npm run testimonials"));
        assert!(installs_dependencies(
            "docker run --rm --platform linux/arm/v7 -v $PWD:/w arm32v7/node:20 npm clean-install --no-fund --production"
        ));
        assert!(!installs_dependencies("npm ci && npm test"));
        assert!(TEST_RE.is_match("make test"));
        assert!(TEST_RE.is_match("npm --prefix frontend test -- --watchAll=false"));
        assert!(TEST_RE.is_match("pnpm -r test"));
        assert!(TEST_RE.is_match("poetry run pytest"));
        assert!(!TEST_RE.is_match("echo testing"));
        assert!(TEST_RE.is_match("uv run bash scripts/tests-start.sh \"Coverage\""));
        assert!(TEST_RE.is_match("./run_tests.sh --all"));
        assert!(!TEST_RE.is_match("bash scripts/latest.sh"));
        assert!(!TEST_RE.is_match("pytest-cov-report"));
        assert!(VULN_RE.is_match("trivy image --exit-code 1 app:latest"));
        assert!(VULN_RE.is_match("pip-audit -r requirements.txt"));
        assert!(!VULN_RE.is_match("echo 'no audit'"));
        assert!(SBOM_RE.is_match("syft . -o cyclonedx-json > sbom.json"));
        assert!(SBOM_RE.is_match("docker buildx build --attest type=sbom --push -t x ."));
        assert!(IMAGE_SCAN_RE.is_match("trivy image --exit-code 1 app:latest"));
        assert!(IMAGE_SCAN_RE.is_match("trivy --cache-dir /tmp/t image app:1"));
        assert!(IMAGE_SCAN_RE.is_match("grype ghcr.io/acme/api:1.2 --fail-on high"));
        assert!(IMAGE_SCAN_RE.is_match("docker scout cves app:1"));
        assert!(!IMAGE_SCAN_RE.is_match("trivy fs --scanners vuln ."));
        assert!(!IMAGE_SCAN_RE.is_match("echo image"));
        assert!(SECRET_RE.is_match("gitleaks detect --redact"));
        assert!(SIGN_RE.is_match("cosign sign --yes $IMAGE@$DIGEST"));
        assert!(PUBLISH_RE.is_match("docker push ghcr.io/acme/api:1.2"));
        assert!(SAST_RE.is_match("bandit -r src -ll"));
        assert!(!SAST_RE.is_match("echo banditry"));
        assert!(installs_only("pip install pytest bandit"));
    }

    #[test]
    fn make_calls_name_their_goals_and_directory() {
        let g = |l: &str| make_goals(l);
        assert_eq!(
            g("make release.staging"),
            vec![(String::new(), "release.staging".to_string())]
        );
        assert_eq!(
            g("IMAGE=$(IMAGE_STAGING) $(MAKE) build.push/multiarch"),
            vec![(String::new(), "build.push/multiarch".to_string())]
        );
        assert_eq!(
            g("make -C deploy -j 4 VERSION=1 lint test"),
            vec![
                ("deploy".to_string(), "lint".to_string()),
                ("deploy".to_string(), "test".to_string())
            ]
        );
        assert_eq!(g("make"), vec![(String::new(), String::new())]);
        // Another Makefile by name is not followed; `cmake` and `make-docs` are not make.
        assert!(g("make -f build/Makefile all").is_empty());
        assert!(g("cmake --build . && make-docs html").is_empty());
    }

    #[test]
    fn only_commands_that_run_count() {
        assert!(!VULN_RE.is_match(&executed(r#"echo "Running pip-audit...""#)));
        assert!(VULN_RE.is_match(&executed("pip-audit -r requirements.txt || true")));
        assert!(TEST_RE.is_match(&executed(r#"echo "::group::tests" && pytest -q"#)));
        assert!(!TEST_RE.is_match(&executed("printf 'run pytest next\\n'")));
        // A search for the tool's name in a config file runs nothing.
        assert!(!SAST_RE.is_match(&executed(
            "grep -m1 -A 1 -F 'repo: https://github.com/returntocorp/semgrep' .pre-commit-config.yaml | tail -n1"
        )));
        // Nor does an address that names it (a continuation line of such a search).
        assert!(!SAST_RE.is_match(&executed(
            "-F 'repo: https://github.com/returntocorp/semgrep' .pre-commit-config.yaml \\"
        )));
        assert!(SAST_RE.is_match(&executed(
            "docker run --rm -v $PWD:/src returntocorp/semgrep semgrep scan --config auto"
        )));
        assert!(!VULN_RE.is_match(&executed(
            "python scripts/gate.py --pip-audit-report reports/pip-audit.json"
        )));
        assert!(!TEST_RE.is_match(&executed(
            "git diff --name-only -z origin/master -- install/_lib.sh unit-test.sh"
        )));
        assert!(TEST_RE.is_match(&executed("./unit-test.sh")));
        assert!(TEST_RE.is_match(&executed("docker compose run --rm api ./run_tests.sh")));
        assert!(TEST_RE.is_match(&executed("uv run bash scripts/tests-start.sh")));
        assert!(swallows_failure("pip-audit --format json || true"));
        assert!(swallows_failure("npm audit || echo \"audit failed\""));
        assert!(swallows_failure("bandit -r src || exit 0"));
        assert!(!swallows_failure("pytest || exit 1"));
        assert_eq!(errexit_change("set +e"), Some(false));
        assert_eq!(errexit_change("set -euo pipefail"), Some(true));
        assert_eq!(errexit_change("set +o errexit"), Some(false));
        assert_eq!(errexit_change("set -x"), None);
        assert!(!installs_only("pip install -r req.txt && pytest"));
    }
}
