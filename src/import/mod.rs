//! Stage 1, continued: the formats users bring besides a TOML menu — recordkeeper
//! and data-vendor lineup exports (CSV, XLSX, XLS, ODS) read through a mapping, and
//! quarterly histories. Each becomes a menu document whose values keep the cell
//! they came from, so findings on the menu point at the spreadsheet.
//!
//! The files follow the job: `grid` reads cells, `mapping` is the mapping and
//! plan-file format, `convert` turns rows into options, `write` writes the menu
//! TOML, `starter` guesses a mapping, `styles` finds a workbook's percent-formatted
//! cells; [`history`] reads quarterly histories.

mod a1;
mod cells;
mod convert;
mod grid;
mod header;
pub mod history;
mod mapping;
pub use mapping::MAPPING_SCHEMA;
mod overlay;
mod records;
mod starter;
mod styles;
mod write;

/// Lineup exports read as menus, through a mapping.
pub mod lineup {
    pub(crate) use super::convert::Place;
    pub use super::convert::{read, read_csv_text, Lineup};
    pub use super::convert::{Fact, LineupOption};
    pub(crate) use super::grid::is_lineup;
    pub use super::grid::CellRef;
    pub(crate) use super::grid::ReadError;
    pub use super::mapping::Mapping;
    pub(crate) use super::mapping::{column_names, parse_plan};
    pub use super::mapping::{parse_mapping, preset, PRESETS};
    pub use super::overlay::apply as apply_overlays;
    pub use super::overlay::Overlay;
    pub(crate) use super::starter::starter_mapping;
    pub use super::write::to_toml;
}

#[cfg(test)]
mod tests {
    use super::{cells::*, grid::*, starter::*};

    /// Every value a lineup's option can hold is written as TOML that reads back as
    /// the same value, tables inside lists too (an overlay's holdings); a value TOML
    /// cannot hold is refused (`None`), never written as another one.
    #[test]
    fn every_value_is_written_as_itself_or_refused() {
        use super::write::toml_scalar;
        let kinds = super::mapping::option_fields();
        let value = serde_json::json!({
            "holdings": [{ "option": "ibit", "weight_pct": 5.0 }, { "option": "b c", "weight_pct": 1 }],
            "custody": { "custodian": "X \"Y\"", "qualified_custodian": true, "deep": { "n": [1, 2] } },
            "empty": {},
            "names": ["a", "b\nc"],
        });
        for (field, v) in value.as_object().unwrap() {
            let text = toml_scalar(field, v, &kinds).expect("writable");
            let back: toml::Table = toml::from_str(&format!("x = {text}")).expect(&text);
            let back = super::mapping::toml_json(&back["x"]);
            // integers and floats are told apart by TOML as by JSON
            assert_eq!(&back, v, "{field}: {text}");
        }
        assert_eq!(toml_scalar("x", &serde_json::Value::Null, &kinds), None);
        let nested_null = serde_json::json!([{ "a": null }]);
        assert_eq!(toml_scalar("holdings", &nested_null, &kinds), None);
    }

