"""Figures, ratios and the issue's targets from the raw measurements; the printed table."""

from __future__ import annotations

import statistics
from typing import Any

GIB_MIB = 1024.0


def _get(r: dict[str, Any], key: str, field: str = "wall_s") -> float | None:
    return r.get(key, {}).get(field)


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else round(a / b, 2)


def _over_floor(r: dict[str, Any], suffix: str = "") -> tuple[float | None, float | None]:
    """(jixiao load - its fixed start-up) / floor, in wall and in CPU seconds; the start-up is the one-file run.
    suffix "_copies": the same on the renamed copies of the sample."""
    cli, floor, one = r.get(f"cli_load{suffix}"), r.get(f"floor{suffix}"), r.get("one_file")
    if not (cli and floor and one):
        return None, None
    wall = _ratio(cli["wall_s"] - one["wall_s"], floor["wall_s"])
    cpu = "tree_cpu_s" if "tree_cpu_s" in cli else "cpu_s"
    return wall, _ratio(cli[cpu] - one.get(cpu, one["cpu_s"]), floor["cpu_s"])


def _over_floor_rounds(r: dict[str, Any], suffix: str = "") -> dict[str, Any]:
    """The ratio of every round (bench.run --rounds): the median, what the targets read, and the spread."""
    rounds = [{**x, "one_file": r.get("one_file")} for x in r.get("rounds") or [r]]
    found = [_over_floor(x, suffix) for x in rounds]
    walls = [w for w, _ in found if w is not None]
    cpus = [c for _, c in found if c is not None]
    return {
        "wall": round(statistics.median(walls), 2) if walls else None,
        "cpu": round(statistics.median(cpus), 2) if cpus else None,
        "wall_rounds": walls,
    }


def figures(r: dict[str, Any]) -> dict[str, Any]:
    flow, run = _get(r, "flow_S"), _get(r, "run_S")
    fixed = None if flow is None or run is None else round(flow - run, 2)
    views = {k: v.get("s") for k, v in r.get("views_L", {}).get("views", {}).items() if v.get("present")}
    over, copies = _over_floor_rounds(r), _over_floor_rounds(r, "_copies")
    over_wall, over_cpu = over["wall"], over["cpu"]
    copies_wall, copies_cpu = copies["wall"], copies["cpu"]
    return {
        "load_S_s": _get(r, "load_S"),
        "load_L_s": _get(r, "load_L"),
        "load_L_with_prefect_s": None if fixed is None else round(_get(r, "load_L") + fixed, 2),
        "prefect_fixed_s": fixed,
        "one_file_s": _get(r, "one_file"),
        "one_file_formats_s": {k: v.get("wall_s") for k, v in r.get("one_file_formats", {}).items()},
        "floor_s": _get(r, "floor"),
        "cli_load_s": _get(r, "cli_load"),
        "cli_minus_start_over_floor": over_wall,
        "cli_minus_start_over_floor_cpu": over_cpu,
        "cli_minus_start_over_floor_rounds": over["wall_rounds"],
        "cli_load_s_rounds": [x.get("cli_load", {}).get("wall_s") for x in r.get("rounds", [])],
        "floor_s_rounds": [x.get("floor", {}).get("wall_s") for x in r.get("rounds", [])],
        "copies_floor_s": _get(r, "floor_copies"),
        "copies_cli_load_s": _get(r, "cli_load_copies"),
        "copies_cli_minus_start_over_floor": copies_wall,
        "copies_cli_minus_start_over_floor_cpu": copies_cpu,
        "copies_cli_minus_start_over_floor_rounds": copies["wall_rounds"],
        "noop_L_s": _get(r, "noop_L"),
        "noop_L_beyond_start_s": _get(r, "noop_L", "op_s"),
        "baseline_to_sql_S_s": _get(r, "baseline_S"),
        "speedup_vs_to_sql_S": _ratio(_get(r, "baseline_S"), _get(r, "load_S")),
        "time_L_over_S": _ratio(_get(r, "load_L"), _get(r, "load_S")),
        "peak_rss_S_mib": _get(r, "load_S", "peak_tree_rss_mib"),
        "peak_rss_L_mib": _get(r, "load_L", "peak_tree_rss_mib"),
        "rss_L_over_S": _ratio(_get(r, "load_L", "peak_tree_rss_mib"), _get(r, "load_S", "peak_tree_rss_mib")),
        "report_L_s": r.get("report_L", {}).get("wall_s"),
        "audit_L_s": r.get("audit_L", {}).get("wall_s"),
        "audit_L_query_s": r.get("audit_L", {}).get("query_s"),
        "views_L_s": views,
    }


def _target(name: str, value: float | None, limit: float, at_least: bool = False) -> dict[str, Any]:
    met = None if value is None else (value >= limit if at_least else value <= limit)
    return {"target": name, "value": value, "limit": ("≥ " if at_least else "≤ ") + f"{limit:g}", "met": met}


VIEW_LIMITS = {"v_target_yoy": 1.0}  # issue 14; the other views keep issue 6's 2 s


