//! What a file is *for*: production code, a test, an example, vendored code, a
//! development or CI-only environment, an archive.
//! Precision depends on it: an IP address in a test or a `print` in a CLI is fine, and
//! a password in a developer's compose file is not a leak (docs/severity.md).

use serde::Serialize;

/// The role of a file in the repository, from its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileRole {
    /// Code that ships.
    Production,
    /// Tests and test fixtures.
    Test,
    /// Examples, samples, tutorials, documentation snippets.
    Example,
    /// Third-party code copied into the repository.
    Vendored,
    /// Generated code (protobuf stubs, migrations).
    Generated,
    /// A development or CI-only environment: `.devcontainer/`, `.gitpod*`,
    /// `docker-compose.dev.yml`, `compose.ci.yaml`, `*.dev.yml`, `.env.development`,
    /// Django `settings/dev.py`; and maintainer tooling: `hack/`, `hacking/`, `dev/`,
    /// agent helpers (`.claude/`), developer workstation images (`workstation/`).
    /// It never reaches production, so its findings are hygiene.
    Development,
    /// Archived code and notes (`archive/`, `archived/`, `attic/`, `deprecated/`): kept
    /// for history, not built or served.
    Archived,
}

impl FileRole {
    /// Whether the file ships or runs in production: only then can a finding in it be
    /// more than hygiene (docs/severity.md, "Context").
    pub fn is_production(self) -> bool {
        self == FileRole::Production
    }
}

/// Classifies a repository-relative path (forward slashes).
pub fn role_of(path: &str) -> FileRole {
    let lower = path.to_ascii_lowercase();
    let segments: Vec<&str> = lower.split('/').collect();
    let file = segments.last().copied().unwrap_or("");
    let dirs = &segments[..segments.len().saturating_sub(1)];
    // GitHub runs every workflow in the root `.github/workflows/` (not its
    // subdirectories), and the local actions they use, with the repository's token and
    // secrets, whatever the file is named: `e2e-tests.yml` or
    // `.github/actions/test-setup/` is not a test file.
    if matches!(dirs, [".github", "workflows"] | [".github", "actions", ..]) {
        return FileRole::Production;
    }
    let vendored_at = dirs.iter().position(|d| {
        matches!(
            *d,
            "vendor"
                | "vendored"
                | "third_party"
                | "third-party"
                | "thirdparty"
                | "node_modules"
                | "site-packages"
                | "_vendor"
                | "external"
        )
    });
    // The outer directory decides: `vendor/lib/tests/x.py` is vendored code, while
    // `tests/fixtures/third-party/mysql.yaml` is a test fixture shaped like a vendored tree.
    let tests_root_before = |at: usize| {
        dirs[..at]
            .iter()
            .any(|d| matches!(*d, "test" | "tests" | "testdata" | "fixtures"))
    };
    if let Some(at) = vendored_at {
        if !tests_root_before(at) {
            return FileRole::Vendored;
        }
    }
    if dirs.iter().any(|d| {
        matches!(
            *d,
            "test"
                | "tests"
                | "testing"
                | "__tests__"
                | "spec"
                | "specs"
                | "fixtures"
                | "fixture"
                | "testdata"
                | "test_data"
                | "e2e"
                | "integration_tests"
                | "unit_tests"
                | "unittests"
                | "unit-test"
                | "_unit-test"
                | "__fixtures__"
                | "__mocks__"
                // Test doubles: Go's `fake` packages (`providers/v1/chef/fake/`, generated
                // `clientset/versioned/fake/`) and `mock(s)/` directories, imported only by
                // tests; Go also skips `_`-prefixed directories, so `_testdata/` holds data
                // only tests read.
                | "fake"
                | "fakes"
                | "mock"
                | "mocks"
                | "_testdata"
                // Helpers and resources only tests read (`test-utils/` factories,
                // Go's `internal/testresources/` certificates).
                | "test-utils"
                | "test_utils"
                | "testutils"
                | "testresources"
                | "test-resources"
                | "test_resources"
                // Semgrep rules and the code samples they are tested on.
                | ".semgrep"
                // End-to-end suites by their framework's directory (`cypress/e2e/`,
                // `cypress/docker-compose.yml` that starts the app for them).
                | "cypress"
                | "playwright"
                // Integration suites by name (`internal/suites/`, `test-suites/`): the
                // environments a test runner brings up, with their throwaway PKI and
                // privileged helper containers (round 11: authelia).
                | "suites"
                | "testsuite"
                | "testsuites"
                | "test-suites"
                | "test_suites"
        )
    }) || dirs.iter().any(|d| is_tests_dir_name(d))
        || file.starts_with("test_")
        || file.ends_with("_test.py")
        || file.ends_with("_tests.py")
        || is_django_test_module(file)
        || is_e2e_script(file)
        || is_test_settings(dirs, file)
        || is_chart_test_values(dirs)
        || file == "conftest.py"
        || file.ends_with(".test.js")
        || file.ends_with(".spec.js")
        || is_js_test_module(file)
        || file.ends_with("_test.go")
        || file.ends_with(".bats")
        // Data named after the test that reads it (`github_test.pem` beside `github_test.go`,
        // `secret_test.yaml` of a chart's unit tests).
        || file.split('.').next().is_some_and(|stem| stem.ends_with("_test"))
        // Fixtures named as such (`auth_session_fixtures.go`, `fixtures.py`): the rows
        // a test database is seeded with, compiled beside the code only tests call.
        || file
            .split('.')
            .next()
            .is_some_and(|stem| matches!(stem, "fixtures" | "fixture") || stem.ends_with("_fixtures") || stem.ends_with("_fixture"))
    {
        return FileRole::Test;
    }
    if dirs.iter().any(|d| {
        matches!(
            *d,
            "archive" | "archived" | "archives" | "attic" | "deprecated"
        )
    }) {
        return FileRole::Archived;
    }
    // A project template (cookiecutter, copier): `{{cookiecutter.project}}/` is rendered
    // into a new repository; its files are samples of that repository, not this one's.
    if dirs
        .iter()
        .any(|d| is_example_dir(d) || d.contains("{{") && d.contains("}}"))
        || is_docs_deployment_sample(dirs, file)
        || is_storybook_story(file)
    {
        return FileRole::Example;
    }
    if is_development(dirs, file) {
        return FileRole::Development;
    }
    // Versioneer: `versioneer.py` is the tool copied into the repository, `_version.py`
    // the module it writes into the package.
    if file == "versioneer.py" {
        return FileRole::Vendored;
    }
    if file.ends_with("_pb2.py")
        || file.ends_with("_pb2_grpc.py")
        || file == "_version.py"
        || file.contains(".generated.")
        || file.contains(".gen.")
        || dirs.contains(&"migrations") && file.ends_with(".py")
    {
        return FileRole::Generated;
    }
    FileRole::Production
}

