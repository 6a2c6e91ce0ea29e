//! Semantic re-ranking through `GET /api/v1/items?q=`, against a real embeddings provider on
//! loopback (`embeddings_provider`): ties reordered, clear winners kept, vectors stored in the
//! database and re-embedded when an item's text changes, failures invisible to the client.

use app::sales::ImportKind;
use domain::Role;
use domain::audit::Actor;
use serde_json::Value;

use crate::embeddings_provider::{self, Behaviour};
use crate::support::TestServer;

const MODEL: &str = "fake-embed-64";
const KEY: &str = "sk-embed-secret-7731";
/// The two tea items the matcher cannot tell apart for "teh botol wangi": both have three words,
/// two of them the query's. "wangi" (fragrant) is nowhere in the catalog; only the embeddings
/// know it belongs with "Melati" (jasmine).
const ORIGINAL: &str = "TB-1-ORI";
const MELATI: &str = "TB-2-MLT";

fn catalog_csv(melati_name: &str) -> String {
    let mut csv = String::from("sku,name,unit,brand,aliases,stock,warehouse\n");
    for (sku, name) in [
        (ORIGINAL, "Teh Botol Original"),
        (MELATI, melati_name),
        ("AQ-600", "Aqua Air Mineral 600ml"),
        ("IM-GRG", "Indomie Goreng"),
        ("SP-330", "Sprite Kaleng 330ml"),
        ("KP-200", "Kopi Kapal Api 200g"),
    ] {
        csv.push_str(&format!("{sku},{name},krt,,,10,main\n"));
    }
    csv
}

async fn import_catalog(server: &TestServer, melati_name: &str) {
    let csv = catalog_csv(melati_name);
    let outcome = server
        .app
        .sales
        .import
        .import(ImportKind::Catalog, csv.as_bytes(), false, &Actor::system("test"), &mut |_| {})
        .await
        .expect("import");
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
}

async fn server_with(base: Option<&str>, extra: &[(&str, &str)]) -> (TestServer, String) {
    let mut vars = extra.to_vec();
    if let Some(base) = base {
        vars.extend([("EMBEDDINGS_BASE_URL", base), ("EMBEDDINGS_MODEL", MODEL), ("EMBEDDINGS_API_KEY", KEY)]);
    }
    let server = TestServer::start_with(&vars, None).await;
    import_catalog(&server, "Teh Botol Melati").await;
    let token = server.token("sari", Role::Staff).await;
    (server, token)
}

