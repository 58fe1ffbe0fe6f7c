//! Maven `pom.xml`: the dependencies a project declares, at the versions the POM
//! resolves them to. Versions come from the `<version>` element with `${…}`
//! properties substituted, or from `<dependencyManagement>`; both are looked up
//! in the POM and in its parents that the repository holds (`<relativePath>`,
//! `../pom.xml` by default, when its coordinates match). A dependency whose
//! version comes from outside the repository (a BOM import, a parent on Maven
//! Central) has no version here and is left out, and counted.
//!
//! Without Maven's resolver there is no transitive graph: the packages are the
//! declared ones. `test` scope marks a package development-only.

use std::collections::HashMap;
use std::path::Path;

use super::model::{Ecosystem, Lockfile, Package, RootProject};

/// How many parent POMs are followed (Maven has no limit; real chains are short).
const MAX_PARENTS: usize = 8;

/// What the POM and its parents in the repository say.
#[derive(Default)]
struct Inherited {
    properties: HashMap<String, String>,
    managed: HashMap<String, String>,
}

/// Parses `pom.xml` text (`rel` relative to `root`, used to find parents).
/// Returns the lockfile and the number of dependencies left out for want of a
/// version.
pub fn parse(root: &Path, rel: &str, text: &str) -> Result<(Lockfile, usize), String> {
    let doc = roxmltree::Document::parse(text).map_err(|e| format!("not well-formed XML: {e}"))?;
    let project = doc.root_element();
    if project.tag_name().name() != "project" {
        return Err("the root element is not <project>".to_string());
    }
    let mut lf = Lockfile::new(rel, "pom.xml", Ecosystem::Maven);
    let parent = child(project, "parent");
    let group = text_of(project, "groupId").or_else(|| parent.and_then(|p| text_of(p, "groupId")));
    let artifact = text_of(project, "artifactId");
    let version =
        text_of(project, "version").or_else(|| parent.and_then(|p| text_of(p, "version")));

    // Properties and managed versions: the parents' first, this POM's over them.
    let mut inherited = Inherited::default();
    let mut chain = parents(root, rel, project);
    chain.reverse();
    for (ptext, _) in &chain {
        if let Ok(pdoc) = roxmltree::Document::parse(ptext) {
            collect(pdoc.root_element(), &mut inherited);
        }
    }
    collect(project, &mut inherited);
    let props = &mut inherited.properties;
    for (k, v) in [
        ("project.groupId", &group),
        ("pom.groupId", &group),
        ("project.artifactId", &artifact),
        ("project.version", &version),
        ("pom.version", &version),
        ("version", &version),
    ] {
        if let Some(v) = v {
            props.entry(k.to_string()).or_insert_with(|| v.clone());
        }
    }
    if let Some(p) = parent {
        if let Some(v) = text_of(p, "version") {
            props.insert("project.parent.version".to_string(), v.clone());
            props.insert("parent.version".to_string(), v);
        }
    }
    let props = &inherited.properties;
    lf.root = RootProject {
        name: artifact.clone(),
        version: version.as_deref().and_then(|v| substitute(v, props)),
        license: child(project, "licenses")
            .and_then(|l| child(l, "license"))
            .and_then(|l| text_of(l, "name")),
    };

    let mut unresolved = 0;
    for dep in child(project, "dependencies")
        .into_iter()
        .flat_map(|d| d.children().filter(|c| c.has_tag_name("dependency")))
    {
        let (Some(g), Some(a)) = (text_of(dep, "groupId"), text_of(dep, "artifactId")) else {
            continue;
        };
        let (Some(g), Some(a)) = (substitute(&g, props), substitute(&a, props)) else {
            unresolved += 1;
            continue;
        };
        let key = format!("{g}:{a}");
        let declared = text_of(dep, "version").or_else(|| inherited.managed.get(&key).cloned());
        let Some(v) = declared.and_then(|v| substitute(&v, props)).and_then(exact) else {
            unresolved += 1;
            continue;
        };
        let r = dep.range();
        let mut p = Package::new(
            Ecosystem::Maven,
            &key,
            &v,
            r.start..r.start + "<dependency>".len(),
        );
        p.dev = text_of(dep, "scope").is_some_and(|s| s == "test");
        lf.packages.push(p);
    }
    lf.direct = Some((0..lf.packages.len()).collect());
    lf.finalize(text);
    Ok((lf, unresolved))
}

