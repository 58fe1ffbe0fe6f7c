//! Operations: runbook, deployment guide, rollback, backups, changelog, read
//! from the documentation's sections (as the walk reduced them, `model::docs`)
//! and from scripts and CI.

use super::super::ci::{self, Ci, Detector};
use super::super::facts::{dir_of, file_name, is_production, Facts};
use super::super::outcome::{first, na, out, Outcome};
use super::super::strength;
use super::super::{Evidence, Profile, State};

/// A control that only weak files support: partial, saying so, citing the file;
/// missing when they are AI-assistant instructions (an agent's instructions are not
/// the team's procedure), still citing the file so the reader sees why.
fn weak_only(mut ev: Evidence, reason: &str, what: &str) -> Outcome {
    ev.note.push_str(&strength::weak_note(reason));
    if strength::proves_nothing(reason) {
        return out(
            State::Missing,
            vec![ev],
            format!("{what} only in {reason}, which instruct an agent: no procedure of the team"),
        );
    }
    out(
        State::Partial,
        vec![ev],
        format!("weak evidence only: {what} in {reason}"),
    )
}

use crate::model::docs::{DocsFile, Heading, ROLLBACK_WORDS};

struct Doc<'a> {
    file: &'a DocsFile,
    lower_path: String,
    headings: &'a [Heading],
    non_empty: usize,
    /// Why this document is weak evidence (AI-assistant instructions, incident notes).
    weak: Option<&'static str>,
    /// How strongly it documents operations: 3 an operations document
    /// (runbook, deployment, rollback…), 2 under docs/, 1 elsewhere, 0 weak.
    rank: u8,
}

/// File and directory words of an operations document.
const OPS_DOC_WORDS: &[&str] = &[
    "runbook",
    "playbook",
    "operations",
    "operating",
    "oncall",
    "on-call",
    "deploy",
    "production",
    "rollback",
    "release",
    "disaster",
    "recovery",
    "backup",
    "maintenance",
    "hosting",
];

fn doc_rank(lower_path: &str, weak: Option<&str>) -> u8 {
    if weak.is_some() {
        0
    } else if OPS_DOC_WORDS.iter().any(|w| lower_path.contains(w)) {
        3
    } else if lower_path.starts_with("docs/") || lower_path.starts_with("doc/") {
        2
    } else {
        1
    }
}

pub(crate) struct Docs<'a> {
    docs: Vec<Doc<'a>>,
}

impl Doc<'_> {
    /// A contributors' guide: its title names the project (“Contributing to
    /// `self-hosted`”), and a link there points at development docs.
    fn is_contributing(&self) -> bool {
        let stem = file_name(&self.lower_path).split('.').next().unwrap_or("");
        matches!(
            stem,
            "contributing" | "hacking" | "development" | "developing"
        )
    }

    /// Whether `h` is the document's title: a README's or a contributors'
    /// guide's first heading names the project (“Self-Hosted Sentry”,
    /// “Contributing to `self-hosted`”), not a section about deploying it.
    fn is_title(&self, h: &Heading) -> bool {
        (file_name(&self.lower_path).starts_with("readme") || self.is_contributing())
            && self.headings.first().is_some_and(|f| f.line == h.line)
    }

    /// Changelogs, licences and issue/PR templates: their headings describe
    /// history or forms, not how the service is run.
    fn is_record(&self) -> bool {
        let name = file_name(&self.lower_path);
        let stem = name.split('.').next().unwrap_or("");
        self.lower_path.starts_with(".github/issue_template")
            || stem.starts_with("pull_request_template")
            || matches!(
                stem,
                "changelog"
                    | "changes"
                    | "history"
                    | "news"
                    | "release_notes"
                    | "release-notes"
                    | "license"
                    | "licence"
                    | "code_of_conduct"
                    | "authors"
                    | "contributors"
            )
    }
}

