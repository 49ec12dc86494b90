//! Where a subscription may send: protection against server-side request forgery. A URL must be
//! `https` (plain `http` only where loopback is allowed, for local development), name no user or
//! password, and every address its host resolves to must be public: not loopback, private,
//! link-local (cloud metadata included), shared, multicast, broadcast, documentation or
//! unspecified. The addresses are checked at subscription and again at each delivery, after
//! resolution, so that a name re-pointed later cannot reach inside.

use super::Code;
use crate::error::{FieldError, Message};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What this deployment lets subscriptions reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Policy {
    /// Loopback addresses and plain `http` (development and tests only).
    pub allow_loopback: bool,
}

/// A subscription's URL, checked but for its addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetUrl {
    url: url::Url,
}

impl TargetUrl {
    /// Parses `raw` (the field `field`) under `policy`.
    pub fn parse(field: &str, raw: &str, policy: Policy) -> Result<Self, FieldError> {
        let invalid = |en: &str, fr: &str| {
            FieldError::new(field, crate::error::Code::Invalid, Message::new(en.to_owned(), fr.to_owned()))
        };
        if raw.len() > 2000 {
            return Err(FieldError::new(
                field,
                crate::error::Code::TooLong,
                Message::new("at most 2000 characters", "2000 caractères au plus"),
            ));
        }
        let url = url::Url::parse(raw.trim())
            .map_err(|e| invalid(&format!("not an absolute URL: {e}"), &format!("pas une URL absolue : {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" if policy.allow_loopback => {}
            _ => {
                return Err(FieldError::new(
                    field,
                    Code::InsecureUrl,
                    Message::new("must be an https URL", "doit être une URL https"),
                ));
            }
        }
        if url.host().is_none() {
            return Err(invalid("names no host", "ne nomme aucun hôte"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "may not carry a user or a password: put a token in the path if the receiver needs one",
                "ne peut porter ni utilisateur ni mot de passe : mettez un jeton dans le chemin si le destinataire en demande un",
            ));
        }
        if url.fragment().is_some() {
            return Err(invalid("may not carry a fragment (#…)", "ne peut porter de fragment (#…)"));
        }
        if let Some(ip) = literal_address(&url)
            && !allowed(ip, policy)
        {
            return Err(forbidden(field, ip));
        }
        Ok(Self { url })
    }

    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    /// The host to resolve, unless it is an address.
    pub fn host_name(&self) -> Option<&str> {
        match self.url.host() {
            Some(url::Host::Domain(name)) => Some(name),
            _ => None,
        }
    }

    /// The address the URL names, if it names one rather than a host name.
    pub fn address(&self) -> Option<IpAddr> {
        literal_address(&self.url)
    }

    pub fn port(&self) -> u16 {
        self.url.port_or_known_default().unwrap_or(443)
    }
}

fn literal_address(url: &url::Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    }
}

/// The field error of a URL reaching `ip`.
pub fn forbidden(field: &str, ip: IpAddr) -> FieldError {
    FieldError::new(
        field,
        Code::ForbiddenAddress,
        Message::new(
            format!("reaches {ip}, an address that is not public (loopback, private, link-local or reserved)"),
            format!("atteint {ip}, une adresse qui n'est pas publique (boucle locale, privée, lien local ou réservée)"),
        ),
    )
}

/// Whether a delivery may connect to `ip`.
pub fn allowed(ip: IpAddr, policy: Policy) -> bool {
    let ip = match ip {
        // ::ffff:a.b.c.d is a.b.c.d.
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    if ip.is_loopback() {
        return policy.allow_loopback;
    }
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => public_v6(v6),
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments, 192.0.0.0/24; benchmarking, 198.18.0.0/15; reserved, 240/4.
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_multicast()
        // Unique local (fc00::/7, cloud metadata fd00:ec2::254 included) and link-local (fe80::/10).
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        // Documentation, 2001:db8::/32.
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        // IPv4-compatible and NAT64 forms of addresses judged as IPv4 elsewhere.
        || (first == 0x0064 && ip.segments()[1] == 0xff9b))
}
