//! A layered drawing of a dependency graph (the plan's tasks) as inline SVG.
//!
//! Sugiyama-style, small and deterministic:
//! 1. cycles (which a plan should not have) are broken by reversing DFS back edges;
//! 2. longest-path layering: every node sits one layer right of its latest blocker.
//!    With `group_bands`, groups (phases) also start no earlier than the previous group's
//!    first layer plus its internal depth, so the drawing reads left to right by phase;
//! 3. edges spanning several layers get dummy nodes, so they can bend around boxes;
//! 4. crossing reduction: barycentric ordering, alternating down and up sweeps, keeping
//!    the order with the fewest crossings;
//! 5. vertical placement: each node is pulled toward the mean of its neighbours with the
//!    order and a minimum gap kept exactly (isotonic regression, pool-adjacent-violators);
//! 6. edges are smooth cubic curves between columns, horizontal through dummy nodes.

use std::collections::BTreeSet;
use std::fmt::Write as _;

/// One box of the graph.
#[derive(Debug, Clone, Default)]
pub struct DagNode {
    /// Short id shown in bold (`T07`).
    pub id: String,
    /// Title, wrapped inside the box.
    pub title: String,
    /// A short note after the id (`4h`).
    pub note: String,
    /// Group (phase) index: colour, and ordering with `group_bands`.
    pub group: usize,
    /// Tooltip text (full title, blockers).
    pub tooltip: String,
}

/// Layout options.
#[derive(Debug, Clone, Copy)]
pub struct DagOptions {
    /// Keep groups in bands from left to right (see the module docs).
    pub group_bands: bool,
    /// Layers as rows from top to bottom (else columns from left to right).
    pub vertical: bool,
    /// Box width in pixels.
    pub node_width: f64,
    /// Horizontal gap between layers.
    pub layer_gap: f64,
    /// Minimum vertical gap between boxes of one layer.
    pub node_gap: f64,
    /// At most this many boxes side by side in one layer (0: no limit); the rest wrap
    /// to further layers, so forty independent tasks do not make a graph 8,000 px wide.
    pub max_per_layer: usize,
}

impl Default for DagOptions {
    fn default() -> Self {
        DagOptions {
            group_bands: true,
            vertical: true,
            node_width: 188.0,
            layer_gap: 44.0,
            node_gap: 18.0,
            max_per_layer: 0,
        }
    }
}

/// A placed box (real nodes only).
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedNode {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// Layer (column).
    pub layer: usize,
    /// Title lines after wrapping.
    pub lines: Vec<String>,
}

/// A routed edge from blocker to blocked.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutedEdge {
    /// Source node index.
    pub from: usize,
    /// Target node index.
    pub to: usize,
    /// SVG path data.
    pub path: String,
    /// The edge closed a cycle and is drawn against the flow.
    pub reversed: bool,
}

/// The result of [`layout`].
#[derive(Debug, Clone)]
pub struct DagLayout {
    /// One entry per input node, same order.
    pub nodes: Vec<PlacedNode>,
    /// Edges after clean-up (self loops, duplicates and bad indexes dropped).
    pub edges: Vec<RoutedEdge>,
    /// Node order per layer, dummies excluded (index into `nodes`).
    pub layers: Vec<Vec<usize>>,
    /// Total width.
    pub width: f64,
    /// Total height.
    pub height: f64,
    /// Edge crossings between adjacent layers in the final order.
    pub crossings: usize,
}

const MARGIN: f64 = 16.0;
const HEADER_H: f64 = 20.0;
const LINE_H: f64 = 15.0;
const PAD_Y: f64 = 8.0;
const CHAR_W: f64 = 6.4;
const MAX_LINES: usize = 3;
const DUMMY_H: f64 = 2.0;

/// Colours per group (phase), readable on light and dark backgrounds.
pub const PALETTE: [&str; 8] = [
    "#e5484d", "#f76b15", "#d6a000", "#30a46c", "#0090ff", "#8e4ec6", "#d6409f", "#12a594",
];

/// Colour of group `g`.
pub fn group_color(g: usize) -> &'static str {
    PALETTE[g % PALETTE.len()]
}

