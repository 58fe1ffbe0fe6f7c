//! What each compose service's application is and whether it registers a health
//! route: the cross-file fact behind "`/health` on 5 of 6 collectors". A service's
//! application is the source under its build context when no other service builds
//! from that context, and only the module its `command` (or its image's `CMD`)
//! starts when several services share one context (six collectors, one image).

use std::collections::BTreeMap;

use super::code::SourceFacts;
use super::containers::{launch_target, Service};
use super::paths::join;
use super::routes::{RouteFact, RouteKind};
use super::{Evidence, Repository};

/// One compose service that builds its own application, with its health facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceHealth {
    /// The compose file.
    pub file: String,
    /// Service name.
    pub name: String,
    /// Line of the service key.
    pub line: usize,
    /// The module the service starts, when known (repository path).
    pub entry: Option<String>,
    /// The first health or readiness route its application registers: (file, line, path).
    pub health: Option<(String, usize, String)>,
    /// Where its application listens (a web framework, a metrics server): (file, line),
    /// the place a health route would go when it has none.
    pub listens: Option<(String, usize)>,
}

/// The repository path of the module a service starts: its `command`, resolved in
/// its build context, or its image's `CMD`/`ENTRYPOINT` as the `COPY`s place it.
fn entry_of(repo: &Repository, s: &Service) -> Option<String> {
    let b = s.build.as_ref()?;
    if let Some((_, words)) = &s.command {
        let (written, module) = launch_target(words)?;
        let rel = if module {
            format!("{}.py", written.replace('.', "/"))
        } else {
            written
        };
        let path = join(&b.context, &rel)?;
        return repo.has(&path).then_some(path);
    }
    let si = repo.image_for_service(s)?;
    let mut stage = si.image.stages.get(si.stage);
    while let Some(st) = stage {
        if let Some(l) = st.launches.iter().find(|l| l.found) {
            return Some(l.repo.clone());
        }
        if st.cmd.is_some() || st.entrypoint.is_some() {
            return None;
        }
        stage = st.parent.and_then(|p| si.image.stages.get(p));
    }
    None
}

/// Whether `path` is under directory `dir` (`""`: the repository root).
fn under(dir: &str, path: &str) -> bool {
    dir.is_empty() || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// The first item of `items` whose file is in the application.
fn first_in<'a, T>(
    items: impl Iterator<Item = &'a T>,
    file: impl Fn(&T) -> &str,
    in_app: &dyn Fn(&str) -> bool,
) -> Option<&'a T> {
    let mut v: Vec<&T> = items.filter(|i| in_app(file(i))).collect();
    v.sort_by(|a, b| file(a).cmp(file(b)));
    v.into_iter().next()
}

/// The compose services of shipped compose files that build their application
/// here, with the health route it registers and where it listens.
pub fn service_health(repo: &Repository) -> Vec<ServiceHealth> {
    let code: &SourceFacts = repo.code();
    let built: Vec<&Service> = repo
        .services()
        .iter()
        .filter(|s| s.build.is_some())
        .filter(|s| {
            let role = repo.role(&s.file);
            !(role.dev_only || role.template || role.by_path != crate::roles::FileRole::Production)
        })
        .collect();
    let mut per_context: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &built {
        if let Some(b) = &s.build {
            *per_context.entry(b.context.as_str()).or_default() += 1;
        }
    }
    let mut out = Vec::new();
    for s in built {
        let Some(b) = &s.build else { continue };
        let entry = entry_of(repo, s);
        let shared = per_context.get(b.context.as_str()).copied().unwrap_or(0) > 1;
        let in_app = |f: &str| match (&entry, shared) {
            (Some(e), true) => f == e,
            (None, true) => false,
            (_, false) => under(&b.context, f),
        };
        let health = first_in(
            code.routes
                .iter()
                .filter(|r| matches!(r.kind, RouteKind::Health | RouteKind::Ready)),
            |r: &RouteFact| r.file.as_str(),
            &in_app,
        )
        .map(|r| (r.file.clone(), r.line, r.path.clone()));
        let listens = first_in(
            code.web.iter().chain(code.metrics.iter()),
            |e: &Evidence| e.path.as_str(),
            &in_app,
        )
        .map(|e| (e.path.clone(), e.line));
        out.push(ServiceHealth {
            file: s.file.clone(),
            name: s.name.clone(),
            line: s.line,
            entry,
            health,
            listens,
        });
    }
    out
}

/// The services that listen but register no health route, in compose files where
/// a sibling service does: the gap a lead closes by copying the sibling's route.
/// Returns (without, with) per compose file, only where both are non-empty.
pub fn health_gaps(all: &[ServiceHealth]) -> Vec<(Vec<&ServiceHealth>, Vec<&ServiceHealth>)> {
    let mut by_file: BTreeMap<&str, Vec<&ServiceHealth>> = BTreeMap::new();
    for s in all {
        by_file.entry(s.file.as_str()).or_default().push(s);
    }
    by_file
        .into_values()
        .filter_map(|svcs| {
            let with: Vec<&ServiceHealth> = svcs
                .iter()
                .copied()
                .filter(|s| s.health.is_some())
                .collect();
            let without: Vec<&ServiceHealth> = svcs
                .iter()
                .copied()
                .filter(|s| s.health.is_none() && s.listens.is_some())
                .collect();
            (!with.is_empty() && !without.is_empty()).then_some((without, with))
        })
        .collect()
}
