//! Which addresses a webhook may be sent to: public unicast addresses only, unless the
//! `WEBHOOK_ALLOWED_HOSTS` allow-list names the host or the address (the receivers of
//! the tests, an intranet service). Checked when an endpoint is saved and again, on the
//! resolved addresses, before every delivery (`crates/server/src/webhooks/target.rs`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `ip` is a public unicast address: not private, loopback, link-local,
/// unique-local, shared (CGNAT), multicast, broadcast, unspecified, reserved or a
/// documentation or benchmarking range; IPv4 embedded in IPv6 is judged as IPv4.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let refused = a == 0 // "this network", unspecified
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // TEST-NET-1
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast
        || (a == 192 && b == 168)
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // TEST-NET-2
        || (a == 203 && b == 0 && c == 113) // TEST-NET-3
        || a >= 224; // multicast, reserved, broadcast
    !refused
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    let refused = ip.is_unspecified()
        || ip.is_loopback()
        || (segments[0] & 0xffc0) == 0xfe80 // link-local
        || (segments[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (segments[0] & 0xfe00) == 0xfc00 // unique-local
        || (segments[0] & 0xff00) == 0xff00 // multicast
        || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation
        || (segments[0] == 0x0100 && segments[1..4] == [0, 0, 0]) // discard-only
        || (segments[0] == 0x2001 && segments[1] < 0x0200) // IETF protocol assignments (Teredo, benchmarking, …)
        || segments[0] == 0x3fff // documentation (RFC 9637)
        || segments[..6] == [0, 0, 0, 0, 0, 0]; // IPv4-compatible (deprecated) and ::/96
    !refused
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`)
/// or 6to4 (`2002:a.b.c.d::`) address, which reach that IPv4 host.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let from = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    if let Some(v4) = ip.to_ipv4_mapped() {
        Some(v4)
    } else if s[0] == 0x0064 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        Some(from(s[6], s[7]))
    } else if s[0] == 0x2002 {
        Some(from(s[1], s[2]))
    } else {
        None
    }
}

/// One entry of the allow-list: a host name (any case) or a network (`10.0.0.0/8`, an
/// address alone being its own /32 or /128).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Allowed {
    Host(String),
    Network(IpAddr, u8),
}

/// The `WEBHOOK_ALLOWED_HOSTS` setting: hosts and addresses that may be called although
/// they are not public.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList(Vec<Allowed>);

impl AllowList {
    /// Parses a comma-separated list of host names, addresses and CIDR networks; the error
    /// names the first entry that is none of them.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut entries = Vec::new();
        for entry in raw.split(',').map(str::trim).filter(|entry| !entry.is_empty()) {
            entries.push(parse_entry(entry).ok_or_else(|| entry.to_owned())?);
        }
        Ok(Self(entries))
    }

    /// Whether the host name (as it appears in the URL) is listed.
    pub fn allows_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.');
        self.0.iter().any(|entry| matches!(entry, Allowed::Host(name) if name.eq_ignore_ascii_case(host)))
    }

    /// Whether the address is inside a listed network.
    pub fn allows_ip(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|entry| match entry {
            Allowed::Network(network, prefix) => contains(*network, *prefix, ip),
            Allowed::Host(_) => false,
        })
    }

    /// Whether `ip`, which host `host` resolved to, may be called.
    pub fn permits(&self, host: &str, ip: IpAddr) -> bool {
        is_public(ip) || self.allows_host(host) || self.allows_ip(ip)
    }
}

fn parse_entry(entry: &str) -> Option<Allowed> {
    let (address, prefix) = match entry.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix.parse::<u8>().ok()?)),
        None => (entry, None),
    };
    let unbracketed = address.trim_start_matches('[').trim_end_matches(']');
    match unbracketed.parse::<IpAddr>() {
        Ok(ip) => {
            let width = if ip.is_ipv4() { 32 } else { 128 };
            let prefix = prefix.unwrap_or(width);
            (prefix <= width).then_some(Allowed::Network(ip, prefix))
        }
        Err(_) if prefix.is_none() && is_host_name(entry) => Some(Allowed::Host(entry.to_ascii_lowercase())),
        Err(_) => None,
    }
}

fn is_host_name(name: &str) -> bool {
    name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
        })
}

fn contains(network: IpAddr, prefix: u8, ip: IpAddr) -> bool {
    match (network, ip) {
        (IpAddr::V4(network), IpAddr::V4(ip)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(network) & mask == u32::from(ip) & mask
        }
        (IpAddr::V6(network), IpAddr::V6(ip)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(network) & mask == u128::from(ip) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn only_public_unicast_addresses_are_public() {
        for public in ["8.8.8.8", "93.184.216.34", "100.63.0.1", "172.32.0.1", "2606:4700::1111", "::ffff:1.1.1.1"] {
            assert!(is_public(ip(public)), "{public}");
        }
        for refused in [
            "0.0.0.0",
            "10.1.2.3",
            "127.0.0.1",
            "100.64.0.1",
            "169.254.169.254",
            "172.16.0.1",
            "192.168.1.1",
            "192.0.2.10",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "::127.0.0.1",
        ] {
            assert!(!is_public(ip(refused)), "{refused}");
        }
    }

    #[test]
    fn the_allow_list_names_hosts_addresses_and_networks() {
        let list = AllowList::parse(" 127.0.0.1, hooks.internal ,10.20.0.0/16,[::1], fd00::/8").unwrap();
        assert!(list.permits("127.0.0.1", ip("127.0.0.1")));
        assert!(!list.permits("127.0.0.2", ip("127.0.0.2")), "one address is its own /32");
        assert!(list.permits("HOOKS.internal.", ip("192.168.0.5")), "a listed host may resolve anywhere");
        assert!(list.permits("svc", ip("10.20.30.40")) && !list.permits("svc", ip("10.21.0.1")));
        assert!(list.permits("::1", ip("::1")) && list.permits("x", ip("fd12::1")));
        assert!(list.permits("example.com", ip("93.184.216.34")), "public addresses need no entry");
        assert!(!AllowList::default().permits("localhost", ip("127.0.0.1")));
    }

    #[test]
    fn a_malformed_entry_is_named() {
        assert_eq!(AllowList::parse("127.0.0.1, 10.0.0.0/33"), Err("10.0.0.0/33".to_owned()));
        assert_eq!(AllowList::parse("http://x"), Err("http://x".to_owned()));
        assert_eq!(AllowList::parse("host/8"), Err("host/8".to_owned()));
        assert_eq!(AllowList::parse(""), Ok(AllowList::default()));
        assert!(AllowList::parse("0.0.0.0/0").unwrap().allows_ip(ip("192.168.1.1")), "everything, on request");
    }
}
