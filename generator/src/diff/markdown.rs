//! The reports as Markdown, fit for a pull-request comment.

use super::{Change, Report};

pub fn to_markdown(reports: &[Report]) -> String {
    let breaking: usize = reports.iter().map(|r| r.breaking).sum();
    let total: usize = reports.iter().map(|r| r.changes.len()).sum();
    let mut out = String::from("## Changes to the generated Rust API\n\n");
    if total == 0 {
        out.push_str("No change to the generated Rust API.\n");
        return out;
    }
    out.push_str(&format!(
        "**{breaking} breaking**, {} non-breaking (policy: README, \"Breaking-change policy\").\n",
        total - breaking
    ));
    for report in reports.iter().filter(|r| !r.changes.is_empty()) {
        let name = if report.old == report.new || report.old.is_empty() {
            format!("`{}`", report.new)
        } else if report.new.is_empty() {
            format!("`{}`", report.old)
        } else {
            format!("`{}` → `{}`", report.old, report.new)
        };
        out.push_str(&format!(
            "\n### {name}: {} breaking, {} non-breaking\n\n",
            report.breaking, report.non_breaking
        ));
        out.push_str("| impact | change | Rust item | spec |\n|---|---|---|---|\n");
        let mut ordered: Vec<&Change> = report.changes.iter().collect();
        ordered.sort_by_key(|c| !c.breaking);
        for change in ordered {
            let impact = if change.breaking {
                "**breaking**"
            } else {
                "non-breaking"
            };
            let detail = change.detail.replace('|', "\\|");
            let location = match change.location.line_col {
                Some((line, _)) => format!("{}:{line}", change.location.file.display()),
                None => change.location.to_string(),
            };
            out.push_str(&format!(
                "| {impact} | {detail} | `{}` | `{location}` |\n",
                change.rust_item
            ));
        }
    }
    out
}
