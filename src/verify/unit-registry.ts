/**
 * The named units astropy enables by default (SI, CGS, astrophysical,
 * miscellaneous, logarithmic), with the names, prefixes and definitions
 * astropy 5.2 gives them. Scales are *computed* from these definitions in the
 * order astropy multiplies them, so conversion factors come out bit-identical
 * to astropy's (`arcsec → marcsec` is 999.9999999999999, not 1000).
 */

/** `[short prefixes, long prefixes, factor]`, as astropy's `si_prefixes`. */
export type PrefixSpec = readonly [readonly string[], readonly string[], number]

export const SI_PREFIXES: readonly PrefixSpec[] = [
  [['Y'], ['yotta'], 1e24],
  [['Z'], ['zetta'], 1e21],
  [['E'], ['exa'], 1e18],
  [['P'], ['peta'], 1e15],
  [['T'], ['tera'], 1e12],
  [['G'], ['giga'], 1e9],
  [['M'], ['mega'], 1e6],
  [['k'], ['kilo'], 1e3],
  [['h'], ['hecto'], 1e2],
  [['da'], ['deka', 'deca'], 1e1],
  [['d'], ['deci'], 1e-1],
  [['c'], ['centi'], 1e-2],
  [['m'], ['milli'], 1e-3],
  [['u'], ['micro'], 1e-6],
  [['n'], ['nano'], 1e-9],
  [['p'], ['pico'], 1e-12],
  [['f'], ['femto'], 1e-15],
  [['a'], ['atto'], 1e-18],
  [['z'], ['zepto'], 1e-21],
  [['y'], ['yocto'], 1e-24]
]

export const BINARY_PREFIXES: readonly PrefixSpec[] = [
  [['Ki'], ['kibi'], 2 ** 10],
  [['Mi'], ['mebi'], 2 ** 20],
  [['Gi'], ['gibi'], 2 ** 30],
  [['Ti'], ['tebi'], 2 ** 40],
  [['Pi'], ['pebi'], 2 ** 50],
  [['Ei'], ['exbi'], 2 ** 60]
]

/**
 * One `def_unit` call. `rep` is `[factor, [[unit, power], …]]` (astropy's
 * `factor * unit ** power * …`); absent for irreducible base units.
 */
export interface UnitDef {
  short: readonly string[]
  long?: readonly string[]
  rep?: readonly [number, ReadonlyArray<readonly [string, number]>]
  prefixes?: boolean | readonly PrefixSpec[]
  exclude?: readonly string[]
  /** The generic-format display name when it differs from `short[0]`. */
  display?: string
}

const PI = Math.PI

