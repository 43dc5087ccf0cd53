"""Speed and scaling of one run, as ratios taken in one process.

Usage: python benchmarks/bench_model.py [--repeats N] [--json FILE]

Reports, for the siloed baseline (192 employees, 20,000 customers, 104 weeks), the
time of one replication, weeks per second and cases per second, and the time of the
transformation scenario (five interventions) against it; then how time per
case changes when customers double at fixed headcount, and how time per week changes
when employees double at fixed customers. Machines here are shared and noisy, so every
figure is the best of several repeats and the scaling figures are ratios measured
side by side in the same process.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import platform
import pstats
import statistics
import time
from pathlib import Path

from cxsim import OrganizationModel, Scenario

ROOT = Path(__file__).resolve().parents[1]
SILOED = ROOT / "scenarios" / "siloed.toml"
TRANSFORMATION = ROOT / "scenarios" / "transformation.toml"


def scaled(customers_factor: float = 1.0, employees_factor: float = 1.0) -> Scenario:
    base = Scenario.load(SILOED)
    # headcount held fixed: scaling customers must not scale the workforce with them
    overrides = {
        "customers.count": int(base.parameters.customers.count * customers_factor),
        "staffing.plan": False,
        "warm_up.weeks": 0,  # the weekly cost, measured on the reported weeks alone
    }
    for d in base.departments:
        overrides[f"departments.{d.name}.headcount"] = max(1, round(d.headcount * employees_factor))
    return Scenario.load(SILOED, overrides=overrides)


def timed_run(scenario: Scenario, seed: int, weeks: int) -> tuple[float, int]:
    start = time.perf_counter()
    model = OrganizationModel(scenario, seed=seed)
    model.run(weeks)
    return time.perf_counter() - start, model.cases_seen_


def best(scenario: Scenario, repeats: int, weeks: int) -> dict[str, float]:
    runs = [timed_run(scenario, seed, weeks) for seed in range(repeats)]
    seconds = min(t for t, _ in runs)
    cases = statistics.mean(c for _, c in runs)
    simulated = weeks + scenario.parameters.warm_up.weeks
    return {
        "seconds": seconds,
        "median_seconds": statistics.median(t for t, _ in runs),
        "weeks_simulated": simulated,
        "weeks_per_second": simulated / seconds,
        "cases": cases,
        "cases_per_second": cases / seconds,
        "seconds_per_case": seconds / cases,
        "seconds_per_week": seconds / weeks,
    }


def python_calls(scenario: Scenario, weeks: int = 10) -> float:
    """Python-level function calls per week, counted by cProfile (not timed)."""
    model = OrganizationModel(scenario.with_overrides({"turnover.base_quit": 0.0}), seed=1)
    model.run(2)
    profile = cProfile.Profile()
    profile.runcall(model.run, weeks)
    return pstats.Stats(profile).total_calls / weeks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    weeks = Scenario.load(SILOED).weeks
    timed_run(scaled(), 99, 4)  # warm imports and caches

    baseline = best(Scenario.load(SILOED), args.repeats, weeks)
    cold = best(Scenario.load(SILOED, {"warm_up.weeks": 0}), args.repeats, weeks)
    programme = best(Scenario.load(TRANSFORMATION), args.repeats, weeks)
    customers = {f: best(scaled(customers_factor=f), args.repeats, weeks) for f in (0.5, 1.0, 2.0)}
    employees = {f: best(scaled(employees_factor=f), args.repeats, weeks) for f in (1.0, 2.0, 4.0)}
    calls = {f: python_calls(scaled(customers_factor=f)) for f in (0.5, 2.0)}

    figures = {
        "machine": f"{platform.machine()} {platform.python_implementation()} "
        f"{platform.python_version()}",
        "siloed_baseline": baseline,
        "siloed_baseline_without_warm_up": cold,
        "warm_up_ratio": baseline["seconds"] / cold["seconds"],
        "transformation": programme,
        "transformation_ratio": programme["seconds"] / baseline["seconds"],
        "per_case_ratio_when_customers_double": customers[2.0]["seconds_per_case"]
        / customers[1.0]["seconds_per_case"],
        "per_case_ratio_when_customers_halve": customers[0.5]["seconds_per_case"]
        / customers[1.0]["seconds_per_case"],
        "per_week_ratio_when_employees_double": employees[2.0]["seconds_per_week"]
        / employees[1.0]["seconds_per_week"],
        "per_week_ratio_when_employees_quadruple": employees[4.0]["seconds_per_week"]
        / employees[1.0]["seconds_per_week"],
        "python_calls_per_week": {int(20000 * f): c for f, c in calls.items()},
    }
    warm = baseline["weeks_simulated"] - weeks
    print(f"siloed baseline, {warm} weeks' warm-up and {weeks} reported, best of {args.repeats}:")
    median = baseline["median_seconds"]
    print(f"  one replication     {baseline['seconds']:.3f} s (median {median:.3f} s)")
    print(f"  weeks per second    {baseline['weeks_per_second']:.0f}")
    ratio = baseline["seconds"] / cold["seconds"]
    print(f"  without warm-up     {cold['seconds']:.3f} s (the warm-up costs x{ratio:.2f})")
    print(f"  cases per second    {cold['cases_per_second']:,.0f} (reported weeks)")
    ratio = programme["seconds"] / baseline["seconds"]
    print(f"  transformation      {programme['seconds']:.3f} s (x{ratio:.2f} the baseline)")
    staff = sum(d.headcount for d in Scenario.load(SILOED).departments)
    print(f"customers scaled at {staff} employees (time per case, relative to 20,000 customers):")
    for f, r in customers.items():
        ratio = r["seconds_per_case"] / customers[1.0]["seconds_per_case"]
        print(
            f"  x{f:<4} {int(20000 * f):>6} customers  {r['seconds']:.3f} s  per case x{ratio:.2f}"
        )
    print(f"employees scaled at 20,000 customers (time per week, relative to {staff} employees):")
    for f, r in employees.items():
        ratio = r["seconds_per_week"] / employees[1.0]["seconds_per_week"]
        people = round(staff * f)
        print(f"  x{f:<4} {people:>6} employees  {r['seconds']:.3f} s  per week x{ratio:.2f}")
    print("Python function calls per week (counted, not timed; flat in customers):")
    for f, c in calls.items():
        print(f"  {int(20000 * f):>6} customers  {c:,.0f} calls per week")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
