//! The house rules of ARCHITECTURE.md, checked on the source itself: `src/` is read as Rust
//! syntax (syn), every path that names something of this crate (`use` items and paths in code)
//! is resolved through re-exports to the file that defines it, and the resulting file graph
//! must have no cycles. The faces (`gui/`, `cli/`) must not train, save, merge labels or
//! compute metrics themselves, the library must not reach into the faces, and Polars and
//! Candle stay in their rooms.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

type ModPath = Vec<String>;

/// One parsed source file of the library.
struct SourceFile {
    module: ModPath,
    /// Names bound by `use` items at the file's top level: name → absolute path (`None` when
    /// the path leaves the crate).
    bindings: HashMap<String, Option<ModPath>>,
    /// Every path of the file that may name something of this crate, as written, with the
    /// names of external crates it uses.
    paths: Vec<ModPath>,
    external: BTreeSet<String>,
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("test")
            || (a.path().is_ident("cfg")
                && a.meta
                    .require_list()
                    .is_ok_and(|l| l.tokens.to_string().trim() == "test"))
    })
}

/// Flattens a `use` tree into (bound name, path) pairs; a glob binds `*`.
fn flatten(tree: &syn::UseTree, prefix: &mut ModPath, out: &mut Vec<(String, ModPath)>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                if let Some(last) = prefix.last() {
                    out.push((last.clone(), prefix.clone()));
                }
            } else {
                let mut p = prefix.clone();
                p.push(name.clone());
                out.push((name, p));
            }
        }
        syn::UseTree::Rename(r) => {
            let mut p = prefix.clone();
            p.push(r.ident.to_string());
            out.push((r.rename.to_string(), p));
        }
        syn::UseTree::Glob(_) => out.push(("*".into(), prefix.clone())),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                flatten(t, prefix, out);
            }
        }
    }
}

#[derive(Default)]
struct Collector {
    uses: Vec<(String, ModPath)>,
    paths: Vec<ModPath>,
    depth: usize,
}

impl<'a> Visit<'a> for Collector {
    fn visit_item_mod(&mut self, m: &'a syn::ItemMod) {
        if !is_test_only(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }
    fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
        if !is_test_only(&f.attrs) {
            self.depth += 1;
            syn::visit::visit_item_fn(self, f);
            self.depth -= 1;
        }
    }
    fn visit_item_impl(&mut self, i: &'a syn::ItemImpl) {
        self.depth += 1;
        syn::visit::visit_item_impl(self, i);
        self.depth -= 1;
    }
    fn visit_item_use(&mut self, u: &'a syn::ItemUse) {
        if is_test_only(&u.attrs) {
            return;
        }
        let mut flat = Vec::new();
        flatten(&u.tree, &mut Vec::new(), &mut flat);
        for (name, path) in flat {
            self.paths.push(path.clone());
            // Only top-level `use` items bind names other files can reach.
            if self.depth == 0 {
                self.uses.push((name, path));
            }
        }
    }
    fn visit_path(&mut self, p: &'a syn::Path) {
        self.paths
            .push(p.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, p);
    }
}

