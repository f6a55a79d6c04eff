# TFG-EC2-017: routes through a VPC peering connection cover only part of the peer VPC.

policy {
  tfgate {
    id       = "TFG-EC2-017"
    title    = "Routes through VPC peering connections should not cover the whole peer VPC"
    severity = "low"
    controls = ["AWS Well-Architected SEC05-BP01", "NIST 800-53 AC-4"]

    description = <<-EOT
      Reports a route through a VPC peering connection whose destination covers the whole
      CIDR block of the peer VPC (the same block, or a wider one such as `10.0.0.0/8`):

      - `aws_route` with `vpc_peering_connection_id`;
      - inline `route` blocks of `aws_route_table` with `vpc_peering_connection_id`.

      The peering connection is the `aws_vpc_peering_connection` the route refers to (in the
      configuration, directly or through an `aws_vpc_peering_connection_accepter`, or by a
      known id). Its VPCs are the `aws_vpc`s its `vpc_id` and `peer_vpc_id` refer to; the
      peer VPC is the one that is not the route table's own VPC. Their primary
      `cidr_block` and `ipv6_cidr_block` are compared; secondary CIDR blocks
      (`aws_vpc_ipv4_cidr_block_association`) are not.

      The policy is `advisory`: routing the whole peer VPC is the common default, and
      security groups and network ACLs still decide which traffic is accepted. Teams that
      want peering routes limited to the subnets that need them raise the enforcement level
      of TFG-EC2-017.
    EOT

    rationale = <<-EOT
      A peering connection that routes the whole peer VPC lets every subnet of one VPC reach
      every subnet of the other, so a single permissive security group or network ACL is all
      that stands between a compromised host and the other VPC's databases and management
      hosts. AWS's peering guide describes peering configurations with specific routes (one
      subnet to one subnet) for this reason; routing only the subnets that must talk keeps
      the network layer a second, independent barrier (AWS Well-Architected SEC05-BP01,
      NIST 800-53 AC-4 information flow enforcement).
    EOT

    violating_example = <<-EOT
      resource "aws_route" "to_shared" {
        route_table_id            = aws_route_table.app.id
        destination_cidr_block    = aws_vpc.shared.cidr_block # the whole peer VPC
        vpc_peering_connection_id = aws_vpc_peering_connection.app_shared.id
      }
    EOT

    compliant_example = <<-EOT
      resource "aws_route" "to_shared_db" {
        route_table_id            = aws_route_table.app.id
        destination_cidr_block    = "10.20.8.0/24" # the peer's database subnet only
        vpc_peering_connection_id = aws_vpc_peering_connection.app_shared.id
      }
    EOT

    unknown_values = <<-EOT
      A destination or a peer VPC CIDR known only after apply (an IPAM allocation) makes the
      verdict unknown. So does a peering connection, or a peer VPC, that is not in the plan
      (an id from a variable, another configuration, a cross-account peer): the plan does not
      say which addresses the peer VPC has, and the message says so. A route whose peering
      connection id is known only after apply and refers to no peering connection in the
      configuration is unknown too.
    EOT

    references = [
      "https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html",
      "https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/route",
      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_peering_connection",
    ]
  }
}

locals {
  peerings = tfgate::resources("aws_vpc_peering_connection")

  # Each peering connection's two VPCs with their primary CIDR blocks: the aws_vpcs its vpc_id and
  # peer_vpc_id refer to, or whose known id they name. valuetostring shows a value known
  # only after apply as "(unknown)", so an id that is not yet known matches nothing.
  vpcs = [for v in tfgate::resources("aws_vpc") : {
    address = v.address
    id      = core::valuetostring(core::try(v.attrs.id, null))
    ipv4    = v.attrs.cidr_block
    ipv6    = core::try(v.attrs.ipv6_cidr_block, null)
  }]
  peering_vpcs = { for p in local.peerings : p.address => [
    for v in local.vpcs : v
    if core::contains([for r in core::concat(tfgate::referenced("vpc_id", p.address), tfgate::referenced("peer_vpc_id", p.address)) : r.address], v.address)
    || (v.id != "(unknown)" && core::contains([core::valuetostring(core::try(p.attrs.vpc_id, null)), core::valuetostring(core::try(p.attrs.peer_vpc_id, null))], v.id))
  ] }
  peering_ids = { for p in local.peerings : core::valuetostring(core::try(p.attrs.id, null)) => p.address... if core::valuetostring(core::try(p.attrs.id, null)) != "(unknown)" }
}

