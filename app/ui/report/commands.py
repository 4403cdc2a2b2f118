"""The report commands: name -> (help, add arguments, run)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from app.ui.report import kpis_cli, transcript_cli

AddArguments = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], int]

COMMANDS: dict[str, tuple[str, AddArguments, Run]] = {}
COMMANDS["transcript"] = (transcript_cli.HELP, transcript_cli.add_arguments, transcript_cli.run)
COMMANDS["kpis"] = (kpis_cli.HELP, kpis_cli.add_arguments, kpis_cli.run)
