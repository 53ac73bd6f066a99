/** The stackci.yml pipeline runner used by the root action and `stackci run`. */
export {
  formatPipelineTable,
  runPipeline,
  type PipelineOptions,
  type PipelineResult,
  type PipelineStep,
  type StepOutcome,
  type StepStatus
} from './run.js'
export { planLine, planPipeline, type PipelinePlan } from './plan.js'
export {
  pipelineFailure,
  pipelineInputsFromAction,
  pipelineInputsFromFlags,
  pipelineOutputs,
  pipelineStepSummaries,
  pipelineSummary,
  preparePipeline,
  readPipelineInputs,
  type PipelineInputs,
  type PreparedPipeline
} from './step.js'
