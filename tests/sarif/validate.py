#!/usr/bin/env python3
# validate.py: checks berth's SARIF output against the SARIF 2.1.0 JSON
# schema bundled beside it (sarif-2.1.0-rtm.5.json, OASIS), with Debian's
# python3-jsonschema. Usage: validate.py FILE.sarif; exit 0 when valid.
import json
import os
import sys

import jsonschema

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "sarif-2.1.0-rtm.5.json"), encoding="utf-8") as f:
    schema = json.load(f)
with open(sys.argv[1], encoding="utf-8") as f:
    log = json.load(f)
errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.path))
for e in errors[:10]:
    print("%s: %s" % ("/".join(str(p) for p in e.path), e.message), file=sys.stderr)
if not log["runs"][0]["results"]:
    print("no results: the test input should have findings", file=sys.stderr)
    sys.exit(1)
sys.exit(1 if errors else 0)
