//! Which versions of a resource a change may apply to: what `If-Match` says (RFC 9110 §13.1.1).

/// The versions a write is conditioned on. Never empty: a condition nothing can meet is refused
/// before it reaches a use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `If-Match: *`: whatever the current version is.
    Any,
    /// `If-Match: "3"` or `"3", "4"`: one of these.
    OneOf(Vec<i32>),
}

impl Precondition {
    /// Exactly `version`, as read.
    pub fn at(version: i32) -> Self {
        Precondition::OneOf(vec![version])
    }

    /// One of `versions`; `None` when there are none.
    pub fn one_of(versions: Vec<i32>) -> Option<Self> {
        (!versions.is_empty()).then_some(Precondition::OneOf(versions))
    }

    /// Whether a resource at `version` meets the condition.
    pub fn admits(&self, version: i32) -> bool {
        match self {
            Precondition::Any => true,
            Precondition::OneOf(versions) => versions.contains(&version),
        }
    }

    /// The versions named, or `None` for any.
    pub fn versions(&self) -> Option<&[i32]> {
        match self {
            Precondition::Any => None,
            Precondition::OneOf(versions) => Some(versions),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_admits_every_version_and_a_list_admits_its_members() {
        assert!(Precondition::Any.admits(7));
        let listed = Precondition::one_of(vec![3, 4]).unwrap();
        assert!(listed.admits(3) && listed.admits(4));
        assert!(!listed.admits(5));
        assert!(Precondition::at(2).admits(2));
    }

    #[test]
    fn a_condition_naming_no_version_cannot_be_built() {
        assert_eq!(Precondition::one_of(Vec::new()), None);
    }
}
