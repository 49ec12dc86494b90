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

/// Installs the capturing subscriber (once per test binary), at the most verbose level of our
/// crates: if a secret reaches any log line, it is in the buffer.
pub fn capture() {
    INSTALL.call_once(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("info,implication_api=trace,implication_storage=trace"))
            .with_writer(|| Capture)
            .with_ansi(false)
            .try_init();
    });
}

/// Everything logged so far, by every test.
pub fn captured() -> String {
    String::from_utf8_lossy(&buffer().lock().unwrap_or_else(std::sync::PoisonError::into_inner)).into_owned()
}
