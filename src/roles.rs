//! What a file is *for*: production code, a test, an example, vendored code.
//! Precision depends on it: an IP address in a test or a `print` in a CLI is fine.

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
}

/// Classifies a repository-relative path (forward slashes).
pub fn role_of(path: &str) -> FileRole {
    let lower = path.to_ascii_lowercase();
    let segments: Vec<&str> = lower.split('/').collect();
    let file = segments.last().copied().unwrap_or("");
    let dirs = &segments[..segments.len().saturating_sub(1)];
    if dirs.iter().any(|d| {
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
    }) {
        return FileRole::Vendored;
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
        )
    }) || file.starts_with("test_")
        || file.ends_with("_test.py")
        || file.ends_with("_tests.py")
        || file == "conftest.py"
        || file.ends_with(".test.js")
        || file.ends_with(".spec.js")
        || file.ends_with(".test.ts")
        || file.ends_with(".spec.ts")
        || file.ends_with("_test.go")
        || file.ends_with(".bats")
    {
        return FileRole::Test;
    }
    if dirs.iter().any(|d| {
        matches!(
            *d,
            "example"
                | "examples"
                | "sample"
                | "samples"
                | "demo"
                | "demos"
                | "tutorial"
                | "tutorials"
                | "docs_src"
                | "snippets"
        )
    }) {
        return FileRole::Example;
    }
    if file.ends_with("_pb2.py")
        || file.ends_with("_pb2_grpc.py")
        || file.contains(".generated.")
        || file.contains(".gen.")
        || dirs.contains(&"migrations") && file.ends_with(".py")
    {
        return FileRole::Generated;
    }
    FileRole::Production
}

const DEV_TOKENS: &[&str] = &[
    "dev",
    "devel",
    "develop",
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
];

/// A compose file meant for a developer machine, CI or a demo, by name or directory
/// (`docker-compose.dev.yml`, `compose.override.yml`, `docker-compose.example.yml`,
/// `.devcontainer/…`, `local/…`).
pub fn is_dev_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower
        .split(['/', '.', '-', '_'])
        .any(|tok| DEV_TOKENS.contains(&tok))
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
        assert_eq!(role_of("third_party/lib/x.py"), FileRole::Vendored);
        assert_eq!(role_of("api/v1_pb2.py"), FileRole::Generated);
        assert_eq!(role_of("latest/contest.py"), FileRole::Production);
    }
}
