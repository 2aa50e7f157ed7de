"""The ``paxsilica`` command line: a Click group; each command lives in its own module and calls the library.

A new command is a module in this package defining a ``click.Command``, registered with one line below.
"""

from __future__ import annotations

import click

from optimizer import __version__
from optimizer.cli.common import Group


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paxsilica")
def main() -> None:
    """Optimise the rare-earth supply chain: mines -> refineries -> chip fabs, under dependence caps."""


from optimizer.cli.alternatives import alternatives  # noqa: E402
from optimizer.cli.batch import batch  # noqa: E402
from optimizer.cli.compare import compare  # noqa: E402
from optimizer.cli.report import report  # noqa: E402
from optimizer.cli.sensitivity import sensitivity  # noqa: E402
from optimizer.cli.solve import solve  # noqa: E402
from optimizer.cli.stress import stress  # noqa: E402
from optimizer.cli.sweep import sweep  # noqa: E402
from optimizer.cli.template import template  # noqa: E402
from optimizer.cli.validate import validate  # noqa: E402

main.add_command(solve)
main.add_command(validate)
main.add_command(template)
main.add_command(report)
main.add_command(sweep)
main.add_command(stress)
main.add_command(compare)
main.add_command(batch)
main.add_command(sensitivity)
main.add_command(alternatives)
