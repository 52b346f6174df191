use server::config::Config;
use server::{memory, openapi, startup, telemetry};

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    if std::env::args().nth(1).as_deref() == Some("openapi") {
        println!("{}", openapi::to_json(&openapi::document()));
        return std::process::ExitCode::SUCCESS;
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
    let app = match startup::build(config).await {
        Ok(app) => app,
        Err(error) => {
            tracing::error!("start-up failed: {error:#}");
            eprintln!("marketingos: start-up failed: {error:#}");
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!(addr = %app.addr, "MarketingOS listening on http://{}", app.addr);
    match app.server.await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("server failed: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
