#!/usr/bin/env python3
"""Render a JMH JSON result file (-rf json, with -prof gc) as Markdown tables and SVG bar charts.

Standard library only. Usage:
    python3 render_results.py RESULTS.json --markdown OUT.md --chart OUT.svg --selection-chart OUT2.svg \
        [--machine "2 cores, ..."]

Comparison classes have the benchmark methods direct, router and spring; every other benchmark is listed on its
own. The targets of benchmarks/README.md are checked and printed with the numbers they rest on.
"""

import argparse
import html
import json
import math
import os
import sys
from collections import OrderedDict

CONTENDERS = ("direct", "router", "spring")
COLORS = {"direct": "#8c8c8c", "router": "#1f6fb4", "spring": "#5a9e3a"}
LABELS = {"direct": "direct", "router": "r2dbc-routing", "spring": "Spring AbstractRoutingConnectionFactory"}

TITLES = OrderedDict([
    ("StubCreateBenchmark", "Stub, no pool: create+close"),
    ("PooledCreateBenchmark", "r2dbc-pool over stub: create+close"),
    ("MariaDbCreateBenchmark", "MariaDB, pooled: create+close"),
    ("MariaDbSelectOneBenchmark", "MariaDB: SELECT 1"),
    ("MariaDbPrimaryKeyBenchmark", "MariaDB: primary-key SELECT"),
    ("MariaDbConcurrencyBenchmark", "MariaDB: SELECT 1 in flight"),
])

# Target 2: the router keeps up with direct and beats Spring's, through the pool and on real MariaDB.
POOLED_TARGETS = ("PooledCreateBenchmark", "MariaDbCreateBenchmark", "MariaDbSelectOneBenchmark")


class Score:
    """A JMH score with its 99.9% error; JMH gives none (NaN) for fewer than 3 measurements: then error is 0 and
    known is False."""

    def __init__(self, value, error, known=True):
        self.value = value
        unknown = error is None or isinstance(error, str) or math.isnan(error)
        self.error = 0.0 if unknown else error
        self.known = known and not unknown

    @classmethod
    def of(cls, metric):
        return cls(metric["score"], metric.get("scoreError"))


def short_class(benchmark):
    parts = benchmark.split(".")
    return parts[-2], parts[-1]


def params_label(params):
    return ", ".join("%s=%s" % (k, v) for k, v in sorted((params or {}).items()))


def load(path):
    with open(path, encoding="utf-8") as handle:
        rows = json.load(handle)
    results = []
    for row in rows:
        cls, method = short_class(row["benchmark"])
        secondary = row.get("secondaryMetrics", {})
        norm = None
        for key, metric in secondary.items():
            if key.lstrip("\u00b7") == "gc.alloc.rate.norm":
                norm = Score.of(metric)
        results.append({
            "class": cls,
            "method": method,
            "params": row.get("params") or {},
            "score": Score.of(row["primaryMetric"]),
            "unit": row["primaryMetric"]["scoreUnit"],
            "alloc": norm,
            "row": row,
        })
    return results


def fmt(value, digits=None):
    if value is None:
        return "n/a"
    if digits is not None:
        return "%.*f" % (digits, value)
    magnitude = abs(value)
    if magnitude >= 1000:
        return "{:,.0f}".format(value)
    if magnitude >= 100:
        return "%.0f" % value
    if magnitude >= 10:
        return "%.1f" % value
    return "%.2f" % value


def plus_minus(score, digits=None):
    if score is None:
        return "n/a"
    if not score.known:
        return "%s ± ?" % fmt(score.value, digits)
    return "%s ± %s" % (fmt(score.value, digits), fmt(score.error, digits))


def with_error(score, pattern):
    """Format value and error with a two-placeholder pattern such as '%.3f ± %.3f'; '?' for an unknown error."""
    if not score.known:
        head = pattern.split(" ± ")[0]
        return (head % score.value) + " ± ?"
    return pattern % (score.value, score.error)


def ns_per_op(score):
    """Seconds per operation from ops/s, in ns, with the error carried through 1/x."""
    value = 1e9 / score.value
    return Score(value, 1e9 * score.error / (score.value ** 2), score.known)


def difference(a, b):
    return Score(a.value - b.value, math.hypot(a.error, b.error), a.known and b.known)


