//! Generates async Rust API clients from OpenAPI 3.0 specs.
//!
//! The pipeline, one module per stage: [`load`] (YAML/JSON → `openapiv3`),
//! [`lower`] (→ [`ir`]), [`emit`] (IR → tokens), [`format`] (tokens →
//! formatted source), [`write`] (atomic, only-if-changed writes).
//! [`project`] arranges modules into files and crates; [`Config`] is the
//! `build.rs` entry point.

pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod format;
pub mod ir;
pub mod load;
pub mod lower;
mod names;
pub mod project;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use diagnostics::{Error, Result, Warning};
pub use emit::{Features, RuntimeLocation, SerdeDerives};

/// How to generate one module.
#[derive(Clone, Debug)]
pub struct ModuleOptions {
    /// Module name; by default the spec file stem in snake_case.
    pub module: Option<String>,
    pub runtime: RuntimeLocation,
    /// Treat warnings as errors.
    pub deny_warnings: bool,
    /// Which serde traits the types derive.
    pub serde: SerdeDerives,
    /// Threads to emit and format with; `None`: one per core for APIs past
    /// a small size. The output is the same either way.
    pub threads: Option<usize>,
}

impl Default for ModuleOptions {
    fn default() -> Self {
        ModuleOptions {
            module: None,
            runtime: RuntimeLocation::Embedded,
            deny_warnings: false,
            serde: SerdeDerives::AsUsed,
            threads: None,
        }
    }
}

/// One generated module and what it took to make it.
#[derive(Clone, Debug)]
pub struct GeneratedModule {
    pub module: String,
    /// Formatted Rust source of the module's items.
    pub source: String,
    pub features: Features,
    pub warnings: Vec<Warning>,
    /// The lowered API (shared with the threads that emitted it).
    pub api: Arc<ir::Api>,
}

/// The module name a spec file gets by default.
pub fn module_name_for(spec: &Path) -> String {
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    names::snake_ident(&stem)
}

/// Runs the whole pipeline on one spec file, in memory.
pub fn generate_module(spec: &Path, options: &ModuleOptions) -> Result<GeneratedModule> {
    let started = std::time::Instant::now();
    let spec_bytes = std::fs::metadata(spec).map_or(0, |m| m.len() as usize);
    let helpers = Helpers::start(options, spec_bytes);
    let loaded = load::load(spec)?;
    timing("load", started);
    let module = options
        .module
        .clone()
        .unwrap_or_else(|| module_name_for(spec));
    let source_name = spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let generated = generate_from_loaded(&source_name, &loaded, &module, options, helpers);
    if loaded.text.len() > load::LARGE_SPEC_BYTES {
        drop_later(loaded);
    }
    generated
}

/// Runs the pipeline on spec text (`path` names it in messages).
pub fn generate_from_bytes(
    path: &Path,
    bytes: &[u8],
    options: &ModuleOptions,
) -> Result<GeneratedModule> {
    let helpers = Helpers::start(options, bytes.len());
    let loaded = load::parse(path, bytes)?;
    let module = options
        .module
        .clone()
        .unwrap_or_else(|| module_name_for(path));
    let source_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    generate_from_loaded(&source_name, &loaded, &module, options, helpers)
}

fn generate_from_loaded(
    source_name: &str,
    loaded: &load::LoadedSpec,
    module: &str,
    options: &ModuleOptions,
    helpers: Helpers,
) -> Result<GeneratedModule> {
    let started = std::time::Instant::now();
    let (api, mut lower_warnings) =
        lower::lower(loaded, module).map_err(|err| err.with_line(&loaded.text))?;
    timing("lower", started);
    // Finding each warning's line takes a scan of the spec text: done
    // beside the emitting, unless the warnings stop the run.
    let locate = |warnings: &mut Vec<Warning>| {
        if !warnings.is_empty() {
            let lines = diagnostics::SpecLines::new(&loaded.text);
            for warning in warnings.iter_mut() {
                warning.location.fill_line(&lines);
            }
        }
    };
    if options.deny_warnings && !(loaded.warnings.is_empty() && lower_warnings.is_empty()) {
        locate(&mut lower_warnings);
        let list = loaded
            .warnings
            .iter()
            .chain(&lower_warnings)
            .map(|w| format!("  {w}"))
            .collect::<Vec<_>>()
            .join("\n");
        return Err(Error::DeniedWarnings {
            count: loaded.warnings.len() + lower_warnings.len(),
            list,
        });
    }
    let started = std::time::Instant::now();
    let api = Arc::new(api);
    let (sections, lower_warnings) = if lower_warnings.is_empty() {
        (
            render_sections(&api, module, options, helpers),
            Ok(lower_warnings),
        )
    } else {
        std::thread::scope(|scope| {
            let located = scope.spawn(move || {
                locate(&mut lower_warnings);
                lower_warnings
            });
            let sections = render_sections(&api, module, options, helpers);
            (sections, located.join())
        })
    };
    let sections = sections?;
    let lower_warnings = lower_warnings.map_err(|_| Error::internal(module))?;
    let mut warnings = loaded.warnings.clone();
    warnings.extend(lower_warnings);
    timing("emit + format", started);
    let source = format::assemble(source_name, &sections);
    let features = emit::features(&api);
    Ok(GeneratedModule {
        module: module.to_string(),
        source,
        features,
        warnings,
        api,
    })
}

