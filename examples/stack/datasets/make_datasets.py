#!/usr/bin/env python3
"""Generates the two sample datasets, field_a and field_b: simulated star
catalogues of several visits of one small field each. Run once; the output
is committed (rerunning rewrites the same bytes: the seeds are fixed).

Each field has a set of true stars. Each visit detects them with a
magnitude-dependent centroid and flux noise (a floor plus a photon-noise
term that grows for faint stars), a small per-visit astrometric and
photometric zero-point offset, a few faint stars missed, and a few spurious
detections. skyprobe has to undo all of that by matching.
"""

import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

FIELDS = {
    "field_a": {
        "seed": 20240501,
        "description": "COSMOS-like field, good seeing, three visits",
        "instrument": "SkyprobeCam",
        "filter": "r",
        "centre": (150.10, 2.20),
        "half_width_deg": 0.05,
        "n_stars": 70,
        "mag_range": (16.5, 23.0),
        "visits": [(101, 60400.112, 0.7), (102, 60400.163, 0.8),
                   (103, 60401.097, 0.75)],
        "astrom_floor_mas": 4.0,
        "phot_floor_mmag": 3.0,
    },
    "field_b": {
        "seed": 20240502,
        "description": "southern field, poorer seeing, two visits",
        "instrument": "SkyprobeCam",
        "filter": "i",
        "centre": (53.15, -27.80),
        "half_width_deg": 0.05,
        "n_stars": 60,
        "mag_range": (16.5, 22.5),
        "visits": [(201, 60410.301, 1.0), (202, 60411.288, 1.1)],
        "astrom_floor_mas": 7.0,
        "phot_floor_mmag": 6.0,
    },
}


def noise(mag, floor, at20, seeing):
    """Total noise: the floor plus a photon term (at20 at mag 20), scaled
    by seeing."""
    photon = at20 * seeing * 10 ** (0.4 * (mag - 20.0))
    return math.hypot(floor, photon)


def simulate(name, spec):
    rng = random.Random(spec["seed"])
    ra0, dec0 = spec["centre"]
    w = spec["half_width_deg"]
    cosd = math.cos(math.radians(dec0))
    stars = [
        (ra0 + rng.uniform(-w, w) / cosd, dec0 + rng.uniform(-w, w),
         rng.uniform(*spec["mag_range"]))
        for _ in range(spec["n_stars"])
    ]
    out = os.path.join(HERE, name)
    os.makedirs(out, exist_ok=True)
    visits = []
    for visit, mjd, seeing in spec["visits"]:
        # Per-visit zero points: a shift of the whole catalogue.
        dra, ddec = rng.gauss(0, 3.0), rng.gauss(0, 3.0)  # mas
        dmag = rng.gauss(0, 0.002)
        rows = []
        for ra, dec, mag in stars:
            if mag > 22.0 and rng.random() < 0.3:
                continue  # missed: too faint in this visit
            sigma_mas = noise(mag, spec["astrom_floor_mas"], 6.0, seeing)
            sigma_mag = noise(mag, spec["phot_floor_mmag"], 5.0, seeing) / 1000
            rows.append((
                ra + (dra + rng.gauss(0, sigma_mas)) / 3.6e6 / cosd,
                dec + (ddec + rng.gauss(0, sigma_mas)) / 3.6e6,
                mag + dmag + rng.gauss(0, sigma_mag),
                sigma_mag,
            ))
        for _ in range(3):  # spurious detections (cosmic rays, artefacts)
            rows.append((ra0 + rng.uniform(-w, w) / cosd,
                         dec0 + rng.uniform(-w, w),
                         rng.uniform(21.5, 23.5), 0.08))
        rng.shuffle(rows)
        file = f"visit_{visit}.csv"
        with open(os.path.join(out, file), "w", encoding="utf-8",
                  newline="\n") as handle:
            handle.write("source_id,ra,dec,mag,mag_err\n")
            for i, (ra, dec, mag, err) in enumerate(rows):
                handle.write(f"{visit * 10000 + i},{ra:.7f},{dec:.7f},"
                             f"{mag:.4f},{err:.4f}\n")
        visits.append({"visit": visit, "mjd": mjd, "seeing_arcsec": seeing,
                       "file": file})
    manifest = {
        "name": name,
        "description": spec["description"],
        "instrument": spec["instrument"],
        "filter": spec["filter"],
        "visits": visits,
    }
    with open(os.path.join(out, "dataset.json"), "w", encoding="utf-8",
              newline="\n") as handle:
        json.dump(manifest, handle, indent=2)
        handle.write("\n")


if __name__ == "__main__":
    for field_name, field_spec in FIELDS.items():
        simulate(field_name, field_spec)
        print(f"wrote {os.path.join(HERE, field_name)}")