def ratio(a, b):
    value = a.value / b.value
    relative = math.hypot(a.error / a.value if a.value else 0.0, b.error / b.value if b.value else 0.0)
    return Score(value, value * relative, a.known and b.known)


def comparisons(results):
    """(class, params label) -> {contender: result}, in TITLES order, then by name."""
    groups = OrderedDict()
    for result in results:
        if result["method"] not in CONTENDERS:
            continue
        key = (result["class"], params_label(result["params"]))
        groups.setdefault(key, {})[result["method"]] = result
    order = list(TITLES)

    def sort_key(item):
        (cls, params), _ = item
        numeric = [int(p.split("=")[1]) if p.split("=")[1].isdigit() else 0 for p in params.split(", ") if "=" in p]
        return (order.index(cls) if cls in order else len(order), cls, numeric, params)

    return OrderedDict(sorted(groups.items(), key=sort_key))


def singles(results):
    return [r for r in results if r["method"] not in CONTENDERS]


def title_of(cls, params):
    base = TITLES.get(cls, cls)
    if cls == "MariaDbConcurrencyBenchmark" and params.startswith("inFlight="):
        return "MariaDB: SELECT 1, %s in flight" % params.split("=")[1]
    if cls == "MariaDbPrimaryKeyBenchmark" and params.startswith("rows="):
        return "MariaDB: PK SELECT, %s rows" % params.split("=")[1]
    return base + (" (%s)" % params if params else "")


# --- Markdown -----------------------------------------------------------------------------------------------