resource_policy "aws_route" "peering_route_scope" {
  enforcement_level = "advisory"
  # A peering id known only after apply is still a peering route when it refers to one.
  filter = attrs.vpc_peering_connection_id != null || core::length(tfgate::referenced("vpc_peering_connection_id")) > 0

  locals {
    # The connection: referred to directly, through an accepter, or named by a known id.
    referred     = tfgate::referenced("vpc_peering_connection_id")
    via_accepter = core::flatten([for a in local.referred : tfgate::referenced("vpc_peering_connection_id", a.address)
    if a.meta.type == "aws_vpc_peering_connection_accepter"])
    by_reference = [for p in core::concat(local.referred, local.via_accepter) : p.address if p.meta.type == "aws_vpc_peering_connection"]
    by_id        = core::lookup(local.peering_ids, core::valuetostring(attrs.vpc_peering_connection_id), [])
    connections  = core::distinct(core::concat(local.by_reference, local.by_id))

    # The route table's own VPC is not the peer.
    own_vpcs  = core::flatten([for t in tfgate::referenced("route_table_id") : [for v in tfgate::referenced("vpc_id", t.address) : v.address]])
    peer_vpcs = [for v in core::flatten([for c in local.connections : local.peering_vpcs[c]]) : v if !core::contains(local.own_vpcs, v.address)]

    # Each family against its own: an IPv6 block known only after apply does not hold up an
    # IPv4 route.
    ipv4         = attrs.destination_cidr_block
    ipv6         = core::try(attrs.destination_ipv6_cidr_block, null)
    ipv4_set     = local.ipv4 != null && local.ipv4 != ""
    ipv6_set     = local.ipv6 != null && local.ipv6 != ""
    destinations = [for d in [local.ipv4, local.ipv6] : d if d != null && d != ""]
    covered = [for v in local.peer_vpcs : v.address if
      (local.ipv4_set && core::try(core::cidrcontains(local.ipv4, v.ipv4), false))
      || (local.ipv6_set && v.ipv6 != null && v.ipv6 != "" && core::try(core::cidrcontains(local.ipv6, v.ipv6), false))
    ]

    peer_in_plan = core::length(local.peer_vpcs) > 0
    covers_any   = core::length(local.covered) > 0
    decided      = core::valuetostring(local.covers_any) != "(unknown)"

    # Message parts.
    pending         = [for n in ["destination_cidr_block", "destination_ipv6_cidr_block"] : n if core::try(core::valuetostring(attrs[n]), "") == "(unknown)"]
    pending_what    = core::length(local.pending) > 0 ? core::join(" and ", local.pending) : "the peer VPC's cidr_block"
    pending_message = "${local.pending_what} is known only after apply, so whether the route covers the whole peer VPC cannot be decided at plan time"
    covers_whole    = "which covers the whole of ${core::join(", ", local.covered)}"
    covers_message  = "the route sends ${core::join(", ", local.destinations)} through the peering connection, ${local.covers_whole}; route only the peer subnets this VPC needs to reach"
    missing_reason  = "${meta.address}: the peer VPC of the peering connection is not in this plan, so whether the route covers all of it cannot be decided at plan time."
  }

  enforce {
    condition     = local.peer_in_plan ? !local.covers_any : tfgate::unknown(local.missing_reason)
    error_message = "${meta.address}: ${local.decided ? local.covers_message : local.pending_message}."
  }
}

resource_policy "aws_route_table" "peering_inline_route_scope" {
  enforcement_level = "advisory"

  locals {
    # Unset arguments of an inline route are "". Inline routes name no route table: the
    # table's vpc_id is the local side. A connection any of the table's routes refers to
    # serves the routes whose id is known only after apply (the configuration does not
    # say which route refers to which).
    # route is Optional+Computed: unknown and not in the configuration, the table's routes
    # are separate aws_route resources, judged on their own.
    configured      = core::try(meta.configured, null)
    route_known     = core::valuetostring(core::try(attrs.route, null)) != "(unknown)"
    no_config       = core::valuetostring(local.configured) == "(unknown)"
    configured_here = core::contains(core::coalesce(local.configured, []), "route")
    sets_routes     = local.route_known || local.no_config || local.configured_here
    # The peering routes: a connection id that is set, or known only after apply.
    routes = [for r in(local.sets_routes ? core::coalesce(attrs.route, []) : []) : r
      if core::valuetostring(r.vpc_peering_connection_id) == "(unknown)" || (r.vpc_peering_connection_id != null && r.vpc_peering_connection_id != "")
    ]
    by_reference = [for p in tfgate::referenced("route.vpc_peering_connection_id") : p.address if p.meta.type == "aws_vpc_peering_connection"]
    own_vpcs     = [for v in tfgate::referenced("vpc_id") : v.address]
    connections  = [for r in local.routes : core::distinct(core::concat(core::lookup(local.peering_ids, core::valuetostring(r.vpc_peering_connection_id), []), local.by_reference))]
    peer_vpcs    = [for cs in local.connections : [for v in core::flatten([for c in cs : local.peering_vpcs[c]]) : v if !core::contains(local.own_vpcs, v.address)]]
    destinations = [for r in local.routes : [for d in [core::try(r.cidr_block, null), core::try(r.ipv6_cidr_block, null)] : d if d != null && d != ""]]
    covering = [for i, r in local.routes : "route to ${core::join(", ", local.destinations[i])} covers the whole of ${core::join(", ", [for v in local.peer_vpcs[i] : v.address])}"
      if core::anytrue([for v in local.peer_vpcs[i] : (
        (core::try(r.cidr_block, "") != "" && core::try(core::cidrcontains(r.cidr_block, v.ipv4), false)) ||
        (core::try(r.ipv6_cidr_block, "") != "" && v.ipv6 != null && v.ipv6 != "" && core::try(core::cidrcontains(r.ipv6_cidr_block, v.ipv6), false))
      )])
    ]

    peers_in_plan = core::alltrue([for p in local.peer_vpcs : core::length(p) > 0])
    covers_any    = core::length(local.covering) > 0
    decided       = core::valuetostring(local.covers_any) != "(unknown)"

    # Message parts.
    pending_what    = core::valuetostring(attrs.route) == "(unknown)" ? "route is" : "a peering route's destination or its peer VPC's cidr_block is"
    pending_message = "${local.pending_what} known only after apply, so whether a route covers the whole peer VPC cannot be decided at plan time"
    covers_message  = "${core::join("; ", local.covering)} through its peering connection; route only the peer subnets this VPC needs to reach"
    missing_reason  = "${meta.address}: the peer VPC of a peering route is not in this plan, so whether the route covers all of it cannot be decided at plan time."
  }

  enforce {
    # A covering route decides on its own; otherwise every peer VPC must be in the plan.
    condition     = !local.covers_any && (local.peers_in_plan || tfgate::unknown(local.missing_reason))
    error_message = "${meta.address}: ${local.decided ? local.covers_message : local.pending_message}."
  }
}
