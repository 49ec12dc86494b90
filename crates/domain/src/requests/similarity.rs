//! Requests on the same subject: the words that tell a request's subject (its terms, kept in an
//! index so that precedents are found among a town's many requests without reading them all),
//! and how close two requests are — shared themes, the same neighbourhood, shared words.

use super::{Request, fold_for_search};
use crate::slug::Slug;
use crate::vocabulary::RequestStatus;

/// The most terms kept for one request (title first, then description).
pub const MAX_TERMS: usize = 64;
/// The longest term kept; longer words are cut (a term is a key, not a text).
pub const TERM_MAX_LEN: usize = 40;

/// Words that say nothing of a subject (French, folded, after the plural is stripped), and the
/// generic nouns of addresses ("rue", "cité"): the street's own name is what tells. (A `match`:
/// it runs for every word of every candidate.)
fn is_stop_word(word: &str) -> bool {
    matches!(
        word,
        "rue"
            | "cite"
            | "avenue"
            | "boulevard"
            | "impasse"
            | "quartier"
            | "les"
            | "des"
            | "une"
            | "est"
            | "pas"
            | "qui"
            | "que"
            | "par"
            | "sur"
            | "aux"
            | "ont"
            | "son"
            | "ses"
            | "nos"
            | "vos"
            | "mes"
            | "tes"
            | "leur"
            | "avec"
            | "dans"
            | "pour"
            | "sont"
            | "nou"
            | "vou"
            | "elle"
            | "mai"
            | "plu"
            | "tout"
            | "tou"
            | "toute"
            | "cette"
            | "ces"
            | "aussi"
            | "depui"
            | "chez"
            | "san"
            | "sou"
            | "entre"
            | "faire"
            | "fait"
            | "tre"
            | "bien"
            | "etre"
            | "avoir"
            | "comme"
            | "quand"
            | "apre"
            | "avant"
            | "encore"
            | "deja"
            | "meme"
            | "autre"
            | "notre"
            | "votre"
            | "ceux"
            | "celle"
            | "dont"
            | "pui"
            | "alor"
            | "donc"
            | "car"
            | "ainsi"
            | "ils"
            | "the"
            | "and"
            | "for"
            | "cela"
            | "mairie"
            | "commune"
            | "merci"
            | "bonjour"
            | "faut"
            | "peut"
            | "veut"
            | "avon"
            | "avez"
            | "etait"
            | "sera"
            | "ete"
            | "non"
            | "oui"
    )
}

/// A request's terms, computed once: all of them, title first, and how many come from the title.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms {
    pub all: Vec<String>,
    pub in_title: usize,
}

impl Terms {
    pub fn of(request: &Request) -> Self {
        Self::from_text(request.title.as_str(), request.description.as_str())
    }

    pub fn from_text(title: &str, description: &str) -> Self {
        let mut found = Terms::default();
        for (i, text) in [title, description].into_iter().enumerate() {
            for word in fold_for_search(text).split(|c: char| !c.is_alphanumeric()) {
                if found.all.len() == MAX_TERMS {
                    return found;
                }
                let Some(term) = term_of(word) else { continue };
                if !found.all.contains(&term) {
                    found.all.push(term);
                    if i == 0 {
                        found.in_title += 1;
                    }
                }
            }
        }
        found
    }

    fn title(&self) -> &[String] {
        &self.all[..self.in_title]
    }
}

/// The terms of a request: folded words of three letters or more, without a final plural `s`
/// or `x`, stop words left out, each once, title first.
pub fn terms(title: &str, description: &str) -> Vec<String> {
    Terms::from_text(title, description).all
}

fn term_of(word: &str) -> Option<String> {
    if word.chars().all(|c| c.is_ascii_digit()) || is_stop_word(word) {
        return None;
    }
    let stem = match word.strip_suffix(['s', 'x']) {
        Some(stem) if stem.chars().count() >= 3 => stem,
        _ => word,
    };
    if stem.chars().count() < 3 || is_stop_word(stem) {
        return None;
    }
    Some(stem.chars().take(TERM_MAX_LEN).collect())
}

/// How close another request is to the one being qualified, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Similarity {
    pub score: u32,
    pub shared_themes: Vec<Slug>,
    pub same_neighbourhood: bool,
    pub shared_terms: Vec<String>,
}

impl Similarity {
    /// Enough in common to be worth an agent's look: two shared words, or a shared theme with
    /// the same neighbourhood or a shared word. A shared neighbourhood alone is not a subject.
    pub fn is_relevant(&self) -> bool {
        let themes = !self.shared_themes.is_empty();
        let terms = self.shared_terms.len();
        terms >= 2 || (themes && (self.same_neighbourhood || terms >= 1))
    }
}

