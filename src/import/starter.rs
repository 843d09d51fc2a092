//! A starter mapping guessed from a lineup's header row.

use super::cells::*;
use super::grid::*;
use super::header::*;
use super::mapping::*;
use super::write::*;
use crate::diag::{Code, Finding, SourceFile};
use serde_json::Value;
use std::path::Path;

/// The unit a header names for its column's figures: `Plan Assets ($000)` is in
/// thousands, `Expense Ratio (bps)` in basis points.
pub(super) fn header_unit(header: &str, field: &str) -> Option<&'static str> {
    let h = header.to_ascii_lowercase().replace(' ', "");
    let amount = field == "assets_usd";
    if amount
        && [
            "($000)",
            "(000)",
            "(000s)",
            "($000s)",
            "(inthousands)",
            "($thousands)",
            "(thousands)",
        ]
        .iter()
        .any(|u| h.contains(u))
    {
        Some("thousands")
    } else if amount
        && [
            "($m)",
            "($mm)",
            "(mm)",
            "(inmillions)",
            "($millions)",
            "(millions)",
        ]
        .iter()
        .any(|u| h.contains(u))
    {
        Some("millions")
    } else if field.ends_with("_pct") && (h.contains("(bps)") || h.contains("(bp)")) {
        Some("bp")
    } else {
        None
    }
}

