#!/usr/bin/env python3
"""Hostile inputs for the scale benchmarks (benches/scale-*.sh).

  gen_hostile.py instances N -o plan.json        N small aws_instance entries (one count block)
  gen_hostile.py modules N -o plan.json          a chain of N nested calls module.m.module.m... (the
                                                 configuration holds the first 20),
                                                 one aws_instance in the innermost
  gen_hostile.py getres-policy -o p.policy.hcl   a policy calling core::getresources per target
  gen_hostile.py plain N -o plan.json            N aws_instance entries with a subnet_id (ten per
                                                 subnet) and tags,
                                                 for the getresources policy
  gen_hostile.py mocks N -o DIR                  DIR/p.policy.hcl and DIR/p.policytest.hcl with N mocks

Output is deterministic (no randomness), written streaming so that large N
needs little memory.
"""
import argparse
import json
import os
import sys

AWS = "registry.terraform.io/hashicorp/aws"


def write_plan(out, changes, config_root, planned_root):
    out.write('{"format_version":"1.2","terraform_version":"1.9.8",')
    out.write('"planned_values":{"root_module":')
    out.write(json.dumps(planned_root, separators=(",", ":")))
    out.write('},"resource_changes":[')
    first = True
    for rc in changes:
        if not first:
            out.write(",")
        first = False
        out.write(json.dumps(rc, separators=(",", ":")))
    out.write('],"configuration":{"provider_config":{"aws":{"name":"aws","full_name":"%s",' % AWS)
    out.write('"expressions":{"region":{"constant_value":"eu-west-1"}}}},"root_module":')
    out.write(config_root)
    out.write("}}\n")


def change(address, module, name, index, after, small=False):
    rc = {"address": address}
    if module:
        rc["module_address"] = module
    rc.update({"mode": "managed", "type": "aws_instance", "name": name})
    if index is not None:
        rc["index"] = index
    if small:
        # The least a resource change needs: no masks, nothing unknown.
        rc.update({"provider_name": AWS, "change": {"actions": ["create"], "before": None, "after": after}})
        return rc
    rc.update(
        {
            "provider_name": AWS,
            "change": {
                "actions": ["create"],
                "before": None,
                "after": after,
                "after_unknown": {"id": True},
                "before_sensitive": False,
                "after_sensitive": {},
            },
        }
    )
    return rc


def config_instance(name, count):
    r = {
        "address": "aws_instance." + name,
        "mode": "managed",
        "type": "aws_instance",
        "name": name,
        "provider_config_key": "aws",
        "expressions": {"ami": {"constant_value": "ami-1"}, "instance_type": {"constant_value": "t3.micro"}},
        "schema_version": 1,
    }
    if count:
        r["count_expression"] = {"constant_value": count}
    return r


def instances(n, out, with_subnets=False):
    def gen():
        for i in range(n):
            if with_subnets:
                after = {"ami": "ami-1", "instance_type": "t3.micro"}
                after["subnet_id"] = "subnet-%d" % (i // 10)
                after["tags"] = {"Name": "w%d" % i}
                if i % 2 == 0:
                    after["metadata_options"] = [{"http_tokens": "required"}]
            else:
                after = {"ami": "ami-1"}
            yield change("aws_instance.w[%d]" % i, None, "w", i, after, small=not with_subnets)

    config = json.dumps({"resources": [config_instance("w", n)]}, separators=(",", ":"))
    write_plan(out, gen(), config, {})


def modules(n, out):
    # Configuration: root -> m -> m -> ... (n calls deep), one resource per level.
    # One aws_instance in the innermost module only: the plan stays linear in n
    # (an address per level would make the plan itself quadratic).
    def gen():
        path = ".".join(["module.m"] * n)
        yield change(path + ".aws_instance.x", path, "x", None, {"ami": "ami-1", "instance_type": "t3.micro"})

    res = json.dumps(config_instance("x", None), separators=(",", ":"))
    level = '"module_calls":{"m":{"source":"./m","module":{'
    # The reader refuses JSON nested deeper than 128 levels, so the
    # configuration stops at 20 calls; the addresses go all the way.
    depth = min(n, 20)
    config = "{" + level * depth + '"resources":[%s]' % res + "}}}" * depth + "}"
    write_plan(out, gen(), config, {})


GETRES_POLICY = """policy {
  tfgate {
    id       = "SCALE-GETRES"
    severity = "low"
  }
}

resource_policy "aws_instance" "subnet_neighbours" {
  enforcement_level = "advisory"
  locals {
    same_subnet = core::getresources("aws_instance", { subnet_id = attrs.subnet_id })
  }
  enforce {
    condition     = core::length(local.same_subnet) < 5000
    error_message = "too many instances in ${attrs.subnet_id}"
  }
}
"""

MOCK_POLICY = """policy {
  tfgate {
    id = "SCALE-MOCKS"
  }
}

resource_policy "aws_instance" "tokens" {
  enforcement_level = "mandatory"
  locals {
    same_subnet = core::getresources("aws_instance", { subnet_id = attrs.subnet_id })
  }
  enforce {
    condition     = core::try(attrs.metadata_options[0].http_tokens, null) == "required" && core::length(local.same_subnet) > 0
    error_message = "IMDSv2 not required"
  }
}
"""


def mocks(n, outdir):
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "p.policy.hcl"), "w") as f:
        f.write(MOCK_POLICY)
    with open(os.path.join(outdir, "p.policytest.hcl"), "w") as f:
        f.write('policytest {\n  targets = ["p.policy.hcl"]\n}\n\n')
        for i in range(n):
            f.write(
                'resource "aws_instance" "m%d" {\n  attrs = { subnet_id = "subnet-%d", metadata_options = [{ http_tokens = "required" }] }\n}\n\n'
                % (i, i // 10)
            )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["instances", "modules", "plain", "getres-policy", "mocks"])
    ap.add_argument("n", nargs="?", type=int, default=1000)
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    if a.what == "mocks":
        mocks(a.n, a.output)
        return
    with open(a.output, "w") as out:
        if a.what == "instances":
            instances(a.n, out)
        elif a.what == "plain":
            instances(a.n, out, with_subnets=True)
        elif a.what == "modules":
            modules(a.n, out)
        else:
            out.write(GETRES_POLICY)


if __name__ == "__main__":
    sys.exit(main())