/// Compares `other` with `request`: two points a shared theme, two for the same neighbourhood,
/// two a shared word and one more when it is in both titles, where the subject is said. Words
/// weigh most: a theme is broad, a neighbourhood is a place, shared words are a subject.
pub fn similarity(request: &Request, other: &Request) -> Similarity {
    similarity_of(request, &Terms::of(request), other, &Terms::of(other))
}

fn similarity_of(request: &Request, mine: &Terms, other: &Request, theirs: &Terms) -> Similarity {
    let shared_themes: Vec<Slug> = request.themes.iter().filter(|t| other.themes.contains(t)).cloned().collect();
    let same_neighbourhood = request.neighbourhood.is_some() && request.neighbourhood == other.neighbourhood;
    let shared_terms: Vec<String> = mine.all.iter().filter(|t| theirs.all.contains(t)).cloned().collect();
    let title_bonus = shared_terms.iter().filter(|t| mine.title().contains(t) && theirs.title().contains(t)).count();
    let score = 2 * shared_themes.len() + 2 * usize::from(same_neighbourhood) + 2 * shared_terms.len() + title_bonus;
    Similarity { score: u32::try_from(score).unwrap_or(u32::MAX), shared_themes, same_neighbourhood, shared_terms }
}

/// Whether a request in this status can be suggested as a precedent or a duplicate: not once
/// merged (the one it went into is the one to link).
pub fn is_suggestible(status: RequestStatus) -> bool {
    status != RequestStatus::Merged
}

/// Whether `other` can be suggested for `request`: another one, and suggestible.
pub fn may_be_suggested(request: &Request, other: &Request) -> bool {
    other.id != request.id && is_suggestible(other.status)
}

/// The request's new terms for the index when a change from `before` to `after` alters them;
/// `None` leaves the index as it is. Only the title, the description and whether it can be
/// suggested make terms, so most changes (a transition, a publication) compute nothing.
pub fn reindexed_terms(before: &Request, after: &Request) -> Option<Vec<String>> {
    let unchanged = before.title == after.title
        && before.description == after.description
        && is_suggestible(before.status) == is_suggestible(after.status);
    if unchanged {
        return None;
    }
    let terms = indexed_terms(after);
    (terms != indexed_terms(before)).then_some(terms)
}

/// What the term index holds for a request: its [`terms`], or none once it cannot be suggested
/// (so that it is never a candidate).
pub fn indexed_terms(request: &Request) -> Vec<String> {
    if is_suggestible(request.status) {
        terms(request.title.as_str(), request.description.as_str())
    } else {
        Vec::new()
    }
}

