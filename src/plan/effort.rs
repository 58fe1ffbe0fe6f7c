//! The effort model: how many hours a task takes.
//!
//! A task's estimate is `base + per_file × (files − 1) + per_hit × (findings − files)`,
//! clamped to `[base, cap]` and rounded up to the next half hour. `base` is what
//! the first occurrence costs (read the code, fix, test); each further file adds
//! `per_file` (the same change again, plus its test), each further finding in an
//! already-touched file adds `per_hit`. `cap` reflects that after a dozen copies
//! the change becomes mechanical. Sizes: XS ≤ 1 h, S ≤ 2 h, M ≤ 4 h, L > 4 h.
//!
//! Parameters come from [`RULE_EFFORT`] (by rule id), then [`FAMILY_EFFORT`]
//! (by family), then [`DEFAULT_EFFORT`]. docs/plan.md documents the table.

use super::model::Effort;

/// Parameters of the effort formula for one rule or family.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EffortModel {
    /// Hours for the first occurrence.
    pub base: f64,
    /// Hours per additional file.
    pub per_file: f64,
    /// Hours per additional finding in an already counted file.
    pub per_hit: f64,
    /// Upper bound in hours.
    pub cap: f64,
}

const fn m(base: f64, per_file: f64, per_hit: f64, cap: f64) -> EffortModel {
    EffortModel {
        base,
        per_file,
        per_hit,
        cap,
    }
}

/// Per-rule parameters, for rules whose fix costs differ from their family's.
pub const RULE_EFFORT: &[(&str, EffortModel)] = &[
    // Each deletion needs reading what the variable can be; a guard and a test.
    ("shell/unsafe-rm", m(1.0, 0.5, 0.25, 4.0)),
    // `set -u` breaks scripts that read unset variables: every script needs a run.
    ("shell/missing-strict-mode", m(0.5, 0.5, 0.0, 6.0)),
    ("shell/ssh-host-key-disabled", m(1.0, 0.5, 0.25, 4.0)),
    ("shell/lock-race", m(2.0, 1.0, 0.5, 6.0)),
    // Centralising credentials means a config module and touching every reader.
    ("config/duplicated-credential", m(3.0, 0.5, 0.1, 10.0)),
    ("config/hardcoded-ip", m(1.5, 0.25, 0.1, 6.0)),
    (
        "config/scattered-connection-settings",
        m(3.0, 0.5, 0.1, 12.0),
    ),
    ("config/duplicated-mapping", m(2.0, 0.5, 0.1, 6.0)),
    ("secrets/hardcoded-credential", m(1.0, 0.5, 0.25, 8.0)),
    ("python/print-in-library", m(1.0, 0.25, 0.05, 6.0)),
    ("python/bare-except", m(0.5, 0.25, 0.25, 4.0)),
    ("python/swallowed-exception", m(1.0, 0.5, 0.25, 6.0)),
    ("python/insecure-import-fallback", m(2.0, 1.0, 0.5, 6.0)),
    ("python/requests-no-timeout", m(1.0, 0.25, 0.1, 4.0)),
    ("python/unclosed-resource", m(1.0, 0.5, 0.25, 6.0)),
    ("docker/runs-as-root", m(1.0, 0.5, 0.0, 4.0)),
    ("compose/missing-resource-limits", m(1.0, 0.5, 0.1, 4.0)),
    ("k8s/missing-resource-limits", m(1.0, 0.5, 0.1, 4.0)),
    ("actions/unpinned-uses", m(0.5, 0.25, 0.05, 3.0)),
    ("repo/dependabot-coverage", m(1.0, 0.0, 0.25, 2.0)),
    ("repo/no-dependency-updates", m(1.0, 0.0, 0.0, 1.0)),
    ("deps/conflicting-pins", m(2.0, 0.5, 0.25, 8.0)),
    // A connection module (settings, pool, close on exit) and its tests, then each
    // module moved to it: one import and its connect call replaced.
    ("design/connection-pool", m(3.0, 0.5, 0.0, 12.0)),
    // The logging convention (a setup at start-up, a module logger), then each
    // module's prints turned into log calls at a chosen level: a few minutes a call.
    ("design/adopt-logging", m(1.5, 0.25, 0.02, 8.0)),
    // A sibling's route is the model: copied, then made to check what the service
    // needs (its database, its queue), and a test.
    ("design/health-route", m(1.0, 0.5, 0.0, 6.0)),
    // A settings module (or config section) for the values, then each module imports it.
    ("design/duplicated-parameters", m(2.0, 0.5, 0.0, 6.0)),
    // Which values are meant has to be asked (who tuned them, what production runs),
    // then each place reads the one source.
    ("design/parameter-drift", m(2.0, 0.5, 0.0, 6.0)),
    // A scan step in the workflow that builds and pushes, its gate chosen and the first
    // results triaged; the same step copied into each further publishing workflow.
    ("design/image-scan", m(1.5, 0.5, 0.0, 4.0)),
    // One input or step per publishing workflow, the document attached to the release.
    ("design/sbom", m(1.0, 0.25, 0.0, 3.0)),
    // CodeQL's default setup (or one workflow) and the first alerts triaged.
    ("design/code-scanning", m(1.5, 0.0, 0.0, 1.5)),
];

