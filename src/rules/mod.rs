//! The rule model and the registry.
//!
//! A rule is a unit struct in its own file (`rules/<family>/<name>.rs`) with a
//! static [`RuleMeta`] (id, summary, default severity, docs) and an `impl Rule`
//! that overrides only the hooks for the file kinds it reads. Rules never print:
//! they push [`Finding`]s into a [`Sink`]; the engine applies config,
//! suppressions and positions, and renderers do the rest.
//!
//! Cross-file rules keep their own state behind a `Mutex` during the per-file
//! pass and report from [`Rule::finish`]; the registry builds fresh instances
//! for every scan, so no state leaks between scans.

use std::ops::Range;
use std::path::Path;

use crate::classify::{FileKind, InventoryEntry};
use crate::config::Config;
use crate::finding::{
    Edit, FilePath, Finding, Related, RelatedList, Severity, SharedStr, REPOSITORY_PATH,
};
use crate::mapped::MappedText;
use crate::parse::dockerfile::Dockerfile;
use crate::parse::python::PythonFile;
use crate::parse::shell::ShellScript;
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::roles::FileRole;
use crate::source::{Region, SourceFile};

pub mod actions;
pub mod compose;
pub mod config;
pub mod deps;
pub mod docker;
pub mod docs;
pub mod grouping;
pub mod k8s;
pub mod python;
pub mod repo;
pub mod secrets;
pub mod shell;

/// Static description of a rule: what `harden rules` lists and `harden explain` prints.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable id, `family/name`.
    pub id: &'static str,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Default severity (config can override it).
    pub severity: Severity,
    /// Markdown: why it matters, examples of bad and good code, how to fix, how we differ from peers.
    pub docs: &'static str,
}

impl RuleMeta {
    /// The family part of the id (`shell` for `shell/unsafe-rm`).
    pub fn family(&self) -> &'static str {
        self.id.split('/').next().unwrap_or(self.id)
    }
}

/// What a rule sees about the file being checked.
pub struct FileCx<'a> {
    /// The file (path relative to the root, text, line index).
    pub file: &'a SourceFile,
    /// What kind of file it is.
    pub kind: FileKind,
    /// Test, example, vendored… (rules use it to stay quiet where a problem is not real).
    pub role: FileRole,
    /// The effective configuration.
    pub config: &'a Config,
    /// When `file` is a Helm template rendered from its chart's values: where the
    /// rendered text came from, and what could not be rendered.
    pub helm: Option<&'a HelmView<'a>>,
}

/// A Helm template rendered from its chart's `values.yaml` ([`crate::parse::helm`]):
/// the rules read the rendered YAML as [`FileCx::file`] (under the template's path),
/// and report at the template, or at the `values.yaml` line a value came from.
pub struct HelmView<'a> {
    /// The rendering and its origin map.
    pub rendered: &'a crate::parse::helm::Rendered,
    /// The template as written.
    pub template: &'a SourceFile,
    /// The chart's `values.yaml`.
    pub values: &'a SourceFile,
}

