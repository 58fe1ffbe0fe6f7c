//! Gradle dependency lockfiles (`gradle.lockfile`, `buildscript-gradle.lockfile`,
//! and the per-configuration `gradle/dependency-locks/*.lockfile` of Gradle 6):
//! one `group:artifact:version=configuration,…` line per resolved module, the
//! whole graph flattened. A module only on test configurations
//! (`testCompileClasspath`…) is development-only.

use super::model::{Ecosystem, Lockfile, Package};

/// Parses a Gradle lockfile.
pub fn parse(path: &str, text: &str) -> Lockfile {
    let mut lf = Lockfile::new(path, "gradle.lockfile", Ecosystem::Maven);
    let mut off = 0;
    for raw in text.split_inclusive('\n') {
        let start = off;
        off += raw.len();
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("empty=") {
            continue;
        }
        let (coords, configs) = line.split_once('=').unwrap_or((line, ""));
        let mut parts = coords.split(':');
        let (Some(g), Some(a), Some(v), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if g.is_empty() || a.is_empty() || v.is_empty() {
            continue;
        }
        let lead = raw.len() - raw.trim_start().len();
        let mut p = Package::new(
            Ecosystem::Maven,
            &format!("{g}:{a}"),
            v,
            start + lead..start + lead + line.len(),
        );
        let configs: Vec<&str> = configs.split(',').filter(|c| !c.is_empty()).collect();
        p.dev = !configs.is_empty() && configs.iter().all(|c| c.starts_with("test"));
        lf.packages.push(p);
    }
    // Gradle's lock records no edges and no direct/transitive split.
    lf.direct = Some((0..lf.packages.len()).collect());
    lf.finalize(text);
    lf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockfile_lines() {
        let text = "# This is a Gradle generated file for dependency locking.\n# Manual edits can break the build and are not advised.\n# This file is expected to be part of source control.\ncom.fasterxml.jackson.core:jackson-databind:2.15.2=compileClasspath,runtimeClasspath\norg.junit.jupiter:junit-jupiter-api:5.10.3=testCompileClasspath,testRuntimeClasspath\r\nbroken-line\nempty=annotationProcessor\n";
        let lf = parse("gradle.lockfile", text);
        let got: Vec<(&str, &str, usize, bool)> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.line, p.dev))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "com.fasterxml.jackson.core:jackson-databind",
                    "2.15.2",
                    4,
                    false
                ),
                ("org.junit.jupiter:junit-jupiter-api", "5.10.3", 5, true),
            ]
        );
    }
}
