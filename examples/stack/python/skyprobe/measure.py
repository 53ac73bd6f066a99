"""The metrics: astrometric repeatability, photometric scatter, matched
fraction and count, and the run time, from the matched groups."""

import math
import statistics
import time

from .matching import match_visits, project


def group_scatter(group, centre):
    """(astrometric rms in mas, photometric rms in mmag, mean mag) of one
    star seen in every visit; sample statistics (n - 1)."""
    points = [project(s, centre) for s in group]
    n = len(points)
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    astrom = math.sqrt(
        sum((x - mx) ** 2 + (y - my) ** 2 for x, y in points) / (n - 1)
    )
    mags = [s.mag for s in group]
    phot = statistics.stdev(mags) * 1000.0
    return astrom, phot, statistics.fmean(mags)


def measure(dataset, match_radius=0.5, bright_mag=21.0):
    """Measures the dataset; returns {metric: (value, unit, extras)}."""
    started = time.perf_counter()
    groups, n_reference, centre = match_visits(dataset.visits, match_radius)
    stats = [group_scatter(g, centre) for g in groups]
    bright = [s for s in stats if s[2] < bright_mag]
    if bright:
        astrom = statistics.median(s[0] for s in bright)
        phot = statistics.median(s[1] for s in bright)
    else:
        astrom = phot = float("nan")
    extras = {
        "n_stars": (len(bright), "", "bright stars measured"),
        "bright_mag": (bright_mag, "mag", "faintest mean magnitude used"),
    }
    fraction = 100.0 * len(groups) / n_reference if n_reference else math.nan
    return {
        "astrom_rms": (astrom, "marcsec", extras),
        "phot_rms": (phot, "mmag", extras),
        "matched_fraction": (fraction, "%", {}),
        "n_matched": (float(len(groups)), "", {}),
        "run_time": (time.perf_counter() - started, "s", {}),
    }
