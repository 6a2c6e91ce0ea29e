//! The SVG bar chart: well-formed, self-contained, escaped, bounded.

use quick_xml::events::Event;
use rust_decimal::Decimal;
use sheets::{MAX_BARS, render_bar_chart};

/// Every element name in the document; fails the test if the XML is not well-formed or any
/// attribute could load or run something.
fn elements(svg: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut names = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                for attr in e.attributes() {
                    let attr = attr.expect("well-formed attribute");
                    let key = attr.key.as_ref().to_lowercase();
                    assert!(!key.starts_with("on") && !key.contains("href") && key != "style", "attribute {key}");
                    assert!(!attr.value.contains("url("), "{}", attr.value);
                }
                names.push(e.name().as_ref().to_owned());
            }
            Ok(Event::Eof) => return names,
            Ok(_) => {}
            Err(e) => panic!("not well-formed: {e}"),
        }
    }
}

fn count(names: &[String], name: &str) -> usize {
    names.iter().filter(|n| *n == name).count()
}

fn points(values: &[(&str, i64)]) -> Vec<(String, Decimal)> {
    values.iter().map(|(l, v)| (l.to_string(), Decimal::from(*v))).collect()
}

#[test]
fn hostile_labels_and_titles_are_escaped() {
    let hostile = r#"<script>alert(1)</script>" onload="x" &amp; <a href="javascript:x">"#;
    let svg = render_bar_chart(hostile, &points(&[(hostile, 5), ("ok", 3)]));
    let names = elements(&svg);
    assert_eq!(count(&names, "script"), 0);
    assert_eq!(count(&names, "a"), 0);
    assert!(svg.contains("&lt;script&gt;"), "{svg}");
    for forbidden in ["<script", "<a ", "<image", "<foreignObject", "<use"] {
        assert!(!svg.contains(forbidden), "{forbidden} in {svg}");
    }
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
}

#[test]
fn zero_points_and_all_zero_values_render() {
    let empty = render_bar_chart("Sales", &[]);
    assert_eq!(count(&elements(&empty), "rect"), 1, "background only");
    assert!(empty.contains("No data"));
    let zeros = render_bar_chart("Sales", &points(&[("a", 0), ("b", 0), ("c", 0)]));
    let names = elements(&zeros);
    assert_eq!(count(&names, "rect"), 4);
    assert!(!zeros.contains("NaN") && !zeros.contains("inf"), "{zeros}");
}

#[test]
fn bars_are_capped_with_the_rest_as_others_and_days_stay_in_order() {
    let days: Vec<(String, Decimal)> = (1..=120)
        .map(|d| (format!("2024-{:02}-{:02}", (d - 1) / 30 + 1, (d - 1) % 30 + 1), Decimal::from(d * 10)))
        .collect();
    let svg = render_bar_chart("Daily sales", &days);
    let names = elements(&svg);
    assert_eq!(count(&names, "rect"), MAX_BARS + 1);
    // The 49 biggest days are the last 49, drawn in date order, then the others' sum.
    let others: i64 = (1..=71).map(|d| d * 10).sum();
    assert!(svg.contains(&format!("others (71): {others}")), "{svg}");
    let first = svg.find("2024-03-12").unwrap();
    let later = svg.find("2024-04-30").unwrap();
    assert!(first < later);
    assert!(!svg.contains("2024-01-01"));
}

#[test]
fn exact_values_in_tooltips_and_negative_values() {
    let svg = render_bar_chart(
        "Net",
        &[("returns".to_string(), "-1250.75".parse().unwrap()), ("sales".to_string(), "98765432.10".parse().unwrap())],
    );
    elements(&svg);
    assert!(svg.contains("returns: -1250.75"));
    assert!(svg.contains("sales: 98765432.1"));
    assert!(svg.contains(">100M<"), "a round top tick: {svg}");
}