/// A kind of finding whose fix is one literal edit, the same at every place: no
/// decision per place (which exceptions to catch, how much memory a workload needs),
/// so the work is the first place's reading and testing plus a few minutes per copy.
/// Matched by rule and a fragment of the finding's message, so a rule whose findings
/// mix a design question (a `privileged: true` container: does it need it?) with a
/// one-line setting (`allowPrivilegeEscalation: false`) plans them apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RepeatedEdit {
    /// The rule whose findings this kind is part of.
    pub rule: &'static str,
    /// A fragment every message of this kind contains.
    pub marker: &'static str,
    /// Id suffix of the task (`T-k8s-privileged-no-escalation`); empty when every
    /// finding of the rule is this kind (the rule's id says it already).
    pub slug: &'static str,
    /// What a person does, as the task's title.
    pub action: &'static str,
    /// Why it matters, in place of the rule's summary (which covers every kind).
    pub why: &'static str,
    /// The edit, as the estimate names it.
    pub edit: &'static str,
    /// What else the estimate assumes (a shared base that takes the edit once).
    pub note: &'static str,
}

/// Hours per further copy of a [`RepeatedEdit`]: open the file, add the line, look at the diff.
pub const REPEATED_PER_PLACE: f64 = 0.1;

/// Upper bound of a [`RepeatedEdit`] task: past a few dozen copies a script does it.
pub const REPEATED_CAP: f64 = 3.0;

/// The kinds of finding fixed by the same literal edit everywhere.
pub const REPEATED_EDITS: &[RepeatedEdit] = &[
    RepeatedEdit {
        rule: "k8s/privileged",
        marker: "does not set `allowPrivilegeEscalation: false`",
        slug: "no-escalation",
        action: "Set `allowPrivilegeEscalation: false` in each container's `securityContext`",
        why: "without it a process in the container can gain more privileges than it started with (setuid binaries, file capabilities)",
        edit: "`allowPrivilegeEscalation: false`",
        note: "where the manifests share a kustomize base or a chart, one patch or value covers them",
    },
    RepeatedEdit {
        rule: "docker/pip-no-cache-dir",
        marker: "without `--no-cache-dir`",
        slug: "",
        action: "Add `--no-cache-dir` to each `pip install`",
        why: "pip's download cache stays in the image layer: a larger image to pull and scan",
        edit: "`--no-cache-dir`",
        note: "",
    },
    RepeatedEdit {
        rule: "docker/add-instead-of-copy",
        marker: "use `COPY`",
        slug: "local",
        action: "Replace `ADD` of local files with `COPY`",
        why: "`ADD` silently unpacks archives, so what lands in the image depends on the file's format",
        edit: "`ADD` → `COPY`",
        note: "",
    },
];

/// The repeated-edit kind a finding of `rule` with `message` is, if any.
pub fn repeated_edit(rule: &str, message: &str) -> Option<&'static RepeatedEdit> {
    REPEATED_EDITS
        .iter()
        .find(|k| k.rule == rule && message.contains(k.marker))
}

/// The effort model of a repeated edit: the rule's first place, then
/// [`REPEATED_PER_PLACE`] per further copy, whatever file it is in.
pub fn repeated_model(rule: &str) -> EffortModel {
    let base = model_for(rule).base;
    m(
        base,
        REPEATED_PER_PLACE,
        REPEATED_PER_PLACE,
        REPEATED_CAP.max(base),
    )
}

