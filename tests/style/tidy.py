#!/usr/bin/env python3
"""clang-tidy over the daemon's sources (daemon/, feeds/, rules/, web/), with a cache.

Usage: tests/style/tidy.py BUILD_DIR [-j N]

Each translation unit is preprocessed with its own compile command; a unit whose preprocessed
text, compile command, .clang-tidy and clang-tidy version all match a run that found nothing is
not checked again. The first run on a machine checks everything (about 13 minutes on two cores);
after that only what changed, which keeps the check in `make test`. Findings are errors
(.clang-tidy: WarningsAsErrors '*'): any fails the run, named with file and line.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import shlex
import subprocess
import sys

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FOLDERS = ("daemon/", "feeds/", "rules/", "web/")


def sources():
    listed = subprocess.run(["git", "ls-files", "*.cpp"], cwd=SOURCE, check=True, capture_output=True, text=True)
    return [os.path.join(SOURCE, f) for f in listed.stdout.split() if f.startswith(FOLDERS)]


def preprocess_argv(entry):
    argv = shlex.split(entry["command"]) if "command" in entry else list(entry["arguments"])
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a in ("-o", "-c"):
            skip = a == "-o"
            continue
        if a == entry["file"]:
            continue
        out.append(a)
    # -C keeps the comments, so adding or removing a NOLINT changes the key.
    return out + ["-E", "-C", entry["file"], "-o", "-"]


def key(entry, salt, build_dir):
    """The unit's preprocessed text and command, with the checkout's and the build's paths taken
    out: a fresh clone elsewhere (CI's) finds the stamps of the same code."""
    pre = subprocess.run(preprocess_argv(entry), cwd=entry["directory"], capture_output=True)
    if pre.returncode != 0:
        raise RuntimeError(f"{entry['file']}: the preprocessor failed:\n{pre.stderr.decode(errors='replace')}")
    command = entry.get("command", " ".join(entry.get("arguments", [])))
    h = hashlib.sha256(salt)
    for text in (command.encode(), pre.stdout):
        h.update(text.replace(build_dir.encode(), b"@BUILD@").replace(SOURCE.encode(), b"@SOURCE@"))
    return h.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("build_dir")
    parser.add_argument("-j", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    build_dir = os.path.realpath(args.build_dir)
    with open(os.path.join(build_dir, "compile_commands.json")) as f:
        commands = {os.path.realpath(e["file"]): e for e in json.load(f)}
    files = sources()
    missing = [f for f in files if os.path.realpath(f) not in commands]
    if missing:
        print("tidy: no compile command for " + ", ".join(missing) + " (configure the build first)", file=sys.stderr)
        return 2

    version = subprocess.run(["clang-tidy", "--version"], capture_output=True, check=True).stdout
    with open(os.path.join(SOURCE, ".clang-tidy"), "rb") as f:
        salt = version + f.read()
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "lodestone", "clang-tidy")
    os.makedirs(cache, exist_ok=True)

    def check(path):
        entry = commands[os.path.realpath(path)]
        stamp = os.path.join(cache, key(entry, salt, build_dir))
        if os.path.exists(stamp):
            return path, True, ""
        run = subprocess.run(["clang-tidy", "-p", build_dir, "--quiet", path], capture_output=True, text=True)
        findings = "\n".join(line for line in run.stdout.splitlines() if line.strip())
        if run.returncode == 0:
            with open(stamp, "w") as f:
                f.write(os.path.relpath(path, SOURCE) + "\n")
            return path, False, ""
        return path, False, findings or run.stderr

    failed, cached = [], 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(args.j, 1)) as pool:
        for path, hit, findings in pool.map(check, files):
            cached += hit
            if findings:
                failed.append(path)
                print(findings, flush=True)
    print(f"tidy: {len(files)} files, {cached} unchanged since a clean run, {len(failed)} with findings")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
