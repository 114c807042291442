//! No file of the emulator imports one that imports it back (ARCHITECTURE.md, "Invariants"):
//! what many files read lives in a file of its own, below them. The graph is read from the
//! sources: a file names another when it uses a path into it (`use crate::…`, `super::…`,
//! `self::…`, a child module, or such a path anywhere in its code). Comments and test code
//! (`#[cfg(test)]` modules, inline or in files of their own) are left out: a test is a child
//! that reads its parent by design.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's path from the crate root: `["platform", "store"]` for src/platform/store.rs.
type Module = Vec<String>;

fn main_source() -> PathBuf {
  Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
  for entry in std::fs::read_dir(dir).expect("src/ is readable") {
    let path = entry.expect("an entry of src/").path();
    if path.is_dir() {
      rust_files(&path, found);
    } else if path.extension().is_some_and(|e| e == "rs") {
      found.push(path);
    }
  }
}

fn module_of(root: &Path, file: &Path) -> Module {
  let relative = file.strip_prefix(root).expect("under src/").with_extension("");
  let mut parts: Module = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
  if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
    parts.pop();
  }
  parts
}

/// The code without comments and without `#[cfg(test)] mod name { … }` blocks.
fn code_of(text: &str) -> String {
  let without_comments: String = text
    .lines()
    .map(|line| line.split("//").next().unwrap_or_default())
    .collect::<Vec<_>>()
    .join("\n");
  let mut code = String::new();
  let mut rest = without_comments.as_str();
  while let Some(at) = rest.find("#[cfg(test)]") {
    code.push_str(&rest[..at]);
    let after = rest[at + "#[cfg(test)]".len()..].trim_start();
    let after = after.strip_prefix("pub(crate) ").unwrap_or(after);
    match after
      .strip_prefix("mod ")
      .and_then(|m| m.find('{').filter(|b| !m[..*b].contains(';')).map(|b| (m, b)))
    {
      Some((module, brace)) => {
        let mut depth = 0;
        let mut end = module.len();
        for (i, c) in module[brace..].char_indices() {
          depth += match c {
            '{' => 1,
            '}' => -1,
            _ => 0,
          };
          if depth == 0 {
            end = brace + i + 1;
            break;
          }
        }
        rest = &module[end..];
      }
      None => rest = &rest[at + "#[cfg(test)]".len()..],
    }
  }
  code.push_str(rest);
  code
}

/// The child modules a file declares only for its tests (`#[cfg(test)] mod name;`).
fn test_children(text: &str) -> Vec<String> {
  let mut children = Vec::new();
  let mut rest = text;
  while let Some(at) = rest.find("#[cfg(test)]") {
    rest = rest[at + "#[cfg(test)]".len()..].trim_start();
    if let Some(name) = rest
      .strip_prefix("mod ")
      .and_then(|m| m.split_once(';'))
      .map(|(n, _)| n.trim())
      && name.chars().all(|c| c.is_alphanumeric() || c == '_')
    {
      children.push(name.to_owned());
    }
  }
  children
}

/// `a::{b, c::{d, e}}` as `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
  let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
  let Some(open) = tree.find('{') else {
    return vec![tree];
  };
  let (prefix, group) = (&tree[..open], &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())]);
  let (mut items, mut depth, mut item) = (Vec::new(), 0, String::new());
  for c in group.chars() {
    match c {
      ',' if depth == 0 => items.push(std::mem::take(&mut item)),
      '{' => {
        depth += 1;
        item.push(c);
      }
      '}' => {
        depth -= 1;
        item.push(c);
      }
      _ => item.push(c),
    }
  }
  items.push(item);
  items
    .iter()
    .map(|item| item.trim())
    .filter(|item| !item.is_empty())
    .flat_map(|item| expand(&format!("{prefix}{item}")))
    .collect()
}

/// Every path a file's code names: the trees of its `use`s, and `crate::`/`super::`/`self::` paths.
fn paths_in(code: &str) -> Vec<String> {
  let mut paths = Vec::new();
  for statement in code.split(';') {
    let statement = statement.trim_start();
    let statement = statement
      .strip_prefix("pub(crate) ")
      .or_else(|| statement.strip_prefix("pub(super) "))
      .or_else(|| statement.strip_prefix("pub "))
      .unwrap_or(statement);
    if let Some(tree) = statement.strip_prefix("use ") {
      paths.extend(expand(tree));
    }
  }
  let is_path = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
  for start in ["crate::", "super::", "self::"] {
    for (at, _) in code.match_indices(start) {
      if code[..at]
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
      {
        continue;
      }
      let end = code[at..].find(|c: char| !is_path(c)).map_or(code.len(), |n| at + n);
      paths.push(code[at..end].to_owned());
    }
  }
  paths
}

