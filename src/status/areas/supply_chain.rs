//! Supply chain: dependency updates, lockfiles, vulnerability scanning, SBOM,
//! signed releases, pinned actions and known vulnerabilities.

use std::collections::{BTreeMap, BTreeSet};

use crate::finding::Finding;

use super::super::ci::{self, Ci, Detector};
use super::super::facts::{dir_of, file_name, is_production, Facts};
use super::super::outcome::{by_fraction, first, na, out, Outcome};
use super::super::{Evidence, Profile, State};
use super::ci_control;

fn ecosystem_of(path: &str, name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    Some(match name {
        "pyproject.toml" | "setup.py" | "setup.cfg" | "Pipfile" => "pip",
        "package.json" => "npm",
        "Cargo.toml" => "cargo",
        "go.mod" => "gomod",
        "Gemfile" => "bundler",
        "composer.json" => "composer",
        "pom.xml" => "maven",
        "build.gradle" | "build.gradle.kts" => "gradle",
        _ if crate::classify::is_requirements_name(&lower) => "pip",
        _ if lower.ends_with(".csproj") => "nuget",
        _ if lower.ends_with(".tf") => "terraform",
        _ if crate::classify::is_dockerfile_name(name) && !path.starts_with(".devcontainer/") => {
            "docker"
        }
        _ if path.starts_with(".github/workflows/") => "github-actions",
        _ => return None,
    })
}

fn normalize_ecosystem(e: &str) -> &str {
    match e {
        "uv" | "pipenv" | "poetry" => "pip",
        "bun" | "yarn" | "pnpm" => "npm",
        "docker-compose" => "docker",
        other => other,
    }
}