async fn search(server: &TestServer, token: &str, q: &str, limit: usize) -> Vec<Value> {
    let url = format!("/api/v1/items?q={}&limit={limit}", q.replace(' ', "+"));
    let response = server.get(&url, Some(token)).await;
    assert_eq!(response.status(), 200, "{q}");
    let body: Value = response.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

fn skus(items: &[Value]) -> Vec<&str> {
    items.iter().map(|i| i["sku"].as_str().unwrap()).collect()
}

fn score(items: &[Value], i: usize) -> f64 {
    items[i]["score"].as_f64().unwrap()
}

/// What the matcher alone answers, from a server without embeddings: the premise of each story.
async fn lexical(q: &str) -> Vec<Value> {
    let (server, token) = server_with(None, &[]).await;
    search(&server, &token, q, 5).await
}

#[tokio::test]
async fn embeddings_break_lexical_ties_but_never_overtake_a_clearly_better_match() {
    // The premise: lexically, the two teas tie on "teh botol wangi" (Original first, by catalog
    // order), and "teh botol original wangi" makes Original clearly better.
    let tied = lexical("teh botol wangi").await;
    assert_eq!(skus(&tied)[..2], [ORIGINAL, MELATI], "{tied:?}");
    assert!(score(&tied, 0) - score(&tied, 1) <= 0.01, "a tie: {tied:?}");
    let clear = lexical("teh botol original wangi").await;
    assert_eq!(skus(&clear)[..2], [ORIGINAL, MELATI], "{clear:?}");
    assert!(score(&clear, 0) - score(&clear, 1) > 0.05, "clearly better: {clear:?}");

    let provider = embeddings_provider::start(Behaviour::Vectors).await;
    let (server, token) = server_with(Some(&provider.base), &[]).await;
    let ranked = search(&server, &token, "teh botol wangi", 5).await;
    assert_eq!(skus(&ranked)[..2], [MELATI, ORIGINAL], "the tie goes to the fragrant tea: {ranked:?}");
    assert_eq!(ranked.len(), tied.len(), "the same candidates, reordered");
    let (new_top, old_top) = (ranked[0]["confidence"].as_f64().unwrap(), tied[0]["confidence"].as_f64().unwrap());
    assert!(new_top <= old_top + 1e-6, "the promoted top is no more confident than the lexical top was");
    assert!(new_top < f64::from(matching::AUTO_ACCEPT), "a tie is never auto-accepted");
    assert_eq!(ranked[1]["confidence"], tied[0]["confidence"], "the demoted one keeps its own");

    // Semantically Melati is far closer to this query too, but Original is lexically clearly
    // better: it stays first.
    let ranked = search(&server, &token, "teh botol original wangi", 5).await;
    assert_eq!(skus(&ranked), skus(&clear), "{ranked:?}");
    assert_eq!(ranked[0]["confidence"], clear[0]["confidence"]);

    // A loose line with quantity and packaging: the description is what is embedded.
    let line = search(&server, &token, "teh botol wangi 2 krt", 1).await;
    assert_eq!(skus(&line), [MELATI], "limit 1 shows the tie's semantic winner");
    assert!(provider.requests().iter().all(|r| r.model == MODEL));
    assert!(
        provider.requests().iter().flat_map(|r| &r.inputs).all(|t| !t.contains("2 krt")),
        "{:?}",
        provider.requests()
    );
}

#[tokio::test]
async fn item_vectors_are_kept_in_the_database_and_refreshed_when_the_text_changes() {
    let provider = embeddings_provider::start(Behaviour::Vectors).await;
    let (server, token) = server_with(Some(&provider.base), &[]).await;

    assert_eq!(skus(&search(&server, &token, "teh botol wangi", 2).await), [MELATI, ORIGINAL]);
    let first = provider.requests();
    assert_eq!(first.len(), 1, "the query and the tied items in one request: {first:?}");
    let mut inputs = first[0].inputs.clone();
    assert_eq!(inputs.remove(0), "teh botol wangi", "the query first");
    inputs.sort();
    assert_eq!(inputs, ["Teh Botol Melati", "Teh Botol Original"]);
    assert_eq!(first[0].authorization.as_deref(), Some(format!("Bearer {KEY}").as_str()), "the key as a bearer token");

    let store = server.app.store.clone();
    let wanted = vec![ORIGINAL.to_owned(), MELATI.to_owned(), "AQ-600".to_owned()];
    let stored = store.item_vectors(MODEL, &wanted).await.unwrap();
    assert_eq!(stored.len(), 2, "only the tied items were needed");
    let melati = stored.iter().find(|v| v.sku == MELATI).unwrap().clone();
    assert_eq!(melati.vector, embeddings_provider::embed("Teh Botol Melati"), "stored as embedded");

    // Another query over the same tie: only the query is embedded, the items come from the database.
    assert_eq!(skus(&search(&server, &token, "teh botol harum", 2).await), [MELATI, ORIGINAL]);
    let requests = provider.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].inputs, ["teh botol harum"]);
    // The first query again: cached, nothing to embed at all.
    assert_eq!(skus(&search(&server, &token, "teh botol wangi", 2).await), [MELATI, ORIGINAL]);
    assert_eq!(provider.requests().len(), 2, "no request for a cached query and stored items");

    // The item is renamed: its stored vector is for another text now, so it is embedded again
    // (once the index has noticed the import, within a few seconds).
    import_catalog(&server, "Teh Botol Jasmine").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let ranked = search(&server, &token, "teh botol wangi", 2).await;
        if ranked[0]["name"] == "Teh Botol Jasmine" {
            assert_eq!(skus(&ranked), [MELATI, ORIGINAL]);
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the index never saw the rename: {ranked:?}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let requests = provider.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert_eq!(requests[2].inputs, ["Teh Botol Jasmine"], "only the changed item");
    let stored = store.item_vectors(MODEL, &[MELATI.to_owned()]).await.unwrap();
    assert_ne!(stored[0].text_hash, melati.text_hash, "stored for the new text");
    assert_eq!(stored[0].vector, embeddings_provider::embed("Teh Botol Jasmine"));

    // A stored vector of other dimensions (the provider changed the model behind its name) is
    // stale too: with the query's vector at hand, the item is embedded again.
    let mut original = store.item_vectors(MODEL, &[ORIGINAL.to_owned()]).await.unwrap().remove(0);
    original.vector = vec![1.0, 2.0, 3.0];
    store.upsert_item_vectors(std::slice::from_ref(&original), chrono::Utc::now()).await.unwrap();
    assert_eq!(skus(&search(&server, &token, "teh botol wangi", 2).await), [MELATI, ORIGINAL]);
    let requests = provider.requests();
    assert_eq!(requests.len(), 4, "{requests:?}");
    assert_eq!(requests[3].inputs, ["Teh Botol Original"]);
    let stored = store.item_vectors(MODEL, &[ORIGINAL.to_owned()]).await.unwrap();
    assert_eq!(stored[0].vector.len(), embeddings_provider::DIMS);
}