/// Wraps `text` into lines of at most `width` characters (words longer than that are cut),
/// at most `max` lines, the last one ending in `…` when text was dropped.
pub fn wrap(text: &str, width: usize, max: usize) -> Vec<String> {
    let width = width.max(4);
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let mut word: String = word.to_string();
        loop {
            let wl = word.chars().count();
            let cl = cur.chars().count();
            if cl == 0 && wl <= width {
                cur = word;
                break;
            } else if cl > 0 && cl + 1 + wl <= width {
                cur.push(' ');
                cur.push_str(&word);
                break;
            } else if cl > 0 {
                lines.push(std::mem::take(&mut cur));
            } else {
                let head: String = word.chars().take(width).collect();
                let rest: String = word.chars().skip(width).collect();
                lines.push(head);
                word = rest;
                if word.is_empty() {
                    break;
                }
            }
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            let keep: String = last.chars().take(width.saturating_sub(1)).collect();
            *last = format!("{}…", keep.trim_end());
        }
    }
    lines
}

struct Graph {
    /// Real nodes then dummies.
    n_real: usize,
    layer: Vec<usize>,
    height: Vec<f64>,
    /// Adjacency between consecutive layers (after dummy insertion).
    succ: Vec<Vec<usize>>,
    pred: Vec<Vec<usize>>,
}

