//! Logging: readable in a terminal by default, JSON lines with `LOG_FORMAT=json`.

use crate::config::{Config, LogFormat};
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; a bad `RUST_LOG` is reported by name.
pub fn init(config: &Config) -> Result<(), crate::config::ConfigError> {
    let filter = EnvFilter::try_new(&config.log_filter).map_err(|e| crate::config::ConfigError {
        variable: "RUST_LOG",
        message: format!("\"{}\" is not a log filter: {e}", config.log_filter),
    })?;
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let installed = match config.log_format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).with_span_list(false).try_init(),
    };
    // Already installed (tests may call this twice): keep the first one.
    drop(installed);
    Ok(())
}
