import { createHash } from 'node:crypto'
import { verifyMetricsDir } from '../../helpers/shared.js'
import {
  loadDefinitions,
  metricToJson,
  PyFloat,
  specToJson,
  toPythonJson,
  type Definitions
} from './verify-api.js'

/**
 * The real LSST verify_metrics package, read in place. The expected values
 * below come from running upstream lsst.verify (with astropy 5.2.1) on the
 * same files.
 */
let defs: Definitions
beforeAll(async () => {
  defs = await loadDefinitions(verifyMetricsDir())
})

describe('the real verify_metrics package', () => {
  it('holds 1032 metrics, 1705 specifications and 126 partials, with no warning', () => {
    expect(defs.metrics.size).toBe(1032)
    expect(defs.specs.size).toBe(1705)
    expect(defs.partials.size).toBe(126)
    expect(defs.warnings).toEqual([])
  })

  it('has metrics in all 12 packages', () => {
    const perPackage: Record<string, number> = {}
    for (const m of defs.metrics.values())
      perPackage[m.package] = (perPackage[m.package] ?? 0) + 1
    expect(perPackage).toEqual({
      ap_association: 24,
      ap_pipe: 8,
      ap_verify: 1,
      ip_diffim: 12,
      ip_isr: 2,
      jointcal: 14,
      meas_algorithms: 2,
      meas_astrom: 2,
      meas_transinet: 2,
      pipe_analysis: 33,
      pipe_tasks: 8,
      validate_drp: 924
    })
  })

  it.each([
    [
      'ap_association.LoadDiaCatalogsTime',
      's',
      ['ap_verify', 'monitoring', 'task', 'workflow']
    ],
    ['ap_pipe.ApFakesCount20t22', 'ct', ['ap_verify', 'monitoring', 'task']],
    [
      'ap_verify.WallClockTime',
      's',
      ['ap_verify', 'monitoring', 'pipeline', 'workflow']
    ],
    ['ip_diffim.ImagePsfMatchCpuTime', 's', ['ap_verify', 'task', 'workflow']],
    ['ip_isr.IsrTime', 's', ['ap_verify', 'monitoring', 'task', 'workflow']],
    ['jointcal.photometry_collected_refStars', '', ['photometry']],
    [
      'meas_algorithms.SourceDetectionTime',
      's',
      ['ap_verify', 'monitoring', 'task', 'workflow']
    ],
    [
      'meas_astrom.AstrometryTime',
      's',
      ['ap_verify', 'monitoring', 'task', 'workflow']
    ],
    [
      'meas_transinet.RBTransiNetTime',
      's',
      ['ap_verify', 'monitoring', 'task', 'workflow']
    ],
    [
      'pipe_analysis.rhoStatistics3_HSM_largeScale_allStars',
      '',
      ['CoaddAnalysisTask', 'RhoStatistics', 'VisitAnalysisTask']
    ],
    [
      'pipe_tasks.CharacterizeImageCpuTime',
      's',
      ['ap_verify', 'task', 'workflow']
    ],
    [
      'validate_drp.astrom_y_resolved_diff_sig_mad_ref_mag20',
      'pix',
      ['astrometry']
    ],
    ['validate_drp.PA1', 'mmag', ['photometry']],
    ['validate_drp.AM1', 'marcsec', ['astrometry']],
    ['validate_drp.PF1_design_gri', '%', ['photometry']]
  ])('defines %s in %j with tags %j', (name, unit, tags) => {
    const m = defs.metrics.get(name)
    expect(m?.unit.name).toBe(unit)
    expect(m?.tags).toEqual(tags)
  })

  it('keeps list-valued references as lists (and does not corrupt them)', () => {
    const m = defs.metrics.get(
      'pipe_analysis.rhoStatistics0_HSM_smallScale_allStars'
    )
    expect(m?.reference.doc).toHaveLength(2)
    expect(m?.reference.url).toHaveLength(2)
    expect(defs.metrics.get('validate_drp.PA1')?.reference).toEqual({
      doc: 'LPM-17',
      url: 'http://ls.st/lpm-17',
      page: 21
    })
  })

  it.each([
    ['jointcal.astrometry_final_chi2.low', 0.5, '', '<=', {}, []],
    ['jointcal.astrometry_final_ndof.hsc_11_visits', 14262, '', '==', {}, []],
    [
      'jointcal.astrometry_final_ndof.hsc_2_visits_gaia_refcat',
      504,
      '',
      '==',
      {},
      []
    ],
    [
      'pipe_analysis.rhoStatistics0_HSM_smallScale_allStars.HSM_smallScale_allStars',
      1e-5,
      '',
      '<=',
      { catalog: 'allStars', shapeAlgorithm: 'HSM' },
      ['allStars']
    ],
    [
      'pipe_analysis.skyObjectMean_ap09Flux.lower',
      -25,
      'nJy',
      '>=',
      {},
      ['lower']
    ],
    [
      'pipe_analysis.skyObjectStd_ap09Flux.minimum',
      100,
      'nJy',
      '<=',
      {},
      ['minimum']
    ],
    [
      'validate_drp.AA1.design',
      50,
      'marcsec',
      '<=',
      {},
      ['AA1', 'achromatic', 'design']
    ],
    [
      'validate_drp.AF1_stretch.ORR',
      10,
      '%',
      '<=',
      {},
      ['achromatic', 'release']
    ],
    [
      'validate_drp.PA1.FY18_cfht_g',
      8,
      'mmag',
      '<=',
      {
        dataset_repo_url: 'https://github.com/lsst/validation_data_cfht.git',
        filter_name: 'g',
        instrument: 'CFHT'
      },
      ['chromatic', 'release']
    ],
    [
      'validate_drp.PA2_minimum_gri.cfht_r_FY19',
      17.5,
      'mmag',
      '<=',
      {
        ccds: [12, 13, 14, 21, 22, 23],
        dataset_name: 'validation_data_cfht',
        dataset_repo_url: 'https://github.com/lsst/validation_data_cfht.git',
        filter_name: 'r',
        instrument: 'CFHT',
        visits: [849375, 850587]
      },
      ['chromatic', 'release']
    ],
    [
      'validate_drp.psfPhotRepStar4.hsc_minimum_y',
      15,
      'mmag',
      '<=',
      {
        dataset_name: 'validation_data_hsc',
        dataset_repo_url: 'https://github.com/lsst/validation_data_hsc.git',
        filter_name: 'HSC-Y',
        instrument: 'HSC'
      },
      ['chromatic', 'minimum', 'psf_phot_rep']
    ],
    [
      'validate_drp.PA1.design_gri',
      5,
      'mmag',
      '<=',
      {},
      ['PA1', 'chromatic', 'design']
    ],
    // Copy-paste inheritance upstream: every HSC release spec is based on FY17.
    [
      'validate_drp.PA1.FY20_hsc_r',
      8,
      'mmag',
      '<=',
      {
        instrument: 'HSC',
        dataset_repo_url: 'https://github.com/lsst/validation_data_hsc.git',
        filter_name: 'HSC-R'
      },
      ['chromatic', 'release']
    ],
    [
      'validate_drp.PA1.FY20_gri',
      5.5,
      'mmag',
      '<=',
      {},
      ['chromatic', 'release']
    ]
  ])('%s: %s %s %s', (name, value, unit, operator, query, tags) => {
    expect(specToJson(defs.specs.get(name) ?? fail(name))).toEqual({
      name,
      type: 'threshold',
      threshold: { value, unit, operator },
      metadata_query: query,
      tags
    })
  })

  it('matches upstream lsst.verify on every specification and every metric, byte for byte', () => {
    // json.dumps([spec.json for spec in sorted specs], indent=0, sort_keys=True)
    // from upstream lsst.verify on these files (tags sorted).
    const specs = [...defs.specs.values()]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((s) => {
        const j = specToJson(s)
        return {
          ...j,
          threshold: { ...j.threshold, value: new PyFloat(j.threshold.value) }
        }
      })
    expect(sha256(toPythonJson(specs, 0))).toBe(
      '843e3b1972204bc04eb3483d08db23f05f62e37d6ffec4459730353031f5762d'
    )
    const metrics = [...defs.metrics.values()]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map(metricToJson)
    expect(sha256(toPythonJson(metrics, 0))).toBe(
      '3aaeca5f87b12a640a6db931043fc28c8be8a588c8c51f5ca4d121dd4771cfca'
    )
  })
})

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

function fail(name: string): never {
  throw new Error(`no specification ${name}`)
}