/// A starter mapping from a lineup's header row: each header matched to the menu
/// field it most likely feeds, every other header listed as a comment.
pub(crate) fn starter_mapping(
    path: &Path,
    sheet: Option<&str>,
    max_size: u64,
) -> Result<String, ReadError> {
    let name = crate::diag::display_path(path);
    let empty = Mapping {
        source: SourceFile::new("", ""),
        sheet: sheet.map(str::to_owned),
        header_row: None,
        skip: Vec::new(),
        columns: Vec::new(),
        defaults: Vec::new(),
        plan: None,
    };
    // read as `check` reads a lineup: one size-limited read of a regular file
    let bytes = read_file(path, max_size)?;
    let grids = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        vec![read_csv(&name, &bytes)?]
    } else {
        read_workbook(path, &bytes, &name, sheet)?
    };
    // every sheet is looked at: the lineup's is the one whose header row reads as the
    // most menu fields (a cover page reads as none)
    let guessed = |g: &Grid| {
        header_of(g, &empty).map_or(0, |h| {
            g.rows[h]
                .1
                .iter()
                .filter(|c| guess(&c.value.shown()).is_some())
                .count()
        })
    };
    let best = (0..grids.len())
        .max_by_key(|&i| (guessed(&grids[i]), std::cmp::Reverse(i)))
        .unwrap_or(0);
    let Some(grid) = grids.into_iter().nth(best) else {
        let f = Finding::input_error(Code::Lineup, format!("{name} has no sheets"), None, None);
        return Err((None, vec![f]));
    };
    let h = header_of(&grid, &empty).map_err(|e| (Some(grid.source.clone()), e))?;
    let (header_row, header) = &grid.rows[h];
    let fields = option_fields();
    // the presets' value tables, as a dictionary of the usual export wordings
    let known: Vec<(String, Vec<(String, Value)>)> = PRESETS
        .iter()
        .filter_map(|(_, text)| parse_mapping(SourceFile::new("", *text)).ok())
        .flat_map(|m| m.columns.into_iter().map(|c| (c.field, c.values)))
        .collect();
    let total = regex::RegexBuilder::new(TOTAL_ROW)
        .case_insensitive(true)
        .build()
        .ok();
    let mut out = format!(
        "# Lineup mapping for {}, written by `menulint import --print-map`.\n# Check each line; map the commented columns you need (see README, \"Importing a lineup\").\n\n[lineup]\n",
        comment(&name)
    );
    if let Some(s) = &grid.sheet {
        out.push_str(&format!("sheet = {}\n", quoted(s)));
    }
    out.push_str(&format!("header_row = {header_row}\n\n[columns]\n"));
    let mut used = Vec::new();
    let mut unmapped = Vec::new();
    let mut tables = String::new();
    // participants pay the net expense ratio: it wins over the gross one, wherever
    // each stands in the header
    let words = |c: &Cell| c.value.shown().to_ascii_lowercase();
    let has_net = header
        .iter()
        .any(|c| words(c).contains("net") && guess(&c.value.shown()) == Some("expense_ratio_pct"));
    for cell in header {
        let text = cell.value.shown();
        if text.is_empty() {
            continue;
        }
        let gross_beside_net = has_net && words(cell).contains("gross");
        let Some(field) = guess(&text).filter(|f| !used.contains(f) && !gross_beside_net) else {
            unmapped.push(text);
            continue;
        };
        used.push(field);
        let Some(Kind::Choice(allowed)) = fields.get(field) else {
            match header_unit(&text, field) {
                Some(unit) => out.push_str(&format!(
                    "{} = {{ header = {}, unit = \"{unit}\" }}\n",
                    toml_key(field),
                    quoted(&text)
                )),
                None => out.push_str(&format!("{} = {}\n", toml_key(field), quoted(&text))),
            }
            continue;
        };
        // the column's values that need translating, each with a guess when a
        // preset knows the wording
        let mut values: Vec<String> = Vec::new();
        for (_, cells) in &grid.rows[h + 1..] {
            let Some(v) = cells.iter().find(|c| c.column == cell.column) else {
                continue;
            };
            let shown = v.value.shown();
            let first = cells.iter().find(|c| c.value != CellValue::Empty);
            let is_total = first
                .zip(total.as_ref())
                .is_some_and(|(f, r)| r.is_match(&f.value.shown()));
            if shown.is_empty()
                || is_total
                || allowed.contains(&normalise(&shown))
                || values.contains(&shown)
            {
                continue;
            }
            values.push(shown);
        }
        tables.push_str(&format!(
            "\n[columns.{field}]\nheader = {}\n",
            quoted(&text)
        ));
        if values.is_empty() {
            continue;
        }
        let lookup = |v: &str| {
            known
                .iter()
                .filter(|(f, _)| f == field)
                .flat_map(|(_, vals)| vals)
                .find(|(from, _)| normalise(from) == normalise(v))
                .map(|(_, to)| to.clone())
        };
        let (found, missing): (Vec<&String>, Vec<&String>) =
            values.iter().partition(|v| lookup(v).is_some());
        let pairs: Vec<String> = found
            .iter()
            .filter_map(|v| lookup(v).map(|to| format!("{} = {to}", quoted(v))))
            .collect();
        tables.push_str(&format!("values = {{ {} }}\n", pairs.join(", ")));
        for v in missing {
            tables.push_str(&format!(
                "# {} has no translation yet; add it to values with one of: {}\n",
                comment(&quoted(v)),
                allowed.join(", ")
            ));
        }
    }
    out.push_str(&tables);
    if !unmapped.is_empty() {
        out.push_str("\n# Columns not mapped:\n");
        for h in unmapped {
            out.push_str(&format!("# {}\n", comment(&quoted(&h))));
        }
    }
    let missing: Vec<&&str> = ["name", "vehicle", "asset_class"]
        .iter()
        .filter(|f| !used.contains(*f))
        .collect();
    out.push_str("\n[defaults]\n");
    for f in missing {
        out.push_str(&format!(
            "# {f} = \"…\"   # no column looks like it: map one or set a default\n"
        ));
    }
    Ok(out)
}