impl FileCx<'_> {
    /// Captures a location in this file for cross-file rules (positions resolved now,
    /// while the text is at hand). For a rendered Helm template: the template's place.
    pub fn locate(&self, span: Range<usize>, message: impl Into<String>) -> Related {
        if let Some(h) = self.helm {
            let start = h.rendered.template_offset(span.start);
            let end = h
                .rendered
                .template_offset(span.end.saturating_sub(1).max(span.start))
                .max(start);
            let line_end = h.template.text[start.min(h.template.text.len())..]
                .find('\n')
                .map_or(h.template.text.len(), |i| start + i);
            let span = start..(end + 1).min(line_end).max(start);
            return Related {
                path: h.template.path.clone(),
                region: h.template.region(&span),
                span,
                message: message.into(),
            };
        }
        Related {
            path: self.file.path.clone(),
            region: self.file.region(&span),
            span,
            message: message.into(),
        }
    }

    /// Where a finding on the value at `span` is fixed: in a rendered Helm template
    /// whose value there came from `values.yaml`, that line (with the template's place
    /// as the related location); otherwise [`FileCx::locate`].
    pub fn place(&self, span: Range<usize>) -> (Related, Option<Related>) {
        if let Some(h) = self.helm {
            if let Some((v, action)) = h.rendered.from_values(&span) {
                let line_end = h.values.text[v.min(h.values.text.len())..]
                    .find('\n')
                    .map_or(h.values.text.len(), |i| v + i);
                let first = h.values.text[v.min(line_end)..line_end]
                    .find(|c: char| !c.is_whitespace())
                    .map_or(v, |i| v + i);
                let vspan = first..line_end.max(first);
                let at = Related {
                    path: h.values.path.clone(),
                    region: h.values.region(&vspan),
                    span: vspan,
                    message: String::new(),
                };
                let tpl_end = h.template.text[action.min(h.template.text.len())..]
                    .find('\n')
                    .map_or(h.template.text.len(), |i| action + i);
                let tspan = action..tpl_end.max(action);
                let related = Related {
                    path: h.template.path.clone(),
                    region: h.template.region(&tspan),
                    span: tspan,
                    message: "the chart template that renders this value".to_string(),
                };
                return (at, Some(related));
            }
        }
        (self.locate(span, String::new()), None)
    }

    /// The line of `at` as a snippet, from whichever file it is in.
    pub fn snippet(&self, at: &Related) -> String {
        let file = match self.helm {
            Some(h) if at.path == h.values.path && at.path != h.template.path => h.values,
            Some(h) => h.template,
            None => self.file,
        };
        crate::source::snippet_of(file, at.region.start.line)
    }

    /// Whether `span` holds a Helm value that was not rendered (never, outside charts).
    pub fn unresolved(&self, span: &Range<usize>) -> bool {
        self.helm.is_some_and(|h| h.rendered.unresolved_in(span))
    }

    /// Whether something was left unrendered from `start` to the end of its YAML
    /// document (never, outside charts): absence there is not evidence.
    pub fn gap_after(&self, start: usize) -> bool {
        self.helm.is_some_and(|h| {
            let text = &h.rendered.text;
            let end = text[start.min(text.len())..]
                .find("\n---")
                .map_or(text.len() + 1, |i| start + i + 1);
            h.rendered.gap_in(start..end)
        })
    }
}

/// Where a rule puts findings. For embedded code (a `RUN` line, a `run:` block) the
/// sink maps spans from the embedded text back to the host file.
pub struct Sink<'a> {
    meta: &'static RuleMeta,
    path: &'a FilePath,
    map: Option<&'a MappedText>,
    out: &'a mut Vec<Finding>,
}

impl<'a> Sink<'a> {
    /// A sink for findings of `meta` in `path`; `map` translates embedded spans. The
    /// path is shared by every finding reported through it.
    pub fn new(
        meta: &'static RuleMeta,
        path: &'a FilePath,
        map: Option<&'a MappedText>,
        out: &'a mut Vec<Finding>,
    ) -> Self {
        Sink {
            meta,
            path,
            map,
            out,
        }
    }

    /// Host-file range of a span given in the coordinates of the code being checked.
    pub fn host(&self, span: &Range<usize>) -> Range<usize> {
        match self.map {
            Some(m) => m.range_to_host(span),
            None => span.clone(),
        }
    }

    /// An edit in host coordinates, or `None` when the span does not map verbatim
    /// (an escape sequence, a folded line): such a fix is then not offered.
    pub fn edit(&self, span: Range<usize>, replacement: impl Into<String>) -> Option<Edit> {
        if let Some(m) = self.map {
            if !(m.is_verbatim(&span)
                || span.is_empty() && m.is_verbatim(&(span.start..span.start)))
            {
                return None;
            }
        }
        Some(Edit {
            range: self.host(&span),
            replacement: replacement.into(),
        })
    }

