//! Containers: non-root users, health checks, resource limits.

use std::collections::BTreeMap;

use super::super::outcome::{by_fraction, first, na, out, Outcome};
use super::super::workloads::{
    base_is_nonroot, is_root_user, trivial_healthcheck, Containers, Service,
};
use super::super::{Evidence, Profile, State};

pub(crate) fn non_root(c: &Containers, p: &Profile) -> Outcome {
    if !p.containers {
        return na("no Dockerfile, compose file or Kubernetes workload");
    }
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for d in &c.dockerfiles {
        match &d.user {
            Some((l, u)) if !is_root_user(u) => good.push(Evidence::new(
                &d.path,
                *l,
                format!("USER {u}{}", d.target_note()),
            )),
            Some((l, u)) => bad.push(Evidence::new(
                &d.path,
                *l,
                format!("USER {u}{}: runs as root", d.target_note()),
            )),
            None if base_is_nonroot(&d.base) => good.push(Evidence::new(
                &d.path,
                d.from_line,
                format!("base image {} runs as non-root{}", d.base, d.target_note()),
            )),
            None => bad.push(Evidence::new(
                &d.path,
                d.from_line,
                match &d.stage {
                    Some(t) => format!("no USER in target {t}: runs as root"),
                    None => "no USER in the final stage: runs as root".to_string(),
                },
            )),
        }
    }
    for k in &c.k8s {
        match k.non_root {
            Some((l, true)) => good.push(Evidence::new(
                &k.file,
                l,
                format!("container {}: runAsNonRoot/runAsUser", k.name),
            )),
            Some((l, false)) => bad.push(Evidence::new(
                &k.file,
                l,
                format!("container {}: runs as root", k.name),
            )),
            None if c.dockerfiles.is_empty() => bad.push(Evidence::new(
                &k.file,
                k.line,
                format!("container {}: no securityContext.runAsNonRoot", k.name),
            )),
            None => {}
        }
    }
    for s in c.services.iter().filter(|s| s.built) {
        if let Some((l, u)) = &s.user {
            if is_root_user(u) {
                bad.push(Evidence::new(
                    &s.file,
                    *l,
                    format!("service {}: user {u}", s.name),
                ));
            } else {
                good.push(Evidence::new(
                    &s.file,
                    *l,
                    format!("service {}: user {u}", s.name),
                ));
            }
        }
    }
    if good.is_empty() && bad.is_empty() {
        return na("only third-party images (compose services without a build)");
    }
    let state = by_fraction(good.len(), good.len() + bad.len());
    let summary = format!(
        "{} of {} images/workloads run as non-root",
        good.len(),
        good.len() + bad.len()
    );
    let mut ev = bad;
    ev.extend(good);
    out(state, first(ev, 6), summary)
}

