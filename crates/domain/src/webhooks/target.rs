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
            return Err(forbidden(field));
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

/// The field error of a URL reaching an address that is not public. It does not say which: a
/// caller must not learn, from subscriptions, what private names resolve to.
pub fn forbidden(field: &str) -> FieldError {
    FieldError::new(
        field,
        Code::ForbiddenAddress,
        Message::new(
            "reaches an address that is not public (loopback, private, link-local or reserved)",
            "atteint une adresse qui n'est pas publique (boucle locale, privée, lien local ou réservée)",
        ),
    )
}

/// Whether a delivery may connect to `ip`.
pub fn allowed(ip: IpAddr, policy: Policy) -> bool {
    let ip = match ip {
        // An IPv6 address carrying an IPv4 one is judged as that one.
        IpAddr::V6(v6) => embedded_v4(v6).map_or(IpAddr::V6(v6), IpAddr::V4),
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

/// The IPv4 address an IPv6 one carries: mapped (`::ffff:a.b.c.d`), compatible (`::a.b.c.d`),
/// NAT64 (`64:ff9b::a.b.c.d`) or 6to4 (`2002:AABB:CCDD::`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let last = |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    match s {
        [0, 0, 0, 0, 0, 0, hi, lo] if !(hi == 0 && lo <= 1) => Some(last(hi, lo)),
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(last(hi, lo)),
        [0x2002, hi, lo, ..] => Some(last(hi, lo)),
        _ => None,
    }
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let [first, second, third, fourth, ..] = ip.segments();
    !(ip.is_unspecified()
        || ip.is_multicast()
        // Unique local (fc00::/7, cloud metadata fd00:ec2::254 included), link-local (fe80::/10)
        // and the former site-local (fec0::/10).
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first & 0xffc0) == 0xfec0
        // Documentation, 2001:db8::/32; discard-only, 100::/64; local-use NAT64, 64:ff9b:1::/48.
        || (first == 0x2001 && second == 0x0db8)
        || (first == 0x0100 && second == 0 && third == 0 && fourth == 0)
        || (first == 0x0064 && second == 0xff9b && third == 1)
        // The rest of ::/96 (IPv4-compatible forms are judged as IPv4 above).
        || (first == 0 && second == 0 && third == 0 && fourth == 0 && ip.segments()[4] == 0 && ip.segments()[5] == 0))
}