/// The parent POMs the repository holds, nearest first, as (text, path).
fn parents(root: &Path, rel: &str, project: roxmltree::Node<'_, '_>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut cur_rel = rel.to_string();
    let mut cur_parent = child(project, "parent").map(|p| coordinates(p));
    while let Some((group, artifact, relative)) = cur_parent.take() {
        if out.len() >= MAX_PARENTS {
            break;
        }
        let dir = cur_rel.rsplit_once('/').map_or("", |(d, _)| d);
        let relative = relative.unwrap_or_else(|| "../pom.xml".to_string());
        let Some(prel) = join_rel(dir, &relative) else {
            break;
        };
        let Some(path) = crate::paths::to_path(root, &prel) else {
            break;
        };
        let Ok(ptext) = crate::files::read_repo_text(&path, crate::files::AUX_LIMIT) else {
            break;
        };
        let Ok(pdoc) = roxmltree::Document::parse(&ptext) else {
            break;
        };
        let pproj = pdoc.root_element();
        let pgroup = text_of(pproj, "groupId")
            .or_else(|| child(pproj, "parent").and_then(|p| text_of(p, "groupId")));
        if text_of(pproj, "artifactId") != artifact || (group.is_some() && pgroup != group) {
            break; // `relativePath` points at another project: the parent is not here
        }
        if out.iter().any(|(_, r)| *r == prel) {
            break;
        }
        cur_parent = child(pproj, "parent").map(|p| coordinates(p));
        out.push((ptext.clone(), prel.clone()));
        cur_rel = prel;
    }
    out
}

/// A `<parent>`'s groupId, artifactId and relativePath.
fn coordinates(p: roxmltree::Node<'_, '_>) -> (Option<String>, Option<String>, Option<String>) {
    let relative = text_of(p, "relativePath").map(|r| {
        if r.ends_with(".xml") {
            r
        } else {
            format!("{}/pom.xml", r.trim_end_matches('/'))
        }
    });
    (text_of(p, "groupId"), text_of(p, "artifactId"), relative)
}

/// `dir/relative` normalised (`..` resolved), `None` when it leaves the repository.
fn join_rel(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in relative.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Adds a POM's `<properties>` and `<dependencyManagement>` versions (over what is there).
fn collect(project: roxmltree::Node<'_, '_>, into: &mut Inherited) {
    if let Some(props) = child(project, "properties") {
        for p in props.children().filter(|c| c.is_element()) {
            into.properties.insert(
                p.tag_name().name().to_string(),
                p.text().unwrap_or("").trim().to_string(),
            );
        }
    }
    let managed = child(project, "dependencyManagement").and_then(|m| child(m, "dependencies"));
    for dep in managed
        .into_iter()
        .flat_map(|d| d.children().filter(|c| c.has_tag_name("dependency")))
    {
        if let (Some(g), Some(a), Some(v)) = (
            text_of(dep, "groupId"),
            text_of(dep, "artifactId"),
            text_of(dep, "version"),
        ) {
            into.managed.insert(format!("{g}:{a}"), v);
        }
    }
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name(name))
}

