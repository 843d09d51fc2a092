//! One menu through the pipeline: load → validate → look through → evaluate → waivers.

use super::evaluate::{evaluate, Evaluation};
use super::{FileReport, Refused};
use crate::diag::{Code, FileErrors, Finding, MenuPath, Segment, SourceFile};
use crate::import::history::{self, HistoryFile};
use crate::import::lineup::{self, Lineup, Mapping, Overlay, Place};
use crate::menu::exposure::look_through;
use crate::menu::load::{parse, read_source, Document};
use crate::menu::schema::validate;
use crate::menu::Menu;
use crate::policy::waivers::{self, WaiverState, WaiverStatus};
use serde::Deserialize;
use std::path::Path;
use std::sync::Arc;

/// Settings for reading menus.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Largest menu, lineup or history file accepted, in bytes (`--max-file-size`;
    /// 16 MiB by default).
    pub max_file_size: u64,
    /// Monitoring history from a CSV file, joined to the menu's options.
    pub history: Option<Arc<HistoryFile>>,
    /// How to read lineup exports (CSV, XLSX…) named in the run.
    pub lineup: Option<Arc<LineupOptions>>,
}

/// A lineup's mapping, the sheet to read and the plan the menu gets.
#[derive(Debug, Clone)]
pub struct LineupOptions {
    /// The mapping the export is read through: a preset's or a file's.
    pub mapping: Mapping,
    /// The workbook sheet to read (`--sheet`); `None` takes the mapping's, else the
    /// sheet whose header names the mapped columns.
    pub sheet: Option<String>,
    /// The generated menu's top level besides its options: `[plan]`, `[[waivers]]`.
    pub plan: toml::Table,
    /// How the mapping is named in the generated menu's header.
    pub mapping_name: String,
    /// Facts the export lacks, from the plan file and any overlay files, added to
    /// the options they name.
    pub overlays: Vec<Overlay>,
    /// The mapping, plan and overlay files read (outputs must never overwrite them).
    pub files: Vec<std::path::PathBuf>,
    /// The plan file with its spans: a finding on a plan fact points at its line there.
    pub plan_file: Option<Document>,
    /// The mapping, plan and overlay files with their hashes, for the documents' audit.
    pub audited: Vec<crate::diag::AuditedFile>,
}

