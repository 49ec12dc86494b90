//! Passwords (argon2id) and random secrets (refresh tokens, client secrets: 256 random bits,
//! stored as SHA-256).

use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// Hashes a password with argon2id (the default parameters: 19 MiB, 2 passes) and a fresh
/// salt, as a PHC string. CPU-heavy: call through [`hashing`].
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0_u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| e.to_string())?;
    let params = Params::default();
    let mut output = [0_u8; Params::DEFAULT_OUTPUT_LEN];
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    with_memory(params.block_count(), |blocks| {
        argon2.hash_password_into_with_memory(password.as_bytes(), &salt, &mut output, blocks)
    })
    .map_err(|e| e.to_string())?;
    let hash = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| e.to_string())?,
        salt: Some(Salt::try_from(&salt[..]).map_err(|e| e.to_string())?),
        hash: Some(Output::new(&output).map_err(|e| e.to_string())?),
    };
    Ok(hash.to_string())
}

/// Checks a password against its stored hash (any argon2 PHC string, with the parameters it
/// names). CPU-heavy: call through [`hashing`].
pub fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(hash) = PasswordHash::new(hash) else { return false };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else { return false };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(hash.algorithm.as_str()), Params::try_from(&hash)) else {
        return false;
    };
    let Ok(version) = hash.version.map_or(Ok(Version::default()), Version::try_from) else { return false };
    let mut output = vec![0_u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let computed = with_memory(params.block_count(), |blocks| {
        argon2.hash_password_into_with_memory(password.as_bytes(), salt.as_ref(), &mut output, blocks)
    });
    // `Output`'s comparison is constant-time.
    computed.is_ok() && Output::new(&output).is_ok_and(|output| &output == expected)
}

/// Runs `work` on this thread's argon2 memory, of at least `blocks` blocks: allocated once per
/// thread and reused, since allocating 19 MiB per hash left most of each with the allocator.
fn with_memory<T>(blocks: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
    thread_local! {
        static MEMORY: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    MEMORY.with_borrow_mut(|memory| {
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        work(&mut memory[..blocks])
    })
}

/// Runs an argon2 computation on one of the hashing threads: one per core, for the life of the
/// process. A hash takes 19 MiB while it runs. On threads of their own, that memory is reused
/// from one hash to the next; on tokio's blocking threads, started and retired as the load came
/// and went, each thread left its 19 MiB with the allocator (a burst of failed sign-ins grew the
/// process by 340 MB, for good). More hashes at once than cores would only wait for a CPU.
pub async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    let Some(hashers) = hashers() else {
        return tokio::task::spawn_blocking(work).await.map_err(|e| e.to_string());
    };
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = answer.send(work());
    });
    hashers.send(job).map_err(|_| "the hashing threads are gone".to_owned())?;
    answered.await.map_err(|_| "a hashing thread failed".to_owned())
}

type Job = Box<dyn FnOnce() + Send>;

/// The queue of the hashing threads, started on first use; `None` if none could be started.
fn hashers() -> Option<&'static std::sync::mpsc::Sender<Job>> {
    static QUEUE: OnceLock<Option<std::sync::mpsc::Sender<Job>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (queue, jobs) = std::sync::mpsc::channel::<Job>();
            let jobs = std::sync::Arc::new(std::sync::Mutex::new(jobs));
            let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
            let started = (0..cores)
                .filter(|i| {
                    let jobs = std::sync::Arc::clone(&jobs);
                    let thread = std::thread::Builder::new().name(format!("argon2-{i}"));
                    thread.spawn(move || run_jobs(&jobs)).is_ok()
                })
                .count();
            (started > 0).then_some(queue)
        })
        .as_ref()
}

fn run_jobs(jobs: &std::sync::Mutex<std::sync::mpsc::Receiver<Job>>) {
    loop {
        let next = match jobs.lock() {
            Ok(jobs) => jobs.recv(),
            Err(_) => return,
        };
        let Ok(job) = next else { return };
        // A job that panics drops its answer (its caller gets an error); the thread goes on.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    }
}

/// A hash of nothing, verified when no account matches so that a login takes as long either way
/// (the response time does not tell whether an email has an account).
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let unguessable = random_secret().unwrap_or_else(|_| "no-randomness".to_owned());
        hash_password(&unguessable).unwrap_or_default()
    })
}

/// A new random secret: 32 bytes, base64url (43 characters).
pub fn random_secret() -> Result<String, String> {
    let mut bytes = [0_u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| e.to_string())?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// How a secret is stored: hex SHA-256.
pub fn sha256_hex(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_standard_argon2id_phc_strings_both_ways() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let ours = hash_password("un mot de passe").unwrap();
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ours}");
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default().verify_password(b"un mot de passe", &parsed).is_ok(), "the crate's own check agrees");
        let theirs = Argon2::default().hash_password(b"un mot de passe").unwrap().to_string();
        assert!(verify_password("un mot de passe", &theirs) && !verify_password("un autre", &theirs));
        let cheap = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8, 1, 1, None).unwrap());
        let cheap = cheap.hash_password(b"vite").unwrap().to_string();
        assert!(verify_password("vite", &cheap), "a hash with other parameters is checked with its own");
        assert!(!verify_password("vite", "not a hash"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_hashes_run_at_once_than_there_are_cores() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static RUNNING: AtomicUsize = AtomicUsize::new(0);
        static MOST: AtomicUsize = AtomicUsize::new(0);
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                tokio::spawn(hashing(|| {
                    let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
                    MOST.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    RUNNING.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        assert!(MOST.load(Ordering::SeqCst) <= cores, "{} at once on {cores} cores", MOST.load(Ordering::SeqCst));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashes_run_on_the_same_few_threads_however_many_there_are() {
        let mut threads = std::collections::HashSet::new();
        for _ in 0..3 {
            let names: Vec<_> =
                (0..8).map(|_| tokio::spawn(hashing(|| std::thread::current().name().map(str::to_owned)))).collect();
            for name in names {
                threads.insert(name.await.unwrap().unwrap());
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        assert!(threads.len() <= cores, "{threads:?}");
        assert!(threads.iter().all(|t| t.as_deref().is_some_and(|n| n.starts_with("argon2-"))), "{threads:?}");
    }

    #[test]
    fn a_password_verifies_against_its_hash_only() {
        let hash = hash_password("implication-demo").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("implication-demo", &hash));
        assert!(!verify_password("implication-dem0", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn the_dummy_hash_is_a_valid_hash_that_matches_nothing_typed() {
        assert!(PasswordHash::new(dummy_hash()).is_ok());
        assert!(!verify_password("implication-demo", dummy_hash()));
    }

    #[test]
    fn random_secrets_are_long_and_distinct() {
        let (a, b) = (random_secret().unwrap(), random_secret().unwrap());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_eq!(sha256_hex(&a).len(), 64);
        assert!(constant_time_eq(&a, &a.clone()) && !constant_time_eq(&a, &b));
    }
}
