/**
 * The `integration` post step: when the workflow was cancelled or timed out
 * while datasets ran, remove every container the run left (found by the run
 * id the main step saved).
 */
import { runAction } from '../../src/core/action-door.js'
import { STATE_KEY } from '../../src/integration/cleanup.js'
import { cleanUpIntegration } from '../../src/integration/step.js'

void runAction(
  async (ctx) => {
    await cleanUpIntegration(ctx.getState(STATE_KEY), ctx.reporter)
    return undefined
  },
  { post: true }
)
