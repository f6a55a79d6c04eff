case "equal numbers" {
  expr   = 1 == 1.0
  expect = true
}
case "number and string are never equal" {
  expr   = 1 == "1"
  expect = false
}
case "not equal" {
  expr   = "a" != "b"
  expect = true
}
case "null equals null" {
  expr   = null == null
  expect = true
}
case "value is not null" {
  vars   = { a = "x" }
  expr   = a == null
  expect = false
}
case "lists compare element-wise" {
  expr   = [1, [2, 3]] == [1, [2, 3]]
  expect = true
}
case "lists of different length differ" {
  expr   = [1, 2] == [1]
  expect = false
}
case "objects compare by keys and values" {
  expr   = { a = 1, b = "x" } == { b = "x", a = 1 }
  expect = true
}
case "objects with different keys differ" {
  expr   = { a = 1 } == { b = 1 }
  expect = false
}
case "unknown equals anything is unknown" {
  vars   = { u = "<unknown>" }
  expr   = u == 1
  expect = "<unknown>"
}
case "unknown equals null is unknown" {
  vars   = { u = "<unknown>" }
  expr   = u == null
  expect = "<unknown>"
}
case "unknown not-equal is unknown" {
  vars   = { u = "<unknown>" }
  expr   = u != "x"
  expect = "<unknown>"
}
case "list with unknown element against different length is false" {
  vars   = { u = "<unknown>" }
  expr   = [u, 1] == [1]
  expect = false
}
case "list with unknown element is undecided" {
  vars   = { u = "<unknown>" }
  expr   = [u, 1] == [1, 1]
  expect = "<unknown>"
}
case "list compare stops at a known difference first" {
  vars   = { u = "<unknown>" }
  expr   = [2, u] == [1, 1]
  expect = false
}
case "sensitive comparison is sensitive" {
  vars      = { s = { __sensitive = "hunter2" } }
  expr      = s == "hunter2"
  expect    = true
  sensitive = true
}
case "deeply sensitive list comparison is sensitive" {
  vars      = { l = ["a", { __sensitive = "b" }] }
  expr      = l == ["a", "b"]
  expect    = true
  sensitive = true
}
case "less than" {
  expr   = 1 < 2
  expect = true
}
case "greater or equal" {
  expr   = 2 >= 2
  expect = true
}
case "less or equal with numeric string" {
  expr   = "10" <= 9
  expect = false
}
case "greater than big integers" {
  expr   = 18446744073709551615 > 9223372036854775807
  expect = true
}
case "ordering unknown" {
  vars   = { u = "<unknown>" }
  expr   = u > 1
  expect = "<unknown>"
}
case "ordering strings is an error" {
  expr         = "a" < "b"
  expect_error = "a number is required"
}
