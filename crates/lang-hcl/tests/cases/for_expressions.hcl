case "list comprehension" {
  expr   = [for x in [1, 2, 3] : x * 2]
  expect = [2, 4, 6]
}
case "with index" {
  expr   = [for i, x in ["a", "b"] : "${i}=${x}"]
  expect = ["0=a", "1=b"]
}
case "filter" {
  expr   = [for x in [1, 2, 3, 4] : x if x % 2 == 0]
  expect = [2, 4]
}
case "over an object" {
  expr   = [for k, v in { b = 2, a = 1 } : "${k}${v}"]
  expect = ["a1", "b2"]
}
case "object comprehension" {
  expr   = { for s in ["a", "bb"] : s => length(s) }
  expect = { a = 1, bb = 2 }
}
case "grouping collects values with equal keys" {
  expr   = { for k, v in { x1 = "a", x2 = "b", y1 = "a" } : v => k... }
  expect = { a = ["x1", "y1"], b = ["x2"] }
}
case "duplicate keys without grouping are an error" {
  expr         = { for v in ["a", "a"] : v => 1 }
  expect_error = "Duplicate object key"
}
case "nested for" {
  expr   = [for x in [1, 2] : [for y in [10, 20] : x + y]]
  expect = [[11, 21], [12, 22]]
}
case "inner variable shadows outer" {
  vars   = { x = 100 }
  expr   = [for x in [1] : x]
  expect = [1]
}
case "for over unknown collection is unknown" {
  vars   = { u = "<unknown>" }
  expr   = [for x in u : x]
  expect = "<unknown>"
}
case "for over list with unknown elements keeps its length" {
  vars   = { l = ["<unknown>", 2] }
  expr   = [for x in l : x]
  expect = ["<unknown>", 2]
}
case "unknown condition makes the result unknown" {
  vars   = { l = ["<unknown>", 2] }
  expr   = [for x in l : x if x > 1]
  expect = "<unknown>"
}
case "unknown key makes the object unknown" {
  vars   = { l = ["<unknown>", "b"] }
  expr   = { for x in l : x => 1 }
  expect = "<unknown>"
}
case "results from a sensitive collection are sensitive" {
  vars      = { l = { __sensitive = ["a", "b"] } }
  expr      = [for x in l : x]
  expect    = ["a", "b"]
  sensitive = true
}
case "sensitive element only marks that element" {
  vars      = { l = ["a", { __sensitive = "b" }] }
  expr      = [for x in l : x if x != "z"]
  expect    = ["a", "b"]
  sensitive = true
}
case "for over null is an error" {
  vars         = { n = null }
  expr         = [for x in n : x]
  expect_error = "Iteration over null value"
}
case "for over a string is an error" {
  expr         = [for x in "abc" : x]
  expect_error = "non-iterable"
}
case "non-bool condition is an error" {
  expr         = [for x in [1] : x if x]
  expect_error = "Invalid for condition"
}
case "length of a for result" {
  expr   = length([for x in [1, 2, 3] : x if x > 1])
  expect = 2
}
