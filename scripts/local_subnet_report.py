#!/usr/bin/env python3
"""Reads a local subnet's result files and prints / writes / checks the per-round report.

Used by scripts/local-subnet.sh (standard library only):

  local_subnet_report.py block   <chain dir>                      current block of the embedded chain
  local_subnet_report.py line    <workdir> <round>                a finished round, one line per miner
  local_subnet_report.py write   <workdir> <first> <last> <file>  the report JSON (with final weights
                                                                  and the verdict)
  local_subnet_report.py final   <report file>                    each miner's final weight, the verdict
  local_subnet_report.py verdict <report file>                    the verdict line; exit 1 unless PASS
  local_subnet_report.py check   <report file>                    exit 1 unless loss fell (or stayed),
                                                                  a merge was accepted and the verdict
                                                                  is PASS

The verdict: PASS when every adversary's final weight is below 5% of the lowest honest miner's and
no honest miner was ever rejected (or missed a round), else FAIL naming who.

Inputs: <workdir>/miners.tsv (wallet name, kind, hotkey ss58), the validator's
<workdir>/state/validator/rounds/<r>.json, the averager's <workdir>/state/averager/merges/<r>.json,
the gym's journals <workdir>/state/<adversary>/rounds/<r>.json and the embedded chain's
<workdir>/chain/state.json (the weights the validator last set).
"""
import json
import os
import sys
import time

# An adversary passes when its final weight is below this share of the lowest honest miner's.
ADVERSARY_SHARE = 0.05


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


def gym_action(workdir, name, kind, r):
    """What the gym process of an adversary did in round r (the sybil's twin shares the sybil's journal)."""
    if kind == "honest":
        return None
    for owner in (name, kind):
        journal = load(os.path.join(workdir, "state", owner, "rounds", f"{r}.json"))
        if journal is not None:
            return journal.get("action")
    return None


def chain_weights(workdir):
    """Returns {hotkey: normalized weight} as the validator last set them on the embedded chain, or None."""
    state = load(os.path.join(workdir, "chain", "state.json"))
    if not state:
        return None
    best = None
    for subnet in (state.get("subnets") or {}).values():
        neurons = subnet.get("neurons") or []
        for n in neurons:
            values = n.get("weightValues") or []
            if values and (best is None or n.get("lastUpdate", 0) > best[0].get("lastUpdate", 0)):
                best = (n, neurons)
    if best is None:
        return None
    validator, neurons = best
    total = float(sum(validator["weightValues"]))
    out = {n["hotkey"]: 0.0 for n in neurons}
    for uid, value in zip(validator["weightUids"], validator["weightValues"]):
        if 0 <= uid < len(neurons) and total > 0:
            out[neurons[uid]["hotkey"]] = value / total
    return out


def round_entry(workdir, r):
    scored = load(os.path.join(workdir, "state", "validator", "rounds", f"{r}.json")) or {}
    merge = load(os.path.join(workdir, "state", "averager", "merges", f"{r}.json")) or {}
    by_hotkey = {m["hotkey"]: m for m in scored.get("miners", [])}
    skipped = merge.get("skipped") or {}
    alphas = merge.get("alphas") or {}
    accepted = bool(merge.get("accepted"))
    entries = []
    for name, kind, hotkey in miners(workdir):
        m = by_hotkey.get(hotkey)
        action = gym_action(workdir, name, kind, r)
        if m is None:
            entries.append({"hotkey": hotkey, "name": name, "kind": kind, "improvement": None, "score": None,
                            "weight": None, "rejected": None, "reason": "no commitment counted this round",
                            "merged": accepted and hotkey in alphas, "action": action})
            continue
        rejected = m.get("reason")
        reason = (rejected + (": " + m["detail"] if m.get("detail") else "")) if rejected else "evaluated"
        if hotkey in skipped:
            reason += "; averager skipped it: " + str(skipped[hotkey])
        elif hotkey in alphas:
            reason += ("; merged with alpha %.3f" if accepted else "; in the refused merge (alpha %.3f)") % alphas[hotkey]
        entries.append({"hotkey": hotkey, "name": name, "kind": kind, "improvement": m.get("improvement"),
                        "score": m.get("score"), "weight": m.get("weight"), "rejected": rejected, "reason": reason,
                        "merged": accepted and hotkey in alphas, "action": action})
    new_base = merge.get("lossAfter") if accepted else merge.get("lossBefore")
    return {
        "round": r,
        "base_loss": scored.get("base_loss"),
        "new_base_loss": new_base,
        "merge_loss_before": merge.get("lossBefore"),
        "merge_loss_after": merge.get("lossAfter"),
        "merge_accepted": accepted,
        "merge_note": merge.get("note"),
        "weights": scored.get("weights"),
        "miners": entries,
    }


def fmt(x, spec=".4f"):
    return "-" if x is None else format(x, spec)


