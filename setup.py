"""The one compiled part: the near-duplicate engine's word table and
feature packing (src/wiredesk/syndication/_native.c).

Everything else is in pyproject.toml. The extension is optional: where no C compiler is
available the install still succeeds and wiredesk uses its pure-Python path, which gives the
same fingerprints, a little slower (docs/operations.md, "Installing").
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "wiredesk.syndication._native",
            ["src/wiredesk/syndication/_native.c"],
            optional=True,
        )
    ]
)