/// The menu field a header most likely names.
pub(super) fn guess(header: &str) -> Option<&'static str> {
    let h = normalise(header).replace(['(', ')', '%', '$', '.'], "");
    let has = |w: &str| h.contains(w);
    // a whole word: "1" in "1_yr", not in "10_yr"
    let word = |w: &str| {
        h.split('_')
            .any(|p| p == w || p.strip_suffix("yr") == Some(w))
    };
    let years =
        |w: &str, word_form: &str| (word(w) || word(word_form)) && (has("yr") || has("year"));
    let benchmark = has("benchmark") || has("index_return") || h.contains("index_ret");
    Some(match () {
        // the comparative chart's benchmark returns, before the option's own
        _ if benchmark && has("since") && has("inception") => {
            "performance.benchmark_since_inception_pct"
        }
        _ if benchmark && years("10", "ten") => "performance.benchmark_10y_pct",
        _ if benchmark && years("5", "five") => "performance.benchmark_5y_pct",
        _ if benchmark && years("1", "one") => "performance.benchmark_1y_pct",
        _ if has("since") && has("inception") => "performance.since_inception_pct",
        _ if has("redemption") => "shareholder_fees.redemption",
        _ if has("surrender") => "shareholder_fees.surrender",
        _ if has("deferred") && (has("load") || has("charge")) => {
            "shareholder_fees.deferred_sales_charge"
        }
        _ if has("load") || h.contains("sales_charge") => "shareholder_fees.sales_load",
        _ if h.contains("exchange_fee") => "shareholder_fees.exchange",
        _ if h.contains("account_fee") => "shareholder_fees.account",
        _ if h.contains("purchase_fee") => "shareholder_fees.purchase",
        _ if has("restriction") || h.contains("round_trip") || h.contains("trading_policy") => {
            "transfer_restrictions"
        }
        _ if h.contains("fixed_rate") || h.contains("crediting_rate") => "fixed_return.rate_pct",
        _ if h == "term" || h.ends_with("_term") && !has("long") && !has("short") => {
            "fixed_return.term"
        }
        // fee prudence: the cheapest class open to the plan, before the option's own
        // expense ratio and share class
        _ if (has("median") || has("average")) && has("expense") => "peer_median_expense_ratio_pct",
        _ if (has("lowest") || has("cheapest")) && has("expense") => {
            "cheapest_class.expense_ratio_pct"
        }
        _ if (has("lowest") || has("cheapest")) && (has("minimum") || has("min")) => {
            "cheapest_class.minimum_usd"
        }
        _ if (has("lowest") || has("cheapest")) && (has("class") || has("share")) => {
            "cheapest_class.name"
        }
        _ if h.contains("share_class") || h == "class" => "share_class",
        _ if has("12b") => "revenue_sharing.twelve_b1_bp",
        _ if h.contains("sub_ta") || h.contains("sub_transfer") => "revenue_sharing.sub_ta_bp",
        _ if h.contains("revenue_shar") && (has("credit") || has("rebate")) => {
            "revenue_sharing.credited"
        }
        _ if h.contains("revenue_shar") => "revenue_sharing.other_bp",
        _ if has("ticker") || has("symbol") => "ticker",
        _ if has("cusip") => "cusip",
        _ if has("isin") => "isin",
        _ if has("expense") || h.contains("exp_ratio") || h == "er" => "expense_ratio_pct",
        _ if has("qdia") || h.contains("default_fund") || h.contains("default_investment") => {
            "qdia"
        }
        _ if has("vehicle")
            || h.contains("fund_type")
            || h.contains("investment_type")
            || h.contains("product_type")
            || h.contains("security_type")
            || h.contains("structure") =>
        {
            "vehicle"
        }
        _ if has("category") || h.contains("asset_class") => "asset_class",
        _ if has("assets") || has("aum") || has("balance") || h.contains("market_value") => {
            "assets_usd"
        }
        _ if has("benchmark") || has("index") => "benchmark",
        _ if has("inception") => "inception_date",
        _ if has("management") || has("passive") => "management",
        _ if (word("10") || word("ten")) && (has("yr") || has("year")) => {
            "performance.return_10y_pct"
        }
        _ if (word("5") || word("five")) && (has("yr") || has("year")) => {
            "performance.return_5y_pct"
        }
        _ if (word("1") || word("one")) && (has("yr") || has("year")) => {
            "performance.return_1y_pct"
        }
        _ if has("prospectus") => "disclosures.prospectus_url",
        _ if has("url") || has("website") || has("link") => "url",
        _ if has("name") || has("fund") || has("investment") => "name",
        _ => return None,
    })
}
