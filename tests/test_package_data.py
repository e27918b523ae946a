"""Every file wiredesk reads at run time ships in a built package, not only in a checkout.

An editable install (`pip install -e .`, what the README and the tests use) reads files from
the source tree, so a template or stylesheet that `[tool.setuptools.package-data]` does not
name goes unnoticed until someone runs `pip install .` or installs a wheel, and then the
site has no templates. This holds the globs against the tree: any non-Python file under
`src/wiredesk` must be matched by one of them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "wiredesk"
_NOT_DATA = {".py", ".pyc", ".c", ".so", ".pyd"}


def test_every_data_file_is_named_in_package_data() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["wiredesk"]
    shipped = {p for pattern in globs for p in PACKAGE.glob(pattern) if p.is_file()}
    data = {
        p
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix not in _NOT_DATA and "__pycache__" not in p.parts
    }
    missing = sorted(str(p.relative_to(PACKAGE)) for p in data - shipped)
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"
    assert any(p.name == "base.html" for p in shipped)  # the site's templates, above all