#[tokio::test]
async fn a_failing_endpoint_leaves_search_lexical_and_is_counted() {
    let lexical = skus(&lexical("teh botol wangi").await).into_iter().map(str::to_owned).collect::<Vec<_>>();
    let failing = [
        (Behaviour::ServerError, "PROVIDER-DETAIL-42"),
        (Behaviour::Garbage, "GARBAGE-DETAIL"),
        (Behaviour::NonFinite, "1e39"),
    ];
    for (behaviour, detail) in failing {
        let provider = embeddings_provider::start(behaviour).await;
        let (server, token) = server_with(Some(&provider.base), &[("METRICS_PORT", "0")]).await;
        for _ in 0..3 {
            let response = server.get("/api/v1/items?q=teh+botol+wangi&limit=5", Some(&token)).await;
            assert_eq!(response.status(), 200, "{detail}");
            let text = response.text().await.unwrap();
            assert!(!text.contains(detail) && !text.contains("embeddings"), "nothing of it reaches the client: {text}");
            let body: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(skus(body["items"].as_array().unwrap()), lexical, "{detail}: the lexical result");
        }
        assert_eq!(provider.requests().len(), 1, "{detail}: a failing endpoint is left alone for a while");
        let metrics = server.metrics_addr.expect("a metrics listener");
        let text = reqwest::get(format!("http://{metrics}/metrics")).await.unwrap().text().await.unwrap();
        assert!(text.contains("embeddings_errors_total"), "{text}");
    }

    // Nothing listens at all.
    let (server, token) = server_with(Some(&embeddings_provider::nowhere().await), &[]).await;
    assert_eq!(skus(&search(&server, &token, "teh botol wangi", 5).await), lexical);
}

#[tokio::test]
async fn during_an_outage_what_is_already_embedded_still_reranks() {
    let provider = embeddings_provider::start(Behaviour::Vectors).await;
    let (server, token) = server_with(Some(&provider.base), &[]).await;
    assert_eq!(skus(&search(&server, &token, "teh botol wangi", 2).await), [MELATI, ORIGINAL]);

    provider.set(Behaviour::ServerError);
    // A new query needs the endpoint: it fails, and this search is lexical.
    assert_eq!(skus(&search(&server, &token, "teh botol harum", 2).await), [ORIGINAL, MELATI]);
    // The cached query over stored items needs no call: still re-ranked.
    assert_eq!(skus(&search(&server, &token, "teh botol wangi", 2).await), [MELATI, ORIGINAL]);
    // The failing endpoint is not asked again at once.
    assert_eq!(skus(&search(&server, &token, "teh botol harum", 2).await), [ORIGINAL, MELATI]);
    assert_eq!(provider.requests().len(), 2, "{:?}", provider.requests());
}

#[tokio::test]
async fn a_customers_history_breaks_the_tie_and_embeddings_stay_out_of_it() {
    let provider = embeddings_provider::start(Behaviour::Vectors).await;
    let (server, token) = server_with(Some(&provider.base), &[]).await;
    let (store, actor, now) = (server.app.store.clone(), Actor::system("test"), chrono::Utc::now());
    let shop =
        domain::sales::Customer { code: "C1".into(), name: "Toko C1".into(), price_list: None, salesperson: None };
    store.import_customers(&[shop], &actor, now).await.unwrap();
    let sale = domain::sales::SaleLine {
        date: now.date_naive(),
        customer: "C1".into(),
        sku: ORIGINAL.into(),
        quantity: rust_decimal::Decimal::ONE,
        unit_price: rust_decimal::Decimal::ONE,
        salesperson: None,
        invoice: None,
    };
    store.import_sales(&[sale], &actor, now).await.unwrap();

    // Without a customer the embeddings put Melati first; C1 buys the Original, and that wins.
    assert_eq!(skus(&search(&server, &token, "teh botol wangi", 2).await), [MELATI, ORIGINAL]);
    let before = provider.requests().len();
    let response = server.get("/api/v1/items?q=teh+botol+wangi&limit=2&customer=C1", Some(&token)).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(skus(body["items"].as_array().unwrap()), [ORIGINAL, MELATI]);
    assert_eq!(provider.requests().len(), before, "no embeddings call for a search with a history");
}
