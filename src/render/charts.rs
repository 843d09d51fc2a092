//! Small static SVG bar charts for the report (no JavaScript, no fonts to fetch).

use crate::rules::format_number;

use super::escape::xml as esc;

/// One bar: a label, a value, and an optional cap drawn as a marker.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub cap: Option<f64>,
}

/// A horizontal bar chart; bars over their cap are drawn in the warning colour.
pub fn bar_chart(title: &str, unit: &str, bars: &[Bar]) -> String {
    let (label_w, chart_w, row_h, top) = (190.0, 380.0, 26.0, 34.0);
    let width = label_w + chart_w + 90.0;
    let height = top + row_h * bars.len().max(1) as f64 + 12.0;
    let max = bars
        .iter()
        .flat_map(|b| [b.value, b.cap.unwrap_or(0.0)])
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let x = |v: f64| label_w + v / max * chart_w;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="Helvetica, Arial, sans-serif" font-size="15"><title>{t}</title><text x="0" y="16" font-size="16" font-weight="bold">{t}</text>"#,
        t = esc(title)
    );
    if bars.is_empty() {
        svg.push_str(&format!(
            r#"<text x="0" y="{}">nothing to show</text>"#,
            top + 14.0
        ));
    }
    for (i, b) in bars.iter().enumerate() {
        let y = top + row_h * i as f64;
        let over = b.cap.is_some_and(|c| b.value > c + 1e-9);
        let fill = if over { "#c0392b" } else { "#2e6da4" };
        svg.push_str(&format!(
            r#"<text x="{lx}" y="{ty}" text-anchor="end">{label}</text><rect x="{label_w}" y="{y}" width="{w:.2}" height="18" fill="{fill}"/><text x="{vx:.2}" y="{ty}">{value}{unit}</text>"#,
            lx = label_w - 8.0,
            ty = y + 13.0,
            label = esc(&b.label),
            w = (x(b.value) - label_w).max(0.0),
            vx = x(b.value) + 6.0,
            value = format_number(b.value),
            unit = esc(unit),
        ));
        if let Some(c) = b.cap {
            svg.push_str(&format!(
                r##"<line x1="{cx:.2}" x2="{cx:.2}" y1="{y1}" y2="{y2}" stroke="#222" stroke-width="2" stroke-dasharray="3,2"><title>cap {cap}{unit}</title></line>"##,
                cx = x(c),
                y1 = y - 3.0,
                y2 = y + 21.0,
                cap = format_number(c),
                unit = esc(unit),
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_over_cap_bars_coloured() {
        let svg = bar_chart(
            "<b>",
            "%",
            &[
                Bar {
                    label: "<script>".into(),
                    value: 6.0,
                    cap: Some(5.0),
                },
                Bar {
                    label: "ok".into(),
                    value: 1.0,
                    cap: Some(5.0),
                },
            ],
        );
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert_eq!(svg.matches("#c0392b").count(), 1);
        assert_eq!(svg.matches("<line").count(), 2);
    }
}
