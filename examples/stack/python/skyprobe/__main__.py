"""``skyprobe measure DATASET_DIR --output DIR``: measures one dataset and
writes ``DIR/skyprobe_<dataset>.verify.json``."""

import argparse
import math
import os
import sys

from . import PACKAGE, __version__
from .catalog import DatasetError, read_dataset
from .measure import measure
from .verify_job import make_job, write_job


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog=PACKAGE,
        description="Astrometric and photometric repeatability of "
        "multi-visit star catalogues, as lsst.verify jobs.",
    )
    parser.add_argument("--version", action="version",
                        version=f"{PACKAGE} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("measure", help="measure one dataset")
    run.add_argument("dataset", help="dataset directory (with dataset.json)")
    run.add_argument("--output", required=True,
                     help="directory the verify job is written to")
    run.add_argument("--match-radius", type=float, default=0.5,
                     help="cross-match radius in arcsec (default 0.5)")
    run.add_argument("--bright-mag", type=float, default=21.0,
                     help="faintest mean magnitude measured (default 21.0)")
    return parser.parse_args(argv)


def format_value(value, unit):
    return "n/a" if math.isnan(value) else f"{value:.3f} {unit}".rstrip()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        dataset = read_dataset(args.dataset)
    except DatasetError as error:
        print(f"skyprobe: {error}", file=sys.stderr)
        return 2
    print(f"skyprobe {__version__}: dataset {dataset.name} "
          f"({dataset.instrument}, {dataset.filter_name}), "
          f"{len(dataset.visits)} visits")
    results = measure(dataset, args.match_radius, args.bright_mag)
    for metric, (value, unit, _extras) in results.items():
        print(f"  {PACKAGE}.{metric:<17} {format_value(value, unit)}")
    os.makedirs(args.output, exist_ok=True)
    path = os.path.join(args.output, f"{PACKAGE}_{dataset.name}.verify.json")
    write_job(make_job(dataset, results, vars(args)), path)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
