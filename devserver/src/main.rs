//! `ascend-dev` binary.

use ascend_devserver::cli::{self, Cli, Command};
use clap::Parser;

fn main() {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ascend-dev: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    let code = match cli.command {
        Command::Serve(args) => rt.block_on(cli::serve(args)).map(|_| 0),
        other => rt.block_on(cli::run_client(other)),
    };
    match code {
        Ok(c) => std::process::exit(c),
        Err(e) => {
            eprintln!("ascend-dev: {e}");
            std::process::exit(1);
        }
    }
}
