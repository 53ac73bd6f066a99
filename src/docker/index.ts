/**
 * Stack images: release tags, build context packing (.dockerignore as the
 * docker CLI reads it), build, labels, push and promote through the Docker
 * engine API.
 */

export * from './calendar.js'
export * from './release-tags.js'
