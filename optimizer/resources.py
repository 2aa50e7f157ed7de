"""Files that ship inside the package: the embedded datasets (``inputs/``) and the scenario files (``models/``).

The repository keeps ``inputs/`` and ``models/`` at its top level; ``pyproject.toml`` maps them into the package as
``optimizer._inputs`` and ``optimizer._models``, so that they are found through :mod:`importlib.resources` the same
way from a wheel installed anywhere and from an editable install of a checkout (where they are the checkout's own
folders, so an edit of a scenario file is seen at once).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from optimizer.errors import InputError, Problem

INPUTS_PACKAGE = "optimizer._inputs"
MODELS_PACKAGE = "optimizer._models"
DEFAULT_DATASETS = ("pax_silica_2025", "example")  # the first one present is the default input


def _folder(package: str, what: str) -> Path:
    """The folder of a resource package, as a real path (pip installs wheels unzipped, so it is one)."""
    try:
        root = resources.files(package)
    except ModuleNotFoundError:
        raise InputError([Problem("paxsilica", f"the {what} are missing from this installation (no package "
                                               f"{package}); reinstall paxsilica")]) from None
    path = Path(str(root))
    if not path.is_dir():
        raise InputError([Problem("paxsilica", f"the {what} of this installation are not a folder ({root}); "
                                               "install paxsilica from its wheel, not as a zip")])
    return path


def inputs_dir() -> Path:
    """The folder of the embedded datasets (``inputs/`` of the repository)."""
    return _folder(INPUTS_PACKAGE, "embedded datasets")


def models_dir() -> Path:
    """The folder of the scenario files (``models/`` of the repository)."""
    return _folder(MODELS_PACKAGE, "scenario files")


def shown(path: Path) -> Path:
    """``path`` as a user would write it: relative to the working directory when it lies below it."""
    try:
        cwd = Path.cwd()
    except OSError:  # the working directory was removed
        return path
    return path.relative_to(cwd) if path.is_relative_to(cwd) else path


def default_input() -> Path:
    """The embedded default dataset: ``inputs/pax_silica_2025`` (or ``inputs/example`` when it is absent).

    Raises
    ------
    InputError
        The installation holds no embedded dataset.
    """
    root = inputs_dir()
    for name in DEFAULT_DATASETS:
        if (root / name).is_dir():
            return shown(root / name)
    raise InputError([Problem("paxsilica", f"no embedded dataset in {root} (expected one of "
                                           f"{', '.join(DEFAULT_DATASETS)}); give an INPUT")])


def embedded(path: Path) -> Path | None:
    """Where a repository-relative path such as ``inputs/example`` or ``models/x.toml`` is in this installation."""
    parts = Path(path).parts
    if len(parts) < 2 or parts[0] not in ("inputs", "models"):
        return None
    base = inputs_dir() if parts[0] == "inputs" else models_dir()
    found = base.joinpath(*parts[1:])
    return found if found.exists() else None


def scenario_names() -> list[str]:
    """The scenarios shipped in ``models/`` (file stems), sorted."""
    return sorted(p.stem for p in models_dir().glob("*.toml"))


__all__ = ["default_input", "embedded", "inputs_dir", "models_dir", "scenario_names", "shown"]
