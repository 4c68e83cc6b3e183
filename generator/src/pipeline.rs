//! The pipeline, top to bottom: load, lower, emit (in sections, on scoped
//! threads), format, and return the module's source.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Error, Result, Warning};
use crate::emit::{self, Context, EmitOptions, Features, Section};
use crate::lower::LowerOptions;
use crate::{format, ir, load, lower, names, parallel};

/// How to generate one module.
#[derive(Clone, Debug, Default)]
pub struct ModuleOptions {
    /// Module name; by default the spec file stem in snake_case.
    pub module: Option<String>,
    pub emit: EmitOptions,
    pub lower: LowerOptions,
    /// Treat warnings as errors.
    pub deny_warnings: bool,
    /// Threads to emit and format with; `None`: one per core for APIs past
    /// a small size. The output is the same either way.
    pub threads: Option<usize>,
}

/// One generated module and what it took to make it.
#[derive(Clone, Debug)]
pub struct GeneratedModule {
    pub module: String,
    /// Formatted Rust source of the module's items.
    pub source: String,
    pub features: Features,
    /// The Cargo features of its tags (or path groups), with what each
    /// stands for; empty without tag features.
    pub tag_features: BTreeMap<String, String>,
    pub warnings: Vec<Warning>,
    /// The lowered API.
    pub api: ir::Api,
    /// Every file the spec was read from (the root first).
    pub files: Vec<PathBuf>,
}

/// Sections of this total weight (about operations and types) and more are
/// shared out over threads: below it, a second thread (its start, its own
/// heap's fresh pages) costs more than it saves. Measured on the corpus with
/// each worker on a CPU of its own (`parallel::placement`): two threads are
/// 2-5 % quicker at weight 32-50 (keeper, museum), 10 % slower at 12
/// (petstore), 10-25 % quicker from 56 (propolis-server, buildomat, hubspot).
const PARALLEL_FROM_WEIGHT: usize = 24;

/// The module name a spec file gets by default: its stem, as an identifier
/// that is no keyword and no name a crate's own files take.
pub fn module_name_for(spec: &Path) -> String {
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    names::module_ident(&stem)
}

/// Runs the whole pipeline on one spec file, in memory.
pub fn generate_module(spec: &Path, options: &ModuleOptions) -> Result<GeneratedModule> {
    let started = std::time::Instant::now();
    let loaded = load::load(spec)?;
    timing("load", started);
    generate_from_loaded(spec, &loaded, options)
}

/// Runs the pipeline on spec text (`path` names it in messages).
pub fn generate_from_bytes(
    path: &Path,
    bytes: &[u8],
    options: &ModuleOptions,
) -> Result<GeneratedModule> {
    let loaded = load::parse(path, bytes)?;
    generate_from_loaded(path, &loaded, options)
}

fn generate_from_loaded(
    path: &Path,
    loaded: &load::LoadedSpec,
    options: &ModuleOptions,
) -> Result<GeneratedModule> {
    let module = match &options.module {
        Some(module) => names::checked_module_name(module)?,
        None => module_name_for(path),
    };
    emit::check_options(&options.emit).map_err(Error::Usage)?;
    let started = std::time::Instant::now();
    let (api, lower_warnings) = lower::lower_with(loaded, &module, &options.lower)
        .map_err(|err| loaded.locate_error(err))?;
    timing("lower", started);
    let warnings = located_warnings(loaded, lower_warnings);
    if options.deny_warnings && !warnings.is_empty() {
        let list = warnings
            .iter()
            .map(|w| format!("  {w}"))
            .collect::<Vec<_>>()
            .join("\n");
        return Err(Error::DeniedWarnings {
            count: warnings.len(),
            list,
        });
    }
    let started = std::time::Instant::now();
    let (source, tag_features) = render(path, &api, &module, options)?;
    timing("emit + format", started);
    Ok(GeneratedModule {
        module,
        source,
        features: emit::features(&api),
        tag_features,
        warnings,
        api,
        files: loaded.files(),
    })
}

/// Every warning once, with its line.
fn located_warnings(loaded: &load::LoadedSpec, lower_warnings: Vec<Warning>) -> Vec<Warning> {
    let mut warnings = loaded.warnings.clone();
    warnings.extend(lower_warnings);
    if warnings.is_empty() {
        return warnings;
    }
    let mut locator = loaded.locator();
    for warning in &mut warnings {
        locator.locate(&mut warning.location);
    }
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert((w.location.to_string(), w.message.clone())));
    warnings
}

/// Emits, parses and prints every section (on several threads for large
/// APIs), and joins them under the header; with the tag features the
/// sections are gated by.
fn render(
    path: &Path,
    api: &ir::Api,
    module: &str,
    options: &ModuleOptions,
) -> Result<(String, BTreeMap<String, String>)> {
    let cx = Context::new(api, &options.emit);
    let sections = emit::sections(api, &options.emit);
    let weight = sections.iter().map(|s| s.weight(api)).sum();
    let threads = parallel::threads_for(options.threads, weight, PARALLEL_FROM_WEIGHT);
    if std::env::var_os("OPENAPI_RUSTGEN_TIMINGS").is_some() {
        eprintln!(
            "timing: {} sections of weight {weight} on {threads} thread(s)",
            sections.len()
        );
    }
    let texts = parallel::map(
        &sections,
        threads,
        |section| section.weight(api),
        |section| render_section(&cx, module, *section),
    );
    let texts = texts.into_iter().collect::<Result<Vec<String>>>()?;
    let source_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source = format::assemble(&source_name, &texts);
    Ok((source, cx.gates.features))
}

fn render_section(cx: &Context<'_>, module: &str, section: Section) -> Result<String> {
    let started = std::time::Instant::now();
    let tokens = emit::emit_section(cx, section).map_err(|message| Error::InvalidOutput {
        module: module.to_string(),
        message,
    })?;
    let items = format::parse_items(module, tokens)?;
    let text = format::print_items(items);
    timing(&format!("section {section:?}"), started);
    Ok(text)
}

/// With `OPENAPI_RUSTGEN_TIMINGS` set, prints how long a stage took.
pub(crate) fn timing(stage: &str, started: std::time::Instant) {
    if std::env::var_os("OPENAPI_RUSTGEN_TIMINGS").is_some() {
        eprintln!(
            "timing: {stage}: {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
}
