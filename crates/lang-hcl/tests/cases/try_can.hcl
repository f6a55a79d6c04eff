case "try returns the first success" {
  vars   = { attrs = { a = 1 } }
  expr   = core::try(attrs.b, attrs.a, 0)
  expect = 1
}
case "try with a missing nested block" {
  vars   = { attrs = { metadata_options = [] } }
  expr   = core::try(attrs.metadata_options[0].http_tokens, null)
  expect = null
}
case "try does not replace an explicit null" {
  vars   = { attrs = { a = null } }
  expr   = core::try(attrs.a, "default")
  expect = null
}
case "try of unknown is unknown" {
  vars   = { u = "<unknown>" }
  expr   = core::try(u, "fallback")
  expect = "<unknown>"
}
case "try of partly unknown is unknown" {
  vars   = { u = "<unknown>" }
  expr   = core::try([u, 1], "fallback")
  expect = "<unknown>"
}
case "try skips errors before an unknown" {
  vars   = { u = "<unknown>", n = null }
  expr   = core::try(n.x, u, 1)
  expect = "<unknown>"
}
case "try with all arguments failing" {
  vars         = { n = null }
  expr         = core::try(n.a, n.b)
  expect_error = "no expression succeeded"
}
case "try keeps sensitivity" {
  vars      = { s = { __sensitive = "x" } }
  expr      = core::try(s, "y")
  expect    = "x"
  sensitive = true
}
case "bare try is the same function" {
  vars   = { n = null }
  expr   = try(n.a, 2)
  expect = 2
}
case "can is true for a valid expression" {
  vars   = { attrs = { a = 1 } }
  expr   = core::can(attrs.a)
  expect = true
}
case "can is false for an error" {
  vars   = { attrs = { a = 1 } }
  expr   = core::can(attrs.b)
  expect = false
}
case "can of unknown is unknown" {
  vars   = { u = "<unknown>" }
  expr   = core::can(u)
  expect = "<unknown>"
}
case "can of an attribute of unknown is unknown" {
  vars   = { u = "<unknown>" }
  expr   = core::can(u.a)
  expect = "<unknown>"
}
case "can of a sensitive value is sensitive" {
  vars      = { s = { __sensitive = "x" } }
  expr      = core::can(s)
  expect    = true
  sensitive = true
}
case "can inside a condition" {
  vars   = { attrs = { tags = { env = "prod" } } }
  expr   = core::can(attrs.tags.owner) ? "owned" : "unowned"
  expect = "unowned"
}
case "try does not hide the step limit" {
  max_steps    = 50
  expr         = core::try([for a in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] : [for b in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] : a * b]], "fallback")
  expect_error = "step limit"
}
case "try reads only the path: a known attribute of a resource being created" {
  vars   = { x = { attrs = { name = "web", id = "<unknown>", tags = { Name = "<unknown>" } } } }
  expr   = core::try(x.attrs.name, "none")
  expect = "web"
}
case "try reads only the path: a known element beside an unknown one" {
  vars   = { attrs = { blocks = [{ id = "<unknown>", name = "a" }], tags = { a = "x", b = "<unknown>" } } }
  expr   = [core::try(attrs.blocks[0].name, "none"), core::try(attrs.tags["a"], "none"), core::try(attrs.tags.a, "none")]
  expect = ["a", "x", "x"]
}
case "try of a path that is partly unknown is unknown" {
  vars   = { attrs = { name = "web", tags = { Name = "<unknown>" } } }
  expr   = core::try(attrs.tags, {})
  expect = "<unknown>"
}
