case "message renders text" {
  message = true
  vars    = { local = null, attrs = { instance_type = "t3.large" } }
  expr    = "Only t3.micro is allowed, found ${attrs.instance_type}."
  expect  = "Only t3.micro is allowed, found t3.large."
}
case "message with a sensitive part never shows the secret" {
  message = true
  vars    = { attrs = { password = { __sensitive = "hunter2" }, user = "admin" } }
  expr    = "user ${attrs.user} has password ${attrs.password}"
  expect  = "user admin has password (sensitive value)"
}
case "message with a derived sensitive part" {
  message = true
  vars    = { attrs = { password = { __sensitive = "hunter2" } } }
  expr    = "length ${length(attrs.password)}, prefix ${attrs.password == "x" ? "a" : "b"}"
  expect  = "length (sensitive value), prefix (sensitive value)"
}
case "message with an unknown part" {
  message = true
  vars    = { attrs = { id = "<unknown>", name = "web" } }
  expr    = "instance ${attrs.name} (${attrs.id})"
  expect  = "instance web ((known after apply))"
}
case "message with null renders null" {
  message = true
  vars    = { attrs = { tokens = null } }
  expr    = "found ${attrs.tokens}"
  expect  = "found null"
}
case "message with a list renders it" {
  message = true
  vars    = { attrs = { cidrs = ["0.0.0.0/0", { __sensitive = "10.0.0.0/8" }] } }
  expr    = "cidrs ${attrs.cidrs}"
  expect  = "cidrs [\"0.0.0.0/0\", (sensitive value)]"
}
case "message directive with unknown condition" {
  message = true
  vars    = { u = "<unknown>" }
  expr    = "a %{if u}b%{endif} c"
  expect  = "a (known after apply) c"
}
case "message directive over a sensitive collection" {
  message = true
  vars    = { l = { __sensitive = ["hunter2"] } }
  expr    = "keys: %{for k in l}${k} %{endfor}"
  expect  = "keys: (sensitive value)"
}
case "message that is a plain expression" {
  message = true
  vars    = { s = { __sensitive = "hunter2" } }
  expr    = s
  expect  = "(sensitive value)"
}
case "message that is a plain unknown" {
  message = true
  vars    = { u = "<unknown>" }
  expr    = u
  expect  = "(known after apply)"
}