/// Lays out `nodes` with `edges` (`(blocker, blocked)` index pairs).
pub fn layout(nodes: &[DagNode], edges: &[(usize, usize)], opts: &DagOptions) -> DagLayout {
    let n = nodes.len();
    // 1. clean edges
    let mut set = BTreeSet::new();
    for &(a, b) in edges {
        if a < n && b < n && a != b {
            set.insert((a, b));
        }
    }
    let clean: Vec<(usize, usize)> = set.into_iter().collect();
    let reversed = back_edges(n, &clean);
    let dag: Vec<(usize, usize)> = clean
        .iter()
        .map(|&(a, b)| {
            if reversed.contains(&(a, b)) {
                (b, a)
            } else {
                (a, b)
            }
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();

    // 2. layering
    let mut layer = assign_layers(nodes, &dag, opts.group_bands);
    if opts.max_per_layer > 0 {
        wrap_layers(&mut layer, &dag, opts.max_per_layer);
    }

    // box sizes
    // Text starts 12 px in; a line of lower-case words measures up to about 6.8 px a
    // character in the system sans fonts, so wrap for 7 to stay inside the box.
    let chars = ((opts.node_width - 20.0) / 7.0).floor().max(8.0) as usize;
    let lines: Vec<Vec<String>> = nodes
        .iter()
        .map(|d| wrap(&d.title, chars, MAX_LINES))
        .collect();
    let box_h: Vec<f64> = lines
        .iter()
        .map(|l| HEADER_H + PAD_Y + l.len().max(1) as f64 * LINE_H + PAD_Y / 2.0)
        .collect();
    // size across the layer axis: heights when layers are columns, widths when rows
    let mut cross_size: Vec<f64> = if opts.vertical {
        vec![opts.node_width; n]
    } else {
        box_h.clone()
    };

    // 3. dummies
    let mut g = Graph {
        n_real: n,
        layer: layer.clone(),
        height: Vec::new(),
        succ: vec![Vec::new(); n],
        pred: vec![Vec::new(); n],
    };
    // chains[i] = node sequence for dag edge i (source, dummies…, target)
    let mut chains: Vec<Vec<usize>> = Vec::new();
    for &(a, b) in &dag {
        let mut chain = vec![a];
        let mut prev = a;
        for l in (layer[a] + 1)..layer[b] {
            let d = g.layer.len();
            g.layer.push(l);
            g.succ.push(Vec::new());
            g.pred.push(Vec::new());
            cross_size.push(DUMMY_H);
            g.succ[prev].push(d);
            g.pred[d].push(prev);
            chain.push(d);
            prev = d;
        }
        g.succ[prev].push(b);
        g.pred[b].push(prev);
        chain.push(b);
        chains.push(chain);
    }
    g.height = cross_size;
    let total = g.layer.len();
    let n_layers = g.layer.iter().copied().max().map_or(0, |m| m + 1);

    // 4. ordering
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); n_layers];
    let mut initial: Vec<usize> = (0..total).collect();
    initial.sort_by_key(|&v| {
        let grp = if v < n { nodes[v].group } else { usize::MAX };
        (g.layer[v], grp, v)
    });
    for v in initial {
        order[g.layer[v]].push(v);
    }
    let order = reduce_crossings(&g, order);
    let crossings = count_all(&g, &order);

    // 5. coordinates: `cross` within a layer, `main` along the layer axis
    let cross = place_vertically(&g, &order, opts.node_gap);
    let min_c = cross.iter().copied().fold(f64::INFINITY, f64::min);
    let shift = if min_c.is_finite() {
        MARGIN - min_c
    } else {
        0.0
    };
    let cross: Vec<f64> = cross.iter().map(|v| v + shift).collect();
    let mut cross_total: f64 = MARGIN * 2.0;
    for (c, size) in cross.iter().zip(&g.height) {
        cross_total = cross_total.max(c + size + MARGIN);
    }
    // thickness of each layer along the main axis
    let thickness: Vec<f64> = (0..n_layers)
        .map(|l| {
            if opts.vertical {
                (0..n)
                    .filter(|&v| layer[v] == l)
                    .map(|v| box_h[v])
                    .fold(0.0, f64::max)
            } else {
                opts.node_width
            }
        })
        .collect();
    let mut main_start = Vec::with_capacity(n_layers);
    let mut acc = MARGIN;
    for t in &thickness {
        main_start.push(acc);
        acc += t + opts.layer_gap;
    }
    let main_total = if n_layers == 0 {
        MARGIN * 2.0
    } else {
        acc - opts.layer_gap + MARGIN
    };
    let (width_total, height_total) = if opts.vertical {
        (cross_total, main_total)
    } else {
        (main_total, cross_total)
    };
    // main-axis extent of node v: real boxes are centred in their layer's band
    let main_span = |v: usize| -> (f64, f64) {
        let l = g.layer[v];
        let (start, t) = (main_start[l], thickness[l]);
        if v < n && opts.vertical {
            let off = (t - box_h[v]) / 2.0;
            (start + off, start + off + box_h[v])
        } else {
            (start, start + t)
        }
    };
    let to_xy = |main: f64, c: f64| -> (f64, f64) {
        if opts.vertical {
            (c, main)
        } else {
            (main, c)
        }
    };

    let placed: Vec<PlacedNode> = (0..n)
        .map(|v| {
            let (m0, _) = main_span(v);
            let (x, y) = to_xy(m0, cross[v]);
            PlacedNode {
                x,
                y,
                w: opts.node_width,
                h: box_h[v],
                layer: g.layer[v],
                lines: lines[v].clone(),
            }
        })
        .collect();

    // 6. edges, with ports spread along the box sides facing the next layer
    let mut out_ports: Vec<Vec<usize>> = vec![Vec::new(); total];
    let mut in_ports: Vec<Vec<usize>> = vec![Vec::new(); total];
    for v in 0..total {
        let mut s = g.succ[v].clone();
        s.sort_by(|a, b| cross[*a].total_cmp(&cross[*b]));
        out_ports[v] = s;
        let mut p = g.pred[v].clone();
        p.sort_by(|a, b| cross[*a].total_cmp(&cross[*b]));
        in_ports[v] = p;
    }
    let port = |v: usize, k: usize, count: usize| -> f64 {
        let size = g.height[v];
        if v >= n {
            return cross[v] + size / 2.0;
        }
        let span = (size - 12.0).max(0.0);
        cross[v] + 6.0 + span * (k as f64 + 1.0) / (count as f64 + 1.0)
    };
    let mut routed = Vec::new();
    for (i, chain) in chains.iter().enumerate() {
        let (a, b) = dag[i];
        // points in (main, cross): the source port, one point per dummy (the middle of
        // its band), the target port; then a Catmull-Rom spline through them, leaving and
        // entering the boxes along the main axis
        let mut pts: Vec<(f64, f64)> = Vec::new();
        for w in chain.windows(2) {
            let (u, v) = (w[0], w[1]);
            if pts.is_empty() {
                let ku = out_ports[u].iter().position(|&s| s == v).unwrap_or(0);
                pts.push((main_span(u).1, port(u, ku, out_ports[u].len())));
            }
            if v >= n {
                let (m0, m1) = main_span(v);
                pts.push(((m0 + m1) / 2.0, cross[v] + g.height[v] / 2.0));
            } else {
                let kv = in_ports[v].iter().position(|&p| p == u).unwrap_or(0);
                pts.push((main_span(v).0, port(v, kv, in_ports[v].len())));
            }
        }
        let mut d = String::new();
        if let Some(&(m, c)) = pts.first() {
            let (x, y) = to_xy(m, c);
            let _ = write!(d, "M{x:.1},{y:.1}");
        }
        let last = pts.len().saturating_sub(1);
        let tangent = |k: usize| -> (f64, f64) {
            if k == 0 || k == last {
                // along the main axis only
                let other = if k == 0 {
                    pts.get(1)
                } else {
                    pts.get(k.wrapping_sub(1))
                };
                let dm = other.map_or(opts.layer_gap, |o| (o.0 - pts[k].0).abs());
                (dm, 0.0)
            } else {
                (
                    (pts[k + 1].0 - pts[k - 1].0) / 2.0,
                    (pts[k + 1].1 - pts[k - 1].1) / 2.0,
                )
            }
        };
        for k in 0..last {
            let (p0, p1) = (pts[k], pts[k + 1]);
            let (t0, t1) = (tangent(k), tangent(k + 1));
            let (c1x, c1y) = to_xy(p0.0 + t0.0 / 3.0, p0.1 + t0.1 / 3.0);
            let (c2x, c2y) = to_xy(p1.0 - t1.0 / 3.0, p1.1 - t1.1 / 3.0);
            let (x, y) = to_xy(p1.0, p1.1);
            if (p0.1 - p1.1).abs() < 0.1 && t0.1.abs() < 0.1 && t1.1.abs() < 0.1 {
                let _ = write!(d, " L{x:.1},{y:.1}");
            } else {
                let _ = write!(d, " C{c1x:.1},{c1y:.1} {c2x:.1},{c2y:.1} {x:.1},{y:.1}");
            }
        }
        let was_reversed = !clean.contains(&(a, b));
        let (from, to) = if was_reversed { (b, a) } else { (a, b) };
        routed.push(RoutedEdge {
            from,
            to,
            path: d,
            reversed: was_reversed,
        });
    }

    let layers_real: Vec<Vec<usize>> = order
        .iter()
        .map(|l| l.iter().copied().filter(|&v| v < n).collect())
        .collect();

    DagLayout {
        nodes: placed,
        edges: routed,
        layers: layers_real,
        width: width_total,
        height: height_total,
        crossings,
    }
}

