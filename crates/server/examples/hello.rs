//! The reference for BENCHMARKS.md: a bare axum hello-world on the same runtime and machine,
//! so the cost of our middleware stack is measured against the framework's floor.
//!
//! cargo run --release -p server --example hello -- 127.0.0.1:18081

use axum::Router;
use axum::routing::get;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:18081".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let router = Router::new().route("/", get(|| async { "hello" }));
    axum::serve(listener, router).await
}
