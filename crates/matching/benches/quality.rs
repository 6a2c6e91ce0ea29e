//! Quality and latency of the catalog matcher on generated data (see BENCHMARKS.md).
//!
//! `cargo bench -p matching --bench quality` builds the 100,000-item matcher and reports, on the
//! test split: recall@1, recall@5, auto-accept share and precision at `AUTO_ACCEPT`, the share sent
//! to a person, latency percentiles and build time; overall, per kind of line, and on the first
//! 2,000 test lines (the subset the Python references are measured on).
//! Then the same for lines of customers with an order history ([`synth::customers`]), searched
//! with that history as the matcher's prior, overall and for repeat and new items apart.
//! `-- --calibrate` fits the confidence model and the threshold on the calibration splits instead
//! (both kinds of line) and tunes the history prior's weight.
//! Options: `--items N`, `--lines N`, `--subset N`.
#![allow(clippy::print_stdout, reason = "a benchmark report")]

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use matching::calibration::{self, Features, Model, Sample};
use matching::synth::{
    self, CALIBRATION_SEED, CATALOG_SEED, CUSTOMER_SEED, CUSTOMERS, CustomerLine, LabelledLine, LineKind, SynthItem,
    TEST_SEED,
};
use matching::{AUTO_ACCEPT, History, MAX_HISTORY, Matcher, PRIOR_WEIGHT};

/// Precision the auto-accept threshold must reach on the calibration split.
const TARGET_PRECISION: f64 = 0.995;

struct Outcome {
    kind: LineKind,
    /// For a customer's line: whether the item is in the customer's history.
    repeat: Option<bool>,
    /// 1-based rank of the right SKU among the top 5.
    rank: Option<usize>,
    features: Features,
    confidence: f32,
    /// Missed at rank 1 although in the top 5, and the right item explains the line exactly as
    /// well as the one ranked first: the line itself cannot tell them apart.
    tied_miss: bool,
    /// Wall-clock time of the search.
    latency: Duration,
    /// CPU time of this thread during the search: on a shared machine, wall time also counts
    /// the moments other processes had the core.
    cpu: Duration,
}

#[derive(Default)]
struct Tally {
    lines: usize,
    at1: usize,
    at5: usize,
    accepted: usize,
    accepted_right: usize,
}

impl Tally {
    fn add(&mut self, o: &Outcome, threshold: f32) {
        self.lines += 1;
        self.at1 += usize::from(o.rank == Some(1));
        self.at5 += usize::from(o.rank.is_some());
        if o.confidence >= threshold {
            self.accepted += 1;
            self.accepted_right += usize::from(o.rank == Some(1));
        }
    }

    fn row(&self, label: &str) -> String {
        let pct = |a: usize, b: usize| if b == 0 { f64::NAN } else { 100.0 * a as f64 / b as f64 };
        format!(
            "| {label} | {} | {:.2} % | {:.2} % | {:.2} % | {:.2} % | {:.2} % |",
            self.lines,
            pct(self.at1, self.lines),
            pct(self.at5, self.lines),
            pct(self.accepted, self.lines),
            pct(self.accepted_right, self.accepted),
            pct(self.lines - self.accepted, self.lines),
        )
    }
}

/// A line to search: context-free, or a customer's with the history it is searched with.
struct Query<'a> {
    line: &'a LabelledLine,
    history: Option<&'a History>,
    repeat: Option<bool>,
}

fn plain(lines: &[LabelledLine]) -> Vec<Query<'_>> {
    lines.iter().map(|line| Query { line, history: None, repeat: None }).collect()
}

/// Customer lines with their customers' histories (resolved against `matcher`).
struct CustomerSplit {
    lines: Vec<CustomerLine>,
    histories: Vec<History>,
}

impl CustomerSplit {
    fn new(matcher: &Matcher, items: &[SynthItem], seed: u64, n: usize) -> CustomerSplit {
        let shops = synth::customers(items, CUSTOMER_SEED + seed, CUSTOMERS);
        let histories =
            shops.iter().map(|s| matcher.history(s.history.iter().map(|(sku, k)| (sku.as_str(), *k)))).collect();
        CustomerSplit { lines: synth::customer_lines(items, &shops, seed, n), histories }
    }

