#!/usr/bin/env python3
"""Writes test/fixtures/astropy/reference.json: what astropy says about the
unit strings stackci must understand -- canonical spelling, decomposed scale,
conversion factors and threshold comparisons -- so the TypeScript units can be
checked bit for bit against it.

Needs astropy (Debian: apt-get install python3-astropy; the tests were
generated with astropy 5.2.1, the version lsst.verify ran with). Run:
    /usr/bin/python3 scripts/astropy-reference.py
"""
import itertools
import json
import math
import operator
import os

import astropy
import astropy.units as u

SPELLINGS = [
    # every unit string in the verify_metrics fixtures
    '', 'pix', 'mag', 'nJy', 's', 'mmag', '%', 'percent', 'marcsec',
    'milliarcsecond', 'ct', 'byte', 'nanojansky',
    # aliases and relatives people write
    'mas', 'arcsec', 'arcsecond', 'arcmin', 'deg', 'degree', 'rad', 'uas',
    'uarcsec', 'pixel', 'count', 'uJy', 'microjansky', 'mJy', 'Jy', 'ms',
    'us', 'ns', 'min', 'h', 'hour', 'd', 'day', 'yr', 'a', 'ks', 'kbyte',
    'Mbyte', 'Gbyte', 'KiB', 'MiB', 'GiB', 'kB', 'MB', 'GB', 'bit',
    'mpix', 'kpix', 'dex', 'dB', 'm', 'km', 'mm', 'um', 'nm', 'Angstrom',
    'Hz', 'kHz', 'K', 'erg', 'J', 'W', 'electron', 'adu', 'ph',
    # composites
    'mmag / s', 'arcsec2', 'arcsec**2', 'mas2', 'm / s', 'm s-1', 'ct / s',
    'byte / s', '1 / s', 'pix2', 'nJy / pix',
    # not units
    'dimensionless', 'ABmag', 'furlong', 'mmag /', 'm**',
]

OPS = {'<': operator.lt, '<=': operator.le, '>': operator.gt,
       '>=': operator.ge, '==': operator.eq, '!=': operator.ne}


def hexf(x):
    return float(x).hex()


def main():
    units = []
    parsed = {}
    for s in SPELLINGS:
        try:
            unit = u.Unit(s)
            scale = unit.decompose().scale
            units.append({'spelling': s, 'str': str(unit),
                          'to_string': unit.to_string(),
                          'scale': hexf(scale),
                          'bases': [str(b) for b in unit.decompose().bases],
                          'powers': [float(p) for p in unit.decompose().powers]})
            parsed[s] = unit
        except Exception as e:  # noqa: BLE001 - recording the failure is the point
            units.append({'spelling': s, 'error': type(e).__name__})

    conversions = []
    for a, b in itertools.permutations(parsed, 2):
        try:
            factor = parsed[a].to(parsed[b])
        except u.UnitConversionError:
            factor = None
        conversions.append([a, b, None if factor is None else hexf(factor)])

    comparisons = []
    cases = [
        (5.0, 'mmag', 5.0, 'mmag'), (math.nextafter(5.0, 9), 'mmag', 5.0, 'mmag'),
        (math.nextafter(5.0, 0), 'mmag', 5.0, 'mmag'), (float('nan'), 'mmag', 5.0, 'mmag'),
        (float('inf'), 'mmag', 5.0, 'mmag'), (float('-inf'), 'mmag', 5.0, 'mmag'),
        (0.01, 'arcsec', 10.0, 'marcsec'), (10.0, 'marcsec', 0.01, 'arcsec'),
        (0.0123, 'arcsec', 10.0, 'marcsec'), (0.1, '', 10.0, '%'),
        (7.0, 'percent', 0.07, ''), (0.0051, 'mag', 5.0, 'mmag'),
        (0.005, 'mag', 5.0, 'mmag'), (1.0, 'uJy', 1000.0, 'nJy'),
        (1000.0, 'nJy', 1.0, 'uJy'), (-24.0, 'nJy', -25.0, 'nJy'),
        (-0.025, 'uJy', -25.0, 'nJy'), (5.0, 'mmag', 5.0, 'nJy'),
        (1.0, 'pix', 1.0, ''), (2.0, 'h', 7200.0, 's'), (1.0, 'KiB', 8192.0, 'bit'),
    ]
    for mv, mu, tv, tu in cases:
        for op, fn in OPS.items():
            try:
                result = bool(fn(mv * u.Unit(mu), tv * u.Unit(tu)))
            except u.UnitConversionError:
                result = 'UnitConversionError'
            comparisons.append([repr(mv), mu, op, repr(tv), tu, result])

    out = {'astropy': astropy.__version__, 'units': units,
           'conversions': conversions, 'comparisons': comparisons}
    path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures',
                        'astropy', 'reference.json')
    with open(path, 'w') as f:
        # One record per line: small diffs, easy to grep.
        f.write('{"astropy": %s,\n' % json.dumps(out['astropy']))
        for key in ('units', 'conversions', 'comparisons'):
            rows = ',\n'.join(json.dumps(r, sort_keys=True) for r in out[key])
            sep = ',' if key != 'comparisons' else ''
            f.write('"%s": [\n%s\n]%s\n' % (key, rows, sep))
        f.write('}\n')
    print(f'wrote {os.path.relpath(path)}: {len(units)} spellings, {len(conversions)} pairs, '
          f'{len(comparisons)} comparisons')


if __name__ == '__main__':
    main()
