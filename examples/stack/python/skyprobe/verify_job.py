"""Writing measurements as an lsst.verify job (``Job.write`` layout:
measurements, blobs, metrics, specs and meta; ``indent=2, sort_keys=True``;
NaN as null; extras as a blob named after the metric, referenced only when
not empty)."""

import json
import math
import os
import uuid

from . import PACKAGE, __version__


def identifier():
    return uuid.uuid4().hex


def datum(value, unit, description):
    return {"value": value, "unit": unit, "label": None,
            "description": description}


def make_job(dataset, results, settings):
    """The job document for ``results`` of :func:`skyprobe.measure.measure`."""
    shared = {
        "identifier": identifier(),
        "name": "SkyprobeMatch",
        "data": {
            "match_radius": datum(settings["match_radius"], "arcsec",
                                  "cross-match radius"),
            "n_visits": datum(len(dataset.visits), "", "visits matched"),
            "reference_visit": datum(dataset.visits[0].visit, "",
                                     "visit the others are matched to"),
        },
    }
    blobs = [shared]
    measurements = []
    for metric, (value, unit, extras) in results.items():
        refs = [shared["identifier"]]
        if extras:
            blob = {
                "identifier": identifier(),
                "name": f"{PACKAGE}.{metric}",
                "data": {k: datum(v, u, d) for k, (v, u, d) in extras.items()},
            }
            blobs.append(blob)
            refs.insert(0, blob["identifier"])
        measurements.append({
            "metric": f"{PACKAGE}.{metric}",
            "identifier": identifier(),
            "value": None if math.isnan(value) else value,
            "unit": unit,
            "blob_refs": refs,
        })
    meta = {
        "dataset_name": dataset.name,
        "instrument": dataset.instrument,
        "filter_name": dataset.filter_name,
        "visits": [v.visit for v in dataset.visits],
        "packages": {
            PACKAGE: {
                "name": PACKAGE,
                "git_branch": None,
                "git_url": None,
                "git_sha": os.environ.get("SKYPROBE_GIT_SHA") or None,
                "eups_version": __version__,
            }
        },
    }
    return {"measurements": measurements, "blobs": blobs, "metrics": [],
            "specs": [], "meta": meta}


def write_job(job, path):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(job, handle, indent=2, sort_keys=True)
