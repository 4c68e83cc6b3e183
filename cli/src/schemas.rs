//! `schemas`: the Rust type each schema of a spec becomes, one JSON object
//! per line, for scripts that pair spec data with generated types.

use std::io::Write;
use std::process::ExitCode;

use openapi_rustgen::ir::{TypeId, TypeKind};
use openapi_rustgen::{Error, generate_module};
use serde_json::json;

use crate::args::SchemasArgs;
use crate::options::{module_options, print_warnings};

pub fn schemas(args: SchemasArgs) -> Result<ExitCode, Error> {
    let options = module_options(&args.code)?;
    let generated = generate_module(&args.spec, &options)?;
    print_warnings(&generated.warnings);
    let api = &generated.api;
    let usage = &api.usage;
    let mut out = std::io::stdout().lock();
    for (index, ty) in api.types.iter().enumerate() {
        let id = TypeId(index);
        let line = json!({
            "pointer": ty.pointer,
            "type": ty.name,
            "kind": kind_name(&ty.kind),
            "sent": usage.sent.contains(&id),
            "received": usage.received.contains(&id),
        });
        writeln!(out, "{line}").map_err(|source| Error::Write {
            path: "standard output".into(),
            source,
        })?;
    }
    Ok(ExitCode::SUCCESS)
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::Union(_) => "union",
        TypeKind::Alias(_) => "alias",
        TypeKind::Constrained(_) => "constrained",
        TypeKind::External(_) => "external",
    }
}