fn detected_ecosystems(facts: &Facts<'_>) -> BTreeMap<&'static str, Vec<String>> {
    let mut m: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for e in facts.inventory {
        if !is_production(&e.path) {
            continue;
        }
        if let Some(eco) = ecosystem_of(&e.path, file_name(&e.path)) {
            m.entry(eco).or_default().push(e.path.to_string());
        }
    }
    if !facts.actions.is_empty() {
        m.entry("github-actions")
            .or_default()
            .extend(facts.actions.iter().map(|a| a.path.clone()));
    }
    m
}

/// Done when a Dependabot or Renovate configuration exists and `repo/dependabot-coverage`
/// finds no ecosystem it misses at medium or above: the rule, `harden fix` and this control share one answer
/// (`ecosystems`) about what needs covering, so they cannot disagree.
pub(crate) fn dependency_updates(facts: &Facts<'_>, p: &Profile, findings: &[Finding]) -> Outcome {
    let ecos = detected_ecosystems(facts);
    if let Some(r) = crate::ecosystems::RENOVATE_FILES
        .iter()
        .find(|r| facts.has(r))
    {
        return out(
            State::Done,
            vec![Evidence::new(*r, 1, "Renovate configuration")],
            "Renovate is configured",
        );
    }
    if let Some((pkg, line)) = facts
        .manifests
        .iter()
        .filter(|m| m.path == "package.json")
        .find_map(|m| Some((m, m.renovate_line?)))
    {
        return out(
            State::Done,
            vec![Evidence::new(
                &pkg.path,
                line,
                "Renovate configuration in package.json",
            )],
            "Renovate is configured",
        );
    }
    let Some(db) = facts.dependabot else {
        if ecos.is_empty() && !p.ci {
            return na("no dependency manifests, Dockerfiles or workflows");
        }
        let ev = ecos
            .iter()
            .filter_map(|(eco, paths)| {
                paths.first().map(|p| {
                    Evidence::new(p, 1, format!("{eco} dependencies, no update automation"))
                })
            })
            .collect();
        return out(
            State::Missing,
            first(ev, 6),
            "no Dependabot or Renovate configuration",
        );
    };
    // The walk checked the schema and listed the entries (`model::dependabot`).
    if let Some((line, error)) = &db.schema_error {
        return out(
            State::Missing,
            vec![Evidence::new(&db.path, *line, error.clone())],
            format!("dependabot.yml is not valid, so Dependabot ignores it: {error}"),
        );
    }
    let mut configured: BTreeMap<String, Evidence> = BTreeMap::new();
    for u in &db.updates {
        configured
            .entry(normalize_ecosystem(&u.ecosystem).to_string())
            .or_insert_with(|| {
                Evidence::new(
                    &db.path,
                    u.line,
                    format!("{} in {}", u.ecosystem, u.directory),
                )
            });
    }
    if configured.is_empty() {
        return out(
            State::Partial,
            vec![Evidence::new(&db.path, 1, "no `updates:` entries")],
            "dependabot.yml has no update entries",
        );
    }
    let mut ev: Vec<Evidence> = configured.values().cloned().collect();
    let misses: Vec<&Finding> = findings
        .iter()
        // Low ones (a compose file, a submodule, a tooling directory) are hygiene, not a gap.
        .filter(|f| {
            f.rule == "repo/dependabot-coverage" && f.severity >= crate::finding::Severity::Medium
        })
        .collect();
    if misses.is_empty() {
        let names: Vec<&str> = configured.keys().map(String::as_str).collect();
        return out(
            State::Done,
            first(ev, 6),
            format!("Dependabot covers {}", names.join(", ")),
        );
    }
    let mut names: Vec<String> = Vec::new();
    for f in misses.iter().rev() {
        // The rule names the ecosystem first, in backticks: "no `docker` entry for …".
        let eco = f
            .message
            .split('`')
            .nth(1)
            .unwrap_or("an ecosystem")
            .to_string();
        if !names.contains(&eco) {
            names.insert(0, eco);
        }
        ev.insert(
            0,
            Evidence::new(f.path.as_str(), f.region.start.line, f.message.clone()),
        );
    }
    out(
        State::Partial,
        first(ev, 6),
        format!("Dependabot misses {}", names.join(", ")),
    )
}

pub(crate) fn lockfiles(facts: &Facts<'_>, p: &Profile) -> Outcome {
    // A lockfile locks the manifest beside it; a root lockfile also locks a
    // sub-package when the root declares a workspace (npm/yarn `workspaces`,
    // pnpm-workspace.yaml, a Cargo `[workspace]`, uv/poetry at the root). An
    // empty lockfile locks nothing.
    let root_workspace = facts.manifests.iter().any(|m| {
        matches!(
            m.path.as_str(),
            "package.json" | "Cargo.toml" | "pyproject.toml"
        ) && m.workspace
    }) || facts.has("pnpm-workspace.yaml")
        || facts.has("go.work");
    let has_in = |dir: &str, names: &[&str]| {
        names.iter().any(|n| {
            let path = if dir.is_empty() {
                (*n).to_string()
            } else {
                format!("{dir}/{n}")
            };
            facts.has_content(&path)
        }) || (root_workspace && names.iter().any(|n| facts.has_content(n)))
    };
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for m in &facts.manifests {
        let name = file_name(&m.path);
        let dir = dir_of(&m.path);
        let lower = name.to_ascii_lowercase();
        let verdict: Option<(bool, String)> = match name {
            // A package with no dependencies (a `bin` helper, scripts only)
            // has nothing to lock.
            "package.json" if !m.has_dependencies => None,
            "package.json" => Some((
                has_in(
                    dir,
                    &[
                        "package-lock.json",
                        "npm-shrinkwrap.json",
                        "yarn.lock",
                        "pnpm-lock.yaml",
                        "bun.lockb",
                        "bun.lock",
                    ],
                ),
                "npm".to_string(),
            )),
            "Cargo.toml" if !p.library => Some((has_in(dir, &["Cargo.lock"]), "cargo".to_string())),
            "go.mod" => Some((
                has_in(dir, &["go.sum"]) || !m.has_dependencies,
                "go".to_string(),
            )),
            "Gemfile" => Some((has_in(dir, &["Gemfile.lock"]), "bundler".to_string())),
            "composer.json" => Some((has_in(dir, &["composer.lock"]), "composer".to_string())),
            "Pipfile" => Some((has_in(dir, &["Pipfile.lock"]), "pipenv".to_string())),
            "pyproject.toml" if !p.library => {
                let locked = has_in(
                    dir,
                    &[
                        "poetry.lock",
                        "uv.lock",
                        "pdm.lock",
                        "Pipfile.lock",
                        "requirements.lock",
                        "requirements.txt",
                    ],
                );
                m.has_dependencies.then(|| (locked, "python".to_string()))
            }
            _ if crate::classify::is_requirements_name(&lower) && lower.ends_with(".txt") => {
                let (pinned, total) = m.pins;
                (total > 0).then(|| {
                    (
                        pinned * 5 >= total * 4,
                        format!("{pinned} of {total} requirements pinned"),
                    )
                })
            }
            _ => None,
        };
        let Some((ok, what)) = verdict else { continue };
        if ok {
            good.push(Evidence::new(&m.path, 1, format!("{what}: locked")));
        } else {
            bad.push(Evidence::new(
                &m.path,
                1,
                format!("{what}: no lockfile or pins"),
            ));
        }
    }
    if good.is_empty() && bad.is_empty() {
        return na("no application dependency manifests");
    }
    let total = good.len() + bad.len();
    let state = by_fraction(good.len(), total);
    let summary = format!("{} of {total} manifests locked or pinned", good.len());
    let mut ev = bad;
    ev.extend(good);
    out(state, first(ev, 6), summary)
}

pub(crate) fn vulnerability_scan(facts: &Facts<'_>, ci: &Ci, p: &Profile) -> Outcome {
    static D: Detector = Detector {
        uses: &[
            "aquasecurity/trivy-action",
            "aquasecurity/setup-trivy",
            "anchore/scan-action",
            "google/osv-scanner-action",
            "google/osv-scanner/",
            "snyk/actions",
            "actions/dependency-review-action",
            "pypa/gh-action-pip-audit",
            "docker/scout-action",
            "rustsec/audit-check",
            "actions-rs/audit-check",
            "golang/govulncheck-action",
            "dependency-check/dependency-check_action",
            "embarkstudios/cargo-deny-action",
            "crazy-max/ghaction-container-scan",
            "azure/container-scan",
            "sonatype-nexus-community/",
        ],
        run: &ci::VULN_RE,
        input: None,
        reject: Some(vuln_reject),
    };
    if detected_ecosystems(facts).is_empty() && !p.containers {
        return na("no dependency manifests or images to scan");
    }
    ci_control(
        facts,
        ci,
        &D,
        &["pip-audit", "safety", "osv-scanner", "trivy"],
        "vulnerability scan",
    )
}

fn vuln_reject(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    ci::installs_only(line) || (l.contains("trivy config") && !l.contains("trivy image"))
}

/// An install, or an `--sbom` flag that turns the SBOM off or whose value is not
/// known here (`ko build --sbom none`, `--sbom ${IMG_SBOM}` from a Makefile whose
/// default is `none`): such a line is no evidence that an SBOM is made.
fn sbom_reject(line: &str) -> bool {
    static OFF: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)--sbom(?:[\s=]+)(?:none|false|\$)")
            .unwrap_or_else(|e| unreachable!("bad built-in pattern: {e}"))
    });
    ci::installs_only(line) || OFF.is_match(line)
}

