#!/usr/bin/env python3
# checks_doc.py: docs/checks.md keeps its promises. Every check id has a
# section; its "Triggers it" example triggers that check and prints every
# output line the page shows, its "Does not" example is clean, and its
# "Waive it" allow waives the finding. Run from the repository root; exit 0
# when all hold.
import os
import re
import shutil
import subprocess
import sys
import tempfile

root = os.getcwd()
berth = os.path.join(root, "berth")
doc = open(os.path.join(root, "docs/checks.md"), encoding="utf-8").read()
listing = subprocess.run([berth, "--list-checks"], capture_output=True, text=True).stdout
ids = [line.split()[0] for line in listing.splitlines() if line.strip()]
work = tempfile.mkdtemp()
for f in os.listdir(os.path.join(root, "policies")):
    shutil.copy(os.path.join(root, "policies", f), work)


def run(text):
    with open(os.path.join(work, "t.ports"), "w", encoding="utf-8") as f:
        f.write(text)
    p = subprocess.run([berth, "check", "--color=never", "t.ports"], cwd=work,
                       capture_output=True, text=True)
    return p.returncode, p.stderr


block = re.compile(r"^(Triggers it|Does not|Waive it)[^\n]*(?:\n(?!```)[^\n]+)*\n\n```berth\n(.*?)```"
                   r"(?:\n\n```\n(.*?)```)?", re.M | re.S)
seen, bad = set(), 0
for section in re.split(r"^## ", doc, flags=re.M)[1:]:
    cid = section.split("\n", 1)[0].strip()
    if cid not in ids:
        continue
    seen.add(cid)
    kinds = {k: (b, o) for k, b, o in block.findall(section)}
    if "Triggers it" not in kinds or "Does not" not in kinds:
        print("%s: missing examples (%s)" % (cid, list(kinds)))
        bad += 1
        continue
    trigger, shown = kinds["Triggers it"]
    rc, out = run(trigger)
    if not re.search(r"(error|warning): .*\[%s\]" % re.escape(cid), out):
        print("%s: the bad example does not trigger it:\n%s" % (cid, out))
        bad += 1
    for line in shown.splitlines():
        if line not in out.splitlines():
            print("%s: the page shows a line the run does not print: %s" % (cid, line))
            bad += 1
    rc, out = run(kinds["Does not"][0])
    if "[%s]" % cid in out or rc != 0 or re.search(r": (error|warning): ", out):
        print("%s: the good example is not clean (exit %d):\n%s" % (cid, rc, out))
        bad += 1
    if "Waive it" in kinds:
        rc, out = run(trigger + "\n" + kinds["Waive it"][0])
        if (re.search(r"(error|warning): .*\[%s\]" % re.escape(cid), out) or "unused-waiver" in out
                or "waived:" not in out):
            print("%s: the allow does not waive it:\n%s" % (cid, out))
            bad += 1
for cid in ids:
    if cid not in seen:
        print("%s: no section in docs/checks.md" % cid)
        bad += 1
shutil.rmtree(work, ignore_errors=True)
print("%d checks documented, %d problems" % (len(seen), bad))
sys.exit(1 if bad else 0)
