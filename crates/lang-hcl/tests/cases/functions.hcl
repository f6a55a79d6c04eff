case "length of a list" {
  expr   = core::length([1, 2, 3])
  expect = 3
}
case "length of an object" {
  expr   = core::length({ a = 1, b = 2 })
  expect = 2
}
case "length of a string counts characters" {
  expr   = core::length("héllo")
  expect = 5
}
case "length of a list with unknown elements is known" {
  vars   = { l = ["<unknown>", "<unknown>"] }
  expr   = core::length(l)
  expect = 2
}
case "length of unknown is unknown" {
  vars   = { u = "<unknown>" }
  expr   = core::length(u)
  expect = "<unknown>"
}
case "length of a sensitive list is sensitive" {
  vars      = { l = { __sensitive = [1] } }
  expr      = core::length(l)
  expect    = 1
  sensitive = true
}
case "length of a list containing a secret is sensitive" {
  vars      = { l = ["a", { __sensitive = "b" }] }
  expr      = core::length(l)
  expect    = 2
  sensitive = true
}
case "length of null is an error" {
  vars         = { n = null }
  expr         = core::length(n)
  expect_error = "core::length"
}
case "bare length" {
  expr   = length([1])
  expect = 1
}
case "expanded arguments" {
  vars   = { args = [[1, 2, 3]] }
  expr   = core::length(args...)
  expect = 3
}
case "expansion of unknown is unknown" {
  vars   = { u = "<unknown>" }
  expr   = core::length(u...)
  expect = "<unknown>"
}
case "expansion of a non-list is an error" {
  expr         = core::length("abc"...)
  expect_error = "must be a list"
}
case "unknown function at run time" {
  expr         = core::nosuchfunction(1)
  expect_error = "Call to unknown function"
}
case "other namespaces are unknown" {
  expr         = provider::aws::length(1)
  expect_error = "Call to unknown function"
}
case "getresources returns attribute objects" {
  expr   = core::getresources("aws_s3_bucket", {})[*].bucket
  expect = ["logs", "www"]
}
case "getresources filters by attribute values" {
  expr   = core::getresources("aws_s3_bucket", { acl = "public-read" })[*].bucket
  expect = ["www"]
}
case "getresources without a filter" {
  expr   = length(core::getresources("aws_s3_bucket"))
  expect = 2
}
case "getresources of an absent type is empty" {
  expr   = core::getresources("aws_vpc", {})
  expect = []
}
case "getresources matching on an unknown attribute is unknown" {
  expr   = core::getresources("aws_instance", { id = "i-123" })
  expect = "<unknown>"
}
case "getresources on a known attribute of a partly unknown resource" {
  expr   = core::getresources("aws_instance", { instance_type = "t3.micro" })[0].instance_type
  expect = "t3.micro"
}
case "getresources with a non-object filter is an error" {
  expr         = core::getresources("aws_instance", "x")
  expect_error = "filter must be an object"
}
