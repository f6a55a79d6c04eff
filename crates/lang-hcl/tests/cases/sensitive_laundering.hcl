# Everything derived from a sensitive value stays sensitive: read out of a
# marked container (for, splat, index, attribute), returned by a function,
# chosen by a conditional, quoted in an error. The harness checks every case
# for the secret `hunter2` in any form; these cases try to launder it.

case "for over a split secret: elements are sensitive in the body" {
  vars      = { s = { __sensitive = "hunter2,x" } }
  expr      = [for c in split(",", s) : issensitive(c)]
  expect    = [true, true]
  sensitive = true
}
case "for over a split secret: a failing tonumber does not quote the element" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in split(",", s) : tonumber(c)]
  expect_error = "details hidden"
}
case "for over a sensitive map: the key is sensitive" {
  vars      = { m = { __sensitive = { hunter2 = "v", other = "w" } } }
  expr      = [for k, v in m : issensitive(k)]
  expect    = [true, true]
  sensitive = true
}
case "for over a sensitive list: the index is sensitive" {
  vars      = { s = { __sensitive = "hunter2,x" } }
  expr      = [for i, c in split(",", s) : issensitive(i)]
  expect    = [true, true]
  sensitive = true
}
case "for over a sensitive map: a failing tonumber on the key" {
  vars         = { m = { __sensitive = { hunter2 = "v" } } }
  expr         = [for k, v in m : tonumber(k)]
  expect_error = "details hidden"
}
case "operator error on an element of a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in split(",", s) : c + 1]
  expect_error = "(sensitive value) is not a number"
}
case "comparison error on an element of a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in split(",", s) : c < 5]
  expect_error = "(sensitive value) is not a number"
}
case "negation error on an element of a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in split(",", s) : -c]
  expect_error = "(sensitive value) is not a number"
}
case "object key from an element of a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = { for c in split(",", s) : c => 1 }.huntr2
  expect_error = "Unsupported attribute"
}
case "template for directive over a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = "%{for c in split(",", s)}${tonumber(c)}%{endfor}"
  expect_error = "details hidden"
}
case "template for directive over a sensitive map: keys are sensitive" {
  vars      = { m = { __sensitive = { hunter2 = "v" } } }
  expr      = "%{for k, v in m}${issensitive(k)}%{endfor}"
  expect    = "true"
  sensitive = true
}
case "message for directive over a list holding a split secret" {
  message = true
  vars    = { s = { __sensitive = "hunter2,x" } }
  expr    = "%{for l in [split(",", s)]}%{for c in l}${c};%{endfor}%{endfor}"
  expect  = "(sensitive value)"
}
case "message directive if over an element of a split secret" {
  message = true
  vars    = { s = { __sensitive = "hunter2,x" } }
  expr    = "%{for c in [for x in split(",", s) : x]}%{if c == "x"}${c}%{endif}%{endfor}"
  expect  = "(sensitive value)"
}

# Iteration and collection functions.
case "regexall results are sensitive elements" {
  vars         = { pw = { __sensitive = "hunter2" } }
  expr         = [for r in regexall("[a-z0-9]+", pw) : tonumber(r)]
  expect_error = "details hidden"
}
case "regex groups are sensitive elements" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in regex("(\\w+),(\\w+)", s) : tonumber(c)]
  expect_error = "details hidden"
}
case "keys of a sensitive map" {
  vars         = { m = { __sensitive = { hunter2 = "v" } } }
  expr         = [for k in keys(m) : tonumber(k)]
  expect_error = "details hidden"
}
case "values of a sensitive map" {
  vars         = { m = { __sensitive = { a = "hunter2" } } }
  expr         = [for v in values(m) : tonumber(v)]
  expect_error = "details hidden"
}
case "sort of a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in sort(split(",", s)) : tonumber(c)]
  expect_error = "details hidden"
}
case "jsondecode of a secret: keys" {
  vars         = { j = { __sensitive = "{\"hunter2\": 1}" } }
  expr         = [for k, v in jsondecode(j) : tonumber(k)]
  expect_error = "details hidden"
}
case "jsondecode of a secret: nested elements" {
  vars         = { j = { __sensitive = "{\"k\": [\"hunter2\"]}" } }
  expr         = [for v in jsondecode(j).k : tonumber(v)]
  expect_error = "details hidden"
}
case "lookup of a list holding a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in lookup({ a = split(",", s) }, "a") : tonumber(c)]
  expect_error = "details hidden"
}
case "element of a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in [element(split(",", s), 0)] : tonumber(c)]
  expect_error = "details hidden"
}
case "flatten of a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in flatten([split(",", s)]) : tonumber(c)]
  expect_error = "details hidden"
}
case "merge with a sensitive map" {
  vars         = { m = { __sensitive = { hunter2 = "v" } } }
  expr         = [for k, v in merge(m, { a = 1 }) : tonumber(k)]
  expect_error = "details hidden"
}
case "zipmap keys from a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for k, v in zipmap(split(",", s), [1, 2]) : tonumber(k)]
  expect_error = "details hidden"
}
case "transpose of a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for k, v in transpose({ a = split(",", s) }) : tonumber(k)]
  expect_error = "details hidden"
}
case "setproduct with a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for p in setproduct(split(",", s), ["y"]) : tonumber(p[0])]
  expect_error = "details hidden"
}
case "chunklist of a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for ch in chunklist(split(",", s), 1) : tonumber(ch[0])]
  expect_error = "details hidden"
}
case "tolist of a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in tolist(split(",", s)) : tonumber(c)]
  expect_error = "details hidden"
}
case "tomap of a sensitive map" {
  vars         = { m = { __sensitive = { hunter2 = "v" } } }
  expr         = [for k, v in tomap(m) : tonumber(k)]
  expect_error = "details hidden"
}
case "format of a secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in split(",", format("%s", s)) : tonumber(c)]
  expect_error = "details hidden"
}
case "jsonencode of a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in split("\"", jsonencode(split(",", s))) : c + 1]
  expect_error = "(sensitive value) is not a number"
}
case "base64 round trip of a secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in split(",", base64decode(base64encode(s))) : tonumber(c)]
  expect_error = "details hidden"
}
case "base64 of a secret is sensitive" {
  vars         = { pw = { __sensitive = "hunter2" } }
  expr         = [for c in [base64encode(pw)] : c + 1]
  expect_error = "(sensitive value) is not a number"
}
case "upper of a secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in split(",", upper(s)) : tonumber(c)]
  expect_error = "details hidden"
}
case "strrev of a secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in split(",", strrev(s)) : tonumber(c)]
  expect_error = "details hidden"
}
case "replace and trim of a secret" {
  vars         = { s = { __sensitive = " hunter2;x " } }
  expr         = [for c in split(",", replace(trimspace(s), ";", ",")) : c * 2]
  expect_error = "(sensitive value) is not a number"
}
case "conditional result from a split secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = [for c in (length(s) > 0 ? split(",", s) : []) : tonumber(c)]
  expect_error = "details hidden"
}

