/**
 * Two projects: `unit` (pure, fast, parallel) and `integration` (real services:
 * dockerd, registry, influxd, flake8, the emulators; run in band with long
 * timeouts). Both compile TypeScript as ESM through ts-jest without type
 * checking; `npm run lint` runs tsc for that.
 */
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  testEnvironment: '<rootDir>/scripts/jest-temp-environment.mjs'
}

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup.ts']
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup-integration.ts'],
      slowTestThreshold: 60
    }
  ]
}