def comparison_table(groups):
    lines = [
        "| Benchmark | Contender | ops/s ± error | ns/op | B/op | vs direct: ns added | B added | "
        "router/direct | router/Spring |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (cls, params), members in groups.items():
        direct = members.get("direct")
        spring = members.get("spring")
        for name in CONTENDERS:
            result = members.get(name)
            if result is None:
                continue
            score = result["score"]
            ns = ns_per_op(score)
            cells = [title_of(cls, params) if name == "direct" else "", LABELS[name] if name != "spring" else "Spring",
                     plus_minus(score), fmt(ns.value, 1), fmt(result["alloc"].value, 0) if result["alloc"] else "n/a"]
            if direct is not None and name != "direct":
                cells.append(with_error(difference(ns, ns_per_op(direct["score"])), "%+.1f ± %.1f"))
                if result["alloc"] and direct["alloc"]:
                    cells.append("%+.0f" % (result["alloc"].value - direct["alloc"].value))
                else:
                    cells.append("n/a")
            else:
                cells += ["", ""]
            if name == "router" and direct is not None:
                vs_direct = ratio(score, direct["score"])
                cells.append(with_error(vs_direct, "%.3f ± %.3f"))
            else:
                cells.append("")
            if name == "router" and spring is not None:
                vs_spring = ratio(score, spring["score"])
                cells.append(with_error(vs_spring, "%.2fx ± %.2f"))
            else:
                cells.append("")
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def singles_table(rows):
    lines = ["| Benchmark | Params | ops/s ± error | ns/op ± error | B/op |", "|---|---|---:|---:|---:|"]
    for result in sorted(rows, key=lambda r: (r["class"], r["params"].get("strategy", ""),
                                               int(r["params"].get("replicas", "0")))):
        ns = ns_per_op(result["score"])
        lines.append("| %s.%s | %s | %s | %s | %s |" % (
            result["class"], result["method"], params_label(result["params"]), plus_minus(result["score"]),
            plus_minus(ns, 2), fmt(result["alloc"].value, 0) if result["alloc"] else "n/a"))
    return lines


def selection_verdicts(rows):
    """Target 3: cost with 16 replicas at most 2x the cost with 2, per class and strategy."""
    by_key = {}
    for result in rows:
        if "replicas" in result["params"] and "strategy" in result["params"]:
            key = (result["class"], result["params"]["strategy"])
            by_key.setdefault(key, {})[result["params"]["replicas"]] = result
    verdicts = []
    for (cls, strategy), sizes in sorted(by_key.items()):
        if "2" in sizes and "16" in sizes:
            cost = ratio(ns_per_op(sizes["16"]["score"]), ns_per_op(sizes["2"]["score"]))
            verdicts.append((cls, strategy, ns_per_op(sizes["2"]["score"]), ns_per_op(sizes["16"]["score"]), cost))
    return verdicts


def verdict(ok, within_noise=False):
    if ok:
        return "met"
    return "missed (within noise)" if within_noise else "missed"


def targets(groups, rows):
    lines = ["| Target | Measured | Verdict |", "|---|---|---|"]
    stub = groups.get(("StubCreateBenchmark", ""))
    if stub and "router" in stub and "direct" in stub:
        added = difference(ns_per_op(stub["router"]["score"]), ns_per_op(stub["direct"]["score"]))
        bytes_added = stub["router"]["alloc"].value - stub["direct"]["alloc"].value
        lines.append("| Stub, no pool: router adds ≤ 50 ns per create() | %s ns | %s |" % (
            with_error(added, "%+.1f ± %.1f"), verdict(added.value <= 50, added.value - added.error <= 50)))
        lines.append("| Stub, no pool: router adds ≤ 64 B per create() | %+.0f B | %s |" % (
            bytes_added, verdict(bytes_added <= 64)))
        if "spring" in stub:
            spring_added = difference(ns_per_op(stub["spring"]["score"]), ns_per_op(stub["direct"]["score"]))
            lines.append("| (reference) Stub, no pool: Spring's adds | %s ns, %+.0f B, %.2fx direct's throughput | — |"
                         % (with_error(spring_added, "%+.1f ± %.1f"),
                            stub["spring"]["alloc"].value - stub["direct"]["alloc"].value,
                            ratio(stub["spring"]["score"], stub["direct"]["score"]).value))
    for key, members in groups.items():
        cls = key[0]
        if cls not in POOLED_TARGETS or not all(c in members for c in CONTENDERS):
            continue
        direct, router, spring = (members[c]["score"] for c in ("direct", "router", "spring"))
        vs_direct = ratio(router, direct)
        lines.append("| %s: router ≥ 0.99x direct | %s | %s |" % (
            title_of(*key), with_error(vs_direct, "%.3f ± %.3f"),
            verdict(vs_direct.value >= 0.99, vs_direct.value + vs_direct.error >= 0.99)))
        vs_spring = ratio(router, spring)
        clearly = router.known and spring.known and router.value - router.error > spring.value + spring.error
        lines.append("| %s: router clearly ahead of Spring's | %s (%s vs %s ops/s) | %s |" % (
            title_of(*key), with_error(vs_spring, "%.2fx ± %.2f"), plus_minus(router), plus_minus(spring),
            "met" if clearly else ("ahead, not beyond the error" if vs_spring.value > 1 else "missed")))
    for cls, strategy, two, sixteen, cost in selection_verdicts(rows):
        lines.append("| %s %s: 16 replicas ≤ 2x the cost of 2 | %.1f ns → %.1f ns: %s | %s |" % (
            cls, strategy, two.value, sixteen.value, with_error(cost, "%.2fx ± %.2f"),
            verdict(cost.value <= 2.0, cost.value - cost.error <= 2.0)))
    return lines


def run_settings(results):
    if not results:
        return "no results"
    row = results[0]["row"]
    return ("JMH %s, %s %s (%s), forks %s, warmup %s x %s, measurement %s x %s, threads %s, jvmArgs %s" % (
        row.get("jmhVersion"), row.get("vmName"), row.get("vmVersion"), row.get("jdkVersion"), row.get("forks"),
        row.get("warmupIterations"), row.get("warmupTime"), row.get("measurementIterations"),
        row.get("measurementTime"), row.get("threads"), " ".join(a for a in row.get("jvmArgs", [])
                                                                if not a.startswith("-Dcluster.env"))))


def chart_settings(results):
    row = results[0]["row"]
    return "JMH %s, JDK %s; %s forks x %s x %s after %s x %s warmup; error bars: 99.9%% confidence" % (
        row.get("jmhVersion"), row.get("jdkVersion"), row.get("forks"), row.get("measurementIterations"),
        row.get("measurementTime"), row.get("warmupIterations"), row.get("warmupTime"))


def markdown(results, source, machine):
    groups = comparisons(results)
    rows = singles(results)
    out = ["# r2dbc-routing benchmark results", "",
           "Generated by `benchmarks/render_results.py` from `%s`." % os.path.basename(source), "",
           "- Run: " + run_settings(results)]
    if machine:
        out.append("- Machine: " + machine)
    first = results[0]["row"]
    if first.get("warmupIterations", 0) == 0 or first.get("measurementIterations", 0) * first.get("forks", 1) < 3:
        out.append("- **Too short to mean anything** (no warmup, or fewer than 3 measurements): a smoke run that "
                   "only shows the benchmarks work. The verdicts below are not measurements.")
    out += ["- Errors are JMH's 99.9% confidence half-widths; ns/op is 1e9 / (ops/s); B/op is `gc.alloc.rate.norm`."
            " Derived errors (differences, ratios) combine the inputs' errors in quadrature.", "",
            "## Targets", ""]
    out += targets(groups, rows)
    out += ["", "## Direct vs router vs Spring's", ""]
    out += comparison_table(groups)
    selection = [r for r in rows if "strategy" in r["params"] and "replicas" in r["params"]]
    others = [r for r in rows if r not in selection]
    if selection:
        out += ["", "## Replica selection", ""]
        out += singles_table(selection)
    if others:
        out += ["", "## Other benchmarks", ""]
        out += singles_table(others)
    return "\n".join(out) + "\n"


# --- SVG ----------------------------------------------------------------------------------------------------

def compact(value):
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return ("%.3g" % (value / limit)) + suffix
    return "%.3g" % value


def nice_max(value):
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * exponent >= value:
            return step * exponent
    return 10 * exponent


def text(x, y, content, size=11, anchor="middle", weight="normal", fill="#222"):
    return ('<text x="%.1f" y="%.1f" font-size="%d" text-anchor="%s" font-weight="%s" fill="%s">%s</text>'
            % (x, y, size, anchor, weight, fill, html.escape(content)))


def panel(x0, y0, width, height, title, bars, unit):
    """One small chart: bars is a list of (label, Score, color, note)."""
    parts = [text(x0 + width / 2, y0 + 14, title, 12, weight="bold")]
    top, bottom, left = y0 + 30, y0 + height - 34, x0 + 46
    right = x0 + width - 8
    peak = nice_max(max(b[1].value + b[1].error for b in bars) * 1.08)
    for i in range(5):
        value = peak * i / 4
        y = bottom - (bottom - top) * i / 4
        parts.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e3e3e3"/>' % (left, y, right, y))
        parts.append(text(left - 4, y + 4, compact(value), 9, anchor="end", fill="#666"))
    parts.append(text(x0 + 10, (top + bottom) / 2, unit, 9, fill="#666").replace(
        "<text ", '<text transform="rotate(-90 %.1f %.1f)" ' % (x0 + 10, (top + bottom) / 2), 1))
    slot = (right - left) / len(bars)
    bar_width = min(slot * 0.62, 70)
    for i, (label, score, color, note) in enumerate(bars):
        cx = left + slot * (i + 0.5)
        h = (bottom - top) * score.value / peak
        parts.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s ± %s %s</title>'
                     '</rect>' % (cx - bar_width / 2, bottom - h, bar_width, h, color, html.escape(label),
                                  fmt(score.value), fmt(score.error), unit))
        if score.error > 0:
            hi = bottom - (bottom - top) * min(score.value + score.error, peak) / peak
            lo = bottom - (bottom - top) * max(score.value - score.error, 0) / peak
            parts.append('<path d="M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f" stroke="#222" fill="none"/>'
                         % (cx, hi, lo, cx - 5, hi, cx + 5, cx - 5, lo, cx + 5))
        label_y = bottom - (bottom - top) * min(score.value + score.error, peak) / peak - 4
        parts.append(text(cx, label_y, compact(score.value), 9))
        parts.append(text(cx, bottom + 13, label, 10))
        if note:
            parts.append(text(cx, bottom + 26, note, 9, fill="#555"))
    parts.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#444"/>' % (left, bottom, right, bottom))
    return parts


