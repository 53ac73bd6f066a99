import { jest } from '@jest/globals'
import './setup.js'

// Integration tests drive real services (dockerd, registries, influxd) and
// emulators; give them room.
jest.setTimeout(300_000)
