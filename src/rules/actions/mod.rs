//! `actions/` rules: GitHub Actions workflows and local composite actions.

use super::Rule;

/// Implements [`Rule`] for an `actions/` rule that judges workflows and composite
/// actions alike, one YAML document at a time, with the module's `check(root, out)`
/// and `META`.
macro_rules! workflow_and_action_rule {
    ($rule:ident) => {
        impl crate::rules::Rule for $rule {
            fn meta(&self) -> &'static crate::rules::RuleMeta {
                &META
            }

            fn check_workflow(
                &self,
                yaml: &crate::parse::yaml::YamlFile,
                _cx: &crate::rules::FileCx<'_>,
                out: &mut crate::rules::Sink<'_>,
            ) {
                for root in crate::workflows::wf::roots(yaml) {
                    check(root, out);
                }
            }

            fn check_action(
                &self,
                yaml: &crate::parse::yaml::YamlFile,
                _cx: &crate::rules::FileCx<'_>,
                out: &mut crate::rules::Sink<'_>,
            ) {
                for root in crate::workflows::wf::roots(yaml) {
                    check(root, out);
                }
            }
        }
    };
}

pub mod adhoc_packages;
pub mod archived_uses;
pub mod bot_conditions;
pub mod buildkit_local_cache;
pub mod cache_poisoning;
pub mod dangerous_trigger;
pub mod excessive_permissions;
pub mod github_env;
pub mod insecure_commands;
pub mod invalid_workflow;
pub mod missing_permissions;
pub mod obfuscation;
pub mod overprovisioned_secrets;
pub mod persist_credentials;
pub mod pin_comment_mismatch;
pub mod sarif_without_permission;
pub mod script_context;
pub mod secret_echo;
pub mod secrets_inherit;
pub mod self_hosted_runner;
pub mod template_injection;
pub mod typosquat_uses;
pub mod unpinned_images;
pub mod unpinned_uses;
pub mod unredacted_secrets;
pub mod unsafe_checkout;
pub mod unsound_condition;
pub mod unsound_contains;
pub mod use_trusted_publishing;
pub mod workflow_never_runs;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(invalid_workflow::InvalidWorkflow),
        Box::new(unpinned_uses::UnpinnedUses),
        Box::new(pin_comment_mismatch::PinCommentMismatch),
        Box::new(missing_permissions::MissingPermissions),
        Box::new(excessive_permissions::ExcessivePermissions),
        Box::new(template_injection::TemplateInjection),
        Box::new(dangerous_trigger::DangerousTrigger),
        Box::new(sarif_without_permission::SarifWithoutPermission),
        Box::new(buildkit_local_cache::BuildkitLocalCache),
        Box::new(secret_echo::SecretEcho),
        Box::new(persist_credentials::PersistCredentials),
        Box::new(secrets_inherit::SecretsInherit),
        Box::new(github_env::GithubEnv),
        Box::new(insecure_commands::InsecureCommands),
        Box::new(bot_conditions::BotConditions),
        Box::new(overprovisioned_secrets::OverprovisionedSecrets),
        Box::new(unredacted_secrets::UnredactedSecrets),
        Box::new(unpinned_images::UnpinnedImages),
        Box::new(unsound_contains::UnsoundContains),
        Box::new(unsound_condition::UnsoundCondition),
        Box::new(obfuscation::Obfuscation),
        Box::new(archived_uses::ArchivedUses),
        Box::new(typosquat_uses::TyposquatUses),
        Box::new(self_hosted_runner::SelfHostedRunner),
        Box::new(use_trusted_publishing::UseTrustedPublishing),
        Box::new(adhoc_packages::AdhocPackages),
        Box::new(cache_poisoning::CachePoisoning),
        Box::new(unsafe_checkout::UnsafeCheckout),
        Box::new(workflow_never_runs::WorkflowNeverRuns::default()),
    ]
}

/// Drops the Actions findings of `action.yml` files that are test data: under a test
/// or fixture directory (`tests/`, `fixtures/`, `testdata/`…) and used by no workflow
/// or action of the repository (`uses: ./path`). GitHub runs an action only where a
/// workflow names it; a security tool's own test suite keeps deliberately broken
/// actions there (zizmor's `tests/integration/test-data/*/action.yml`).
pub fn drop_unused_test_actions(
    model: &crate::workflows::model::WorkflowModel,
    findings: &mut Vec<crate::finding::Finding>,
) {
    let is_test_action = |path: &str| {
        let name = path.rsplit('/').next().unwrap_or(path);
        (name == "action.yml" || name == "action.yaml")
            && crate::roles::role_of(path) == crate::roles::FileRole::Test
    };
    let mut verdicts: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
    findings.retain(|f| {
        if !f.rule.starts_with("actions/") || !is_test_action(&f.path) {
            return true;
        }
        *verdicts
            .entry(f.path.to_string())
            .or_insert_with(|| model.is_used_locally(&f.path))
    });
}