/// The `#` comment lines a file opens with, before its body. A top-level one-line
/// setting may come first (compose's `version: '3.5'` above "# Example Podman Compose
/// config file"); an indented line or a block (`services:`) ends the header.
fn opening_comments(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .take_while(|l| {
            let t = l.trim();
            t.is_empty()
                || t.starts_with('#')
                || !l.starts_with([' ', '\t'])
                    && t.split_once(": ").is_some_and(|(k, v)| {
                        !v.trim().is_empty()
                            && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    })
        })
        .map(str::trim)
        .filter(|l| l.starts_with('#'))
}

/// Phrases of an opening comment that keep a file off production.
const NON_PRODUCTION_HEADERS: &[&str] = &[
    "development only",
    "testing only",
    "test only",
    "development purposes only",
    "testing purposes only",
    "not for production",
    "not intended for production",
    "not meant for production",
    "do not use in production",
    "do not use this in production",
    "don't use in production",
    "don't use this in production",
    "only intended for testing",
    "only intended for development",
    "only for testing",
    "only for development",
];

/// Whether the file opens with a comment declaring it off production ("## FOR TEST AND
/// DEVELOPMENT ONLY, DO NOT USE IN PRODUCTION", "# DO NOT USE THIS! This is only
/// intended for testing ..."): the author's own word on a file whose name does not say
/// it. Only the leading `#` comment block counts (a note further down is about one
/// setting), and a condition ("do not use in production without changing the
/// passwords") makes it a template to adapt, not a test file.
pub fn header_declares_non_production(text: &str) -> bool {
    opening_comments(text)
        .take(20)
        .map(str::to_ascii_lowercase)
        .any(|l| {
            NON_PRODUCTION_HEADERS.iter().any(|p| {
                l.find(p).is_some_and(|at| {
                    let rest = &l[at + p.len()..];
                    !["without", "unless", "until", "before"]
                        .iter()
                        .any(|w| rest.contains(w))
                })
            })
        })
}