/// APIs below this size (types plus operations) are emitted on the calling
/// thread alone: for them, handing out work costs more than it saves.
const PARALLEL_THRESHOLD: usize = 12;

/// Specs below this size are not worth starting helper threads for.
const HELPERS_FROM_SPEC_BYTES: usize = 8 * 1024;

/// APIs from this size are cut into more slices per thread.
const LARGE_API: usize = 300;

/// Threads started at the beginning of a run, which wait for the sections
/// to render. Starting a thread, and its first allocations, take a good
/// part of a millisecond, a large share of a small API's run; started
/// early, that overlaps loading and lowering. Dropped unused, they end.
struct Helpers {
    jobs: Vec<std::sync::mpsc::Sender<Job>>,
}

/// The sections to render, and where to send each text.
type Job = (Arc<Work>, std::sync::mpsc::Sender<(usize, Result<String>)>);

impl Helpers {
    /// One helper per core but this one (or `options.threads - 1`), unless
    /// the spec is too small to need any.
    fn start(options: &ModuleOptions, spec_bytes: usize) -> Helpers {
        let count = match options.threads {
            Some(threads) => threads.max(1) - 1,
            None if spec_bytes < HELPERS_FROM_SPEC_BYTES => 0,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()) - 1,
        };
        let mut jobs = Vec::with_capacity(count);
        for _ in 0..count {
            let (sender, receiver) = std::sync::mpsc::channel::<Job>();
            // Detached, so that nobody waits for a helper to free its last
            // syntax tree (a command-line run exits first).
            let helper = move || {
                if let Ok((work, results)) = receiver.recv() {
                    work.run(&results, drop);
                }
            };
            if std::thread::Builder::new().spawn(helper).is_ok() {
                jobs.push(sender);
            }
        }
        Helpers { jobs }
    }
}

/// Emits and formats every section of the module, in file order. APIs past
/// a small size share the sections out between the calling thread and the
/// helpers (both stages are CPU-bound and the sections independent).
fn render_sections(
    api: &Arc<ir::Api>,
    module: &str,
    options: &ModuleOptions,
    helpers: Helpers,
) -> Result<Vec<String>> {
    let size = api.types.len() + api.operations.len();
    let helpers = match options.threads {
        None if size < PARALLEL_THRESHOLD => Vec::new(),
        _ => helpers.jobs,
    };
    let threads = helpers.len() + 1;
    // More slices than threads, so that nobody idles at the end; more of
    // them for larger APIs, where a slice's fixed cost matters less.
    let slices = match (threads, size) {
        (1, _) => 1,
        (_, 0..LARGE_API) => threads * 2,
        _ => threads * 4,
    };
    let work = Arc::new(Work {
        api: api.clone(),
        module: module.to_string(),
        options: options.clone(),
        sections: emit::sections(api, slices),
        next: std::sync::atomic::AtomicUsize::new(0),
    });
    let (sender, receiver) = std::sync::mpsc::channel::<(usize, Result<String>)>();
    // If no helper takes its job (none could be started, or one died
    // before), this thread renders what is left.
    for helper in helpers {
        let _ = helper.send((work.clone(), sender.clone()));
    }
    work.run(&sender, drop);
    drop(sender);
    let mut texts: Vec<Option<Result<String>>> = (0..work.sections.len()).map(|_| None).collect();
    for (i, text) in receiver.iter().take(work.sections.len()) {
        texts[i] = Some(text);
    }
    // A section is missing only if a helper died (a bug).
    let texts = texts
        .into_iter()
        .map(|text| text.unwrap_or_else(|| Err(Error::internal(module))))
        .collect::<Result<Vec<String>>>()?;
    // The client's parts make one `impl Client` block again.
    let mut joined = Vec::new();
    let mut client_parts = Vec::new();
    for (section, text) in work.sections.iter().zip(texts) {
        if matches!(section, emit::Section::Client { .. }) {
            client_parts.push(text);
        } else {
            if !client_parts.is_empty() {
                joined.push(format::join_impl_parts(std::mem::take(&mut client_parts)));
            }
            joined.push(text);
            if *section == emit::Section::Prelude && options.runtime == RuntimeLocation::Embedded {
                joined.push(emit::embedded_runtime());
            }
        }
    }
    if !client_parts.is_empty() {
        joined.push(format::join_impl_parts(client_parts));
    }
    Ok(joined)
}

/// The sections of one module, taken one at a time by whichever thread is
/// free, biggest first, so that no thread is left with a big one at the
/// end: the client, the validation impls, the models, then the small ones.
struct Work {
    api: Arc<ir::Api>,
    module: String,
    options: ModuleOptions,
    sections: Vec<emit::Section>,
    /// Position in `order()` of the next section to take.
    next: std::sync::atomic::AtomicUsize,
}