    /// How many findings this sink holds so far: pass it to [`Sink::cap_since`] to adjust
    /// the ones a rule adds after it.
    pub fn reported(&self) -> usize {
        self.out.len()
    }

    /// Caps the severity of the findings added since `start` (context a rule learns from
    /// the whole file, e.g. a development compose file: docs/severity.md).
    pub fn cap_since(&mut self, start: usize, max: Severity) {
        for f in self.out.iter_mut().skip(start) {
            f.severity = f.severity.min(max);
        }
    }

    /// Findings added since `start` at the same place are one problem: a value several
    /// compose services take from one YAML anchor is fixed once, on the anchor's line. The
    /// first keeps the place and says how many others share it; the rest are dropped.
    pub fn merge_same_place_since(&mut self, start: usize, others: &str) {
        let mut kept: Vec<Finding> = Vec::new();
        let mut shared: Vec<usize> = Vec::new();
        for f in self.out.drain(start..) {
            match kept.iter().position(|k| k.span == f.span) {
                Some(i) => {
                    kept[i].severity = kept[i].severity.max(f.severity);
                    shared[i] += 1;
                }
                None => {
                    kept.push(f);
                    shared.push(0);
                }
            }
        }
        for (mut f, n) in kept.into_iter().zip(shared) {
            if n > 0 {
                f.message
                    .push_str(&format!(" (the same line applies to {n} other {others})"));
            }
            self.out.push(f);
        }
    }

    /// Reports a finding at `span` (coordinates of the checked code) with the rule's default severity.
    pub fn report(&mut self, span: Range<usize>, message: impl Into<String>) -> &mut Finding {
        let span = self.host(&span);
        self.out.push(Finding {
            grouped: false,
            rule: self.meta.id,
            severity: self.meta.severity,
            message: SharedStr::from(message.into()),
            path: self.path.clone(),
            span,
            region: Region::default(),
            snippet: Default::default(),
            related: RelatedList::new(),
            fix: None,
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }
}

/// What a cross-file rule sees after every file has been checked.
pub struct RepoCx<'a> {
    /// The scanned root on disk.
    pub root: &'a Path,
    /// Every file the walk saw (read or not), sorted by path.
    pub inventory: &'a [InventoryEntry],
    /// The effective configuration.
    pub config: &'a Config,
    /// Workflows and local actions, joined across files.
    pub workflows: &'a crate::workflows::model::WorkflowModel,
    /// The repository model: services and their images, who builds what, which
    /// manifests are installed together, docs sites, file roles.
    pub model: &'a crate::model::Repository,
}

impl RepoCx<'_> {
    /// Whether a repository-relative path exists (as a file or a directory prefix).
    pub fn exists(&self, rel: &str) -> bool {
        let rel = rel.trim_end_matches('/');
        if rel.is_empty() || rel == "." {
            return true;
        }
        let i = self.inventory.partition_point(|e| e.path.as_str() < rel);
        self.inventory.get(i).is_some_and(|e| {
            e.path == rel
                || (e.path.starts_with(rel) && e.path.as_bytes().get(rel.len()) == Some(&b'/'))
        }) || crate::paths::to_path(self.root, rel).is_some_and(|p| p.exists())
    }

    /// Text of a repository file, read through [`crate::files`] (no links, no FIFOs,
    /// bounded); `None` when it is missing, special, too large or not UTF-8.
    pub fn read_text(&self, rel: &str) -> Option<String> {
        let path = crate::paths::to_path(self.root, rel)?;
        crate::files::read_repo_text(&path, crate::files::AUX_LIMIT).ok()
    }
}

/// Findings reported from [`Rule::finish`], positions already resolved by the rule.
pub struct RepoSink<'a> {
    meta: &'static RuleMeta,
    out: &'a mut Vec<Finding>,
}

