use std::net::TcpListener;
fn main() { let port = std::env::var("PORT").unwrap(); let _l = TcpListener::bind(format!("0.0.0.0:{}", port)).unwrap(); }
