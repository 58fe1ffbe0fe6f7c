//! Helm charts met during a scan, each read once: a template under
//! `<chart>/templates/` is rendered ([`crate::parse::helm`]) from the defaults in
//! `<chart>/values.yaml`, `<chart>` being the nearest directory with a `Chart.yaml`.
//! Files are read as the walk reads them (regular files only, size-limited).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::parse::helm::Chart;
use crate::source::SourceFile;

/// One chart: its directory, defaults and `values.yaml`.
#[derive(Debug)]
pub struct LoadedChart {
    /// Repository-relative directory ("" for the root).
    pub dir: String,
    /// What the templates read.
    pub chart: Chart,
    /// `values.yaml` (empty when the chart has none).
    pub values: SourceFile,
    /// Whether `values.yaml` was read and parsed.
    pub has_values: bool,
}

/// The charts of one scan, by directory.
#[derive(Debug, Default)]
pub struct Charts {
    root: PathBuf,
    loaded: Mutex<HashMap<String, Option<Arc<LoadedChart>>>>,
}

impl Charts {
    /// Charts of the repository at `root`.
    pub fn new(root: PathBuf) -> Self {
        Charts {
            root,
            loaded: Mutex::default(),
        }
    }

    /// The chart whose `templates/` directory holds `rel`, if any.
    pub fn for_template(&self, rel: &str) -> Option<Arc<LoadedChart>> {
        let segs: Vec<&str> = rel.split('/').collect();
        let last = segs.len().checked_sub(1)?;
        (0..last)
            .rev()
            .filter(|&i| segs[i] == "templates")
            .find_map(|i| self.chart_at(&segs[..i].join("/")))
    }

    fn chart_at(&self, dir: &str) -> Option<Arc<LoadedChart>> {
        if let Some(c) = self.loaded.lock().ok()?.get(dir) {
            return c.clone();
        }
        let loaded = self.load(dir).map(Arc::new);
        if let Ok(mut m) = self.loaded.lock() {
            m.insert(dir.to_string(), loaded.clone());
        }
        loaded
    }

    /// The chart's helper files (`templates/*.tpl`, at most 32), joined.
    fn helpers(&self, dir: &str) -> String {
        let templates = if dir.is_empty() {
            "templates".to_string()
        } else {
            format!("{dir}/templates")
        };
        let Some(abs) = crate::paths::to_path(&self.root, &templates) else {
            return String::new();
        };
        let Ok(entries) = std::fs::read_dir(abs) else {
            return String::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".tpl"))
            .collect();
        names.sort();
        let mut out = String::new();
        for n in names.iter().take(32) {
            if let Ok(t) = crate::files::read_repo_file(&self.root, &format!("{templates}/{n}")) {
                out.push_str(&t);
                out.push('\n');
            }
        }
        out
    }

    fn load(&self, dir: &str) -> Option<LoadedChart> {
        let join = |name: &str| {
            if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            }
        };
        let read = |rel: &str| crate::files::read_repo_file(&self.root, rel).ok();
        let chart_yaml = read(&join("Chart.yaml"))?;
        let values_path = join("values.yaml");
        let values = read(&values_path);
        let chart =
            Chart::new(Some(&chart_yaml), values.as_deref()).with_helpers(self.helpers(dir));
        let has_values = chart.values.is_some();
        Some(LoadedChart {
            dir: dir.to_string(),
            values: SourceFile::new(values_path, values.unwrap_or_default()),
            chart,
            has_values,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_chart_above_templates() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("charts/api/templates/jobs")).unwrap();
        std::fs::write(root.join("charts/api/Chart.yaml"), "name: api\n").unwrap();
        std::fs::write(root.join("charts/api/values.yaml"), "a: 1\n").unwrap();
        let charts = Charts::new(root.to_path_buf());
        let c = charts
            .for_template("charts/api/templates/jobs/x.yaml")
            .unwrap();
        assert_eq!(c.dir, "charts/api");
        assert!(c.has_values);
        assert_eq!(c.chart.name.as_deref(), Some("api"));
        assert!(charts.for_template("k8s/templates/x.yaml").is_none());
        assert!(charts.for_template("templates").is_none());
    }
}