fn module_of(relative: &Path) -> Option<ModPath> {
    let mut parts: ModPath = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    match last.as_str() {
        "lib.rs" if parts.is_empty() => Some(parts),
        "main.rs" if parts.is_empty() => None,
        "mod.rs" => Some(parts),
        other => {
            parts.push(other.strip_suffix(".rs")?.to_string());
            Some(parts)
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

struct Crate {
    files: BTreeMap<ModPath, SourceFile>,
}

impl Crate {
    fn read(src: &Path) -> Self {
        let mut paths = Vec::new();
        rust_files(src, &mut paths);
        let mut files = BTreeMap::new();
        let mut uses = Vec::new();
        for path in paths {
            let Some(module) = module_of(path.strip_prefix(src).unwrap()) else {
                continue;
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let mut c = Collector::default();
            c.visit_file(&ast);
            uses.push((module.clone(), c.uses));
            let file = SourceFile {
                module: module.clone(),
                bindings: HashMap::new(),
                paths: c.paths,
                external: BTreeSet::new(),
            };
            files.insert(module, file);
        }
        let mut krate = Crate { files };
        // Bindings are made absolute once every module is known.
        for (module, uses) in uses {
            let bindings = uses
                .into_iter()
                .map(|(name, p)| (name, krate.absolute(&module, &p, &HashMap::new())))
                .collect();
            krate.files.get_mut(&module).unwrap().bindings = bindings;
        }
        let externals: Vec<(ModPath, BTreeSet<String>)> = krate
            .files
            .values()
            .map(|f| {
                let ext = f
                    .paths
                    .iter()
                    .filter(|p| p.len() > 1)
                    .filter(|p| krate.absolute(&f.module, p, &f.bindings).is_none())
                    .map(|p| p[0].clone())
                    .collect();
                (f.module.clone(), ext)
            })
            .collect();
        for (m, ext) in externals {
            krate.files.get_mut(&m).unwrap().external = ext;
        }
        krate
    }

    fn is_module(&self, m: &[String]) -> bool {
        self.files.contains_key(m)
    }

    /// `path` as written in `module`, made absolute; `None` when it leaves the crate or names
    /// something local (a variable, a generic, `Self`).
    fn absolute(
        &self,
        module: &[String],
        path: &[String],
        bindings: &HashMap<String, Option<ModPath>>,
    ) -> Option<ModPath> {
        let first = path.first()?;
        let mut out: ModPath;
        let mut rest = &path[1..];
        match first.as_str() {
            "crate" => out = Vec::new(),
            "self" => out = module.to_vec(),
            "super" => {
                out = module.to_vec();
                out.pop();
                while rest.first().is_some_and(|s| s == "super") {
                    out.pop();
                    rest = &rest[1..];
                }
            }
            name => {
                if let Some(target) = bindings.get(name) {
                    out = target.clone()?;
                } else {
                    let mut child = module.to_vec();
                    child.push(name.to_string());
                    if !self.is_module(&child) {
                        return None;
                    }
                    out = child;
                }
            }
        }
        out.extend(rest.iter().cloned());
        Some(out)
    }

    /// The file (module) that defines what `path` names, following re-exports, with the item's
    /// name; `None` for a module itself.
    fn resolve(&self, path: &[String], depth: usize) -> Option<(ModPath, String)> {
        if depth > 16 {
            return None;
        }
        let mut module: ModPath = Vec::new();
        for (i, seg) in path.iter().enumerate() {
            let mut child = module.clone();
            child.push(seg.clone());
            if self.is_module(&child) {
                module = child;
                continue;
            }
            let file = self.files.get(&module)?;
            if let Some(target) = file.bindings.get(seg) {
                let mut full = target.clone()?;
                full.extend(path[i + 1..].iter().cloned());
                return self.resolve(&full, depth + 1);
            }
            return Some((module, seg.clone()));
        }
        None
    }

    /// Every (from file, to file, item) reference between two different files.
    fn edges(&self) -> Vec<(ModPath, ModPath, String)> {
        let mut out = BTreeSet::new();
        for f in self.files.values() {
            for p in &f.paths {
                let Some(abs) = self.absolute(&f.module, p, &f.bindings) else {
                    continue;
                };
                if let Some((to, item)) = self.resolve(&abs, 0)
                    && to != f.module
                {
                    out.insert((f.module.clone(), to, item));
                }
            }
        }
        out.into_iter().collect()
    }
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "lib".into()
    } else {
        m.join("/")
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Strongly connected groups of more than one file (Tarjan).
fn cycles(nodes: &[ModPath], edges: &[(ModPath, ModPath, String)]) -> Vec<Vec<String>> {
    let index: HashMap<&ModPath, usize> = nodes.iter().enumerate().map(|(i, n)| (n, i)).collect();
    let mut adj = vec![BTreeSet::new(); nodes.len()];
    for (a, b, _) in edges {
        adj[index[a]].insert(index[b]);
    }
    struct T<'a> {
        adj: &'a [BTreeSet<usize>],
        idx: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(t: &mut T, v: usize) {
        t.idx[v] = Some(t.next);
        t.low[v] = t.next;
        t.next += 1;
        t.stack.push(v);
        t.on[v] = true;
        for &w in t.adj[v].clone().iter() {
            match t.idx[w] {
                None => {
                    visit(t, w);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(i) if t.on[w] => t.low[v] = t.low[v].min(i),
                _ => {}
            }
        }
        if Some(t.low[v]) == t.idx[v] {
            let mut group = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on[w] = false;
                group.push(w);
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                t.out.push(group);
            }
        }
    }
    let n = nodes.len();
    let mut t = T {
        adj: &adj,
        idx: vec![None; n],
        low: vec![0; n],
        on: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if t.idx[v].is_none() {
            visit(&mut t, v);
        }
    }
    t.out
        .into_iter()
        .map(|g| g.into_iter().map(|i| name(&nodes[i])).collect())
        .collect()
}

fn in_room(m: &[String], room: &str) -> bool {
    m.first().is_some_and(|f| f == room)
}

#[test]
fn the_file_import_graph_has_no_cycles() {
    let krate = Crate::read(&src());
    let nodes: Vec<ModPath> = krate.files.keys().cloned().collect();
    let edges = krate.edges();
    let found = cycles(&nodes, &edges);
    eprintln!(
        "import graph: {} files, {} file-to-file references, {} cycles",
        nodes.len(),
        edges
            .iter()
            .map(|(a, b, _)| (a, b))
            .collect::<BTreeSet<_>>()
            .len(),
        found.len()
    );
    let explain: Vec<String> = found
        .iter()
        .map(|group| {
            let links: Vec<String> = edges
                .iter()
                .filter(|(a, b, _)| group.contains(&name(a)) && group.contains(&name(b)))
                .map(|(a, b, item)| format!("{} -> {}::{item}", name(a), name(b)))
                .collect();
            format!("[{}]: {}", group.join(", "), links.join("; "))
        })
        .collect();
    assert!(found.is_empty(), "cycles:\n{}", explain.join("\n"));
}

#[test]
fn the_library_never_reaches_into_the_faces() {
    let krate = Crate::read(&src());
    let bad: Vec<String> = krate
        .edges()
        .into_iter()
        .filter(|(from, to, _)| {
            let face_of = |m: &[String]| ["gui", "cli"].into_iter().find(|room| in_room(m, room));
            match (face_of(from), face_of(to)) {
                (_, None) => false,
                (Some(a), Some(b)) => a != b,
                (None, Some(_)) => true,
            }
        })
        .map(|(a, b, item)| format!("{} -> {}::{item}", name(&a), name(&b)))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

/// What only the application layer and the domain modules do: train, save and load models,
/// merge labels, compute metrics and thresholds, build features.
const NOT_FOR_THE_FACES: &[&str] = &[
    "new_detector",
    "restore_detector",
    "save_model",
    "load_model",
    "align_features",
    "Detector",
    "TrainOptions",
    "LabelKnowledge",
    "Dataset",
    "metrics",
    "roc_auc",
    "average_precision",
    "precision_at",
    "fit_thresholds",
    "Ranked",
    "ThresholdView",
    "compare",
    "setup",
    "read_labels",
    "effective_label",
];

#[test]
fn the_faces_only_call_the_application_layer() {
    let krate = Crate::read(&src());
    let bad: Vec<String> = krate
        .edges()
        .into_iter()
        .filter(|(from, _, item)| {
            (in_room(from, "gui") || in_room(from, "cli"))
                && NOT_FOR_THE_FACES.contains(&item.as_str())
        })
        .map(|(a, b, item)| format!("{} uses {}::{item}", name(&a), name(&b)))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn polars_and_candle_stay_in_their_rooms() {
    let krate = Crate::read(&src());
    let mut bad = Vec::new();
    for f in krate.files.values() {
        let m = &f.module;
        let polars_ok = in_room(m, "log") || in_room(m, "features");
        let candle_ok = m.len() >= 2 && m[0] == "detect" && m[1] == "neural";
        for ext in &f.external {
            let allowed = match ext.as_str() {
                "polars" => polars_ok,
                "candle_core" | "candle_nn" => candle_ok,
                _ => true,
            };
            if !allowed {
                bad.push(format!("{} uses {ext}", name(m)));
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// Every `mod.rs` of `src/`, parsed.
fn mod_files() -> Vec<(PathBuf, syn::File)> {
    let mut paths = Vec::new();
    rust_files(&src(), &mut paths);
    paths
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "mod.rs"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, ast)
        })
        .collect()
}

#[test]
fn a_mod_rs_only_declares_and_re_exports() {
    let mut bad = Vec::new();
    for (path, ast) in mod_files() {
        for item in &ast.items {
            let ok = match item {
                syn::Item::Mod(m) => m.content.is_none(),
                syn::Item::Use(_) => true,
                _ => false,
            };
            if !ok {
                let kind = match item {
                    syn::Item::Fn(f) => format!("fn {}", f.sig.ident),
                    syn::Item::Impl(_) => "an impl block".into(),
                    syn::Item::Struct(s) => format!("struct {}", s.ident),
                    syn::Item::Enum(e) => format!("enum {}", e.ident),
                    syn::Item::Const(c) => format!("const {}", c.ident),
                    other => format!("{:?}", std::mem::discriminant(other)),
                };
                bad.push(format!("{}: {kind}", path.display()));
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// The faces read the triage through its accessors and change it through its commands: its
/// fields are private, so its invariants (the queue rebuilt after a filter change, the labels
/// shown renewed after a verdict) hold inside it.
#[test]
fn the_triage_has_no_public_fields() {
    let path = src().join("workbench/triage.rs");
    let ast = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let triage = ast
        .items
        .iter()
        .find_map(|i| match i {
            syn::Item::Struct(s) if s.ident == "Triage" => Some(s),
            _ => None,
        })
        .expect("workbench/triage.rs defines Triage");
    let public: Vec<String> = triage
        .fields
        .iter()
        .filter(|f| !matches!(f.vis, syn::Visibility::Inherited))
        .map(|f| f.ident.as_ref().map_or("?".into(), ToString::to_string))
        .collect();
    assert!(
        triage.fields.len() > 10,
        "Triage has its state in its fields"
    );
    assert!(public.is_empty(), "public fields of Triage: {public:?}");
}

/// Method calls by name in a file's code (tests left out).
#[derive(Default)]
struct MethodCalls(Vec<String>);

impl<'a> Visit<'a> for MethodCalls {
    fn visit_item_mod(&mut self, m: &'a syn::ItemMod) {
        if !is_test_only(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }
    fn visit_expr_method_call(&mut self, c: &'a syn::ExprMethodCall) {
        self.0.push(c.method.to_string());
        syn::visit::visit_expr_method_call(self, c);
    }
}

/// The window draws from the triage's read API: it never takes the session behind it (and
/// from there the dataset, the log's columns, the model's detector).
#[test]
fn the_window_does_not_reach_through_the_triage() {
    let mut paths = Vec::new();
    rust_files(&src().join("gui"), &mut paths);
    let mut bad = Vec::new();
    for path in paths {
        let ast = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut calls = MethodCalls::default();
        calls.visit_file(&ast);
        if calls.0.iter().any(|m| m == "session") {
            bad.push(path.display().to_string());
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// Every key the catalogue is asked for is written where it is used, so a test can check it
/// is there in both languages: `t!` and `rust_i18n::t!` take a string literal first (the
/// catalogue test in `gui/i18n.rs` reads them).
#[test]
fn translation_keys_are_literals() {
    #[derive(Default)]
    struct Lookups {
        bad: Vec<String>,
    }
    impl<'a> Visit<'a> for Lookups {
        fn visit_item_mod(&mut self, m: &'a syn::ItemMod) {
            if !is_test_only(&m.attrs) {
                syn::visit::visit_item_mod(self, m);
            }
        }
        fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
            if !is_test_only(&f.attrs) {
                syn::visit::visit_item_fn(self, f);
            }
        }
        fn visit_macro(&mut self, m: &'a syn::Macro) {
            let lookup = m.path.segments.last().is_some_and(|s| s.ident == "t");
            if lookup && !m.tokens.to_string().trim_start().starts_with('"') {
                self.bad.push(m.tokens.to_string());
            }
            // Macros nest (a `t!` inside `format!`): look inside their arguments too.
            if let Ok(args) = m.parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            ) {
                for a in &args {
                    self.visit_expr(a);
                }
            }
        }
    }
    let mut paths = Vec::new();
    rust_files(&src(), &mut paths);
    let mut bad = Vec::new();
    for path in paths {
        let ast = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut lookups = Lookups::default();
        lookups.visit_file(&ast);
        bad.extend(
            lookups
                .bad
                .into_iter()
                .map(|t| format!("{}: t!({t})", path.display())),
        );
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// The layers of ARCHITECTURE.md, top-level folders and files from the bottom up: a file may
/// import from its own folder and from any folder of a lower layer, never from its own layer
/// or one above. (The crate's root, `lib.rs`, only declares.)
const LAYERS: &[&[&str]] = &[
    &["time_units", "memory", "language", "risk"],
    &["progress"],
    &["jobs", "log"],
    &["ranked", "features"],
    &["rules"],
    &["detect"],
    &["eval", "segments", "predict", "sample", "cases"],
    &["words"],
    &["workbench"],
    &["gui", "cli"],
];

/// The layer of a file's top-level folder (or top-level file), when it is in one.
fn layer(m: &[String]) -> Option<usize> {
    let top = m.first()?;
    LAYERS.iter().position(|l| l.contains(&top.as_str()))
}

/// The edges that run up the layers or across one, said as `from -> to::item`.
fn upward(edges: &[(ModPath, ModPath, String)]) -> Vec<String> {
    edges
        .iter()
        .filter(|(from, to, _)| from.first() != to.first())
        .filter(|(from, to, _)| match (layer(from), layer(to)) {
            (Some(a), Some(b)) => b >= a,
            _ => false,
        })
        .map(|(a, b, item)| format!("{} -> {}::{item}", name(a), name(b)))
        .collect()
}

#[test]
fn every_folder_is_in_a_layer() {
    let krate = Crate::read(&src());
    let missing: BTreeSet<String> = krate
        .files
        .keys()
        .filter(|m| !m.is_empty() && layer(m).is_none())
        .map(|m| m[0].clone())
        .collect();
    assert!(missing.is_empty(), "not in LAYERS: {missing:?}");
}

#[test]
fn every_import_points_down_the_layers() {
    let krate = Crate::read(&src());
    let edges = krate.edges();
    let up = upward(&edges);
    assert!(
        up.is_empty(),
        "imports that run up the layers:\n{}",
        up.join("\n")
    );
    // The check itself catches one: the rules importing the workbench, planted among the
    // tree's real edges.
    let mut planted = edges;
    let path = |s: &str| s.split('/').map(String::from).collect::<ModPath>();
    planted.push((
        path("rules/rule"),
        path("workbench/triage"),
        "Triage".into(),
    ));
    planted.push((path("eval/metrics"), path("cases/case"), "Verdict".into()));
    assert_eq!(
        upward(&planted),
        [
            "rules/rule -> workbench/triage::Triage",
            "eval/metrics -> cases/case::Verdict"
        ]
    );
}

/// Every function of `src/` outside tests, with its file, name and length in lines.
fn function_lengths() -> Vec<(String, String, usize)> {
    struct Lengths<'a> {
        file: &'a str,
        out: Vec<(String, String, usize)>,
    }
    impl<'ast> Visit<'ast> for Lengths<'_> {
        fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
            if !is_test_only(&m.attrs) {
                syn::visit::visit_item_mod(self, m);
            }
        }
        fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
            if is_test_only(&f.attrs) {
                return;
            }
            let lines = span_lines(f.sig.fn_token.span, f.block.brace_token.span.close());
            self.out
                .push((self.file.to_string(), f.sig.ident.to_string(), lines));
            syn::visit::visit_item_fn(self, f);
        }
        fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
            if is_test_only(&f.attrs) {
                return;
            }
            let lines = span_lines(f.sig.fn_token.span, f.block.brace_token.span.close());
            self.out
                .push((self.file.to_string(), f.sig.ident.to_string(), lines));
            syn::visit::visit_impl_item_fn(self, f);
        }
    }
    fn span_lines(start: proc_macro2::Span, end: proc_macro2::Span) -> usize {
        end.end().line.saturating_sub(start.start().line) + 1
    }
    let mut paths = Vec::new();
    rust_files(&src(), &mut paths);
    let mut out = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = path.strip_prefix(src()).unwrap().display().to_string();
        let mut v = Lengths {
            file: &file,
            out: Vec::new(),
        };
        v.visit_file(&ast);
        out.extend(v.out);
    }
    out
}

/// The most lines a function of `src/` may take: a reader holds it in one screen.
const MAX_FUNCTION_LINES: usize = 80;

#[test]
fn no_function_is_longer_than_a_screen() {
    let all = function_lengths();
    assert!(all.len() > 1000, "{} functions read", all.len());
    let mut long: Vec<String> = all
        .iter()
        .filter(|(_, _, lines)| *lines > MAX_FUNCTION_LINES)
        .map(|(file, name, lines)| format!("{file}::{name}: {lines} lines"))
        .collect();
    long.sort();
    assert!(
        long.is_empty(),
        "longer than {MAX_FUNCTION_LINES} lines:\n{}",
        long.join("\n")
    );
}
