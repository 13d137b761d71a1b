/**
 * Every Prometheus metric Facestyle exports: name, help, type and label set, in one place for the
 * API, the worker, the dashboards and the alert rules. Base units in names; labels never carry
 * user input (ids of live jobs are the only per-job label and are removed when the job ends).
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  name: string;
  help: string;
  type: MetricType;
  labels: readonly string[];
  buckets?: readonly number[];
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const JOB_SECONDS_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 14400] as const;

export const METRICS = {
  httpRequestDuration: {
    name: 'facestyle_http_request_duration_seconds',
    help: 'API request duration by route template, method and status code.',
    type: 'histogram',
    labels: ['method', 'route', 'status_code'],
    buckets: LATENCY_BUCKETS,
  },
  queueJobs: {
    name: 'facestyle_queue_jobs',
    help: 'Jobs per queue and state, read from BullMQ at scrape time.',
    type: 'gauge',
    labels: ['queue', 'state'],
  },
  jobWaitSeconds: {
    name: 'facestyle_job_wait_seconds',
    help: 'Time from enqueue to the start of processing (each attempt).',
    type: 'histogram',
    labels: ['queue'],
    buckets: JOB_SECONDS_BUCKETS,
  },
  jobRunSeconds: {
    name: 'facestyle_job_run_seconds',
    help: 'Processing time of one attempt, by outcome.',
    type: 'histogram',
    labels: ['queue', 'outcome'],
    buckets: JOB_SECONDS_BUCKETS,
  },
  jobsFinished: {
    name: 'facestyle_jobs_finished_total',
    help: 'Attempts finished by this worker, by queue and outcome (completed, failed, retried, cancelled).',
    type: 'counter',
    labels: ['queue', 'outcome'],
  },
  jobsStalled: {
    name: 'facestyle_jobs_stalled_total',
    help: 'Jobs this worker found stalled (their worker died or lost the lock).',
    type: 'counter',
    labels: ['queue'],
  },
  workerUp: {
    name: 'facestyle_worker_up',
    help: 'Always 1 while the worker process runs; absent series means the worker is down.',
    type: 'gauge',
    labels: ['queues'],
  },
  backendInfo: {
    name: 'facestyle_tf_backend_info',
    help: 'TF.js backend in use (value 1), by backend name and provider.',
    type: 'gauge',
    labels: ['backend', 'provider'],
  },
  tfTensors: {
    name: 'facestyle_tf_tensors',
    help: 'Live TF.js tensors in this process (tf.memory().numTensors).',
    type: 'gauge',
    labels: [],
  },
  tfBytes: {
    name: 'facestyle_tf_bytes',
    help: 'Bytes held by live TF.js tensors in this process (tf.memory().numBytes).',
    type: 'gauge',
    labels: [],
  },
  jobLastProgress: {
    name: 'facestyle_job_last_progress_timestamp_seconds',
    help: 'Unix time of the last progress report of each running job (removed when it ends).',
    type: 'gauge',
    labels: ['queue', 'job_id'],
  },
  trainingLoss: {
    name: 'facestyle_training_loss',
    help: 'Triplet loss of the latest step, per running training run.',
    type: 'gauge',
    labels: ['run_id'],
  },
  trainingStep: {
    name: 'facestyle_training_step',
    help: 'Latest completed step, per running training run.',
    type: 'gauge',
    labels: ['run_id'],
  },
  trainingStepsTotal: {
    name: 'facestyle_training_steps_total',
    help: 'Training steps completed by this worker.',
    type: 'counter',
    labels: [],
  },
  trainingActiveTriplets: {
    name: 'facestyle_training_active_triplets_ratio',
    help: 'Share of mined triplets with positive loss in the latest step.',
    type: 'gauge',
    labels: ['run_id'],
  },
  trainingDistance: {
    name: 'facestyle_training_pair_distance',
    help: 'Mean anchor-positive and anchor-negative distance in the latest batch.',
    type: 'gauge',
    labels: ['run_id', 'pair'],
  },
  trainingEmbeddingSpread: {
    name: 'facestyle_training_embedding_spread',
    help: 'Mean distance of the batch embeddings to their centroid; near 0 means collapse.',
    type: 'gauge',
    labels: ['run_id'],
  },
  trainingStepsPerSecond: {
    name: 'facestyle_training_steps_per_second',
    help: 'Training throughput of the running run.',
    type: 'gauge',
    labels: ['run_id'],
  },
  trainingEvalRocAuc: {
    name: 'facestyle_training_eval_roc_auc_ratio',
    help: 'Held-out verification ROC AUC at the latest evaluation.',
    type: 'gauge',
    labels: ['run_id'],
  },
  trainingEvalEer: {
    name: 'facestyle_training_eval_eer_ratio',
    help: 'Held-out equal error rate at the latest evaluation.',
    type: 'gauge',
    labels: ['run_id'],
  },
  trainingCheckpoints: {
    name: 'facestyle_training_checkpoints_total',
    help: 'Checkpoints written by this worker.',
    type: 'counter',
    labels: [],
  },
  trainingCollapses: {
    name: 'facestyle_training_collapses_total',
    help: 'Runs stopped by the collapse/stall detector, by reason (collapse, nan, flat-loss).',
    type: 'counter',
    labels: ['reason'],
  },
  renderIterationSeconds: {
    name: 'facestyle_render_iteration_seconds',
    help: 'Duration of one style-transfer optimisation iteration.',
    type: 'histogram',
    labels: [],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
  },
  renderProgress: {
    name: 'facestyle_render_progress_ratio',
    help: 'Iterations done / iterations asked, per running render.',
    type: 'gauge',
    labels: ['render_id'],
  },
  renderLoss: {
    name: 'facestyle_render_loss',
    help: 'Weighted loss terms of the latest iteration, per running render (term: content, style, tv, total).',
    type: 'gauge',
    labels: ['render_id', 'term'],
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricKey = keyof typeof METRICS;
