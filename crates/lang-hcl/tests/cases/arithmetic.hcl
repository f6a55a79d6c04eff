case "precedence: multiplication before addition" {
  expr   = 1 + 2 * 3
  expect = 7
}
case "parentheses" {
  expr   = (1 + 2) * 3
  expect = 9
}
case "left associative subtraction" {
  expr   = 10 - 4 - 3
  expect = 3
}
case "exact integer division" {
  expr   = 6 / 3
  expect = 2
}
case "fractional division" {
  expr   = 7 / 2
  expect = 3.5
}
case "modulo" {
  expr   = 7 % 3
  expect = 1
}
case "negative modulo keeps the dividend's sign" {
  expr   = -7 % 3
  expect = -1
}
case "unary minus" {
  vars   = { n = 5 }
  expr   = -n
  expect = -5
}
case "numeric strings convert" {
  expr   = "5" + 1
  expect = 6
}
case "non-numeric string is an error" {
  expr         = "five" + 1
  expect_error = "a number is required"
}
case "null operand is an error" {
  vars         = { n = null }
  expr         = n + 1
  expect_error = "null"
}
case "bool operand is an error" {
  expr         = true + 1
  expect_error = "a number is required"
}
case "division by zero is an error" {
  expr         = 1 / 0
  expect_error = "divide by zero"
}
case "modulo by zero is an error" {
  expr         = 1 % 0
  expect_error = "modulo by zero"
}
case "integer overflow falls back to floating point" {
  expr   = 9223372036854775807 + 1
  expect = 9223372036854775808
}
case "unknown left operand" {
  vars   = { u = "<unknown>" }
  expr   = u + 1
  expect = "<unknown>"
}
case "unknown right operand" {
  vars   = { u = "<unknown>" }
  expr   = 2 * u
  expect = "<unknown>"
}
case "unknown negation" {
  vars   = { u = "<unknown>" }
  expr   = -u
  expect = "<unknown>"
}
case "sensitive operand marks the sum" {
  vars      = { s = { __sensitive = 40 } }
  expr      = s + 2
  expect    = 42
  sensitive = true
}
case "sensitive and unknown gives sensitive unknown" {
  vars      = { s = { __sensitive = 40 }, u = "<unknown>" }
  expr      = s + u
  expect    = "<unknown>"
  sensitive = true
}
case "type error with unknown other operand is still an error" {
  vars         = { u = "<unknown>" }
  expr         = u + true
  expect_error = "a number is required"
}