impl LineupOptions {
    /// Reads a lineup's mapping (a preset's name or a file), the sheet to read, the
    /// plan file and the overlays; a file that cannot be used is refused with its
    /// diagnostics.
    pub fn read(
        map: &str,
        sheet: Option<&str>,
        plan: Option<&Path>,
        overlays: &[std::path::PathBuf],
    ) -> Result<LineupOptions, Refused> {
        let fail = |name: &str, source, findings| {
            Refused::Files(vec![FileReport::from_errors(FileErrors::new(
                name, source, findings,
            ))])
        };
        let source = match lineup::preset(map) {
            Some(s) => s,
            None => {
                let path = Path::new(map);
                match crate::menu::load::read_source(path, 1 << 20) {
                    Ok(s) => s,
                    Err(f) => {
                        let mut f = *f;
                        if !path.exists() {
                            let presets: Vec<&str> =
                                lineup::PRESETS.iter().map(|(n, _)| *n).collect();
                            // a preset's name misspelt is no file either
                            let meant = crate::diag::suggest_ignoring_case(map, &presets)
                                .map_or(String::new(), |p| {
                                    format!("did you mean the preset `{p}`? ")
                                });
                            f.help = Some(format!(
                                "{meant}--map takes a mapping file or a preset: {}",
                                presets.join(", ")
                            ));
                        }
                        return Err(fail(map, None, vec![f]));
                    }
                }
            }
        };
        let mapping = lineup::parse_mapping(source.clone())
            .map_err(|errors| fail(source.name(), Some(source.clone()), errors))?;
        use crate::diag::AuditedFile;
        let mut audited = vec![if lineup::preset(map).is_some() {
            AuditedFile {
                role: "mapping",
                name: format!(
                    "the {map} preset, built into menulint {}",
                    env!("CARGO_PKG_VERSION")
                ),
                sha256: crate::diag::sha256_hex(source.text().as_bytes()),
            }
        } else {
            AuditedFile::of("mapping", Path::new(map), source.text().as_bytes())
        }];
        let plan_path = plan;
        let mut facts = Vec::new();
        let mut plan_file = None;
        let plan = match plan {
        Some(p) => {
            let src = crate::menu::load::read_source(p, 1 << 20)
                .map_err(|f| fail(&crate::diag::display_path(p), None, vec![*f]))?;
            let table = lineup::parse_plan(&src)
                .map_err(|f| fail(src.name(), Some(src.clone()), vec![*f]))?;
            audited.push(AuditedFile::of("plan file", p, src.text().as_bytes()));
            // parse_plan has read it: its spans read too
            plan_file = crate::menu::load::parse(src.clone()).ok();
            facts.extend(
                lineup::Overlay::parse(src.clone())
                    .map_err(|e| fail(src.name(), Some(src.clone()), e))?,
            );
            table
        }
        None => match &mapping.plan {
            Some(plan) => {
                let mut top = toml::Table::new();
                top.insert("plan".into(), toml::Value::Table(plan.clone()));
                top
            }
            None => {
                return Err(Refused::Usage(
                    "a lineup becomes a menu with a plan: give --plan PLAN.toml (a [plan] table with name and sponsor), or [plan] in the mapping".into(),
                ))
            }
        },
    };
        let preset = lineup::preset(map).is_some();
        let mapping_name = if preset {
            format!("the {map} mapping preset")
        } else {
            map.to_owned()
        };
        for p in overlays {
            let src = crate::menu::load::read_source(p, 1 << 20)
                .map_err(|f| fail(&crate::diag::display_path(p), None, vec![*f]))?;
            facts.push(
                lineup::Overlay::parse_file(src.clone())
                    .map_err(|e| fail(src.name(), Some(src.clone()), e))?,
            );
            audited.push(AuditedFile::of("overlay", p, src.text().as_bytes()));
        }
        let mut files: Vec<std::path::PathBuf> =
            plan_path.iter().map(|p| p.to_path_buf()).collect();
        files.extend(overlays.iter().cloned());
        if !preset {
            files.push(std::path::PathBuf::from(map));
        }
        Ok(LineupOptions {
            mapping,
            sheet: sheet.map(str::to_owned),
            plan,
            mapping_name,
            overlays: facts,
            files,
            plan_file,
            audited,
        })
    }
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            max_file_size: crate::menu::load::DEFAULT_MAX_FILE_SIZE,
            history: None,
            lineup: None,
        }
    }
}

/// Checks one menu file, or a lineup export through its mapping.
pub(crate) fn check_path(ev: &Evaluation, opts: &CheckOptions, path: &Path) -> FileReport {
    if lineup::is_lineup(path) {
        let name = crate::diag::display_path(path);
        let Some(lo) = &opts.lineup else {
            let f = Finding::input_error(
                Code::Lineup,
                format!("{name} is a lineup export: it needs a mapping"),
                None,
                None,
            )
            .with_help("give --map MAPPING.toml (or a preset: --map recordkeeper, --map vendor)");
            return FileReport::not_checked(&name, None, vec![f]);
        };
        return match lineup::read(path, &lo.mapping, lo.sheet.as_deref(), opts.max_file_size) {
            Ok(l) => {
                let mut report = check_lineup(ev, &l, lo);
                report.audited.push(crate::diag::AuditedFile::hashed(
                    "lineup",
                    path,
                    l.sha256.clone(),
                ));
                report.audited.extend(lo.audited.iter().cloned());
                report
            }
            Err((source, errors)) => FileReport::not_checked(&name, source, errors),
        };
    }
    match read_source(path, opts.max_file_size) {
        Ok(source) => check_source(ev, opts.history.as_deref(), source),
        Err(f) => FileReport::not_checked(&crate::diag::display_path(path), None, vec![*f]),
    }
}

