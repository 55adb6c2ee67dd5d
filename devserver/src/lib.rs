//! `ascend-dev`: a local, ASCEND-compatible development server on SQLite.
//!
//! It speaks the wire protocol of PROTOCOL.md (the peer `ascend-ai-sdk` 2.7.1 and our `ascend-core` client
//! both work against it), scores actions with `ascend-core`'s pre-scorer, keeps agents, MCP servers, models,
//! webhooks and a hash-chained audit log in SQLite, and lets a human approve or deny pending actions from the
//! CLI or a small web page. It is a development tool, bound to loopback by default.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use ascend_devserver::{DevServer, ServerConfig};
//! let server = DevServer::start(ServerConfig::new("owkai_dev_key", "admin_token")).await?;
//! println!("{}", server.url());
//! server.shutdown().await;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod actions;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod connections;
pub mod db;
pub mod embed;
pub mod error;
pub mod longpoll;
pub mod review;
pub mod routes;
pub mod server;
pub mod state;
pub mod web;
pub mod webhooks;

pub use connections::ConnLimits;
pub use server::DevServer;
pub use state::{RetryPolicy, ServerConfig};
