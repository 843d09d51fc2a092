//! Small static SVG bar charts for the report (no JavaScript, no fonts to fetch).

use crate::rules::format_number;

use super::escape::xml as esc;

/// One bar: a label, a value, and an optional cap drawn as a marker.
pub(crate) struct Bar {
    pub label: String,
    pub value: f64,
    pub cap: Option<f64>,
    /// What the cap is called beside the value: `cap`, or `QDIA cap` for the
    /// default option, whose cap is its own.
    pub cap_name: &'static str,
}

/// A horizontal bar chart; bars over their cap are drawn in the warning colour. Each
/// value and its cap are written in a column of their own, right of the bars, so no
/// label can sit on a bar, a cap line or another label.
pub(crate) fn bar_chart(title: &str, unit: &str, bars: &[Bar]) -> String {
    let (label_w, chart_w, row_h, top) = (190.0, 330.0, 26.0, 34.0);
    let values_x = label_w + chart_w + 14.0;
    let width = values_x + 180.0;
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
            r#"<text x="{lx}" y="{ty}" text-anchor="end">{label}</text><rect x="{label_w}" y="{y}" width="{w:.2}" height="18" fill="{fill}"/><text x="{values_x}" y="{ty}">{value}{unit}{cap}</text>"#,
            lx = label_w - 8.0,
            ty = y + 14.0,
            label = esc(&truncate(&b.label, 22)),
            w = (x(b.value) - label_w).max(0.0),
            value = format_number(b.value),
            unit = esc(unit),
            cap = b.cap.map_or(String::new(), |c| format!(
                " ({} {}{})",
                b.cap_name,
                format_number(c),
                esc(unit)
            )),
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

/// A label cut to `max` characters (with an ellipsis), so it stays in its column.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// One line of a trend chart: a name, a colour, a dash pattern, and a value per quarter
/// (a gap where the figure is missing).
pub(crate) struct Series<'a> {
    pub name: &'a str,
    pub color: &'a str,
    pub dash: Option<&'a str>,
    pub values: Vec<Option<f64>>,
}

/// `2026-09-30` → `Q3 2026`.
pub(crate) fn quarter_label(date: &str) -> String {
    let month: u32 = date.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
    format!(
        "Q{} {}",
        month.div_ceil(3),
        date.get(..4).unwrap_or_default()
    )
}

/// The quarters a chart labels: the latest always, then every `every`-th one before
/// it, so no two labels are closer than `every` quarters and none is cut off.
fn labelled(n: usize, every: usize) -> Vec<usize> {
    let mut out: Vec<usize> = (0..n).rev().step_by(every.max(1)).collect();
    out.reverse();
    out
}

