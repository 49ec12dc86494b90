//! Text search: titles and descriptions folded (case, French accents, ligatures).

use super::{Description, Title};

/// Folds a text for search: lowercase, without French accents or ligatures ("Écoles" and
/// "ecoles" match alike). Both the stored text and the query are folded the same way.
pub fn fold_for_search(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => folded.push('a'),
            'ç' => folded.push('c'),
            'é' | 'è' | 'ê' | 'ë' => folded.push('e'),
            'î' | 'ï' | 'í' | 'ì' => folded.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => folded.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => folded.push('u'),
            'ÿ' => folded.push('y'),
            'œ' => folded.push_str("oe"),
            'æ' => folded.push_str("ae"),
            '\u{2019}' => folded.push('\''),
            other => folded.push(other),
        }
    }
    folded
}

/// What a request's text search looks in.
pub fn search_text(title: &Title, description: &Description) -> String {
    fold_for_search(&format!("{}\n{}", title.as_str(), description.as_str()))
}