pub(crate) fn sbom(facts: &Facts<'_>, ci: &Ci) -> Outcome {
    static D: Detector = Detector {
        uses: &[
            "anchore/sbom-action",
            "cyclonedx/",
            "advanced-security/sbom-generator-action",
            "microsoft/sbom-action",
            "actions/attest-sbom",
        ],
        run: &ci::SBOM_RE,
        input: Some(sbom_input),
        reject: Some(sbom_reject),
    };
    let o = ci_control(facts, ci, &D, &[], "SBOM generation");
    shipped_control(facts, ci, o, Ships::Published, "SBOM generation")
}

/// `image-scan`: the container images the repository builds or publishes are scanned
/// for known vulnerabilities in CI (their OS packages and runtimes, which a
/// dependency audit of the manifests never sees). Not applicable when it builds and
/// publishes no image.
pub(crate) fn image_scan(facts: &Facts<'_>, ci: &Ci) -> Outcome {
    static D: Detector = Detector {
        uses: &[
            "anchore/scan-action",
            "docker/scout-action",
            "crazy-max/ghaction-container-scan",
            "azure/container-scan",
            "snyk/actions/docker",
            "lacework/lw-scanner-action",
            "sysdiglabs/scan-action",
            "aquasecurity/trivy-action",
        ],
        run: &ci::IMAGE_SCAN_RE,
        input: None,
        reject: Some(image_scan_reject),
    };
    let images = shipped(facts, ci, Ships::Images);
    if images.is_empty() {
        return na("no container image built or published");
    }
    // An image `FROM scratch` holds only what the build copies in (a static binary):
    // no OS packages for an image scanner to find; its dependencies are
    // `vulnerability-scan`'s.
    if !facts.dockerfiles.is_empty()
        && facts
            .dockerfiles
            .iter()
            .all(|d| d.base.eq_ignore_ascii_case("scratch"))
    {
        return na("only `FROM scratch` images: no OS packages to scan");
    }
    // trivy-action scans an image unless told to scan a directory, repository or
    // configuration (`scan-type: fs`); anchore/scan-action only with `image:`.
    let ev: Vec<Evidence> = ci
        .find(&D)
        .into_iter()
        .filter(|e| {
            ci.steps
                .iter()
                .find(|s| s.path == e.path && s.line == e.line && s.uses.is_some())
                .is_none_or(scans_an_image)
        })
        .collect();
    let o = if ev.is_empty() {
        if ci.steps.is_empty() {
            out(State::Missing, Vec::new(), "no CI configuration found")
        } else {
            out(State::Missing, Vec::new(), "no image scan step in CI")
        }
    } else if ev.iter().all(|e| e.note.ends_with(ci::NON_BLOCKING)) {
        out(
            State::Partial,
            first(ev, 4),
            "image scan in CI, but its failures are ignored",
        )
    } else {
        let n = ev.len();
        out(State::Done, first(ev, 4), format!("image scan in CI ({n})"))
    };
    shipped_control(facts, ci, o, Ships::Images, "image scan")
}