def evaluate(r: dict[str, Any]) -> dict[str, Any]:
    f = figures(r)
    formats = f["one_file_formats_s"].items()
    checks = [
        _target("full load of L, s (no Prefect)", f["load_L_s"], 20),
        _target("(jixiao load - start-up) / floor, same corpus", f["cli_minus_start_over_floor"], 3),
        _target("(jixiao load - start-up) / floor, renamed copies", f["copies_cli_minus_start_over_floor"], 3),
        _target("one file end to end, default command, s", f["one_file_s"], 3),
        *(_target(f"one file end to end, the sample as .{kind}, s", s, 3) for kind, s in formats),
        _target("speed-up over to_sql on S, x", f["speedup_vs_to_sql_S"], 5, at_least=True),
        _target("time(L) / time(S)", f["time_L_over_S"], 10),
        _target("peak RSS of L, MiB", f["peak_rss_L_mib"], GIB_MIB),
        _target("peak RSS L / S", f["rss_L_over_S"], 1.2),
        _target("no-op re-run over L beyond start-up, s", f["noop_L_beyond_start_s"], 1),
        _target("report, one department x 2 years on L, s", f["report_L_s"], 1),
        _target("audit, one department-year on L (process), s", f.get("audit_L_s"), 1),
        _target("audit, one department-year on L (queries), s", f.get("audit_L_query_s"), 0.5),
        *(_target(f"{name} over all of L, s", s, VIEW_LIMITS.get(name, 2)) for name, s in f["views_L_s"].items()),
    ]
    return {"figures": f, "targets": checks}


ROWS = (
    ("load_S", "full load S (run_load)"),
    ("load_L", "full load L (run_load)"),
    ("noop_L", "no-op re-run L (run_load)"),
    ("run_S", "recorded run S (run_load)"),
    ("flow_S", "Prefect flow S (load_flow)"),
    ("baseline_S", "to_sql baseline S"),
    ("views_L", "all views over L"),
)


SIDE = (
    ("one_file", "one file, default command (median)"),
    ("floor", "floor"),
    ("cli_load", "jixiao load"),
    ("floor_copies", "floor"),
    ("cli_load_copies", "jixiao load"),
)


def _side_by_side_lines(r: dict[str, Any]) -> list[str]:
    """The one-file wall, then each round's floor and `jixiao load` (bench.run --rounds)."""
    lines = []
    for n, round_ in enumerate(r.get("rounds") or [r], 1):
        for key, label in SIDE:
            x = r.get(key) if key == "one_file" and n == 1 else round_.get(key)
            if x:
                where = f" on {x['corpus']}" if "corpus" in x else ""
                cpu = x.get("tree_cpu_s", x["cpu_s"])
                lines.append(f"{label + where:<36} wall {x['wall_s']:>7.2f} s  CPU {cpu:>7.2f} s  (round {n})")
    return lines


def table(doc: dict[str, Any]) -> str:
    r = doc["results"]
    lines = [f"{'measurement':<30} {'wall s':>8} {'op s':>8} {'peak RSS MiB':>13}", "-" * 62]
    for key, label in ROWS:
        if key in r:
            x = r[key]
            lines.append(f"{label:<30} {x['wall_s']:>8.2f} {x['op_s']:>8.2f} {x['peak_tree_rss_mib']:>13.1f}")
    for key in ("postgres_S", "postgres_L"):
        for n in (1, 2):
            x = r.get(key, {}).get(f"loaders_{n}")
            if x:
                name = f"PostgreSQL load {key[-1]}, {n} loader(s)"
                lines.append(f"{name:<30} {x['wall_s']:>8.2f} {x['tables_per_s']:>8.1f} tables/s")
        rep_pg = r.get(key, {}).get("report", {})
        if rep_pg.get("present"):
            lines.append(f"{'jixiao report on PostgreSQL ' + key[-1]:<30} {rep_pg['wall_s']:>8.2f}")
    for name, v in r.get("views_L", {}).get("views", {}).items():
        lines.append(f"  {name:<28} {v['s']:>8.3f} ({v['rows']} rows)" if v.get("present") else f"  {name:<28} absent")
    rep = r.get("report_L", {})
    lines.append(
        f"{'jixiao report (1 dept, 2 y) L':<30} {rep['wall_s']:>8.2f} (runs {rep.get('walls_s', [rep['wall_s']])})"
        if rep.get("present")
        else f"{'jixiao report':<30} {rep.get('note', 'not measured')}"
    )
    aud = r.get("audit_L", {})
    if aud.get("present"):
        runs = aud.get("walls_s", [aud["wall_s"]])
        queries = f"queries {aud['query_s']:.3f} s"
        lines.append(f"{'jixiao audit (1 dept-year) L':<30} {aud['wall_s']:>8.2f} (runs {runs}; {queries})")
    f = doc["figures"]
    lines += _side_by_side_lines(r)
    lines += [
        f"(jixiao load - start-up) / floor, median of the rounds: {f['cli_minus_start_over_floor']} (wall; rounds "
        f"{f.get('cli_minus_start_over_floor_rounds')}), {f['cli_minus_start_over_floor_cpu']} (CPU); on the renamed "
        f"copies: {f['copies_cli_minus_start_over_floor']} (wall; rounds "
        f"{f.get('copies_cli_minus_start_over_floor_rounds')}), {f['copies_cli_minus_start_over_floor_cpu']} (CPU)",
        "",
        f"Prefect fixed cost (flow S - run S): {f['prefect_fixed_s']} s; L with it: {f['load_L_with_prefect_s']} s",
        "",
        f"{'target':<44} {'value':>9} {'limit':>8}  met",
        "-" * 68,
    ]
    for t in doc["targets"]:
        met = "?" if t["met"] is None else "yes" if t["met"] else "NO"
        lines.append(f"{t['target']:<44} {t['value']!s:>9} {t['limit']:>8}  {met}")
    m = doc["machine"]
    lines.append(
        f"\nload average before {m['load_average_before']}, after {m['load_average_after']}; "
        f"{m['cpus']} CPUs; git {m['git_head']}"
    )
    return "\n".join(lines)