impl<'a> Docs<'a> {
    pub(crate) fn new(facts: &Facts<'a>) -> Self {
        let mut docs: Vec<Doc<'a>> = facts
            .docs
            .iter()
            .map(|t| {
                let lower_path = t.path.to_ascii_lowercase();
                let weak = strength::weak_reason(&t.path);
                Doc {
                    file: t,
                    rank: doc_rank(&lower_path, weak),
                    lower_path,
                    headings: &t.headings,
                    non_empty: t.non_empty,
                    weak,
                }
            })
            .collect();
        // Strongest first, so the first match is the one to cite.
        docs.sort_by(|a, b| b.rank.cmp(&a.rank).then(a.lower_path.cmp(&b.lower_path)));
        Docs { docs }
    }

    /// Docs whose file name contains one of `names`.
    fn named(&self, names: &[&str]) -> Vec<&Doc<'a>> {
        self.docs
            .iter()
            .filter(|d| {
                let n = file_name(&d.lower_path);
                let dir = dir_of(&d.lower_path);
                names
                    .iter()
                    .any(|k| n.contains(k) || dir.split('/').any(|s| s.contains(k)))
            })
            .collect()
    }

    /// Headings (anywhere) whose title contains one of `words`.
    fn headings_with(&self, words: &[&str]) -> Vec<(&Doc<'a>, &Heading)> {
        let mut v = Vec::new();
        for d in self.docs.iter().filter(|d| !d.is_record()) {
            for h in d.headings {
                if words.iter().any(|w| h.title.contains(w)) {
                    v.push((d, h));
                }
            }
        }
        v
    }
}

const TROUBLESHOOT: &[&str] = &[
    "troubleshoot",
    "issue",
    "common issues",
    "common problems",
    "known issues",
    "incident",
    "failure",
    "diagnos",
    "debugging",
    "recovery",
    "what to do",
    "faq",
    "errors",
    "problems",
    "alerts",
    "on-call",
    "oncall",
];

pub(crate) fn runbook(docs: &Docs<'_>, p: &Profile) -> Outcome {
    if p.library {
        return na("library or tool: nothing to operate");
    }
    let candidates = docs.named(&[
        "runbook",
        "playbook",
        "operations",
        "operating",
        "oncall",
        "on-call",
        "ops.",
        "incident",
    ]);
    let (candidates, weak): (Vec<_>, Vec<_>) = candidates
        .into_iter()
        .filter(|d| !d.lower_path.ends_with(".yml") && !d.lower_path.ends_with(".yaml"))
        .partition(|d| d.weak.is_none());
    for d in &candidates {
        if let Some(h) = d
            .headings
            .iter()
            .find(|h| TROUBLESHOOT.iter().any(|w| h.title.contains(w)))
        {
            return out(
                State::Done,
                vec![
                    Evidence::new(&d.file.path, 1, "runbook"),
                    Evidence::new(&d.file.path, h.line, format!("section “{}”", h.title)),
                ],
                "runbook with a troubleshooting section",
            );
        }
    }
    if let Some(d) = candidates.first() {
        let note = if d.non_empty < 15 {
            "runbook is a stub"
        } else {
            "no troubleshooting section"
        };
        return out(
            State::Partial,
            vec![Evidence::new(&d.file.path, 1, note)],
            format!("runbook needs expansion: {note}"),
        );
    }
    let ts = docs.named(&["troubleshoot"]);
    if let Some(d) = ts.iter().find(|d| d.weak.is_none()) {
        return out(
            State::Partial,
            vec![Evidence::new(
                &d.file.path,
                1,
                "troubleshooting guide, no runbook",
            )],
            "troubleshooting guide but no runbook",
        );
    }
    let sections = docs.headings_with(&["troubleshoot", "operations", "runbook", "operating"]);
    if let Some((d, h)) = sections.iter().find(|(d, _)| d.weak.is_none()) {
        return out(
            State::Partial,
            section_evidence(d, h, "section"),
            "operations notes in a README section only",
        );
    }
    let weak_doc = weak
        .first()
        .map(|d| (*d, 1))
        .or_else(|| ts.first().map(|d| (*d, 1)))
        .or_else(|| sections.first().map(|(d, h)| (*d, h.line)));
    if let Some((d, line)) = weak_doc {
        return weak_only(
            Evidence::new(&d.file.path, line, "operations notes"),
            d.weak.unwrap_or("a weak file"),
            "operations notes",
        );
    }
    out(State::Missing, Vec::new(), "no runbook")
}

