//! Logging: readable in a terminal by default, JSON lines with `LOG_FORMAT=json`.
//!
//! Every line written while a request is handled carries its request id: in text, through the
//! `http{request_id=…}` span that prefixes it; in JSON, in `spans` (every span the line is in,
//! outermost first), since the current span may be a storage function's.

use crate::config::{Config, LogFormat};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Installs the global subscriber; a bad `RUST_LOG` is reported by name.
pub fn init(config: &Config) -> Result<(), crate::config::ConfigError> {
    let filter = EnvFilter::try_new(&config.log_filter).map_err(|e| crate::config::ConfigError {
        variable: "RUST_LOG",
        message: format!("\"{}\" is not a log filter: {e}", config.log_filter),
    })?;
    install(filter, config.log_format, std::io::stdout, true);
    Ok(())
}

/// Installs the subscriber of `format` writing to `writer` (tests capture it). Already installed
/// (tests may call this twice): the first one stays.
pub fn install<W>(filter: EnvFilter, format: LogFormat, writer: W, ansi: bool)
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).with_writer(writer);
    let installed = match format {
        LogFormat::Text => builder.with_ansi(ansi).try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(false).with_span_list(true).try_init(),
    };
    drop(installed);
}