/// Whether an image-scanning action step scans an image (trivy-action's default
/// `scan-type: image`; anchore/scan-action with `image:`), not a directory.
fn scans_an_image(s: &ci::Step) -> bool {
    let action = s.action().unwrap_or_default();
    if action.starts_with("aquasecurity/trivy-action") {
        return s
            .input("scan-type")
            .is_none_or(|t| t.trim().eq_ignore_ascii_case("image"));
    }
    if action.starts_with("anchore/scan-action") {
        return s.input("image").is_some();
    }
    true
}

/// `grype dir:.` scans the checkout, not an image; installing a scanner runs none.
fn image_scan_reject(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    ci::installs_only(line)
        || (l.contains("grype") && (l.contains("dir:") || l.contains("grype db")))
}

fn sbom_input(action: &str, s: &ci::Step) -> bool {
    (action.starts_with("aquasecurity/trivy-action")
        && s.input("format")
            .is_some_and(|f| f.contains("cyclonedx") || f.contains("spdx") || f == "github"))
        || (action.starts_with("docker/build-push-action")
            && (s.input("sbom").is_some_and(|v| v != "false")
                || s.input("attests").is_some_and(|v| v.contains("type=sbom"))))
}

pub(crate) fn signed_releases(ci: &Ci) -> Outcome {
    static SIGN: Detector = Detector {
        uses: &[
            "sigstore/cosign-installer",
            "slsa-framework/slsa-github-generator",
            "actions/attest-build-provenance",
            "actions/attest",
            "sigstore/gh-action-sigstore-python",
            "philips-labs/slsa-provenance-action",
        ],
        run: &ci::SIGN_RE,
        input: None,
        reject: None,
    };
    // Installing cosign signs nothing: the `cosign sign` command (or an attest
    // action) is the proof, cited first; an installer alone is partial.
    let (installs, signs): (Vec<_>, Vec<_>) = ci
        .find(&SIGN)
        .into_iter()
        .partition(|e| e.note.contains("cosign-installer"));
    if !signs.is_empty() {
        let n = signs.len();
        let mut ev = signs;
        ev.extend(installs);
        return out(
            State::Done,
            first(ev, 4),
            format!("signing/provenance in CI ({n})"),
        );
    }
    if !installs.is_empty() {
        return out(
            State::Partial,
            first(installs, 2),
            "cosign is installed in CI but no step signs with it",
        );
    }
    let published = publishing_steps(ci);
    if published.is_empty() {
        return na("nothing is published from CI");
    }
    out(
        State::Missing,
        first(published, 4),
        "artefacts are published but not signed",
    )
}

