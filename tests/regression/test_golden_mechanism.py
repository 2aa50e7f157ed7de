"""The golden check fails on a real change and says how to accept it deliberately."""

from __future__ import annotations

import pytest

from tests.regression import golden


def test_changed_value_fails_with_update_instructions(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(golden, "GOLDEN_DIR", tmp_path)
    monkeypatch.setenv(golden.UPDATE_ENV, "first")
    golden.check_golden("case", {"objective_usd": 100.0, "builds": {"r@0": {"built": True}}})
    monkeypatch.delenv(golden.UPDATE_ENV)
    golden.check_golden("case", {"objective_usd": 100.00001, "builds": {"r@0": {"built": True}}})  # within 1e-6
    with pytest.raises(AssertionError) as err:
        golden.check_golden("case", {"objective_usd": 101.0, "builds": {"r@0": {"built": False}}})
    message = str(err.value)
    assert "/objective_usd: expected 100.0, got 101.0" in message
    assert "/builds/r@0/built: expected True, got False" in message
    assert golden.UPDATE_ENV in message
