//! Command-line flags → the library's options.

use openapi_rustgen::{Error, ModuleOptions, OperationFilter, SerdeDerives, TypeSelector, Warning};

use crate::args::CodeArgs;

/// `NAME=VALUE`, or a usage error naming the flag.
fn pair<'a>(flag: &str, text: &'a str) -> Result<(&'a str, &'a str), Error> {
    text.split_once('=')
        .filter(|(name, value)| !name.is_empty() && !value.is_empty())
        .ok_or_else(|| Error::Usage(format!("--{flag} takes NAME=PATH, got `{text}`")))
}

pub fn module_options(code: &CodeArgs) -> Result<ModuleOptions, Error> {
    let mut options = ModuleOptions {
        deny_warnings: code.deny_warnings,
        threads: code.threads,
        ..ModuleOptions::default()
    };
    if code.serde_both_ways {
        options.emit.serde = SerdeDerives::Both;
    }
    for path in &code.derive {
        options.emit.derives.push((TypeSelector::All, path.clone()));
    }
    for text in &code.derive_for {
        let (name, path) = pair("derive-for", text)?;
        options
            .emit
            .derives
            .push((TypeSelector::Named(name.into()), path.into()));
    }
    for attribute in &code.attribute {
        options
            .emit
            .attributes
            .push((TypeSelector::All, attribute.clone()));
    }
    for text in &code.replace {
        let (schema, path) = pair("replace", text)?;
        options
            .lower
            .replacements
            .insert(schema.into(), path.into());
    }
    let filter = OperationFilter {
        tags: code.only_tag.clone(),
        operation_ids: code.only_operation.clone(),
        path_prefixes: code.only_path.clone(),
    };
    options.lower.filter = (!filter.is_empty()).then_some(filter);
    Ok(options)
}

pub fn print_warnings(warnings: &[Warning]) {
    for warning in warnings {
        eprintln!("{warning}");
    }
    if !warnings.is_empty() {
        eprintln!(
            "{} warning(s); --deny-warnings turns them into errors",
            warnings.len()
        );
    }
}
