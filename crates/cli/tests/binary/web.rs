//! The web page end to end: the real binary on the embedded default (SQLite), its data seeded
//! through its own commands (three users, a small catalog with stock, prices, customers and a
//! month of sales), driven in headless Chromium by playwright-core
//! (`crates/server/web-tests/e2e.mjs`: sign-in, chat, an order sheet run with its question
//! answered and the draft downloaded, the report chart, a staff user refused a price change,
//! `<script>` shown as text, screenshots written as artifacts).
//!
//! Without node, Chromium or the test folder's `node_modules` the test skips, saying which is
//! missing; under `CI` it fails instead (`.ci/run` installs them).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{Days, Utc};

use crate::support::{Served, run, stderr, stdout};

/// The whole browser run may take this long.
const LIMIT: Duration = Duration::from_secs(300);

const USERS: [(&str, &str, &str); 3] = [
    ("sari", "staff", "sari-staff-pass-phrase"),
    ("maya", "manager", "maya-manager-pass-phrase"),
    ("root-admin", "admin", "root-admin-pass-phrase"),
];
const CUSTOMER: &str = "TOKO-MAJU";
/// Too little stock for the order sheet's line: registered as out of stock.
const SHORT_SKU: &str = "IND-SOTO";

fn web_tests() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/web-tests")
}

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// node, the browser and the test's npm packages, or what is missing.
fn prerequisites() -> Result<PathBuf, String> {
    let node = Command::new("node").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    if !node.is_ok_and(|s| s.success()) {
        return Err("`node` is not on PATH".into());
    }
    let chromium =
        std::env::var_os("AGENT_TEAM_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.is_file() {
        return Err(format!(
            "no browser at {} (apt-get install chromium, or set AGENT_TEAM_CHROMIUM)",
            chromium.display()
        ));
    }
    if !web_tests().join("node_modules/playwright-core/package.json").is_file() {
        return Err(format!("{} has no node_modules (run `npm ci` there)", web_tests().display()));
    }
    Ok(chromium)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Users, catalog, stock, prices, customers and sales, through the binary's own commands.
fn seed(dir: &Path) {
    for (name, role, password) in USERS {
        let out = run(
            dir,
            &[],
            &["admin", "create-user", "--username", name, "--role", role],
            Some(&format!("{password}\n")),
        );
        assert!(out.status.success(), "create-user {name}: {}", stderr(&out));
    }
    let today = Utc::now().date_naive();
    let month_ago = today - Days::new(30);
    let catalog = "sku,name,unit,brand,category,stock,warehouse\n\
        AQ-600,Aqua Air Mineral 600ml,botol,Aqua,Minuman,500,main\n\
        AQ-1500,Aqua Air Mineral 1500ml,botol,Aqua,Minuman,200,main\n\
        IND-GRG,Indomie Goreng 85g,bks,Indomie,Mie,1000,main\n\
        IND-SOTO,Indomie Soto Mie 70g,bks,Indomie,Mie,2,main\n\
        TEH-450,Teh Botol Sosro 450ml,botol,Sosro,Minuman,300,main\n\
        GULA-1KG,Gulaku Gula Pasir 1kg,kg,Gulaku,Sembako,50,main\n";
    let mut prices = String::from("price_list,sku,price,effective_from\n");
    for (sku, price) in
        [("AQ-600", "3500"), ("AQ-1500", "6000"), ("IND-GRG", "3100"), ("IND-SOTO", "3000"), ("TEH-450", "4500")]
    {
        prices.push_str(&format!("retail,{sku},{price},{month_ago}\n"));
    }
    let customers = "customer,price_list,name,salesperson\n\
        TOKO-MAJU,retail,Toko Maju Jaya,budi\n\
        WARUNG-SARI,retail,Warung Sari,budi\n";
    let mut sales = String::from("date,customer,sku,quantity,unit_price,salesperson,invoice\n");
    for n in 0..20u64 {
        let day = today - Days::new(n % 10);
        let (customer, sku, price) =
            if n % 2 == 0 { (CUSTOMER, "AQ-600", "3500") } else { ("WARUNG-SARI", "IND-GRG", "3100") };
        sales.push_str(&format!("{day},{customer},{sku},{},{price},budi,INV-{n:03}\n", 5 + n));
    }
    for (kind, name, text) in [
        ("catalog", "catalog.csv", catalog),
        ("prices", "prices.csv", prices.as_str()),
        ("customers", "customers.csv", customers),
        ("sales", "sales.csv", sales.as_str()),
    ] {
        let file = write(dir, name, text);
        let out = run(dir, &[], &["import", kind, file.to_str().unwrap()], None);
        assert!(out.status.success(), "import {kind}: {}{}", stdout(&out), stderr(&out));
    }
}

#[test]
fn the_page_works_end_to_end_in_headless_chromium() {
    let chromium = match prerequisites() {
        Ok(found) => found,
        Err(missing) if !in_ci() => {
            eprintln!("skipped: the web page's end-to-end test needs {missing}; CI installs it (.ci/run)");
            return;
        }
        Err(missing) => {
            panic!("CI is set but {missing}: .ci/run installs chromium and runs `npm ci` in {}", web_tests().display())
        }
    };
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    // An order sheet: a clear line, a brand alone (asked), a short line, and markup as an item.
    let sheet = write(
        dir.path(),
        "order.csv",
        "Nama Barang;Jumlah;Unit\nIndomie Goreng 85g;10;bks\nAqua;3;botol\nIndomie Soto Mie 70g;5;bks\n\
         <img src=x onerror=alert(1)>;1;pcs\n",
    );
    // The scenarios make a few hundred API calls a minute as a handful of users from one address;
    // the page's own files are not rate limited.
    let served = Served::start(dir.path(), &[("RATE_LIMIT_PER_MINUTE", "600")]);
    let artifacts = std::env::var_os("AGENT_TEAM_E2E_ARTIFACTS")
        .map_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("e2e-artifacts"), PathBuf::from);
    std::fs::create_dir_all(&artifacts).unwrap();

    let mut node = Command::new("node");
    node.arg(web_tests().join("e2e.mjs"))
        .current_dir(web_tests())
        .env("AGENT_TEAM_E2E_BASE_URL", &served.base)
        .env("AGENT_TEAM_E2E_ARTIFACTS", &artifacts)
        .env("AGENT_TEAM_CHROMIUM", &chromium)
        .env("AGENT_TEAM_E2E_CUSTOMER", CUSTOMER)
        .env("AGENT_TEAM_E2E_CUSTOMER_SEARCH", "maju")
        .env("AGENT_TEAM_E2E_PRICE_LIST", "retail")
        .env("AGENT_TEAM_E2E_SKU", "TEH-450")
        .env("AGENT_TEAM_E2E_SHORT_SKU", SHORT_SKU)
        .env("AGENT_TEAM_E2E_ASKED_SKU", "AQ-600")
        .env("AGENT_TEAM_E2E_OTHER_QUERY", "gula")
        .env("AGENT_TEAM_E2E_OTHER_SKU", "GULA-1KG")
        .env("AGENT_TEAM_E2E_ITEM_QUERY", "indomie")
        .env("AGENT_TEAM_E2E_SHEET", &sheet)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, role, password) in USERS {
        let role = role.to_uppercase();
        node.env(format!("AGENT_TEAM_E2E_{role}_USER"), name).env(format!("AGENT_TEAM_E2E_{role}_PASSWORD"), password);
    }
    let mut child = node.spawn().expect("spawn node");
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = child.wait_with_output().unwrap();
    let report = format!(
        "{}{}\n--- server log (last lines) ---\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        served.output().lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n"),
    );
    eprintln!("{report}");
    let status = status.unwrap_or_else(|| panic!("the browser run took longer than {LIMIT:?}:\n{report}"));
    assert!(
        status.success(),
        "the web page's end-to-end scenarios failed (artifacts in {}):\n{report}",
        artifacts.display()
    );
}