/// Evidence pointing at a document section: `label “Heading”` at the heading's line.
fn section_evidence(d: &Doc<'_>, h: &Heading, label: &str) -> Vec<Evidence> {
    vec![Evidence::new(
        &d.file.path,
        h.line,
        format!("{label} “{}”", h.title),
    )]
}

pub(crate) fn deployment_guide(docs: &Docs<'_>, p: &Profile) -> Outcome {
    if p.library {
        return na("library or tool: nothing to deploy");
    }
    const DEPLOY_NAMES: &[&str] = &[
        "deploy",
        "production",
        "hosting",
        "self-host",
        "release-process",
    ];
    let mut named = docs.named(DEPLOY_NAMES);
    // A file named for deploying beats a file that only sits in a `deploy/`
    // directory (a component's README), a guide beats other notes, and the
    // shallowest such file wins (`deploy/README.md` over
    // `deploy/bases/database/README.md`).
    named.sort_by_key(|d| {
        let name = file_name(&d.lower_path);
        let in_name = DEPLOY_NAMES.iter().any(|k| name.contains(k));
        (
            !in_name,
            !name.contains("guide"),
            d.lower_path.matches('/').count(),
        )
    });
    if let Some(d) = named.iter().find(|d| d.non_empty >= 8 && d.weak.is_none()) {
        return out(
            State::Done,
            vec![Evidence::new(&d.file.path, 1, "deployment guide")],
            "deployment guide",
        );
    }
    let words = [
        "deploy",
        "production",
        "self-host",
        "hosting",
        "kubernetes",
        "helm install",
    ];
    let sections: Vec<_> = docs
        .headings_with(&words)
        .into_iter()
        .filter(|(d, h)| !d.is_title(h))
        .collect();
    if let Some((d, h)) = sections
        .iter()
        .find(|(d, h)| h.body_lines >= 5 && d.weak.is_none())
    {
        return out(
            State::Done,
            section_evidence(d, h, "section"),
            "deployment documented",
        );
    }
    // A self-hosted service's "How to Install" section that runs it (`docker
    // compose up -d`, `helm install`, `pm2 start`) is its deployment guide; a
    // short one (a command or two and a link elsewhere) is partial.
    let installs: Vec<(&Doc<'_>, &Heading, usize)> = docs
        .headings_with(&["install", "getting started", "quick start", "quickstart"])
        .into_iter()
        .filter(|(d, h)| d.weak.is_none() && !d.is_title(h))
        .filter_map(|(d, h)| h.runs_service.then_some((d, h, h.section_lines)))
        .collect();
    if let Some((d, h, _)) = installs.iter().find(|(_, _, lines)| *lines >= 25) {
        return out(
            State::Done,
            section_evidence(d, h, "installation section that deploys"),
            "deployment documented in the installation section",
        );
    }
    if let Some(d) = named.iter().find(|d| d.weak.is_none()) {
        return out(
            State::Partial,
            vec![Evidence::new(&d.file.path, 1, "deployment doc is a stub")],
            "deployment guide is a stub",
        );
    }
    if let Some((d, n, url)) = off_repo_guide(docs) {
        return out(
            State::Partial,
            vec![Evidence::new(
                &d.file.path,
                n,
                format!("links to a deployment guide elsewhere: {url}"),
            )],
            "deployment guide kept off-repository (linked)",
        );
    }
    if let Some((d, h)) = sections.iter().find(|(d, _)| d.weak.is_none()) {
        return out(
            State::Partial,
            section_evidence(d, h, "short section"),
            "deployment barely documented",
        );
    }
    if let Some((d, h, _)) = installs.first() {
        return out(
            State::Partial,
            section_evidence(d, h, "short installation section"),
            "deployment barely documented",
        );
    }
    let weak_doc = named
        .first()
        .map(|d| (*d, 1))
        .or_else(|| sections.first().map(|(d, h)| (*d, h.line)));
    if let Some((d, line)) = weak_doc {
        return weak_only(
            Evidence::new(&d.file.path, line, "deployment notes"),
            d.weak.unwrap_or("a weak file"),
            "deployment notes",
        );
    }
    out(State::Missing, Vec::new(), "no deployment guide")
}

/// A link, in a README or the docs, to a deployment or self-hosting guide kept
/// elsewhere (a docs site): the guide exists, but the repository cannot show it,
/// so at most partial. Only prose links (not code samples), only URLs whose path
/// names deploying, installing, hosting or production.
fn off_repo_guide<'d, 'a>(docs: &'d Docs<'a>) -> Option<(&'d Doc<'a>, usize, String)> {
    const WORDS: &[&str] = &["deploy", "self-host", "selfhost", "hosting", "production"];
    // The project's own front page and docs (root README, `docs/`), not a
    // theme's or a package's README.
    let front = |d: &&Doc<'a>| {
        let root = !d.lower_path.contains('/');
        (root && file_name(&d.lower_path).starts_with("readme"))
            || d.lower_path.starts_with("docs/")
    };
    let mut ordered: Vec<&Doc<'a>> = docs
        .docs
        .iter()
        .filter(|d| d.weak.is_none() && !d.is_record() && !d.is_contributing())
        .filter(front)
        .collect();
    ordered.sort_by_key(|d| d.lower_path.contains('/'));
    for d in ordered {
        for link in &d.file.links {
            // A badge (`[![deploy status](https://…/deploy-status)]`) is an image.
            if link.image || link.url.contains("badge") {
                continue;
            }
            let (n, url) = (link.line, link.url.as_str());
            // The words must sit in the path, not the host (`deploy.example.com`).
            let path = url
                .split_once("://")
                .and_then(|(_, rest)| rest.split_once('/'))
                .map(|(_, p)| p.to_ascii_lowercase())
                .unwrap_or_default();
            if WORDS.iter().any(|w| path.contains(w)) && !path.contains("/issues") {
                return Some((d, n, url.to_string()));
            }
        }
    }
    None
}

