#!/usr/bin/env python3
"""Rewrites the `--help` blocks in docs/*.md from the built jars in dist/.

A block is marked in the Markdown as

    <!-- help: miner run -->
    ```text
    ...
    ```

and holds exactly what `java -jar dist/miner.jar run --help` prints (with the home directory
written as ~). Tests compare these blocks with the live help, so run this after changing a flag:

    mvn -B -q -DskipTests package && python3 scripts/update-help-docs.py
"""
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK = re.compile(r"(<!-- help: ([a-z]+)((?: [a-z-]+)*) -->\n```text\n)(.*?)(```\n)", re.S)


def help_text(daemon, words):
    env = {k: v for k, v in os.environ.items() if not re.match(r"(TS|BT)_", k)}
    cmd = ["java", "-Duser.home=~", "-jar", os.path.join(ROOT, "dist", daemon + ".jar")] + words + ["--help"]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout


def main():
    changed = 0
    for path in sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))):
        with open(path) as f:
            text = f.read()
        new = BLOCK.sub(lambda m: m.group(1) + help_text(m.group(2), m.group(3).split()) + m.group(5), text)
        if new != text:
            with open(path, "w") as f:
                f.write(new)
            changed += 1
            print("updated", os.path.relpath(path, ROOT))
    if not changed:
        print("help blocks already up to date")


if __name__ == "__main__":
    sys.exit(main())