/// Checks a lineup as the menu `import` would write, then points every finding at
/// the cell (or row) it comes from.
pub fn check_lineup(ev: &Evaluation, l: &Lineup, lo: &LineupOptions) -> FileReport {
    let (l, overlay_errors) = with_overlays(l, lo);
    let l = &l;
    let text = match lineup::to_toml(l, &lo.plan, &lo.mapping_name) {
        Ok(text) => text,
        Err(unwritable) => {
            // with every other refusal and note, as when the menu can be written
            let mut findings = l.refused.clone();
            findings.extend(overlay_errors);
            findings.extend(unwritable);
            findings.extend(l.notes.iter().cloned());
            return FileReport::not_checked(l.source.name(), Some(l.source.clone()), findings);
        }
    };
    let mut report = check_source(ev, None, SourceFile::new(l.source.name(), text));
    report.source = Some(l.source.clone());
    at_cells(&mut report.findings, l, lo.plan_file.as_ref());
    // the rows left out as not funds are said, at their cells
    report.findings.extend(l.notes.iter().cloned());
    if !l.refused.is_empty() || !overlay_errors.is_empty() {
        // the other rows are checked and their findings reported; the plan's own
        // figures would leave the refused rows out, so plan rules say nothing, and
        // the lineup cannot pass until the cells are fixed
        report
            .findings
            .retain(|f| f.rule().is_none() || f.path.option_index().is_some());
        let mut all = l.refused.clone();
        all.extend(overlay_errors);
        all.append(&mut report.findings);
        report.findings = all;
        report.checked = false;
    }
    report
}

/// `menulint import`: the menu a lineup export becomes through its mapping, as TOML,
/// or the report of what keeps it from becoming one, each finding at its cell.
pub fn import(
    path: &Path,
    lo: &LineupOptions,
    max_file_size: u64,
) -> Result<String, Box<FileReport>> {
    let failed = |e| unreadable(path, e);
    let l = lineup::read(path, &lo.mapping, lo.sheet.as_deref(), max_file_size).map_err(failed)?;
    import_lineup(&l, lo).map_err(|errors| failed((Some(l.source.clone()), errors)))
}

/// A lineup that could not be read (or made a menu) as the report on its file.
fn unreadable(path: &Path, (source, findings): lineup::ReadError) -> Box<FileReport> {
    Box::new(FileReport::from_errors(FileErrors::new(
        crate::diag::display_path(path),
        source,
        findings,
    )))
}

/// `menulint import --print-map`: a starter mapping for a lineup export, or the report
/// of why its header row cannot be read.
pub fn starter_mapping(
    path: &Path,
    sheet: Option<&str>,
    max_file_size: u64,
) -> Result<String, Box<FileReport>> {
    lineup::starter_mapping(path, sheet, max_file_size).map_err(|e| unreadable(path, e))
}

/// The menu `import` writes for a lineup, or what is wrong with it (each at its cell):
/// the schema's checks on values the mapping let through (a ticker's pattern, a range).
pub(crate) fn import_lineup(l: &Lineup, lo: &LineupOptions) -> Result<String, Vec<Finding>> {
    let (l, overlay_errors) = with_overlays(l, lo);
    let l = &l;
    // a menu missing a refused row is never written, nor one whose figures are off
    // by a unit for their column, nor one an overlay cannot be applied to
    let mut refused = l.refused.clone();
    refused.extend(overlay_errors);
    if !refused.is_empty() {
        return Err(refused);
    }
    let text = lineup::to_toml(l, &lo.plan, &lo.mapping_name)?;
    let mut errors = match parse(SourceFile::new(l.source.name(), text.as_str())) {
        Ok(doc) => validate(&doc),
        Err(findings) => findings,
    };
    if errors.is_empty() {
        return Ok(text);
    }
    at_cells(&mut errors, l, lo.plan_file.as_ref());
    Err(errors)
}

/// The lineup with the overlays' facts added, and what is wrong with the overlays or
/// with the lineup's assets against the plan's total.
fn with_overlays(l: &Lineup, lo: &LineupOptions) -> (Lineup, Vec<Finding>) {
    let mut l = l.clone();
    let mut errors = lineup::apply_overlays(&mut l, &lo.overlays);
    // and whether its assets are in the unit the plan's total says
    errors.extend(l.total_slip(&lo.plan));
    (l, errors)
}

