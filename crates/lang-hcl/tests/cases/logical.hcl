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
# && and || short-circuit: the right operand is evaluated only when the left
# one does not decide the result (a known false for &&, a known true for ||).
# cty's And/Or give the same values for known operands, and return False
# (True) as soon as either operand is a known False (True), even beside an
# unknown one (zclconf/go-cty, cty/value_ops.go).
case "false and an erroring operand is false (short-circuit)" {
  vars   = { n = null }
  expr   = false && n.x
  expect = false
}
case "true or an erroring operand is true (short-circuit)" {
  vars   = { n = null }
  expr   = true || n.x
  expect = true
}
case "a null hop limit is guarded by or" {
  vars   = { hop = null }
  expr   = hop == null || hop <= 1
  expect = true
}
case "a null value is guarded by and" {
  vars   = { hop = null }
  expr   = hop != null && hop > 1
  expect = false
}
case "a string false decides and" {
  vars   = { n = null }
  expr   = "false" && n.x
  expect = false
}
case "true and an erroring operand is an error" {
  vars         = { n = null }
  expr         = true && n.x
  expect_error = "null"
}
case "false or an erroring operand is an error" {
  vars         = { n = null }
  expr         = false || n.x
  expect_error = "null"
}
case "unknown does not decide: the right operand is evaluated" {
  vars         = { u = "<unknown>", n = null }
  expr         = u && n.x
  expect_error = "null"
}
case "unknown or true is true with the right operand evaluated" {
  vars   = { u = "<unknown>", n = null }
  expr   = u || n == null
  expect = true
}
case "a left operand of the wrong type is an error before the right one" {
  vars         = { n = null }
  expr         = 1 && n.x
  expect_error = "left operand"
}
case "a null left operand is an error" {
  vars         = { n = null }
  expr         = n || true
  expect_error = "null"
}
case "a call to an unknown function in a branch not taken is not an error" {
  expr   = false && core::contain(["a"], "a")
  expect = false
}
case "a call to an unknown function that is reached is an error naming it" {
  expr         = true && core::contain(["a"], "a")
  expect_error = "core::contain"
}
case "a sensitive left operand that decides marks the result" {
  vars      = { s = { __sensitive = true }, n = null }
  expr      = s || n.x
  expect    = true
  sensitive = true
}
case "a sensitive right operand that is not evaluated does not mark the result" {
  vars      = { s = { __sensitive = true } }
  expr      = false && s
  expect    = false
  sensitive = false
}
case "a sensitive right operand that is evaluated marks the result" {
  vars      = { s = { __sensitive = false } }
  expr      = true && s
  expect    = false
  sensitive = true
}
case "unknown and sensitive false is false and sensitive" {
  vars      = { u = "<unknown>", s = { __sensitive = false } }
  expr      = u && s
  expect    = false
  sensitive = true
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
