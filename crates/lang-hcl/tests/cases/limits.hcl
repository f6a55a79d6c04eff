case "nested for over big lists stops at the step limit" {
  max_steps    = 10000
  vars         = { xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49] }
  expr         = [for a in xs : [for b in xs : [for c in xs : a + b + c]]]
  expect_error = "Evaluation step limit exceeded"
}
case "the same expression within the limit" {
  max_steps = 10000
  vars      = { xs = [0, 1, 2] }
  expr      = length([for a in xs : [for b in xs : [for c in xs : a + b + c]]])
  expect    = 3
}
case "deep nesting stops at the depth limit" {
  max_depth    = 20
  expr         = ((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))
  expect_error = "nesting deeper than 20 levels"
}
case "the same nesting within the default limit" {
  expr   = ((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))
  expect = 1
}
