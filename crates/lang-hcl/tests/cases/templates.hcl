case "interpolation" {
  vars   = { name = "web", n = 3 }
  expr   = "${name}-${n}"
  expect = "web-3"
}
case "bool interpolation" {
  expr   = "x=${true}"
  expect = "x=true"
}
case "single interpolation keeps the value's type" {
  vars   = { l = [1, 2] }
  expr   = "${l}"
  expect = [1, 2]
}
case "list interpolation inside text is an error" {
  vars         = { l = [1, 2] }
  expr         = "x ${l}"
  expect_error = "Invalid template interpolation value"
}
case "null interpolation is an error" {
  vars         = { n = null }
  expr         = "x ${n}"
  expect_error = "the value is null"
}
case "unknown interpolation makes the string unknown" {
  vars   = { u = "<unknown>" }
  expr   = "id: ${u}"
  expect = "<unknown>"
}
case "sensitive interpolation makes the string sensitive" {
  vars      = { s = { __sensitive = "hunter2" } }
  expr      = "pw: ${s}"
  expect    = "pw: hunter2"
  sensitive = true
}
case "if directive" {
  vars   = { n = 2 }
  expr   = "%{if n > 1}many%{else}one%{endif}"
  expect = "many"
}
case "if directive without else" {
  expr   = "a%{if false}b%{endif}c"
  expect = "ac"
}
case "if directive with unknown condition" {
  vars   = { u = "<unknown>" }
  expr   = "%{if u}yes%{endif}"
  expect = "<unknown>"
}
case "for directive" {
  expr   = "%{for x in ["a", "b"]}[${x}]%{endfor}"
  expect = "[a][b]"
}
case "for directive with key" {
  expr   = "%{for k, v in { a = 1 }}${k}=${v}%{endfor}"
  expect = "a=1"
}
case "for directive over unknown" {
  vars   = { u = "<unknown>" }
  expr   = "%{for x in u}${x}%{endfor}"
  expect = "<unknown>"
}
case "for directive over sensitive list" {
  vars      = { l = { __sensitive = ["a"] } }
  expr      = "%{for x in l}${x}%{endfor}!"
  expect    = "a!"
  sensitive = true
}
case "strip markers" {
  vars   = { l = ["a", "b"] }
  expr   = "%{ for x in l ~}\n  ${x}\n%{~ endfor ~}\n."
  expect = "ab."
}
case "heredoc" {
  vars = { name = "web" }
  expr = <<EOT
hello ${name}
EOT
  expect = "hello web\n"
}
case "indented heredoc strips the common indent" {
  vars = { name = "web" }
  expr = <<-EOT
    hello
      ${name}
    EOT
  expect = "hello\n  web\n"
}
case "heredoc with directive" {
  vars = { l = [1, 2] }
  expr = <<-EOT
    %{ for x in l ~}
    - ${x}
    %{ endfor ~}
    EOT
  expect = "- 1\n- 2\n"
}
case "escapes around an interpolation" {
  expr   = "x\ty ${1}\n"
  expect = "x\ty 1\n"
}
case "escapes inside a directive" {
  expr   = "%{if true}a\tb\u00e9\"%{endif}"
  expect = "a\tbé\""
}
case "escaped markers inside a directive" {
  expr   = "%{if true}$${x} %%{y}%{endif}"
  expect = "$${x} %%{y}"
}