/// The CI steps that publish artefacts (a push, an upload, a release step, a registry
/// login with the project's credentials) and the release triggers, pushes first: what
/// the repository ships from, for the controls that ask what is done to it first.
pub(crate) fn publishing_steps(ci: &Ci) -> Vec<Evidence> {
    static PUBLISH: Detector = Detector {
        uses: &[
            "pypa/gh-action-pypi-publish",
            "softprops/action-gh-release",
            "ncipollo/release-action",
            "goreleaser/goreleaser-action",
            "actions/create-release",
            "js-devtools/npm-publish",
            "google-github-actions/release-please-action",
            "googleapis/release-please-action",
            "redhat-actions/push-to-registry",
            "katyo/publish-crates",
            "ko-build/setup-ko",
            // A registry login with the project's credentials is there to push
            // (the push itself may run in a release script).
            "docker/login-action",
        ],
        run: &ci::PUBLISH_RE,
        input: Some(publish_input),
        reject: None,
    };
    let mut published = ci.find(&PUBLISH);
    // The push itself first; a registry login only says a push follows.
    published.sort_by_key(|e| e.note.contains("docker/login-action"));
    published.extend(ci.release_triggers.iter().cloned());
    published
}

/// Whether a publishing step pushes a container image (not a package or a release).
fn publishes_image(e: &Evidence) -> bool {
    let n = e.note.to_ascii_lowercase();
    [
        "docker",
        "podman",
        "crane push",
        "ko build",
        "ko publish",
        "setup-ko",
        "push-to-registry",
    ]
    .iter()
    .any(|k| n.contains(k))
}

/// What a scanning control is for: which shipped artefacts make it apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ships {
    /// Container images: the steps that push them, and the production images built.
    Images,
    /// Anything CI publishes (images, packages, releases); built images alone do not
    /// count (an SBOM is attached to what is published).
    Published,
    /// Anything published, or production images built (code scanning: the code ships).
    Anything,
}

/// What the repository ships, as evidence for a scanning control that is not done:
/// one publishing step per workflow (the push before a registry login), then the
/// production images with what builds them. Empty when it ships nothing the control
/// is for.
pub(crate) fn shipped(facts: &Facts<'_>, ci: &Ci, ships: Ships) -> Vec<Evidence> {
    let triggers = &ci.release_triggers;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut out: Vec<Evidence> = publishing_steps(ci)
        .into_iter()
        .filter(|e| ships != Ships::Images || publishes_image(e))
        // A registry login alone pushes an image only where there is one to push: a
        // chart repository logs in to push charts (`helm push` to an OCI registry).
        .filter(|e| {
            ships != Ships::Images
                || !facts.dockerfiles.is_empty()
                || !e.note.contains("docker/login-action")
        })
        .filter(|e| seen.insert(e.path.clone()))
        .map(|mut e| {
            // A release trigger says when the workflow publishes, a step what.
            if triggers.contains(&e) {
                e.note = format!("release workflow: {}", e.note);
            } else {
                e.note = format!("publishes: {}", e.note);
            }
            e
        })
        .collect();
    if ships == Ships::Published && out.is_empty() {
        return out;
    }
    let mut images: BTreeSet<&str> = BTreeSet::new();
    for d in &facts.dockerfiles {
        if !images.insert(d.path.as_str()) {
            continue;
        }
        let by = facts
            .model
            .builders(&d.path)
            .filter(|b| crate::roles::role_of(&b.from) == crate::roles::FileRole::Production)
            // A workflow or compose file that builds it, before a script or a document.
            .min_by_key(|b| b.source)
            .map(|b| format!(", built by {}:{}", b.from, b.line))
            .unwrap_or_default();
        out.push(Evidence::new(
            &d.path,
            d.from_line,
            format!("production image{}{by}", d.target_note()),
        ));
    }
    out
}

