//! Mutations of real specs, shared by the mutation tests.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The seed documents: the fixtures and the vendor specs.
pub fn seeds() -> Vec<(PathBuf, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut seeds = Vec::new();
    for dir in ["tests/fixtures", "spec"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let value = openapi_rustgen::load::yaml_to_json(&text).unwrap();
            seeds.push((path, value));
        }
    }
    seeds
}

/// One edit at a node chosen by `choice` (a walk of the tree).
#[derive(Debug, Clone)]
pub enum Edit {
    Remove,
    Replace(Value),
    /// Copy another node here (creates odd references and shapes).
    Graft(usize),
}

pub fn count_nodes(value: &Value) -> usize {
    1 + match value {
        Value::Object(map) => map.values().map(count_nodes).sum(),
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        _ => 0,
    }
}

pub fn nth_node(value: &Value, n: &mut usize) -> Option<Value> {
    if *n == 0 {
        return Some(value.clone());
    }
    *n -= 1;
    match value {
        Value::Object(map) => map.values().find_map(|v| nth_node(v, n)),
        Value::Array(items) => items.iter().find_map(|v| nth_node(v, n)),
        _ => None,
    }
}

/// Applies `edit` to the `n`th node below the root (never the root itself).
pub fn apply(value: &mut Value, n: &mut usize, edit: &Edit, graft: &Value) -> bool {
    let children: Vec<String> = match value {
        Value::Object(map) => map.keys().cloned().collect(),
        Value::Array(items) => (0..items.len()).map(|i| i.to_string()).collect(),
        _ => return false,
    };
    for key in children {
        if *n == 0 {
            match (value, edit) {
                (Value::Object(map), Edit::Remove) => {
                    map.remove(&key);
                }
                (Value::Array(items), Edit::Remove) => {
                    items.remove(key.parse::<usize>().unwrap());
                }
                (Value::Object(map), Edit::Replace(v)) => {
                    map.insert(key, v.clone());
                }
                (Value::Array(items), Edit::Replace(v)) => {
                    items[key.parse::<usize>().unwrap()] = v.clone()
                }
                (Value::Object(map), Edit::Graft(_)) => {
                    map.insert(key, graft.clone());
                }
                (Value::Array(items), Edit::Graft(_)) => {
                    items[key.parse::<usize>().unwrap()] = graft.clone()
                }
                _ => {}
            }
            return true;
        }
        *n -= 1;
        let child = match value {
            Value::Object(map) => map.get_mut(&key).unwrap(),
            Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
            _ => unreachable!(),
        };
        if apply(child, n, edit, graft) {
            return true;
        }
    }
    false
}

/// Applies `edits` (node index, edit) to `doc`, as the property test does.
pub fn mutate(doc: &mut Value, edits: &[(usize, Edit)]) {
    for (at, edit) in edits {
        let total = count_nodes(doc).max(2) - 1;
        let graft = match edit {
            Edit::Graft(from) => nth_node(doc, &mut (from % (total + 1))).unwrap_or(Value::Null),
            _ => Value::Null,
        };
        apply(doc, &mut (at % total), edit, &graft);
    }
}
