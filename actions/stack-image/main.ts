/**
 * The `stack-image` action: a door onto `runStackImageStep`. It says what
 * it will build first; the step's code (release tags, git, Docker) is its
 * own file in the bundle (`./run.js`), read after that line.
 */
import { runAction } from '../../src/core/action-door.js'
import {
  stackImageInputsFromAction,
  stackImagePlan
} from '../../src/docker/step.js'

void runAction(async ({ reporter, env, workspace, signal }) => {
  const inputs = stackImageInputsFromAction(env)
  reporter.info(stackImagePlan(inputs))
  const { runStackImageAction } = await import('./run.js')
  return runStackImageAction(inputs, { reporter, env, workspace, signal })
})
