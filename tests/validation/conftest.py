"""A small valid case, written in code, and helpers to write it as a CSV directory or a workbook and check it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from optimizer.io.load import check_input

Frames = dict[str, pd.DataFrame]
NAN = float("nan")


def small_case() -> Frames:
    """Three countries, two products, two mines, two refineries, two fabs (one using both products), lanes ``*,*``."""
    return {
        "countries": pd.DataFrame({
            "country": ["USA", "CHN", "JPN"],
            "name": ["United States", "China", "Japan"],
            "bloc": ["pax_silica", "china", "pax_silica"],
        }),
        "products": pd.DataFrame({"product": ["Nd2O3", "Y2O3"], "description": ["neodymium oxide", "yttrium oxide"]}),
        "mines": pd.DataFrame({
            "mine": ["M_US", "M_CN"],
            "country": ["USA", "CHN"],
            "capacity_t": [1000.0, 5000.0],
            "cost_usd_per_t": [50.0, 20.0],
            "source": ["USGS 2024", "USGS 2024"],  # an extra column: ignored
        }),
        "composition": pd.DataFrame({
            "mine": ["M_US", "M_US", "M_CN", "M_CN"],
            "product": ["Nd2O3", "Y2O3", "Nd2O3", "Y2O3"],
            "share": [0.2, 0.05, 0.15, 0.1],
        }),
        "refineries": pd.DataFrame({
            "refinery": ["R_US", "R_CN"],
            "country": ["USA", "CHN"],
            "capacity_tpa": [0.0, 4000.0],
            "opex_usd_per_t": [100.0, 40.0],
            "recovery": [0.9, 0.95],
            "max_new_tpa": [2000.0, 0.0],
            "capex_usd_per_tpa": [500.0, 0.0],
            "build": ["continuous", "none"],
        }),
        "fabs": pd.DataFrame({
            "fab": ["F_US", "F_US", "F_JP"],
            "country": ["USA", "USA", "JPN"],
            "product": ["Nd2O3", "Y2O3", "Nd2O3"],
            "demand_t": [10.0, 5.0, 8.0],
            "unmet_penalty_usd_per_t": [NAN, NAN, 100000.0],
        }),
        "lanes": pd.DataFrame({"from_country": ["*"], "to_country": ["*"], "cost_usd_per_t": [30.0]}),
        "caps": pd.DataFrame({"cap": ["china_any"], "supplier": ["china"], "stage": ["any"], "max_share": [0.5]}),
        "parameters": pd.DataFrame({"name": ["discount_rate"], "value": ["0.07"]}),
        "README": pd.DataFrame({"text": ["an unknown sheet: ignored"]}),
    }


def write_csv_dir(path: Path, frames: Frames) -> Path:
    """Write one ``<sheet>.csv`` per frame into ``path`` (created)."""
    path.mkdir(parents=True, exist_ok=True)
    for sheet, frame in frames.items():
        frame.to_csv(path / f"{sheet}.csv", index=False)
    return path


def write_workbook(path: Path, frames: Frames) -> Path:
    """Write one sheet per frame into the workbook ``path``."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet, frame in frames.items():
            frame.to_excel(writer, sheet_name=sheet, index=False)
    return path


@pytest.fixture
def case() -> Frames:
    """A fresh copy of the small valid case, to change in a test."""
    return small_case()


@pytest.fixture
def problems_in(tmp_path: Path) -> Callable[..., list[str]]:
    """``problems_in(frames, kind="csv")`` -> every problem reported for the frames written as ``kind``."""
    counter = iter(range(1000))

    def run(frames: Frames, kind: str = "csv") -> list[str]:
        n = next(counter)
        if kind == "csv":
            where = write_csv_dir(tmp_path / f"case{n}", frames)
        else:
            where = write_workbook(tmp_path / f"case{n}.xlsx", frames)
        return [str(p) for p in check_input(where)]

    return run