/// Whether the file opens with a comment calling it an example or a template to adapt
/// ("# Example Docker Compose config file for …", "# This is an example. Please change
/// the configuration variables"): the reader downloads it and edits it before it runs,
/// so the defaults it ships are the reader's to replace, though an unedited copy
/// still runs with them.
pub fn header_declares_example(text: &str) -> bool {
    opening_comments(text).take(5).any(|l| {
        l.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| matches!(w, "example" | "template"))
    })
}

/// A file named as an example (`example_api.py`, `configuration_example.py`,
/// `post-consumption-example.sh`): a sample client or a template the reader copies and
/// adapts, whose values are the reader's to replace (round 9: an example API client's
/// token for the reader's own server). Its role stays what its directory says (the code
/// in it is still worth a timeout); the secret rules rank its literals as samples.
pub fn is_example_file(file: &str) -> bool {
    let file = file.rsplit('/').next().unwrap_or(file).to_ascii_lowercase();
    let stem = file.split('.').next().unwrap_or(&file);
    stem.starts_with("example_")
        || stem.starts_with("example-")
        || stem.ends_with("_example")
        || stem.ends_with("-example")
}

/// Example directories: `examples/`, `demo/`, and names built on them (`demo-setups/`,
/// `example_app/`, `samples-advanced/`, and a plural at the end: `push-examples/`,
/// `code_samples/`; a singular at the end, `go-demo/`, may be the application). A
/// leading dot hides the directory from listings, not from the reader: `.examples/`
/// holds examples too.
fn is_example_dir(dir: &str) -> bool {
    let dir = dir.strip_prefix('.').unwrap_or(dir);
    const WORDS: &[&str] = &[
        "example",
        "examples",
        "sample",
        "samples",
        "demo",
        "demos",
        "tutorial",
        "tutorials",
        "quickstart",
        "quickstarts",
    ];
    matches!(dir, "docs_src" | "snippets")
        || WORDS.contains(&dir)
        || dir
            .split(['-', '_'])
            .next()
            .is_some_and(|first| first != dir && WORDS.contains(&first))
        || dir.rsplit(['-', '_']).next().is_some_and(|last| {
            last != dir && matches!(last, "examples" | "samples" | "demos" | "tutorials")
        })
}

/// A deployment file kept in a documentation tree (`docs/installation-aws-ecs/
/// docker-ecs.yml`, `doc/examples/simple.yml`, `docs/Dockerfile`): material a guide
/// walks the reader through, adapted before use, not what the project deploys. Code
/// under a `docs/` directory is left alone (it can be an application's `docs` package).
fn is_docs_deployment_sample(dirs: &[&str], file: &str) -> bool {
    dirs.iter()
        .any(|d| matches!(*d, "docs" | "doc" | "documentation"))
        && (file.ends_with(".yml")
            || file.ends_with(".yaml")
            || file.starts_with("Dockerfile")
            || file.ends_with(".Dockerfile"))
}

/// Helm chart-testing values: `charts/<chart>/ci/*.yaml` are installed only by `ct` in CI.
fn is_chart_test_values(dirs: &[&str]) -> bool {
    dirs.len() >= 3 && dirs[dirs.len() - 1] == "ci" && dirs[dirs.len() - 3] == "charts"
}

