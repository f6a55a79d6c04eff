case "full splat" {
  vars   = { l = [{ a = 1 }, { a = 2 }] }
  expr   = l[*].a
  expect = [1, 2]
}
case "attribute splat" {
  vars   = { l = [{ a = { b = 1 } }, { a = { b = 2 } }] }
  expr   = l.*.a.b
  expect = [1, 2]
}
case "full splat carries index operations" {
  vars   = { l = [{ a = [5, 6] }, { a = [7, 8] }] }
  expr   = l[*].a[0]
  expect = [5, 7]
}
case "attribute splat stops at an index" {
  vars   = { l = [{ a = 1 }, { a = 2 }] }
  expr   = l.*.a[1]
  expect = 2
}
case "splat of null is an empty list" {
  vars   = { n = null }
  expr   = n[*].a
  expect = []
}
case "splat of a single object wraps it" {
  vars   = { o = { a = 1 } }
  expr   = o[*].a
  expect = [1]
}
case "splat over unknown is unknown" {
  vars   = { u = "<unknown>" }
  expr   = u[*].a
  expect = "<unknown>"
}
case "splat over a list with unknown elements" {
  vars   = { l = ["<unknown>", { a = 2 }] }
  expr   = l[*].a
  expect = ["<unknown>", 2]
}
case "length of a splat with unknown elements is known" {
  vars   = { l = ["<unknown>", { a = 2 }] }
  expr   = length(l[*].a)
  expect = 2
}
case "splat over a sensitive list is sensitive" {
  vars      = { l = { __sensitive = [{ a = 1 }] } }
  expr      = l[*].a
  expect    = [1]
  sensitive = true
}
case "splat with a missing attribute is an error" {
  vars         = { l = [{ a = 1 }, { b = 2 }] }
  expr         = l[*].a
  expect_error = "Unsupported attribute"
}
case "nested splats" {
  vars   = { l = [{ xs = [{ v = 1 }, { v = 2 }] }, { xs = [{ v = 3 }] }] }
  expr   = l[*].xs[*].v
  expect = [[1, 2], [3]]
}
