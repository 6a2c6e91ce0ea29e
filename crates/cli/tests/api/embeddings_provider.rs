//! A tiny OpenAI-compatible embeddings provider on loopback (real HTTP, the real wire format):
//! deterministic vectors and a record of every request.
//!
//! The vectors are a 64-dimension bag of words: each word adds 1 to a dimension chosen by its
//! hash, except the words of one "concept" (fragrant: melati, jasmine, wangi, harum), which all
//! add 5 to dimension 0. So "teh botol wangi" is semantically close to "Teh Botol Melati", though
//! the two share no word the lexical matcher could use for "wangi".

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};

pub const DIMS: usize = 64;
const FRAGRANT: [&str; 4] = ["melati", "jasmine", "wangi", "harum"];

/// How the provider answers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Vectors,
    ServerError,
    /// 200 with a body that is no embeddings response.
    Garbage,
    /// 200 with well-formed JSON holding a number no f32 can hold.
    NonFinite,
}

/// One request as the provider saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub authorization: Option<String>,
    pub model: String,
    pub inputs: Vec<String>,
}

pub struct Provider {
    /// Up to and including `/v1`, for `EMBEDDINGS_BASE_URL`.
    pub base: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    behaviour: Arc<Mutex<Behaviour>>,
}

impl Provider {
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Changes how the following requests are answered.
    pub fn set(&self, behaviour: Behaviour) {
        *self.behaviour.lock().unwrap() = behaviour;
    }
}

pub fn embed(text: &str) -> Vec<f32> {
    let mut v = vec![0.0f32; DIMS];
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let word = word.to_lowercase();
        if FRAGRANT.contains(&word.as_str()) {
            v[0] += 5.0;
        } else {
            // FNV-1a: the same word, the same dimension, on every run.
            let hash =
                word.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
            v[1 + (hash % (DIMS as u64 - 1)) as usize] += 1.0;
        }
    }
    v
}

pub async fn start(behaviour: Behaviour) -> Provider {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let behaviour = Arc::new(Mutex::new(behaviour));
    let current = behaviour.clone();
    let app = axum::Router::new().route(
        "/v1/embeddings",
        post(move |headers: HeaderMap, axum::Json(request): axum::Json<Value>| {
            let (record, current) = (record.clone(), current.clone());
            async move {
                let behaviour = *current.lock().unwrap();
                let inputs: Vec<String> = request["input"]
                    .as_array()
                    .map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect())
                    .unwrap_or_default();
                record.lock().unwrap().push(Seen {
                    authorization: headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned),
                    model: request["model"].as_str().unwrap_or_default().to_owned(),
                    inputs: inputs.clone(),
                });
                match behaviour {
                    Behaviour::Vectors => {
                        // Answered in reverse order: the client must go by `index`.
                        let data: Vec<Value> = inputs
                            .iter()
                            .enumerate()
                            .rev()
                            .map(|(i, t)| json!({"object": "embedding", "index": i, "embedding": embed(t)}))
                            .collect();
                        (StatusCode::OK, json!({"object": "list", "data": data, "model": request["model"]}).to_string())
                    }
                    Behaviour::ServerError => (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        json!({"error": {"message": "PROVIDER-DETAIL-42 overloaded"}}).to_string(),
                    ),
                    Behaviour::Garbage => (StatusCode::OK, "<html>GARBAGE-DETAIL</html>".to_owned()),
                    Behaviour::NonFinite => {
                        let data: Vec<Value> =
                            (0..inputs.len()).map(|i| json!({"index": i, "embedding": [1e39, 1.0]})).collect();
                        (StatusCode::OK, json!({"data": data}).to_string())
                    }
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Provider { base: format!("http://{addr}/v1"), seen, behaviour }
}

/// A base URL where nothing listens (a port that was just free).
pub async fn nowhere() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/v1")
}