/// A directory named for a kind of tests: `dev_tests/`, `integration-tests/`,
/// `smoke_tests/` (a known qualifier, then `tests`). `check-skip-tests/` (a GitHub
/// action deciding whether tests run) is not one.
fn is_tests_dir_name(dir: &str) -> bool {
    let Some((qualifier, word)) = dir.split_once(['_', '-']) else {
        return false;
    };
    // The other order: `tests_e2e/` (a Playwright suite), `test-environments/` and
    // `test-infrastructure/` (the stacks a test run brings up), `test-configuration/`.
    if matches!(qualifier, "test" | "tests")
        && matches!(
            word,
            "e2e"
                | "integration"
                | "unit"
                | "functional"
                | "env"
                | "envs"
                | "environment"
                | "environments"
                | "infra"
                | "infrastructure"
                | "config"
                | "configuration"
        )
    {
        return true;
    }
    word == "tests"
        && matches!(
            qualifier,
            "dev"
                | "integration"
                | "e2e"
                | "smoke"
                | "unit"
                | "functional"
                | "acceptance"
                | "system"
                | "regression"
                | "api"
                | "load"
                | "perf"
                | "performance"
                | "ui"
                | "component"
                | "manual"
        )
}

/// JavaScript/TypeScript test modules by the test runners' naming convention:
/// `fetch.test.ts`, `Button.spec.tsx`, `api.test.mjs`.
fn is_js_test_module(file: &str) -> bool {
    const EXTS: &[&str] = &["js", "jsx", "ts", "tsx", "mjs", "cjs", "mts", "cts"];
    let mut parts = file.rsplit('.');
    let ext = parts.next().unwrap_or("");
    let kind = parts.next().unwrap_or("");
    parts.next().is_some() && matches!(kind, "test" | "spec") && EXTS.contains(&ext)
}

/// A Storybook story (`Dialog.stories.tsx`, `button.stories.mdx`): a component rendered
/// with sample props in the component catalogue, not shipped with the application.
fn is_storybook_story(file: &str) -> bool {
    let mut parts = file.rsplit('.');
    parts.next().is_some() && parts.next() == Some("stories") && parts.next().is_some()
}

/// Django's test-module conventions: `tests.py`, `tests_views.py`, `test.py`.
fn is_django_test_module(file: &str) -> bool {
    file == "tests.py" || file == "test.py" || file.starts_with("tests_") && file.ends_with(".py")
}

/// End-to-end test scripts named for it: `verify_login_e2e.py`, `e2e_checkout.ts`.
fn is_e2e_script(file: &str) -> bool {
    let stem = file.split('.').next().unwrap_or(file);
    stem.split(['_', '-']).any(|t| t == "e2e") && stem != "e2e"
}

/// Name tokens that mark a file as belonging to a test or CI run, or to a developer machine.
const TEST_TOKENS: &[&str] = &["test", "tests", "testing", "ci", "e2e"];
const DEV_TOKENS: &[&str] = &[
    "dev",
    "devel",
    "develop",
    "developer",
    "development",
    "local",
    "debug",
    "override",
];

fn name_tokens(file: &str) -> impl Iterator<Item = &str> {
    file.split(['.', '-', '_']).filter(|t| !t.is_empty())
}

/// Settings and environment files of a test run: `.env.test`, `test.env`,
/// `settings/test.py`, `settings_ci.py`.
fn is_test_settings(dirs: &[&str], file: &str) -> bool {
    (is_dotenv(file) || is_settings_module(dirs, file))
        && name_tokens(file).any(|t| TEST_TOKENS.contains(&t))
}

/// `.env`, `.env.local`, `development.env`, `env.dev` (not `.env.example`: a template).
fn is_dotenv(file: &str) -> bool {
    file == ".env"
        || file.starts_with(".env.")
        || file.ends_with(".env")
        || file.starts_with("env.")
}

/// A Python settings module: `settings/dev.py`, `settings_local.py`, `local_settings.py`.
fn is_settings_module(dirs: &[&str], file: &str) -> bool {
    file.ends_with(".py")
        && (dirs
            .last()
            .is_some_and(|d| *d == "settings" || *d == "config")
            || file.contains("settings")
            // NetBox-style `configuration.py`, `configuration_testing.py`.
            || file.starts_with("configuration"))
}

/// A compose file by name: `docker-compose.yml`, `compose.ci.yaml`, `docker-compose-dev.yml`.
fn is_compose_name(file: &str) -> bool {
    (file.starts_with("docker-compose") || file.starts_with("compose"))
        && (file.ends_with(".yml") || file.ends_with(".yaml"))
}

