use server::config::Config;
use server::{memory, openapi, startup, telemetry};

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let command = std::env::args().nth(1);
    match command.as_deref() {
        None | Some("serve") | Some("worker") => {}
        Some("openapi") => {
            println!("{}", openapi::to_json(&openapi::document()));
            return std::process::ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("marketingos: unknown command {other:?}; use serve (the default), worker or openapi");
            return std::process::ExitCode::from(2);
        }
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("marketingos: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
    memory::return_large_buffers_to_the_os();
    if command.as_deref() == Some("worker") {
        return match startup::run_worker(config, server::jobs::Registry::standard()).await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(error) => {
                tracing::error!("worker failed: {error:#}");
                eprintln!("marketingos: worker failed: {error:#}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let app = match startup::build(config).await {
        Ok(app) => app,
        Err(error) => {
            tracing::error!("start-up failed: {error:#}");
            eprintln!("marketingos: start-up failed: {error:#}");
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!(addr = %app.addr, "MarketingOS listening on http://{}", app.addr);
    match app.run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("server failed: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
