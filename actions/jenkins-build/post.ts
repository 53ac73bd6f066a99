/**
 * The `jenkins-build` post step: when the job was cancelled or timed out
 * before the step finished, stop the Jenkins build it left running.
 */
import { runAction } from '../../src/core/action-door.js'
import { STATE_KEY, runJenkinsBuildPost } from '../../src/jenkins/index.js'

void runAction(async (ctx) => {
  await runJenkinsBuildPost(ctx.env, ctx.getState(STATE_KEY), ctx.reporter)
  return undefined
})
