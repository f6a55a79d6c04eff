//! `sockaddr`: IP addresses and networks (imports/sockaddr.mdx).
//!
//! Arguments are IPv4 or IPv6 addresses, with an optional `/prefix` that
//! makes them networks (a bare address is a network of one).

use std::net::IpAddr;

use super::{any_undefined, arity, fail, no_such, str_arg};
use crate::value::{Object, ObjectError, Value};

pub(super) struct Sockaddr;

impl Object for Sockaddr {
    fn type_name(&self) -> &str {
        "sockaddr"
    }

    fn get(&self, _name: &str) -> Result<Value, ObjectError> {
        Ok(Value::Undefined)
    }

    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, ObjectError> {
        let f = format!("sockaddr.{name}");
        let f = f.as_str();
        match name {
            "is_contained" | "is_equal" => arity(f, &args, 2, 2)?,
            "is_ipv4" | "is_ipv6" => arity(f, &args, 1, 1)?,
            _ => return Err(no_such("sockaddr", name)),
        }
        if any_undefined(&args) {
            return Ok(Value::Undefined);
        }
        let addr = |i: usize| -> Result<Net, ObjectError> {
            let s = str_arg(f, &args, i)?;
            Net::parse(s).ok_or_else(|| fail(format!("{f}: {s:?} is not an IP address or network")))
        };
        Ok(Value::Bool(match name {
            "is_ipv4" => addr(0)?.bits == 32,
            "is_ipv6" => addr(0)?.bits == 128,
            "is_equal" => addr(0)? == addr(1)?,
            "is_contained" => addr(0)?.contains(&addr(1)?),
            _ => unreachable!("checked above"),
        }))
    }
}

/// An address as a number, its family's width (32 or 128) and its prefix.
#[derive(Debug, PartialEq)]
struct Net {
    addr: u128,
    bits: u32,
    prefix: u32,
}

impl Net {
    fn parse(s: &str) -> Option<Net> {
        let (ip, prefix) = match s.split_once('/') {
            Some((ip, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                (ip, Some(p.parse::<u32>().ok()?))
            }
            Some(_) => return None,
            None => (s, None),
        };
        let (addr, bits) = match ip.parse::<IpAddr>().ok()? {
            IpAddr::V4(a) => (u128::from(u32::from(a)), 32),
            IpAddr::V6(a) => (u128::from(a), 128),
        };
        let prefix = prefix.unwrap_or(bits);
        (prefix <= bits).then_some(Net { addr, bits, prefix })
    }

    fn mask(&self, prefix: u32) -> u128 {
        if prefix == 0 {
            0
        } else {
            (u128::MAX << (self.bits - prefix)) & (u128::MAX >> (128 - self.bits))
        }
    }

    /// Whether `inner` (an address or a network) lies within this network.
    fn contains(&self, inner: &Net) -> bool {
        let m = self.mask(self.prefix);
        self.bits == inner.bits && inner.prefix >= self.prefix && (inner.addr & m) == (self.addr & m)
    }
}
