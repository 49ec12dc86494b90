//! The repository stands on its own: no file points outside it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The files git tracks, or (outside a git checkout) every file but `target/` and `.git/`.
fn project_files(root: &Path) -> Vec<PathBuf> {
    let listed = Command::new("git").arg("-C").arg(root).args(["ls-files", "-z"]).output();
    if let Some(output) = listed.ok().filter(|o| o.status.success()) {
        return output
            .stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| root.join(String::from_utf8_lossy(p).as_ref()))
            .collect();
    }
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("a readable directory").flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !matches!(entry.file_name().to_str(), Some("target" | ".git")) {
                    dirs.push(path);
                }
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn no_file_refers_to_a_shared_folder_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root");
    // Built so that this file does not match itself.
    let needle = format!("{}/shared", "..");
    let files = project_files(root);
    assert!(
        files.iter().any(|f| f.ends_with("README.md")),
        "the project's files were not found under {}",
        root.display()
    );
    let offending: Vec<String> = files
        .iter()
        .filter(|f| std::fs::read(f).is_ok_and(|bytes| String::from_utf8_lossy(&bytes).contains(&needle)))
        .map(|f| f.strip_prefix(root).unwrap_or(f).display().to_string())
        .collect();
    assert!(offending.is_empty(), "these files refer to {needle}, outside the repository: {offending:?}");
}
