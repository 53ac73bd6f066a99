"""Reading a dataset: ``dataset.json`` and one CSV star catalogue per visit."""

import csv
import json
import os
from dataclasses import dataclass


class DatasetError(Exception):
    """The dataset directory is missing a file or holds a malformed one."""


@dataclass(frozen=True)
class Source:
    """One detection in one visit."""

    source_id: int
    ra: float  # degrees
    dec: float  # degrees
    mag: float
    mag_err: float


@dataclass(frozen=True)
class Visit:
    visit: int
    mjd: float
    sources: list


@dataclass(frozen=True)
class Dataset:
    name: str
    instrument: str
    filter_name: str
    visits: list
    description: str = ""


COLUMNS = ("source_id", "ra", "dec", "mag", "mag_err")


def read_visit(path):
    """Reads one visit catalogue; every problem names the file and line."""
    sources = []
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise DatasetError(
                    f"{path}: missing column(s) {', '.join(missing)}"
                )
            for row in reader:
                try:
                    sources.append(
                        Source(
                            int(row["source_id"]),
                            float(row["ra"]),
                            float(row["dec"]),
                            float(row["mag"]),
                            float(row["mag_err"]),
                        )
                    )
                except (TypeError, ValueError) as error:
                    raise DatasetError(
                        f"{path}:{reader.line_num}: {error}"
                    ) from error
    except OSError as error:
        raise DatasetError(f"{path}: {error.strerror}") from error
    return sources


def read_dataset(directory):
    """Reads ``dataset.json`` and the visits it lists."""
    manifest = os.path.join(directory, "dataset.json")
    try:
        with open(manifest, encoding="utf-8") as handle:
            info = json.load(handle)
    except OSError as error:
        raise DatasetError(f"{manifest}: {error.strerror}") from error
    except json.JSONDecodeError as error:
        raise DatasetError(f"{manifest}: {error}") from error
    try:
        visits = [
            Visit(
                int(v["visit"]),
                float(v["mjd"]),
                read_visit(os.path.join(directory, v["file"])),
            )
            for v in info["visits"]
        ]
        dataset = Dataset(
            name=str(info["name"]),
            instrument=str(info["instrument"]),
            filter_name=str(info["filter"]),
            visits=visits,
            description=str(info.get("description", "")),
        )
    except KeyError as error:
        raise DatasetError(f"{manifest}: missing key {error}") from error
    if len(dataset.visits) < 2:
        raise DatasetError(
            f"{manifest}: needs at least two visits to measure repeatability"
        )
    return dataset
