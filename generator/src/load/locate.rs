//! Where a place of a loaded spec is: the file it came from (for a part
//! bundled in from another file) and its line there, for located messages.

use std::collections::HashMap;
use std::sync::Arc;

use super::bundle::{Bundled, Source};
use crate::diagnostics::{Error, Location, SpecLines};

/// Points locations of a loaded spec at the file each came from, with its
/// line; each file's lines are split once, for all of them (anew for each
/// of thousands of warnings or `diff` changes, a 5 MB spec's lines were
/// most of the run).
pub struct Locator<'a> {
    sources: SourceIndex<'a>,
    /// The root file's text; `None`: places in it are left as they are.
    root: Option<&'a str>,
    /// Each file's lines, by its text's address.
    lines: HashMap<*const u8, SpecLines<'a>>,
}

impl<'a> Locator<'a> {
    /// Places of a bundle (and, with `root`, of its root file).
    pub fn new(bundled: &'a Bundled, root: Option<&'a str>) -> Self {
        Locator {
            sources: SourceIndex::new(bundled),
            root,
            lines: HashMap::new(),
        }
    }

    /// Points a location at the file its place came from, with its line
    /// (and column) there.
    pub fn locate(&mut self, location: &mut Location) {
        let Some(text) = self
            .sources
            .locate(location)
            .map(|t| t.as_str())
            .or(self.root)
        else {
            return;
        };
        let lines = self
            .lines
            .entry(text.as_ptr())
            .or_insert_with(|| SpecLines::new(text));
        location.fill_line(lines);
    }

    /// Every location of the error (or errors) located.
    pub fn locate_error(&mut self, err: Error) -> Error {
        match err {
            Error::Several(errors) => {
                Error::Several(errors.into_iter().map(|e| self.locate_error(e)).collect())
            }
            Error::Spec {
                mut location,
                message,
            } => {
                self.locate(&mut location);
                Error::Spec { location, message }
            }
            other => other,
        }
    }
}

/// Points a location given as a place in the bundle (the root file, a
/// pointer, no line yet) at the file and pointer it came from; that file's
/// text. Builds the index of sources each time: for many look-ups, keep a
/// `SourceIndex`.
pub fn locate(bundled: &Bundled, location: &mut Location) -> Option<Arc<String>> {
    SourceIndex::new(bundled).locate(location).cloned()
}

/// The sources of a bundle by their place in it.
pub struct SourceIndex<'a> {
    bundled: &'a Bundled,
    by_pointer: HashMap<&'a str, &'a Source>,
}

impl<'a> SourceIndex<'a> {
    pub fn new(bundled: &'a Bundled) -> Self {
        // A place recorded twice: the later record stands.
        let by_pointer = bundled
            .sources
            .iter()
            .map(|source| (source.bundle_pointer.as_str(), source))
            .collect();
        SourceIndex {
            bundled,
            by_pointer,
        }
    }

    /// See [`locate`]: the source with the longest place that the
    /// location's pointer is in.
    pub fn locate(&self, location: &mut Location) -> Option<&'a Arc<String>> {
        // Only bundle pointers not located yet (a line means it is).
        if location.file != self.bundled.root || location.line_col.is_some() {
            return None;
        }
        let pointer = location.pointer.as_deref()?;
        let mut end = pointer.len();
        let source = loop {
            if let Some(source) = self.by_pointer.get(&pointer[..end]) {
                break *source;
            }
            end = pointer[..end].rfind('/')?;
        };
        let rest = &pointer[end..];
        location.file = source.file.clone();
        location.pointer = Some(format!("#{}{rest}", source.file_pointer));
        Some(&source.text)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn a_place_is_found_in_the_longest_recorded_place_that_holds_it() {
        let text = Arc::new(String::new());
        let source = |bundle_pointer: &str, file: &str| Source {
            bundle_pointer: bundle_pointer.to_string(),
            file: PathBuf::from(file),
            file_pointer: "/part".to_string(),
            text: text.clone(),
        };
        let bundled = Bundled {
            root: PathBuf::from("api.yaml"),
            sources: vec![
                source("#/paths/~1a", "a.yaml"),
                source("#/paths/~1a/get", "get.yaml"),
                source("#/paths/~1ab", "ab.yaml"),
                // Recorded again: the later record stands.
                source("#/paths/~1ab", "ab2.yaml"),
            ],
            ..Bundled::default()
        };
        let index = SourceIndex::new(&bundled);
        let place = |pointer: &str| {
            let mut location = Location {
                file: PathBuf::from("api.yaml"),
                line_col: None,
                pointer: Some(pointer.to_string()),
            };
            index.locate(&mut location).map(|_| {
                let file = location.file.display().to_string();
                (file, location.pointer.unwrap())
            })
        };
        let at = |file: &str, pointer: &str| Some((file.to_string(), pointer.to_string()));
        assert_eq!(
            place("#/paths/~1a/get/responses"),
            at("get.yaml", "#/part/responses")
        );
        assert_eq!(place("#/paths/~1a/post"), at("a.yaml", "#/part/post"));
        assert_eq!(place("#/paths/~1a"), at("a.yaml", "#/part"));
        assert_eq!(place("#/paths/~1ab/x"), at("ab2.yaml", "#/part/x"));
        assert_eq!(place("#/paths/~1abc"), None);
        assert_eq!(place("#/components"), None);
    }
}
