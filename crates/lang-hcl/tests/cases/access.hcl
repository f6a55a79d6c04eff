case "attribute" {
  vars   = { attrs = { tags = { env = "prod" } } }
  expr   = attrs.tags.env
  expect = "prod"
}
case "index into a list" {
  vars   = { l = ["a", "b"] }
  expr   = l[1]
  expect = "b"
}
case "legacy dotted index" {
  vars   = { l = ["a", "b"] }
  expr   = l.1
  expect = "b"
}
case "numeric string index" {
  vars   = { l = ["a", "b"] }
  expr   = l["0"]
  expect = "a"
}
case "map index with a string" {
  vars   = { m = { "k.x" = 1 } }
  expr   = m["k.x"]
  expect = 1
}
case "index out of range" {
  vars         = { l = ["a"] }
  expr         = l[3]
  expect_error = "out of range"
}
case "fractional index" {
  vars         = { l = ["a"] }
  expr         = l[0.5]
  expect_error = "whole number"
}
case "missing key" {
  vars         = { m = { a = 1 } }
  expr         = m["b"]
  expect_error = "does not identify an element"
}
case "missing attribute suggests a close name" {
  vars         = { attrs = { instance_type = "t3.micro" } }
  expr         = attrs.instance_tpye
  expect_error = "did you mean \"instance_type\"?"
}
case "attribute of null" {
  vars         = { attrs = { block = null } }
  expr         = attrs.block.x
  expect_error = "Attempt to get attribute from null value"
}
case "index of null" {
  vars         = { n = null }
  expr         = n[0]
  expect_error = "Attempt to index null value"
}
case "attribute of a list" {
  vars         = { l = [{ a = 1 }] }
  expr         = l.a
  expect_error = "use an index such as [0] or a splat"
}
case "attribute of unknown is unknown" {
  vars   = { u = "<unknown>" }
  expr   = u.a.b[0]
  expect = "<unknown>"
}
case "unknown index is unknown" {
  vars   = { l = [1, 2], u = "<unknown>" }
  expr   = l[u]
  expect = "<unknown>"
}
case "known element of a list with unknown elements" {
  vars   = { l = ["<unknown>", 2] }
  expr   = l[1]
  expect = 2
}
case "element of a sensitive list is sensitive" {
  vars      = { l = { __sensitive = ["a", "b"] } }
  expr      = l[0]
  expect    = "a"
  sensitive = true
}
case "sibling of a sensitive attribute is not sensitive" {
  vars   = { attrs = { password = { __sensitive = "hunter2" }, user = "admin" } }
  expr   = attrs.user
  expect = "admin"
}
case "sensitive attribute stays sensitive" {
  vars      = { attrs = { password = { __sensitive = "hunter2" } } }
  expr      = attrs.password
  expect    = "hunter2"
  sensitive = true
}
case "sensitive index key marks the element" {
  vars      = { m = { a = 1 }, k = { __sensitive = "a" } }
  expr      = m[k]
  expect    = 1
  sensitive = true
}
case "missing key error does not show a sensitive key" {
  vars         = { m = { a = 1 }, k = { __sensitive = "hunter2" } }
  expr         = m[k]
  expect_error = "(sensitive value)"
}
case "meta attributes" {
  vars   = { meta = { address = "module.a.aws_instance.b[0]", module_path = "module.a" } }
  expr   = meta.address
  expect = "module.a.aws_instance.b[0]"
}

# Paths of names and constant indexes are followed by reference; these check
# that marks, unknowns, errors and splats after such a run behave as before.
case "a sensitive container marks what is read through it" {
  vars      = { attrs = { block = { __sensitive = [{ name = "db" }] } } }
  expr      = attrs.block[0].name
  expect    = "db"
  sensitive = true
}
case "a sensitive leaf stays sensitive" {
  vars      = { attrs = { block = [{ name = { __sensitive = "db" }, other = "x" }] } }
  expr      = attrs.block[0].name
  expect    = "db"
  sensitive = true
}
case "a sibling of a sensitive leaf is not sensitive" {
  vars   = { attrs = { block = [{ name = { __sensitive = "db" }, other = "x" }] } }
  expr   = attrs.block[0].other
  expect = "x"
}
case "unknown part way along" {
  vars   = { attrs = { block = [{ inner = "<unknown>" }] } }
  expr   = attrs.block[0].inner.deeper[1]
  expect = "<unknown>"
}
case "missing attribute after a known run" {
  vars         = { attrs = { block = [{ name = "db" }] } }
  expr         = attrs.block[0].nmae
  expect_error = "did you mean \"name\""
}
case "splat after a known run" {
  vars   = { attrs = { block = [{ rules = [{ port = 22 }, { port = 443 }] }] } }
  expr   = attrs.block[0].rules[*].port
  expect = [22, 443]
}
case "computed index after a known run" {
  vars   = { attrs = { block = [{ tags = { env = "prod" } }] }, k = "env" }
  expr   = attrs.block[0].tags[k]
  expect = "prod"
}