    /// A date cell is read in its workbook's date system: serial 45000 is
    /// 2023-03-15 in the 1900 system and 1,462 days later in the 1904 one.
    #[test]
    fn workbook_dates_follow_the_workbook_date_system() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        let date = |serial: f64, is_1904: bool| {
            workbook_date(&ExcelDateTime::new(
                serial,
                ExcelDateTimeType::DateTime,
                is_1904,
            ))
        };
        assert_eq!(date(45000.0, false), CellValue::Date("2023-03-15".into()));
        assert_eq!(date(45000.0, true), CellValue::Date("2027-03-16".into()));
        assert_eq!(date(1.0e9, false), CellValue::Text("1000000000".into()));
    }

    #[test]
    fn a_sheet_dimension_counts_its_cells() {
        assert_eq!(dimension_cells("A1:XFD1048576"), 16_384 * 1_048_576);
        assert_eq!(dimension_cells("B2:D11"), 30);
        assert_eq!(dimension_cells("C3"), 1);
        // a range that does not read, or past the last column, is no small sheet
        assert_eq!(dimension_cells("nonsense"), u64::MAX);
        assert_eq!(dimension_cells("A1:ZZZZZZZZZZZZZZZZ4"), u64::MAX);
        assert_eq!(dimension_cells("A1:B12345678901234567890123"), u64::MAX);
        assert_eq!(cell_position("XFD1048576"), Some((1_048_576, 16_384)));
        assert_eq!(cell_position("XFE1"), None);
        assert_eq!(cell_position("XFDZZZZ3"), None);
    }

    #[test]
    fn columns_and_cells_are_named_as_spreadsheets_name_them() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_number("d"), Some(4));
        assert_eq!(column_number("AA"), Some(27));
        assert_eq!(column_number("4"), None);
        let c = CellRef {
            sheet: Some("Funds".into()),
            row: 14,
            column: 4,
        };
        assert_eq!(c.to_string(), "Funds!D14");
        assert_eq!(CellRef { sheet: None, ..c }.to_string(), "14:4");
    }

    #[test]
    fn numbers_as_lineups_write_them() {
        assert_eq!(parse_number("1,234.5"), Some((1234.5, false)));
        assert_eq!(parse_number("0.45%"), Some((0.45, true)));
        assert_eq!(parse_number("(1.2)"), Some((-1.2, false)));
        assert_eq!(parse_number("$1,000"), Some((1000.0, false)));
        assert_eq!(parse_number("n/a"), None);
        assert_eq!(parse_number("-$1,250,000"), Some((-1_250_000.0, false)));
        assert_eq!(
            parse_number("9007199254740992"),
            Some((9_007_199_254_740_992.0, false))
        );
    }

    /// What could be read two ways is no number: the cell is an error, never a
    /// different value in silence.
    #[test]
    fn ambiguous_figures_are_not_numbers() {
        for s in [
            "0,45",
            "1,2345",
            "12,34.5",
            "1.234,5",
            "(-1.2)",
            "(+3)",
            "NaN",
            "nan",
            "inf",
            "-Infinity",
            "1.2.3",
            "0x10",
            "12abc",
        ] {
            assert_eq!(parse_number(s), None, "{s}");
        }
        // an integer a double cannot hold exactly is refused downstream as too large
        let (n, _) = parse_number("9007199254740993").expect("read");
        assert!(n.is_infinite());
    }

    #[test]
    fn headers_are_guessed() {
        assert_eq!(guess("Fund Name"), Some("name"));
        assert_eq!(guess("Ticker Symbol"), Some("ticker"));
        assert_eq!(guess("Net Expense Ratio (%)"), Some("expense_ratio_pct"));
        assert_eq!(guess("1 Yr Return"), Some("performance.return_1y_pct"));
        assert_eq!(guess("Morningstar Rating"), None);
        // fee prudence: the cheapest class's columns before the option's own
        assert_eq!(guess("Share Class"), Some("share_class"));
        assert_eq!(
            guess("Category Median Expense Ratio (%)"),
            Some("peer_median_expense_ratio_pct")
        );
        assert_eq!(
            guess("Lowest-Cost Share Class"),
            Some("cheapest_class.name")
        );
        assert_eq!(
            guess("Cheapest Class Expense Ratio"),
            Some("cheapest_class.expense_ratio_pct")
        );
        assert_eq!(
            guess("Lowest-Cost Minimum ($)"),
            Some("cheapest_class.minimum_usd")
        );
        assert_eq!(
            guess("12b-1 Fee (bp)"),
            Some("revenue_sharing.twelve_b1_bp")
        );
        assert_eq!(
            guess("Sub-Transfer Agency (bp)"),
            Some("revenue_sharing.sub_ta_bp")
        );
        assert_eq!(
            guess("Revenue Sharing Credited"),
            Some("revenue_sharing.credited")
        );
        assert_eq!(
            guess("Revenue Sharing (bp)"),
            Some("revenue_sharing.other_bp")
        );
        assert_eq!(guess("Investment Type"), Some("vehicle"));
        assert_eq!(guess("Fund Type"), Some("vehicle"));
        assert_eq!(guess("Default Fund"), Some("qdia"));
        assert_eq!(guess("Market Value"), Some("assets_usd"));
        assert_eq!(guess("Balance"), Some("assets_usd"));
        assert_eq!(guess("Ticker Symbol"), Some("ticker"));
        assert_eq!(
            header_unit("Plan Assets ($000)", "assets_usd"),
            Some("thousands")
        );
        assert_eq!(
            header_unit("Market Value (000s)", "assets_usd"),
            Some("thousands")
        );
        assert_eq!(
            header_unit("Assets (in thousands)", "assets_usd"),
            Some("thousands")
        );
        assert_eq!(header_unit("AUM ($M)", "assets_usd"), Some("millions"));
        assert_eq!(
            header_unit("Expense Ratio (bps)", "expense_ratio_pct"),
            Some("bp")
        );
        assert_eq!(header_unit("Expense Ratio (%)", "expense_ratio_pct"), None);
        assert_eq!(header_unit("Plan Assets ($)", "assets_usd"), None);
    }
}
