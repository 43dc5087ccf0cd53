"""What a calibration hands over: the calibrated scenario file and the fit report.

The calibrated scenario is the original file's tables with the fitted values set, and a
comment block at its head saying what was fitted, to what, and how well; it loads like
any scenario, so ``cxsim compare`` runs from it. The report is a directory of CSV tables
(fit, sensitivity, identification, search history), the fit figure and a JSON summary
with the seeds, the scenario hash and the package versions.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from cxsim.analysis.fitting import CalibrationResult
from cxsim.config.files import read_toml
from cxsim.config.scenario import Scenario, apply_override
from cxsim.core.provenance import package_versions
from cxsim.report.figures import calibration_fit
from cxsim.validation.errors import InputError

__all__ = ["calibrated_tables", "describe_fit", "write_report", "write_scenario"]


def calibrated_tables(result: CalibrationResult) -> dict[str, Any]:
    """The scenario's own tables (as in its file) with the fitted values set.

    The name gains ``-calibrated``, so results tell it from the scenario it came from.
    """
    tables = _fitted_tables(result)
    header = tables.setdefault("scenario", {})
    header["name"] = f"{result.calibration.scenario.name}-calibrated"
    narrowed = narrowed_uncertainty(result)
    if narrowed:
        tables["uncertainty"] = {**tables.get("uncertainty", {}), **narrowed}
    return tables


def narrowed_uncertainty(result: CalibrationResult) -> dict[str, Any]:
    """The fitted parameters as ``[uncertainty]`` entries: what the fit leaves unknown.

    An identified parameter becomes a triangular distribution, most likely at its fitted
    value, reaching two of its approximate standard deviations either side (the
    identification's (S^T S)^-1), within the calibration's range; one the targets do not
    identify keeps the whole range, uniform. A whole-number parameter is not drawn.
    """
    entries: dict[str, Any] = {}
    identified = result.identification.set_index("parameter")
    for parameter in result.calibration.free:
        if parameter.integer:
            continue
        fitted = float(result.fitted[parameter.path])
        share = float(identified.loc[parameter.path, "uncertainty_share_of_range"])
        width = parameter.high - parameter.low
        if not np.isfinite(share):
            entries[parameter.path] = {
                "distribution": "uniform",
                "low": parameter.low,
                "high": parameter.high,
            }
            continue
        low = _rounded(max(parameter.low, fitted - 2.0 * share * width))
        high = _rounded(min(parameter.high, fitted + 2.0 * share * width))
        mode = min(max(_rounded(fitted), low), high)
        if not low < high:
            entries[parameter.path] = {"fixed": _rounded(fitted)}
            continue
        entries[parameter.path] = {
            "distribution": "triangular",
            "low": low,
            "mode": mode,
            "high": high,
        }
    return entries


def _fitted_tables(result: CalibrationResult) -> dict[str, Any]:
    calibration = result.calibration
    scenario = calibration.scenario
    fitted = {path: _rounded(value) for path, value in result.fitted.items()}
    wanted = scenario.with_overrides(fitted).model_hash()
    if scenario.source and Path(scenario.source).is_file():
        tables = read_toml(scenario.source, "scenario")
        try:
            for path, value in {**calibration.overrides, **fitted}.items():
                apply_override(tables, path, value)
            if Scenario.from_dict(tables).model_hash() == wanted:
                return tables
        except InputError:
            pass
    # the file's own tables cannot carry the fit (a path through a name the file does
    # not give): write the whole scenario instead, defaults included
    tables = copy.deepcopy(scenario.to_dict())
    for path, value in fitted.items():
        apply_override(tables, path, value)
    return tables


def _rounded(value: Any) -> Any:
    """Fitted values to six significant digits: what the fit can tell, no more."""
    return value if isinstance(value, int) else float(f"{value:.6g}")


def describe_fit(result: CalibrationResult) -> list[str]:
    """The fit in plain lines: what was fitted, to what, and how well."""
    c = result.calibration
    met = int(result.fit["met"].sum())
    lines = [
        f"Calibrated from {c.scenario.source or c.scenario.name} by the method of simulated "
        f"moments ({c.method}, {result.evaluations} points, {c.reps} replications each, "
        f"seed {c.seed}).",
        "Fitted:",
    ]
    for row in result.identification.itertuples():
        lines.append(
            f"  {row.parameter} = {_rounded(row.fitted)!r}  (range {row.low:g} to "
            f"{row.high:g}; {row.note})"
        )
    lines.append(
        f"Targets met on {len(result.check_seeds)} fresh seeds: {met} of {len(result.fit)}"
    )
    for row in result.fit.itertuples():
        scale = (
            f"standard error {row.tolerance:.3g}, met within 1.96 of them"
            if row.scale_is == "standard error"
            else f"+- {row.tolerance:.3g}"
        )
        lines.append(
            f"  {row.target}: observed {row.observed:.4g} {scale}, simulated "
            f"{row.simulated:.4g} [{row.low:.4g}, {row.high:.4g}] "
            + ("met" if row.met else "NOT met")
        )
    if result.warnings:
        lines.append("Warnings:")
        lines.extend(f"  {w}" for w in result.warnings)
    lines.append("Other scenarios take the same fit with:")
    lines.append("  " + " ".join(f"--set {p}={_rounded(v)!r}" for p, v in result.fitted.items()))
    return lines


def write_scenario(result: CalibrationResult, path: str | Path) -> Path:
    """Write the calibrated scenario TOML (checked to load) with its comment block."""
    path = Path(path)
    tables = calibrated_tables(result)
    scenario = Scenario.from_dict(tables, source=str(path))
    fitted = {p: _rounded(v) for p, v in result.fitted.items()}
    if scenario.model_hash() != result.calibration.scenario.with_overrides(fitted).model_hash():
        raise AssertionError("the calibrated scenario differs from the fitted one")
    header = "\n".join(f"# {line}" if line else "#" for line in describe_fit(result))
    header += f"\n# Scenario hash after calibration: {scenario.hash()}\n\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + tomli_w.dumps(tables), encoding="utf-8")
    return path


def write_report(result: CalibrationResult, out_dir: str | Path) -> dict[str, Path]:
    """Write the fit report: tables, figure and a JSON summary with provenance."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "fit": out / "fit.csv",
        "sensitivity": out / "sensitivity.csv",
        "sensitivity_noise": out / "sensitivity_noise.csv",
        "identification": out / "identification.csv",
        "history": out / "history.csv",
        "summary": out / "calibration.json",
    }
    result.fit.to_csv(files["fit"], index=False)
    result.sensitivity.rename_axis("target").to_csv(files["sensitivity"])
    result.sensitivity_noise.rename_axis("target").to_csv(files["sensitivity_noise"])
    result.identification.to_csv(files["identification"], index=False)
    result.history.to_csv(files["history"], index=False)
    files["figure"], files["figure_svg"] = calibration_fit(result.fit, out)
    files["summary"].write_text(json.dumps(summary(result), indent=2), encoding="utf-8")
    return files


def summary(result: CalibrationResult) -> dict[str, Any]:
    """The calibration as one JSON-ready object."""
    c = result.calibration
    return {
        "scenario": c.scenario.source or c.scenario.name,
        "scenario_hash": c.scenario.hash(),
        "calibrated_scenario_hash": Scenario.from_dict(calibrated_tables(result)).hash(),
        "method": c.method,
        "reps": c.reps,
        "budget": c.budget,
        "seed": c.seed,
        "check_seeds": result.check_seeds,
        "evaluations": result.evaluations,
        "distance": result.distance,
        "optimiser": result.message,
        "fitted": result.fitted,
        "fit": json.loads(result.fit.to_json(orient="records")),
        "identification": json.loads(result.identification.to_json(orient="records")),
        "sensitivity": json.loads(result.sensitivity.to_json(orient="index")),
        "warnings": result.warnings,
        "versions": package_versions(),
    }
