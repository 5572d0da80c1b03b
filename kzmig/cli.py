"""The one entry point: `kzmig <command>`."""

from __future__ import annotations

import argparse
import importlib
import sys

from kzmig.project import KzmigError

# Each command lives in its own module exposing add_parser(subparsers).
COMMANDS = ["build", "run", "load", "export", "generate", "bench"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kzmig", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"kzmig.{name}").add_parser(subparsers)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KzmigError as error:
        print(f"kzmig: error: {error}", file=sys.stderr)
        if getattr(error, "log_path", None) is not None:
            print(f"kzmig: the full log is in {error.log_path}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kzmig: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