/// Edges that close a cycle in a DFS in index order.
fn back_edges(n: usize, edges: &[(usize, usize)]) -> BTreeSet<(usize, usize)> {
    let mut adj = vec![Vec::new(); n];
    for &(a, b) in edges {
        adj[a].push(b);
    }
    // 0 = new, 1 = on stack, 2 = done
    let mut state = vec![0u8; n];
    let mut back = BTreeSet::new();
    for s in 0..n {
        if state[s] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(s, 0)];
        state[s] = 1;
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            if *i < adj[v].len() {
                let w = adj[v][*i];
                *i += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => {
                        back.insert((v, w));
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    back
}

/// Topological order (Kahn, smallest index first); `dag` must be acyclic.
fn topo(n: usize, dag: &[(usize, usize)]) -> Vec<usize> {
    let mut indeg = vec![0usize; n];
    let mut adj = vec![Vec::new(); n];
    for &(a, b) in dag {
        adj[a].push(b);
        indeg[b] += 1;
    }
    let mut ready: BTreeSet<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    let mut out = Vec::with_capacity(n);
    while let Some(v) = ready.pop_first() {
        out.push(v);
        for &w in &adj[v] {
            indeg[w] -= 1;
            if indeg[w] == 0 {
                ready.insert(w);
            }
        }
    }
    // Defensive: anything left (cannot happen for a DAG) goes last.
    if out.len() < n {
        let seen: BTreeSet<usize> = out.iter().copied().collect();
        out.extend((0..n).filter(|v| !seen.contains(v)));
    }
    out
}

fn assign_layers(nodes: &[DagNode], dag: &[(usize, usize)], bands: bool) -> Vec<usize> {
    let n = nodes.len();
    let order = topo(n, dag);
    let mut preds = vec![Vec::new(); n];
    for &(a, b) in dag {
        preds[b].push(a);
    }
    let mut min_layer = vec![0usize; n];
    if bands {
        // Depth of each group when laid out alone (its internal longest path).
        let groups: BTreeSet<usize> = nodes.iter().map(|d| d.group).collect();
        let mut local = vec![0usize; n];
        for &v in &order {
            local[v] = preds[v]
                .iter()
                .filter(|&&p| nodes[p].group == nodes[v].group)
                .map(|&p| local[p] + 1)
                .max()
                .unwrap_or(0);
        }
        let mut offset = 0usize;
        for grp in groups {
            let depth = (0..n)
                .filter(|&v| nodes[v].group == grp)
                .map(|v| local[v] + 1)
                .max()
                .unwrap_or(0);
            for v in 0..n {
                if nodes[v].group == grp {
                    min_layer[v] = offset;
                }
            }
            offset += depth;
        }
    }
    let mut layer = vec![0usize; n];
    for &v in &order {
        let from_preds = preds[v].iter().map(|&p| layer[p] + 1).max().unwrap_or(0);
        layer[v] = from_preds.max(min_layer[v]);
    }
    // Close gaps: empty layers (possible with bands) are removed, keeping the order.
    let used: BTreeSet<usize> = layer.iter().copied().collect();
    let remap: std::collections::BTreeMap<usize, usize> =
        used.iter().enumerate().map(|(i, &l)| (l, i)).collect();
    layer
        .iter()
        .map(|l| remap.get(l).copied().unwrap_or(0))
        .collect()
}

/// Moves the boxes beyond `max` of a layer to the next one (those with no successor
/// first, then the last in index order), pushing successors down so every edge still
/// goes to a later layer. Terminates: layers are visited once each from the top, a
/// visited layer is never refilled, and no node goes below layer `n` (a chain of
/// `n` nodes at one per layer at worst).
fn wrap_layers(layer: &mut [usize], dag: &[(usize, usize)], max: usize) {
    let n = layer.len();
    let mut has_succ = vec![false; n];
    for &(a, _) in dag {
        has_succ[a] = true;
    }
    let mut l = 0;
    while layer.iter().any(|&x| x >= l) {
        let mut members: Vec<usize> = (0..n).filter(|&v| layer[v] == l).collect();
        if members.len() > max {
            // Keep sources of edges on this layer; wrap sinks first.
            members.sort_by_key(|&v| (!has_succ[v], v));
            for &v in &members[max..] {
                layer[v] = l + 1;
            }
            // Edges stay downward: a successor sits below its predecessor.
            let mut changed = true;
            while changed {
                changed = false;
                for &(a, b) in dag {
                    if layer[b] <= layer[a] {
                        layer[b] = layer[a] + 1;
                        changed = true;
                    }
                }
            }
        }
        l += 1;
    }
}

fn count_between(g: &Graph, upper: &[usize], lower: &[usize]) -> usize {
    let mut pos = vec![usize::MAX; g.layer.len()];
    for (i, &v) in lower.iter().enumerate() {
        pos[v] = i;
    }
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (i, &u) in upper.iter().enumerate() {
        for &w in &g.succ[u] {
            if pos[w] != usize::MAX {
                pairs.push((i, pos[w]));
            }
        }
    }
    let mut c = 0;
    for a in 0..pairs.len() {
        for b in (a + 1)..pairs.len() {
            let (p, q) = (pairs[a], pairs[b]);
            if (p.0 < q.0 && p.1 > q.1) || (p.0 > q.0 && p.1 < q.1) {
                c += 1;
            }
        }
    }
    c
}

fn count_all(g: &Graph, order: &[Vec<usize>]) -> usize {
    order
        .windows(2)
        .map(|w| count_between(g, &w[0], &w[1]))
        .sum()
}

fn reduce_crossings(g: &Graph, mut order: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    let mut best = order.clone();
    let mut best_c = count_all(g, &order);
    for sweep in 0..8 {
        let down = sweep % 2 == 0;
        let layers: Vec<usize> = if down {
            (1..order.len()).collect()
        } else {
            (0..order.len().saturating_sub(1)).rev().collect()
        };
        for l in layers {
            let reference = if down { l - 1 } else { l + 1 };
            let mut pos = vec![f64::NAN; g.layer.len()];
            for (i, &v) in order[reference].iter().enumerate() {
                pos[v] = i as f64;
            }
            let mut keyed: Vec<(f64, usize, usize)> = order[l]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let nbrs = if down { &g.pred[v] } else { &g.succ[v] };
                    let ps: Vec<f64> = nbrs
                        .iter()
                        .map(|&w| pos[w])
                        .filter(|p| !p.is_nan())
                        .collect();
                    let bary = if ps.is_empty() {
                        // keep nodes without neighbours roughly where they are
                        i as f64 * (order[reference].len().max(1) as f64)
                            / (order[l].len().max(1) as f64)
                    } else {
                        ps.iter().sum::<f64>() / ps.len() as f64
                    };
                    (bary, i, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            order[l] = keyed.into_iter().map(|k| k.2).collect();
        }
        let c = count_all(g, &order);
        if c < best_c {
            best_c = c;
            best = order.clone();
        }
        if best_c == 0 {
            break;
        }
    }
    best
}

/// Pool-adjacent-violators: non-decreasing `z` closest (least squares) to `t`.
fn isotonic(t: &[f64]) -> Vec<f64> {
    let mut blocks: Vec<(f64, usize)> = Vec::new(); // (mean, count)
    for &v in t {
        blocks.push((v, 1));
        while blocks.len() > 1 {
            let (m2, c2) = blocks[blocks.len() - 1];
            let (m1, c1) = blocks[blocks.len() - 2];
            if m1 <= m2 {
                break;
            }
            blocks.pop();
            blocks.pop();
            let c = c1 + c2;
            blocks.push(((m1 * c1 as f64 + m2 * c2 as f64) / c as f64, c));
        }
    }
    let mut out = Vec::with_capacity(t.len());
    for (m, c) in blocks {
        out.extend(std::iter::repeat_n(m, c));
    }
    out
}

fn place_vertically(g: &Graph, order: &[Vec<usize>], gap: f64) -> Vec<f64> {
    let total = g.layer.len();
    let mut y = vec![0.0f64; total];
    let gap_of = |a: usize, b: usize| -> f64 {
        if a >= g.n_real && b >= g.n_real {
            gap * 0.5
        } else {
            gap
        }
    };
    // initial: stacked, each layer centred on 0
    for layer in order {
        let mut acc = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                acc += gap_of(layer[i - 1], v);
            }
            y[v] = acc;
            acc += g.height[v];
        }
        for &v in layer {
            y[v] -= acc / 2.0;
        }
    }
    let center = |y: &[f64], v: usize| y[v] + g.height[v] / 2.0;
    for iter in 0..12 {
        let down = iter % 2 == 0;
        let layers: Vec<usize> = if down {
            (0..order.len()).collect()
        } else {
            (0..order.len()).rev().collect()
        };
        for l in layers {
            let layer = &order[l];
            if layer.is_empty() {
                continue;
            }
            // desired centres: mean of neighbour centres (both sides), else current
            let desired: Vec<f64> = layer
                .iter()
                .map(|&v| {
                    let ns: Vec<f64> = g.pred[v]
                        .iter()
                        .chain(g.succ[v].iter())
                        .map(|&w| center(&y, w))
                        .collect();
                    if ns.is_empty() {
                        center(&y, v)
                    } else {
                        ns.iter().sum::<f64>() / ns.len() as f64
                    }
                })
                .collect();
            // offsets so that z_i = top_i - offset_i must be non-decreasing
            let mut offset = Vec::with_capacity(layer.len());
            let mut acc = 0.0;
            for (i, &v) in layer.iter().enumerate() {
                if i > 0 {
                    let u = layer[i - 1];
                    acc += g.height[u] + gap_of(u, v);
                }
                offset.push(acc);
            }
            let t: Vec<f64> = layer
                .iter()
                .enumerate()
                .map(|(i, &v)| desired[i] - g.height[v] / 2.0 - offset[i])
                .collect();
            let z = isotonic(&t);
            for (i, &v) in layer.iter().enumerate() {
                y[v] = z[i] + offset[i];
            }
        }
    }
    y
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Draws a layout as a standalone `<svg>` element (styled by its own `<style>`, with CSS
/// variables `--dag-fg`, `--dag-bg`, `--dag-edge` a host page may set for dark mode).
pub fn render_svg(nodes: &[DagNode], lay: &DagLayout, label: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="dag" role="img" aria-label="{}" width="{:.0}" height="{:.0}" viewBox="0 0 {:.0} {:.0}">"#,
        xml_escape(label),
        lay.width,
        lay.height,
        lay.width,
        lay.height
    );
    s.push_str(concat!(
        "<style>",
        ".dag text{font:12px system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;fill:var(--dag-fg,#1f2328)}",
        ".dag .id{font-weight:700}",
        ".dag .note{fill:var(--dag-muted,#59636e)}",
        ".dag .box{fill:var(--dag-bg,#fff);stroke-width:1.5}",
        ".dag .edge{fill:none;stroke:var(--dag-edge,#8c959f);stroke-width:1.4}",
        ".dag .edge.rev{stroke-dasharray:4 3}",
        ".dag .arrow{fill:var(--dag-edge,#8c959f)}",
        ".dag g.node:hover .box{stroke-width:3}",
        "</style>"
    ));
    s.push_str(r#"<defs><marker id="dag-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker></defs>"#);
    s.push_str(r#"<g class="edges">"#);
    for e in &lay.edges {
        let _ = write!(
            s,
            r#"<path class="edge{}" data-from="{}" data-to="{}" d="{}" marker-end="url(#dag-arrow)"/>"#,
            if e.reversed { " rev" } else { "" },
            xml_escape(nodes.get(e.from).map_or("", |n| n.id.as_str())),
            xml_escape(nodes.get(e.to).map_or("", |n| n.id.as_str())),
            e.path
        );
    }
    s.push_str("</g><g class=\"nodes\">");
    for (node, p) in nodes.iter().zip(&lay.nodes) {
        let color = group_color(node.group);
        let _ = write!(
            s,
            r#"<g class="node" data-id="{}" data-group="{}"><title>{}</title>"#,
            xml_escape(&node.id),
            node.group,
            xml_escape(if node.tooltip.is_empty() {
                &node.title
            } else {
                &node.tooltip
            })
        );
        let _ = write!(
            s,
            r#"<rect class="box" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="6" stroke="{color}"/>"#,
            p.x, p.y, p.w, p.h
        );
        let _ = write!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="6" fill="{color}" fill-opacity="0.16"/>"#,
            p.x, p.y, p.w, p.h
        );
        let _ = write!(
            s,
            r#"<rect x="{:.1}" y="{:.1}" width="5" height="{:.1}" rx="2" fill="{color}"/>"#,
            p.x, p.y, p.h
        );
        // The id and the note share the header line: a long id (real task ids run to
        // 40 characters) is cut with "…" so both stay inside the box; the tooltip has it whole.
        let note_chars = if node.note.is_empty() {
            0
        } else {
            node.note.chars().count() + 1
        };
        // Bold id characters are about a fifth wider than the body text.
        let room = (((p.w - 18.0) / (CHAR_W * 1.2)).floor() as usize).saturating_sub(note_chars);
        let id = if node.id.chars().count() > room && room > 1 {
            let cut: String = node.id.chars().take(room - 1).collect();
            format!("{cut}…")
        } else {
            node.id.clone()
        };
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}"><tspan class="id">{}</tspan>"#,
            p.x + 12.0,
            p.y + 16.0,
            xml_escape(&id)
        );
        if !node.note.is_empty() {
            let _ = write!(
                s,
                r#"<tspan class="note" dx="6">{}</tspan>"#,
                xml_escape(&node.note)
            );
        }
        s.push_str("</text>");
        for (i, line) in p.lines.iter().enumerate() {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
                p.x + 12.0,
                p.y + HEADER_H + PAD_Y / 2.0 + 10.0 + i as f64 * LINE_H,
                xml_escape(line)
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</g></svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_layers_wrap_and_edges_stay_downward() {
        // 20 independent tasks and a chain a -> b -> c whose head sits in the wide layer.
        let mut layer = vec![0usize; 23];
        layer[21] = 1;
        layer[22] = 2;
        let dag = vec![(20, 21), (21, 22), (3, 22)];
        wrap_layers(&mut layer, &dag, 6);
        for l in 0..=*layer.iter().max().unwrap() {
            assert!(layer.iter().filter(|&&x| x == l).count() <= 6, "layer {l}");
        }
        for &(a, b) in &dag {
            assert!(layer[a] < layer[b], "{a}->{b}: {layer:?}");
        }
        // Sources of edges keep the top row.
        assert_eq!(layer[20], 0);
        assert_eq!(layer[3], 0);
    }

    fn node(id: &str, group: usize) -> DagNode {
        DagNode {
            id: id.into(),
            title: format!("Task {id} with a title long enough to wrap over lines"),
            note: "2h".into(),
            group,
            tooltip: String::new(),
        }
    }

    fn overlaps(a: &PlacedNode, b: &PlacedNode) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    fn assert_no_overlap(lay: &DagLayout) {
        for i in 0..lay.nodes.len() {
            for j in (i + 1)..lay.nodes.len() {
                assert!(
                    !overlaps(&lay.nodes[i], &lay.nodes[j]),
                    "boxes {i} and {j} overlap: {:?} {:?}",
                    lay.nodes[i],
                    lay.nodes[j]
                );
            }
            let p = &lay.nodes[i];
            assert!(p.x >= 0.0 && p.y >= 0.0, "{p:?}");
            assert!(p.x + p.w <= lay.width + 0.01 && p.y + p.h <= lay.height + 0.01);
        }
    }

    /// A deterministic pseudo-random plan of `n` tasks in 7 phases.
    fn plan(n: usize) -> (Vec<DagNode>, Vec<(usize, usize)>) {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut rnd = move |m: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m as u64) as usize
        };
        let nodes: Vec<DagNode> = (0..n)
            .map(|i| node(&format!("T{i:02}"), i * 7 / n))
            .collect();
        let mut edges = Vec::new();
        for b in 1..n {
            for _ in 0..rnd(3) {
                let a = rnd(b);
                edges.push((a, b));
            }
        }
        (nodes, edges)
    }

    #[test]
    fn longest_path_layering() {
        let nodes: Vec<DagNode> = (0..6).map(|i| node(&format!("N{i}"), 0)).collect();
        // 0→1→2→3, 0→3, 4 isolated, 5 after 1
        let edges = [(0, 1), (1, 2), (2, 3), (0, 3), (1, 5)];
        let opts = DagOptions {
            group_bands: false,
            ..DagOptions::default()
        };
        let lay = layout(&nodes, &edges, &opts);
        let layers: Vec<usize> = lay.nodes.iter().map(|p| p.layer).collect();
        assert_eq!(layers, vec![0, 1, 2, 3, 0, 2]);
        for &(a, b) in &edges {
            assert!(layers[a] < layers[b]);
        }
        assert_no_overlap(&lay);
        assert_eq!(lay.edges.len(), edges.len());
    }

    #[test]
    fn fifty_tasks_are_readable() {
        for vertical in [true, false] {
            fifty_tasks(vertical);
        }
    }

    fn fifty_tasks(vertical: bool) {
        let (nodes, edges) = plan(50);
        let opts = DagOptions {
            vertical,
            ..DagOptions::default()
        };
        let lay = layout(&nodes, &edges, &opts);
        assert_eq!(lay.nodes.len(), 50);
        for &(a, b) in &edges {
            assert!(
                lay.nodes[a].layer < lay.nodes[b].layer,
                "edge {a}->{b} does not go right"
            );
        }
        // phases read left to right: each phase starts no earlier than the one before
        let first = |g: usize| {
            (0..50)
                .filter(|&v| nodes[v].group == g)
                .map(|v| lay.nodes[v].layer)
                .min()
                .unwrap_or(0)
        };
        for g in 1..7 {
            assert!(
                first(g) >= first(g - 1),
                "phase {g} starts before phase {}",
                g - 1
            );
        }
        assert_no_overlap(&lay);
        // every layer lists each node once
        let mut seen: Vec<usize> = lay.layers.iter().flatten().copied().collect();
        seen.sort();
        assert_eq!(seen, (0..50).collect::<Vec<_>>());
        assert!(
            lay.width < 4000.0 && lay.height < 4000.0,
            "{} x {}",
            lay.width,
            lay.height
        );
    }

    #[test]
    fn crossing_reduction_helps() {
        // two layers wired in reverse order: 0→5, 1→4, 2→3 cross 3 times in the initial order
        let nodes: Vec<DagNode> = (0..6).map(|i| node(&format!("N{i}"), 0)).collect();
        let edges = [(0, 5), (1, 4), (2, 3)];
        let opts = DagOptions {
            group_bands: false,
            ..DagOptions::default()
        };
        let lay = layout(&nodes, &edges, &opts);
        assert_eq!(lay.crossings, 0);
        assert_no_overlap(&lay);
    }

    #[test]
    fn cycles_and_bad_edges_do_not_panic() {
        let nodes: Vec<DagNode> = (0..4).map(|i| node(&format!("C{i}"), i % 2)).collect();
        let edges = [(0, 1), (1, 2), (2, 0), (3, 3), (0, 9), (0, 1)];
        let lay = layout(&nodes, &edges, &DagOptions::default());
        assert_eq!(lay.edges.len(), 3);
        assert_eq!(lay.edges.iter().filter(|e| e.reversed).count(), 1);
        assert_no_overlap(&lay);
        let empty = layout(&[], &[], &DagOptions::default());
        assert!(empty.nodes.is_empty());
        let _ = render_svg(&[], &empty, "empty");
    }

    #[test]
    fn svg_is_escaped() {
        let mut n = node("<T&1>", 0);
        n.title = "Quote \"this\" & <that>".into();
        let lay = layout(std::slice::from_ref(&n), &[], &DagOptions::default());
        let svg = render_svg(&[n], &lay, "a \"plan\"");
        assert!(svg.contains("&lt;T&amp;1&gt;"));
        assert!(svg.contains("Quote &quot;this&quot; &amp; &lt;that&gt;"));
        assert!(!svg.contains("<T&1>"));
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap("a bb ccc", 4, 3), vec!["a bb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4, 3), vec!["abcd", "efgh", "ij"]);
        let w = wrap("one two three four five six", 5, 2);
        assert_eq!(w.len(), 2);
        assert!(w[1].ends_with('…'));
        assert!(wrap("", 10, 3).is_empty());
    }

    #[test]
    fn isotonic_keeps_order() {
        assert_eq!(isotonic(&[1.0, 3.0, 2.0]), vec![1.0, 2.5, 2.5]);
        assert_eq!(isotonic(&[3.0, 2.0, 1.0]), vec![2.0, 2.0, 2.0]);
    }
}