/** Definitions in astropy's own order (it matters for name collisions). */
export const UNIT_DEFS: readonly UnitDef[] = [
  // si.py
  { short: ['percent'], long: ['pct'], rep: [0.01, []], display: '%' },
  { short: ['m'], long: ['meter'], prefixes: true },
  { short: ['micron'], rep: [1, [['um', 1]]] },
  {
    short: ['Angstrom'],
    long: ['AA', 'angstrom'],
    rep: [0.1, [['nm', 1]]],
    prefixes: [[['m', 'milli'], ['milli', 'm'], 1e-3]]
  },
  { short: ['rad'], long: ['radian'], prefixes: true },
  {
    short: ['deg'],
    long: ['degree'],
    rep: [PI / 180.0, [['rad', 1]]],
    prefixes: true
  },
  { short: ['hourangle'], rep: [15.0, [['deg', 1]]] },
  {
    short: ['arcmin'],
    long: ['arcminute'],
    rep: [1.0 / 60.0, [['deg', 1]]],
    prefixes: true
  },
  {
    short: ['arcsec'],
    long: ['arcsecond'],
    rep: [1.0 / 3600.0, [['deg', 1]]],
    prefixes: true
  },
  { short: ['mas'], rep: [0.001, [['arcsec', 1]]] },
  { short: ['uas'], rep: [0.000001, [['arcsec', 1]]] },
  {
    short: ['sr'],
    long: ['steradian'],
    rep: [1, [['rad', 2]]],
    prefixes: true
  },
  { short: ['s'], long: ['second'], prefixes: true, exclude: ['a'] },
  { short: ['min'], long: ['minute'], rep: [60, [['s', 1]]], prefixes: true },
  {
    short: ['h'],
    long: ['hour', 'hr'],
    rep: [3600, [['s', 1]]],
    prefixes: true,
    exclude: ['p']
  },
  {
    short: ['d'],
    long: ['day'],
    rep: [24, [['h', 1]]],
    prefixes: true,
    exclude: ['c', 'y']
  },
  { short: ['sday'], rep: [86164.09053, [['s', 1]]] },
  { short: ['wk'], long: ['week'], rep: [7, [['d', 1]]] },
  { short: ['fortnight'], rep: [2, [['wk', 1]]] },
  {
    short: ['a'],
    long: ['annum'],
    rep: [365.25, [['d', 1]]],
    prefixes: true,
    exclude: ['P']
  },
  { short: ['yr'], long: ['year'], rep: [365.25, [['d', 1]]], prefixes: true },
  {
    short: ['Hz'],
    long: ['Hertz', 'hertz'],
    rep: [1, [['s', -1]]],
    prefixes: true
  },
  { short: ['kg'], long: ['kilogram'] },
  {
    short: ['g'],
    long: ['gram'],
    rep: [1.0e-3, [['kg', 1]]],
    prefixes: true,
    exclude: ['k', 'kilo']
  },
  { short: ['t'], long: ['tonne'], rep: [1000, [['kg', 1]]] },
  { short: ['mol'], long: ['mole'], prefixes: true },
  { short: ['K'], long: ['Kelvin'], prefixes: true },
  { short: ['deg_C'], long: ['Celsius'] },
  {
    short: ['N'],
    long: ['Newton', 'newton'],
    rep: [
      1,
      [
        ['kg', 1],
        ['m', 1],
        ['s', -2]
      ]
    ],
    prefixes: true
  },
  {
    short: ['J'],
    long: ['Joule', 'joule'],
    rep: [
      1,
      [
        ['N', 1],
        ['m', 1]
      ]
    ],
    prefixes: true
  },
  {
    short: ['eV'],
    long: ['electronvolt'],
    rep: [1.602176634e-19, [['J', 1]]],
    prefixes: true
  },
  {
    short: ['Pa'],
    long: ['Pascal', 'pascal'],
    rep: [
      1,
      [
        ['J', 1],
        ['m', -3]
      ]
    ],
    prefixes: true
  },
  {
    short: ['W'],
    long: ['Watt', 'watt'],
    rep: [
      1,
      [
        ['J', 1],
        ['s', -1]
      ]
    ],
    prefixes: true
  },
  { short: ['A'], long: ['ampere', 'amp'], prefixes: true },
  {
    short: ['C'],
    long: ['coulomb'],
    rep: [
      1,
      [
        ['A', 1],
        ['s', 1]
      ]
    ],
    prefixes: true
  },
  {
    short: ['V'],
    long: ['Volt', 'volt'],
    rep: [
      1,
      [
        ['J', 1],
        ['C', -1]
      ]
    ],
    prefixes: true
  },
  {
    short: ['Ohm', 'ohm'],
    long: ['Ohm'],
    rep: [
      1,
      [
        ['V', 1],
        ['A', -1]
      ]
    ],
    prefixes: true
  },
  {
    short: ['S'],
    long: ['Siemens', 'siemens'],
    rep: [
      1,
      [
        ['A', 1],
        ['V', -1]
      ]
    ],
    prefixes: true
  },
  {
    short: ['F'],
    long: ['Farad', 'farad'],
    rep: [
      1,
      [
        ['C', 1],
        ['V', -1]
      ]
    ],
    prefixes: true
  },
  {
    short: ['Wb'],
    long: ['Weber', 'weber'],
    rep: [
      1,
      [
        ['V', 1],
        ['s', 1]
      ]
    ],
    prefixes: true
  },
  {
    short: ['T'],
    long: ['Tesla', 'tesla'],
    rep: [
      1,
      [
        ['Wb', 1],
        ['m', -2]
      ]
    ],
    prefixes: true
  },
  {
    short: ['H'],
    long: ['Henry', 'henry'],
    rep: [
      1,
      [
        ['Wb', 1],
        ['A', -1]
      ]
    ],
    prefixes: true
  },
  { short: ['cd'], long: ['candela'], prefixes: true },
  {
    short: ['lm'],
    long: ['lumen'],
    rep: [
      1,
      [
        ['cd', 1],
        ['sr', 1]
      ]
    ],
    prefixes: true
  },
  {
    short: ['lx'],
    long: ['lux'],
    rep: [
      1,
      [
        ['lm', 1],
        ['m', -2]
      ]
    ],
    prefixes: true
  },
  { short: ['Bq'], long: ['becquerel'], rep: [1, [['Hz', 1]]] },
  { short: ['Ci'], long: ['curie'], rep: [3.7e10, [['Bq', 1]]] },
  // cgs.py (the ones a stack's metrics plausibly use)
  {
    short: ['erg'],
    rep: [
      1,
      [
        ['g', 1],
        ['cm', 2],
        ['s', -2]
      ]
    ]
  },
  {
    short: ['dyn'],
    long: ['dyne'],
    rep: [
      1,
      [
        ['g', 1],
        ['cm', 1],
        ['s', -2]
      ]
    ],
    prefixes: true
  },
  // astrophys.py
  {
    short: ['AU', 'au'],
    long: ['astronomical_unit'],
    rep: [149597870700.0, [['m', 1]]],
    prefixes: true
  },
  {
    short: ['pc'],
    long: ['parsec'],
    rep: [30856775814913672, [['m', 1]]],
    prefixes: true
  },
  {
    short: ['lyr'],
    long: ['lightyear'],
    rep: [9460730472580800.0, [['m', 1]]],
    prefixes: true
  },
  { short: ['ph', 'photon'], long: ['photon'], prefixes: true },
  {
    short: ['Jy'],
    long: ['Jansky', 'jansky'],
    rep: [
      1e-26,
      [
        ['W', 1],
        ['Hz', -1],
        ['m', -2]
      ]
    ],
    prefixes: true
  },
  { short: ['ct', 'count'], long: ['count'], prefixes: true, exclude: ['p'] },
  { short: ['adu'], prefixes: true },
  { short: ['DN', 'dn'] },
  { short: ['beam'], prefixes: true },
  { short: ['electron'] },
  { short: ['bin'], prefixes: true },
  { short: ['chan'], long: ['channel'], prefixes: true },
  { short: ['pix', 'pixel'], long: ['pixel'], prefixes: true },
  { short: ['vox', 'voxel'], long: ['voxel'], prefixes: true },
  // misc.py
  { short: ['cycle'], long: ['cy'], rep: [2.0 * PI, [['rad', 1]]] },
  {
    short: ['bit', 'b'],
    long: ['bit'],
    prefixes: [...SI_PREFIXES, ...BINARY_PREFIXES]
  },
  {
    short: ['byte', 'B'],
    long: ['byte'],
    rep: [8, [['bit', 1]]],
    prefixes: [...SI_PREFIXES, ...BINARY_PREFIXES],
    exclude: ['d']
  },
  // function/units.py: logarithmic units. `mag` decomposes to -0.4 dex, so
  // mag and mmag convert linearly (×1000) and never to dimensionless.
  { short: ['dex'] },
  { short: ['dB'], long: ['decibel'], rep: [0.1, [['dex', 1]]] },
  { short: ['mag'], rep: [-0.4, [['dex', 1]]], prefixes: true }
]

/** Human names of the dimensions seen in practice, for error messages. */
export const PHYSICAL_TYPES: Readonly<Record<string, string>> = {
  '': 'dimensionless',
  'rad:1': 'angle',
  'rad:2': 'solid angle',
  'm:1': 'length',
  'm:2': 'area',
  's:1': 'time',
  's:-1': 'frequency',
  'kg:1': 'mass',
  'K:1': 'temperature',
  'bit:1': 'data quantity',
  'kg:1,s:-2': 'spectral flux density',
  'kg:1,m:2,s:-2': 'energy',
  'kg:1,m:2,s:-3': 'power',
  'dex:1': 'magnitude',
  'pix:1': 'pixel count',
  'ct:1': 'count',
  'electron:1': 'electron count'
}