/// A line chart over quarters, for an option's return against its benchmark, with
/// the quarter it went on the watch list marked (`watch_from`, an index into
/// `quarters`). Text is 14–15 px in a 660-px-wide drawing, about 10 pt once scaled to
/// a printed column.
pub(crate) fn trend_chart(
    title: &str,
    unit: &str,
    quarters: &[String],
    series: &[Series],
    watch_from: Option<usize>,
) -> String {
    // the right margin holds half the latest quarter's label
    let (left, right, top, plot_h) = (56.0, 40.0, 58.0, 150.0);
    let width = 660.0;
    let plot_w = width - left - right;
    let height = top + plot_h + 40.0;
    let values = || {
        series
            .iter()
            .flat_map(|s| s.values.iter().flatten().copied())
    };
    let (lo, hi) = values().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="Helvetica, Arial, sans-serif" font-size="14"><title>{t}</title><text x="0" y="16" font-size="16" font-weight="bold">{t}</text>"#,
        t = esc(title)
    );
    if !lo.is_finite() || quarters.is_empty() {
        svg.push_str(r#"<text x="0" y="44">no figures to show</text></svg>"#);
        return svg;
    }
    // whole-number gridlines around the figures, with some room
    let (lo, hi) = ((lo - 0.5).floor(), (hi + 0.5).ceil());
    let span = (hi - lo).max(1.0);
    let step = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
        .into_iter()
        .find(|s| span / s <= 6.0)
        .unwrap_or(200.0);
    let y = |v: f64| top + (hi - v) / span * plot_h;
    let n = quarters.len();
    let x = |i: usize| {
        if n == 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let mut tick = (lo / step).ceil() * step;
    while tick <= hi + 1e-9 {
        svg.push_str(&format!(
            r##"<line x1="{left}" x2="{x2}" y1="{yy:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{tx}" y="{ty:.1}" text-anchor="end">{v}{unit}</text>"##,
            x2 = left + plot_w,
            yy = y(tick),
            tx = left - 6.0,
            ty = y(tick) + 5.0,
            v = format_number(tick),
            unit = esc(unit),
        ));
        tick += step;
    }
    // at most six quarter labels, evenly spaced back from the latest, so they never
    // overlap (a label is about 64 px wide, six fit 564 px with room between)
    let every = n.div_ceil(6).max(1);
    for i in labelled(n, every) {
        svg.push_str(&format!(
            r#"<text x="{xx:.1}" y="{yy}" text-anchor="middle">{label}</text>"#,
            xx = x(i),
            yy = top + plot_h + 22.0,
            label = esc(&quarter_label(&quarters[i])),
        ));
    }
    // the quarter the option went on the watch list
    if let Some(w) = watch_from.filter(|w| *w < n) {
        svg.push_str(&format!(
            r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{top}" y2="{bottom}" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="3,3"/><text x="{tx:.1}" y="{ty}" fill="#c0392b" text-anchor="{anchor}">on watch from {q}</text>"##,
            xx = x(w),
            bottom = top + plot_h,
            tx = x(w) + if x(w) > left + plot_w / 2.0 { -4.0 } else { 4.0 },
            ty = top + 14.0,
            anchor = if x(w) > left + plot_w / 2.0 { "end" } else { "start" },
            q = esc(&quarter_label(&quarters[w])),
        ));
    }
    for (k, s) in series.iter().enumerate() {
        // a missing figure breaks the line: nothing is drawn through a gap
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => runs.last_mut().map_or((), |r| r.push((x(i), y(*v)))),
                None => runs.push(Vec::new()),
            }
        }
        for run in runs.iter().filter(|r| !r.is_empty()) {
            let points: Vec<String> = run.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect();
            let dash = s.dash.map_or(String::new(), |d| {
                format!(r#" stroke-dasharray="{}""#, esc(d))
            });
            svg.push_str(&format!(
                r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"{dash}/>"#,
                points.join(" "),
                esc(s.color),
            ));
            for (a, b) in run {
                svg.push_str(&format!(
                    r#"<circle cx="{a:.1}" cy="{b:.1}" r="3" fill="{}"/>"#,
                    esc(s.color)
                ));
            }
        }
        // the legend, under the title
        let lx = k as f64 * 300.0;
        let dash = s.dash.map_or(String::new(), |d| {
            format!(r#" stroke-dasharray="{}""#, esc(d))
        });
        svg.push_str(&format!(
            r#"<line x1="{lx}" x2="{lx2}" y1="36" y2="36" stroke="{c}" stroke-width="2.5"{dash}/><text x="{tx}" y="41">{name}</text>"#,
            lx2 = lx + 28.0,
            c = esc(s.color),
            tx = lx + 34.0,
            name = esc(s.name),
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trend_lines_break_at_gaps_and_escape_names() {
        let quarters: Vec<String> = ["2026-03-31", "2026-06-30", "2026-09-30"]
            .map(String::from)
            .to_vec();
        let svg = trend_chart(
            "<t>",
            "%",
            &quarters,
            &[Series {
                name: "<script>",
                color: "#2e6da4",
                dash: None,
                values: vec![Some(1.0), None, Some(2.0)],
            }],
            Some(1),
        );
        assert!(svg.contains("on watch from Q2 2026"), "{svg}");
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("Q3 2026"));
        let empty = trend_chart("t", "%", &quarters, &[], None);
        assert!(empty.contains("no figures to show"));
    }

    /// Quarter labels, about 64 px wide, never come closer than that, whatever the
    /// number of quarters, and the latest is always labelled and inside the drawing.
    #[test]
    fn quarter_labels_never_collide_or_leave_the_drawing() {
        let label_w = 64.0;
        for n in 1..=60 {
            let quarters: Vec<String> = (0..n)
                .map(|i| format!("{}-{:02}-30", 2000 + i / 4, [3, 6, 9, 12][i % 4]))
                .collect();
            let svg = trend_chart(
                "t",
                "%",
                &quarters,
                &[Series {
                    name: "f",
                    color: "#000",
                    dash: None,
                    values: vec![Some(1.0); n],
                }],
                None,
            );
            let xs: Vec<f64> = svg
                .split(r#"<text x=""#)
                .skip(1)
                .filter(|t| t.contains(r#"text-anchor="middle">Q"#))
                .map(|t| t[..t.find('"').unwrap()].parse().unwrap())
                .collect();
            assert!(!xs.is_empty(), "{n}");
            for w in xs.windows(2) {
                assert!(
                    w[1] - w[0] >= label_w,
                    "{n} quarters: labels at {w:?} collide"
                );
            }
            let last = *xs.last().unwrap();
            assert!(
                last + label_w / 2.0 <= 660.0,
                "{n}: the latest label is cut off at {last}"
            );
            assert!(xs[0] - label_w / 2.0 >= 0.0, "{n}");
            let latest = quarter_label(quarters.last().unwrap());
            assert!(
                svg.contains(&format!(">{latest}</text>")),
                "{n}: {latest} unlabelled"
            );
        }
    }

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
                    cap_name: "cap",
                },
                Bar {
                    label: "ok".into(),
                    value: 1.0,
                    cap: Some(5.0),
                    cap_name: "cap",
                },
            ],
        );
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert_eq!(svg.matches("#c0392b").count(), 1);
        assert_eq!(svg.matches("<line").count(), 2);
        // each value and its cap in the column right of the bars
        assert!(
            svg.contains(r#"<text x="534" y="48">6% (cap 5%)</text>"#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"<text x="534" y="74">1% (cap 5%)</text>"#),
            "{svg}"
        );
    }
}
