//! IP network functions: cidrhost, cidrnetmask, cidrsubnet, cidrsubnets, and
//! cidrcontains (as OpenTofu defines it; Terraform has no containment
//! function, and policies need one: "is this ingress open to 0.0.0.0/0?").
//!
//! IPv4 and IPv6 alike; addresses are handled as `u128` with a bit width of
//! 32 or 128. Like Terraform (which keeps Go's pre-1.17 parser), IPv4 octets
//! with leading zeros are read as decimal. Default unknown/sensitive rules.

use std::net::{Ipv4Addr, Ipv6Addr};

use tfgate_plan::Value;

use super::helpers::{invalid, shown, Args, FnResult};
use super::FunctionError;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Net {
    /// Address as written (host bits kept).
    addr: u128,
    prefix: u32,
    /// 32 or 128.
    bits: u32,
}

impl Net {
    fn mask(&self) -> u128 {
        mask(self.prefix, self.bits)
    }
    /// The network address (host bits cleared).
    fn network(&self) -> u128 {
        self.addr & self.mask()
    }
    fn size_bits(&self) -> u32 {
        self.bits - self.prefix
    }
}

/// Every address of a family: all `bits` bits set.
fn all_ones(bits: u32) -> u128 {
    if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

fn mask(prefix: u32, bits: u32) -> u128 {
    if prefix == 0 {
        return 0;
    }
    let host_mask = (1u128 << (bits - prefix)) - 1;
    all_ones(bits) & !host_mask
}

/// Parses an IPv4 or IPv6 address; returns (value, bit width).
fn parse_ip(s: &str) -> Option<(u128, u32)> {
    if s.contains(':') {
        return s.parse::<Ipv6Addr>().ok().map(|a| (u128::from(a), 128));
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut v: u32 = 0;
    for p in parts {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let octet: u32 = p.parse().ok()?;
        if octet > 255 {
            return None;
        }
        v = v << 8 | octet;
    }
    Some((v as u128, 32))
}

fn parse_cidr(s: &str) -> Option<Net> {
    let (ip, len) = s.split_once('/')?;
    let (addr, bits) = parse_ip(ip)?;
    if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) || len.len() > 3 {
        return None;
    }
    let prefix: u32 = len.parse().ok()?;
    (prefix <= bits).then_some(Net { addr, prefix, bits })
}

fn show_ip(addr: u128, bits: u32) -> String {
    if bits == 32 {
        Ipv4Addr::from(addr as u32).to_string()
    } else {
        Ipv6Addr::from(addr).to_string()
    }
}

fn prefix_arg(a: &mut Args<'_>, i: usize) -> Result<Option<Net>, FunctionError> {
    let s = a.string(i, "prefix")?;
    if a.args[i].is_unknown() {
        return Ok(None);
    }
    parse_cidr(&s)
        .map(Some)
        .ok_or_else(|| invalid(i, "prefix", format_args!("invalid CIDR address: {}", shown(&a.args[i], &s))))
}

/// `cidrhost(prefix, hostnum)`: negative host numbers count from the end.
pub(crate) fn cidrhost(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let net = prefix_arg(&mut a, 0)?;
    let hostnum = a.number(1, "hostnum")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let net = net.expect("known prefix");
    let host = super::helpers::whole(&hostnum).ok_or_else(|| invalid(1, "hostnum", "value must be a whole number"))?;
    let size_bits = net.size_bits();
    let size: Option<u128> = (size_bits < 128).then(|| 1u128 << size_bits);
    let offset: u128 = if host >= 0 {
        let h = host as u128;
        if size.is_some_and(|s| h >= s) {
            return Err(invalid(
                1,
                "hostnum",
                format_args!("host number {host} does not fit in {size_bits} bits of prefix"),
            ));
        }
        h
    } else {
        let back = host.unsigned_abs() as u128;
        match size {
            Some(s) if back > s => {
                return Err(invalid(
                    1,
                    "hostnum",
                    format_args!("host number {host} does not fit in {size_bits} bits of prefix"),
                ))
            }
            Some(s) => s - back,
            None => u128::MAX - (back - 1),
        }
    };
    a.ok(Value::string(show_ip(net.network() + offset, net.bits)))
}

/// `cidrnetmask(prefix)`: IPv4 only.
pub(crate) fn cidrnetmask(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let net = prefix_arg(&mut a, 0)?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let net = net.expect("known prefix");
    if net.bits != 32 {
        return Err(invalid(0, "prefix", "IPv6 addresses cannot have a netmask"));
    }
    a.ok(Value::string(show_ip(net.mask(), 32)))
}

/// Subnet `num` of `newbits` more bits under `net`.
fn subnet(net: &Net, newbits: i64, num: i64, arg: usize) -> Result<Net, FunctionError> {
    if newbits < 0 {
        return Err(invalid(arg, "newbits", "must not be negative"));
    }
    // Checked: `newbits` comes from the policy and may be near i64::MAX.
    let new_prefix = (net.prefix as i64).checked_add(newbits).unwrap_or(i64::MAX);
    if new_prefix > net.bits as i64 {
        return Err(invalid(
            arg,
            "newbits",
            format_args!("insufficient address space to extend prefix of {} by {newbits}", net.prefix),
        ));
    }
    let new_prefix = new_prefix as u32;
    if num < 0 || (newbits < 127 && (num as u128) >= (1u128 << newbits)) {
        return Err(invalid(
            arg + 1,
            "netnum",
            format_args!("prefix extension of {newbits} does not accommodate a subnet numbered {num}"),
        ));
    }
    let shift = net.bits - new_prefix;
    let offset = if shift >= 128 { 0 } else { (num as u128) << shift };
    Ok(Net { addr: net.network() | offset, prefix: new_prefix, bits: net.bits })
}

fn show_net(n: &Net) -> String {
    format!("{}/{}", show_ip(n.network(), n.bits), n.prefix)
}

/// `cidrsubnet(prefix, newbits, netnum)`.
pub(crate) fn cidrsubnet(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let net = prefix_arg(&mut a, 0)?;
    let newbits = a.int(1, "newbits")?;
    let netnum = a.int(2, "netnum")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let sub = subnet(&net.expect("known prefix"), newbits, netnum, 1)?;
    a.ok(Value::string(show_net(&sub)))
}

/// `cidrsubnets(prefix, newbits...)`: consecutive subnets, each aligned to
/// its own size, packed in the order given.
pub(crate) fn cidrsubnets(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let net = prefix_arg(&mut a, 0)?;
    let mut newbits = Vec::with_capacity(args.len() - 1);
    for i in 1..args.len() {
        newbits.push(a.int(i, "newbits")?);
    }
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let net = net.expect("known prefix");
    let base = net.network();
    let last_of_base = base | (!net.mask() & all_ones(net.bits));
    let mut out = Vec::with_capacity(newbits.len());
    // Next free address, or None once the space is used up to the end.
    let mut next: Option<u128> = Some(base);
    for (k, &nb) in newbits.iter().enumerate() {
        let arg = k + 1;
        let first = subnet(&net, nb, 0, arg)?;
        let block_bits = first.size_bits();
        let block: u128 = if block_bits >= 128 { 0 } else { 1u128 << block_bits };
        let Some(cur) = next else {
            return Err(invalid(
                arg,
                "newbits",
                "not enough remaining address space for a subnet with a prefix of this length",
            ));
        };
        // Align up to the block size.
        let start = if block == 0 || cur % block == 0 { Some(cur) } else { (cur / block + 1).checked_mul(block) };
        let Some(start) = start.filter(|s| *s >= base && *s <= last_of_base) else {
            return Err(invalid(
                arg,
                "newbits",
                "not enough remaining address space for a subnet with a prefix of this length",
            ));
        };
        let end = if block == 0 { u128::MAX } else { start + (block - 1) };
        if end > last_of_base {
            return Err(invalid(
                arg,
                "newbits",
                "not enough remaining address space for a subnet with a prefix of this length",
            ));
        }
        out.push(Value::string(show_net(&Net { addr: start, prefix: first.prefix, bits: net.bits })));
        next = end.checked_add(1).filter(|n| *n <= all_ones(net.bits));
    }
    a.ok(Value::list(out))
}

/// `cidrcontains(containing_prefix, contained_ip_or_prefix)`.
pub(crate) fn cidrcontains(args: &[Value]) -> FnResult {
    let mut a = Args::new(args);
    let outer = prefix_arg(&mut a, 0)?;
    let inner_text = a.string(1, "contained_ip_or_prefix")?;
    if let Some(u) = a.unknown_result() {
        return Ok(u);
    }
    let outer = outer.expect("known prefix");
    let inner = if inner_text.contains('/') {
        parse_cidr(&inner_text)
    } else {
        parse_ip(&inner_text).map(|(addr, bits)| Net { addr, prefix: bits, bits })
    }
    .ok_or_else(|| {
        invalid(
            1,
            "contained_ip_or_prefix",
            format_args!("invalid IP address or CIDR prefix: {}", shown(&args[1], &inner_text)),
        )
    })?;
    if inner.bits != outer.bits {
        return Err(FunctionError::new("address family mismatch: both arguments must be IPv4 or both IPv6"));
    }
    let contained = inner.prefix >= outer.prefix && inner.network() & outer.mask() == outer.network();
    a.ok(Value::bool(contained))
}

#[cfg(test)]
mod tests {
    use super::super::helpers::testing::*;

    #[test]
    fn masks() {
        assert_eq!(super::mask(0, 32), 0);
        assert_eq!(super::mask(8, 32), 0xFF00_0000);
        assert_eq!(super::mask(32, 32), 0xFFFF_FFFF);
        assert_eq!(super::mask(128, 128), u128::MAX);
        assert_eq!(super::mask(1, 128), 1u128 << 127);
    }

    #[test]
    fn cidrhost_v4_v6() {
        assert_eq!(ok("cidrhost", vec![s("10.12.112.0/20"), n(16)]), s("10.12.112.16"));
        assert_eq!(ok("cidrhost", vec![s("10.12.112.0/20"), n(268)]), s("10.12.113.12"));
        assert_eq!(ok("cidrhost", vec![s("10.12.112.0/20"), n(-1)]), s("10.12.127.255"));
        assert_eq!(ok("cidrhost", vec![s("fd00:fd12:3456:7890:00a2::/72"), n(34)]), s("fd00:fd12:3456:7890::22"));
        assert_eq!(ok("cidrhost", vec![s("10.0.0.0/8"), s("5")]), s("10.0.0.5"));
        assert!(err("cidrhost", vec![s("10.0.0.0/30"), n(4)]).contains("does not fit"));
        assert!(err("cidrhost", vec![s("10.0.0.0/30"), n(-5)]).contains("does not fit"));
        assert!(err("cidrhost", vec![s("10.0.0.0"), n(1)]).contains("invalid CIDR"));
    }

    #[test]
    fn cidrnetmask_v4() {
        assert_eq!(ok("cidrnetmask", vec![s("172.16.0.0/12")]), s("255.240.0.0"));
        assert_eq!(ok("cidrnetmask", vec![s("0.0.0.0/0")]), s("0.0.0.0"));
        assert_eq!(ok("cidrnetmask", vec![s("10.0.0.1/32")]), s("255.255.255.255"));
        assert!(err("cidrnetmask", vec![s("fe80::/64")]).contains("IPv6"));
    }

    #[test]
    fn cidrsubnet_examples() {
        assert_eq!(ok("cidrsubnet", vec![s("172.16.0.0/12"), n(4), n(2)]), s("172.18.0.0/16"));
        assert_eq!(ok("cidrsubnet", vec![s("10.1.2.0/24"), n(4), n(15)]), s("10.1.2.240/28"));
        assert_eq!(
            ok("cidrsubnet", vec![s("fd00:fd12:3456:7890::/56"), n(16), n(162)]),
            s("fd00:fd12:3456:7800:a200::/72")
        );
        assert_eq!(ok("cidrsubnet", vec![s("10.1.2.3/16"), n(8), n(2)]), s("10.1.2.0/24"));
        assert!(err("cidrsubnet", vec![s("10.0.0.0/30"), n(4), n(0)]).contains("insufficient"));
        assert!(err("cidrsubnet", vec![s("10.0.0.0/16"), n(2), n(4)]).contains("does not accommodate"));
    }

    #[test]
    fn cidrsubnets_packs() {
        assert_eq!(
            ok("cidrsubnets", vec![s("10.1.0.0/16"), n(4), n(4), n(8), n(4)]),
            strs(&["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"])
        );
        assert_eq!(
            ok("cidrsubnets", vec![s("fd00:fd12:3456:7890::/56"), n(16), n(16), n(16), n(32)]),
            strs(&[
                "fd00:fd12:3456:7800::/72",
                "fd00:fd12:3456:7800:100::/72",
                "fd00:fd12:3456:7800:200::/72",
                "fd00:fd12:3456:7800:300::/88"
            ])
        );
        assert_eq!(ok("cidrsubnets", vec![s("10.0.0.0/8")]), l(vec![]));
        assert!(err("cidrsubnets", vec![s("10.0.0.0/30"), n(1), n(1), n(1)]).contains("not enough"));
        assert_eq!(ok("cidrsubnets", vec![s("10.0.0.0/30"), n(1), n(1)]), strs(&["10.0.0.0/31", "10.0.0.2/31"]));
        assert_eq!(ok("cidrsubnets", vec![s("0.0.0.0/0"), n(1), n(1)]), strs(&["0.0.0.0/1", "128.0.0.0/1"]));
        assert!(err("cidrsubnets", vec![s("0.0.0.0/0"), n(1), n(1), n(1)]).contains("not enough"));
    }

    #[test]
    fn cidrcontains_examples() {
        assert_eq!(ok("cidrcontains", vec![s("192.168.2.0/20"), s("192.168.2.1")]), b(true));
        assert_eq!(ok("cidrcontains", vec![s("192.168.2.0/20"), s("192.168.2.0/22")]), b(true));
        assert_eq!(ok("cidrcontains", vec![s("192.168.2.0/20"), s("192.126.2.1")]), b(false));
        assert_eq!(ok("cidrcontains", vec![s("192.168.2.0/20"), s("192.126.2.0/18")]), b(false));
        assert_eq!(ok("cidrcontains", vec![s("fe80::/48"), s("fe80::1")]), b(true));
        assert_eq!(ok("cidrcontains", vec![s("fe80::/48"), s("fe81::1")]), b(false));
        assert_eq!(ok("cidrcontains", vec![s("0.0.0.0/0"), s("10.0.0.0/8")]), b(true));
        assert_eq!(ok("cidrcontains", vec![s("10.0.0.0/8"), s("0.0.0.0/0")]), b(false));
        assert_eq!(ok("cidrcontains", vec![s("::/0"), s("2001:db8::/32")]), b(true));
        assert_eq!(ok("cidrcontains", vec![s("10.0.0.0/8"), s("010.001.0.1")]), b(true));
        assert!(err("cidrcontains", vec![s("10.0.0.0/8"), s("::1")]).contains("family"));
        assert!(err("cidrcontains", vec![s("10.0.0.0/8"), s("banana")]).contains("invalid IP"));
        assert!(err("cidrcontains", vec![s("10.0.0.0/33"), s("10.0.0.1")]).contains("invalid CIDR"));
    }

    #[test]
    fn unknown_and_sensitive() {
        assert_eq!(ok("cidrcontains", vec![s("0.0.0.0/0"), unk()]), unk());
        assert_eq!(ok("cidrhost", vec![unk(), n(1)]), unk());
        assert_eq!(ok("cidrsubnets", vec![s("10.0.0.0/8"), unk()]), unk());
        assert_eq!(ok("cidrnetmask", vec![sens(s("10.0.0.0/8"))]), sens(s("255.0.0.0")));
        // A malformed known prefix is an error even with an unknown partner.
        assert!(err("cidrcontains", vec![s("nope"), unk()]).contains("invalid CIDR"));
    }
}
