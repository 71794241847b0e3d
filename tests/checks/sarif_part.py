"""sarif_part.py: the parts of a SARIF log on stdin that --max-findings
changes: each run's invocations and its results' rule ids and messages, one
per line, so a golden need not repeat the rules table."""
import json
import sys

log = json.load(sys.stdin)
for run in log["runs"]:
    print(json.dumps(run.get("invocations", []), indent=1, sort_keys=True))
    for r in run["results"]:
        print(r["ruleId"], r["level"], r["message"]["text"] + (" (suppressed)" if r.get("suppressions") else ""))