/// Per-family parameters.
pub const FAMILY_EFFORT: &[(&str, EffortModel)] = &[
    ("shell", m(0.5, 0.25, 0.1, 6.0)),
    ("docker", m(1.0, 0.5, 0.25, 6.0)),
    ("compose", m(0.5, 0.25, 0.1, 4.0)),
    ("k8s", m(1.0, 0.5, 0.1, 6.0)),
    ("actions", m(0.5, 0.25, 0.1, 4.0)),
    ("python", m(1.0, 0.5, 0.25, 8.0)),
    ("secrets", m(1.0, 0.5, 0.25, 8.0)),
    ("config", m(2.0, 0.5, 0.1, 8.0)),
    ("deps", m(1.0, 0.5, 0.25, 6.0)),
    ("docs", m(1.0, 0.5, 0.5, 4.0)),
    ("repo", m(1.0, 0.0, 0.25, 2.0)),
];

/// For rules of families not listed.
pub const DEFAULT_EFFORT: EffortModel = m(1.0, 0.5, 0.25, 6.0);

/// The parameters for a rule id.
pub fn model_for(rule: &str) -> EffortModel {
    if let Some((_, e)) = RULE_EFFORT.iter().find(|(id, _)| *id == rule) {
        return *e;
    }
    let family = rule.split('/').next().unwrap_or(rule);
    FAMILY_EFFORT
        .iter()
        .find(|(f, _)| *f == family)
        .map(|(_, e)| *e)
        .unwrap_or(DEFAULT_EFFORT)
}

/// The estimate before the cap: what repeating the change everywhere would cost if it
/// never became mechanical. Used to decide whether a problem is too big for one task.
pub fn raw_hours(model: EffortModel, findings: usize, files: usize) -> f64 {
    let files = files.max(1);
    let findings = findings.max(files);
    model.base + model.per_file * (files - 1) as f64 + model.per_hit * (findings - files) as f64
}

/// Hours for `findings` occurrences across `files` files (a multiple of 0.5, at least 0.5).
pub fn estimate(model: EffortModel, findings: usize, files: usize) -> f64 {
    let raw = raw_hours(model, findings, files);
    let clamped = raw.min(model.cap.max(model.base)).max(model.base);
    // Tolerance for sums of tenths (1 + 0.1 × 15 is 2.5000000000000004, not 3 h).
    (((clamped * 2.0) - 1e-9).ceil() / 2.0).max(0.5)
}

/// Hours and size of a task.
pub fn effort_of(rule: &str, findings: usize, files: usize) -> (f64, Effort) {
    let h = estimate(model_for(rule), findings, files);
    (h, Effort::from_hours(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_occurrence_costs_the_base() {
        assert_eq!(effort_of("shell/unsafe-rm", 1, 1), (1.0, Effort::XS));
        assert_eq!(
            effort_of("config/duplicated-credential", 1, 1),
            (3.0, Effort::M)
        );
    }

    #[test]
    fn scales_with_files_and_hits_and_is_capped() {
        // 0.5 + 0.5 × 5 = 3 h for six scripts.
        assert_eq!(
            effort_of("shell/missing-strict-mode", 6, 6),
            (3.0, Effort::M)
        );
        // 1 + 0.5 + 0.25 × 2 = 2 h.
        assert_eq!(effort_of("shell/unsafe-rm", 4, 2), (2.0, Effort::S));
        // Capped.
        assert_eq!(effort_of("shell/unsafe-rm", 400, 100), (4.0, Effort::M));
        // 3 + 0.5 × 8 = 7 h: nine copies of a credential is a large task.
        assert_eq!(
            effort_of("config/duplicated-credential", 9, 9),
            (7.0, Effort::L)
        );
    }

    #[test]
    fn unknown_rules_fall_back_to_family_then_default() {
        assert_eq!(model_for("docker/something-new"), FAMILY_EFFORT[1].1);
        assert_eq!(model_for("lua/whatever"), DEFAULT_EFFORT);
    }

    #[test]
    fn estimates_are_half_hours_and_monotonic() {
        for (_, model) in RULE_EFFORT.iter().chain(FAMILY_EFFORT) {
            let mut last = 0.0;
            for files in 1..30 {
                let h = estimate(*model, files * 2, files);
                assert!(h >= last, "estimate decreased");
                assert_eq!((h * 2.0).fract(), 0.0);
                assert!(h >= 0.5);
                last = h;
            }
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(Effort::from_hours(0.5), Effort::XS);
        assert_eq!(Effort::from_hours(1.5), Effort::S);
        assert_eq!(Effort::from_hours(4.0), Effort::M);
        assert_eq!(Effort::from_hours(4.5), Effort::L);
    }
}