fn text_of(n: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    child(n, name)
        .and_then(|c| c.text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// `${name}` references replaced from `props` (nested ones too); `None` when one
/// stays unresolved.
fn substitute(s: &str, props: &HashMap<String, String>) -> Option<String> {
    let mut cur = s.to_string();
    for _ in 0..10 {
        let Some(start) = cur.find("${") else {
            return Some(cur);
        };
        let end = start + cur[start..].find('}')?;
        let value = props.get(&cur[start + 2..end])?;
        cur.replace_range(start..=end, value);
    }
    (!cur.contains("${")).then_some(cur)
}

/// A version Maven would use as is: not a range (`[1.0,2.0)`) nor empty.
fn exact(v: String) -> Option<String> {
    let v = v.trim().to_string();
    (!v.is_empty() && !v.contains(['[', '(', ',', ' '])).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.acme</groupId>
  <artifactId>acme-parent</artifactId>
  <version>${revision}</version>
  <packaging>pom</packaging>
  <properties>
    <revision>1.4.0</revision>
    <grpc.version>1.63.0</grpc.version>
    <jackson.version>2.15.0</jackson.version>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>com.fasterxml.jackson.core</groupId>
        <artifactId>jackson-databind</artifactId>
        <version>${jackson.version}</version>
      </dependency>
    </dependencies>
  </dependencyManagement>
</project>
"#;

    const CHILD: &str = r#"<project xmlns="http://maven.apache.org/POM/4.0.0">
  <parent>
    <groupId>dev.acme</groupId>
    <artifactId>acme-parent</artifactId>
    <version>${revision}</version>
  </parent>
  <artifactId>acme-serving</artifactId>
  <properties>
    <jackson.version>2.15.2</jackson.version>
  </properties>
  <dependencies>
    <!-- <dependency><groupId>x</groupId><artifactId>commented</artifactId><version>1</version></dependency> -->
    <dependency>
      <groupId>io.grpc</groupId>
      <artifactId>grpc-stub</artifactId>
      <version>${grpc.version}</version>
    </dependency>
    <dependency>
      <groupId>com.fasterxml.jackson.core</groupId>
      <artifactId>jackson-databind</artifactId>
    </dependency>
    <dependency>
      <groupId>dev.acme</groupId>
      <artifactId>acme-datatypes</artifactId>
      <version>${project.version}</version>
    </dependency>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter-api</artifactId>
      <version>5.10.3</version>
      <scope>test</scope>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-api</artifactId>
    </dependency>
    <dependency>
      <groupId>com.google.guava</groupId>
      <artifactId>guava</artifactId>
      <version>[30.0,)</version>
    </dependency>
  </dependencies>
</project>
"#;

    #[test]
    fn properties_management_and_parents_in_the_repository() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("java/serving")).unwrap();
        std::fs::write(tmp.path().join("java/pom.xml"), PARENT).unwrap();
        std::fs::write(tmp.path().join("java/serving/pom.xml"), CHILD).unwrap();
        let (lf, unresolved) = parse(tmp.path(), "java/serving/pom.xml", CHILD).unwrap();
        let got: Vec<(String, String, usize, bool)> = lf
            .packages
            .iter()
            .map(|p| (p.name.clone(), p.version.clone(), p.line, p.dev))
            .collect();
        assert_eq!(
            got,
            vec![
                ("io.grpc:grpc-stub".into(), "1.63.0".into(), 13, false),
                // Managed in the parent, the property overridden in the child.
                (
                    "com.fasterxml.jackson.core:jackson-databind".into(),
                    "2.15.2".into(),
                    18,
                    false
                ),
                ("dev.acme:acme-datatypes".into(), "1.4.0".into(), 22, false),
                (
                    "org.junit.jupiter:junit-jupiter-api".into(),
                    "5.10.3".into(),
                    27,
                    true
                ),
            ]
        );
        // slf4j (managed outside the repository) and a version range.
        assert_eq!(unresolved, 2);
        assert_eq!(lf.root.name.as_deref(), Some("acme-serving"));
        assert_eq!(lf.root.version.as_deref(), Some("1.4.0"));

        // The parent is a project too: its own dependencies only (none).
        let (plf, _) = parse(tmp.path(), "java/pom.xml", PARENT).unwrap();
        assert!(plf.packages.is_empty());
        assert_eq!(plf.root.version.as_deref(), Some("1.4.0"));
    }

    #[test]
    fn a_parent_elsewhere_is_not_guessed() {
        let tmp = tempfile::tempdir().unwrap();
        // ../pom.xml exists but is another project: not the parent.
        std::fs::create_dir_all(tmp.path().join("svc")).unwrap();
        std::fs::write(
            tmp.path().join("pom.xml"),
            "<project><groupId>x</groupId><artifactId>other</artifactId><version>1</version><properties><grpc.version>0.0.1</grpc.version></properties></project>",
        )
        .unwrap();
        let (lf, unresolved) = parse(tmp.path(), "svc/pom.xml", CHILD).unwrap();
        assert!(lf.packages.iter().all(|p| p.name != "io.grpc:grpc-stub"));
        // Only junit's version is written in the file itself.
        assert_eq!(lf.packages.len(), 1);
        assert_eq!(unresolved, 5);
    }

    #[test]
    fn broken_xml_is_an_error() {
        assert!(parse(
            Path::new("/nonexistent"),
            "pom.xml",
            "<project><dependencies>"
        )
        .is_err());
        assert!(parse(Path::new("/nonexistent"), "pom.xml", "<settings/>").is_err());
        // Nested entities (a "billion laughs" POM) end in an error or an empty
        // project, never in an expansion that exhausts memory.
        let laughs = "<!DOCTYPE p [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">]><project><name>&h;</name></project>";
        match parse(Path::new("/nonexistent"), "pom.xml", laughs) {
            Ok((lf, _)) => assert!(lf.packages.is_empty()),
            Err(e) => assert!(e.contains("XML"), "{e}"),
        }
    }
}