/// Done / partial from the steps found; when none, missing with what the repository
/// ships (the workflows that publish, the images it builds), so the plan can say where
/// the step belongs.
pub(crate) fn shipped_control(
    facts: &Facts<'_>,
    ci: &Ci,
    o: Outcome,
    ships: Ships,
    what: &str,
) -> Outcome {
    if o.state != State::Missing {
        return o;
    }
    let ev = shipped(facts, ci, ships);
    if ev.is_empty() {
        return o;
    }
    let images = ev
        .iter()
        .filter(|e| e.note.starts_with("production image"))
        .count();
    let pushes = ev.len() - images;
    let mut parts = Vec::new();
    if pushes > 0 {
        parts.push(format!(
            "{pushes} workflow{} publish{}",
            if pushes == 1 { "" } else { "s" },
            if pushes == 1 { "es" } else { "" }
        ));
    }
    if images > 0 {
        parts.push(format!(
            "{images} production image{} built",
            if images == 1 { " is" } else { "s are" }
        ));
    }
    out(
        State::Missing,
        first(ev, 10),
        format!("{}, with no {what} step in CI", parts.join(" and ")),
    )
}

fn publish_input(action: &str, s: &ci::Step) -> bool {
    action.starts_with("docker/build-push-action") && s.input("push").is_some_and(|v| v != "false")
}

pub(crate) fn pinned_actions(facts: &Facts<'_>, ci: &Ci, findings: &[Finding]) -> Outcome {
    if facts.workflows.is_empty() && facts.actions.is_empty() {
        return na("no GitHub Actions workflows");
    }
    let mut pinned = Vec::new();
    let mut unpinned = Vec::new();
    for s in &ci.steps {
        let Some(uses) = &s.uses else { continue };
        let uses = uses.trim();
        // `./x` and GitHub's self-repository form `$/x` load this repository's own commit.
        if uses.starts_with("./") || uses.starts_with("$/") {
            continue;
        }
        let ok = if let Some(img) = uses.strip_prefix("docker://") {
            img.contains("@sha256:")
        } else {
            uses.rsplit_once('@')
                .is_some_and(|(_, r)| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit()))
        };
        let e = Evidence::new(&s.path, s.line, uses.to_string());
        if ok {
            pinned.push(e);
        } else {
            unpinned.push(Evidence {
                note: format!("{uses}: mutable ref"),
                ..e
            });
        }
    }
    for f in findings
        .iter()
        .filter(|f| f.rule == "actions/unpinned-uses")
    {
        let line = f.region.start.line;
        if !unpinned.iter().any(|e| e.path == f.path && e.line == line) {
            pinned.retain(|e| !(e.path == f.path && e.line == line));
            unpinned.push(Evidence::new(f.path.as_str(), line, f.message.clone()));
        }
    }
    let total = pinned.len() + unpinned.len();
    if total == 0 {
        return out(State::Done, Vec::new(), "no third-party actions used");
    }
    let state = by_fraction(pinned.len(), total);
    let summary = format!("{} of {total} `uses:` pinned to a commit SHA", pinned.len());
    let mut ev = unpinned;
    ev.extend(pinned);
    out(state, first(ev, 5), summary)
}

/// At most this many matches are cited as evidence (the summary gives the total).
const MAX_VULN_EVIDENCE: usize = 10;

