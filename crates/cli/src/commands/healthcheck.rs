//! A dependency-free probe for the container image, which has no curl: one HTTP/1.1 GET of
//! /healthz on the local server.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::wiring;

pub async fn run() -> ExitCode {
    let settings = match wiring::settings() {
        Ok(s) => s,
        Err(code) => return code,
    };
    // A server bound to all interfaces is reached on loopback.
    let host = match settings.host {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        other => other,
    };
    let addr = SocketAddr::new(host, settings.port);
    match tokio::time::timeout(Duration::from_secs(3), probe(addr)).await {
        Ok(Ok(true)) => ExitCode::SUCCESS,
        _ => {
            eprintln!("unhealthy: no 200 from http://{addr}/healthz");
            ExitCode::FAILURE
        }
    }
}

async fn probe(addr: SocketAddr) -> std::io::Result<bool> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await?;
    let mut head = [0u8; 16];
    let n = stream.read(&mut head).await?;
    Ok(head[..n].starts_with(b"HTTP/1.1 200"))
}