# Splats, indexing and attribute access on marked containers.
case "splat over a decoded secret: items are sensitive" {
  vars      = { j = { __sensitive = "[{\"a\": \"hunter2\"}]" } }
  expr      = [for x in jsondecode(j)[*] : issensitive(x)]
  expect    = [true]
  sensitive = true
}
case "splat over a decoded secret: no suggestion from its keys" {
  vars         = { j = { __sensitive = "[{\"hunter2\": 1}]" } }
  expr         = jsondecode(j)[*].huntr2
  expect_error = "Unsupported attribute"
}
case "attribute of a sensitive map: no suggestion from its keys" {
  vars         = { m = { __sensitive = { hunter2 = 1 } } }
  expr         = m.huntr2
  expect_error = "Unsupported attribute"
}
case "attribute of an object with a sensitive key: no suggestion" {
  vars         = { pw = { __sensitive = "hunter2" } }
  expr         = { (pw) = 1 }.huntr2
  expect_error = "Unsupported attribute"
}
case "attribute of a decoded secret: no suggestion" {
  vars         = { j = { __sensitive = "{\"hunter2\": 1}" } }
  expr         = jsondecode(j).huntr2
  expect_error = "Unsupported attribute"
}
case "suggestions from a plain object still work" {
  vars         = { m = { hunter = 1 } }
  expr         = m.huntr
  expect_error = "did you mean \"hunter\"?"
}
case "out of range sensitive index is not shown" {
  vars         = { n = { __sensitive = 17 } }
  expr         = ["a", "b"][n]
  expect_error = "out of range"
  hidden       = ["17"]
}
case "out of range index into a sensitive list does not show its length" {
  vars         = { s = { __sensitive = "hunter2,x,y,z,w" } }
  expr         = split(",", s)[9]
  expect_error = "out of range"
  hidden       = ["5 elements"]
}
case "out of range index into a plain list shows both" {
  expr         = ["a", "b"][7]
  expect_error = "the list has 2 elements, so index 7 is out of range"
}

# try and can: a fallback chosen because a secret made an argument fail is
# itself about the secret.
case "try fallback after an error about a secret is sensitive" {
  vars      = { pw = { __sensitive = "hunter2" } }
  expr      = core::try(tonumber(pw), 0)
  expect    = 0
  sensitive = true
}
case "try fallback after an error in a for over a secret is sensitive" {
  vars      = { s = { __sensitive = "hunter2,x" } }
  expr      = core::try([for c in split(",", s) : tonumber(c)], "fallback")
  expect    = "fallback"
  sensitive = true
}
case "try fallback after an error without secrets is not sensitive" {
  vars   = { pw = { __sensitive = "hunter2" }, m = {} }
  expr   = core::try(m.a, 0)
  expect = 0
}
case "try with no success does not quote the secret" {
  vars         = { s = { __sensitive = "hunter2,x" } }
  expr         = core::try([for c in split(",", s) : tonumber(c)])
  expect_error = "no expression succeeded"
}
case "can false about a secret is sensitive" {
  vars      = { pw = { __sensitive = "hunter2" } }
  expr      = core::can(tonumber(pw))
  expect    = false
  sensitive = true
}
case "can false about an element of a secret is sensitive" {
  vars      = { s = { __sensitive = "hunter2,x" } }
  expr      = core::can([for c in split(",", s) : tonumber(c)])
  expect    = false
  sensitive = true
}
case "can false without secrets is not sensitive" {
  vars   = { m = {} }
  expr   = core::can(m.a)
  expect = false
}

# getresources compares plan values: the selection depends on them.
case "getresources filtered on a sensitive attribute is sensitive" {
  expr      = length(core::getresources("aws_db_instance", { password = "nope" }))
  expect    = 0
  sensitive = true
}