/// `known-vulnerabilities`: the repository's lockfiles matched offline against
/// the OSV records of `[osv] source` (or `status --osv`). Unknown without OSV
/// data or when it cannot be read; not applicable when nothing is locked.
///
/// This is `osv::match_repository` with the caller's configuration (so
/// `--config` and `--osv` are honoured), keeping the lockfile count for the
/// summary.
pub fn known_vulnerabilities(root: &std::path::Path, config: &crate::config::Config) -> Outcome {
    let Some(source) = crate::osv::configured_source(config, root) else {
        return out(
            State::Unknown,
            Vec::new(),
            "no OSV data given ([osv] source or --osv): locked versions not checked",
        );
    };
    let (lockfiles, _errors) = crate::sbom::collect(root, config);
    if lockfiles.is_empty() {
        return na("no lockfile to check");
    }
    let db = match crate::osv::Database::load(&source, Some(&crate::osv::wanted(&lockfiles))) {
        Ok(db) => db,
        Err(e) => {
            return out(
                State::Unknown,
                Vec::new(),
                format!("OSV data could not be read ({e}): locked versions not checked"),
            )
        }
    };
    let mut matches = crate::osv::match_lockfiles(&lockfiles, &db);
    let packages: usize = lockfiles.iter().map(|l| l.packages.len()).sum();
    if matches.is_empty() {
        let ev = lockfiles
            .iter()
            .map(|l| {
                Evidence::new(
                    l.path.clone(),
                    1,
                    format!("{} packages locked, none affected", l.packages.len()),
                )
            })
            .collect();
        return out(
            State::Done,
            first(ev, MAX_VULN_EVIDENCE),
            format!(
                "no known vulnerability in {packages} locked package{} ({} lockfile{})",
                if packages == 1 { "" } else { "s" },
                lockfiles.len(),
                if lockfiles.len() == 1 { "" } else { "s" },
            ),
        );
    }
    // Worst first, then by place, so the cap keeps what matters.
    matches.sort_by(|a, b| {
        b.advisory
            .severity
            .cmp(&a.advisory.severity)
            .then_with(|| a.lockfile.cmp(&b.lockfile))
            .then_with(|| a.line.cmp(&b.line))
            .then_with(|| a.advisory.id.cmp(&b.advisory.id))
    });
    let affected: BTreeSet<(String, String)> = matches
        .iter()
        .map(|m| (m.package.clone(), m.version.clone()))
        .collect();
    let advisories: BTreeSet<&str> = matches.iter().map(|m| m.advisory.id.as_str()).collect();
    // A monorepo sees which service is affected: each affected manifest's worst
    // match comes first, then the rest, worst first.
    let manifests: BTreeSet<&str> = matches.iter().map(|m| m.lockfile.as_str()).collect();
    let mut order: Vec<usize> = Vec::with_capacity(matches.len());
    let mut cited: BTreeSet<&str> = BTreeSet::new();
    for (i, m) in matches.iter().enumerate() {
        if cited.insert(m.lockfile.as_str()) {
            order.push(i);
        }
    }
    let firsts: BTreeSet<usize> = order.iter().copied().collect();
    order.extend((0..matches.len()).filter(|i| !firsts.contains(i)));
    let ev = order
        .iter()
        .map(|&i| &matches[i])
        .take(MAX_VULN_EVIDENCE)
        .map(|m| {
            let fix = match &m.fixed {
                Some(f) => format!("fixed in {f}"),
                None => "no fix published".to_string(),
            };
            Evidence::new(
                m.lockfile.clone(),
                m.line,
                format!(
                    "{} ({}): {}@{}, {fix}",
                    m.advisory.id,
                    m.advisory.severity.as_str(),
                    m.package,
                    m.version
                ),
            )
        })
        .collect();
    out(
        State::Missing,
        ev,
        format!(
            "{} advisor{} affect{} {} locked package{} in {} of {} manifest{} ({}{})",
            advisories.len(),
            if advisories.len() == 1 { "y" } else { "ies" },
            if advisories.len() == 1 { "s" } else { "" },
            affected.len(),
            if affected.len() == 1 { "" } else { "s" },
            manifests.len(),
            lockfiles.len(),
            if lockfiles.len() == 1 { "" } else { "s" },
            manifests
                .iter()
                .take(3)
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
            if manifests.len() > 3 {
                format!(", +{} more", manifests.len() - 3)
            } else {
                String::new()
            },
        ),
    )
}