impl Work {
    fn order(&self) -> impl Iterator<Item = usize> + '_ {
        let rank = |section: &emit::Section| match section {
            emit::Section::Client { .. } => 0,
            emit::Section::Validation => 1,
            emit::Section::Models { .. } => 2,
            emit::Section::OperationTypes => 3,
            emit::Section::Prelude => 4,
        };
        (0..5).flat_map(move |r| {
            (0..self.sections.len()).filter(move |&i| rank(&self.sections[i]) == r)
        })
    }

    /// Renders sections until none is left, sending each text with its
    /// index; each syntax tree goes to `done` after its text is sent.
    fn run(
        &self,
        sender: &std::sync::mpsc::Sender<(usize, Result<String>)>,
        mut done: impl FnMut(syn::File),
    ) {
        use std::sync::atomic::Ordering;
        loop {
            let taken = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(i) = self.order().nth(taken) else {
                return;
            };
            let section = self.sections[i];
            let started = std::time::Instant::now();
            let parsed = emit_section(&self.api, &self.module, &self.options, section)
                .and_then(|tokens| format::parse_section(&self.module, tokens));
            let (text, tree) = match parsed {
                Ok(file) => (Ok(format::print_section(&file)), Some(file)),
                Err(err) => (Err(err), None),
            };
            timing(&format!("section {section:?}"), started);
            if sender.send((i, text)).is_err() {
                return;
            }
            tree.map(&mut done);
        }
    }
}

fn emit_section(
    api: &ir::Api,
    module: &str,
    options: &ModuleOptions,
    section: emit::Section,
) -> Result<proc_macro2::TokenStream> {
    emit::emit_section(api, &options.runtime, options.serde, section).map_err(|message| {
        Error::InvalidOutput {
            module: module.to_string(),
            message,
        }
    })
}

/// Frees a large value on a detached thread. Freeing the hundreds of
/// thousands of small allocations of a big spec's trees takes milliseconds
/// nobody needs to wait for: a command-line run exits without waiting, and
/// a longer-lived caller gets the memory back moments later.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    // If no thread can be started, the value is dropped right here.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
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

/// `build.rs` entry point, in the style of `prost-build`:
///
/// ```no_run
/// openapi_rustgen::Config::new()
///     .spec("spec/petstore.yaml")
///     .generate()
///     .expect("client generation");
/// // then, in the crate: mod petstore { include!(concat!(env!("OUT_DIR"), "/petstore.rs")); }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Config {
    specs: Vec<(PathBuf, Option<String>)>,
    out_dir: Option<PathBuf>,
    deny_warnings: bool,
    serde: SerdeDerives,
    threads: Option<usize>,
}

impl Config {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a spec; its module is named after the file stem.
    pub fn spec(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.specs.push((path.into(), None));
        self
    }

    /// Adds a spec with an explicit module (and output file) name.
    pub fn spec_as(&mut self, path: impl Into<PathBuf>, module: impl Into<String>) -> &mut Self {
        self.specs.push((path.into(), Some(module.into())));
        self
    }

    /// Where `<module>.rs` files go; `OUT_DIR` by default.
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Fail instead of warning when a spec needs a fallback.
    pub fn deny_warnings(&mut self, deny: bool) -> &mut Self {
        self.deny_warnings = deny;
        self
    }

    /// Which serde traits the types derive ([`SerdeDerives::AsUsed`] by
    /// default: `Serialize` where the client sends a type, `Deserialize`
    /// where it receives one).
    pub fn serde_derives(&mut self, serde: SerdeDerives) -> &mut Self {
        self.serde = serde;
        self
    }

    /// How many threads may emit a module (by default one per core for
    /// large APIs; `1` keeps a build script to its own thread).
    pub fn threads(&mut self, threads: usize) -> &mut Self {
        self.threads = Some(threads);
        self
    }

    /// Generates every module, then writes them (only the changed ones).
    /// Inside a build script it also prints `cargo:rerun-if-changed` for
    /// each spec and `cargo:warning` for each warning.
    pub fn generate(&self) -> Result<Vec<PathBuf>> {
        let in_build_script = std::env::var_os("OUT_DIR").is_some()
            && std::env::var_os("CARGO_MANIFEST_DIR").is_some();
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Error::Usage(
                        "no out_dir set and OUT_DIR is not set (not in a build script?)".into(),
                    )
                })?,
        };
        if self.specs.is_empty() {
            return Err(Error::Usage("no spec given: call Config::spec".into()));
        }
        let mut files = write::FileSet::default();
        for (spec, module) in &self.specs {
            if in_build_script {
                println!("cargo:rerun-if-changed={}", spec.display());
            }
            let options = ModuleOptions {
                module: module.clone(),
                runtime: RuntimeLocation::Embedded,
                deny_warnings: self.deny_warnings,
                serde: self.serde,
                threads: self.threads,
            };
            let generated = generate_module(spec, &options)?;
            for warning in &generated.warnings {
                if in_build_script {
                    println!("cargo:warning={warning}");
                }
            }
            files.files.insert(
                PathBuf::from(format!("{}.rs", generated.module)),
                generated.source,
            );
        }
        files.write_all(&out_dir)
    }
}
