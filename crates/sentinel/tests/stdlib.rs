//! The standard imports, driven by case files under `tests/stdlib/`: one
//! file per import, each line `expression => expected`, every expectation
//! taken from the import's reference page (cited at the top of each file).
//!
//! The expressions are a small subset of Sentinel written for these tests
//! (the evaluator is not needed): import names, `.field`, `.method(args)`,
//! `[index]`, `*` on ints, unary `-`, and literals (ints, floats, strings,
//! lists, maps, `true`, `false`, `null`, `undefined`). `fn:NAME` is one of
//! the test functions below, for imports that call functions back.
//! Expected values: a literal (compared strictly, ints and floats apart;
//! objects by their plain form), `error: TEXT` (an error containing TEXT),
//! or `prefix: "TEXT"` (a string, or an object's plain string, starting
//! with TEXT).

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use indexmap::IndexMap;
use tfgate_sentinel::{call_method, standard_import, HttpFixture, HttpPolicy, StdlibOptions};
use tfgate_sentinel::{Key, Map, ObjectError, Value};
use tfgate_test_support::{http_answer, request_path, HttpServer};

// ---------------------------------------------------------------------------
// Test functions handed to imports as Sentinel function values.

struct TestFn(&'static str);

fn test_fn(name: &str) -> Value {
    let known: &[&'static str] =
        &["is_even", "compare", "compare_foo", "add", "key_is_b", "value_over_1", "returns_int", "concat_kv"];
    let name = known.iter().find(|k| **k == name).unwrap_or_else(|| panic!("unknown test function fn:{name}"));
    Value::Func(Arc::new(TestFn(name)) as Arc<dyn Any + Send + Sync>)
}

fn call_test_fn(f: &Value, args: Vec<Value>) -> Result<Value, String> {
    let Value::Func(inner) = f.resolved() else { return Err("not a function".into()) };
    let name = inner.downcast_ref::<TestFn>().ok_or("not a test function")?.0;
    let num = |v: &Value| v.as_f64().ok_or(format!("{name}: not a number"));
    let cmp = |a: &Value, b: &Value| -> Result<Value, String> {
        let o = match (a.as_str(), b.as_str()) {
            (Some(x), Some(y)) => x.cmp(y),
            _ => num(a)?.partial_cmp(&num(b)?).ok_or("NaN")?,
        };
        Ok(Value::Int(o as i64))
    };
    match (name, args.as_slice()) {
        ("is_even", [x]) => Ok(Value::Bool(x.as_int().ok_or("not an int")? % 2 == 0)),
        ("compare", [a, b]) => cmp(a, b),
        ("compare_foo", [a, b]) => {
            let field_foo = |v: &Value| v.as_map().and_then(|m| m.get_str("foo")).cloned().ok_or("no foo");
            cmp(&field_foo(a)?, &field_foo(b)?)
        }
        ("add", [acc, x]) => match (acc.as_int(), x.as_int()) {
            (Some(a), Some(b)) => Ok(Value::Int(a + b)),
            _ => Ok(Value::Float(num(acc)? + num(x)?)),
        },
        ("concat_kv", [acc, k, v]) => Ok(Value::string(format!(
            "{}{}={}",
            acc.as_str().ok_or("acc")?,
            k.as_str().ok_or("k")?,
            v.as_int().ok_or("v")?
        ))),
        ("key_is_b", [k, _]) => Ok(Value::Bool(k.as_str() == Some("b"))),
        ("value_over_1", [_, v]) => Ok(Value::Bool(num(v)? > 1.0)),
        ("returns_int", _) => Ok(Value::Int(1)),
        _ => Err(format!("fn:{name} called with {} arguments", args.len())),
    }
}

// ---------------------------------------------------------------------------
// The little expression language.

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Int(i64),
    Float(f64),
    Str(String),
    Punct(char),
}

fn lex(s: &str) -> Vec<Tok> {
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let mut t = String::new();
            i += 1;
            while cs[i] != '"' {
                if cs[i] == '\\' {
                    i += 1;
                    t.push(match cs[i] {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                } else {
                    t.push(cs[i]);
                }
                i += 1;
            }
            i += 1;
            out.push(Tok::Str(t));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < cs.len()
                && (cs[i].is_ascii_alphanumeric() || cs[i] == '.' || (cs[i] == '+' || cs[i] == '-') && cs[i - 1] == 'e')
            {
                // A dot followed by a letter is a selector, not a fraction.
                if cs[i] == '.' && cs.get(i + 1).is_some_and(|c| c.is_alphabetic()) {
                    break;
                }
                i += 1;
            }
            let text: String = cs[start..i].iter().collect();
            out.push(match text.parse::<i64>() {
                Ok(n) => Tok::Int(n),
                Err(_) => Tok::Float(text.parse().unwrap_or_else(|_| panic!("bad number {text}"))),
            });
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < cs.len() && (cs[i].is_alphanumeric() || cs[i] == '_' || cs[i] == ':') {
                i += 1;
            }
            out.push(Tok::Ident(cs[start..i].iter().collect()));
        } else {
            out.push(Tok::Punct(c));
            i += 1;
        }
    }
    out
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    imports: &'a HashMap<String, Value>,
}

type R = Result<Value, ObjectError>;

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Tok {
        self.pos += 1;
        self.toks[self.pos - 1].clone()
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, c: char) {
        assert!(self.eat(c), "expected {c:?} at token {} of {:?}", self.pos, self.toks);
    }

    fn expr(&mut self) -> R {
        let mut v = self.unary()?;
        while self.eat('*') {
            let w = self.unary()?;
            v = match (v.as_int(), w.as_int()) {
                (Some(a), Some(b)) => Value::Int(a * b),
                _ => Value::Float(v.as_f64().unwrap() * w.as_f64().unwrap()),
            };
        }
        Ok(v)
    }

    fn unary(&mut self) -> R {
        if self.eat('-') {
            let v = self.unary()?;
            return Ok(match v.resolved() {
                Value::Int(i) => Value::Int(-i),
                Value::Float(f) => Value::Float(-f),
                _ => panic!("cannot negate {v:?}"),
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> R {
        let mut v = self.primary()?;
        loop {
            if self.eat('.') {
                let Tok::Ident(name) = self.next() else { panic!("expected a name after '.'") };
                if self.eat('(') {
                    let args = self.args(')')?;
                    let Some(obj) = v.as_object().cloned() else { panic!("{v:?} has no methods") };
                    v = call_method(&obj, &name, args, &mut call_test_fn)?;
                } else if let Some(obj) = v.as_object().cloned() {
                    v = obj.get(&name)?;
                } else if let Some(m) = v.as_map() {
                    v = m.get_str(&name).cloned().unwrap_or(Value::Undefined);
                } else {
                    panic!("cannot select {name} from {v:?}");
                }
            } else if self.eat('[') {
                let i = self.expr()?;
                self.expect(']');
                v = match (v.resolved(), i.resolved()) {
                    (Value::List(l), Value::Int(i)) => l.get(*i as usize).cloned().unwrap_or(Value::Undefined),
                    (Value::Map(m), k) => m.get(&Key::from_value(k).unwrap()).cloned().unwrap_or(Value::Undefined),
                    _ => panic!("cannot index {v:?}"),
                };
            } else {
                return Ok(v);
            }
        }
    }

    fn args(&mut self, close: char) -> Result<Vec<Value>, ObjectError> {
        let mut out = Vec::new();
        while !self.eat(close) {
            out.push(self.expr()?);
            self.eat(',');
        }
        Ok(out)
    }

    fn primary(&mut self) -> R {
        match self.next() {
            Tok::Int(i) => Ok(Value::Int(i)),
            Tok::Float(f) => Ok(Value::Float(f)),
            Tok::Str(s) => Ok(Value::string(s)),
            Tok::Punct('(') => {
                let v = self.expr()?;
                self.expect(')');
                Ok(v)
            }
            Tok::Punct('[') => Ok(Value::list(self.args(']')?)),
            Tok::Punct('{') => {
                let mut pairs = Vec::new();
                while !self.eat('}') {
                    let k = self.expr()?;
                    self.expect(':');
                    let v = self.expr()?;
                    pairs.push((Key::from_value(&k).expect("a scalar key"), v));
                    self.eat(',');
                }
                Ok(Value::Map(Map::from_pairs(pairs)))
            }
            Tok::Ident(id) => Ok(match id.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                "undefined" => Value::Undefined,
                _ if id.starts_with("fn:") => test_fn(&id[3..]),
                _ => self.imports.get(&id).cloned().unwrap_or_else(|| panic!("no import named {id}")),
            }),
            t => panic!("unexpected token {t:?}"),
        }
    }
}

fn eval(src: &str, imports: &HashMap<String, Value>) -> R {
    let mut p = Parser { toks: lex(src), pos: 0, imports };
    let v = p.expr()?;
    assert_eq!(p.pos, p.toks.len(), "trailing input in {src:?}");
    Ok(v)
}

/// Strict equality: ints and floats apart, objects by their plain form.
fn same(a: &Value, b: &Value) -> bool {
    let plain = |v: &Value| match v.resolved() {
        Value::Object(o) => o.as_plain().unwrap_or(Value::Undefined),
        other => other.clone(),
    };
    let (a, b) = (plain(a), plain(b));
    match (&a, &b) {
        (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::String(x), Value::String(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.as_slice().iter().zip(y.as_slice()).all(|(p, q)| same(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Running a case file.

fn options() -> StdlibOptions {
    let fixture = |status: u16, body: &str| HttpFixture { status, headers: vec![], body: body.to_string() };
    let mut fixtures = IndexMap::new();
    fixtures.insert("https://example.hashicorp.com/some-json".into(), fixture(200, r#"{"some_key": true}"#));
    fixtures.insert("https://example.hashicorp.com/missing".into(), fixture(404, "not here"));
    fixtures.insert(
        "https://example.hashicorp.com/moved".into(),
        HttpFixture { status: 301, headers: vec![("Location".into(), "/some-json".into())], body: String::new() },
    );
    fixtures.insert(
        "POST https://example.hashicorp.com/echo".into(),
        HttpFixture { status: 200, headers: vec![("X-Test".into(), "yes".into())], body: "posted".into() },
    );
    fixtures.insert("https://example.hashicorp.com/flaky".into(), fixture(503, "try later"));
    StdlibOptions {
        http: HttpPolicy { fixtures, ..HttpPolicy::default() },
        // 2019-11-17T23:19:00Z, a Sunday.
        now: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_574_032_740)),
    }
}

fn run_case_file(name: &str) {
    let path = format!("{}/tests/stdlib/{name}.txt", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let opts = options();
    let mut imports = HashMap::new();
    let mut failures = Vec::new();
    let mut cases = 0;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("import ") {
            let (path, alias) = match rest.split_once(" as ") {
                Some((p, a)) => (p.trim(), a.trim()),
                None => (rest.trim(), rest.trim().rsplit('/').next().unwrap()),
            };
            let v = standard_import(path, &opts).unwrap_or_else(|| panic!("no standard import {path}"));
            imports.insert(alias.to_string(), v);
            continue;
        }
        cases += 1;
        let (expr, want) = line.rsplit_once(" => ").unwrap_or_else(|| panic!("{path}:{}: no ' => '", n + 1));
        let got = eval(expr, &imports);
        let ok = if let Some(msg) = want.strip_prefix("error: ") {
            matches!(&got, Err(e) if e.to_string().contains(msg))
        } else if let Some(p) = want.strip_prefix("prefix: ") {
            let p = eval(p, &imports).unwrap();
            let text = |v: &Value| match v.resolved() {
                Value::Object(o) => o.get("string").ok().and_then(|s| s.as_str().map(String::from)),
                other => other.as_str().map(String::from),
            };
            matches!(&got, Ok(v) if text(v).is_some_and(|t| t.starts_with(p.as_str().unwrap())))
        } else {
            let want = eval(want, &imports).unwrap();
            matches!(&got, Ok(v) if same(v, &want))
        };
        if !ok {
            let shown = match &got {
                Ok(v) => match v.as_object() {
                    Some(o) => format!("{:?} ({:?})", v, o.as_plain()),
                    None => format!("{v:?}"),
                },
                Err(e) => format!("error: {e}"),
            };
            failures.push(format!("{name}.txt:{}: {expr}\n    want {want}\n    got  {shown}", n + 1));
        }
    }
    assert!(cases > 0, "{path} has no cases");
    assert!(failures.is_empty(), "{} of {cases} cases failed:\n{}", failures.len(), failures.join("\n"));
}

macro_rules! case_files {
    ($($name:ident => $file:literal),* $(,)?) => {
        $(#[test] fn $name() { run_case_file($file); })*
    };
}

case_files! {
    strings => "strings",
    types => "types",
    units => "units",
    json => "json",
    base64 => "base64",
    runtime => "runtime",
    collection => "collection",
    collection_lists => "collection_lists",
    collection_maps => "collection_maps",
    time => "time",
    version => "version",
    decimal => "decimal",
    sockaddr => "sockaddr",
    http => "http",
}

#[test]
fn unknown_imports_are_none_and_every_listed_import_resolves() {
    let opts = StdlibOptions::default();
    assert!(standard_import("tfplan/v2", &opts).is_none());
    assert!(standard_import("nope", &opts).is_none());
    for name in tfgate_sentinel::STANDARD_IMPORTS {
        assert!(standard_import(name, &opts).is_some(), "{name}");
    }
}

#[test]
fn time_now_is_the_real_clock_when_not_set() {
    let before = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64;
    let t = standard_import("time", &StdlibOptions::default()).unwrap();
    let now = t.as_object().unwrap().get("now").unwrap();
    let unix = now.as_object().unwrap().get("unix").unwrap().as_int().unwrap();
    assert!((before..before + 60).contains(&unix));
}

#[test]
fn functions_cannot_be_called_back_without_the_evaluator() {
    let lists = standard_import("collection/lists", &StdlibOptions::default()).unwrap();
    let r = lists
        .as_object()
        .unwrap()
        .call("sort", vec![Value::list(vec![Value::Int(2), Value::Int(1)]), test_fn("compare")]);
    assert!(matches!(r, Err(ObjectError::Failed(m)) if m.contains("cannot be called")));
}

/// A loopback server answering by path, for the real HTTP client.
fn serve_loopback() -> u16 {
    let server = HttpServer::start(|head| {
        Some(match request_path(head) {
            "/plain" => b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-One: a\r\n\r\nhello".to_vec(),
            "/chunked" => {
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n".to_vec()
            }
            "/redirect" => b"HTTP/1.1 302 Found\r\nLocation: /plain\r\nContent-Length: 0\r\n\r\n".to_vec(),
            "/echo" => http_answer("200 OK", head),
            "/big" => http_answer("200 OK", &"x".repeat(5000)),
            "/slow" => {
                std::thread::sleep(Duration::from_secs(3));
                return None;
            }
            _ => http_answer("404 Not Found", ""),
        })
    });
    server.port()
}

#[test]
fn http_reaches_allowed_hosts_over_plain_http_within_its_limits() {
    let port = serve_loopback();
    let opts = StdlibOptions {
        http: HttpPolicy {
            allowed_hosts: vec!["127.0.0.1".into()],
            timeout: Duration::from_secs(1),
            max_bytes: 1024,
            ..HttpPolicy::default()
        },
        now: None,
    };
    let http = standard_import("http", &opts).unwrap();
    let mut imports = HashMap::new();
    imports.insert("http".to_string(), http);
    let run = |src: String| eval(&src, &imports);
    let url = |path: &str| format!("\"http://127.0.0.1:{port}{path}\"");

    let plain = run(format!("http.get({})", url("/plain"))).unwrap();
    let plain = plain.as_map().unwrap();
    assert_eq!(plain.get_str("body").and_then(Value::as_str), Some("hello"));
    assert_eq!(plain.get_str("status_code").and_then(Value::as_int), Some(200));
    let headers = plain.get_str("headers").and_then(Value::as_map).unwrap();
    assert_eq!(headers.get_str("X-One").and_then(Value::as_str), Some("a"));

    let chunked = run(format!("http.get({}).body", url("/chunked"))).unwrap();
    assert_eq!(chunked.as_str(), Some("Wikipedia"));
    let redirected = run(format!("http.get({}).body", url("/redirect"))).unwrap();
    assert_eq!(redirected.as_str(), Some("hello"));

    let echo = run(format!("http.get(http.request({}).with_header(\"Foo\", \"bar\")).body", url("/echo"))).unwrap();
    let echo = echo.as_str().unwrap();
    assert!(echo.starts_with("GET /echo HTTP/1.1\r\n"), "{echo}");
    assert!(echo.contains("\r\nFoo: bar") && echo.contains("Host: 127.0.0.1"), "{echo}");

    let missing = run(format!("http.get({})", url("/nothing"))).unwrap_err();
    assert!(missing.to_string().contains("unexpected status code 404"), "{missing}");
    let big = run(format!("http.get({})", url("/big"))).unwrap_err();
    assert!(big.to_string().contains("larger than 1024 bytes"), "{big}");
    let started = std::time::Instant::now();
    let slow = run(format!("http.with_retries(0).get({})", url("/slow"))).unwrap_err();
    assert!(slow.to_string().contains("timed out"), "{slow}");
    assert!(started.elapsed() < Duration::from_millis(2500), "the policy's 1 s timeout bounds the request");

    let other = run(format!("http.get(\"http://localhost:{port}/plain\")")).unwrap_err();
    assert!(other.to_string().contains("host \"localhost\" is not allowed"), "{other}");
    let tls = run("http.get(\"https://127.0.0.1/plain\")".to_string()).unwrap_err();
    assert!(tls.to_string().contains("https is not supported"), "{tls}");
    let header_injection =
        run(format!("http.get(http.request({}).with_header(\"A\", \"b\\nEvil: 1\"))", url("/echo"))).unwrap_err();
    assert!(header_injection.to_string().contains("line break"), "{header_injection}");
}

#[test]
fn http_is_disabled_unless_hosts_are_allowed() {
    let http = standard_import("http", &StdlibOptions::default()).unwrap();
    let err = http.as_object().unwrap().call("get", vec![Value::string("http://127.0.0.1/")]).unwrap_err();
    assert!(err.to_string().contains("the http import is disabled"), "{err}");
}

#[test]
fn call_method_gives_the_caller_only_to_the_standard_imports() {
    // An object that merely shares the import's name (a mock, say) is called
    // as any other object.
    struct Lookalike;
    impl tfgate_sentinel::Object for Lookalike {
        fn type_name(&self) -> &str {
            "collection"
        }
        fn get(&self, _: &str) -> Result<Value, ObjectError> {
            Ok(Value::Undefined)
        }
        fn call(&self, _: &str, _: Vec<Value>) -> Result<Value, ObjectError> {
            Ok(Value::Int(7))
        }
    }
    let mut called = 0;
    let mut caller = |_: &Value, _: Vec<Value>| -> Result<Value, String> {
        called += 1;
        Ok(Value::Bool(true))
    };
    let mock: Arc<dyn tfgate_sentinel::Object> = Arc::new(Lookalike);
    let r = call_method(&mock, "filter", vec![Value::list(vec![Value::Int(1)]), test_fn("is_even")], &mut caller);
    assert_eq!(r.unwrap().as_int(), Some(7));
    let real = standard_import("collection", &StdlibOptions::default()).unwrap();
    let real = real.as_object().unwrap().clone();
    let r = call_method(&real, "filter", vec![Value::list(vec![Value::Int(1)]), test_fn("is_even")], &mut caller);
    assert_eq!(r.unwrap().as_list().map(|l| l.len()), Some(1));
    assert_eq!(called, 1);
}

// ---------------------------------------------------------------------------
// End to end: policies in Sentinel syntax under tests/stdlib/e2e, run by the
// evaluator with the standard imports.

struct Std(StdlibOptions);

impl tfgate_sentinel::Imports for Std {
    fn resolve(&self, name: &str) -> Option<Value> {
        standard_import(name, &self.0)
    }
}

fn run_policy(file: &str) -> tfgate_sentinel::Evaluation {
    let path = format!("{}/tests/stdlib/e2e/{file}", env!("CARGO_MANIFEST_DIR"));
    let src = std::fs::read_to_string(&path).unwrap();
    let program = tfgate_sentinel::Program::parse(file, &src).unwrap_or_else(|d| panic!("{file}: {d:?}"));
    tfgate_sentinel::evaluate(&program, &Std(options()), &IndexMap::new(), &tfgate_sentinel::Limits::default())
}

#[test]
fn policies_using_the_standard_imports_pass() {
    for file in ["imports.sentinel", "collection.sentinel", "collection_lists.sentinel", "collection_maps.sentinel"] {
        let ev = run_policy(file);
        let failed: Vec<_> = ev.rules.iter().filter(|r| r.value.as_bool() != Some(true)).map(|r| &r.name).collect();
        assert!(ev.passed(), "{file}: {:?}; rules not true: {failed:?}", ev.outcome);
    }
}

#[test]
fn an_error_inside_a_function_an_import_calls_keeps_its_place() {
    let ev = run_policy("predicate_error.sentinel");
    let err = ev.outcome.unwrap_err();
    assert_eq!((err.line, err.file.as_str()), (4, "predicate_error.sentinel"), "{err}");
    assert!(!err.message.contains("collection.filter"), "the inner error is kept as it is: {err}");
}
