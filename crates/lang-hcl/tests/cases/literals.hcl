case "null" {
  expr   = null
  expect = null
}
case "bool" {
  expr   = true
  expect = true
}
case "integer" {
  expr   = 42
  expect = 42
}
case "float" {
  expr   = 1.5
  expect = 1.5
}
case "exponent" {
  expr   = 1e3
  expect = 1000
}
case "string with escapes" {
  expr   = "a\tb\"c\\"
  expect = "a\tb\"c\\"
}
case "escaped interpolation is literal" {
  expr   = "$${x}"
  expect = "$${x}"
}
case "tuple" {
  expr   = [1, "a", true, null]
  expect = [1, "a", true, null]
}
case "object with bare and quoted keys" {
  expr   = { a = 1, "b-c" = 2 }
  expect = { a = 1, "b-c" = 2 }
}
case "object key from a parenthesised expression" {
  vars   = { k = "dyn" }
  expr   = { (k) = 1 }
  expect = { dyn = 1 }
}
case "bare key is never a variable" {
  vars   = { k = "dyn" }
  expr   = { k = 1 }
  expect = { k = 1 }
}
case "unknown object key makes the object unknown" {
  vars   = { k = "<unknown>" }
  expr   = { (k) = 1 }
  expect = "<unknown>"
}
case "sensitive object key marks the object" {
  vars      = { k = { __sensitive = "dyn" } }
  expr      = { (k) = 1 }
  expect    = { dyn = 1 }
  sensitive = true
}
case "null object key is an error" {
  vars         = { k = null }
  expr         = { (k) = 1 }
  expect_error = "Invalid object key"
}
case "unknown variable is an error" {
  expr         = nope
  expect_error = "no variable named \"nope\""
}
