//! `docker/unreferenced-dockerfile`: several Dockerfiles, and some of them built or
//! named by nothing in the repository, so nobody can tell which image ships.

use crate::finding::{Related, Severity};
use crate::roles::FileRole;
use crate::rules::{RepoCx, RepoSink, Rule, RuleMeta};
use crate::source::SourceFile;

/// See [`META`].
pub struct UnreferencedDockerfile;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/unreferenced-dockerfile",
    summary:
        "Dockerfiles that no workflow, compose file, script, build tool or document builds or names",
    severity: Severity::Low,
    docs: r#"
## Why
A repository with eleven Dockerfiles and a release workflow that builds two of them
leaves everyone guessing: which image is the one in production, which are
experiments, which are stale copies that still install last year's dependencies?
Fixes go into the wrong file, scanners report problems in images nobody runs, and
the image that does ship is reviewed less.

The rule uses the repository model's "who builds this Dockerfile": `docker build
-f`/`docker buildx build`/`podman build` in workflows, scripts, Makefiles and docs
code blocks (a directory build, `docker build services/api`, builds
`services/api/Dockerfile`), compose `build:` (`context:` + `dockerfile:`),
`docker/build-push-action` `file:`/`context:`, bake files (`docker-bake.hcl`/`.json`
targets), skaffold artifacts, chartpress images (`chartpress.yaml`: each key under a
chart's `images:` builds `images/<name>/Dockerfile` unless `contextPath` or
`dockerfilePath` says otherwise), `devcontainer.json` (`dockerFile`, `build.dockerfile`),
Tiltfile `docker_build`, `docker build` lines in other CI systems' files
(`.gitlab-ci.yml`, `Jenkinsfile`, `cloudbuild.yaml`), and any text that names the
Dockerfile's path (a README table, a platform manifest's `dockerfilePath`).

A `docker` entry of `.github/dependabot.yml` whose directory holds only that
Dockerfile names it too: the maintainers keep that image's base updated (a tool that
renders and builds `templates/build/<image>/Dockerfile` itself is invisible otherwise).
So does a compose service that runs the image of a Dockerfile's own directory
(`Containers/onlyoffice/Dockerfile` and `image: ghcr.io/acme/aio-onlyoffice:latest`):
the image is built by a pipeline outside the repository and run here.

Reported (low, hygiene) when the repository has two or more shipped Dockerfiles and
some are referenced by none of these: one finding at the first, the others as
related locations. Not counted: the root `Dockerfile`/`Containerfile` (what `docker
build .` and hosting platforms build by default), Dockerfiles under tests, examples,
vendored, archived or development directories (test code and tutorials build them),
and development or CI images by name or directory (`Dockerfile.dev`,
`extras/docker/development/Dockerfile`).

## Example
```text
Dockerfile                  # built by .github/workflows/release.yml
docker/Dockerfile.gpu       # referenced by nothing
docker/Dockerfile.old       # referenced by nothing
```

## Fix
Delete the Dockerfiles that are no longer built, or say where each is used: build it
from CI, list it in the README with the command that builds it, or move experiments
under `examples/`.
"#,
};

/// The default Dockerfile of a root `docker build .`.
fn is_root_default(path: &str) -> bool {
    matches!(path, "Dockerfile" | "Containerfile" | "dockerfile")
}

/// A location at the first `FROM` of a Dockerfile (line 1 when it has none), and the line.
fn locate(repo: &RepoCx<'_>, path: &str, line: usize, message: &str) -> (Related, String) {
    let text = repo.read_text(path).unwrap_or_default();
    let file = SourceFile::new(path, text);
    let l = line.saturating_sub(1);
    let span = file.lines.line_range(&file.text, l);
    let snippet = file.lines.line_text(&file.text, l).to_string();
    (
        Related {
            path: path.into(),
            region: file.region(&span),
            span,
            message: message.to_string(),
        },
        snippet,
    )
}

/// The `directory`/`directories` values of the `docker` entries of the repository's
/// Dependabot configuration.
fn dependabot_docker_dirs(repo: &RepoCx<'_>) -> Vec<String> {
    let Some(text) = [".github/dependabot.yml", ".github/dependabot.yaml"]
        .iter()
        .find_map(|p| repo.read_text(p))
    else {
        return Vec::new();
    };
    let yaml = crate::parse::yaml::parse(&text);
    let mut out = Vec::new();
    for doc in &yaml.documents {
        let Some(root) = &doc.root else { continue };
        for e in crate::rules::repo::dependabot::entries(root) {
            if e.ecosystem == Some("docker") {
                out.extend(e.dirs.iter().map(|(d, _)| d.to_string()));
            }
        }
    }
    out
}

/// Whether a `docker` entry of the Dependabot configuration names the Dockerfile's own
/// directory literally (not by a glob) and that directory holds no other Dockerfile: the maintainers keep that
/// one image's base updated (`/tutor/templates/build/openedx`, where a tool renders
/// and builds the file), so the configuration names it. A directory of several
/// Dockerfiles (`/docker` with `Dockerfile.develop` and `Dockerfile.jupyter`) names none
/// of them in particular.
fn named_by_dependabot(dockerfile: &str, all: &[&str], watched: &[String]) -> bool {
    let dir_of =
        |p: &str| crate::ecosystems::normalize_dir(p.rsplit_once('/').map_or("", |(d, _)| d));
    let dir = dir_of(dockerfile);
    // A glob (`directories: ["**/*"]`) covers every directory and names none.
    watched
        .iter()
        .filter(|w| !w.contains(['*', '?', '[', '{']))
        .any(|w| crate::ecosystems::normalize_dir(w) == dir)
        && all.iter().filter(|p| dir_of(p) == dir).count() == 1
}

/// Directory names too generic to stand for one image.
const GENERIC_DIRS: &[&str] = &[
    "docker",
    "build",
    "container",
    "containers",
    "image",
    "images",
    "app",
    "src",
    "deploy",
];

/// Whether a `Dockerfile` in a directory of its own (`Containers/onlyoffice/Dockerfile`)
/// is the image a compose service of the repository runs: a service's image whose name
/// is that directory's, alone or after a prefix (`ghcr.io/acme/aio-onlyoffice:latest`).
/// The image is built elsewhere (a release pipeline outside the repository) and run
/// here, which names it as well as a `build:` would.
fn named_by_service_image(dockerfile: &str, images: &[&str]) -> bool {
    let Some((dir, "Dockerfile")) = dockerfile.rsplit_once('/') else {
        return false;
    };
    let name = dir.rsplit('/').next().unwrap_or(dir).to_ascii_lowercase();
    if name.len() < 3 || GENERIC_DIRS.contains(&name.as_str()) {
        return false;
    }
    images.iter().any(|image| {
        let image = image.to_ascii_lowercase();
        let repo = image.split('@').next().unwrap_or(&image);
        let last = repo.rsplit('/').next().unwrap_or(repo);
        let last = last.split(':').next().unwrap_or(last);
        last == name
            || last
                .strip_suffix(name.as_str())
                .is_some_and(|p| p.ends_with(['-', '_']))
    })
}

impl Rule for UnreferencedDockerfile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants_all_text(&self) -> bool {
        // Other CI systems' files, `devcontainer.json`, Tiltfiles and READMEs are
        // where Dockerfiles are built or named; the model reads them only when read.
        true
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let model = repo.model;
        let shipped: Vec<_> = model
            .images()
            .iter()
            .filter(|i| {
                let role = model.role(&i.dockerfile);
                role.by_path == FileRole::Production
                    && !role.dev_only
                    && !super::util::dev_or_ci_image(&i.dockerfile)
            })
            .collect();
        if shipped.len() < 2 {
            return;
        }
        let watched = dependabot_docker_dirs(repo);
        let service_images: Vec<&str> = model
            .services()
            .iter()
            .filter_map(|s| s.image.as_deref())
            .collect();
        let all: Vec<&str> = model
            .images()
            .iter()
            .map(|i| i.dockerfile.as_str())
            .collect();
        let unreferenced: Vec<_> = shipped
            .iter()
            .filter(|i| {
                !is_root_default(&i.dockerfile)
                    && !named_by_dependabot(&i.dockerfile, &all, &watched)
                    && !named_by_service_image(&i.dockerfile, &service_images)
                    && model
                        .references_to(&i.dockerfile)
                        .all(|r| r.from == i.dockerfile)
            })
            .collect();
        let Some((first, rest)) = unreferenced.split_first() else {
            return;
        };
        let from_line = |i: &crate::model::Image| i.stages.first().map_or(1, |s| s.line);
        let (at, snippet) = locate(
            repo,
            &first.dockerfile,
            from_line(first),
            "built by nothing",
        );
        let n = unreferenced.len();
        let m = shipped.len();
        let which = if n == 1 {
            "this Dockerfile is".to_string()
        } else {
            format!("{n} of the repository's {m} Dockerfiles are")
        };
        let message = format!(
            "{which} built or named by nothing in the repository (no workflow, compose file, Makefile, script, build tool configuration or document): delete what is no longer used, or document which image each builds and how"
        );
        let related: Vec<Related> = rest
            .iter()
            .map(|i| locate(repo, &i.dockerfile, from_line(i), "built by nothing either").0)
            .collect();
        let f = out.report(at, snippet, message);
        f.related = related.into();
    }
}
