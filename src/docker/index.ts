/**
 * Stack images: release tags, build context packing (.dockerignore as the
 * docker CLI reads it), build, labels and push through the Docker engine
 * API; promotion by digest through the registry's HTTP API.
 */

export * from './calendar.js'
export * from './release-tags.js'
export * from './dockerignore.js'
export * from './context.js'
export * from './dockerfile.js'
export * from './build-log.js'
export * from './client.js'
export * from './build.js'
export * from './labels.js'
export * from './registry.js'
export * from './registry-api.js'
export * from './promote.js'
export * from './stack-image.js'
export * from './stack-image-inputs.js'