impl<'a> RepoSink<'a> {
    /// A sink for cross-file findings of `meta`.
    pub fn new(meta: &'static RuleMeta, out: &'a mut Vec<Finding>) -> Self {
        RepoSink { meta, out }
    }

    /// Reports a finding about the repository as a whole ([`REPOSITORY_PATH`]): a file
    /// or setting that is missing everywhere, with no line to point at.
    pub fn report_repository(&mut self, message: impl Into<String>) -> &mut Finding {
        self.out.push(Finding {
            grouped: false,
            rule: self.meta.id,
            severity: self.meta.severity,
            message: SharedStr::from(message.into()),
            path: REPOSITORY_PATH.into(),
            span: 0..0,
            region: Region::default(),
            snippet: Default::default(),
            related: RelatedList::new(),
            fix: None,
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    /// Reports a finding at a location captured with [`FileCx::locate`]; `snippet`
    /// must already be safe to print (redacted where it shows a secret).
    pub fn report(
        &mut self,
        at: Related,
        snippet: impl Into<SharedStr>,
        message: impl Into<SharedStr>,
    ) -> &mut Finding {
        self.out.push(Finding {
            grouped: false,
            rule: self.meta.id,
            severity: self.meta.severity,
            message: message.into(),
            path: at.path,
            span: at.span,
            region: at.region,
            snippet: snippet.into(),
            related: RelatedList::new(),
            fix: None,
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }
}

/// A rule. Every hook defaults to doing nothing; override the ones for the file kinds you read.
pub trait Rule: Send + Sync {
    /// Id, summary, default severity and docs.
    fn meta(&self) -> &'static RuleMeta;

    /// Shell scripts and shell embedded in Dockerfiles, workflows, compose and manifests
    /// (`script.origin` says which).
    fn check_shell(&self, _script: &ShellScript, _cx: &FileCx<'_>, _out: &mut Sink<'_>) {}

    /// A Dockerfile.
    fn check_dockerfile(&self, _df: &Dockerfile, _cx: &FileCx<'_>, _out: &mut Sink<'_>) {}

    /// A compose file.
    fn check_compose(&self, _yaml: &YamlFile, _cx: &FileCx<'_>, _out: &mut Sink<'_>) {}

    /// One Kubernetes document (a YAML document with `apiVersion` and `kind`).
    fn check_k8s(&self, _doc: &YamlNode, _cx: &FileCx<'_>, _out: &mut Sink<'_>) {}

    /// A GitHub Actions workflow.
    fn check_workflow(&self, _yaml: &YamlFile, _cx: &FileCx<'_>, _out: &mut Sink<'_>) {}

    /// An `action.yml`.
    fn check_action(&self, _yaml: &YamlFile, _cx: &FileCx<'_>, _out: &mut Sink<'_>) {}

    /// `.github/dependabot.yml`.
    fn check_dependabot(&self, _yaml: &YamlFile, _cx: &FileCx<'_>, _out: &mut Sink<'_>) {}

    /// A Python module.
    fn check_python(&self, _py: &PythonFile, _cx: &FileCx<'_>, _out: &mut Sink<'_>) {}

    /// A Markdown document.
    fn check_markdown(&self, _cx: &FileCx<'_>, _out: &mut Sink<'_>) {}

    /// A dependency manifest or lockfile.
    fn check_manifest(&self, _cx: &FileCx<'_>, _out: &mut Sink<'_>) {}

    /// Whether this rule needs files no parser claims (config, other languages) to be read
    /// for [`Rule::check_text`]; reading them costs time, so only content rules say yes.
    fn wants_all_text(&self) -> bool {
        false
    }

    /// Every text file that was read, whatever its kind (secrets, IP addresses).
    fn check_text(&self, _cx: &FileCx<'_>, _out: &mut Sink<'_>) {}

    /// After all files: cross-file findings.
    fn finish(&self, _repo: &RepoCx<'_>, _out: &mut RepoSink<'_>) {}

    /// After all files: revise this rule's own per-file findings with what only the
    /// whole repository shows (a script another script sources, a workflow that only
    /// runs after the repository's own pipelines). `own` holds this rule's findings
    /// and nothing else; drop, lower or relate them here. Severities set here go
    /// through the configured overrides again.
    fn settle(&self, _repo: &RepoCx<'_>, _own: &mut Vec<Finding>) {}

    /// Whether [`Rule::settle`] does anything (the engine skips the others).
    fn settles(&self) -> bool {
        false
    }
}

/// Findings that restate another rule's finding: `config/duplicated-credential` reports
/// a value that the secret rules report at each copy. One problem is one finding, so when
/// both exist the secret finding stays, with every copy as a related location.
const RESTATEMENTS: &[(&str, &[&str])] = &[(
    "config/duplicated-credential",
    &[
        "secrets/provider-credential",
        "secrets/hardcoded-credential",
        "compose/secret-literal",
        "k8s/secret-literal",
        "docker/secret-in-env",
    ],
)];

/// Folds restating findings into the findings they restate (see [`RESTATEMENTS`]): the
/// restated finding of highest severity among the copies keeps the other copies as related
/// locations; the other restated findings at those copies and the restating one are dropped.
/// Needs resolved positions (after the engine has located every finding).
pub fn fold_restatements(findings: &mut Vec<Finding>) {
    use std::collections::HashMap;
    for (restating, restated) in RESTATEMENTS {
        let mut at: HashMap<(FilePath, usize), Vec<usize>> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            if restated.contains(&f.rule) {
                at.entry((f.path.clone(), f.region.start.line))
                    .or_default()
                    .push(i);
            }
        }
        let mut drop = vec![false; findings.len()];
        let mut moves: Vec<(usize, Vec<Related>)> = Vec::new();
        for (i, f) in findings.iter().enumerate() {
            if f.rule != *restating {
                continue;
            }
            let mut places: Vec<Related> = vec![Related {
                path: f.path.clone(),
                span: f.span.clone(),
                region: f.region,
                message: "another copy".to_string(),
            }];
            places.extend(f.related.iter().cloned());
            let hits: Vec<usize> = places
                .iter()
                .filter_map(|p| at.get(&(p.path.clone(), p.region.start.line)))
                .flatten()
                .copied()
                .filter(|j| !drop[*j])
                .collect();
            // Highest severity wins; among equals the first in output order, so the
            // choice does not depend on the order in which files were scanned.
            let Some(&host) = hits.iter().max_by(|a, b| {
                findings[**a]
                    .severity
                    .cmp(&findings[**b].severity)
                    .then_with(|| findings[**b].sort_key().cmp(&findings[**a].sort_key()))
            }) else {
                continue;
            };
            drop[i] = true;
            for j in &hits {
                if *j != host {
                    drop[*j] = true;
                }
            }
            let host_line = (
                findings[host].path.clone(),
                findings[host].region.start.line,
            );
            let copies: Vec<Related> = places
                .into_iter()
                .filter(|p| (p.path.clone(), p.region.start.line) != host_line)
                .collect();
            moves.push((host, copies));
        }
        for (host, copies) in moves {
            let f = &mut findings[host];
            if !copies.is_empty() {
                let files: std::collections::BTreeSet<&str> =
                    copies.iter().map(|c| c.path.as_str()).collect();
                f.message.push_str(&format!(
                    " (the same value is copied in {} more place{} in {} file{}: rotate every copy)",
                    copies.len(),
                    if copies.len() == 1 { "" } else { "s" },
                    files.len(),
                    if files.len() == 1 { "" } else { "s" },
                ));
            }
            for c in copies {
                if !f
                    .related
                    .iter()
                    .any(|r| r.path == c.path && r.span == c.span)
                {
                    f.related.push(c);
                }
            }
        }
        let mut i = 0;
        findings.retain(|_| {
            i += 1;
            !drop[i - 1]
        });
    }
}

/// All rules, in a fixed order: this is the one place a new rule is registered
/// (in its family's `rules()` list).
pub fn registry() -> Vec<Box<dyn Rule>> {
    let mut rules: Vec<Box<dyn Rule>> = Vec::new();
    rules.extend(shell::rules());
    rules.extend(docker::rules());
    rules.extend(compose::rules());
    rules.extend(k8s::rules());
    rules.extend(actions::rules());
    rules.extend(docs::rules());
    rules.extend(repo::rules());
    rules.extend(python::rules());
    rules.extend(secrets::rules());
    rules.extend(config::rules());
    rules.extend(deps::rules());
    rules
}

/// The metadata of every registered rule, in registry order.
pub fn catalog() -> Vec<&'static RuleMeta> {
    registry().iter().map(|r| r.meta()).collect()
}

/// Looks a rule up by id.
pub fn find_meta(id: &str) -> Option<&'static RuleMeta> {
    catalog().into_iter().find(|m| m.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Position;
    use std::collections::HashSet;

    fn finding(rule: &'static str, path: &str, line: usize, sev: Severity) -> Finding {
        let p = Position { line, column: 1 };
        Finding {
            grouped: false,
            rule,
            severity: sev,
            message: format!("{rule} here").into(),
            path: path.into(),
            span: 0..1,
            region: Region { start: p, end: p },
            snippet: Default::default(),
            related: RelatedList::new(),
            fix: None,
        }
    }

    #[test]
    fn restatements_fold_into_the_secret_finding() {
        let mut dup = finding("config/duplicated-credential", "a.py", 3, Severity::Medium);
        let copy = finding("secrets/hardcoded-credential", "b.py", 7, Severity::High);
        dup.related.push(Related {
            path: copy.path.clone(),
            span: copy.span.clone(),
            region: copy.region,
            message: "another copy".into(),
        });
        let mut findings = vec![
            dup,
            finding("secrets/hardcoded-credential", "a.py", 3, Severity::Medium),
            copy,
            finding("secrets/hardcoded-credential", "c.py", 1, Severity::High),
        ];
        fold_restatements(&mut findings);
        let rules: Vec<(&str, &str)> = findings.iter().map(|f| (f.rule, f.path.as_str())).collect();
        assert_eq!(
            rules,
            vec![
                ("secrets/hardcoded-credential", "b.py"),
                ("secrets/hardcoded-credential", "c.py")
            ]
        );
        assert_eq!(findings[0].related.len(), 1);
        assert_eq!(findings[0].related[0].path, "a.py");
        assert!(findings[0].message.contains("1 more place in 1 file"));
    }

    #[test]
    fn a_duplicate_without_a_secret_finding_stays() {
        let mut findings = vec![finding(
            "config/duplicated-credential",
            "a.py",
            3,
            Severity::Medium,
        )];
        fold_restatements(&mut findings);
        assert_eq!(findings.len(), 1);
    }

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        let families = [
            "shell", "docker", "compose", "k8s", "actions", "python", "secrets", "config", "deps",
            "docs", "repo",
        ];
        for m in catalog() {
            assert!(seen.insert(m.id), "duplicate rule id {}", m.id);
            let (fam, name) = m.id.split_once('/').expect("id is family/name");
            assert!(families.contains(&fam), "unknown family in {}", m.id);
            assert!(
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            );
            assert!(!m.summary.is_empty(), "{} has no summary", m.id);
            assert!(m.docs.len() > 200, "{} has thin docs", m.id);
            for section in ["## Why", "## Example", "## Fix"] {
                assert!(m.docs.contains(section), "{} docs lack {section}", m.id);
            }
        }
    }
}
