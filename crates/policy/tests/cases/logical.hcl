case "and" {
  expr   = true && false
  expect = false
}
case "or" {
  expr   = false || true
  expect = true
}
case "not" {
  expr   = !true
  expect = false
}
case "and binds tighter than or" {
  expr   = true || false && false
  expect = true
}
case "comparison binds tighter than and" {
  expr   = 1 < 2 && 3 > 2
  expect = true
}
case "string bools convert" {
  expr   = "true" && true
  expect = true
}
case "unknown and true is unknown" {
  vars   = { u = "<unknown>" }
  expr   = u && true
  expect = "<unknown>"
}
case "unknown and false is false (cty)" {
  vars   = { u = "<unknown>" }
  expr   = u && false
  expect = false
}
case "false and unknown is false (cty)" {
  vars   = { u = "<unknown>" }
  expr   = false && u
  expect = false
}
case "unknown or true is true (cty)" {
  vars   = { u = "<unknown>" }
  expr   = u || true
  expect = true
}
case "true or unknown is true (cty)" {
  vars   = { u = "<unknown>" }
  expr   = true || u
  expect = true
}
case "unknown or false is unknown" {
  vars   = { u = "<unknown>" }
  expr   = u || false
  expect = "<unknown>"
}
case "not unknown is unknown" {
  vars   = { u = "<unknown>" }
  expr   = !u
  expect = "<unknown>"
}
case "null operand is an error" {
  vars         = { n = null }
  expr         = n && true
  expect_error = "null"
}
case "errors are not short-circuited" {
  vars         = { n = null }
  expr         = false && n.x
  expect_error = "null"
}
case "number operand is an error" {
  expr         = 1 || true
  expect_error = "a bool is required"
}
case "sensitive operand marks the result" {
  vars      = { s = { __sensitive = true } }
  expr      = s && true
  expect    = true
  sensitive = true
}
case "deciding false keeps the other operand's mark" {
  vars      = { s = { __sensitive = "<unknown>" } }
  expr      = s && false
  expect    = false
  sensitive = true
}
case "not of sensitive is sensitive" {
  vars      = { s = { __sensitive = false } }
  expr      = !s
  expect    = true
  sensitive = true
}
