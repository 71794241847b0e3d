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


def write(name, text):
    with open(os.path.join(work, name), "w", encoding="utf-8") as f:
        f.write(text)


# Audit checks' examples carry the host's sockets (```sockets: ss output)
# or its /proc/net/igmp (```igmp) and run through berth audit on host srv
# of site lab.
def run(text, kind="", sockets=""):
    write("t.ports", text)
    cmd = [berth, "check", "--color=never", "t.ports"]
    if kind == "sockets":
        write("ss.txt", sockets)
        cmd = [berth, "audit", "--site", "lab", "--host", "srv", "--sockets", "ss.txt",
               "--color=never", "t.ports"]
    elif kind == "igmp":
        os.makedirs(os.path.join(work, "net"), exist_ok=True)
        write("net/tcp", "  sl  local_address rem_address   st tx_queue rx_queue\n")
        write("net/udp", "  sl  local_address rem_address   st tx_queue rx_queue\n")
        write("net/igmp", sockets)
        cmd = [berth, "audit", "--site", "lab", "--host", "srv", "--proc-net", "net",
               "--color=never", "t.ports"]
    p = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    # The /proc tables are shown as the example's file names.
    return p.returncode, p.stderr.replace("net/igmp:", "igmp:")


block = re.compile(r"^(Triggers it|Does not|Waive it)[^\n]*(?:\n(?!```)[^\n]+)*\n\n```berth\n(.*?)```"
                   r"(?:\n\n```(sockets|igmp)\n(.*?)```)?"
                   r"(?:\n\n```\n(.*?)```)?", re.M | re.S)
seen, bad = set(), 0
for section in re.split(r"^## ", doc, flags=re.M)[1:]:
    cid = section.split("\n", 1)[0].strip()
    if cid not in ids:
        continue
    seen.add(cid)
    kinds = {k: (b, o, sk, st) for k, b, sk, st, o in block.findall(section)}
    if "Triggers it" not in kinds or "Does not" not in kinds:
        print("%s: missing examples (%s)" % (cid, list(kinds)))
        bad += 1
        continue
    trigger, shown, sk, st = kinds["Triggers it"]
    rc, out = run(trigger, sk, st)
    if not re.search(r"(error|warning|note|info): .*\[%s\]" % re.escape(cid), out):
        print("%s: the bad example does not trigger it:\n%s" % (cid, out))
        bad += 1
    for line in shown.splitlines():
        if line not in out.splitlines():
            print("%s: the page shows a line the run does not print: %s" % (cid, line))
            bad += 1
    good, _, gk, gt = kinds["Does not"]
    rc, out = run(good, gk, gt)
    if "[%s]" % cid in out or rc != 0 or re.search(r": (error|warning): ", out):
        print("%s: the good example is not clean (exit %d):\n%s" % (cid, rc, out))
        bad += 1
    if "Waive it" in kinds:
        rc, out = run(trigger + "\n" + kinds["Waive it"][0], sk, st)
        if (re.search(r"(error|warning): .*\[%s\]" % re.escape(cid), out) or "unused-waiver" in out
                or "waived:" not in out or out.count("[%s]" % cid) != out.count("waived:")):
            print("%s: the allow does not waive it:\n%s" % (cid, out))
            bad += 1
for cid in ids:
    if cid not in seen:
        print("%s: no section in docs/checks.md" % cid)
        bad += 1
shutil.rmtree(work, ignore_errors=True)
print("%d checks documented, %d problems" % (len(seen), bad))
sys.exit(1 if bad else 0)
