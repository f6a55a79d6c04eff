"""The shell steps of action.yml, outside GitHub.

  action_steps.py lint action.yml          shellcheck on every `run:` step
  action_steps.py run action.yml TFGATE    runs the steps that need no network
                                           (version check, tfgate check, summary,
                                           gate) with a real tfgate binary

`${{ ... }}` never appears inside a script (inputs come in through `env:`), so a
step's script is exactly what bash runs on a runner.
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
# GitHub's `shell: bash`: bash --noprofile --norc -eo pipefail {0}
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]


def steps(action):
    with open(action) as f:
        return [s for s in yaml.safe_load(f)["runs"]["steps"] if "run" in s]


def lint(action):
    failed = False
    for step in steps(action):
        if re.search(r"\$\{\{", step["run"]):
            print(f"{action}: step '{step['name']}': an expression inside the script (pass it through env:)")
            failed = True
        with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
            # The step's env: values are set on the runner; say so to shellcheck.
            assigned = "".join(f': "${{{name}:=}}"\n' for name in step.get("env", {}))
            f.write("#!/usr/bin/env bash\nset -eo pipefail\n" + assigned + step["run"])
        r = subprocess.run(["shellcheck", "--shell=bash", f.name], capture_output=True, text=True)
        os.unlink(f.name)
        if r.returncode != 0:
            print(f"{action}: step '{step['name']}':\n{r.stdout}{r.stderr}")
            failed = True
    return failed


class Runner:
    def __init__(self, action, tfgate):
        self.steps = {s["name"]: s["run"] for s in steps(action)}
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="tfgate-action-"))
        bindir = self.tmp / "bin"
        bindir.mkdir()
        (bindir / "tfgate").symlink_to(pathlib.Path(tfgate).resolve())
        self.path = f"{bindir}:{os.environ['PATH']}"
        self.failures = []

    def run(self, name, env, cwd=ROOT):
        full = {"PATH": self.path, "HOME": str(self.tmp), "NO_COLOR": "1", **env}
        return subprocess.run(BASH + ["-c", self.steps[name]], env=full, cwd=cwd, capture_output=True, text=True)

    def expect(self, ok, what, r=None):
        if not ok:
            detail = f"\n  stdout: {r.stdout[-2000:]}\n  stderr: {r.stderr[-2000:]}" if r else ""
            self.failures.append(what + detail)


def run(action, tfgate):
    t = Runner(action, tfgate)
    tmp = t.tmp

    # Installing needs a release tag: the action used at a branch says so.
    r = t.run("Install tfgate", {"VERSION": "", "ACTION_REF": "main", "ACTION_PATH": str(ROOT)})
    t.expect(r.returncode == 2 and "set the 'version' input" in r.stdout, "install at a branch is refused", r)

    # The check: a failing plan records exit code 1 and every report, without failing the step.
    out = tmp / "gh-output"
    env = {
        "PLANS": "examples/plans/web-tier.json\n",
        "CONFIG": "",
        "POLICIES": "",
        "FORMATS": "github, sarif,markdown,json,junit",
        "UNKNOWN": "",
        "OUTPUT_DIR": str(tmp / "reports"),
        "EXTRA_ARGS": "",
        "GITHUB_OUTPUT": str(out),
    }
    r = t.run("tfgate check", env)
    t.expect(r.returncode == 0, "a failing gate does not fail the check step", r)
    outputs = dict(line.split("=", 1) for line in out.read_text().splitlines())
    t.expect(outputs.get("exit-code") == "1", f"exit-code output is 1: {outputs}")
    t.expect(outputs.get("sarif-file") == str(tmp / "reports" / "tfgate.sarif"), f"sarif-file output: {outputs}")
    for ext in ["sarif", "md", "json", "xml"]:
        f = tmp / "reports" / f"tfgate.{ext}"
        t.expect(f.is_file() and f.stat().st_size > 0, f"{f.name} written")
    t.expect("::error" in r.stdout, "github annotations on standard output", r)

    # Options reach tfgate: --unknown=pass and one policy file.
    out.write_text("")
    env2 = {**env, "UNKNOWN": "pass", "POLICIES": "examples/policies/imdsv2.policy.hcl", "FORMATS": "json"}
    r = t.run("tfgate check", env2)
    t.expect(r.returncode == 0 and "exit-code=" in out.read_text(), "check with a policy and --unknown", r)
    json_file = tmp / "reports" / "tfgate.json"
    report = json.loads(json_file.read_text()) if json_file.is_file() else {}
    t.expect([p["id"] for p in report.get("policies", [])] == ["EXAMPLE-IMDSV2"], "the policy given is the one run", r)
    t.expect(report.get("gate", {}).get("unknown_mode") == "pass", "--unknown reaches tfgate", r)

    # A bad format, and a plan that cannot be read: the step fails (exit 2).
    r = t.run("tfgate check", {**env, "FORMATS": "pdf"})
    t.expect(r.returncode == 2 and "unknown format 'pdf'" in r.stdout, "an unknown format is an error", r)
    r = t.run("tfgate check", {**env, "PLANS": "no-such-plan.json"})
    t.expect(r.returncode == 2, "an unreadable plan fails the step with 2", r)

    # The step summary gets the Markdown report.
    summary = tmp / "summary.md"
    r = t.run("Step summary", {"OUTPUT_DIR": str(tmp / "reports"), "GITHUB_STEP_SUMMARY": str(summary)})
    t.expect(r.returncode == 0 and summary.read_text() == (tmp / "reports" / "tfgate.md").read_text(),
             "the step summary is the Markdown report", r)

    # The gate: the verdict, last.
    for code, expected in [("0", 0), ("1", 1), ("2", 2), ("", 2)]:
        r = t.run("Gate", {"CODE": code})
        t.expect(r.returncode == expected, f"gate with exit code '{code}' ends {expected}", r)

    for f in t.failures:
        print(f"action.yml: {f}")
    shutil.rmtree(tmp, ignore_errors=True)
    return bool(t.failures)


if __name__ == "__main__":
    if sys.argv[1] == "lint":
        sys.exit(1 if lint(sys.argv[2]) else 0)
    sys.exit(1 if run(sys.argv[2], sys.argv[3]) else 0)
