//! Every test's logs go to one buffer, so that a test can check that no secret was ever logged.

use std::io::Write;
use std::sync::{Mutex, Once, OnceLock};

static LOGS: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
static INSTALL: Once = Once::new();

fn buffer() -> &'static Mutex<Vec<u8>> {
    LOGS.get_or_init(|| Mutex::new(Vec::new()))
}

struct Capture;

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        buffer().lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing subscriber (once per test binary): production's JSON lines, at the
/// most verbose level of our crates, so that if a secret reaches any log line it is in the
/// buffer, and each line's level and request id can be checked.
pub fn capture() {
    INSTALL.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::new("info,implication_api=trace,implication_storage=trace");
        implication_api::telemetry::install(filter, implication_api::config::LogFormat::Json, || Capture, false);
    });
}

/// The captured lines written while handling the request whose `X-Request-Id` was `request_id`.
pub fn lines_of_request(request_id: &str) -> Vec<serde_json::Value> {
    captured()
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| {
            line["spans"].as_array().is_some_and(|spans| spans.iter().any(|s| s["request_id"] == request_id))
        })
        .collect()
}

/// Everything logged so far, by every test.
pub fn captured() -> String {
    String::from_utf8_lossy(&buffer().lock().unwrap_or_else(std::sync::PoisonError::into_inner)).into_owned()
}