/// The files (by module) each file names.
fn import_graph() -> BTreeMap<Module, BTreeSet<Module>> {
  let root = main_source();
  let mut files = Vec::new();
  rust_files(&root, &mut files);
  let mut sources: BTreeMap<Module, String> = files
    .iter()
    .filter(|file| file.as_path() != root.join("main.rs"))
    .map(|file| {
      (
        module_of(&root, file),
        std::fs::read_to_string(file).expect("a readable file"),
      )
    })
    .collect();
  let tests: Vec<Module> = sources
    .iter()
    .flat_map(|(module, text)| {
      test_children(text).into_iter().map(move |child| {
        let mut path = module.clone();
        path.push(child);
        path
      })
    })
    .collect();
  // A test module's own children are tests too.
  sources.retain(|module, _| !tests.iter().any(|test| module.starts_with(test)));
  let modules: BTreeSet<Module> = sources.keys().cloned().collect();
  sources
    .iter()
    .map(|(module, text)| {
      let code = code_of(text);
      let children: BTreeSet<&str> = code
        .lines()
        .filter_map(|line| {
          let line = line.trim_start();
          let line = line
            .strip_prefix("pub(crate) ")
            .or_else(|| line.strip_prefix("pub "))
            .unwrap_or(line);
          line.strip_prefix("mod ")?.strip_suffix(';')
        })
        .collect();
      let mut targets = BTreeSet::new();
      for path in paths_in(&code) {
        let parts: Vec<&str> = path.split(" as ").next().unwrap_or_default().split("::").collect();
        let (mut base, rest): (Module, &[&str]) = match parts.first().copied() {
          Some("crate") => (Vec::new(), &parts[1..]),
          Some("self") => (module.clone(), &parts[1..]),
          Some("super") => {
            let mut base = module.clone();
            let supers = parts.iter().take_while(|p| **p == "super").count();
            base.truncate(base.len().saturating_sub(supers));
            (base, &parts[supers..])
          }
          Some(first) if children.contains(first) => (module.clone(), &parts[..]),
          _ => continue,
        };
        for part in rest {
          let mut next = base.clone();
          next.push((*part).to_owned());
          if !modules.contains(&next) {
            break;
          }
          base = next;
        }
        if &base != module && modules.contains(&base) {
          targets.insert(base);
        }
      }
      (module.clone(), targets)
    })
    .collect()
}

/// The groups of two or more files that reach each other (Tarjan's strongly connected components).
fn circles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
  struct Walk<'a> {
    graph: &'a BTreeMap<Module, BTreeSet<Module>>,
    index: BTreeMap<&'a Module, usize>,
    low: BTreeMap<&'a Module, usize>,
    stack: Vec<&'a Module>,
    found: Vec<Vec<Module>>,
  }
  fn visit<'a>(walk: &mut Walk<'a>, node: &'a Module) {
    let n = walk.index.len();
    walk.index.insert(node, n);
    walk.low.insert(node, n);
    walk.stack.push(node);
    for next in walk.graph.get(node).into_iter().flatten() {
      if !walk.index.contains_key(next) {
        visit(walk, next);
        let low = walk.low[next].min(walk.low[node]);
        walk.low.insert(node, low);
      } else if walk.stack.contains(&next) {
        let low = walk.index[next].min(walk.low[node]);
        walk.low.insert(node, low);
      }
    }
    if walk.low[node] == walk.index[node] {
      let mut group = Vec::new();
      while let Some(member) = walk.stack.pop() {
        group.push(member.clone());
        if member == node {
          break;
        }
      }
      if group.len() > 1 {
        group.sort();
        walk.found.push(group);
      }
    }
  }
  let mut walk = Walk {
    graph,
    index: BTreeMap::new(),
    low: BTreeMap::new(),
    stack: Vec::new(),
    found: Vec::new(),
  };
  for node in graph.keys() {
    if !walk.index.contains_key(node) {
      visit(&mut walk, node);
    }
  }
  walk.found
}

#[test]
fn no_file_imports_one_that_imports_it_back() {
  let graph = import_graph();
  assert!(graph.len() > 50, "the graph was read: {} files", graph.len());
  assert!(
    graph[&vec!["platform".to_owned(), "store".to_owned()]]
      .contains(&vec!["platform".to_owned(), "pg_like".to_owned()]),
    "a `use crate::…` is read as an edge"
  );
  let found: Vec<String> = circles(&graph)
    .iter()
    .map(|group| group.iter().map(|m| m.join("::")).collect::<Vec<_>>().join(" ↔ "))
    .collect();
  assert!(found.is_empty(), "import circles: {found:#?}");
}

#[test]
fn a_circle_is_found() {
  let module = |name: &str| vec![name.to_owned()];
  let graph = BTreeMap::from([
    (module("a"), BTreeSet::from([module("b")])),
    (module("b"), BTreeSet::from([module("c")])),
    (module("c"), BTreeSet::from([module("a")])),
    (module("d"), BTreeSet::from([module("a")])),
  ]);
  assert_eq!(circles(&graph), [vec![module("a"), module("b"), module("c")]]);
  assert_eq!(
    expand("crate::{a, b::{c, d as e}}"),
    ["crate::a", "crate::b::c", "crate::b::d as e"]
  );
  assert_eq!(
    code_of("use a;\n#[cfg(test)]\nmod tests {\n  use super::*; // x\n}\nuse b;"),
    "use a;\n\nuse b;"
  );
}