def line(workdir, r):
    e = round_entry(workdir, r)
    if e["merge_accepted"]:
        check = f"merged, averager check pages {fmt(e['merge_loss_before'])} -> {fmt(e['new_base_loss'])}"
    elif e["merge_loss_after"] is not None:
        check = (f"not merged, averager check pages {fmt(e['merge_loss_before'])} -> "
                 f"{fmt(e['merge_loss_after'])} refused")
    else:
        check = "not merged"
    out = [f"round {r}: base loss {fmt(e['base_loss'])}, new base loss {fmt(e['new_base_loss'])} ({check})"]
    width = max([len(m["name"]) for m in e["miners"]] + [4])
    kinds = max([len(m["kind"]) for m in e["miners"]] + [4])
    for m in e["miners"]:
        text = (f"  {m['name']:<{width}} {m['kind']:<{kinds}} imp {fmt(m['improvement'], '+.3f'):>6} "
                f"score {fmt(m['score'], '.3f'):>5} w {fmt(m['weight'], '.3f'):>5}  {m['reason']}")
        if m.get("action"):
            text += f"  [{m['action']}]"
        out.append(text)
    return "\n".join(out)


def final_section(workdir, rounds):
    """Each miner's final weight (the chain's, else the last round's), rejections, and the verdict."""
    on_chain = chain_weights(workdir)
    last = {m["hotkey"]: m for m in rounds[-1]["miners"]} if rounds else {}
    table = []
    for name, kind, hotkey in miners(workdir):
        if on_chain is not None:
            weight = on_chain.get(hotkey, 0.0)
        else:
            weight = (last.get(hotkey) or {}).get("weight") or 0.0
        rejected = [(r["round"], m["rejected"]) for r in rounds for m in r["miners"]
                    if m["hotkey"] == hotkey and m["rejected"]]
        missed = [r["round"] for r in rounds for m in r["miners"] if m["hotkey"] == hotkey and m["score"] is None]
        table.append({"name": name, "kind": kind, "hotkey": hotkey, "final_weight": weight,
                      "rejected_rounds": [r for r, _ in rejected],
                      "last_reason": rejected[-1][1] if rejected else None, "missed_rounds": missed})
    return {"weights_from": "chain" if on_chain is not None else "last round", "miners": table,
            "verdict": verdict(table)}


def verdict(table):
    honest = [m for m in table if m["kind"] == "honest"]
    adversaries = [m for m in table if m["kind"] != "honest"]
    problems = []
    if not honest:
        problems.append("no honest miner")
    lowest = min((m["final_weight"] for m in honest), default=0.0)
    if honest and lowest <= 0:
        problems.append("honest %s end with weight 0" % ", ".join(m["name"] for m in honest if m["final_weight"] <= 0))
    bar = ADVERSARY_SHARE * lowest
    earning = [m for m in adversaries if m["final_weight"] > 0 and m["final_weight"] >= bar]
    if earning:
        problems.append("adversaries at or above 5%% of the lowest honest weight %.4f: %s" % (lowest, ", ".join(
            "%s (%s) %.4f" % (m["name"], m["kind"], m["final_weight"]) for m in earning)))
    for m in honest:
        if m["rejected_rounds"]:
            problems.append("honest %s rejected in round(s) %s (%s)" % (
                m["name"], ",".join(map(str, m["rejected_rounds"])), m["last_reason"]))
        if m["missed_rounds"]:
            problems.append("honest %s had no counted commitment in round(s) %s" % (
                m["name"], ",".join(map(str, m["missed_rounds"]))))
    if problems:
        return "FAIL: " + "; ".join(problems)
    return "PASS: %d adversar%s below %.4f (5%% of the lowest honest weight %.4f); no honest miner rejected" % (
        len(adversaries), "y" if len(adversaries) == 1 else "ies", bar, lowest)


def write(workdir, first, last, path):
    rounds = [round_entry(workdir, r) for r in range(first, last + 1)]
    report = {"rounds": rounds, "final": final_section(workdir, rounds)}
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def read_report(path):
    with open(path) as f:
        return json.load(f)


def final(path):
    fin = read_report(path)["final"]
    print("final weights (%s):" % fin["weights_from"])
    width = max([len(m["name"]) for m in fin["miners"]] + [4])
    for m in fin["miners"]:
        rejected = ("rejected in round(s) %s, last: %s" % (",".join(map(str, m["rejected_rounds"])), m["last_reason"])
                    if m["rejected_rounds"] else "never rejected")
        missed = "; no commitment in round(s) %s" % ",".join(map(str, m["missed_rounds"])) if m["missed_rounds"] else ""
        print(f"  {m['name']:<{width}} {m['kind']:<15} weight {m['final_weight']:.4f}  {rejected}{missed}")
    print("verdict: " + fin["verdict"])


def check(path):
    report = read_report(path)
    rounds = report["rounds"]
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
    if not report["final"]["verdict"].startswith("PASS"):
        problems.append(report["final"]["verdict"])
    for p in problems:
        print("check failed: " + p, file=sys.stderr)
    if not problems:
        print("check passed: base loss %s; %s" % (" -> ".join("%.4f" % b for b in base), report["final"]["verdict"]))
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
    elif cmd == "final":
        final(argv[2])
    elif cmd == "verdict":
        v = read_report(argv[2])["final"]["verdict"]
        print(v)
        return 0 if v.startswith("PASS") else 1
    elif cmd == "check":
        return check(argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