/// Points findings on the menu made from a lineup at the lineup's cells (or rows),
/// at the overlay line that set the value, or at the plan file's line for a plan fact.
fn at_cells(findings: &mut [Finding], l: &Lineup, plan_file: Option<&Document>) {
    let place = |path: &MenuPath| match path.option_index() {
        Some(i) => l.locate(i, &path.below_option().to_string()),
        None => {
            let (span, cell) = l.header();
            Some(Place::Cell(span, cell))
        }
    };
    for f in findings {
        if f.span.is_none() {
            continue;
        }
        // a rule's help says what to add to a menu; a lineup adds it in its own terms
        if let (Some(i), Some(help)) = (f.path.option_index(), f.help_text()) {
            if f.rule().is_some() {
                if let Some(hint) = l.where_to_add(i, &f.path.below_option().to_string()) {
                    f.help = Some(format!("{hint}. What the rule asks: {help}"));
                }
            }
        }
        // a fact of the plan file's [plan]: its line there
        if let Some((doc, span)) = plan_file.and_then(|d| {
            let (at, s) = d.spans.nearest(&f.path)?;
            (at.to_string().starts_with("plan")).then(|| (d, s.value.clone()))
        }) {
            f.span = Some(span);
            f.cell = None;
            *f = f.clone().in_file(&doc.source);
            f.labels.clear();
            continue;
        }
        match place(&f.path) {
            Some(Place::Cell(span, cell)) => {
                f.span = Some(span);
                f.location = Some(Lineup::location(&cell));
                f.cell = Some(cell.to_string());
            }
            Some(Place::Fact(n, span)) => {
                if let Some(overlay) = l.overlays.get(n) {
                    f.span = Some(span);
                    f.cell = None;
                    *f = f.clone().in_file(overlay);
                    // the labels point into the lineup: the overlay line says it all
                    f.labels.clear();
                }
            }
            Some(Place::Default(span)) => {
                f.span = Some(span);
                f.cell = None;
                *f = f.clone().in_file(&l.mapping);
                f.labels.clear();
            }
            None => {}
        }
        // a message names the spreadsheet's row, never the generated menu's `options[6]`
        if let Some(o) = f
            .path
            .option_index()
            .and_then(|i| l.options.get(i).map(|o| (i, o)))
        {
            let (i, o) = o;
            let whole = format!("`options[{i}]`");
            let field = format!("`options[{i}].");
            if f.message.contains(&field) {
                // "`options[6].cusip`: …" → "`cusip`: … (row 8)"
                f.message = f.message.replace(&field, "`");
                f.message.push_str(&format!(" (row {})", o.row));
            }
            // "… in `options[6]`" → "… in row 8"
            f.message = f.message.replace(&whole, &format!("row {}", o.row));
        }
        // a label on an overlay's value cannot be drawn in the lineup: it goes
        f.labels.retain_mut(|label| match place(&label.path) {
            Some(Place::Cell(span, cell)) => {
                label.span = span;
                label.location = Lineup::location(&cell);
                true
            }
            Some(Place::Fact(..) | Place::Default(_)) => false,
            None => true,
        });
    }
}

/// Reads and checks a monitoring history CSV (`--history`).
pub(crate) fn load_history(
    path: &Path,
    max_file_size: u64,
) -> Result<HistoryFile, Box<FileReport>> {
    let name = crate::diag::display_path(path);
    // a history is a spreadsheet's export: in whatever encoding it wrote
    let (source, sha256) = crate::menu::load::read_export(path, max_file_size).map_err(|f| {
        Box::new(FileReport::from_errors(crate::diag::FileErrors::new(
            &name,
            None,
            vec![*f],
        )))
    })?;
    let mut file = history::parse_csv(source.clone()).map_err(|errors| {
        Box::new(FileReport::from_errors(crate::diag::FileErrors::new(
            &name,
            Some(source),
            errors,
        )))
    })?;
    file.path = Some(path.to_owned());
    file.audited = Some(crate::diag::AuditedFile::hashed("history", path, sha256));
    Ok(file)
}

/// Reads a menu file up to the typed model: TOML with spans, the schema, the model.
/// Anything wrong is a report on the file.
pub(crate) fn load_menu(opts: &CheckOptions, path: &Path) -> Result<Menu, Box<FileReport>> {
    let source = read_source(path, opts.max_file_size).map_err(|f| {
        Box::new(FileReport::not_checked(
            &crate::diag::display_path(path),
            None,
            vec![*f],
        ))
    })?;
    load_document(source, opts.history.as_deref()).map(|(_, m)| m)
}

