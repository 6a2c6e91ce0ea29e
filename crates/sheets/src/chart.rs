//! A horizontal bar chart as a self-contained SVG: no scripts, no links, no external fonts or
//! images, every piece of text XML-escaped. Bars keep the order they are given in (so a day
//! series stays chronological); beyond [`MAX_BARS`] the smallest are summed into "others".

mod scale;
mod svg;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use scale::Axis;
use svg::{escape, label};

/// Most bars drawn; the rest become one "others" bar.
pub const MAX_BARS: usize = 50;

const WIDTH: f64 = 800.0;
const LABEL_WIDTH: f64 = 190.0;
const RIGHT_MARGIN: f64 = 30.0;
const TOP: f64 = 44.0;
const BAR_PITCH: f64 = 22.0;
const BAR_HEIGHT: f64 = 16.0;
const AXIS_SPACE: f64 = 30.0;

pub fn render_bar_chart(title: &str, points: &[(String, Decimal)]) -> String {
    let bars = cap_bars(points);
    let plot_height = (bars.len().max(1) as f64) * BAR_PITCH;
    let height = TOP + plot_height + AXIS_SPACE;
    let mut out = String::with_capacity(512 + bars.len() * 256);
    out.push_str(&format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{title}" font-family="sans-serif" font-size="12">"#,
        title = escape(&label(title, 100)),
    ));
    out.push_str(&format!(r##"<rect width="100%" height="100%" fill="#ffffff"/><text x="{}" y="24" font-size="16" font-weight="bold">{}</text>"##, 10, escape(&label(title, 100))));
    if bars.is_empty() {
        out.push_str(&format!(r##"<text x="{}" y="{}" fill="#666666">No data</text></svg>"##, LABEL_WIDTH, TOP + 14.0));
        return out;
    }
    let axis = Axis::for_values(bars.iter().map(|(_, v)| *v));
    let (x0, x1) = (LABEL_WIDTH, WIDTH - RIGHT_MARGIN);
    let x = |v: Decimal| x0 + axis.fraction(v) * (x1 - x0);
    let bottom = TOP + plot_height;
    for tick in axis.ticks() {
        let tx = x(tick);
        out.push_str(&format!(
            r##"<line x1="{tx:.1}" y1="{TOP}" x2="{tx:.1}" y2="{bottom}" stroke="#e0e0e0"/><text x="{tx:.1}" y="{:.1}" text-anchor="middle" fill="#444444">{}</text>"##,
            bottom + 18.0,
            escape(&scale::compact(tick)),
        ));
    }
    let zero = x(Decimal::ZERO);
    for (i, (name, value)) in bars.iter().enumerate() {
        let y = TOP + i as f64 * BAR_PITCH + (BAR_PITCH - BAR_HEIGHT) / 2.0;
        let end = x(*value);
        let (left, w) = if end >= zero { (zero, end - zero) } else { (end, zero - end) };
        let name = escape(&label(name, 28));
        out.push_str(&format!(
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end">{name}</text><rect x="{left:.1}" y="{y:.1}" width="{w:.1}" height="{BAR_HEIGHT}" fill="#4e79a7"><title>{name}: {}</title></rect>"##,
            x0 - 8.0,
            y + BAR_HEIGHT - 4.0,
            escape(&value.normalize().to_string()),
        ));
    }
    out.push_str(&format!(
        r##"<line x1="{zero:.1}" y1="{TOP}" x2="{zero:.1}" y2="{bottom}" stroke="#333333"/></svg>"##
    ));
    out
}

/// At most [`MAX_BARS`]: the largest `MAX_BARS - 1` in their given order, then the rest summed.
fn cap_bars(points: &[(String, Decimal)]) -> Vec<(String, Decimal)> {
    if points.len() <= MAX_BARS {
        return points.to_vec();
    }
    let mut by_size: Vec<usize> = (0..points.len()).collect();
    by_size.sort_by(|a, b| points[*b].1.abs().cmp(&points[*a].1.abs()).then(a.cmp(b)));
    let mut keep = vec![false; points.len()];
    for i in by_size.into_iter().take(MAX_BARS - 1) {
        keep[i] = true;
    }
    let mut bars = Vec::with_capacity(MAX_BARS);
    let mut others = Decimal::ZERO;
    for (i, (name, value)) in points.iter().enumerate() {
        if keep[i] {
            bars.push((name.clone(), *value));
        } else {
            others = others.saturating_add(*value);
        }
    }
    bars.push((format!("others ({})", points.len() - (MAX_BARS - 1)), others));
    bars
}

/// Geometry only: pixels may be approximate, the values shown as text never are.
fn to_pixels(v: Decimal) -> f64 {
    v.to_f64().unwrap_or(0.0)
}
