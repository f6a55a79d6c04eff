case "true branch" {
  expr   = true ? "a" : "b"
  expect = "a"
}
case "false branch" {
  expr   = 1 > 2 ? "a" : "b"
  expect = "b"
}
case "nested conditionals associate to the right" {
  vars   = { n = 2 }
  expr   = n == 1 ? "one" : n == 2 ? "two" : "many"
  expect = "two"
}
case "unselected branch errors are ignored" {
  vars   = { n = null }
  expr   = n == null ? "none" : n.x
  expect = "none"
}
case "unknown condition gives unknown" {
  vars   = { u = "<unknown>" }
  expr   = u ? "a" : "b"
  expect = "<unknown>"
}
case "unknown condition with equal branches is still unknown" {
  vars   = { u = "<unknown>" }
  expr   = u ? 1 : 1
  expect = "<unknown>"
}
case "known condition, unknown branch" {
  vars   = { u = "<unknown>" }
  expr   = true ? u : 1
  expect = "<unknown>"
}
case "known condition, other branch unknown" {
  vars   = { u = "<unknown>" }
  expr   = false ? u : 1
  expect = 1
}
case "sensitive condition marks the result" {
  vars      = { s = { __sensitive = "prod" } }
  expr      = s == "prod" ? "big" : "small"
  expect    = "big"
  sensitive = true
}
case "sensitive branch stays sensitive" {
  vars      = { s = { __sensitive = "hunter2" } }
  expr      = true ? s : "x"
  expect    = "hunter2"
  sensitive = true
}
case "null condition is an error" {
  vars         = { n = null }
  expr         = n ? 1 : 2
  expect_error = "Invalid condition"
}
case "string condition converts" {
  expr   = "false" ? 1 : 2
  expect = 2
}