pub(crate) fn load_document(
    source: SourceFile,
    history: Option<&HistoryFile>,
) -> Result<(Document, Menu), Box<FileReport>> {
    let name = source.name().to_owned();
    let doc = match parse(source.clone()) {
        Ok(d) => d,
        Err(findings) => {
            return Err(Box::new(FileReport::not_checked(
                &name,
                Some(source),
                findings,
            )))
        }
    };
    let schema_errors = validate(&doc);
    if !schema_errors.is_empty() {
        return Err(Box::new(FileReport::not_checked(
            &name,
            Some(source),
            schema_errors,
        )));
    }
    match Menu::deserialize(&doc.value) {
        Ok(mut m) => {
            let inline = history::check_inline(&doc, &m);
            if !inline.is_empty() {
                return Err(Box::new(FileReport::not_checked(
                    &name,
                    Some(source),
                    inline,
                )));
            }
            let mut doc = doc;
            if let Some(file) = history {
                if let Err(errors) = history::join(file, &mut doc, &mut m) {
                    // the errors are in the history file: report them there
                    return Err(Box::new(FileReport::not_checked(
                        file.source.name(),
                        Some(file.source.clone()),
                        errors,
                    )));
                }
            }
            Ok((doc, m))
        }
        Err(e) => {
            let f = Finding::input_error(
                Code::Schema,
                format!("the menu does not match format v1: {e}"),
                Some(&source),
                Some(0..0),
            );
            Err(Box::new(FileReport::not_checked(
                &name,
                Some(source),
                vec![f],
            )))
        }
    }
}

/// Checks one menu already in memory.
pub fn check_source(
    ev: &Evaluation,
    history: Option<&HistoryFile>,
    source: SourceFile,
) -> FileReport {
    let name = source.name().to_owned();
    let (doc, menu) = match load_document(source.clone(), history) {
        Ok(loaded) => loaded,
        Err(report) => return *report,
    };
    let lt = match look_through(&menu) {
        Ok(lt) => lt,
        Err(cycle) => {
            let path = MenuPath::option(cycle.option)
                .key("holdings")
                .index(cycle.holding)
                .key("option");
            let span = doc.spans.nearest(&path).map(|(_, s)| s.value.clone());
            let f = Finding::input_error(
                Code::HoldingsCycle,
                format!("holdings form a cycle: {}", cycle.ids.join(" → ")),
                Some(&source),
                span,
            )
            .with_path(path)
            .with_label("this holding closes the cycle")
            .with_help("an option cannot hold itself, directly or through other options; remove one holding of the cycle");
            return FileReport::not_checked(&name, Some(source), vec![f]);
        }
    };
    let evaluated = evaluate(ev, &doc, &menu, &lt);
    let mut findings = evaluated.findings;
    for f in &mut findings {
        f.fingerprint = fingerprint(&menu.plan.name, f);
    }
    // the menu's own waivers come first, then the config's
    let own = waivers::menu_waivers(&doc);
    let all: Vec<_> = own
        .iter()
        .map(|w| (&source, w))
        .chain(ev.waivers.iter().map(|(s, w)| (s, w)))
        .collect();
    let used = waivers::apply(&mut findings, &all, ev.as_of);
    let mut states = Vec::with_capacity(own.len());
    for (w, &u) in own.into_iter().zip(&used) {
        let status = WaiverStatus::of(&w, ev.rule_state(&w.rule), u, ev.as_of);
        findings.extend(waivers::audit(&source, &w, status));
        states.push(WaiverState { spec: w, status });
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut report = FileReport {
        findings,
        checked: true,
        config_waivers_used: used[states.len()..]
            .iter()
            .enumerate()
            .filter_map(|(i, &u)| u.then_some(i))
            .collect(),
        waivers: states,
        menu: Some(Arc::new(menu)),
        exposure: Some(Box::new(lt)),
        measurements: evaluated.measurements,
        watch: evaluated.watch,
        ..FileReport::not_checked(&name, Some(source), Vec::new())
    };
    report.checked = !report.has_eval_error();
    report
        .audited
        .extend(history.and_then(|h| h.audited.clone()));
    report
}

/// A finding's identity that survives moved lines and reordered options:
/// FNV-1a of rule, plan name, option id and the field path below the option.
pub fn fingerprint(plan: &str, f: &Finding) -> String {
    let field = match &f.option {
        Some(id) if f.path.option_index().is_some() => {
            let below = f.path.below_option();
            match below.segments().first() {
                Some(Segment::Key(_)) => format!("{id}.{below}"),
                _ => format!("{id}{below}"),
            }
        }
        _ => f.path.to_string(),
    };
    let key = format!(
        "{}|{}|{}|{}",
        f.id(),
        plan,
        f.option.as_deref().unwrap_or("-"),
        field
    );
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}
