import { InputError } from '../../../src/core/errors.js'
import {
  buildPath,
  jobName,
  jobPath,
  normalizeBaseUrl,
  queueIdFromLocation
} from '../../../src/jenkins/paths.js'

describe('jobPath', () => {
  it.each([
    ['stack-os-matrix', '/job/stack-os-matrix'],
    ['release/weekly-release', '/job/release/job/weekly-release'],
    ['a/b/c', '/job/a/job/b/job/c'],
    ['team » app', '/job/team/job/app'],
    [' Folder 1/Test Project ', '/job/Folder%201/job/Test%20Project'],
    ['repo/feature%2Fx', '/job/repo/job/feature%252Fx'],
    ['job/a/job/b', '/job/a/job/b'],
    ['/job/a/job/My%20Job/', '/job/a/job/My%20Job'],
    ['café/日本', '/job/caf%C3%A9/job/%E6%97%A5%E6%9C%AC']
  ])('%j → %s', (job, path) => {
    expect(jobPath(job)).toBe(path)
  })

  it('accepts a job URL under the base', () => {
    expect(
      jobPath(
        'https://ci.example.org/jenkins/job/a/job/b/',
        'https://ci.example.org/jenkins'
      )
    ).toBe('/job/a/job/b')
  })

  it.each([
    ['', /empty/],
    ['a//b', /empty folder/],
    ['job/a/b', /cannot read a job/],
    ['https://other.example.org/job/a/', /not under the Jenkins URL/]
  ])('rejects %j', (job, message) => {
    expect(() => jobPath(job, 'https://ci.example.org')).toThrow(InputError)
    expect(() => jobPath(job, 'https://ci.example.org')).toThrow(message)
  })

  it('round-trips names', () => {
    expect(jobName(jobPath('Folder 1/Réseau ✓'))).toBe('Folder 1/Réseau ✓')
    expect(buildPath('/job/a', 42)).toBe('/job/a/42')
  })
})

describe('queueIdFromLocation', () => {
  it.each([
    ['http://ci:8080/queue/item/57/', 57],
    ['https://ci/jenkins/queue/item/3', 3],
    ['http://ci/queue/item/x/', undefined],
    ['http://ci/job/a/', undefined],
    ['', undefined]
  ])('%j → %j', (location, id) => {
    expect(queueIdFromLocation(location)).toBe(id)
  })
})

describe('normalizeBaseUrl', () => {
  it('drops credentials, query and trailing slashes', () => {
    expect(
      normalizeBaseUrl('https://bot:t%40ken@ci.example.org/jenkins//?x=1')
    ).toEqual({
      base: 'https://ci.example.org/jenkins',
      user: 'bot',
      password: 't@ken'
    })
  })

  it.each(['ci.example.org', 'ftp://ci.example.org'])('rejects %j', (url) => {
    expect(() => normalizeBaseUrl(url)).toThrow(InputError)
  })
})