    /// The same lines, each customer's history filled up to [`MAX_HISTORY`] with items it bought
    /// once (spread over the catalog): the worst case a search with history pays for.
    fn at_the_cap(&self, matcher: &Matcher, items: &[SynthItem], seed: u64) -> CustomerSplit {
        let shops = synth::customers(items, CUSTOMER_SEED + seed, CUSTOMERS);
        let step = (items.len() / MAX_HISTORY).max(1);
        let histories = shops
            .iter()
            .enumerate()
            .map(|(c, s)| {
                let own = s.history.iter().map(|(sku, k)| (sku.as_str(), *k));
                let filler = (0..MAX_HISTORY).map(|i| (items[(c + i * step) % items.len()].entry.sku.as_str(), 1));
                matcher.history(own.chain(filler))
            })
            .collect();
        CustomerSplit { lines: self.lines.clone(), histories }
    }

    fn queries(&self) -> Vec<Query<'_>> {
        self.lines
            .iter()
            .map(|l| Query { line: &l.line, history: self.histories.get(l.customer), repeat: Some(l.repeat) })
            .collect()
    }
}

fn run(matcher: &Matcher, queries: &[Query<'_>]) -> Vec<Outcome> {
    queries
        .iter()
        .map(|q| {
            let line = q.line;
            let cpu = cpu_time::ThreadTime::now();
            let start = Instant::now();
            let found = matcher.explain(&line.text, 5, q.history);
            let latency = start.elapsed();
            let cpu = cpu.elapsed();
            let rank = found.iter().position(|(c, _)| c.sku == line.sku).map(|p| p + 1);
            let features = found.first().map_or(Features::default(), |(_, f)| *f);
            let confidence = found.first().map_or(0.0, |(c, _)| c.confidence);
            let right = rank.and_then(|r| found.get(r - 1)).map(|(_, f)| f.evidence_margin);
            let tied_miss = rank.is_some_and(|r| r > 1) && right.is_some_and(|m| m >= -1e-3);
            Outcome { kind: line.kind, repeat: q.repeat, rank, features, confidence, tied_miss, latency, cpu }
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn report(title: &str, outcomes: &[Outcome], threshold: f32) {
    println!("\n### {title} (threshold {threshold:.4})\n");
    println!("| lines | n | recall@1 | recall@5 | auto-accepted | precision of accepted | to a person |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    let mut all = Tally::default();
    let mut by_kind: BTreeMap<LineKind, Tally> = BTreeMap::new();
    for o in outcomes {
        all.add(o, threshold);
        by_kind.entry(o.kind).or_default().add(o, threshold);
    }
    println!("{}", all.row("all"));
    for (label, repeat) in [("repeat items", true), ("new items", false)] {
        let mut t = Tally::default();
        outcomes.iter().filter(|o| o.repeat == Some(repeat)).for_each(|o| t.add(o, threshold));
        if t.lines > 0 {
            println!("{}", t.row(label));
        }
    }
    for kind in LineKind::ALL {
        if let Some(t) = by_kind.get(&kind) {
            println!("{}", t.row(kind.as_str()));
        }
    }
    let misses = outcomes.iter().filter(|o| o.rank != Some(1)).count();
    let tied = outcomes.iter().filter(|o| o.tied_miss).count();
    let absent = outcomes.iter().filter(|o| o.rank.is_none()).count();
    println!(
        "\nmissed at rank 1: {misses}; of these, {tied} tie the top in evidence (the line cannot tell them \
         apart) and {absent} are not in the top 5"
    );
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    for (label, pick) in
        [("wall-clock", (|o: &Outcome| o.latency) as fn(&Outcome) -> Duration), ("thread CPU", |o| o.cpu)]
    {
        let mut times: Vec<Duration> = outcomes.iter().map(pick).collect();
        times.sort();
        println!(
            "\n{label} per query: p50 {:.0} µs, p90 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
            us(percentile(&times, 0.5)),
            us(percentile(&times, 0.9)),
            us(percentile(&times, 0.99)),
            us(times.last().copied().unwrap_or_default()),
        );
    }
}

struct Options {
    calibrate: bool,
    items: usize,
    lines: usize,
    subset: usize,
    /// Print this many wrong but auto-accepted answers of the calibration split (for working on quality).
    failures: usize,
    /// Print this many slowest test lines (for working on latency).
    slow: usize,
}

fn options() -> Result<Options, String> {
    let mut o = Options { calibrate: false, items: 100_000, lines: 20_000, subset: 2_000, failures: 0, slow: 0 };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            let v = args.next().ok_or(format!("{name} needs a number"))?;
            v.parse().map_err(|_| format!("{name}: not a number: {v}"))
        };
        match a.as_str() {
            "--calibrate" => o.calibrate = true,
            "--items" => o.items = number("--items")?,
            "--lines" => o.lines = number("--lines")?,
            "--subset" => o.subset = number("--subset")?,
            "--failures" => o.failures = number("--failures")?,
            "--slow" => o.slow = number("--slow")?,
            // cargo bench passes --bench to every bench target.
            "--bench" => {}
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(o)
}

fn recall_at1(outcomes: &[Outcome]) -> f64 {
    outcomes.iter().filter(|o| o.rank == Some(1)).count() as f64 / outcomes.len().max(1) as f64
}

fn samples(outcomes: &[Outcome]) -> Vec<Sample> {
    outcomes.iter().map(|o| Sample { features: o.features, correct: o.rank == Some(1) }).collect()
}

/// Tunes the prior weight on the customers' calibration lines, then fits the confidence model on
/// both calibration splits together (one model serves searches with and without a history) and
/// takes the threshold that keeps each split at the target precision.
fn calibrate(matcher: Matcher, items: &[SynthItem], n: usize) {
    let lines = synth::order_lines(items, CALIBRATION_SEED, n);
    let customers = CustomerSplit::new(&matcher, items, CALIBRATION_SEED, n);
    let mut matcher = matcher;
    let mut best = (f64::MIN, PRIOR_WEIGHT);
    println!("\n| prior weight | recall@1, customer calibration lines |\n| --- | --- |");
    for weight in [0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5] {
        matcher = matcher.with_prior_weight(weight);
        let r = recall_at1(&run(&matcher, &customers.queries()));
        println!("| {weight} | {:.2} % |", 100.0 * r);
        if r > best.0 {
            best = (r, weight);
        }
    }
    println!("\npub const PRIOR_WEIGHT: f32 = {};", best.1);
    let matcher = matcher.with_prior_weight(best.1);
    let free = run(&matcher, &plain(&lines));
    let with_history = run(&matcher, &customers.queries());
    let all: Vec<Sample> = samples(&free).into_iter().chain(samples(&with_history)).collect();
    let model: Model = calibration::fit(&all);
    let scored =
        |s: &[Sample]| -> Vec<(f32, bool)> { s.iter().map(|s| (model.confidence(&s.features), s.correct)).collect() };
    let thresholds =
        [&free, &with_history].map(|o| calibration::threshold_for_precision(&scored(&samples(o)), TARGET_PRECISION));
    println!(
        "\nfitted on {} calibration lines ({} without history, {} with):",
        all.len(),
        free.len(),
        with_history.len()
    );
    println!("pub const MODEL: Model = Model {{ bias: {:.4}, weights: {:?} }};", model.bias, model.weights);
    let threshold = match thresholds {
        [Some(a), Some(b)] => {
            println!("thresholds: {a:.4} without history, {b:.4} with; the higher holds for both");
            println!("pub const AUTO_ACCEPT: f32 = {:.4};", a.max(b));
            a.max(b)
        }
        _ => {
            println!("no threshold reaches {:.1} % precision on both splits", TARGET_PRECISION * 100.0);
            1.0
        }
    };
    // Calibration check: observed accuracy per confidence band.
    println!("\n| confidence band | lines | right |");
    println!("| --- | --- | --- |");
    let all_scored = scored(&all);
    for band in 0..10 {
        let (lo, hi) = (band as f32 / 10.0, (band + 1) as f32 / 10.0);
        let inside: Vec<&(f32, bool)> = all_scored.iter().filter(|(c, _)| *c >= lo && (*c < hi || band == 9)).collect();
        let right = inside.iter().filter(|(_, r)| *r).count();
        if !inside.is_empty() {
            println!("| {lo:.1}–{hi:.1} | {} | {:.1} % |", inside.len(), 100.0 * right as f64 / inside.len() as f64);
        }
    }
    let refitted = matcher.with_model(model);
    report("calibration split, fitted model", &run(&refitted, &plain(&lines)), threshold);
    report("customer calibration split, fitted model", &run(&refitted, &customers.queries()), threshold);
}

fn main() -> ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("quality: {e}");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    let items = synth::catalog(CATALOG_SEED, o.items);
    let generated = start.elapsed();
    let start = Instant::now();
    let matcher = match Matcher::build(synth::entries(&items)) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("quality: {e}");
            return ExitCode::FAILURE;
        }
    };
    let built = start.elapsed();
    println!(
        "catalog: {} items generated in {:.2} s; matcher built in {:.2} s",
        matcher.len(),
        generated.as_secs_f64(),
        built.as_secs_f64()
    );
    if o.failures > 0 {
        let lines = synth::order_lines(&items, CALIBRATION_SEED, o.lines);
        let customers = CustomerSplit::new(&matcher, &items, CALIBRATION_SEED, o.lines);
        let mut shown = 0;
        for q in plain(&lines).into_iter().chain(customers.queries()) {
            let line = q.line;
            let found = matcher.explain(&line.text, 5, q.history);
            if found.first().is_none_or(|(c, _)| c.sku == line.sku || c.confidence < AUTO_ACCEPT) {
                continue;
            }
            let want = matcher.get(&line.sku).map_or("?", |e| e.name.as_str());
            println!("\n[{}] {:?} -> want {want}", line.kind.as_str(), line.text);
            for (c, f) in &found {
                println!(
                    "    {:.3} {:.3} m {:.3} e {:.3} c {:.3} {}",
                    c.score, c.confidence, f.margin, f.evidence_margin, f.coverage, c.name
                );
            }
            shown += 1;
            if shown >= o.failures {
                break;
            }
        }
        return ExitCode::SUCCESS;
    }
    if o.calibrate {
        calibrate(matcher, &items, o.lines);
        return ExitCode::SUCCESS;
    }
    let test = synth::order_lines(&items, TEST_SEED, o.lines);
    // Warm up caches and the allocator so the first queries do not count start-up costs.
    for line in test.iter().take(200) {
        let _ = matcher.search(&line.text, 5);
    }
    let outcomes = run(&matcher, &plain(&test));
    report(&format!("test split, {} lines", test.len()), &outcomes, AUTO_ACCEPT);
    let customers = CustomerSplit::new(&matcher, &items, TEST_SEED, o.lines);
    report(
        &format!("customer test split, {} lines searched with the customer's history", customers.lines.len()),
        &run(&matcher, &customers.queries()),
        AUTO_ACCEPT,
    );
    let full = customers.at_the_cap(&matcher, &items, TEST_SEED);
    report(
        &format!("customer test split, histories filled to {MAX_HISTORY} items (latency worst case)"),
        &run(&matcher, &full.queries()),
        AUTO_ACCEPT,
    );
    if o.slow > 0 {
        let mut by_time: Vec<(Duration, &LabelledLine)> = outcomes.iter().map(|o| o.latency).zip(&test).collect();
        by_time.sort_by_key(|b| std::cmp::Reverse(b.0));
        for (d, line) in by_time.iter().take(o.slow) {
            println!("{:>8.0} µs [{}] {:?}", d.as_secs_f64() * 1e6, line.kind.as_str(), line.text);
        }
    }
    let subset = o.subset.min(outcomes.len());
    report(&format!("test split, first {subset} lines (the references' subset)"), &outcomes[..subset], AUTO_ACCEPT);
    ExitCode::SUCCESS
}