def svg_document(width, height, title, subtitle, legend, panels):
    lines = subtitle.split("\n")
    shift = 13 * (len(lines) - 1)
    height += shift
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
             'font-family="Helvetica, Arial, sans-serif">' % (width, height, width, height),
             '<rect width="100%" height="100%" fill="#fff"/>',
             text(width / 2, 22, title, 15, weight="bold")]
    for i, line in enumerate(lines):
        parts.append(text(width / 2, 40 + 13 * i, line, 10, fill="#555"))
    x = 20
    for label, color in legend:
        parts.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>' % (x, 50 + shift, color))
        parts.append(text(x + 16, 60 + shift, label, 11, anchor="start"))
        x += 26 + 7 * len(label)
    parts.append('<g transform="translate(0 %d)">' % shift)
    parts += panels
    parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def grid(count, columns, panel_width, panel_height, top):
    for index in range(count):
        yield 20 + (index % columns) * panel_width, top + (index // columns) * panel_height


def comparison_chart(results, subtitle):
    groups = comparisons(results)
    columns, panel_width, panel_height, top = 3, 330, 230, 72
    rows = max(1, math.ceil(len(groups) / columns))
    panels = []
    for (key, members), (x, y) in zip(groups.items(), grid(len(groups), columns, panel_width, panel_height, top)):
        bars = []
        direct = members.get("direct")
        for name in CONTENDERS:
            if name in members:
                score = members[name]["score"]
                note = ""
                if direct is not None and name != "direct":
                    note = "%.2fx direct" % (score.value / direct["score"].value)
                bars.append((name if name != "router" else "router", score, COLORS[name], note))
        panels += panel(x, y, panel_width - 16, panel_height - 10, title_of(*key), bars, "ops/s")
    legend = [(LABELS[c], COLORS[c]) for c in CONTENDERS]
    return svg_document(columns * panel_width + 24, top + rows * panel_height + 10,
                        "r2dbc-routing vs direct vs Spring: throughput (ops/s, higher is better)", subtitle, legend,
                        panels)


def selection_chart(results, subtitle):
    rows = [r for r in singles(results) if "replicas" in r["params"] and "strategy" in r["params"]]
    by_class = OrderedDict()
    for result in sorted(rows, key=lambda r: r["class"], reverse=True):
        by_class.setdefault(result["class"], []).append(result)
    colors = {"2": "#9ecae1", "16": "#2171b5"}
    panels = []
    columns, panel_width, panel_height, top = 4, 250, 220, 72
    index = 0
    names = {"ReplicaSelectorBenchmark": "select()", "ReplicaCountBenchmark": "router create+close"}
    for cls, members in by_class.items():
        strategies = OrderedDict()
        for result in members:
            strategies.setdefault(result["params"]["strategy"], {})[result["params"]["replicas"]] = result
        for strategy in ("round-robin", "random", "weighted", "least-in-use"):
            sizes = strategies.get(strategy)
            if not sizes:
                continue
            x, y = 20 + (index % columns) * panel_width, top + (index // columns) * panel_height
            bars = []
            for replicas in ("2", "16"):
                if replicas in sizes:
                    note = ""
                    if replicas == "16" and "2" in sizes:
                        note = "%.2fx the cost" % (ns_per_op(sizes["16"]["score"]).value
                                                   / ns_per_op(sizes["2"]["score"]).value)
                    bars.append(("%s replicas" % replicas, ns_per_op(sizes[replicas]["score"]), colors[replicas],
                                 note))
            panels += panel(x, y, panel_width - 16, panel_height - 10, "%s: %s" % (names.get(cls, cls), strategy),
                            bars, "ns/op")
            index += 1
    if not panels:
        return None
    legend = [("2 replicas", colors["2"]), ("16 replicas", colors["16"])]
    return svg_document(columns * panel_width + 24, top + math.ceil(index / columns) * panel_height + 10,
                        "Replica selection cost by strategy (ns/op, lower is better)", subtitle, legend, panels)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", help="JMH JSON result file")
    parser.add_argument("--markdown", help="write the Markdown tables here")
    parser.add_argument("--chart", help="write the direct/router/Spring SVG chart here")
    parser.add_argument("--selection-chart", help="write the replica-selection SVG chart here")
    parser.add_argument("--machine", default="", help="a line describing the machine")
    args = parser.parse_args(argv)

    results = load(args.results)
    if not results:
        print("render_results: %s holds no results" % args.results, file=sys.stderr)
        return 1
    subtitle = chart_settings(results)
    if args.machine:
        subtitle = args.machine + "\n" + subtitle
    report = markdown(results, args.results, args.machine)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as handle:
            handle.write(report)
    else:
        sys.stdout.write(report)
    if args.chart:
        with open(args.chart, "w", encoding="utf-8") as handle:
            handle.write(comparison_chart(results, subtitle))
    if args.selection_chart:
        chart = selection_chart(results, subtitle)
        if chart:
            with open(args.selection_chart, "w", encoding="utf-8") as handle:
                handle.write(chart)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