/// Directories that hold development environments or maintainer tooling, never
/// deployed: dev containers, Gitpod, a `.ci/` directory, the `hack/` (Kubernetes
/// convention) and `hacking/` (Ansible) script folders, a top-level-style `dev/`
/// folder, coding-agent and editor configuration ([`TOOL_CONFIG_DIRS`]), and developer
/// workstation images (`workstation/`, Cloud Workstations).
fn is_development_dir(dir: &str) -> bool {
    matches!(
        dir,
        ".devcontainer"
            | ".gitpod"
            | ".ci"
            | "hack"
            | "hacking"
            | "dev"
            | "workstation"
            | "workstations"
    ) || TOOL_CONFIG_DIRS.contains(&dir)
        // `devcontainer-example/`, `devcontainers/`: a dev container under another name.
        || dir
            .split(['-', '_', '.'])
            .any(|t| matches!(t, "devcontainer" | "devcontainers"))
}

/// Directories of coding-agent and editor configuration (`.claude/helpers/*.sh`,
/// `.vscode/tasks.json`): tooling for the people working on the repository, never
/// built, deployed or run in production, whatever the files in them look like.
pub const TOOL_CONFIG_DIRS: &[&str] = &[
    ".claude",
    ".cursor",
    ".windsurf",
    ".continue",
    ".codex",
    ".gemini",
    ".roo",
    ".kiro",
    ".aider",
    ".vscode",
    ".idea",
    ".zed",
    ".fleet",
];

/// Whether a file only runs in CI: under `.github/`, `.gitlab/`, `.circleci/`,
/// `.buildkite/`, or `.gitlab-ci.yml` itself. Such files are not
/// [`FileRole::Development`] (a workflow holds real secrets and publishes releases, so
/// the `actions/*` rules judge it in full), but a weakness in the shell it runs on a
/// throwaway runner is one step less severe than the same line in a shipped script.
pub fn is_ci_only(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut segments: Vec<&str> = lower.split('/').collect();
    let file = segments.pop().unwrap_or("");
    file == ".gitlab-ci.yml"
        || segments
            .iter()
            .any(|d| matches!(*d, ".github" | ".gitlab" | ".circleci" | ".buildkite"))
}

/// Development and CI-only environments, by path: dev containers, Gitpod, a
/// `Vagrantfile` (a local VM), a `.ci/` directory, compose files and `*.dev.yml` named for development, CI or tests, dotenv
/// files and settings modules named for development.
fn is_development(dirs: &[&str], file: &str) -> bool {
    if dirs.iter().any(|d| is_development_dir(d))
        || file.starts_with(".gitpod")
        || file == "devcontainer.json"
        || file == "vagrantfile"
    {
        return true;
    }
    let yaml = file.ends_with(".yml") || file.ends_with(".yaml");
    let tokens: Vec<&str> = name_tokens(file).collect();
    let dev = tokens.iter().any(|t| DEV_TOKENS.contains(t));
    let test = tokens.iter().any(|t| TEST_TOKENS.contains(t));
    // `docker-compose.build.yml` builds the services from the checkout (for CI and
    // contributors); a deployment runs the released images.
    let build = tokens.contains(&"build");
    (is_compose_name(file) && (dev || test || build))
        || (yaml && tokens.len() >= 3 && tokens[tokens.len() - 2] == "dev")
        || ((is_dotenv(file) || is_settings_module(dirs, file)) && dev)
}

const DEV_PATH_TOKENS: &[&str] = &[
    "dev",
    "devel",
    "develop",
    "developer",
    "development",
    "local",
    "test",
    "tests",
    "testing",
    "ci",
    "e2e",
    "debug",
    "override",
    "devcontainer",
    "sandbox",
    "example",
    "examples",
    "sample",
    "demo",
    "kind",
    "minikube",
    "k3d",
];