/// The relevant requests among `candidates`, most similar first (then the most recent), at
/// most `limit`.
pub fn rank<'a>(request: &Request, candidates: &'a [Request], limit: usize) -> Vec<(&'a Request, Similarity)> {
    let mine = Terms::of(request);
    let mut ranked: Vec<(&Request, Similarity)> = candidates
        .iter()
        .filter(|other| may_be_suggested(request, other))
        .map(|other| (other, similarity_of(request, &mine, other, &Terms::of(other))))
        .filter(|(_, s)| s.is_relevant())
        .collect();
    ranked.sort_by(|(a, sa), (b, sb)| {
        sb.score.cmp(&sa.score).then(b.received_on.cmp(&a.received_on)).then(b.id.as_uuid().cmp(&a.id.as_uuid()))
    });
    ranked.truncate(limit);
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{MunicipalityId, RequestId};
    use crate::requests::{Actor, Description, RegistrationNumber, Title};
    use crate::vocabulary::{Channel, RequestKind};
    use chrono::{NaiveDate, Utc};

    fn request(title: &str, description: &str, themes: &[&str], neighbourhood: Option<&str>) -> Request {
        let now = Utc::now();
        Request {
            id: RequestId::new(),
            municipality: MunicipalityId::new(),
            registration_number: RegistrationNumber { year: 2026, sequence: 1 },
            kind: RequestKind::Complaint,
            title: Title::parse("title", title).unwrap_or_else(|e| panic!("{e:?}")),
            description: Description::parse("description", description).unwrap_or_else(|e| panic!("{e:?}")),
            channel: Channel::Letter,
            themes: themes.iter().map(|t| Slug::parse(t).unwrap_or_else(|e| panic!("{e}"))).collect(),
            neighbourhood: neighbourhood.map(|n| Slug::parse(n).unwrap_or_else(|e| panic!("{e}"))),
            location: None,
            requester: None,
            proposed_solution: None,
            offer: None,
            consent_at: None,
            association: None,
            submitted_by: Actor::Public,
            received_on: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default(),
            status: RequestStatus::Received,
            resolution: None,
            merged_into: None,
            published_at: None,
            internal_note: None,
            milestones: crate::requests::Milestones::default(),
            link: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn terms_are_folded_singular_distinct_words_without_stop_words() {
        let found = terms("Poubelles non ramassées rue Bayard", "Les poubelles débordent, les déchets s'entassent.");
        assert_eq!(found, ["poubelle", "ramassee", "bayard", "debordent", "dechet", "entassent"]);
    }

    #[test]
    fn the_terms_of_the_title_come_first_and_are_counted() {
        let found = Terms::from_text("Poubelles rue Bayard", "Les poubelles débordent.");
        assert_eq!(found.all, ["poubelle", "bayard", "debordent"]);
        assert_eq!(found.title(), ["poubelle", "bayard"]);
    }

    #[test]
    fn numbers_short_words_and_stop_words_are_no_terms() {
        assert_eq!(terms("Le 12 de la cité Belgique", "et un on y va avec nous pour ça"), ["belgique"]);
        assert_eq!(terms("Bacs", ""), ["bac"]);
    }

    #[test]
    fn terms_are_bounded_in_number_and_length() {
        let many: String = (0..200).map(|i| format!("mot{i}a ")).collect();
        assert_eq!(terms(&many, "").len(), MAX_TERMS);
        let long = "a".repeat(100);
        assert_eq!(terms(&long, "")[0].len(), TERM_MAX_LEN);
    }

    #[test]
    fn the_same_waste_complaint_is_more_similar_than_another_subject() {
        let waste =
            request("Poubelles non ramassées rue Bayard", "Les bacs restent pleins.", &["waste"], Some("cite-5"));
        let again =
            request("Les poubelles ne sont pas ramassées", "Bacs pleins rue Bayard.", &["waste"], Some("cite-5"));
        let speed = request("Vitesse excessive rue Bayard", "Les voitures roulent vite.", &["roads"], Some("cite-5"));
        let close = similarity(&waste, &again);
        let far = similarity(&waste, &speed);
        assert!(close.score > far.score, "{close:?} vs {far:?}");
        assert!(close.is_relevant());
        assert_eq!(close.shared_themes.len(), 1);
        assert!(close.same_neighbourhood);
        assert!(close.shared_terms.contains(&"poubelle".to_owned()));
    }

    #[test]
    fn shared_words_weigh_more_than_a_shared_place() {
        let me = request("Ça roule trop vite rue Lamartine", "Les enfants jouent dehors.", &["roads"], Some("cite-12"));
        let precedent = request("Vitesse excessive", "Les enfants jouent dans la rue.", &["roads"], Some("ouest"));
        let neighbour = request("Éclairage du chemin de l'école", "Il fait noir.", &["roads"], Some("cite-12"));
        assert!(similarity(&me, &precedent).score > similarity(&me, &neighbour).score);
    }

    #[test]
    fn a_shared_neighbourhood_alone_is_not_a_subject() {
        let a = request("Banc cassé", "Place de la République.", &["urban"], Some("cite-5"));
        let b = request("Fête des voisins", "Un repas partagé.", &["culture"], Some("cite-5"));
        assert!(!similarity(&a, &b).is_relevant());
    }

    #[test]
    fn a_shared_theme_needs_the_place_or_a_word() {
        let a = request("Banc cassé", "Place de la République.", &["urban"], Some("cite-5"));
        let elsewhere = request("Trottoir abîmé", "Devant la gare.", &["urban"], Some("cite-12"));
        let nearby = request("Trottoir abîmé", "Devant la gare.", &["urban"], Some("cite-5"));
        let same_word = request("Un autre banc", "Devant la gare.", &["urban"], Some("cite-12"));
        assert!(!similarity(&a, &elsewhere).is_relevant());
        assert!(similarity(&a, &nearby).is_relevant());
        assert!(similarity(&a, &same_word).is_relevant());
    }

    #[test]
    fn ranking_leaves_out_itself_merged_ones_and_the_irrelevant() {
        let me = request("Poubelles rue Bayard", "Bacs pleins.", &["waste"], Some("cite-5"));
        let mut merged = request("Poubelles rue Bayard", "Bacs pleins.", &["waste"], Some("cite-5"));
        merged.status = RequestStatus::Merged;
        let twin = request("Poubelles rue Bayard", "Bacs pleins.", &["waste"], Some("cite-5"));
        let weaker = request("Poubelles", "Autre rue.", &["waste"], Some("cite-11"));
        let unrelated = request("Concert", "Au parc.", &["culture"], None);
        let candidates = vec![me.clone(), merged, unrelated, weaker.clone(), twin.clone()];
        let ranked: Vec<RequestId> = rank(&me, &candidates, 10).iter().map(|(r, _)| r.id).collect();
        assert_eq!(ranked, [twin.id, weaker.id]);
        assert_eq!(rank(&me, &candidates, 1).len(), 1);
    }
}