pub(crate) fn rollback(facts: &Facts<'_>, docs: &Docs<'_>, ci: &Ci, p: &Profile) -> Outcome {
    if p.library {
        return na("library or tool: nothing to roll back");
    }
    // Candidates, strongest first: a rollback step in CI/CD, a rollback
    // script, a section of an operations document, a section elsewhere.
    static D: Detector = Detector {
        uses: &[],
        run: &ci::ROLLBACK_RE,
        input: None,
        reject: None,
    };
    let mut strong: Vec<(u8, Evidence)> = Vec::new();
    let mut weak: Vec<(Evidence, &'static str)> = Vec::new();
    for e in ci.find(&D) {
        match strength::weak_reason(&e.path) {
            Some(r) => weak.push((e, r)),
            None => strong.push((5, e)),
        }
    }
    for s in facts.scripts.iter().filter(|s| {
        file_name(&s.path).to_ascii_lowercase().contains("rollback") && !s.backups.blank
    }) {
        let e = Evidence::new(&s.path, 1, "rollback script");
        match strength::weak_reason(&s.path) {
            Some(r) => weak.push((e, r)),
            None => strong.push((4, e)),
        }
    }
    for (d, h) in docs.headings_with(ROLLBACK_WORDS) {
        let e = section_evidence(d, h, "section").remove(0);
        match d.weak {
            Some(r) => weak.push((e, r)),
            None => strong.push((d.rank, e)),
        }
    }
    strong.sort_by_key(|s| std::cmp::Reverse(s.0));
    if let Some((rank, _)) = strong.first() {
        let summary = match rank {
            5 => "rollback automated in CI",
            4 => "rollback scripted",
            _ => "rollback procedure documented",
        };
        let mut ev: Vec<Evidence> = Vec::new();
        let mut kinds = Vec::new();
        for (r, e) in strong {
            // The best of each kind: CI, script, docs.
            let kind = r.min(3);
            if !kinds.contains(&kind) {
                kinds.push(kind);
                ev.push(e);
            }
        }
        return out(State::Done, first(ev, 3), summary);
    }
    if let Some((e, r)) = weak.into_iter().next() {
        return weak_only(e, r, "rollback");
    }
    // A passing mention in the project's documents; a to-do list's “decide how
    // we roll back” or an agent's instructions mention nothing in place.
    for d in docs.docs.iter().filter(|d| !d.is_record()) {
        if d.weak
            .is_some_and(|r| r == strength::PLAN_NOTES || strength::proves_nothing(r))
        {
            continue;
        }
        if let Some(n) = d.file.rollback_mention {
            let mut note = "rollback mentioned, no procedure".to_string();
            if let Some(r) = d.weak {
                note.push_str(&strength::weak_note(r));
            }
            return out(
                State::Partial,
                vec![Evidence::new(&d.file.path, n, note)],
                "rollback mentioned but not described",
            );
        }
    }
    out(State::Missing, Vec::new(), "no rollback procedure")
}

pub(crate) fn backup(facts: &Facts<'_>, docs: &Docs<'_>, p: &Profile) -> Outcome {
    let mut backups = Vec::new();
    let mut restores = Vec::new();
    // Scripts, compose files, manifests and CI files come reduced by the walk
    // (`model::operations`, `model::kubernetes`, `model::ci`).
    let files = facts
        .scripts
        .iter()
        .map(|t| (t.path.as_str(), t.backups.clone()))
        .chain(
            facts
                .compose
                .iter()
                .map(|c| (c.path.as_str(), c.backups.clone())),
        )
        .chain(
            facts
                .k8s
                .iter()
                .map(|k| (k.path.as_str(), k.backups.clone())),
        )
        .chain(
            facts
                .workflows
                .iter()
                .chain(&facts.other_ci)
                .map(|c| (c.path.as_str(), c.backups.clone())),
        );
    let mut weak: Vec<(Evidence, &'static str)> = Vec::new();
    let shown = |t: &str| t.chars().take(50).collect::<String>();
    for (path, lines) in files {
        let name = file_name(path).to_ascii_lowercase();
        // A 0-byte `backup.sql` proves nothing.
        if lines.blank {
            continue;
        }
        if let Some(reason) = strength::weak_reason(path) {
            if let Some((n, l)) = &lines.any_backup {
                weak.push((
                    Evidence::new(path, *n, format!("backup: {}", shown(l))),
                    reason,
                ));
            }
            continue;
        }
        let mut b = lines
            .backup
            .map(|(n, t)| Evidence::new(path, n, format!("backup: {}", shown(&t))));
        let mut r = lines
            .restore
            .map(|(n, t)| Evidence::new(path, n, format!("restore/verify: {}", shown(&t))));
        // Named "backup", it is one only when it moves data (not an echo and a sleep).
        if b.is_none() && name.contains("backup") && !name.contains("restore") {
            b = lines
                .moves_data
                .as_ref()
                .map(|(n, t)| Evidence::new(path, *n, format!("backup script: {}", shown(t))));
        }
        if r.is_none()
            && (name.contains("restore") || name.contains("verify"))
            && (name.contains("backup") || name.contains("restore"))
        {
            r = Some(Evidence::new(path, 1, "restore script"));
        }
        backups.extend(b);
        restores.extend(r);
    }
    // The application's own backup and restore feature (a registered route, an
    // admin or CLI command), from the model: production code only.
    let feature = |e: &Evidence| {
        let mut e = e.clone();
        e.note.push_str(" (application feature)");
        e
    };
    backups.extend(facts.source.backup_feature.iter().map(feature));
    restores.extend(facts.source.restore_feature.iter().map(feature));
    let doc_restore: Vec<Evidence> = docs
        .headings_with(&[
            "restore",
            "restoring",
            "backup verification",
            "verify backup",
            "verifying backups",
            "disaster recovery",
        ])
        .into_iter()
        .filter(|(d, _)| d.weak.is_none())
        .map(|(d, h)| Evidence::new(&d.file.path, h.line, format!("section “{}”", h.title)))
        .collect();
    let doc_backup: Vec<Evidence> = docs
        .headings_with(&["backup", "back up", "back-up"])
        .into_iter()
        .filter(|(d, _)| d.weak.is_none())
        .map(|(d, h)| Evidence::new(&d.file.path, h.line, format!("section “{}”", h.title)))
        .collect();
    if p.library {
        return na("library or tool: no data to back up");
    }
    if backups.is_empty() && doc_backup.is_empty() {
        if let Some((e, r)) = weak.into_iter().next() {
            return weak_only(e, r, "backups");
        }
    }
    if backups.is_empty() && doc_backup.is_empty() && !p.stateful {
        return na("no database or persistent store found");
    }
    restores.extend(doc_restore);
    if !backups.is_empty() && !restores.is_empty() {
        let mut ev = first(backups, 2);
        ev.extend(first(restores, 2));
        return out(State::Done, ev, "backups with a restore/verify step");
    }
    if !backups.is_empty() {
        return out(
            State::Partial,
            first(backups, 3),
            "backups are never verified by a restore",
        );
    }
    if !doc_backup.is_empty() {
        let mut ev = first(doc_backup, 2);
        ev.extend(first(restores, 2));
        return out(State::Partial, ev, "backups documented but not scripted");
    }
    out(
        State::Missing,
        Vec::new(),
        "stateful service without backups",
    )
}

pub(crate) fn changelog(facts: &Facts<'_>, docs: &Docs<'_>) -> Outcome {
    let is_cl = |path: &str| {
        let n = file_name(path).to_ascii_lowercase();
        let stem = n.split('.').next().unwrap_or("");
        let ext_ok =
            n.ends_with(".md") || n.ends_with(".rst") || n.ends_with(".txt") || !n.contains('.');
        [
            "changelog",
            "changes",
            "history",
            "news",
            "release_notes",
            "release-notes",
            "releasenotes",
            "releases",
        ]
        .iter()
        .any(|k| {
            stem == *k
                || stem
                    .strip_prefix(k)
                    .is_some_and(|r| r.starts_with(['-', '_']))
        }) && ext_ok
            && is_production(path)
    };
    if let Some(d) = docs.docs.iter().find(|d| is_cl(&d.file.path)) {
        if d.non_empty >= 4 {
            return out(
                State::Done,
                vec![Evidence::new(&d.file.path, 1, "changelog")],
                "changelog kept",
            );
        }
        return out(
            State::Partial,
            vec![Evidence::new(&d.file.path, 1, "changelog is nearly empty")],
            "changelog is a stub",
        );
    }
    for (tool, note) in [
        ("release-please-config.json", "release-please"),
        (".release-please-manifest.json", "release-please"),
        (".changeset/config.json", "changesets"),
        ("cliff.toml", "git-cliff"),
        ("towncrier.toml", "towncrier"),
    ] {
        if facts.has(tool) {
            return out(
                State::Done,
                vec![Evidence::new(tool, 1, note)],
                format!("release notes generated by {note}"),
            );
        }
    }
    if let Some(m) = facts.manifests.iter().find(|m| m.path == "pyproject.toml") {
        if let Some(n) = m.towncrier_line {
            return out(
                State::Done,
                vec![Evidence::new(&m.path, n, "towncrier")],
                "release notes generated by towncrier",
            );
        }
    }
    if facts.inventory.iter().any(|e| is_cl(&e.path)) {
        if let Some(e) = facts.inventory.iter().find(|e| is_cl(&e.path)) {
            return out(
                State::Done,
                vec![Evidence::new(&e.path, 1, "changelog")],
                "changelog kept",
            );
        }
    }
    if facts.has(".github/release.yml") {
        return out(
            State::Partial,
            vec![Evidence::new(
                ".github/release.yml",
                1,
                "generated GitHub release notes",
            )],
            "only generated GitHub release notes",
        );
    }
    out(State::Missing, Vec::new(), "no changelog")
}
