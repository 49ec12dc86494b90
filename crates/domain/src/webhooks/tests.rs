use super::retry::{MAX_ATTEMPTS, delay_bounds, next_delay};
use super::subscription::{Owner, Secret, Subscription, SubscriptionDraft, SubscriptionId};
use super::target::{Policy, TargetUrl, allowed};
use super::{Audience, DisabledReason, EventType};
use crate::ids::{MachineClientId, MunicipalityId};
use chrono::{Duration, Utc};
use std::net::IpAddr;

const PRODUCTION: Policy = Policy { allow_loopback: false };
const DEVELOPMENT: Policy = Policy { allow_loopback: true };

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn loopback_private_link_local_and_metadata_addresses_are_refused() {
    for refused in [
        "127.0.0.1",
        "127.3.2.1",
        "10.0.0.8",
        "172.16.4.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fd00:ec2::254",
        "::ffff:127.0.0.1",
        "::ffff:10.1.2.3",
    ] {
        assert!(!allowed(ip(refused), PRODUCTION), "{refused} must be refused");
    }
    for public in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
        assert!(allowed(ip(public), PRODUCTION), "{public} is public");
    }
}

#[test]
fn the_development_setting_allows_loopback_only() {
    assert!(allowed(ip("127.0.0.1"), DEVELOPMENT));
    assert!(allowed(ip("::1"), DEVELOPMENT));
    assert!(!allowed(ip("10.0.0.1"), DEVELOPMENT));
    assert!(!allowed(ip("169.254.169.254"), DEVELOPMENT));
}

#[test]
fn urls_must_be_https_without_credentials_unless_developing() {
    let code = |raw: &str, policy| TargetUrl::parse("url", raw, policy).err().map(|e| e.code);
    assert_eq!(code("https://hooks.example.org/in", PRODUCTION), None);
    assert_eq!(code("http://hooks.example.org/in", PRODUCTION), Some("insecure_url"));
    assert_eq!(code("http://127.0.0.1:9000/in", DEVELOPMENT), None);
    assert_eq!(code("https://127.0.0.1/in", PRODUCTION), Some("forbidden_address"));
    assert_eq!(code("https://[::1]/in", PRODUCTION), Some("forbidden_address"));
    assert_eq!(code("https://10.1.1.1/in", DEVELOPMENT), Some("forbidden_address"));
    assert_eq!(code("https://user:pw@hooks.example.org/", PRODUCTION), Some("invalid"));
    assert_eq!(code("ftp://hooks.example.org/", PRODUCTION), Some("insecure_url"));
    assert_eq!(code("hooks.example.org/in", PRODUCTION), Some("invalid"));
}

#[test]
fn retries_follow_the_schedule_with_jitter_then_stop() {
    let (low, high) = delay_bounds(1).unwrap_or_else(|| panic!("a second attempt"));
    assert_eq!((low, high), (Duration::seconds(4), Duration::seconds(6)));
    let total: i64 = (1..MAX_ATTEMPTS).map(|n| next_delay(n, 0.5).map_or(0, |d| d.num_seconds())).sum();
    assert!((24 * 3600..30 * 3600).contains(&total), "about a day: {total} s");
    assert_eq!(next_delay(MAX_ATTEMPTS, 0.5), None, "the last attempt is the last");
    assert_eq!(next_delay(0, 0.5), None);
    assert!(next_delay(3, 0.0) < next_delay(3, 0.99));
}

fn subscription(owner: Owner) -> Subscription {
    let now = Utc::now();
    Subscription {
        id: SubscriptionId::new(),
        municipality: MunicipalityId::new(),
        url: "https://hooks.example.org/in".to_owned(),
        description: None,
        event_types: vec![EventType::RequestCreated],
        owner,
        secret: Secret::new("whsec_b25l".to_owned()),
        previous_secret: None,
        active: true,
        disabled_reason: None,
        disabled_at: None,
        consecutive_failures: 0,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

#[test]
fn a_partner_is_told_of_public_events_and_of_its_associations_requests_only() {
    let partner = Owner::Partner { client: MachineClientId::new(), association: "Jardins".to_owned() };
    let staff_only = Audience::default();
    let theirs = Audience { public: false, association: Some("Jardins".to_owned()) };
    let others = Audience { public: false, association: Some("Vélo".to_owned()) };
    let public = Audience { public: true, association: None };
    assert!(!staff_only.admits(&partner));
    assert!(theirs.admits(&partner));
    assert!(!others.admits(&partner));
    assert!(public.admits(&partner));
    for audience in [staff_only, theirs, others, public] {
        assert!(audience.admits(&Owner::Town), "the town is told of everything");
    }
}

#[test]
fn a_rotated_secret_signs_beside_the_new_one_for_a_day() {
    let now = Utc::now();
    let rotated = subscription(Owner::Town).rotated(Secret::new("whsec_bmV3".to_owned()), now);
    assert_eq!(rotated.signing_secrets(now).len(), 2);
    assert_eq!(rotated.signing_secrets(now)[0].expose(), "whsec_bmV3", "the new one first");
    assert_eq!(rotated.signing_secrets(now + Duration::hours(25)).len(), 1);
}

#[test]
fn a_partner_manages_its_own_subscriptions_only_and_the_town_all() {
    let client = MachineClientId::new();
    let own = subscription(Owner::Partner { client, association: "Jardins".to_owned() });
    let other = Owner::Partner { client: MachineClientId::new(), association: "Jardins".to_owned() };
    assert!(own.managed_by(&Owner::Partner { client, association: "Jardins".to_owned() }));
    assert!(!own.managed_by(&other));
    assert!(own.managed_by(&Owner::Town));
    assert!(!subscription(Owner::Town).managed_by(&other));
}

#[test]
fn enabling_forgets_the_failures_and_disabling_says_why() {
    let now = Utc::now();
    let failing =
        Subscription { consecutive_failures: 8, ..subscription(Owner::Town) }.disabled(DisabledReason::Failing, now);
    assert!(!failing.active);
    assert_eq!(failing.disabled_reason, Some(DisabledReason::Failing));
    let enabled = failing.enabled(now);
    assert!(enabled.active);
    assert_eq!((enabled.consecutive_failures, enabled.disabled_reason), (0, None));
}

#[test]
fn a_subscription_names_known_event_types_and_a_url() {
    let draft = SubscriptionDraft {
        url: Some("https://hooks.example.org/in".to_owned()),
        event_types: Some(vec!["request.created".to_owned(), "request.nope".to_owned()]),
        ..SubscriptionDraft::default()
    };
    let errors = draft.parse(PRODUCTION, true).err().unwrap_or_default();
    assert_eq!(errors.0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["event_types[1]"]);
    let missing = SubscriptionDraft::default().parse(PRODUCTION, true).err().unwrap_or_default();
    assert_eq!(missing.0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["url", "event_types"]);
    assert!(SubscriptionDraft::default().parse(PRODUCTION, false).is_ok(), "an update may change nothing");
}