pub(crate) fn healthcheck(c: &Containers, p: &Profile) -> Outcome {
    if !p.containers {
        return na("no Dockerfile, compose file or Kubernetes workload");
    }
    if p.library && !c.dockerfiles.iter().any(|d| d.healthcheck.is_some()) {
        // A tool's image runs one command and exits: there is no server to check.
        return na("tool image: runs a command and exits, nothing to health-check");
    }
    let mut ev = Vec::new();
    let mut trivial = Vec::new();
    let df_good = c
        .dockerfiles
        .iter()
        .filter(|d| match &d.healthcheck {
            Some((l, args)) => {
                let none = args.trim().eq_ignore_ascii_case("none");
                if none || trivial_healthcheck(args) {
                    trivial.push(Evidence::new(
                        &d.path,
                        *l,
                        format!("HEALTHCHECK checks nothing{}", d.target_note()),
                    ));
                    false
                } else {
                    ev.push(Evidence::new(
                        &d.path,
                        *l,
                        format!("HEALTHCHECK{}", d.target_note()),
                    ));
                    true
                }
            }
            None => false,
        })
        .count();
    let app_services: Vec<&Service> = if c.services.iter().any(|s| s.built) {
        c.services.iter().filter(|s| s.built).collect()
    } else {
        c.services.iter().collect()
    };
    let svc_good = app_services
        .iter()
        .filter(|s| match s.healthcheck {
            Some((l, true)) => {
                ev.push(Evidence::new(
                    &s.file,
                    l,
                    format!("service {}: healthcheck", s.name),
                ));
                true
            }
            Some((l, false)) => {
                trivial.push(Evidence::new(
                    &s.file,
                    l,
                    format!("service {}: healthcheck disabled or trivial", s.name),
                ));
                false
            }
            None => false,
        })
        .count();
    // A workload is covered when one of its containers is probed (sidecars rarely are).
    let mut pods: BTreeMap<(&str, usize), bool> = BTreeMap::new();
    for k in &c.k8s {
        let covered = pods.entry((k.file.as_str(), k.pod)).or_insert(false);
        if let Some((l, path)) = &k.probe {
            if !*covered {
                ev.push(Evidence::new(
                    &k.file,
                    *l,
                    format!("container {}: probe {path}", k.name),
                ));
            }
            *covered = true;
        }
    }
    let k8s_good = pods.values().filter(|v| **v).count();
    let k8s_total = pods.len();
    let helm_good = c.helm.iter().filter(|h| h.1).count();
    for h in c.helm.iter().filter(|h| h.1) {
        ev.push(Evidence::new(&h.0, 1, "probes in Helm template"));
    }
    let full = |good: usize, total: usize| total > 0 && good == total;
    let state = if full(df_good, c.dockerfiles.len())
        || full(svc_good, app_services.len())
        || full(k8s_good, k8s_total)
        || full(helm_good, c.helm.len())
    {
        State::Done
    } else if df_good + svc_good + k8s_good + helm_good > 0 {
        State::Partial
    } else {
        State::Missing
    };
    let summary = match state {
        State::Done => "every image or service of one runtime layer has a health check".to_string(),
        State::Partial => "some images or services have no health check".to_string(),
        _ => "no HEALTHCHECK, compose healthcheck or probe".to_string(),
    };
    if state != State::Done {
        for d in c.dockerfiles.iter().filter(|d| d.healthcheck.is_none()) {
            ev.push(Evidence::new(
                &d.path,
                d.from_line,
                format!("no HEALTHCHECK{}", d.target_note()),
            ));
        }
        for s in app_services.iter().filter(|s| s.healthcheck.is_none()) {
            ev.push(Evidence::new(
                &s.file,
                s.line,
                format!("service {}: no healthcheck", s.name),
            ));
        }
    }
    ev.extend(trivial);
    out(state, first(ev, 6), summary)
}

pub(crate) fn resource_limits(c: &Containers, p: &Profile) -> Outcome {
    if !p.containers {
        return na("no Dockerfile, compose file or Kubernetes workload");
    }
    if c.services.is_empty() && c.k8s.is_empty() && c.helm.is_empty() {
        return na("no compose or Kubernetes definitions (limits are set where containers run)");
    }
    // Compose services by directory and name: an override or prod file beside
    // the base file that gives limits counts; a service of the same name in an
    // unrelated directory is another service.
    let mut by_name: BTreeMap<(&str, &str), (Option<Evidence>, Evidence)> = BTreeMap::new();
    for s in &c.services {
        let dir = crate::model::paths::dir_of(&s.file);
        let e = by_name.entry((dir, s.name.as_str())).or_insert_with(|| {
            (
                None,
                Evidence::new(&s.file, s.line, format!("service {}: no limits", s.name)),
            )
        });
        if let Some(l) = s.limits {
            e.0 = Some(Evidence::new(
                &s.file,
                l,
                format!("service {}: limits", s.name),
            ));
        }
    }
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for (_, (ok, missing)) in by_name {
        match ok {
            Some(e) => good.push(e),
            None => bad.push(missing),
        }
    }
    for k in &c.k8s {
        match k.limits {
            None if c.limit_range.is_some() => {}
            Some(l) => good.push(Evidence::new(
                &k.file,
                l,
                format!("container {}: resources.limits", k.name),
            )),
            None => bad.push(Evidence::new(
                &k.file,
                k.line,
                format!("container {}: no resources.limits", k.name),
            )),
        }
    }
    if let Some(lr) = &c.limit_range {
        good.push(lr.clone());
    }
    for (path, _, limits) in &c.helm {
        if *limits {
            good.push(Evidence::new(path, 1, "resources in Helm template"));
        } else {
            bad.push(Evidence::new(path, 1, "no resources in Helm template"));
        }
    }
    let total = good.len() + bad.len();
    let state = by_fraction(good.len(), total);
    let summary = format!("{} of {total} services/containers have limits", good.len());
    let mut ev = bad;
    ev.extend(good);
    out(state, first(ev, 6), summary)
}
