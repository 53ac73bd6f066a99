"""Cross-matching the visits of one field.

Positions are projected on the tangent plane at the field centre (small
fields only), in milliarcseconds. Each visit is matched to the reference
visit one to one: candidate pairs within the radius are taken closest first,
so a blend cannot claim the same star twice.
"""

import math
from collections import defaultdict

MAS_PER_DEG = 3.6e6


def field_centre(sources):
    ras = [s.ra for s in sources]
    decs = [s.dec for s in sources]
    return sum(ras) / len(ras), sum(decs) / len(decs)


def project(source, centre):
    """(x, y) in mas of a source on the tangent plane at ``centre``."""
    ra0, dec0 = centre
    x = (source.ra - ra0) * math.cos(math.radians(dec0)) * MAS_PER_DEG
    y = (source.dec - dec0) * MAS_PER_DEG
    return x, y


class Grid:
    """Sources binned in cells one radius wide, for neighbour queries."""

    def __init__(self, points, cell):
        self.cell = cell
        self.cells = defaultdict(list)
        for index, (x, y) in enumerate(points):
            self.cells[(math.floor(x / cell), math.floor(y / cell))].append(
                (index, x, y)
            )

    def near(self, x, y):
        cx, cy = math.floor(x / self.cell), math.floor(y / self.cell)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                yield from self.cells.get((cx + dx, cy + dy), ())


def match_pair(reference, other, radius_mas):
    """{reference index: other index}, one to one, closest pairs first."""
    grid = Grid(other, radius_mas)
    pairs = []
    for i, (x, y) in enumerate(reference):
        for j, ox, oy in grid.near(x, y):
            distance = math.hypot(ox - x, oy - y)
            if distance <= radius_mas:
                pairs.append((distance, i, j))
    pairs.sort()
    matched, taken = {}, set()
    for _distance, i, j in pairs:
        if i not in matched and j not in taken:
            matched[i] = j
            taken.add(j)
    return matched


def match_visits(visits, radius_arcsec):
    """Groups of one source per visit, for each reference source (from the
    first visit) found in every other visit; and the reference count."""
    reference = visits[0].sources
    centre = field_centre(reference)
    radius_mas = radius_arcsec * 1000.0
    ref_points = [project(s, centre) for s in reference]
    matches = []
    for visit in visits[1:]:
        points = [project(s, centre) for s in visit.sources]
        matches.append(match_pair(ref_points, points, radius_mas))
    groups = []
    for i, source in enumerate(reference):
        if all(i in m for m in matches):
            groups.append(
                [source]
                + [v.sources[m[i]] for v, m in zip(visits[1:], matches)]
            )
    return groups, len(reference), centre