/// A compose file meant for a developer machine, CI or a demo, by name or directory
/// (`docker-compose.dev.yml`, `compose.override.yml`, `docker-compose.example.yml`,
/// `.devcontainer/…`, `local/…`).
/// Files under `.github/` other than workflows are CI resources (manifests a test job
/// applies to a kind cluster, a compose file for an integration test).
pub fn is_dev_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.starts_with(".github/")
        || lower
            .split(['/', '.', '-', '_'])
            .any(|tok| DEV_PATH_TOKENS.contains(&tok))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles() {
        assert_eq!(role_of("src/app/main.py"), FileRole::Production);
        assert_eq!(role_of("tests/test_api.py"), FileRole::Test);
        assert_eq!(role_of("app/test_utils.py"), FileRole::Test);
        assert_eq!(role_of("examples/quickstart.sh"), FileRole::Example);
        assert_eq!(
            role_of(".examples/dockerfiles/cron/apache/Dockerfile"),
            FileRole::Example
        );
        assert_eq!(
            role_of("contrib/cookiecutter/ext/{{cookiecutter.project}}/.github/workflows/test.yml"),
            FileRole::Example
        );
        assert_eq!(role_of("vendor/lib/tests/test_x.py"), FileRole::Vendored);
        assert_eq!(
            role_of("tests/fixtures/k8s/third-party/mysql/deployment.yaml"),
            FileRole::Test
        );
        assert_eq!(
            role_of("extra/push-examples/typescript-fetch/package.json"),
            FileRole::Example
        );
        assert_eq!(role_of("go-demo/main.go"), FileRole::Production);
        assert!(is_example_file("utils/example_api.py"));
        assert!(is_example_file("netbox/configuration_example.py"));
        assert!(is_example_file("scripts/post-consumption-example.sh"));
        assert!(!is_example_file("app/examples_view.py"));
        assert_eq!(role_of("providers/v1/chef/fake/fake.go"), FileRole::Test);
        assert_eq!(
            role_of("runtime/template/v2/_testdata/foo.key"),
            FileRole::Test
        );
        assert_eq!(
            role_of("generators/v1/github/github_test.pem"),
            FileRole::Test
        );
        assert_eq!(role_of("app/contest.py"), FileRole::Production);
        assert_eq!(
            role_of("docs/installation-aws-ecs/docker-ecs-amundsen.yml"),
            FileRole::Example
        );
        assert_eq!(role_of("doc/examples/simple.yml"), FileRole::Example);
        assert_eq!(
            role_of("docs/management/commands/update_docs.py"),
            FileRole::Production
        );
        assert_eq!(role_of("third_party/lib/x.py"), FileRole::Vendored);
        assert_eq!(role_of("api/v1_pb2.py"), FileRole::Generated);
        assert_eq!(role_of("binderhub/_version.py"), FileRole::Generated);
        assert_eq!(role_of("versioneer.py"), FileRole::Vendored);
        assert_eq!(role_of("latest/contest.py"), FileRole::Production);
        // Django and pytest naming conventions.
        assert_eq!(role_of("blog/tests.py"), FileRole::Test);
        assert_eq!(role_of("accounts/tests_views.py"), FileRole::Test);
        assert_eq!(role_of("accounts/forms_tests.py"), FileRole::Test);
        assert_eq!(role_of("src/conftest.py"), FileRole::Test);
        assert_eq!(
            role_of("packages/shared/src/server/outbound-url/fetch.test.ts"),
            FileRole::Test
        );
        assert_eq!(role_of("web/src/Button.spec.tsx"), FileRole::Test);
        assert_eq!(role_of("web/src/test.tsx"), FileRole::Production);
        assert_eq!(
            role_of("packages/shared/src/server/test-utils/tracing-factory.ts"),
            FileRole::Test
        );
        assert_eq!(
            role_of("internal/testresources/client-cert-key.pem"),
            FileRole::Test
        );
        assert_eq!(
            role_of("web/src/features/ApiKeyCreateDialogContent.stories.tsx"),
            FileRole::Example
        );
        assert_eq!(role_of("web/src/stories.tsx"), FileRole::Production);
        assert_eq!(role_of("docker-compose.build.yml"), FileRole::Development);
        assert_eq!(role_of("docker-compose.yml"), FileRole::Production);
        assert_eq!(
            role_of(".semgrep/correctness/no-use-requests-lib.py"),
            FileRole::Test
        );
        assert_eq!(
            role_of("netbox/netbox/configuration_testing.py"),
            FileRole::Test
        );
        assert_eq!(
            role_of("netbox/netbox/configuration.py"),
            FileRole::Production
        );
        assert_eq!(role_of("app/fixtures/page.html"), FileRole::Test);
        assert_eq!(
            role_of("internal/entity/auth_session_fixtures.go"),
            FileRole::Test
        );
        assert_eq!(role_of("app/fixtures.py"), FileRole::Test);
        assert_eq!(role_of("app/fixtureless.py"), FileRole::Production);
        assert_eq!(role_of("Vagrantfile"), FileRole::Development);
        assert_eq!(role_of("deploy/Vagrantfile"), FileRole::Development);
        assert_eq!(role_of("_unit-test/bootstrap-test.sh"), FileRole::Test);
        assert_eq!(role_of("app/latests.py"), FileRole::Production);
        assert_eq!(role_of("app/contests_admin.py"), FileRole::Production);
    }

    #[test]
    fn opening_comments_that_keep_a_file_off_production() {
        assert!(header_declares_non_production(
            "## FOR TEST AND DEVELOPMENT ONLY, DO NOT USE IN PRODUCTION   ##\n\nservices:\n"
        ));
        assert!(header_declares_non_production(
            "# DO NOT USE THIS!\n# This is only intended for testing PostgreSQL functionality.\nservices:\n"
        ));
        // A template to adapt, a note below the first line of YAML, or no note at all.
        assert!(!header_declares_non_production(
            "# Do not use in production without changing the passwords below.\nservices:\n"
        ));
        assert!(!header_declares_non_production(
            "services:\n  app:\n    # development only\n    image: x\n"
        ));
        assert!(!header_declares_non_production(
            "# Production stack\nservices:\n"
        ));
        assert!(header_declares_example(
            "# Example Docker Compose config file for PhotoPrism (Linux / AMD64)\nservices:\n"
        ));
        assert!(!header_declares_example("services:\n  # example value\n"));
        assert!(header_declares_example(
            "version: '3.5'\n\n# Example Podman Compose config file\nservices:\n"
        ));
    }

    #[test]
    fn django_and_e2e_test_conventions() {
        assert_eq!(role_of("aggregator/tests.py"), FileRole::Test);
        assert_eq!(role_of("blog/tests_views.py"), FileRole::Test);
        assert_eq!(role_of("verify_secret_key_e2e.py"), FileRole::Test);
        assert_eq!(role_of(".env.test"), FileRole::Test);
        assert_eq!(role_of("app/settings/test.py"), FileRole::Test);
        assert_eq!(role_of("app/settings_ci.py"), FileRole::Test);
        assert_eq!(
            role_of("charts/blackbox/ci/hostAliases.yml"),
            FileRole::Test
        );
        assert_eq!(role_of("ci/build.sh"), FileRole::Production);
        assert_eq!(role_of("e2e.py"), FileRole::Production);
        assert_eq!(role_of("cypress/docker-compose.yml"), FileRole::Test);
        assert_eq!(role_of("web/playwright/global-setup.ts"), FileRole::Test);
        assert_eq!(
            role_of("helper-scripts/dev_tests/view_autodiscover.sh"),
            FileRole::Test
        );
        assert_eq!(role_of("ci/integration-tests/run.sh"), FileRole::Test);
        assert_eq!(
            role_of("helper-scripts/latest-tools/run.sh"),
            FileRole::Production
        );
        assert_eq!(
            role_of(".github/actions/check-skip-tests/action.yml"),
            FileRole::Production
        );
        assert_eq!(role_of("app/testimonials.py"), FileRole::Production);
        assert_eq!(
            role_of("internal/suites/common/pki/private.pem"),
            FileRole::Test
        );
        assert_eq!(
            role_of("internal/suites/example/compose/samba/compose.yml"),
            FileRole::Test
        );
        assert_eq!(role_of("test-suites/ldap/Dockerfile"), FileRole::Test);
        assert_eq!(role_of("office/suite/editor.py"), FileRole::Production);
        assert_eq!(role_of("bookmarks/tests_e2e/helpers.py"), FileRole::Test);
        assert_eq!(
            role_of("scripts/test-environments/oidc/idp/configuration.yml"),
            FileRole::Test
        );
        assert_eq!(
            role_of("test-infrastructure/docker-compose.yml"),
            FileRole::Test
        );
        assert_eq!(
            role_of("web/src/features/models/components/test-match/Panel.tsx"),
            FileRole::Production
        );
        assert_eq!(
            role_of(".examples/dockerfiles/cron/apache/Dockerfile"),
            FileRole::Example
        );
        assert_eq!(role_of(".github/dependabot.yml"), FileRole::Production);
    }

    /// GitHub runs every root workflow and the local actions it uses with the
    /// repository's token, whatever their names say.
    #[test]
    fn root_workflows_and_local_actions_run_in_production() {
        for path in [
            ".github/workflows/e2e-tests.yml",
            ".github/workflows/test.yml",
            ".github/workflows/ci-dev.yml",
            ".github/workflows/examples.yml",
            ".github/actions/e2e-setup/action.yml",
            ".github/actions/tests/setup/action.yml",
        ] {
            assert_eq!(role_of(path), FileRole::Production, "{path}");
        }
        // Only the root directory's workflows run, and none in a subdirectory of it.
        assert_eq!(
            role_of(".github/workflows/archived/build.yml"),
            FileRole::Archived
        );
        assert_eq!(
            role_of("tests/fixtures/.github/workflows/ci.yml"),
            FileRole::Test
        );
    }

    #[test]
    fn development_environments() {
        assert_eq!(role_of(".vscode/tasks.json"), FileRole::Development);
        assert_eq!(
            role_of("packages/web/.idea/runConfigurations/dev.xml"),
            FileRole::Development
        );
        assert_eq!(role_of(".claude/helpers/hook.sh"), FileRole::Development);
        for p in [
            ".devcontainer/docker-compose.yml",
            ".devcontainer/post-create.sh",
            "devcontainer-example/docker-compose.yml",
            ".gitpod.yml",
            ".gitpod.Dockerfile",
            "docker-compose.dev.yml",
            "docker-compose-developer.yml",
            "compose.override.yml",
            "packages/engine/docker-compose.local.yml",
            ".ci/compose.cypress.yaml",
            "docker-compose.ci.yml",
            "compose.test.yaml",
            "deploy/app.dev.yml",
            "config/environments/development.env",
            ".env.local",
            "engine/settings/dev.py",
            "myapp/local_settings.py",
            "charts/kube-prometheus-stack/hack/sync_prometheus_rules.py",
            "hacking/backport/backport_of_line_adder.py",
            "dev/code-generation/utils/open_api_parser.py",
            "scripts/dev/stop_dev.sh",
            ".claude/helpers/github-setup.sh",
            "workstation/preinstall/Dockerfile",
        ] {
            assert_eq!(role_of(p), FileRole::Development, "{p}");
        }
        for p in [
            "docker-compose.yml",
            "compose.prod.yaml",
            "deploy/app.yml",
            "settings/production.py",
            ".env",
            "ci/build.sh",
            "src/devices.py",
            "docs/developer-guide.md",
            "hacks/app.py",
            "src/devtools/cli.py",
        ] {
            assert_ne!(role_of(p), FileRole::Development, "{p}");
        }
    }

    #[test]
    fn archives_and_example_directories() {
        assert_eq!(
            role_of("archived/docker/docker-compose.prod.yml"),
            FileRole::Archived
        );
        assert_eq!(role_of("docs/archive/legacy/NOTES.md"), FileRole::Archived);
        assert_eq!(role_of("demo-setups/relay-compose.yaml"), FileRole::Example);
        assert_eq!(role_of("example_app/settings.py"), FileRole::Example);
        assert_eq!(role_of("examplesite/settings.py"), FileRole::Production);
    }

    #[test]
    fn ci_only_files() {
        assert!(is_ci_only(".github/workflows/e2e-tests.yml"));
        assert!(is_ci_only(".github/scripts/pre-deploy-backup.sh"));
        assert!(is_ci_only(".gitlab-ci.yml"));
        assert!(!is_ci_only("scripts/backup.sh"));
        assert!(!is_ci_only("ci/build.sh"));
        assert_eq!(
            role_of(".github/workflows/release.yml"),
            FileRole::Production
        );
    }
}
