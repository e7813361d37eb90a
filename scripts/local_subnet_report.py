#!/usr/bin/env python3
"""Reads a local subnet's result files and prints / writes / checks the per-round report.

Used by scripts/local-subnet.sh (standard library only):

  local_subnet_report.py block <chain dir>                      current block of the embedded chain
  local_subnet_report.py line  <workdir> <round>                one human line for a finished round
  local_subnet_report.py write <workdir> <first> <last> <file>  the report JSON
  local_subnet_report.py check <report file>                    exit 1 unless loss fell (or stayed)
                                                                and every adversary ends below every
                                                                honest miner in weight

Inputs: <workdir>/miners.tsv (wallet name, kind, hotkey ss58), the validator's
<workdir>/state/validator/rounds/<r>.json and the averager's <workdir>/state/averager/merges/<r>.json.
"""
import json
import os
import sys
import time


def current_block(chain_dir):
    with open(os.path.join(chain_dir, "state.json")) as f:
        state = json.load(f)
    return (int(time.time() * 1000) - state["genesisMillis"]) // state["blockTimeMillis"]


def miners(workdir):
    """Returns [(name, kind, hotkey)] in the order the script started them."""
    rows = []
    with open(os.path.join(workdir, "miners.tsv")) as f:
        for line in f:
            name, kind, hotkey = line.rstrip("\n").split("\t")
            rows.append((name, kind, hotkey))
    return rows


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def round_entry(workdir, r):
    scored = load(os.path.join(workdir, "state", "validator", "rounds", f"{r}.json")) or {}
    merge = load(os.path.join(workdir, "state", "averager", "merges", f"{r}.json")) or {}
    by_hotkey = {m["hotkey"]: m for m in scored.get("miners", [])}
    skipped = merge.get("skipped") or {}
    alphas = merge.get("alphas") or {}
    entries = []
    for name, kind, hotkey in miners(workdir):
        m = by_hotkey.get(hotkey)
        if m is None:
            reason = "no commitment counted this round"
            entries.append({"hotkey": hotkey, "name": name, "kind": kind, "improvement": None, "score": None,
                            "weight": None, "reason": reason, "merged": hotkey in alphas})
            continue
        if m.get("reason"):
            reason = m["reason"] + (": " + m["detail"] if m.get("detail") else "")
        else:
            reason = "evaluated"
        if hotkey in skipped:
            reason += "; averager skipped it: " + str(skipped[hotkey])
        elif hotkey in alphas:
            reason += "; merged with alpha %.3f" % alphas[hotkey]
        entries.append({"hotkey": hotkey, "name": name, "kind": kind, "improvement": m.get("improvement"),
                        "score": m.get("score"), "weight": m.get("weight"), "reason": reason,
                        "merged": hotkey in alphas})
    accepted = bool(merge.get("accepted"))
    new_base = merge.get("lossAfter") if accepted else merge.get("lossBefore")
    return {
        "round": r,
        "base_loss": scored.get("base_loss"),
        "new_base_loss": new_base,
        "merge_loss_before": merge.get("lossBefore"),
        "merge_accepted": accepted,
        "merge_note": merge.get("note"),
        "weights": scored.get("weights"),
        "miners": entries,
    }


def fmt(x, spec=".4f"):
    return "-" if x is None else format(x, spec)


def line(workdir, r):
    e = round_entry(workdir, r)
    parts = [f"round {r}: base loss {fmt(e['base_loss'])}"]
    for m in e["miners"]:
        parts.append(f"{m['name']}({m['kind']}) imp {fmt(m['improvement'], '+.3f')} "
                     f"score {fmt(m['score'], '.3f')} w {fmt(m['weight'], '.3f')}")
    merged = "merged" if e["merge_accepted"] else "not merged"
    parts.append(f"new base loss {fmt(e['new_base_loss'])} ({merged}, averager check pages "
                 f"{fmt(e['merge_loss_before'])} -> {fmt(e['new_base_loss'])})")
    return " | ".join(parts)


def write(workdir, first, last, path):
    report = {"rounds": [round_entry(workdir, r) for r in range(first, last + 1)]}
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def check(path):
    with open(path) as f:
        rounds = json.load(f)["rounds"]
    problems = []
    if not rounds:
        problems.append("the report holds no rounds")
    base = [r["base_loss"] for r in rounds if r["base_loss"] is not None]
    if len(base) < len(rounds):
        problems.append("the validator scored %d of %d rounds" % (len(base), len(rounds)))
    merged = [r for r in rounds if r["merge_accepted"]]
    if not merged:
        problems.append("the averager merged no round")
    for r in merged:
        if r["new_base_loss"] > r["merge_loss_before"]:
            problems.append("round %d: the merge raised the loss" % r["round"])
    if len(base) >= 2 and base[-1] > base[0]:
        problems.append("base loss rose from %.4f to %.4f" % (base[0], base[-1]))
    if rounds:
        last = rounds[-1]["miners"]
        honest = [m["weight"] or 0.0 for m in last if m["kind"] == "honest"]
        adversaries = [(m["name"], m["weight"] or 0.0) for m in last if m["kind"] != "honest"]
        if honest and adversaries and max(w for _, w in adversaries) >= min(honest):
            problems.append("adversary weights %s are not all below the honest ones %s" % (adversaries, honest))
        if honest and min(honest) <= 0:
            problems.append("an honest miner ends with weight 0: %s" % honest)
    for p in problems:
        print("check failed: " + p, file=sys.stderr)
    if not problems:
        print("check passed: base loss %s, final weights %s" % (
            " -> ".join("%.4f" % b for b in base),
            ", ".join("%s %.3f" % (m["name"], m["weight"] or 0.0) for m in rounds[-1]["miners"])))
    return 0 if not problems else 1


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1]
    if cmd == "block":
        print(current_block(argv[2]))
    elif cmd == "line":
        print(line(argv[2], int(argv[3])))
    elif cmd == "write":
        write(argv[2], int(argv[3]), int(argv[4]), argv[5])
    elif cmd == "check":
        return check(argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
