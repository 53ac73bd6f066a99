"""skyprobe's own tests, run inside the image build (as a stack's packages
test themselves when they are built)."""

import json
import math
import os
import tempfile
import unittest

from skyprobe.catalog import Dataset, DatasetError, Source, Visit, read_dataset
from skyprobe.matching import match_pair
from skyprobe.measure import measure
from skyprobe.verify_job import make_job, write_job


def visit(number, offsets_mas, mags):
    """A visit of three stars at fixed places, shifted by offsets (mas)."""
    places = [(10.0, 20.0), (10.001, 20.0), (10.0, 20.001)]
    sources = [
        Source(i, ra + dx / 3.6e6 / math.cos(math.radians(dec)),
               dec + dy / 3.6e6, mag, 0.01)
        for i, ((ra, dec), (dx, dy), mag) in enumerate(
            zip(places, offsets_mas, mags))
    ]
    return Visit(number, 60000.0 + number, sources)


class MatchTest(unittest.TestCase):
    def test_one_to_one_closest_first(self):
        reference = [(0.0, 0.0), (100.0, 0.0)]
        other = [(10.0, 0.0), (90.0, 0.0), (5.0, 0.0)]
        self.assertEqual(match_pair(reference, other, 200.0), {0: 2, 1: 1})

    def test_radius(self):
        self.assertEqual(match_pair([(0.0, 0.0)], [(600.0, 0.0)], 500.0), {})


class MeasureTest(unittest.TestCase):
    def test_known_scatter(self):
        # Star 0 moves 10 mas in x between two visits: rms about the mean
        # with n - 1 = 1 is sqrt(2 * 5**2) = 7.07 mas; its magnitudes differ
        # by 0.01 mag: stdev 7.07 mmag. Stars 1 and 2 do not move.
        data = Dataset("t", "Sim", "r", [
            visit(1, [(0, 0), (0, 0), (0, 0)], [17.0, 18.0, 18.0]),
            visit(2, [(10, 0), (0, 0), (0, 0)], [17.01, 18.0, 18.0]),
        ])
        results = measure(data)
        self.assertAlmostEqual(results["n_matched"][0], 3.0)
        self.assertAlmostEqual(results["matched_fraction"][0], 100.0)
        # The median of (7.07, 0, 0) is 0; with only star 0 bright, 7.07.
        self.assertAlmostEqual(results["astrom_rms"][0], 0.0, places=3)
        only = measure(data, bright_mag=17.5)
        self.assertAlmostEqual(only["astrom_rms"][0], math.sqrt(50), places=3)
        self.assertAlmostEqual(only["phot_rms"][0], math.sqrt(50), places=3)

    def test_missing_star_lowers_the_fraction(self):
        second = visit(2, [(0, 0)] * 3, [18.0] * 3)
        second.sources.pop()
        data = Dataset("t", "Sim", "r", [visit(1, [(0, 0)] * 3, [18.0] * 3),
                                         second])
        self.assertAlmostEqual(measure(data)["matched_fraction"][0],
                               200.0 / 3)


class DatasetTest(unittest.TestCase):
    def test_reads_and_writes_a_job(self):
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "dataset.json"), "w") as f:
                visits = [{"visit": n, "mjd": n, "file": "a.csv"}
                          for n in (1, 2)]
                json.dump({"name": "tiny", "instrument": "Sim",
                           "filter": "g", "visits": visits}, f)
            with open(os.path.join(tmp, "a.csv"), "w") as f:
                f.write("source_id,ra,dec,mag,mag_err\n1,10,20,18,0.01\n")
            data = read_dataset(tmp)
            job = make_job(data, measure(data), {"match_radius": 0.5})
            write_job(job, os.path.join(tmp, "job.verify.json"))
            with open(os.path.join(tmp, "job.verify.json")) as f:
                back = json.load(f)
        self.assertEqual(sorted(back), ["blobs", "measurements", "meta",
                                        "metrics", "specs"])
        self.assertEqual(back["meta"]["dataset_name"], "tiny")
        self.assertIn("skyprobe", back["meta"]["packages"])

    def test_missing_file_is_named(self):
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaisesRegex(DatasetError, "dataset.json"):
                read_dataset(tmp)


if __name__ == "__main__":
    unittest.main()
